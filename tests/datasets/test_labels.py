"""The shared emotion vocabulary, editing a corpus's labels, the labels of files."""

import re
from pathlib import Path

import numpy as np
import pytest

from sklearn_ser.datasets import (
    EMOTIONS,
    labels_of_files,
    load_ased,
    load_crema_d,
    load_emodb,
    load_ravdess,
    load_savee,
    load_tess,
    make_emotional_speech,
    relabel,
)

DATA_GUIDE = Path(__file__).resolve().parents[2] / "docs" / "user_guide" / "data.rst"

# One file per emotion code of each corpus, in its naming.
EVERY_CODE = {
    load_ravdess: [f"03-01-0{code}-01-01-01-01.wav" for code in range(1, 9)],
    load_ased: [f"{code}-01-01-01-01.flac" for code in ("n1", "f2", "h3", "s4", "a5")],
    load_emodb: [f"03a01{code}a.wav" for code in "WLEAFTN"],
    load_crema_d: [
        f"1001_DFA_{code}_XX.wav" for code in ("ANG", "DIS", "FEA", "HAP", "NEU", "SAD")
    ],
    load_tess: [
        f"OAF_back_{code}.wav"
        for code in ("angry", "disgust", "fear", "happy", "neutral", "ps", "sad")
    ],
    load_savee: [f"DC_{code}01.wav" for code in ("a", "d", "f", "h", "n", "sa", "su")],
}


@pytest.mark.parametrize("loader", EVERY_CODE, ids=lambda loader: loader.__name__)
def test_every_loader_label_is_in_the_vocabulary(loader, tmp_path, write_clip):
    for name in EVERY_CODE[loader]:
        write_clip(name)
    target = loader(tmp_path).target
    # each code gives a distinct label, all from the shared vocabulary
    assert len(set(target)) == len(EVERY_CODE[loader])
    assert set(target) <= set(EMOTIONS)


def test_synthetic_labels_are_in_the_vocabulary():
    corpus = make_emotional_speech(n_speakers=2, n_utterances_per_emotion=1, random_state=0)
    assert set(corpus.target) <= set(EMOTIONS)


def test_the_data_guide_documents_every_label():
    text = DATA_GUIDE.read_text()
    section = text[text.index(".. _emotion_vocabulary:") :]
    rows = re.findall(r"^   \* - ``(\w+)``$", section, re.M)
    assert rows == list(EMOTIONS)


@pytest.fixture
def corpus():
    return make_emotional_speech(
        n_speakers=3, n_utterances_per_emotion=2, random_state=0, as_frame=True
    )


def test_merge_then_keep_filters_every_per_clip_field(corpus):
    edited = relabel(corpus, merge={"happy": "neutral"}, keep=["neutral", "angry"])
    before = corpus.target
    kept = np.isin(before, ["happy", "neutral", "angry"])
    expected = np.where(before == "happy", "neutral", before)[kept]
    np.testing.assert_array_equal(edited.target, expected)
    np.testing.assert_array_equal(edited.target_names, ["angry", "neutral"])
    np.testing.assert_array_equal(edited.groups, corpus.groups[kept])
    for key, values in corpus.metadata.items():
        np.testing.assert_array_equal(edited.metadata[key], values[kept])
    index = np.flatnonzero(kept)
    assert len(edited.data) == len(index)
    assert all(edited.data[i] is corpus.data[j] for i, j in enumerate(index))
    assert list(edited.frame["target"]) == list(edited.target)
    assert len(edited.frame) == len(index)
    # the input is left as it was
    assert "happy" in corpus.target and len(corpus.data) == len(before)


def test_vocabulary_labels_the_corpus_lacks_are_accepted(corpus):
    edited = relabel(corpus, merge={"calm": "neutral"}, keep=["sad", "boredom"])
    assert set(edited.target) == {"sad"}


def test_merging_into_a_new_label(corpus):
    edited = relabel(corpus, merge={"angry": "negative", "sad": "negative"}, keep=["negative"])
    assert set(edited.target) == {"negative"}
    assert len(edited.target) == np.isin(corpus.target, ["angry", "sad"]).sum()


def test_unknown_labels_are_named(corpus):
    with pytest.raises(ValueError, match=r"cannot merge unknown labels \['clam'\]"):
        relabel(corpus, merge={"clam": "neutral"})
    with pytest.raises(ValueError, match=r"cannot keep unknown labels \['angy', 'sadd'\]"):
        relabel(corpus, keep=["angy", "sadd", "happy"])
    with pytest.raises(ValueError, match="none of the labels to keep"):
        relabel(corpus, keep=["boredom"])


def test_a_two_dimensional_data_array_is_indexed(corpus):
    corpus.data = np.stack([clip[:100] for clip in corpus.data])
    edited = relabel(corpus, keep=["sad"])
    np.testing.assert_array_equal(edited.data, corpus.data[corpus.target == "sad"])


def test_read_labels_csv(tmp_path):
    from sklearn_ser.datasets import read_labels_csv

    (tmp_path / "labels.csv").write_text("file,label\nclips/a.wav, sad\n/abs/b.wav,angry\n\n")
    assert read_labels_csv(tmp_path / "labels.csv") == {
        str(tmp_path / "clips" / "a.wav"): "sad",
        "/abs/b.wav": "angry",
    }
    (tmp_path / "bad.csv").write_text("a.wav,sad\nb.wav\n")
    with pytest.raises(ValueError, match="bad.csv, line 2: expected file,label"):
        read_labels_csv(tmp_path / "bad.csv")
    (tmp_path / "twice.csv").write_text("a.wav,sad\na.wav,angry\n")
    with pytest.raises(ValueError, match="line 2: a.wav is labelled both sad and angry"):
        read_labels_csv(tmp_path / "twice.csv")


def test_a_fifo_labels_csv_is_not_read(make_fifo):
    from sklearn_ser.datasets import read_labels_csv

    with pytest.raises(ValueError, match=r"labels\.csv is a FIFO, not a regular file"):
        read_labels_csv(make_fifo("labels.csv"))


def test_labels_of_files_from_a_corpus_naming_or_a_csv(tmp_path):
    files = ["03-01-05-01-01-01-07.wav", "03-01-04-01-01-01-08.wav"]
    labels, speakers = labels_of_files(files, corpus="ravdess")
    assert labels == ["angry", "sad"] and speakers.tolist() == ["ravdess_07", "ravdess_08"]
    (tmp_path / "labels.csv").write_text("file,label\nclips/a.wav,calm\n")
    files = [tmp_path / "clips" / "a.wav", tmp_path / "b.wav"]
    assert labels_of_files(files, labels_csv=tmp_path / "labels.csv") == (["calm", None], None)
    assert labels_of_files(files) == (None, None)
    with pytest.raises(ValueError, match="not both"):
        labels_of_files(files, corpus="ravdess", labels_csv=tmp_path / "labels.csv")
    with pytest.raises(FileNotFoundError):
        labels_of_files(files, labels_csv=tmp_path / "missing.csv")
