"""Tests of load_audio_folder: labels and speakers from rules."""

import pytest

from sklearn_ser.datasets import load_audio_folder


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
        "angry/spk1_a.wav", "angry/spk2_b.flac", "sad/spk1_c.wav", "sad/spk2_d.ogg"
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
