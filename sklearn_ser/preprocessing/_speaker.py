"""Per-speaker standardisation: the classic answer to speaker variability."""

import warnings
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import (
    FLOAT_DTYPES,
    check_consistent_length,
    check_is_fitted,
    validate_data,
)

from ..utils import check_groups
from ..utils._versions import VersionStampMixin

# Values per block of the float64 statistics: their temporaries stay a few
# MB whatever the size of X.
_VALUES_PER_BLOCK = 2**20


def _blocks(X):
    """Consecutive blocks of clips (rows) of X."""
    step = max(1, _VALUES_PER_BLOCK // max(1, X[:1].size))
    return (X[start : start + step] for start in range(0, len(X), step))


def _mean_and_scale(X):
    """Mean and standard deviation of each feature (band), NaN ignored.

    Reduces over every axis but axis 1 (clips, and frames of spectrograms),
    in float64, block by block. A feature with no finite value gets mean 0;
    a constant one gets scale 1, so that standardising never divides by zero.
    """
    axes = (0,) + tuple(range(2, X.ndim))
    count = np.zeros(X.shape[1])
    total = np.zeros(X.shape[1])
    for block in _blocks(X):
        count += (~np.isnan(block)).sum(axis=axes)
        total += np.nansum(block, axis=axes, dtype=np.float64)
    mean = total / np.maximum(count, 1)
    centre = mean.reshape((-1,) + (1,) * (X.ndim - 2))
    squares = np.zeros(X.shape[1])
    for block in _blocks(X):
        squares += np.nansum((block.astype(np.float64) - centre) ** 2, axis=axes)
    scale = np.sqrt(squares / np.maximum(count, 1))
    return mean, np.where(scale > 0, scale, 1.0)


class _FeatureScaler(VersionStampMixin, OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """What the scalers share: float 2-D or 3-D input, NaN allowed, dtype kept.

    A subclass names the input it takes in ``_expected_input``, for the
    error about another shape.
    """

    def _validate_array(self, X, *, reset, copy):
        X = validate_data(
            self,
            X,
            reset=reset,
            allow_nd=True,
            dtype=FLOAT_DTYPES,
            ensure_all_finite="allow-nan",
            copy=copy,
        )
        if X.ndim not in (2, 3):
            raise ValueError(f"Expected {self._expected_input}, got shape {X.shape}")
        return X

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class SpeakerStandardScaler(_FeatureScaler):
    """Standardise features per speaker, with each speaker's own statistics.

    Speakers differ in pitch, loudness and timbre more than one speaker's
    emotions do, and that variation is the main source of error in
    speaker-independent emotion recognition. This transformer removes it the
    classic way: every clip is centred and scaled with the mean and standard
    deviation of the clips of *its own speaker*, computed without labels.

    Input is either a feature table (one row per clip, statistics per
    column) or spectrograms (statistics per band, over all frames of the
    speaker's clips). NaN values, such as the padded frames of
    ``LogMelTransformer(padding="nan")``, are left out of every statistic and
    stay NaN in the output.

    Which statistics standardise a speaker in :meth:`transform`:

    1. those of the speaker's clips in the same call, when the call holds at
       least ``min_clips`` of them (a speaker never seen in ``fit`` is
       normalised by its own unlabelled clips: that is the point);
    2. otherwise the statistics learned in ``fit`` for that speaker;
    3. otherwise those of all training clips (``mean_``, ``scale_``).

    The speakers arrive as ``groups``. Both ``fit`` and ``transform`` request
    them under scikit-learn's metadata routing by default, so with
    ``sklearn.set_config(enable_metadata_routing=True)``,
    ``pipeline.fit(X, y, groups=speakers)`` and
    ``pipeline.predict(X, groups=speakers)`` reach this step inside a
    ``Pipeline``, ``cross_validate`` or ``GridSearchCV``. Without ``groups``
    (scikit-learn's scorers route nothing to ``predict``) all clips of the
    call are taken as one speaker, and a warning says so.

    Using a test speaker's unlabelled clips is standard in emotion
    recognition, but it is information a single-clip deployment lacks:
    report results that use it as such.

    Parameters
    ----------
    min_clips : int, default=10
        Fewest clips of a speaker in one call whose statistics are used
        (rules 1-3 above).
    with_mean : bool, default=True
        Subtract each speaker's mean.
    with_std : bool, default=True
        Divide by each speaker's standard deviation (features that are
        constant for a speaker are only centred).
    copy : bool, default=True
        False standardises a float array in place in ``transform`` instead of
        a copy: inside a pipeline the front end's output is the scaler's
        own, and one copy of the data less is kept in memory.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,)
        Mean of each feature (band) over all training clips.
    scale_ : ndarray of shape (n_features,)
        Its standard deviation (1 where it is 0).
    speakers_ : ndarray of shape (n_speakers,)
        Speakers seen in ``fit`` with at least ``min_clips`` clips.
    speaker_mean_ : ndarray of shape (n_speakers, n_features)
        Mean of each feature for each of ``speakers_``.
    speaker_scale_ : ndarray of shape (n_speakers, n_features)
        Standard deviation of each feature for each of ``speakers_``.
    n_features_in_ : int
        Number of columns, or of bands for spectrograms.
    n_dims_ : {2, 3}
        Dimensions of the input seen in ``fit``: a table or spectrograms.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, only when ``fit`` got a DataFrame with string column
        names.

    See Also
    --------
    sklearn.preprocessing.StandardScaler : One set of statistics for all
        clips.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser import SpeakerStandardScaler
    >>> X = np.array([[1.0], [3.0], [10.0], [30.0]])
    >>> speakers = ["ann", "ann", "bob", "bob"]
    >>> scaler = SpeakerStandardScaler(min_clips=2)
    >>> scaler.fit_transform(X, groups=speakers).ravel()
    array([-1.,  1., -1.,  1.])
    >>> scaler.transform([[100.0], [300.0]], groups=["cyd", "cyd"]).ravel()
    array([-1.,  1.])
    """

    __metadata_request__fit = {"groups": True}
    __metadata_request__transform = {"groups": True}

    _parameter_constraints = {
        "min_clips": [Interval(Integral, 1, None, closed="left")],
        "with_mean": ["boolean"],
        "with_std": ["boolean"],
        "copy": ["boolean"],
    }

    def __init__(self, *, min_clips=10, with_mean=True, with_std=True, copy=True):
        self.min_clips = min_clips
        self.with_mean = with_mean
        self.with_std = with_std
        self.copy = copy

    _expected_input = (
        "a 2-D feature table (n_clips, n_features) or 3-D spectrograms (n_clips, n_bands, n_frames)"
    )

    def _validate(self, X, groups, *, reset, copy=False):
        X = self._validate_array(X, reset=reset, copy=copy)
        if reset:
            self.n_dims_ = X.ndim
        elif X.ndim != self.n_dims_:
            raise ValueError(
                f"X is {X.ndim}-D, but SpeakerStandardScaler was fit on {self.n_dims_}-D input"
            )
        if groups is None:
            warnings.warn(
                "SpeakerStandardScaler got no groups, so all clips of this call "
                "are standardised as one speaker; pass groups (with metadata "
                "routing inside a Pipeline) to normalise per speaker",
                UserWarning,
                stacklevel=3,
            )
            return X, np.zeros(len(X), dtype=np.int64)
        groups = check_groups(groups)
        check_consistent_length(X, groups)
        return X, groups

    def _fit(self, X, groups):
        self.mean_, self.scale_ = _mean_and_scale(X)
        speakers, counts = np.unique(groups, return_counts=True)
        self.speakers_ = speakers[counts >= self.min_clips]
        statistics = [_mean_and_scale(X[groups == speaker]) for speaker in self.speakers_]
        n_features = self.n_features_in_
        self.speaker_mean_ = np.array([mean for mean, _ in statistics]).reshape(-1, n_features)
        self.speaker_scale_ = np.array([scale for _, scale in statistics]).reshape(-1, n_features)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, groups=None):
        """Learn the statistics of every speaker and of all clips.

        Parameters
        ----------
        X : array-like of shape (n_clips, n_features) or (n_clips, n_bands, n_frames)
            Features or spectrograms; NaN marks missing values (padding).
        y : None
            Ignored: the statistics never see labels.
        groups : array-like of shape (n_clips,), default=None
            Speaker of each clip; None treats all clips as one speaker.

        Returns
        -------
        self : SpeakerStandardScaler
            The fitted scaler.
        """
        return self._fit(*self._validate(X, groups, reset=True))

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None, groups=None):
        """Fit, then standardise the same clips with their speakers' statistics.

        Parameters
        ----------
        X : array-like of shape (n_clips, n_features) or (n_clips, n_bands, n_frames)
            Features or spectrograms.
        y : None
            Ignored.
        groups : array-like of shape (n_clips,), default=None
            Speaker of each clip.

        Returns
        -------
        X_new : ndarray of the shape of X
            Standardised copy of X (X itself, standardised, when ``copy=False``
            and X is a float array).
        """
        X, groups = self._validate(X, groups, reset=True, copy=self.copy)
        return self._fit(X, groups)._transform(X, groups)

    def transform(self, X, groups=None):
        """Standardise each clip with its speaker's statistics.

        Parameters
        ----------
        X : array-like of shape (n_clips, n_features) or (n_clips, n_bands, n_frames)
            Features or spectrograms shaped as in ``fit``.
        groups : array-like of shape (n_clips,), default=None
            Speaker of each clip; None treats all clips as one speaker.

        Returns
        -------
        X_new : ndarray of the shape of X
            Standardised copy of X (X itself when ``copy=False`` and X is a
            float array); NaN stays NaN.
        """
        check_is_fitted(self)
        return self._transform(*self._validate(X, groups, reset=False, copy=self.copy))

    def _transform(self, X, groups):
        """Standardise X in place (the caller decides whether it is a copy)."""
        known = {speaker: index for index, speaker in enumerate(self.speakers_.tolist())}
        speakers, inverse, counts = np.unique(groups, return_inverse=True, return_counts=True)
        # Each clip's statistics, then one in-place pass over X: no copy of a
        # speaker's clips beyond the blocks of _mean_and_scale.
        clip_mean = np.empty((len(X), X.shape[1]), dtype=X.dtype)
        clip_scale = np.empty((len(X), X.shape[1]), dtype=X.dtype)
        for code, (speaker, count) in enumerate(zip(speakers.tolist(), counts)):
            rows = np.flatnonzero(inverse == code)
            if count >= self.min_clips:
                mean, scale = _mean_and_scale(X[rows])
            elif speaker in known:
                index = known[speaker]
                mean, scale = self.speaker_mean_[index], self.speaker_scale_[index]
            else:
                mean, scale = self.mean_, self.scale_
            clip_mean[rows], clip_scale[rows] = mean, scale
        shape = X.shape[:2] + (1,) * (X.ndim - 2)  # bands broadcast over frames
        if self.with_mean:
            X -= clip_mean.reshape(shape)
        if self.with_std:
            X /= clip_scale.reshape(shape)
        return X


class UtteranceStandardScaler(_FeatureScaler):
    """Standardise each spectrogram band with the clip's own statistics.

    Every band of every clip is centred (and scaled) with its mean (and
    standard deviation) over the clip's frames: the cepstral mean and
    variance normalisation of speech recognition, applied to log-mel bands.
    A log spectrum adds a recording's gain and its microphone's and room's
    frequency response to every frame, so subtracting each band's mean over
    the clip removes them; unlike :class:`SpeakerStandardScaler` it needs no
    speakers and no other clip, so it is the same at training and at
    prediction on any corpus. NaN frames (the padding of
    ``LogMelTransformer(padding="nan")``) are left out of the statistics
    and stay NaN. Nothing is learned in ``fit``.

    A 2-D array of shape (n_clips, n_frames) is read as one band per clip.

    Parameters
    ----------
    with_std : bool, default=True
        Also divide each band by its standard deviation over the clip's
        frames (a constant band is left unscaled).
    copy : bool, default=True
        Standardise a copy; False standardises a float array in place.

    Attributes
    ----------
    n_features_in_ : int
        Number of bands seen in ``fit``.

    See Also
    --------
    SpeakerStandardScaler : Statistics over all clips of a speaker.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser.preprocessing import UtteranceStandardScaler
    >>> spectrograms = np.array([[[1.0, 3.0, np.nan], [10.0, 10.0, 10.0]]])
    >>> UtteranceStandardScaler().fit_transform(spectrograms)
    array([[[-1.,  1., nan],
            [ 0.,  0.,  0.]]])
    """

    _parameter_constraints = {"with_std": ["boolean"], "copy": ["boolean"]}

    def __init__(self, *, with_std=True, copy=True):
        self.with_std = with_std
        self.copy = copy

    _expected_input = "3-D spectrograms (n_clips, n_bands, n_frames)"

    def _validate(self, X, *, reset):
        return self._validate_array(X, reset=reset, copy=self.copy)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the input; nothing is learned.

        Parameters
        ----------
        X : array-like of shape (n_clips, n_bands, n_frames) or (n_clips, n_frames)
            Spectrograms; NaN marks padded frames.
        y : None
            Ignored.

        Returns
        -------
        self : UtteranceStandardScaler
            The fitted scaler.
        """
        self._validate(X, reset=True)
        return self

    def transform(self, X):
        """Standardise every band of every clip with the clip's statistics.

        Parameters
        ----------
        X : array-like of shape (n_clips, n_bands, n_frames) or (n_clips, n_frames)
            Spectrograms with as many bands as in ``fit``.

        Returns
        -------
        X_new : ndarray of the shape of X
            Standardised copy of X (X itself when ``copy=False`` and X is a
            float array); NaN stays NaN.
        """
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        # A 2-D array is one band per clip: a view, standardised in place.
        for block in _blocks(X if X.ndim == 3 else X[:, np.newaxis, :]):
            with warnings.catch_warnings():  # a band of a clip with no finite frame
                warnings.simplefilter("ignore", RuntimeWarning)
                block -= np.nan_to_num(np.nanmean(block, axis=2, keepdims=True))
                if self.with_std:
                    scale = np.nan_to_num(np.nanstd(block, axis=2, keepdims=True))
                    block /= np.where(scale > 0, scale, 1)
        return X
