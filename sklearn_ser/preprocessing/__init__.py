"""The front end: waveforms to fixed-size arrays (log-mel spectrograms, MFCCs,
raw samples), utterance-level statistics of spectrograms, acoustic
functionals and pretrained voice embeddings; and a check of the input
against the training recordings."""

from ._domain import InputDomainCheck
from ._logmel import LogMelTransformer
from ._opensmile import OpenSmileTransformer
from ._speaker import SpeakerStandardScaler
from ._statistics import UtteranceStatistics
from ._voice import VoiceEmbeddingTransformer
from ._waveform import FixedLengthWaveform

__all__ = [
    "FixedLengthWaveform",
    "InputDomainCheck",
    "LogMelTransformer",
    "OpenSmileTransformer",
    "SpeakerStandardScaler",
    "UtteranceStatistics",
    "VoiceEmbeddingTransformer",
]
