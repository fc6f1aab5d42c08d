"""A recording built from synthetic clips, with the truth of where they are."""

import importlib.util

import numpy as np
import pytest

from sklearn_ser.datasets import join_clips, make_emotional_speech

needs_silero = pytest.mark.skipif(
    importlib.util.find_spec("silero_vad") is None, reason="silero-vad is not installed"
)


@pytest.fixture(scope="session")
def corpus():
    """Two synthetic speakers, three clips per emotion each (24 one-second clips)."""
    return make_emotional_speech(n_speakers=2, n_utterances_per_emotion=3, random_state=0)


@pytest.fixture(scope="session")
def recording(corpus):
    """The clips joined by 0.8-1.5 s of silence under faint white noise (30 dB SNR)."""
    return join_clips(corpus.data, gap=(0.8, 1.5), snr=30, trim_db=40, random_state=1)


def blocks(waveform, size):
    """The waveform in consecutive blocks of ``size`` samples."""
    return [np.asarray(waveform[start : start + size]) for start in range(0, len(waveform), size)]
