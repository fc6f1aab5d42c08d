"""Segments of a long recording: where the speech is, or fixed windows."""

import importlib.util
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ..utils import fill_doc
from ._streams import RECORDING_PARAMETERS, StreamingEstimator
from ._vad import EnergyVAD, SileroVAD

# Below the onset threshold by this much, speech ends (hysteresis, as silero-vad does).
_HYSTERESIS = 0.15


def resolve_vad(vad):
    """The detector that ``vad`` names: ``"auto"`` is silero-vad when it is
    installed, else the energy detector."""
    if vad == "auto":
        vad = "silero" if importlib.util.find_spec("silero_vad") is not None else "energy"
    if vad == "silero":
        return SileroVAD()
    if vad == "energy":
        return EnergyVAD()
    return vad


class _Windows:
    """Cut one region, whose end may not be known yet, into windows.

    Windows of ``length`` start every ``hop`` from the region's start while
    they fit in it; one more, ending at the region's end, covers what is
    left; a region no longer than ``length`` is one window. Windows that are
    sure to fit come out as soon as the region is known to reach their end,
    so a region of any length is cut in bounded memory.
    """

    def __init__(self, start, length, hop):
        self.next_start = start
        self._start, self._length, self._hop = start, length, hop
        self._last_end = None

    def needed_from(self, end):
        """The earliest start of a window still to come, given that the region
        reaches at least ``end``."""
        return min(self.next_start, max(self._start, end - self._length))

    def reached(self, end):
        """Windows that end at or before ``end``, a lower bound of the region's end."""
        windows = []
        while self.next_start + self._length <= end:
            windows.append((self.next_start, self.next_start + self._length))
            self._last_end = self.next_start + self._length
            self.next_start += self._hop
        return windows

    def close(self, end):
        """The remaining windows of the region, which ends at ``end``."""
        windows = self.reached(end)
        if self._last_end is None:
            windows.append((self._start, end))
        elif self._last_end < end:
            windows.append((end - self._length, end))
        return windows


class _Segmenter(StreamingEstimator):
    """What the segmenters share: segments of an array, or of a stream."""

    @fill_doc(recording=RECORDING_PARAMETERS)
    def segments(self, waveform, sr):
        """The segments of a recording, in seconds.

        Parameters
        ----------
        %(recording)s

        Returns
        -------
        segments : ndarray of shape (n_segments, 2)
            Start and end of each segment in seconds, in order of start.
        """
        _, pushed, finished = self._through_stream(waveform, sr)
        return np.array(pushed + finished, dtype=np.float64).reshape(-1, 2)

    def stream(self, sr):
        """A segmenter fed block by block.

        ``push(samples)`` returns the ``(start, end)`` segments in seconds
        that are complete so far, ``finish()`` the rest; together they are
        :meth:`segments` of the whole recording, whatever the blocks.
        ``needed_from`` is the earliest second a segment still to come may
        start at: audio before it can be let go.

        Parameters
        ----------
        sr : int
            Sampling rate of the blocks, in Hz.

        Returns
        -------
        stream : object
            With ``push``, ``finish`` and ``needed_from``.
        """
        return self._start_stream(sr)


class SpeechSegmenter(_Segmenter):
    """Find the speech in a long recording and cut it into segments.

    A voice activity detector gives the probability of speech in each short
    frame. Speech starts where it reaches ``threshold`` and stops where it
    falls 0.15 below (so that it does not flicker on and off); pauses
    shorter than ``min_silence`` are kept inside the speech; speech shorter
    than ``min_duration`` is dropped; each remaining stretch gets
    ``padding`` seconds of context on each side (less where the next
    stretch is closer, so that segments do not overlap). Stretches longer
    than ``max_duration`` are cut into windows of ``max_duration`` that
    overlap by ``overlap`` seconds, the last one ending at the end of the
    speech: no segment is longer than ``max_duration``.

    Parameters
    ----------
    vad : {"auto", "silero", "energy"} or detector, default="auto"
        The voice activity detector: :class:`SileroVAD` (needs the
        ``[vad]`` extra), :class:`EnergyVAD`, or an instance of either.
        ``"auto"`` is silero-vad when it is installed, else the energy
        detector.
    threshold : float, default=0.5
        Speech probability at which speech starts.
    min_duration : float, default=0.5
        Shortest speech kept, in seconds, before padding.
    min_silence : float, default=0.3
        Shortest pause, in seconds, that separates two segments. Longer
        values merge more utterances (silero-vad's speech ends 0.1-0.2 s
        late); shorter ones split more.
    padding : float, default=0.1
        Seconds of context added before and after each stretch of speech.
    max_duration : float, default=4.0
        Longest segment, in seconds.
    overlap : float, default=1.0
        Seconds shared by consecutive windows of a stretch longer than
        ``max_duration``; less than ``max_duration``.

    See Also
    --------
    FixedWindows : Windows of fixed length over the whole recording.
    predict_segments : Emotion of each segment of a recording.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser.segmentation import SpeechSegmenter
    >>> rng = np.random.default_rng(0)
    >>> wave = 0.001 * rng.standard_normal(16000 * 12)  # 12 s of faint noise
    >>> for start, end in [(2, 3.5), (6, 11)]:  # loud sounds at 2-3.5 s and 6-11 s
    ...     wave[int(start * 16000) : int(end * 16000)] += 0.3 * rng.standard_normal(
    ...         int((end - start) * 16000))
    >>> SpeechSegmenter(vad="energy").segments(wave, sr=16000)
    array([[ 1.9,  3.6],
           [ 5.9,  9.9],
           [ 7.1, 11.1]])
    """

    _parameter_constraints = {
        "vad": [StrOptions({"auto", "silero", "energy"}), EnergyVAD, SileroVAD],
        "threshold": [Interval(Real, 0, 1, closed="neither")],
        "min_duration": [Interval(Real, 0, None, closed="left")],
        "min_silence": [Interval(Real, 0, None, closed="left")],
        "padding": [Interval(Real, 0, None, closed="left")],
        "max_duration": [Interval(Real, 0, None, closed="neither")],
        "overlap": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        vad="auto",
        *,
        threshold=0.5,
        min_duration=0.5,
        min_silence=0.3,
        padding=0.1,
        max_duration=4.0,
        overlap=1.0,
    ):
        self.vad = vad
        self.threshold = threshold
        self.min_duration = min_duration
        self.min_silence = min_silence
        self.padding = padding
        self.max_duration = max_duration
        self.overlap = overlap

    def _stream(self, sr):
        if self.overlap >= self.max_duration:
            raise ValueError(
                f"overlap ({self.overlap} s) must be shorter than max_duration "
                f"({self.max_duration} s)"
            )
        return _SpeechStream(self, resolve_vad(self.vad).stream(sr), sr)


class _SpeechStream:
    """The segmenter's state machine, frame by frame (all times in frames)."""

    def __init__(self, segmenter, vad_stream, sr):
        self._vad = vad_stream
        self._sr = sr
        self._n_samples = 0
        self._frame = frame = vad_stream.frame_duration

        def frames(seconds):
            return round(seconds / frame)

        self._on = segmenter.threshold
        self._off = max(segmenter.threshold - _HYSTERESIS, 0.01)
        self._min_speech = frames(segmenter.min_duration)
        self._min_silence = max(1, frames(segmenter.min_silence))
        self._padding = frames(segmenter.padding)
        self._length = max(1, frames(segmenter.max_duration))
        self._hop = max(1, self._length - frames(segmenter.overlap))
        # A stretch closes after this much silence: then no later speech can
        # join it, nor limit its padding.
        self._wait = max(self._min_silence, 2 * self._padding)
        self._n_frames = 0
        self._in_speech = False
        self._start = self._end = None  # the open stretch of speech, if any
        self._windows = None
        self._previous_end = 0  # padded end of the last segment

    @property
    def needed_from(self):
        start = self._n_frames - self._padding
        if self._windows is not None:
            start = min(start, self._windows.needed_from(self._end))
        return max(0, start) * self._frame

    def push(self, samples):
        self._n_samples += len(samples)
        return self._seconds(self._segments(self._vad.push(samples)))

    def finish(self):
        found = self._segments(self._vad.finish())
        if self._start is not None:
            found += self._close(room=self._n_frames - self._end)
        return self._seconds(found)

    def _seconds(self, windows):
        # The last frame may reach past the end of the recording.
        duration = self._n_samples / self._sr
        return [(start * self._frame, min(end * self._frame, duration)) for start, end in windows]

    def _segments(self, probabilities):
        found = []
        for probability in probabilities.tolist():
            frame = self._n_frames
            self._n_frames += 1
            if self._in_speech:
                if probability < self._off:
                    self._in_speech = False
                else:
                    self._end = frame + 1
            elif probability >= self._on:
                self._in_speech = True
                if self._start is not None and frame - self._end < self._min_silence:
                    self._end = frame + 1  # a short pause: the same stretch goes on
                else:
                    if self._start is not None:  # the pause is shared with this stretch
                        found += self._close(room=(frame - self._end) // 2)
                    self._open(frame)
            if self._start is None:
                continue
            if not self._in_speech and self._n_frames - self._end >= self._wait:
                found += self._close(room=self._padding)
            elif self._end - self._start >= self._min_speech:
                found += self._windows.reached(self._end)
        return found

    def _open(self, frame):
        self._start, self._end = frame, frame + 1
        padded_start = max(frame - self._padding, self._previous_end)
        self._windows = _Windows(padded_start, self._length, self._hop)

    def _close(self, room):
        """The last windows of the open stretch, whose padding after may take
        ``room`` frames."""
        windows = []
        if self._end - self._start >= self._min_speech:
            padded_end = self._end + min(self._padding, room)
            windows = self._windows.close(padded_end)
            self._previous_end = padded_end
        self._start = self._end = self._windows = None
        return windows


class FixedWindows(_Segmenter):
    """Cut a whole recording into windows of fixed length, speech or not.

    Windows of ``window`` seconds start every ``hop`` seconds; the last one
    ends at the end of the recording, and a recording shorter than
    ``window`` is one segment.

    Parameters
    ----------
    window : float, default=3.0
        Seconds per window.
    hop : float, default=None
        Seconds between the starts of consecutive windows; None is
        ``window`` (windows side by side).

    See Also
    --------
    SpeechSegmenter : Segments of the speech only.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser.segmentation import FixedWindows
    >>> FixedWindows(window=2.0, hop=1.5).segments(np.zeros(16000 * 5), sr=16000)
    array([[0. , 2. ],
           [1.5, 3.5],
           [3. , 5. ]])
    """

    _parameter_constraints = {
        "window": [Interval(Real, 0, None, closed="neither")],
        "hop": [Interval(Real, 0, None, closed="neither"), None],
    }

    def __init__(self, window=3.0, hop=None):
        self.window = window
        self.hop = hop

    def _stream(self, sr):
        return _FixedStream(self, sr)


class _FixedStream:
    def __init__(self, segmenter, sr):
        self._sr = sr
        length = max(1, round(segmenter.window * sr))
        hop = segmenter.window if segmenter.hop is None else segmenter.hop
        self._windows = _Windows(0, length, max(1, round(hop * sr)))
        self._n_samples = 0

    @property
    def needed_from(self):
        return self._windows.needed_from(self._n_samples) / self._sr

    def push(self, samples):
        self._n_samples += len(samples)
        return self._seconds(self._windows.reached(self._n_samples))

    def finish(self):
        if not self._n_samples:
            return []
        return self._seconds(self._windows.close(self._n_samples))

    def _seconds(self, windows):
        return [(start / self._sr, end / self._sr) for start, end in windows]
