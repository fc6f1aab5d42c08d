"""Clips brought to one loudness, so that features do not carry the recording's gain."""

from numbers import Real

import numpy as np
import pyloudnorm
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval

from ..utils import fill_doc
from ..utils._versions import VersionStampMixin
from ._base import WAVEFORM_INPUT_ATTRIBUTES, validate_waveforms

# ITU-R BS.1770's gating block; a shorter clip is measured as one block.
_BLOCK_SECONDS = 0.4


@fill_doc(waveform_input_attributes=WAVEFORM_INPUT_ATTRIBUTES)
class LoudnessNormalizer(VersionStampMixin, TransformerMixin, BaseEstimator):
    """Scale every clip to the same integrated loudness (ITU-R BS.1770).

    The level of a recording says more about the microphone, its gain and
    the distance to the speaker than about the speaker's emotion, and it
    differs from one corpus to the next by tens of dB. Put first in a
    pipeline, this transformer removes it: each clip's integrated loudness
    is measured with K-weighting and gating (:class:`pyloudnorm.Meter`) and
    the clip is multiplied by the gain that brings it to ``target_lufs``.
    How loud a speaker is relative to the same speaker's other clips is
    lost too; :class:`SpeakerStandardScaler` keeps that within a speaker.

    Samples are scaled, never clipped: a float clip may exceed [-1, 1]
    after a gain above 0 dB. Clips shorter than the standard's 400-ms
    block are measured as one block; a clip below the standard's absolute
    gate (-70 LUFS, silence) is passed on unchanged. The transformer learns nothing and
    needs no ``fit``.

    Parameters
    ----------
    target_lufs : float, default=-23.0
        Loudness of every output clip, in LUFS (-23 is EBU R 128's
        broadcast level).
    sr : int, default=16000
        Sampling rate of the clips, for the K-weighting filter.

    Attributes
    ----------
    %(waveform_input_attributes)s

    See Also
    --------
    SpeakerStandardScaler : Standardises features per speaker.
    InputDomainCheck : Warns about input unlike the training recordings,
        its level among them.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser.preprocessing import LoudnessNormalizer
    >>> rng = np.random.default_rng(0)
    >>> clip = 0.1 * rng.standard_normal(16000).astype(np.float32)
    >>> quiet, loud = LoudnessNormalizer().fit_transform([clip / 10, clip])
    >>> bool(np.allclose(quiet, loud, atol=1e-6))
    True
    """

    _parameter_constraints = {
        "target_lufs": [Interval(Real, None, 0, closed="right")],
        "sr": [Interval(Real, 1, None, closed="left")],
    }

    def __init__(self, *, target_lufs=-23.0, sr=16000):
        self.target_lufs = target_lufs
        self.sr = sr

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and the clips; nothing is learned.

        Parameters
        ----------
        X : array-like of shape (n_clips, n_samples) or sequence of 1-D arrays
            Mono clips.
        y : None
            Ignored.

        Returns
        -------
        self : LoudnessNormalizer
            The fitted transformer.
        """
        validate_waveforms(self, X, reset=True)
        return self

    def transform(self, X):
        """Scale each clip to ``target_lufs``.

        Parameters
        ----------
        X : array-like of shape (n_clips, n_samples) or sequence of 1-D arrays
            Mono clips.

        Returns
        -------
        clips : ndarray of shape (n_clips, n_samples) or list of ndarray
            The scaled clips, float32: a 2-D array when they all have one
            length, else a list.
        """
        clips = validate_waveforms(self, X, reset=False)
        scaled = [self._scaled(clip) for clip in clips]
        if len({len(clip) for clip in scaled}) == 1:
            return np.stack(scaled)
        return scaled

    def _scaled(self, clip):
        block = min(_BLOCK_SECONDS, len(clip) / self.sr)
        if block <= 0:
            return clip
        meter = pyloudnorm.Meter(self.sr, block_size=block)
        loudness = meter.integrated_loudness(clip.astype(np.float64))
        if not np.isfinite(loudness):
            return clip
        gain = 10 ** ((self.target_lufs - loudness) / 20)
        return (clip * gain).astype(np.float32)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags
