"""The classic baseline: utterance statistics of log-mel bands + a linear model."""

from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from ..preprocessing import LogMelTransformer
from ..preprocessing._statistics import UtteranceStatistics


def make_baseline_pipeline(
    classifier="logreg", *, sr=16000, n_mels=64, percentiles=(10, 50, 90),
    deltas=True, random_state=None,
):
    """Build the non-neural reference model: waveforms in, labels out.

    ``LogMelTransformer -> UtteranceStatistics -> StandardScaler ->
    classifier``: per-band statistics of the log-mel spectrogram over time,
    standardised on the training data, then a logistic regression or an RBF
    SVM. Both classifiers weight classes inversely to their frequency, which
    suits the UAR (RAVDESS has half as many neutral clips). Any neural model
    should beat it under the same speaker-independent protocol.

    Parameters
    ----------
    classifier : {"logreg", "svm"}, default="logreg"
        Final classifier: :class:`~sklearn.linear_model.LogisticRegression`
        or an RBF :class:`~sklearn.svm.SVC` calibrated for probabilities
        (:class:`~sklearn.calibration.CalibratedClassifierCV`).
    sr : int, default=16000
        Sampling rate of the input waveforms.
    n_mels : int, default=64
        Number of mel bands.
    percentiles : array-like of float, default=(10, 50, 90)
        Percentiles over time per band (see :class:`UtteranceStatistics`).
    deltas : bool, default=True
        Add statistics of the frame-to-frame differences.
    random_state : int, RandomState instance or None, default=None
        Seed of the classifier.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Unfitted; its steps are named ``logmeltransformer``,
        ``utterancestatistics``, ``standardscaler`` and ``logisticregression``
        or ``calibratedclassifiercv``.

    Examples
    --------
    >>> from sklearn_ser.evaluation import make_baseline_pipeline
    >>> [name for name, _ in make_baseline_pipeline("svm").steps]
    ['logmeltransformer', 'utterancestatistics', 'standardscaler', 'calibratedclassifiercv']
    """
    classifiers = {
        "logreg": lambda: LogisticRegression(
            max_iter=2000, class_weight="balanced", random_state=random_state
        ),
        # Calibrated on internal folds for predict_proba (SVC(probability=True)
        # is deprecated since scikit-learn 1.9).
        "svm": lambda: CalibratedClassifierCV(
            SVC(class_weight="balanced", random_state=random_state), ensemble=False
        ),
    }
    if classifier not in classifiers:
        raise ValueError(
            f"classifier must be one of {sorted(classifiers)}, got {classifier!r}"
        )
    return make_pipeline(
        LogMelTransformer(sr=sr, n_mels=n_mels),
        UtteranceStatistics(percentiles=percentiles, deltas=deltas),
        StandardScaler(),
        classifiers[classifier](),
    )
