"""The front end: waveforms to fixed-size arrays (log-mel spectrograms, MFCCs,
raw samples) and utterance-level statistics of spectrograms."""

from ._logmel import LogMelTransformer
from ._opensmile import OpenSmileTransformer
from ._speaker import SpeakerStandardScaler
from ._statistics import UtteranceStatistics
from ._waveform import FixedLengthWaveform

__all__ = [
    "FixedLengthWaveform",
    "LogMelTransformer",
    "OpenSmileTransformer",
    "SpeakerStandardScaler",
    "UtteranceStatistics",
]
