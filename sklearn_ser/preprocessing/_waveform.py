"""Fixed-length raw waveforms: the front end of the 1-D CNN-LSTM."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..utils import fill_doc
from ..utils._versions import VersionStampMixin
from ._base import WAVEFORM_INPUT_ATTRIBUTES, validate_waveforms
from ._length import fit_length


@fill_doc(waveform_input_attributes=WAVEFORM_INPUT_ATTRIBUTES)
class FixedLengthWaveform(VersionStampMixin, TransformerMixin, BaseEstimator):
    """Pad or crop every clip to the same number of samples.

    Turns clips of any length into a 2-D float32 array that a 1-D network can
    take as a batch. Integer PCM is scaled to [-1, 1]; float samples are kept
    as they are.

    Parameters
    ----------
    n_samples : int, default=None
        Samples per output clip. None uses the longest clip seen in ``fit``.
    align : {"left", "center"}, default="left"
        Where the kept part of each clip goes. ``"left"`` keeps the start of
        a long clip and pads a short one at the end; ``"center"`` keeps the
        middle and pads both sides (the odd sample of padding or cropping
        goes to the end). :class:`LogMelTransformer` applies the same policy
        to frames.
    padding : {"silence", "nan"}, default="silence"
        What padded samples hold: zeros, or NaN, which tells the classifiers
        each clip's real length (for ``crop_length``; they see zeros there).

    Attributes
    ----------
    n_samples_ : int
        Samples per output clip.
    %(waveform_input_attributes)s

    See Also
    --------
    LogMelTransformer : Log-mel spectrograms padded or cropped to a fixed
        number of frames.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser.preprocessing import FixedLengthWaveform
    >>> pcm = [np.array([1, 2], np.int16), np.arange(1, 7, dtype=np.int16)]
    >>> waveforms = FixedLengthWaveform(n_samples=4, align="center").fit(pcm)
    >>> waveforms.transform(pcm) * 2**15
    array([[0., 1., 2., 0.],
           [2., 3., 4., 5.]], dtype=float32)
    """

    _parameter_constraints = {
        "n_samples": [Interval(Integral, 1, None, closed="left"), None],
        "align": [StrOptions({"left", "center"})],
        "padding": [StrOptions({"silence", "nan"})],
    }

    def __init__(self, *, n_samples=None, align="left", padding="silence"):
        self.n_samples = n_samples
        self.align = align
        self.padding = padding

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the output length.

        Parameters
        ----------
        X : array-like of shape (n_clips, n_samples) or sequence of 1-D arrays
            Mono clips: a 2-D array of equal-length clips, or a list of clips
            of any length.
        y : None
            Ignored.

        Returns
        -------
        self : FixedLengthWaveform
            The fitted transformer.
        """
        clips = validate_waveforms(self, X, reset=True)
        self.n_samples_ = self.n_samples or max(len(clip) for clip in clips)
        return self

    def transform(self, X):
        """Pad or crop each clip to ``n_samples_`` samples.

        Parameters
        ----------
        X : array-like of shape (n_clips, n_samples) or sequence of 1-D arrays
            Mono clips of any length (a 2-D array must match the width seen
            in ``fit``, if ``fit`` got one).

        Returns
        -------
        waveforms : ndarray of shape (n_clips, `n_samples_`), dtype float32
            The clips, padded (with zeros or NaN, see ``padding``) or cropped.
        """
        check_is_fitted(self)
        clips = validate_waveforms(self, X, reset=False)
        fill_value = np.nan if self.padding == "nan" else 0
        return np.stack(
            [fit_length(clip, self.n_samples_, self.align, fill_value) for clip in clips]
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags
