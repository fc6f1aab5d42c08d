"""Voice activity detection: the probability of speech in each short frame."""

import functools
import importlib
import warnings
from numbers import Real

import numpy as np
import soxr
import torch
from scipy.ndimage import median_filter, minimum_filter1d
from sklearn.utils._param_validation import Interval

from ..utils import fill_doc
from ._streams import RECORDING_PARAMETERS, CentredFilter, FrameSplitter, StreamingEstimator

#: The rate and frame of silero-vad's 16-kHz network, and the samples of the
#: previous frame it sees before each frame.
SILERO_SR = 16000
SILERO_FRAME = 512
_SILERO_CONTEXT = 64
# Frames through the network at a time (8 s): a few MB of activations.
_SILERO_BATCH = 256
# The median level of 100 ms around a frame is compared with the floor: it
# ignores clicks and keeps the edges of speech where they are.
_ENERGY_SMOOTHING = 0.1


class _VAD(StreamingEstimator):
    """What the detectors share: a per-frame probability, in one call or a stream."""

    @fill_doc(recording=RECORDING_PARAMETERS)
    def speech_probability(self, waveform, sr):
        """The probability of speech in each frame of a waveform.

        Parameters
        ----------
        %(recording)s

        Returns
        -------
        probability : ndarray of shape (n_frames,)
            Speech probability of each frame, in [0, 1]; frame ``k`` starts
            at ``k * frame_duration`` seconds. The last frame is completed
            with zeros.
        frame_duration : float
            Seconds between frames.
        """
        stream, pushed, finished = self._through_stream(waveform, sr)
        return np.concatenate([pushed, finished]), stream.frame_duration

    def stream(self, sr):
        """A detector fed block by block: ``push(samples)`` returns the
        probabilities of the frames completed so far, ``finish()`` the rest,
        and ``frame_duration`` is the seconds between frames. The
        probabilities equal those of :meth:`speech_probability` on the whole
        recording, whatever the blocks.

        Parameters
        ----------
        sr : int
            Sampling rate of the blocks, in Hz.

        Returns
        -------
        stream : object
            With ``push``, ``finish`` and ``frame_duration``.
        """
        return self._start_stream(sr)


class EnergyVAD(_VAD):
    """Speech where a frame's energy stands out of the recording's noise floor.

    No model and no dependency: each frame's level (in dB, the median over 100
    ms) is compared with the noise floor, the quietest such level within
    ``noise_window`` seconds around it. A level ``snr_range[0]`` dB above
    the floor has probability 0, one ``snr_range[1]`` dB above it
    probability 1, linearly in between. Noise that is as loud as the speech,
    or that changes faster than ``noise_window``, defeats it: that is where
    :class:`SileroVAD` is better (see the benchmark in the user guide). So
    does speech without any pause for more than half of ``noise_window``:
    the quietest level around it is then speech.

    Parameters
    ----------
    frame_duration : float, default=0.02
        Seconds per frame (rounded to whole samples).
    noise_window : float, default=10.0
        Seconds around a frame where its noise floor is looked for; it must
        hold some silence, so it should be longer than most utterances.
    snr_range : tuple of two floats, default=(3.0, 12.0)
        dB above the noise floor at which the probability leaves 0 and
        reaches 1.
    floor_db : float, default=-70.0
        Lowest noise floor, in dB relative to full scale: digital silence
        (zeros) does not make faint noise into speech.

    See Also
    --------
    SileroVAD : A pretrained network, better in noise.
    SpeechSegmenter : Speech segments from these probabilities.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser.segmentation import EnergyVAD
    >>> rng = np.random.default_rng(0)
    >>> wave = 0.001 * rng.standard_normal(48000)  # 3 s of faint noise
    >>> wave[16000:32000] += 0.3 * np.sin(np.arange(16000) * 0.1)  # a loud second
    >>> probability, frame = EnergyVAD().speech_probability(wave, 16000)
    >>> frame, probability.shape
    (0.02, (150,))
    >>> probability[[10, 75, 140]].round(2)
    array([0., 1., 0.])
    """

    _parameter_constraints = {
        "frame_duration": [Interval(Real, 0, None, closed="neither")],
        "noise_window": [Interval(Real, 0, None, closed="neither")],
        "snr_range": [tuple],
        "floor_db": [Real],
    }

    def __init__(
        self, *, frame_duration=0.02, noise_window=10.0, snr_range=(3.0, 12.0), floor_db=-70.0
    ):
        self.frame_duration = frame_duration
        self.noise_window = noise_window
        self.snr_range = snr_range
        self.floor_db = floor_db

    def _stream(self, sr):
        low, high = self.snr_range
        if not low < high:
            raise ValueError(f"snr_range must be (low, high) with low < high, got {self.snr_range}")
        return _EnergyStream(self, sr)


class _EnergyStream:
    def __init__(self, vad, sr):
        frame_length = max(1, round(vad.frame_duration * sr))
        self.frame_duration = frame_length / sr
        self._frames = FrameSplitter(frame_length)
        smoothing = round(_ENERGY_SMOOTHING / self.frame_duration / 2)
        window = round(vad.noise_window / self.frame_duration / 2)
        self._levels = CentredFilter(
            smoothing + window, _above_floor(smoothing, window, vad.floor_db)
        )
        low, high = vad.snr_range
        self._low, self._span = low, high - low

    def push(self, samples):
        return self._probability(self._levels.push(_levels_db(self._frames.push(samples))))

    def finish(self):
        last = self._levels.push(_levels_db(self._frames.finish()))
        return self._probability(np.concatenate([last, self._levels.finish()]))

    def _probability(self, above):
        return np.clip((above - self._low) / self._span, 0.0, 1.0)


def _levels_db(frames):
    return 10 * np.log10(np.mean(np.square(frames, dtype=np.float64), axis=1) + 1e-10)


def _above_floor(smoothing, window, floor_db):
    """dB of each frame's smoothed level above its noise floor, for
    :class:`CentredFilter`: the values come with ``smoothing + window``
    neighbours on each side, enough for both filters to see no edge."""
    radius = smoothing + window

    def above_floor(levels):
        smoothed = median_filter(levels, 2 * smoothing + 1)
        floor = np.maximum(minimum_filter1d(smoothed, 2 * window + 1), floor_db)
        return (smoothed - floor)[radius : len(levels) - radius]

    return above_floor


class SileroVAD(_VAD):
    """silero-vad's pretrained network: the probability of speech per 32 ms.

    A small convolutional and recurrent network trained by the Silero team on
    speech and noise in many languages (MIT licence); its weights ship inside
    the ``silero-vad`` package, so nothing is downloaded. Install it with
    ``pip install 'sklearn_ser[vad]'`` (it needs only torch). Audio at
    another rate than 16 kHz is resampled to 16 kHz for it.

    The network reads frames of 512 samples one after the other, carrying
    its recurrent state; here the convolutional part runs on many frames at
    once and only the recurrent layer steps through them, which gives
    silero's own probabilities (to float32 rounding) about ten times faster
    than calling the model frame by frame.

    See Also
    --------
    EnergyVAD : No dependency; fine on clean recordings.
    SpeechSegmenter : Speech segments from these probabilities.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser.segmentation import SileroVAD
    >>> probability, frame = SileroVAD().speech_probability(np.zeros(16000), 16000)
    >>> frame, probability.shape, bool(probability.max() < 0.1)
    (0.032, (32,), True)
    """

    _parameter_constraints: dict = {}

    def _stream(self, sr):
        return _SileroStream(sr)


def require_silero():
    """The ``silero_vad`` module, or an ImportError saying how to install it."""
    try:
        return importlib.import_module("silero_vad")
    except ImportError as exc:
        raise ImportError(
            "SileroVAD needs the silero-vad package, which is not installed; install the "
            "'vad' extra: pip install 'sklearn_ser[vad]'"
        ) from exc


def _load_silero_model():
    """silero-vad's 16-kHz network (TorchScript)."""
    threads = torch.get_num_threads()
    try:
        with warnings.catch_warnings():
            # torch.jit.load and importlib.resources.path are deprecated: the
            # package's concern, not the user's.
            warnings.simplefilter("ignore", DeprecationWarning)
            model = require_silero().load_silero_vad()
    finally:
        torch.set_num_threads(threads)  # importing silero_vad sets it to 1
    return model


@functools.cache
def _silero_layers():
    """The network split in (frames -> features, features -> probability) and
    its recurrent cell as an ``LSTM`` over sequences; None if this version of
    silero-vad is not laid out as 5.x and 6.x are."""
    network = getattr(_load_silero_model(), "_model", None)
    try:
        cell = network.decoder.rnn
        head = network.decoder.decoder
        encode = network.encoder
        features = network.stft
    except AttributeError:
        return None
    lstm = torch.nn.LSTM(cell.weight_ih.shape[1], cell.weight_hh.shape[1], batch_first=True)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(lstm, f"{name}_l0").copy_(getattr(cell, name))
    return features, encode, lstm.eval(), head


class _SileroStream:
    frame_duration = SILERO_FRAME / SILERO_SR

    def __init__(self, sr):
        require_silero()
        self._resampler = (
            None if sr == SILERO_SR else soxr.ResampleStream(sr, SILERO_SR, 1, dtype="float32")
        )
        self._frames = FrameSplitter(SILERO_FRAME)
        self._context = torch.zeros(_SILERO_CONTEXT)
        self._layers = _silero_layers()
        if self._layers is None:  # another layout: the model itself, frame by frame
            self._model = _load_silero_model()
        self._state = None

    def push(self, samples):
        if self._resampler is not None:
            samples = self._resampler.resample_chunk(np.asarray(samples, np.float32))
        return self._probability(self._frames.push(samples))

    def finish(self):
        frames = np.zeros((0, SILERO_FRAME), np.float32)
        if self._resampler is not None:
            flushed = self._resampler.resample_chunk(np.zeros(0, np.float32), last=True)
            frames = self._frames.push(flushed)
        return self._probability(np.concatenate([frames, self._frames.finish()]))

    @torch.inference_mode()
    def _probability(self, frames):
        out = [np.zeros(0, np.float32)]
        for start in range(0, len(frames), _SILERO_BATCH):
            batch = torch.from_numpy(np.ascontiguousarray(frames[start : start + _SILERO_BATCH]))
            # Each frame is read with the last samples of the frame before it.
            context = torch.cat([self._context[None], batch[:-1, -_SILERO_CONTEXT:]])
            self._context = batch[-1, -_SILERO_CONTEXT:].clone()
            out.append(self._network(torch.cat([context, batch], dim=1)))
        return np.concatenate(out)

    def _network(self, windows):
        if self._layers is None:
            return np.array(
                [
                    self._model(window[None, _SILERO_CONTEXT:], SILERO_SR).item()
                    for window in windows
                ],
                dtype=np.float32,
            )
        features, encode, lstm, head = self._layers
        encoded = encode(features(windows)).squeeze(-1)
        hidden, self._state = lstm(encoded[None], self._state)
        return head(hidden[0].unsqueeze(-1)).squeeze(1).mean(-1).numpy()
