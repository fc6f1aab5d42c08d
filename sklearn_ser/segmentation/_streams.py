"""Stateful pieces that turn a stream of blocks into the same result as one array.

Every step of the segmentation sees a recording block by block: the speech
detectors, the segmenter, the reader of files. Each step here gives, for
any split of its input into blocks, exactly what it gives for the whole
input at once; tests check that property for every block size.
"""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator

#: The description of a whole recording's parameters, for ``fill_doc``.
RECORDING_PARAMETERS = """\
waveform : array-like of shape (n_samples,)
    Mono audio.
sr : int
    Its sampling rate, in Hz."""


class StreamingEstimator(BaseEstimator):
    """Base of the estimators that read a recording whole or block by block.

    A subclass builds its stream (``push``, ``finish``) in ``_stream(sr)``;
    its public ``stream`` returns :meth:`_start_stream`, and its whole-array
    method feeds the array through :meth:`_through_stream`, so that both
    check their input alike and give the same result.
    """

    def _start_stream(self, sr):
        """Check the parameters and ``sr``, then build the stream."""
        self._validate_params()
        if not (isinstance(sr, Real) and sr > 0):
            raise ValueError(f"sr must be a positive number of Hz, got {sr!r}")
        return self._stream(sr)

    def _through_stream(self, waveform, sr):
        """Push a whole mono waveform through a new stream.

        Returns the stream, what ``push`` gave and what ``finish`` gave.
        """
        waveform = np.asarray(waveform, dtype=np.float32)
        if waveform.ndim != 1:
            raise ValueError(f"expected a mono waveform (1-D), got shape {waveform.shape}")
        stream = self._start_stream(sr)
        return stream, stream.push(waveform), stream.finish()


class FrameSplitter:
    """Cut a stream of samples into consecutive frames of ``frame_length``.

    Samples left over at the end of a block wait for the next one; the last,
    partial frame of the stream is padded with zeros by :meth:`finish`.
    """

    def __init__(self, frame_length):
        self.frame_length = frame_length
        self._rest = np.zeros(0, np.float32)

    def push(self, samples):
        """Complete frames of the samples so far, shape (n_frames, frame_length)."""
        samples = np.concatenate([self._rest, samples]) if len(self._rest) else samples
        n_frames = len(samples) // self.frame_length
        self._rest = samples[n_frames * self.frame_length :].copy()
        return samples[: n_frames * self.frame_length].reshape(n_frames, self.frame_length)

    def finish(self):
        """The partial last frame padded with zeros, if any (0 or 1 frame)."""
        if not len(self._rest):
            return np.zeros((0, self.frame_length), np.float32)
        frame = np.zeros((1, self.frame_length), np.float32)
        frame[0, : len(self._rest)] = self._rest
        self._rest = self._rest[:0]
        return frame


class CentredFilter:
    """A filter over a window of ``2 * radius + 1`` values, on a stream.

    ``function(values)`` maps an array of ``n + 2 * radius`` values to the
    ``n`` outputs centred on its middle values, e.g. a moving average. The
    stream is extended at both ends by repeating its first and last values
    (``mode="nearest"`` of :mod:`scipy.ndimage`), so each output depends only
    on the whole stream, never on how it was split into blocks; outputs lag
    the input by ``radius`` values until :meth:`finish`.
    """

    def __init__(self, radius, function):
        self.radius = radius
        self.function = function
        self._history = None

    def push(self, values):
        if not len(values):
            return values[:0]
        if self._history is None:
            self._history = np.repeat(values[:1], self.radius)
        values = np.concatenate([self._history, values])
        if len(values) <= 2 * self.radius:
            self._history = values
            return values[:0]
        self._history = values[len(values) - 2 * self.radius :]
        return self.function(values)

    def finish(self):
        if self._history is None:  # an empty stream
            return np.zeros(0)
        tail = np.repeat(self._history[-1:], self.radius)
        values = np.concatenate([self._history, tail])
        self._history = values[:0]
        return self.function(values) if len(values) > 2 * self.radius else values[:0]
