"""Utterance embeddings from a pretrained speaker encoder."""

import importlib.util
import os
from functools import lru_cache
from numbers import Real
from pathlib import Path

import librosa
import numpy as np
import torch
from sklearn.base import ClassNamePrefixFeaturesOutMixin
from sklearn.utils._param_validation import HasMethods, Interval

from ..models import VoiceEncoder
from ..utils import fill_doc
from ._base import (
    FEATURE_MEMORY,
    WAVEFORM_INPUT_ATTRIBUTES,
    ClipFeaturesTransformer,
    resample_clip,
    trim_silence,
)

# The encoder's training conditions: 16 kHz audio at -30 dBFS, 40-band power
# mel frames of 25 ms every 10 ms, embedded 1.6 s (160 frames) at a time.
ENCODER_SR = 16000
TARGET_DBFS = -30.0
N_FFT, HOP_LENGTH, N_MELS = 400, 160, 40
WINDOW_FRAMES = 160
WINDOW_HOP = WINDOW_FRAMES // 2
EMBEDDING_SIZE = 256


@lru_cache(maxsize=1)
def _pretrained_encoder():
    # find_spec locates the weights without importing resemblyzer, whose
    # import needs webrtcvad (and webrtcvad the pkg_resources of old setuptools).
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None:
        raise ImportError(
            "VoiceEmbeddingTransformer needs the speaker encoder weights of the "
            "resemblyzer package: pip install 'sklearn_ser[voice]' (Apache-2.0)"
        )
    weights = Path(next(iter(spec.submodule_search_locations))) / "pretrained.pt"
    state = torch.load(weights, map_location="cpu", weights_only=True)["model_state"]
    encoder = VoiceEncoder()
    encoder.load_state_dict(
        {k: v for k, v in state.items() if k.split(".")[0] in ("lstm", "linear")}
    )
    return encoder.eval()


def _mel_windows(clip):
    """Power mel frames of a loudness-normalised 16 kHz clip, cut into
    half-overlapping windows that cover it (a short clip is zero-padded)."""
    rms = np.sqrt(np.mean(np.square(clip, dtype=np.float64)))
    if rms > 0:
        clip = clip * np.float32(10 ** (TARGET_DBFS / 20) / rms)
    # Zero-padded to one FFT window: the windows below pad with zeros anyway.
    clip = np.pad(clip, (0, max(0, N_FFT - len(clip))))
    frames = librosa.feature.melspectrogram(
        y=clip, sr=ENCODER_SR, n_fft=N_FFT, hop_length=HOP_LENGTH, n_mels=N_MELS
    ).T
    n_windows = 1 + max(0, -(-(len(frames) - WINDOW_FRAMES) // WINDOW_HOP))
    padded = np.zeros((WINDOW_FRAMES + (n_windows - 1) * WINDOW_HOP, N_MELS), np.float32)
    padded[: len(frames)] = frames
    return np.lib.stride_tricks.sliding_window_view(padded, WINDOW_FRAMES, axis=0)[::WINDOW_HOP]


@fill_doc(waveform_input_attributes=WAVEFORM_INPUT_ATTRIBUTES, feature_memory=FEATURE_MEMORY)
class VoiceEmbeddingTransformer(ClassNamePrefixFeaturesOutMixin, ClipFeaturesTransformer):
    """Pretrained speaker-encoder embeddings (d-vectors), one row per clip.

    A three-layer LSTM trained to tell speakers apart (generalised end-to-end
    loss, Wan et al. 2018) on LibriSpeech and VoxCeleb summarises 1.6-s
    windows of a clip's mel frames; the clip's embedding is the mean of its
    windows' (half-overlapping, covering the clip; a clip shorter than 1.6 s
    is one zero-padded window) scaled to unit length. The encoder hears how a
    voice sounds, so beside acoustic functionals and after a
    :class:`SpeakerStandardScaler` (which removes each speaker's own mean
    voice) it carries how that voice changes with emotion.

    The weights are the ones the `Resemblyzer
    <https://github.com/resemble-ai/Resemblyzer>`_ package ships (Apache-2.0),
    an optional dependency: ``pip install 'sklearn_ser[voice]'``. The network
    is :class:`sklearn_ser.models.VoiceEncoder`; nothing is downloaded at run
    time and nothing is learned in ``fit``.

    Parameters
    ----------
    sr : float, default=16000
        Sampling rate of the clips, in Hz; other rates are resampled to the
        encoder's 16 kHz.
    trim_db : float, default=30
        Each clip first loses its leading and trailing frames quieter than
        ``trim_db`` dB below its loudest one (as in
        :class:`LogMelTransformer`), since the encoder was trained on speech
        with the silence cut out. None keeps clips whole.
    %(feature_memory)s

    Attributes
    ----------
    n_features_out_ : int
        Length of the embedding (256).
    %(waveform_input_attributes)s

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser import VoiceEmbeddingTransformer
    >>> clips = np.random.default_rng(0).normal(scale=0.1, size=(2, 16000))
    >>> embeddings = VoiceEmbeddingTransformer().fit_transform(clips)
    >>> embeddings.shape, np.linalg.norm(embeddings, axis=1).round(4).tolist()
    ((2, 256), [1.0, 1.0])
    """

    _parameter_constraints = {
        "sr": [Interval(Real, 0, None, closed="neither")],
        "trim_db": [Interval(Real, 0, None, closed="neither"), None],
        "memory": [None, str, os.PathLike, HasMethods(["cache"])],
    }

    def __init__(self, *, sr=16000, trim_db=30, memory=None):
        self.sr = sr
        self.trim_db = trim_db
        self.memory = memory

    def _fit_extractor(self):
        _pretrained_encoder()
        return EMBEDDING_SIZE

    def _extractor(self):
        encoder = _pretrained_encoder()

        @torch.inference_mode()
        def embedding(clip, index):
            clip = resample_clip(clip, self.sr, ENCODER_SR)
            if self.trim_db is not None:
                clip = trim_silence(clip, self.trim_db, N_FFT, HOP_LENGTH)
            windows = torch.from_numpy(np.ascontiguousarray(_mel_windows(clip)))
            mean = encoder(windows.transpose(1, 2)).mean(dim=0)
            return (mean / torch.linalg.vector_norm(mean)).numpy()

        return embedding
