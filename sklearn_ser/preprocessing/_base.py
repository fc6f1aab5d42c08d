"""Input handling shared by the waveform transformers."""

import librosa
import numpy as np
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


def trim_silence(clip, top_db, frame_length, hop_length):
    """``clip`` without its leading and trailing frames quieter than ``top_db``
    dB below its loudest frame (:func:`librosa.effects.trim` on the clip scaled
    to a peak of 1, so that the cut does not depend on the gain)."""
    # At a peak of 1, squaring loud samples cannot overflow and quiet ones do
    # not fall under librosa's power floor.
    peak = np.max(np.abs(clip))
    _, (start, stop) = librosa.effects.trim(
        clip / peak if peak > 0 else clip,
        top_db=top_db,
        frame_length=frame_length,
        hop_length=hop_length,
    )
    return clip[start:stop]
