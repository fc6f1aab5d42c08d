"""The front end: waveforms to fixed-size arrays (log-mel spectrograms, MFCCs, raw samples)."""

from ._logmel import LogMelTransformer
from ._waveform import FixedLengthWaveform

__all__ = ["FixedLengthWaveform", "LogMelTransformer"]
