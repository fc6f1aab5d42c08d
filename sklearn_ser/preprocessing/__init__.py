"""The front end: waveforms to fixed-size arrays (log-mel spectrograms, MFCCs,
raw samples), utterance-level statistics of spectrograms, acoustic
functionals, pretrained voice embeddings and the embeddings of pretrained speech
encoders; loudness normalisation; and a check of the input against the training recordings."""

from ._domain import InputDomainCheck
from ._logmel import LogMelTransformer
from ._loudness import LoudnessNormalizer
from ._opensmile import OpenSmileTransformer
from ._speaker import SpeakerStandardScaler, UtteranceStandardScaler
from ._speech_encoder import SpeechEncoderTransformer
from ._statistics import UtteranceStatistics
from ._voice import VoiceEmbeddingTransformer
from ._waveform import FixedLengthWaveform

__all__ = [
    "FixedLengthWaveform",
    "InputDomainCheck",
    "LogMelTransformer",
    "LoudnessNormalizer",
    "OpenSmileTransformer",
    "SpeakerStandardScaler",
    "SpeechEncoderTransformer",
    "UtteranceStandardScaler",
    "UtteranceStatistics",
    "VoiceEmbeddingTransformer",
]
