import librosa
import numpy as np
import pytest

from sklearn_ser.datasets import make_emotional_speech
from sklearn_ser.preprocessing._base import speech_interval

RNG = np.random.default_rng(0)
CLIPS = [
    *make_emotional_speech(n_speakers=2, n_utterances_per_emotion=2, random_state=0).data,
    # noise bursts of any length and level, shorter than a frame too
    *(
        (RNG.standard_normal(n) * RNG.uniform(0, 1) ** 4 * (RNG.uniform(size=n) < 0.7)).astype(
            np.float32
        )
        for n in RNG.integers(10, 20000, 30)
    ),
    np.zeros(3000, np.float32),
]


@pytest.mark.parametrize("top_db, frame_length, hop_length", [(30, 1024, 512), (40, 512, 128)])
def test_speech_interval_is_librosas_trim_to_the_sample(top_db, frame_length, hop_length):
    for clip in CLIPS:
        peak = np.max(np.abs(clip))
        _, expected = librosa.effects.trim(
            clip / peak if peak > 0 else clip,
            top_db=top_db,
            frame_length=frame_length,
            hop_length=hop_length,
        )
        assert speech_interval(clip, top_db, frame_length, hop_length) == tuple(expected)
