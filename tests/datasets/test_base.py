"""Tests of the machinery shared by the loaders (reading audio, the Bunch)."""

import numpy as np
import pytest
import soundfile

from sklearn_ser.datasets import find_audio_files
from sklearn_ser.datasets._base import build_bunch, read_audio, read_audio_blocks


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
            data=[np.zeros(3)],
            target=["sad"],
            groups=["a"],
            filenames=None,
            metadata={},
            sr=16000,
            descr="",
            as_frame=False,
            return_X_y=True,
            return_X_y_groups=True,
        )


def test_read_audio_detects_an_aiff_cut_in_its_data(write_clip):
    path = write_clip("cut.aiff", seconds=0.5)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="cut.aiff is truncated"):
        read_audio(path, 16000)


def test_read_audio_allocates_what_the_file_holds_not_what_its_header_declares(write_clip):
    # Byte 22 of a FLAC file is in the STREAMINFO total-samples field: the
    # damaged header declares billions of frames (a 32 GiB array at once).
    path = write_clip("huge.flac", channels=2)
    data = bytearray(path.read_bytes())
    data[22] ^= 0xFF
    path.write_bytes(bytes(data))
    with soundfile.SoundFile(path) as audio:
        assert audio.frames > 10**9
    with pytest.raises(ValueError, match="huge.flac"):
        read_audio(path, 16000)


def test_read_audio_refuses_an_implausible_sampling_rate(tmp_path):
    path = tmp_path / "slow.wav"
    soundfile.write(path, np.zeros(100), 100)
    with pytest.raises(ValueError, match="slow.wav declares a sampling rate of 100 Hz"):
        read_audio(path, 16000)


def test_read_audio_refuses_a_file_too_short_to_resample(tmp_path):
    path = tmp_path / "blip.wav"
    soundfile.write(path, np.full(1, 0.5), 48000)  # a third of a sample at 16 kHz
    with pytest.raises(ValueError, match="blip.wav is too short to resample"):
        read_audio(path, 16000)


def test_read_audio_names_a_broken_link(tmp_path):
    link = tmp_path / "gone.wav"
    link.symlink_to(tmp_path / "nowhere.wav")
    with pytest.raises(ValueError, match="cannot read audio file .*gone.wav"):
        read_audio(link, 16000)


@pytest.mark.parametrize("file_sr, channels", [(16000, 1), (44100, 2), (8000, 1)])
@pytest.mark.parametrize("block_duration", [0.01, 0.37, 10.0])
def test_blocks_read_what_read_audio_reads(write_clip, file_sr, channels, block_duration):
    path = write_clip("tone.wav", sr=file_sr, seconds=1.3, channels=channels)
    blocks = list(read_audio_blocks(path, 16000, block_duration))
    assert all(block.dtype == np.float32 and block.ndim == 1 for block in blocks)
    # One streaming resampler: no seam where the blocks meet.
    np.testing.assert_array_equal(np.concatenate(blocks), read_audio(path, 16000))


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda data: data[: len(data) // 2], "cut.wav is truncated"),
        (lambda data: data[:20], "cannot read audio file .*cut.wav"),
    ],
)
def test_blocks_name_a_bad_file(write_clip, damage, message):
    path = write_clip("cut.wav", seconds=0.5)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ValueError, match=message):
        list(read_audio_blocks(path, 16000))


def test_blocks_name_an_empty_or_implausible_file(tmp_path):
    soundfile.write(tmp_path / "empty.wav", np.zeros(0), 16000)
    with pytest.raises(ValueError, match="empty.wav contains no samples"):
        list(read_audio_blocks(tmp_path / "empty.wav"))
    soundfile.write(tmp_path / "slow.wav", np.zeros(100), 100)
    with pytest.raises(ValueError, match="slow.wav declares a sampling rate of 100 Hz"):
        next(read_audio_blocks(tmp_path / "slow.wav"))


@pytest.mark.parametrize("read", [read_audio, lambda path: next(read_audio_blocks(path))])
def test_readers_refuse_a_fifo_without_opening_it(make_fifo, read):
    with pytest.raises(ValueError, match=r"clip\.wav is a FIFO, not a regular file"):
        read(make_fifo("clip.wav"))


def test_find_audio_files_has_one_rule_for_named_files_and_folders(tmp_path, make_fifo):
    clip = np.zeros(160, dtype=np.float32)
    soundfile.write(tmp_path / "a.wav", clip, 16000)
    (tmp_path / "sub").mkdir()
    soundfile.write(tmp_path / "sub" / "b.MP3", clip, 16000, format="MP3")
    soundfile.write(tmp_path / "c.opus", clip, 16000, format="OGG", subtype="OPUS")
    (tmp_path / "notes.txt").write_text("not audio")
    (tmp_path / "._a.wav").write_bytes(b"macOS resource fork")
    fifo = make_fifo("pipe.wav")
    files, skipped = find_audio_files([tmp_path])
    assert [file.relative_to(tmp_path).as_posix() for file in files] == [
        "a.wav",
        "c.opus",
        "sub/b.MP3",
    ]
    assert [(file.name, why.split(" (")[0]) for file, why in skipped] == [
        ("notes.txt", "not an audio file"),
        ("pipe.wav", "a FIFO, not a regular file"),
    ]
    # Named, the same files are read or refused by the same rule.
    assert find_audio_files([tmp_path / "c.opus", tmp_path / "sub" / "b.MP3"])[0] == [
        tmp_path / "c.opus",
        tmp_path / "sub" / "b.MP3",
    ]
    with pytest.raises(ValueError, match=r"notes\.txt is not an audio file \(\.wav, "):
        find_audio_files([tmp_path / "notes.txt"])
    with pytest.raises(ValueError, match=r"pipe\.wav is a FIFO, not a regular file"):
        find_audio_files([fifo])
    with pytest.raises(FileNotFoundError, match="audio file or folder not found"):
        find_audio_files([tmp_path / "absent.wav"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match=r"no audio files \(\.wav, .*\) in .*empty"):
        find_audio_files([tmp_path / "empty"])
