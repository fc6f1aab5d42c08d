"""Tests of load_audio_folder: labels and speakers from rules."""

import numpy as np
import pytest
import soundfile

from sklearn_ser.datasets import load_audio_folder
from sklearn_ser.exceptions import CorpusFileError


@pytest.fixture
def folder(tmp_path, write_clip):
    for name in ["angry/spk1_a.wav", "angry/spk2_b.flac", "sad/spk1_c.wav", "sad/spk2_d.ogg"]:
        write_clip(name)
    return tmp_path


def test_labels_from_folders_and_no_speakers(folder):
    corpus = load_audio_folder(folder)
    assert list(corpus.target) == ["angry", "angry", "sad", "sad"]
    assert corpus.groups is None
    assert list(corpus.metadata["relative_path"]) == [
        "angry/spk1_a.wav",
        "angry/spk2_b.flac",
        "sad/spk1_c.wav",
        "sad/spk2_d.ogg",
    ]
    assert "folder" in corpus.DESCR


def test_speakers_from_a_regex_named_or_first_group(folder):
    by_first = load_audio_folder(folder, groups=r"spk(\d)_")
    by_name = load_audio_folder(folder, groups=r"(s)pk(?P<speaker>\d)")
    assert list(by_first.groups) == ["1", "2", "1", "2"]
    assert list(by_name.groups) == list(by_first.groups)
    only_two = load_audio_folder(folder, groups=r"spk(\d)_", speakers=["2"])
    assert list(only_two.metadata["relative_path"]) == ["angry/spk2_b.flac", "sad/spk2_d.ogg"]


def test_labels_and_speakers_from_callables(folder):
    corpus = load_audio_folder(
        folder,
        labels=lambda path: path.stem[-1],
        groups=lambda path: path.stem.split("_")[0],
        emotions=["a", "d"],
    )
    assert list(corpus.target) == ["a", "d"]
    assert list(corpus.groups) == ["spk1", "spk2"]


def test_labels_from_a_regex(folder):
    corpus = load_audio_folder(folder, labels=r"^(?P<label>\w+)/spk")
    assert list(corpus.target) == ["angry", "angry", "sad", "sad"]


def test_rule_failures_name_the_file(folder, write_clip):
    write_clip("angry/nobody.wav")
    with pytest.raises(ValueError, match="nobody.wav.*does not match"):
        load_audio_folder(folder, groups=r"spk(\d)_")
    with pytest.warns(UserWarning, match="nobody.wav"):
        corpus = load_audio_folder(folder, groups=r"spk(\d)_", on_error="warn")
    assert len(corpus.data) == 4
    write_clip("loose.wav")
    with pytest.raises(ValueError, match="loose.wav.*sub-folder"):
        load_audio_folder(folder)
    with pytest.raises(ValueError, match="no capturing group"):
        load_audio_folder(folder, groups=r"spk\d")


def test_mixed_sample_rates_are_resampled_to_sr(tmp_path, write_clip):
    for rate in (8000, 22050, 44100):
        write_clip(f"angry/rate{rate}.wav", sr=rate, seconds=0.1)
    corpus = load_audio_folder(tmp_path, sr=16000)
    assert [w.shape for w in corpus.data] == [(1600,)] * 3
    assert corpus.sr == 16000
    # Every clip is read at one rate: None (keep each file's own) is refused.
    with pytest.raises(ValueError, match="'sr' parameter of load_audio_folder"):
        load_audio_folder(tmp_path, sr=None)


def test_an_empty_folder_is_refused_by_name(tmp_path):
    (tmp_path / "angry").mkdir()
    (tmp_path / "angry" / "notes.txt").write_text("no audio here")
    with pytest.raises(FileNotFoundError, match=f"no audio folder files .* under {tmp_path}"):
        load_audio_folder(tmp_path)


def test_bad_files_raise_by_name_or_are_skipped_with_one_warning(folder, write_clip):
    (folder / "sad" / "text.wav").write_text("not audio, whatever the extension says")
    cut = write_clip("sad/cut.wav", seconds=0.5)
    cut.write_bytes(cut.read_bytes()[:2000])
    (folder / "angry" / "gone.flac").symlink_to(folder / "nowhere.flac")
    write_clip("loose.wav")  # no label folder
    with pytest.raises(ValueError, match="loose.wav does not follow the convention"):
        load_audio_folder(folder)
    (folder / "loose.wav").unlink()
    bad = r"gone.flac.*\(2 more bad files\); pass on_error"
    with pytest.raises(CorpusFileError, match=bad) as raised:
        load_audio_folder(folder)
    assert len(raised.value.problems) == 3 and "on_error" not in raised.value.summary()
    write_clip("loose.wav")
    with pytest.warns(UserWarning, match="skipped 4 bad audio folder file") as record:
        corpus = load_audio_folder(folder, on_error="warn")
    assert len(record) == 1
    message = str(record[0].message)
    for name in ["text.wav", "cut.wav is truncated", "gone.flac", "loose.wav"]:
        assert name in message
    assert len(corpus.data) == 4


def test_mp3_and_opus_files_are_read(folder, write_clip):
    write_clip("calm/spk3_e.mp3")
    opus = folder / "calm" / "spk3_f.opus"
    soundfile.write(opus, np.zeros(800, dtype=np.float32), 16000, format="OGG", subtype="OPUS")
    corpus = load_audio_folder(folder, emotions=["calm"])
    assert list(corpus.metadata["relative_path"]) == ["calm/spk3_e.mp3", "calm/spk3_f.opus"]


def test_a_fifo_in_the_folder_is_a_bad_file_not_a_hang(folder, make_fifo):
    make_fifo("sad/spk3_pipe.wav")
    with pytest.raises(ValueError, match=r"spk3_pipe\.wav is a FIFO, not a regular file"):
        load_audio_folder(folder)
    with pytest.warns(UserWarning, match="FIFO"):
        assert len(load_audio_folder(folder, on_error="warn").data) == 4


def test_reading_progress_is_drawn_on_a_terminal_only(folder, stderr_to):
    terminal = stderr_to(terminal=True)
    load_audio_folder(folder, verbose=True)
    assert "reading audio folder" in terminal.getvalue()
    log_file = stderr_to(terminal=False)
    load_audio_folder(folder, verbose=True)
    assert log_file.getvalue() == ""


def test_speakers_from_paths():
    from sklearn_ser.datasets import speakers_from_paths

    files = ["s1/take1/a.wav", "s1/take1/b.wav", "s2/take1/a.wav"]
    assert list(speakers_from_paths(files)) == ["s1/take1", "s1/take1", "s2/take1"]
    assert list(speakers_from_paths(files, r"^(s\d)")) == ["s1", "s1", "s2"]
    with pytest.raises(ValueError, match=r"speaker pattern 'x\(\)' does not match s1/take1/a.wav"):
        speakers_from_paths(files, "x()")
    with pytest.raises(ValueError, match="is not a regular expression"):
        speakers_from_paths(files, "(")


@pytest.mark.parametrize(
    "pattern, speakers",
    [
        (r"spk(\d)_", ["1", "2", "1", "2"]),  # the first group
        (r"(s)pk(?P<speaker>\d)", ["1", "2", "1", "2"]),  # the group named speaker
        (r"(?P<speaker>spk\d)(_)", ["spk1", "spk2", "spk1", "spk2"]),
    ],
)
def test_one_speaker_pattern_rule_for_folders_and_paths(folder, pattern, speakers):
    from sklearn_ser.datasets import speakers_from_paths

    corpus = load_audio_folder(folder, groups=pattern)
    assert list(corpus.groups) == speakers
    assert list(speakers_from_paths(corpus.metadata["relative_path"], pattern)) == speakers


@pytest.mark.parametrize(
    "pattern, problem",
    [
        (r"spk\d", "has no capturing group"),  # a group is required, by both
        (r"spk(x?)\d", "does not match"),  # an empty group is no speaker
        (r"(", "is not a regular expression"),
    ],
)
def test_the_speaker_pattern_rule_refuses_alike(folder, pattern, problem):
    from sklearn_ser.datasets import speakers_from_paths

    with pytest.raises(ValueError, match=problem):
        load_audio_folder(folder, groups=pattern)
    with pytest.raises(ValueError, match=problem):
        speakers_from_paths(["angry/spk1_a.wav"], pattern)
    if problem != "does not match":  # checked without any file
        with pytest.raises(ValueError, match=problem):
            speakers_from_paths([], pattern)
