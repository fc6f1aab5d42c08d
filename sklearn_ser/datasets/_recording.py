"""Long recordings built from clips, with the truth of where the speech is."""

import math
from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ..preprocessing._base import speech_interval
from ..utils import check_waveforms


def _noise(kind, n_samples, rng):
    """Unit-power white noise, or pink noise (power falling as 1/f)."""
    white = rng.standard_normal(n_samples)
    if kind == "pink":
        spectrum = np.fft.rfft(white)
        spectrum[1:] /= np.sqrt(np.arange(1, len(spectrum)))
        spectrum[0] = 0
        white = np.fft.irfft(spectrum, n_samples)
    return white / np.sqrt(np.mean(white**2))


@validate_params(
    {
        "clips": ["array-like"],
        "sr": [Interval(Integral, 1, None, closed="left")],
        "gap": [tuple],
        "snr": [Real, None],
        "noise": [StrOptions({"white", "pink"})],
        "trim_db": [Interval(Real, 0, None, closed="neither"), None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def join_clips(
    clips, *, sr=16000, gap=(0.5, 2.0), snr=None, noise="white", trim_db=None, random_state=None
):
    """Join clips into one long recording, and say where each clip is.

    A test recording for segmentation and for emotion over time (see
    :func:`~sklearn_ser.segmentation.predict_segments`): the clips follow
    one another in order, separated by silence of random length (also
    before the first and after the last), and noise may cover the whole
    recording. The segments returned are the truth a speech detector should
    find.

    Parameters
    ----------
    clips : sequence of array-like of shape (n_samples_i,)
        Mono clips at ``sr``, e.g. the ``data`` of a corpus loader.
    sr : int, default=16000
        Sampling rate of the clips and of the recording.
    gap : tuple of two floats, default=(0.5, 2.0)
        Shortest and longest silence between clips, in seconds; each is
        drawn uniformly in between.
    snr : float, default=None
        Signal-to-noise ratio in dB: noise whose power is the mean power of
        the clips (after trimming) divided by ``10 ** (snr / 10)`` is added
        to the whole recording. None adds none: the gaps are digital silence.
    noise : {"white", "pink"}, default="white"
        Its spectrum: flat, or falling by 3 dB per octave as many room and
        street noises do.
    trim_db : float, default=None
        If set, each clip first loses its leading and trailing audio quieter
        than ``trim_db`` dB below its loudest 32-ms frame, so that a segment
        is where the speech is rather than where the file is (acted corpora
        have about a second of silence around each sentence). None keeps
        clips whole.
    random_state : int, RandomState instance or None, default=None
        Seed of the gaps and of the noise.

    Returns
    -------
    recording : :class:`~sklearn.utils.Bunch`
        waveform : ndarray of shape (n_samples,), dtype float32
            The recording.
        segments : ndarray of shape (n_clips, 2)
            Start and end of each clip in it, in seconds, in the order of
            ``clips``.
        sr : int
            Its sampling rate.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser.datasets import join_clips
    >>> clips = [np.ones(16000), np.ones(8000)]
    >>> recording = join_clips(clips, gap=(1.0, 1.0))
    >>> recording.waveform.shape
    (72000,)
    >>> recording.segments
    array([[1. , 2. ],
           [3. , 3.5]])
    """
    if len(clips) == 0:
        raise ValueError("join_clips needs at least one clip")
    shortest, longest = gap
    if not 0 <= shortest <= longest:
        raise ValueError(
            f"gap must be (shortest, longest) with 0 <= shortest <= longest; got {gap}"
        )
    rng = check_random_state(random_state)
    clips = check_waveforms(list(clips))
    if trim_db is not None:
        frame = 2 ** round(math.log2(0.032 * sr))
        clips = [clip[slice(*speech_interval(clip, trim_db, frame, frame // 4))] for clip in clips]
    gaps = np.round(rng.uniform(shortest, longest, len(clips) + 1) * sr).astype(int)
    lengths = np.array([len(clip) for clip in clips])
    starts = gaps[0] + np.concatenate([[0], np.cumsum(lengths[:-1] + gaps[1:-1])])
    waveform = np.zeros(starts[-1] + lengths[-1] + gaps[-1], dtype=np.float64)
    for start, clip in zip(starts, clips):
        waveform[start : start + len(clip)] = clip
    if snr is not None:
        power = np.mean(np.concatenate(clips).astype(np.float64) ** 2)
        waveform += np.sqrt(power / 10 ** (snr / 10)) * _noise(noise, len(waveform), rng)
    return Bunch(
        waveform=waveform.astype(np.float32),
        segments=np.stack([starts, starts + lengths], axis=1) / sr,
        sr=sr,
    )
