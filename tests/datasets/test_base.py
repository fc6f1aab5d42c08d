"""Tests of the machinery shared by the loaders (reading audio, the Bunch)."""

import numpy as np
import pytest
import soundfile

from sklearn_ser.datasets._base import build_bunch, read_audio


def test_read_audio_mixes_stereo_down_by_averaging(write_clip):
    path = write_clip("stereo.wav", channels=2)
    stereo, _ = soundfile.read(path, dtype="float32")
    wave = read_audio(path, 16000)
    assert wave.dtype == np.float32 and wave.ndim == 1
    np.testing.assert_allclose(wave, stereo.mean(axis=1), atol=1e-6)


@pytest.mark.parametrize("file_sr, sr", [(48000, 16000), (8000, 16000), (16000, 16000)])
def test_read_audio_resamples_to_requested_rate(write_clip, file_sr, sr):
    path = write_clip("tone.flac", sr=file_sr, seconds=0.3)
    wave = read_audio(path, sr)
    assert wave.shape == (round(0.3 * sr),)
    # a 220 Hz tone stays at 220 Hz after resampling
    spectrum = np.abs(np.fft.rfft(wave))
    assert np.fft.rfftfreq(len(wave), 1 / sr)[spectrum.argmax()] == pytest.approx(220, abs=5)


def test_read_audio_names_a_corrupt_file(tmp_path):
    path = tmp_path / "corrupt.wav"
    path.write_bytes(b"RIFF\x00\x00\x00\x00WAVEnot audio at all")
    with pytest.raises(ValueError, match="cannot read audio file .*corrupt.wav"):
        read_audio(path, 16000)


def test_read_audio_names_a_truncated_file(write_clip):
    path = write_clip("cut.flac", seconds=0.5)
    path.write_bytes(path.read_bytes()[:30])
    with pytest.raises(ValueError, match="cut.flac"):
        read_audio(path, 16000)


def test_read_audio_detects_a_wav_cut_in_its_data(write_clip):
    path = write_clip("cut.wav", seconds=0.5)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="cut.wav is truncated"):
        read_audio(path, 16000)


def test_read_audio_rejects_an_empty_file(tmp_path):
    path = tmp_path / "empty.wav"
    soundfile.write(path, np.zeros(0), 16000)
    with pytest.raises(ValueError, match="empty.wav contains no samples"):
        read_audio(path, 16000)


def test_build_bunch_return_flags_are_exclusive():
    with pytest.raises(ValueError, match="exclusive"):
        build_bunch(
            data=[np.zeros(3)], target=["sad"], groups=["a"], filenames=None,
            metadata={}, sr=16000, descr="", as_frame=False,
            return_X_y=True, return_X_y_groups=True,
        )
