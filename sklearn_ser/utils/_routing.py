"""Speakers routed to the steps of a model that request them."""

from sklearn import config_context
from sklearn.utils._param_validation import HasMethods, validate_params
from sklearn.utils.metadata_routing import get_routing_for_object


@validate_params(
    {
        "estimator": [HasMethods(["fit"])],
        "X": ["array-like"],
        "y": ["array-like"],
        "groups": ["array-like", None],
    },
    # The estimator is the caller's: its own parameters are validated when fit.
    prefer_skip_nested_validation=False,
)
def fit_with_groups(estimator, X, y, groups=None):
    """Fit an estimator, the speakers routed to every step that requests them.

    Under scikit-learn's metadata routing, ``groups`` reach every step that
    requests them: the per-speaker scaler
    (:class:`~sklearn_ser.preprocessing.SpeakerStandardScaler`, which does
    by default), a network's speaker-independent early-stopping split. An
    estimator that requests none, or ``groups=None``, is fit without them.
    What ``sklearn-ser train`` does with the corpus's speakers.

    Parameters
    ----------
    estimator : estimator object
        Fit in place.
    X : array-like or list of length n_samples
        Input of the estimator, e.g. a list of waveforms.
    y : array-like of shape (n_samples,)
        Labels.
    groups : array-like of shape (n_samples,), default=None
        The speaker of every sample.

    Returns
    -------
    estimator : estimator object
        The fitted ``estimator``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_ser.preprocessing import SpeakerStandardScaler
    >>> from sklearn_ser.utils import fit_with_groups
    >>> X = np.array([[0.0], [2.0], [10.0], [12.0]])
    >>> y, speakers = ["sad", "angry", "sad", "angry"], ["a", "a", "b", "b"]
    >>> model = make_pipeline(SpeakerStandardScaler(min_clips=2), LogisticRegression())
    >>> fit_with_groups(model, X, y, speakers)[0].speakers_
    array(['a', 'b'], dtype=...)
    """
    with config_context(enable_metadata_routing=True):
        requested = get_routing_for_object(estimator).consumes("fit", ["groups"])
        routed = {"groups": groups} if requested and groups is not None else {}
        return estimator.fit(X, y, **routed)
