"""Utterance-level statistics over time: the classic, non-neural baseline."""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._versions import VersionStampMixin

# Clips per block of the float64 computation: its temporaries (the float64
# copy, the deltas, the sorted copy of np.percentile) stay a few MB instead of
# several times the input.
_CLIPS_PER_BLOCK = 256


class UtteranceStatistics(VersionStampMixin, TransformerMixin, BaseEstimator):
    """Pool a time-frequency representation into one feature vector per clip.

    For every band (mel band, MFCC, ...) the transformer computes the mean,
    the standard deviation and the chosen percentiles over time; with
    ``deltas=True`` it does the same for the frame-to-frame differences of
    each band. Pooling over time makes the output independent of the clip
    length, so a linear model or an SVM can classify it: together with
    :class:`~sklearn_ser.preprocessing.LogMelTransformer` and a
    :class:`~sklearn.preprocessing.StandardScaler` this is the classic
    speech-emotion baseline.

    The transformer learns nothing from the data; ``fit`` only records the
    number of bands.

    Parameters
    ----------
    percentiles : array-like of float, default=(10, 50, 90)
        Percentiles over time, each in [0, 100], computed per band after the
        mean and standard deviation. An empty sequence keeps only the mean
        and standard deviation.
    deltas : bool, default=True
        Whether to add the same statistics computed on the first-order
        differences along time (``x[t + 1] - x[t]``), which describe how fast
        each band changes. A clip of a single frame has deltas of zero.

    Attributes
    ----------
    n_features_in_ : int
        Number of bands seen during fit (``X.shape[1]``). For a 2-D input
        this is the number of frames, see ``transform``.
    n_bands_ : int
        Number of bands per clip; 1 when fit on a 2-D input.
    n_statistics_ : int
        Number of statistics per band and per stream (2 + number of
        percentiles).

    See Also
    --------
    sklearn_ser.preprocessing.LogMelTransformer : Waveforms to log-mel
        spectrograms, the usual input of this transformer.
    sklearn_ser.pipelines.make_baseline_pipeline : The full baseline.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser.preprocessing._statistics import UtteranceStatistics
    >>> spectrograms = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    >>> stats = UtteranceStatistics(percentiles=[50]).fit(spectrograms)
    >>> features = stats.transform(spectrograms)
    >>> features.shape  # 3 bands x 3 statistics x 2 streams
    (2, 18)
    >>> features[0, :3]  # mean of each band of the first clip
    array([1.5, 5.5, 9.5], dtype=float32)
    >>> stats.get_feature_names_out()[[0, 3, 9]].tolist()
    ['mean_band0', 'std_band0', 'delta_mean_band0']
    """

    _parameter_constraints: dict = {
        "percentiles": ["array-like"],
        "deltas": ["boolean"],
    }

    def __init__(self, *, percentiles=(10, 50, 90), deltas=True):
        self.percentiles = percentiles
        self.deltas = deltas

    def _validate_percentiles(self):
        percentiles = np.asarray(self.percentiles, dtype=float).ravel()
        if not np.all((percentiles >= 0) & (percentiles <= 100)):
            raise ValueError(f"percentiles must lie in [0, 100], got {list(self.percentiles)}")
        return percentiles

    def _validate_input(self, X, reset):
        # scikit-learn's finiteness check sums X first; for values near the
        # dtype's limit that sum warns of an overflow that is no error.
        with np.errstate(over="ignore", invalid="ignore"):
            X = validate_data(self, X, reset=reset, allow_nd=True, dtype=[np.float64, np.float32])
        if X.ndim == 2:  # one band whose frames are the columns
            return X[:, np.newaxis, :]
        if X.ndim != 3:
            raise ValueError(
                "Expected spectrograms of shape (n_samples, n_bands, n_frames), "
                f"got an array of shape {X.shape}"
            )
        if 0 in X.shape[1:]:
            raise ValueError(
                f"Found spectrograms of shape {X.shape[1:]} (n_bands, n_frames): "
                "each needs at least 1 band and 1 frame"
            )
        return X

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the input and record the number of bands.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bands, n_frames)
            Spectrograms. A 2-D array of shape (n_samples, n_frames) is read
            as a single band.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        self.n_statistics_ = 2 + len(self._validate_percentiles())
        self.n_bands_ = self._validate_input(X, reset=True).shape[1]
        return self

    def transform(self, X):
        """Compute the statistics of every band over time.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_bands, n_frames)
            Spectrograms with as many bands as seen in ``fit``; the number
            of frames may differ from the one seen in ``fit`` for 3-D input.
            A 2-D array is read as a single band (and must then have as many
            columns as in ``fit``).

        Returns
        -------
        features : ndarray of shape (n_samples, n_features_out)
            ``n_features_out = n_bands * n_statistics_ * (2 if deltas else
            1)``, ordered statistic by statistic (all bands' means, then all
            bands' standard deviations, ...), static stream before deltas.
            Same float dtype as the input.
        """
        check_is_fitted(self)
        X = self._validate_input(X, reset=False)
        percentiles = self._validate_percentiles()
        dtype = X.dtype
        n_features = X.shape[1] * (2 + len(percentiles)) * (2 if self.deltas else 1)
        features = np.empty((len(X), n_features), dtype=dtype)
        for start in range(0, len(X), _CLIPS_PER_BLOCK):
            block = slice(start, start + _CLIPS_PER_BLOCK)
            # float64 arithmetic, so that sums and differences of float32
            # values near the type's limit do not overflow. Overflow is
            # reported below, with the cause, instead of as a warning.
            with np.errstate(over="ignore", invalid="ignore"):
                features[block] = self._statistics(X[block].astype(np.float64), percentiles)
        if not np.isfinite(features).all():
            raise ValueError(
                f"X holds values too large for its statistics in {dtype} "
                f"(up to {np.abs(X).max():.3g}): the statistics overflow. Scale "
                "X down first."
            )
        return features

    def _statistics(self, X, percentiles):
        streams = [X]
        if self.deltas:
            if X.shape[2] > 1:
                streams.append(np.diff(X, axis=2))
            else:
                streams.append(np.zeros_like(X))
        features = []
        for stream in streams:
            features.append(stream.mean(axis=2))
            features.append(stream.std(axis=2))
            # np.percentile puts the percentile axis first: one item per percentile.
            features.extend(np.percentile(stream, percentiles, axis=2))
        return np.concatenate(features, axis=1)

    def get_feature_names_out(self, input_features=None):
        """Names of the output features, e.g. ``"delta_p90_band3"``.

        Parameters
        ----------
        input_features : None
            Ignored; bands are named ``band0``, ``band1``, ...

        Returns
        -------
        feature_names_out : ndarray of str
            One name per output column, in the order of ``transform``.
        """
        check_is_fitted(self)
        statistics = ["mean", "std"] + [f"p{p:g}" for p in self._validate_percentiles()]
        prefixes = [""] + (["delta_"] if self.deltas else [])
        return np.asarray(
            [
                f"{prefix}{statistic}_band{band}"
                for prefix in prefixes
                for statistic in statistics
                for band in range(self.n_bands_)
            ],
            dtype=object,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
