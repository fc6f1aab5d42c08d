"""Input handling shared by the waveform transformers."""

from sklearn.utils.validation import validate_data

from ..utils import check_waveforms


def validate_waveforms(estimator, X, *, reset):
    """Validate clips and track ``n_features_in_`` the scikit-learn way.

    A 2-D array (or DataFrame) is a batch of equal-length clips, so its number
    of samples per clip is recorded at fit (``reset=True``) and checked
    afterwards, together with any column names. A list of clips has no such
    number: fitting on one forgets what an earlier fit recorded, and a list is
    never checked against it.

    Parameters
    ----------
    estimator : BaseEstimator
        The transformer being fitted or applied.
    X : array-like of shape (n_clips, n_samples) or sequence of 1-D arrays
        Anything :func:`~sklearn_ser.utils.check_waveforms` accepts.
    reset : bool
        True in ``fit``, False in ``transform``.

    Returns
    -------
    clips : list of ndarray of shape (n_samples_i,), dtype float32
    """
    clips = check_waveforms(X)
    if hasattr(X, "shape") and len(X.shape) == 2:
        validate_data(estimator, X, skip_check_array=True, reset=reset)
    elif reset:
        for attribute in ("n_features_in_", "feature_names_in_"):
            if hasattr(estimator, attribute):
                delattr(estimator, attribute)
    return clips
