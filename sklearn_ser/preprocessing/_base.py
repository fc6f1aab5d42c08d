"""Input handling and machinery shared by the waveform transformers."""

import hashlib
import os

import joblib
import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils.validation import check_is_fitted, check_memory, validate_data

from ..utils import check_waveforms
from ..utils._validation import _is_column_of_clips
from ..utils._versions import VersionStampMixin

#: Docstring block (for :func:`~sklearn_ser.utils.fill_doc`) of the ``memory``
#: parameter of the transformers that compute one row per clip.
FEATURE_MEMORY = """
    memory : str, path or joblib.Memory, default=None
        Where to keep each clip's row on disk (a folder, or a
        :class:`joblib.Memory`), keyed by the clip's samples and this
        transformer's settings: the clips that several folds, candidates
        of a :class:`~sklearn.model_selection.GridSearchCV` or runs share
        are computed once. None computes every time. The cache does not
        know the extractor library's version: clear it when that changes."""

#: Docstring block (for :func:`~sklearn_ser.utils.fill_doc`) of the attributes
#: that :func:`validate_waveforms` sets.
WAVEFORM_INPUT_ATTRIBUTES = """
n_features_in_ : int
    Samples per clip of the 2-D array seen in ``fit``. Only set when
    ``fit`` got a 2-D array; ``transform`` then rejects 2-D arrays of
    another width (a list of clips of any length is always accepted).
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Column names, only set when ``fit`` got a DataFrame with string
    column names.
"""


def validate_waveforms(estimator, X, *, reset):
    """Validate clips and track ``n_features_in_`` the scikit-learn way.

    A 2-D array (or DataFrame) is a batch of equal-length clips, so its number
    of samples per clip is recorded at fit (``reset=True``) and checked
    afterwards, together with any column names. A list of clips (or a
    one-column DataFrame of them) has no such number: fitting on one forgets
    what an earlier fit recorded, and a list is never checked against it.

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
    if hasattr(X, "shape") and len(X.shape) == 2 and not _is_column_of_clips(X):
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
    return clip[slice(*speech_interval(clip, top_db, frame_length, hop_length))]


def speech_interval(clip, top_db, frame_length, hop_length):
    """``(start, stop)`` samples of ``clip`` that :func:`trim_silence` keeps.

    The computation of :func:`librosa.effects.trim` (frames centred by zero
    padding, RMS per frame, dB against the loudest frame, the frames above
    ``-top_db``), step by step in numpy so that the cut is the same to the
    sample, without importing librosa's effects and the numba JIT behind
    them (about 130 MB and a second when a model first predicts).
    """
    # At a peak of 1, squaring loud samples cannot overflow and quiet ones do
    # not fall under the power floor.
    peak = np.max(np.abs(clip))
    scaled = clip / peak if peak > 0 else clip
    padded = np.pad(scaled, frame_length // 2)
    n_frames = 1 + (len(padded) - frame_length) // hop_length
    step = padded.strides[0]
    # One column per frame, averaged down each column as librosa does, for
    # the same float rounding.
    frames = np.lib.stride_tricks.as_strided(
        padded, (frame_length, n_frames), (step, hop_length * step), writeable=False
    )
    rms = np.sqrt(np.mean(np.square(frames), axis=0))
    power, loudest = np.square(rms), np.square(rms.max())
    db = 10 * np.log10(np.maximum(1e-10, power)) - 10 * np.log10(np.maximum(1e-10, loudest))
    loud = np.flatnonzero(db > -top_db)  # never empty: the loudest frame is at 0 dB
    return int(loud[0] * hop_length), int(min(len(clip), (loud[-1] + 1) * hop_length))


def resample_clip(clip, sr, target_sr):
    """``clip``, sampled at ``sr`` Hz, at ``target_sr`` Hz (librosa's default
    resampler); the clip itself when the rates agree."""
    if sr == target_sr:
        return clip
    import librosa  # here: importing it loads numba, which the other transformers skip

    return librosa.resample(clip, orig_sr=sr, target_sr=target_sr)


class ClipFeaturesTransformer(VersionStampMixin, TransformerMixin, BaseEstimator):
    """Base of the transformers that turn each clip into one row of features.

    A subclass gives ``_fit_extractor()``, which checks that its extractor
    (often an optional dependency) is there, sets any fitted attributes of its
    own and returns the number of features, and ``_extractor()``, which
    returns a function of ``(clip, index)`` giving that clip's row. One that
    computes several clips at once overrides ``_transform_clips(clips)``
    instead of giving ``_extractor()``. Each subclass has a ``memory``
    parameter (:data:`FEATURE_MEMORY`); parameters that cannot change a row
    are listed in ``_not_in_cache_key``.
    """

    _not_in_cache_key = ("memory",)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the clips and that the feature extractor is installed.

        Parameters
        ----------
        X : array-like of shape (n_clips, n_samples) or sequence of 1-D arrays
            Mono clips at ``sr`` Hz.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        validate_waveforms(self, X, reset=True)
        self.n_features_out_ = self._fit_extractor()
        return self

    def transform(self, X):
        """Compute one row of features per clip.

        Parameters
        ----------
        X : array-like of shape (n_clips, n_samples) or sequence of 1-D arrays
            Mono clips at ``sr`` Hz, of any length the extractor can analyse.

        Returns
        -------
        features : ndarray of shape (n_clips, `n_features_out_`), dtype float32
        """
        check_is_fitted(self)
        clips = validate_waveforms(self, X, reset=False)
        # scikit-learn's check takes a folder as str only.
        memory = check_memory(
            os.fspath(self.memory) if isinstance(self.memory, os.PathLike) else self.memory
        )
        if memory.location is None:
            return self._transform_clips(clips)
        return self._cached_transform(clips, memory)

    def _cached_transform(self, clips, memory):
        # The rows are computed together (an extractor may batch clips) and
        # stored one per clip, each under the clip's digest.
        stored_row = memory.cache(_stored_row, ignore=["row"])
        settings = joblib.hash(self._cache_key())
        digests = [hashlib.sha256(clip.tobytes()).hexdigest() for clip in clips]
        missing = [
            index
            for index, digest in enumerate(digests)
            if not stored_row.check_call_in_cache(settings, digest)
        ]
        features = np.empty((len(clips), self.n_features_out_), dtype=np.float32)
        if missing:
            features[missing] = self._transform_clips([clips[index] for index in missing])
        computed = set(missing)
        for index, digest in enumerate(digests):
            row = features[index] if index in computed else None
            features[index] = stored_row(settings, digest, row=row)
        return features

    def _cache_key(self):
        """What, beside a clip's samples, decides its row."""
        params = self.get_params()
        return type(self).__qualname__, {
            name: value for name, value in params.items() if name not in self._not_in_cache_key
        }

    def _transform_clips(self, clips):
        """Rows of ``clips`` (validated), computed."""
        extract = self._extractor()
        features = np.empty((len(clips), self.n_features_out_), dtype=np.float32)
        for index, clip in enumerate(clips):
            features[index] = extract(clip, index)
        return features

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags

    @property
    def _n_features_out(self):
        # For ClassNamePrefixFeaturesOutMixin's get_feature_names_out.
        return self.n_features_out_


def _stored_row(settings, digest, row=None):
    """The row given when (settings, digest) is first seen, from the cache
    afterwards (``row`` is not part of the key)."""
    return row
