"""Long recordings: where the speech is, and emotion over time.

A recording of minutes or hours is cut into segments, where a voice
activity detector finds speech (:class:`SpeechSegmenter`) or at fixed
intervals (:class:`FixedWindows`), block by block so that memory does not
grow with its length.
"""

from ._segmenter import FixedWindows, SpeechSegmenter
from ._vad import EnergyVAD, SileroVAD

__all__ = ["EnergyVAD", "FixedWindows", "SileroVAD", "SpeechSegmenter"]
