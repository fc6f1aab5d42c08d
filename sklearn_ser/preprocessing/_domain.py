"""A check of the input against the recordings a model was trained on."""

import math
import warnings
from collections import namedtuple
from numbers import Real

import librosa
import numpy as np
from scipy.special import ndtri
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from ..exceptions import DomainShiftWarning
from ..utils import fill_doc
from ..utils._versions import VersionStampMixin
from ._base import WAVEFORM_INPUT_ATTRIBUTES, validate_waveforms

Descriptor = namedtuple("Descriptor", "name description unit higher lower")

#: What :class:`InputDomainCheck` measures in each clip, in this order, with
#: what a value above or below the training range suggests.
DESCRIPTORS = (
    Descriptor("level", "active-speech level", "dBFS", "louder", "quieter"),
    Descriptor(
        "snr", "signal-to-noise ratio", "dB", "cleaner, or pauses gated to silence", "noisier"
    ),
    Descriptor(
        "high_band",
        "share of the energy above 4 kHz",
        "dB",
        "brighter or hissing",
        "band-limited (telephone, 8 kHz sampling or a low-pass codec?)",
    ),
    Descriptor(
        "low_band",
        "share of the energy below 300 Hz",
        "dB",
        "more low-frequency energy (hum, rumble, wind?)",
        "less bass (high-pass filtered, or a small microphone?)",
    ),
    Descriptor(
        "flatness", "spectral flatness in 300-4000 Hz", "dB", "noise-like", "more tonal spectra"
    ),
    Descriptor(
        "clipping", "share of samples at full scale", "dB", "clipped", "less clipped than training"
    ),
)
DESCRIPTOR_NAMES = tuple(descriptor.name for descriptor in DESCRIPTORS)

# Training percentiles kept by fit.
PERCENTILES = np.arange(1, 100)
_MEDIAN, _P5, _P95 = (int(np.flatnonzero(PERCENTILES == p)[0]) for p in (50, 5, 95))

_POWER_FLOOR_DB = -120.0  # digital silence
ACTIVE_RANGE_DB = 25.0  # frames this close to the loud ones are speech
NOISE_PERCENTILE = 10  # the quietest frames, for the noise floor
LOW_BAND_HZ, HIGH_BAND_HZ = 300.0, 4000.0
FULL_SCALE = 0.99  # samples at least this large count as clipped
_CLIPPING_FLOOR = 1e-4  # shares below it (a few peak samples) are no clipping
# Descriptors that hardly vary in training (e.g. no clip clipped) still get
# a spread, so that a small change does not score as a huge one.
_MIN_HALF_RANGE_DB = 1.0


# Parameter and return descriptions shared by the methods of InputDomainCheck.
_METHOD_DOC = {
    "training_clips": """\
    X : array-like of shape (n_clips, n_samples) or sequence of 1-D arrays
        Mono training clips at ``sr`` Hz.
    y : None
        Ignored.""",
    "clips": """\
    X : array-like of shape (n_clips, n_samples) or sequence of 1-D arrays
        Mono clips at ``sr`` Hz.""",
    "unchanged": """\
    X : object
        The input, unchanged.""",
}


def _normal_scores(n_clips):
    """Standard normal scores of ``PERCENTILES`` as ``n_clips`` clips resolve them.

    n clips cannot tell percentiles beyond 1 / (n + 1) and n / (n + 1) apart
    from those: the smallest of 10 clips is about their 9th percentile, not
    their 1st, so values beyond it score from -1.34, not from -2.33.
    """
    levels = np.clip(PERCENTILES / 100, 1 / (n_clips + 1), n_clips / (n_clips + 1))
    return ndtri(levels)


def _db(ratio, floor_db=_POWER_FLOOR_DB):
    return 10 * np.log10(np.maximum(ratio, 10 ** (floor_db / 10)))


def _describe_clip(clip, sr):
    """The descriptors of one clip (see :data:`DESCRIPTORS`), in dB.

    Frames of about 32 ms at half overlap. The frames within
    ``ACTIVE_RANGE_DB`` of the clip's 95th-percentile frame are its speech:
    their mean power is the level, and their average spectrum gives the
    shares of energy in the bands. The noise floor is the
    ``NOISE_PERCENTILE``-th percentile frame, and the signal-to-noise ratio
    the level above it. Flatness is the median over speech frames of the
    ratio of the geometric to the arithmetic mean of the power spectrum.
    """
    clip = np.asarray(clip, dtype=np.float64)
    n_fft = 2 ** round(math.log2(0.032 * sr))
    padded = np.pad(clip, (0, max(0, n_fft - len(clip))))
    frames = librosa.util.frame(padded, frame_length=n_fft, hop_length=n_fft // 2)
    frame_power = np.mean(np.square(frames), axis=0)
    frame_db = _db(frame_power)
    speech = frame_db >= np.percentile(frame_db, 95) - ACTIVE_RANGE_DB
    level = _db(np.mean(frame_power[speech]))
    snr = level - np.percentile(frame_db, NOISE_PERCENTILE)

    window = np.hanning(n_fft + 1)[:-1, np.newaxis]
    spectra = np.square(np.abs(np.fft.rfft(frames[:, speech] * window, axis=0)))
    frequencies = np.fft.rfftfreq(n_fft, 1 / sr)
    average = spectra.mean(axis=1)
    total = average.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        high_band = _db(average[frequencies >= HIGH_BAND_HZ].sum() / total)
        low_band = _db(average[frequencies < LOW_BAND_HZ].sum() / total)
    band = spectra[(frequencies >= LOW_BAND_HZ) & (frequencies < HIGH_BAND_HZ)]
    tiny = np.finfo(np.float64).tiny
    geometric = np.exp(np.mean(np.log(band + tiny), axis=0))
    flatness = _db(np.median(geometric / (band.mean(axis=0) + tiny)))

    clipping = _db(np.mean(np.abs(clip) >= FULL_SCALE), floor_db=10 * np.log10(_CLIPPING_FLOOR))
    return np.nan_to_num([level, snr, high_band, low_band, flatness, clipping], nan=_db(0.0))


@fill_doc(waveform_input_attributes=WAVEFORM_INPUT_ATTRIBUTES)
class InputDomainCheck(VersionStampMixin, TransformerMixin, BaseEstimator):
    """Warn when clips do not sound like the training recordings; pass them on.

    A model trained on one corpus can fail silently on recordings of
    another kind, e.g. give most clips of a louder or noisier corpus one
    label. This step, placed first in a pipeline, measures simple
    descriptors of every clip (level, signal-to-noise ratio, the shares of
    energy above 4 kHz and below 300 Hz, spectral flatness, clipping; see
    Notes) and learns their training distribution in ``fit``. ``transform``
    returns its input unchanged and, outside ``fit``, issues one
    :class:`~sklearn_ser.exceptions.DomainShiftWarning` per call when the
    clips of the call are off on any descriptor, naming what is off and
    what to do. :meth:`outlier_score` scores each clip, for callers who
    prefer to abstain on clips unlike the training ones.

    Parameters
    ----------
    sr : float, default=16000
        Sampling rate of the clips, in Hz.
    batch_threshold : float, default=1.96
        A call warns when the median score of its clips on a descriptor is
        beyond this, in standard normal units of the training distribution:
        1.96 is the training 2.5th or 97.5th percentile. Calls of few clips
        need more: ``clip_threshold / sqrt(n_clips)`` when that is larger.
    clip_threshold : float, default=3.0
        A clip is far outside on a descriptor when its score is beyond this
        (3.0 lies beyond the 99.8th percentile of a normal distribution). A
        single clip warns when it is far outside.
    outlier_share : float, default=0.25
        A call also warns when at least this share of its clips are far
        outside on one descriptor, in the same direction.
    descriptors : list of str, default=None
        The descriptors that warn and count in :meth:`outlier_score`, among
        ``level``, ``snr``, ``high_band``, ``low_band``, ``flatness`` and
        ``clipping``; None means all. Leave out those a model is known to
        ignore, e.g. ``level`` for one that normalises every clip's loudness.

    Attributes
    ----------
    quantiles_ : ndarray of shape (99, n_descriptors)
        Percentiles 1 to 99 of each descriptor over the training clips.
    n_clips_fit_ : int
        Number of training clips.
    descriptor_names_ : ndarray of shape (n_descriptors,), dtype str
        The descriptors, in the order of the columns of :meth:`clip_scores`:
        ``level``, ``snr``, ``high_band``, ``low_band``, ``flatness``,
        ``clipping``.
    %(waveform_input_attributes)s

    See Also
    --------
    sklearn_ser.exceptions.DomainShiftWarning : The warning it issues.
    SpeakerStandardScaler : Per-speaker (or per-recording) normalisation,
        one remedy for level and channel differences.

    Notes
    -----
    Each clip is cut into frames of about 32 ms. Its speech frames are
    those within 25 dB of its 95th-percentile frame. The descriptors, all in
    dB:

    - ``level``: mean power of the speech frames, in dB relative to a full
      scale square wave (dBFS);
    - ``snr``: the level above the quietest tenth of the frames (the noise
      floor of the pauses; clips cut to their speech have fewer quiet
      frames, so fit and predict on clips prepared the same way);
    - ``high_band`` and ``low_band``: the share of the speech frames' energy
      above 4 kHz and below 300 Hz (a telephone channel keeps 300-3400 Hz);
    - ``flatness``: the median spectral flatness of the speech frames
      between 300 Hz and 4 kHz (0 dB for white noise);
    - ``clipping``: the share of samples at 99% of full scale or more
      (floored at -40 dB, 0.01% of the samples).

    A clip's score on a descriptor is its value mapped through the training
    distribution to a standard normal: the training median scores 0, the
    training 5th and 95th percentiles -1.645 and 1.645. Beyond the 1st and
    99th percentiles the score goes on linearly, with the spread between
    the median and that percentile. A small training set resolves fewer
    percentiles: with n clips, the scores of the outer percentiles are those
    of the levels 1 / (n + 1) and n / (n + 1) (with 10 clips, the smallest
    scores about -1.34), so that a new clip beyond the few training ones
    does not look far outside.

    On RAVDESS, fitted on the training actors of each of the six folds of
    :data:`~sklearn_ser.evaluation.RAVDESS_FOLDS`, it never warned on a
    whole held-out fold or on one held-out actor's clips, and warned on about
    1% of single held-out clips; it warned on every fold made 20 dB louder or
    quieter, band-limited to a telephone channel or noisy, and on the
    Amharic corpus ASED (``benchmarks/domain_check.md``). A single clip 20 dB louder or
    quieter is often not distinguishable from a loud or soft utterance.

    Examples
    --------
    >>> import warnings
    >>> from sklearn_ser.datasets import make_emotional_speech
    >>> from sklearn_ser.exceptions import DomainShiftWarning
    >>> from sklearn_ser.preprocessing import InputDomainCheck
    >>> X = make_emotional_speech(n_speakers=4, random_state=0).data
    >>> check = InputDomainCheck().fit(X)
    >>> check.transform(X) is X
    True
    >>> louder = [clip * 10 for clip in X]
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = check.transform(louder)
    >>> [warning.category is DomainShiftWarning for warning in caught]
    [True]
    >>> [shift["hint"] for shift in check.diagnose(louder)]
    ['louder', 'clipped']
    >>> check.outlier_score(X[:3]).round(1), check.outlier_score(louder[:3]).round(1)
    (array([1.4, 1.3, 1.3]), array([2.6, 2.6, 2.4]))
    """

    _parameter_constraints = {
        "sr": [Interval(Real, 1000, None, closed="left")],
        "batch_threshold": [Interval(Real, 0, None, closed="neither")],
        "clip_threshold": [Interval(Real, 0, None, closed="neither")],
        "outlier_share": [Interval(Real, 0, 1, closed="right")],
        "descriptors": [list, tuple, None],
    }

    def __init__(
        self,
        *,
        sr=16000,
        batch_threshold=1.96,
        clip_threshold=3.0,
        outlier_share=0.25,
        descriptors=None,
    ):
        self.sr = sr
        self.batch_threshold = batch_threshold
        self.clip_threshold = clip_threshold
        self.outlier_share = outlier_share
        self.descriptors = descriptors

    @fill_doc(**_METHOD_DOC)
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the distribution of the descriptors over the training clips.

        Parameters
        ----------
        %(training_clips)s

        Returns
        -------
        self : InputDomainCheck
            The fitted check.
        """
        self._checked()
        clips = validate_waveforms(self, X, reset=True)
        self.quantiles_ = np.percentile(self._describe(clips), PERCENTILES, axis=0)
        self.n_clips_fit_ = len(clips)
        self.descriptor_names_ = np.asarray(DESCRIPTOR_NAMES)
        return self

    @fill_doc(**_METHOD_DOC)
    def fit_transform(self, X, y=None):
        """Fit, and return ``X`` unchanged without checking it.

        Parameters
        ----------
        %(training_clips)s

        Returns
        -------
        %(unchanged)s
        """
        self.fit(X, y)
        return X

    @fill_doc(**_METHOD_DOC)
    def transform(self, X):
        """Return ``X`` unchanged; warn if its clips are unlike the training ones.

        Parameters
        ----------
        %(clips)s

        Returns
        -------
        %(unchanged)s

        Warns
        -----
        sklearn_ser.exceptions.DomainShiftWarning
            Once, naming every descriptor that is off (see :meth:`diagnose`).
        """
        check_is_fitted(self)
        clips = validate_waveforms(self, X, reset=False)
        shifts = self._shifts(self._describe(clips))
        if shifts:
            warnings.warn(DomainShiftWarning(shifts=shifts, n_clips=len(clips)), stacklevel=2)
        return X

    @fill_doc(**_METHOD_DOC)
    def clip_descriptors(self, X):
        """Measure the descriptors of each clip.

        Parameters
        ----------
        %(clips)s

        Returns
        -------
        descriptors : ndarray of shape (n_clips, n_descriptors)
            In the order of ``descriptor_names_``; units in the Notes.
        """
        check_is_fitted(self)
        return self._describe(validate_waveforms(self, X, reset=False))

    @fill_doc(**_METHOD_DOC)
    def clip_scores(self, X):
        """Score each clip on each descriptor against the training distribution.

        Parameters
        ----------
        %(clips)s

        Returns
        -------
        scores : ndarray of shape (n_clips, n_descriptors)
            Standard normal units: 0 at the training median, -1.645 and
            1.645 at its 5th and 95th percentiles (see Notes).
        """
        return self._scores(self.clip_descriptors(X))

    @fill_doc(**_METHOD_DOC)
    def outlier_score(self, X):
        """How far each clip lies outside the training clips, on its worst descriptor.

        Abstaining on the clips above ``clip_threshold`` (3.0 by default)
        keeps those that resemble the training recordings.

        Parameters
        ----------
        %(clips)s

        Returns
        -------
        scores : ndarray of shape (n_clips,)
            The largest absolute score of each clip in :meth:`clip_scores`,
            over the checked ``descriptors``.
        """
        return np.abs(self.clip_scores(X)[:, self._checked()]).max(axis=1)

    @fill_doc(**_METHOD_DOC)
    def diagnose(self, X):
        """What ``transform`` would warn about, without warning.

        Parameters
        ----------
        %(clips)s

        Returns
        -------
        shifts : list of dict
            One record per descriptor that is off (empty when the clips
            resemble the training ones), with keys ``descriptor`` (its
            name), ``description``, ``unit``, ``direction`` (1 above the
            training range, -1 below), ``hint`` (what the direction
            suggests, e.g. ``"louder"``), ``batch_median`` (the median value
            over the clips), ``median_score`` (the median of their scores),
            ``outlier_share`` (the share of clips far outside in that
            direction) and ``training_range`` (the training 5th and 95th
            percentiles).
        """
        return self._shifts(self.clip_descriptors(X))

    def _shifts(self, values):
        scores = self._scores(values)
        median_scores = np.median(scores, axis=0)
        threshold = max(self.batch_threshold, self.clip_threshold / math.sqrt(len(scores)))
        far_above = np.mean(scores > self.clip_threshold, axis=0)
        far_below = np.mean(scores < -self.clip_threshold, axis=0)
        shifts = []
        for index in self._checked():
            descriptor = DESCRIPTORS[index]
            if abs(median_scores[index]) > threshold:
                direction = 1 if median_scores[index] > 0 else -1
            elif max(far_above[index], far_below[index]) >= self.outlier_share:
                direction = 1 if far_above[index] >= far_below[index] else -1
            else:
                continue
            shifts.append(
                {
                    "descriptor": descriptor.name,
                    "description": descriptor.description,
                    "unit": descriptor.unit,
                    "direction": direction,
                    "hint": descriptor.higher if direction > 0 else descriptor.lower,
                    "batch_median": float(np.median(values[:, index])),
                    "median_score": float(median_scores[index]),
                    "outlier_share": float(far_above[index] if direction > 0 else far_below[index]),
                    "training_range": (
                        float(self.quantiles_[_P5, index]),
                        float(self.quantiles_[_P95, index]),
                    ),
                }
            )
        return shifts

    def _checked(self):
        """Column indices of the checked descriptors."""
        if self.descriptors is None:
            return list(range(len(DESCRIPTORS)))
        unknown = sorted(set(self.descriptors) - set(DESCRIPTOR_NAMES))
        if unknown or not self.descriptors:
            raise ValueError(
                f"descriptors must be a non-empty list of {list(DESCRIPTOR_NAMES)}, "
                f"got {self.descriptors!r}"
            )
        return [DESCRIPTOR_NAMES.index(name) for name in self.descriptors]

    def _describe(self, clips):
        return np.array([_describe_clip(clip, self.sr) for clip in clips])

    def _scores(self, values):
        """Map descriptor values to standard normal units of the training
        distribution (Notes of the class)."""
        scores = np.empty_like(values)
        normal_scores = _normal_scores(self.n_clips_fit_)
        for index in range(values.shape[1]):
            quantiles, x = self.quantiles_[:, index], values[:, index]
            # Ties among the percentiles (a descriptor constant in training)
            # take the middle of their scores: interpolating from each side
            # gives the two ends.
            from_below = np.interp(x, quantiles, normal_scores)
            from_above = -np.interp(-x, -quantiles[::-1], -normal_scores[::-1])
            score = (from_below + from_above) / 2
            median = quantiles[_MEDIAN]
            upper = max(quantiles[-1] - median, _MIN_HALF_RANGE_DB)
            lower = max(median - quantiles[0], _MIN_HALF_RANGE_DB)
            top, bottom = normal_scores[-1], normal_scores[0]
            score = np.where(x > quantiles[-1], top * (1 + (x - quantiles[-1]) / upper), score)
            score = np.where(x < quantiles[0], bottom * (1 + (quantiles[0] - x) / lower), score)
            scores[:, index] = score
        return scores

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
