"""Fixtures for the dataset tests: tiny audio files written on the fly."""

import numpy as np
import pytest
import soundfile


@pytest.fixture
def write_clip(tmp_path):
    """``write_clip(relative_path, sr=16000, seconds=0.05, channels=1)``.

    Writes a short sine (one per channel, at different frequencies) under
    ``tmp_path`` and returns its path.
    """

    def write(relative_path, sr=16000, seconds=0.05, channels=1):
        path = tmp_path / relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        t = np.arange(int(sr * seconds)) / sr
        channels_data = [0.5 * np.sin(2 * np.pi * 220 * (c + 1) * t) for c in range(channels)]
        soundfile.write(path, np.stack(channels_data, axis=1), sr)
        return path

    return write
