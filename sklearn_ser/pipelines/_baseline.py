"""The classic baseline: utterance statistics of log-mel bands + a linear model."""

from functools import partial

from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline, make_union
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from ..preprocessing import (
    LogMelTransformer,
    OpenSmileTransformer,
    SpeakerStandardScaler,
    UtteranceStatistics,
    VoiceEmbeddingTransformer,
)
from ..utils import fill_doc
from ._base import CHECK_DOMAIN, make_checked_pipeline

_OPENSMILE_SETS = {"egemaps": "eGeMAPSv02", "compare": "ComParE_2016"}


def _opensmile_steps(feature_set, sr, memory):
    return [OpenSmileTransformer(feature_set=feature_set, sr=sr, memory=memory)]


def _is_feature_set(features):
    """Whether ``features`` is one feature set: a name or a transformer."""
    return isinstance(features, str) or hasattr(features, "transform")


@fill_doc(check_domain=CHECK_DOMAIN)
def make_baseline_pipeline(
    classifier="logreg",
    *,
    features="logmel",
    speaker_norm=False,
    check_domain=True,
    sr=16000,
    n_mels=64,
    percentiles=(10, 50, 90),
    deltas=True,
    memory=None,
    random_state=None,
):
    """Build the non-neural reference model: waveforms in, labels out.

    ``InputDomainCheck -> LogMelTransformer -> UtteranceStatistics ->
    StandardScaler -> classifier``: per-band statistics of the log-mel spectrogram over time,
    standardised on the training data, then a logistic regression or an
    SVM. openSMILE functionals (eGeMAPS or ComParE-2016) can replace the
    log-mel statistics, and a :class:`~sklearn_ser.SpeakerStandardScaler`
    the global scaler. Both classifiers weight classes inversely to their frequency, which
    suits the UAR (RAVDESS has half as many neutral clips). Any neural model
    should beat it under the same speaker-independent protocol.

    Parameters
    ----------
    classifier : {"logreg", "svm", "linear-svm"}, default="logreg"
        Final classifier: :class:`~sklearn.linear_model.LogisticRegression`,
        or an RBF or linear :class:`~sklearn.svm.SVC` calibrated for
        probabilities (:class:`~sklearn.calibration.CalibratedClassifierCV`).
    features : {"logmel", "egemaps", "compare", "voice"}, transformer or tuple of them, \
            default="logmel"
        Log-mel statistics (:class:`~sklearn_ser.LogMelTransformer` +
        :class:`~sklearn_ser.UtteranceStatistics`), openSMILE's eGeMAPS v02
        or ComParE-2016 functionals (:class:`~sklearn_ser.OpenSmileTransformer`,
        needs the ``[opensmile]`` extra), or pretrained speaker-encoder
        embeddings (:class:`~sklearn_ser.VoiceEmbeddingTransformer`, needs the
        ``[voice]`` extra). A transformer of waveforms into one row per clip,
        such as a :class:`~sklearn_ser.SpeechEncoderTransformer`, is a
        feature set too (a clone of it; ``sr`` is its own). A tuple
        concatenates its feature sets side by side (a
        :class:`~sklearn.pipeline.FeatureUnion`), e.g. ``("egemaps", "voice")``.
    speaker_norm : bool, default=False
        Standardise per speaker with
        :class:`~sklearn_ser.SpeakerStandardScaler` instead of a global
        :class:`~sklearn.preprocessing.StandardScaler`. Speakers reach it as
        ``groups`` through metadata routing, at ``predict`` too (the test
        speakers' own unlabelled clips).
    %(check_domain)s
    sr : int, default=16000
        Sampling rate of the input waveforms.
    n_mels : int, default=64
        Number of mel bands (log-mel features only).
    percentiles : array-like of float, default=(10, 50, 90)
        Percentiles over time per band (see :class:`UtteranceStatistics`;
        log-mel features only).
    deltas : bool, default=True
        Add statistics of the frame-to-frame differences (log-mel features
        only).
    memory : str, path or joblib.Memory, default=None
        Cache of the openSMILE and speaker-encoder features of each clip
        (their transformers' ``memory``), so that folds and grid-search
        candidates compute each clip once. The log-mel statistics are not
        cached: they are cheap.
    random_state : int, RandomState instance or None, default=None
        Seed of the classifier.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Unfitted; its steps are named after their classes, e.g.
        ``inputdomaincheck``, ``logmeltransformer``, ``utterancestatistics``,
        ``standardscaler`` and ``logisticregression`` or
        ``calibratedclassifiercv``.

    Examples
    --------
    >>> from sklearn_ser.pipelines import make_baseline_pipeline
    >>> [name for name, _ in make_baseline_pipeline("svm").steps]
    ['inputdomaincheck', 'logmeltransformer', 'utterancestatistics', 'standardscaler',
     'calibratedclassifiercv']
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
        "linear-svm": lambda: CalibratedClassifierCV(
            SVC(kernel="linear", class_weight="balanced", random_state=random_state),
            ensemble=False,
        ),
    }
    if classifier not in classifiers:
        raise ValueError(f"classifier must be one of {sorted(classifiers)}, got {classifier!r}")
    # Each feature set as a list of fresh steps.
    front_ends = {
        "logmel": lambda: [
            LogMelTransformer(sr=sr, n_mels=n_mels),
            UtteranceStatistics(percentiles=percentiles, deltas=deltas),
        ],
    }
    for name, feature_set in _OPENSMILE_SETS.items():
        front_ends[name] = partial(_opensmile_steps, feature_set, sr, memory)
    front_ends["voice"] = lambda: [VoiceEmbeddingTransformer(sr=sr, memory=memory)]
    feature_sets = (features,) if _is_feature_set(features) else tuple(features)
    if not feature_sets or not all(
        feature_set in front_ends if isinstance(feature_set, str) else _is_feature_set(feature_set)
        for feature_set in feature_sets
    ):
        raise ValueError(
            f"features must be one of {list(front_ends)}, a transformer, or a tuple of them, "
            f"got {features!r}"
        )
    steps_of_sets = [
        front_ends[feature_set]() if isinstance(feature_set, str) else [clone(feature_set)]
        for feature_set in feature_sets
    ]
    if len(steps_of_sets) == 1:
        front_end = steps_of_sets[0]
    else:
        front_end = [
            make_union(
                *(steps[0] if len(steps) == 1 else make_pipeline(*steps) for steps in steps_of_sets)
            )
        ]
    scaler = SpeakerStandardScaler(copy=False) if speaker_norm else StandardScaler()
    return make_checked_pipeline(
        *front_end, scaler, classifiers[classifier](), check_domain=check_domain, sr=sr
    )
