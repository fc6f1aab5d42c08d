"""Tests of load_corpus: corpora by name, sampled, several combined."""

import numpy as np
import pytest

from sklearn_ser.datasets import CORPUS_NAMES, load_corpus, load_ravdess, make_emotional_speech
from sklearn_ser.exceptions import CorpusFileError


@pytest.fixture
def folder(tmp_path, write_clip):
    for name in ["angry/spk1_a.wav", "angry/spk2_b.wav", "sad/spk1_c.wav", "sad/spk2_d.wav"]:
        write_clip(f"clips/{name}")
    return tmp_path / "clips"


def test_the_synthetic_corpus_is_sampled_by_emotion_and_seed():
    whole = make_emotional_speech(random_state=3)
    sample = load_corpus("synthetic", max_clips=20, random_state=3)
    assert len(sample.data) == len(sample.groups) == 20
    assert set(np.unique(sample.target, return_counts=True)[1]) == {5}  # 4 emotions alike
    # The clips kept are clips of the corpus of that seed, in its order.
    index = [
        next(i for i, clip in enumerate(whole.data) if np.array_equal(clip, kept))
        for kept in sample.data
    ]
    assert index == sorted(index)
    again = load_corpus("synthetic", max_clips=20, random_state=3)
    assert list(again.groups) == list(sample.groups)
    assert len(load_corpus("synthetic", max_clips=10_000).data) == len(whole.data)


def test_a_folder_takes_its_speakers_from_the_pattern(folder):
    corpus = load_corpus("folder", folder, speaker_pattern=r"spk(\d)_")
    assert list(corpus.groups) == ["1", "2", "1", "2"] and corpus.sr == 16000
    assert load_corpus("folder", str(folder)).groups is None


def test_several_corpora_are_combined_under_their_names(folder):
    both = load_corpus(
        ["folder", "synthetic"], [folder, None], max_clips=8, speaker_pattern=r"spk(\d)_"
    )
    assert len(both.data) == 4 + 8
    assert list(both.corpus[:5]) == ["folder"] * 4 + ["synthetic"]
    assert both.groups[0] == "folder/1" and both.groups[-1].startswith("synthetic/synthetic_")


@pytest.mark.parametrize(
    "name, path, options, error, message",
    [
        ("ravdes", "x", {}, ValueError, r"unknown corpus 'ravdes'; choose from \['synthetic'"),
        (["synthetic", "synthetic"], [None, None], {}, ValueError, "repeated: \\['synthetic'\\]"),
        ("synthetic", "x", {}, ValueError, "the synthetic corpus is generated"),
        ("emodb", None, {}, ValueError, "corpus emodb needs the path of its folder"),
        (["emodb", "tess"], ["x"], {}, ValueError, "got 2 corpora and 1 paths"),
        ("emodb", "nowhere", {}, FileNotFoundError, "data path not found: nowhere"),
        ("synthetic", None, {"speaker_pattern": "(x)"}, ValueError, "'folder' corpus only"),
    ],
)
def test_names_and_paths_are_checked_before_any_file_is_read(
    name, path, options, error, message, monkeypatch
):
    import sklearn_ser.datasets._by_name as by_name

    monkeypatch.setattr(by_name, "_LOADERS", {key: None for key in by_name._LOADERS})
    with pytest.raises(error, match=message):
        load_corpus(name, path, **options)


def test_bad_files_are_reported_with_the_corpus_and_its_folder(folder, write_clip):
    (folder / "sad" / "broken.wav").write_text("not audio")
    with pytest.raises(CorpusFileError) as raised:
        load_corpus("folder", folder)
    assert (raised.value.corpus, raised.value.path) == ("folder", folder)
    assert raised.value.summary().startswith(f"cannot load folder from {folder}: ")
    assert "broken.wav" in raised.value.summary() and "on_error" in str(raised.value)
    with pytest.warns(UserWarning, match="broken.wav"):
        assert len(load_corpus("folder", folder, on_error="warn").data) == 4


def test_a_folder_of_another_corpus_is_named_in_the_error(folder):
    with pytest.raises(CorpusFileError, match=f"cannot load emodb from {folder}: EmoDB file"):
        load_corpus("emodb", folder)
    (folder / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="cannot load tess from .*empty: no TESS files"):
        load_corpus("tess", folder / "empty")


def test_every_name_loads_by_its_loader():
    import sklearn_ser.datasets._by_name as by_name

    assert CORPUS_NAMES == ("synthetic", *by_name._LOADERS)
    assert by_name._LOADERS["crema-d"].__name__ == "load_crema_d"


def test_ravdess_by_name_is_load_ravdess(ravdess_path):
    by_name = load_corpus("ravdess", ravdess_path, max_clips=12)
    direct = load_ravdess(ravdess_path, max_files=12)
    assert list(by_name.filenames) == list(direct.filenames)
    assert list(by_name.groups) == list(direct.groups)
