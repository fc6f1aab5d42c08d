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
    column_or_1d,
    validate_data,
)


def _as_rows(X):
    """Values as (n_values, n_features): 2-D tables as they are, spectrograms
    (n_clips, n_bands, n_frames) with every frame a row of bands."""
    if X.ndim == 2:
        return X
    return X.transpose(0, 2, 1).reshape(-1, X.shape[1])


def _mean_and_scale(X):
    """Mean and standard deviation of each feature (band), NaN ignored.

    A feature with no finite value gets mean 0; a constant one gets scale 1,
    so that standardising never divides by zero.
    """
    rows = _as_rows(X).astype(np.float64)
    present = ~np.isnan(rows)
    count = present.sum(axis=0)
    values = np.where(present, rows, 0.0)
    mean = values.sum(axis=0) / np.maximum(count, 1)
    variance = np.where(present, (rows - mean) ** 2, 0.0).sum(axis=0) / np.maximum(count, 1)
    scale = np.sqrt(variance)
    return mean, np.where(scale > 0, scale, 1.0)


class SpeakerStandardScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
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
    }

    def __init__(self, *, min_clips=10, with_mean=True, with_std=True):
        self.min_clips = min_clips
        self.with_mean = with_mean
        self.with_std = with_std

    def _validate(self, X, groups, *, reset):
        X = validate_data(self, X, reset=reset, allow_nd=True, dtype=FLOAT_DTYPES,
                          ensure_all_finite="allow-nan")
        if X.ndim not in (2, 3):
            raise ValueError(
                f"Expected a 2-D feature table (n_clips, n_features) or 3-D "
                f"spectrograms (n_clips, n_bands, n_frames), got shape {X.shape}"
            )
        if reset:
            self.n_dims_ = X.ndim
        elif X.ndim != self.n_dims_:
            raise ValueError(
                f"X is {X.ndim}-D, but SpeakerStandardScaler was fit on "
                f"{self.n_dims_}-D input"
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
        groups = column_or_1d(groups)
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
            Standardised copy of X.
        """
        X, groups = self._validate(X, groups, reset=True)
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
            Standardised copy of X; NaN stays NaN.
        """
        check_is_fitted(self)
        return self._transform(*self._validate(X, groups, reset=False))

    def _transform(self, X, groups):
        X_new = X.copy()
        known = {speaker: index for index, speaker in enumerate(self.speakers_.tolist())}
        speakers, inverse, counts = np.unique(groups, return_inverse=True, return_counts=True)
        for code, (speaker, count) in enumerate(zip(speakers.tolist(), counts)):
            rows = inverse == code
            if count >= self.min_clips:
                mean, scale = _mean_and_scale(X[rows])
            elif speaker in known:
                index = known[speaker]
                mean, scale = self.speaker_mean_[index], self.speaker_scale_[index]
            else:
                mean, scale = self.mean_, self.scale_
            shape = (-1,) + (1,) * (X.ndim - 2)  # bands broadcast over frames
            if self.with_mean:
                X_new[rows] -= mean.reshape(shape).astype(X.dtype)
            if self.with_std:
                X_new[rows] /= scale.reshape(shape).astype(X.dtype)
        return X_new

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
