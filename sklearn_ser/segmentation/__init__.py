"""Audio files labelled by a fitted model, whole or segment by segment; long
recordings: where the speech is, and emotion over time.

:func:`predict_files` labels audio files, each whole or segment by segment.
A recording of minutes or hours is cut into segments, where a voice
activity detector finds speech (:class:`SpeechSegmenter`) or at fixed
intervals (:class:`FixedWindows`), and :func:`predict_segments` labels each
segment with a fitted model, block by block so that memory does not grow
with the length of the recording.
"""

from ._files import predict_files
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
    "predict_files",
    "predict_segments",
]
