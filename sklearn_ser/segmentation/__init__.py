"""Long recordings: where the speech is, and emotion over time.

A recording of minutes or hours is cut into segments, where a voice
activity detector finds speech (:class:`SpeechSegmenter`) or at fixed
intervals (:class:`FixedWindows`), and :func:`predict_segments` labels each
segment with a fitted model, block by block so that memory does not grow
with the length of the recording.
"""

from ._plots import plot_emotion_timeline
from ._predict import clip_duration, predict_segments
from ._segmenter import FixedWindows, SpeechSegmenter
from ._vad import EnergyVAD, SileroVAD

__all__ = [
    "EnergyVAD",
    "FixedWindows",
    "SileroVAD",
    "SpeechSegmenter",
    "clip_duration",
    "plot_emotion_timeline",
    "predict_segments",
]
