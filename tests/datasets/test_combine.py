import numpy as np
import pytest

from sklearn_ser.datasets import (
    concat_corpora,
    load_ased,
    load_ravdess,
    make_emotional_speech,
    relabel,
)


@pytest.fixture
def two_synthetic():
    # Both number their speakers synthetic_00, synthetic_01, ...
    return [
        make_emotional_speech(n_speakers=n, n_utterances_per_emotion=1, random_state=n)
        for n in (2, 3)
    ]


def test_combined_corpora_never_share_a_speaker(two_synthetic):
    assert set(two_synthetic[0].groups) & set(two_synthetic[1].groups)
    both = concat_corpora(*two_synthetic, names=["small", "large"])
    assert len(set(both.groups)) == 2 + 3
    for speaker in np.unique(both.groups):
        assert len(set(both.corpus[both.groups == speaker])) == 1
    assert both.groups[0] == "small/synthetic_00" and both.groups[-1] == "large/synthetic_02"
    np.testing.assert_array_equal(both.corpus, ["small"] * 8 + ["large"] * 12)
    np.testing.assert_array_equal(both.target, np.concatenate([c.target for c in two_synthetic]))
    assert len(both.data) == 20 and both.data[8] is two_synthetic[1].data[0]
    assert both.filenames is None and both.sr == 16000


def test_loaders_combine_with_their_metadata(tmp_path, write_clip):
    write_clip("ravdess/03-01-02-01-01-01-01.wav", sr=48000)
    write_clip("ased/n1-01-01-01-01.flac")
    write_clip("ased/a5-01-01-02-02.flac")
    ravdess, ased = load_ravdess(tmp_path / "ravdess"), load_ased(tmp_path / "ased")
    both = concat_corpora(ravdess, ased, names=["ravdess", "ased"])
    assert list(both.groups) == ["ravdess/ravdess_01", "ased/ased_02", "ased/ased_01"]
    assert list(both.target_names) == ["angry", "calm", "neutral"]
    assert list(both.metadata["gender"]) == ["male", "male", "female"]
    assert list(both.metadata["actor"]) == ["01", None, None]
    assert [f.split("/")[-1] for f in both.filenames][2] == "n1-01-01-01-01.flac"
    assert "RAVDESS" in both.DESCR and "ASED" in both.DESCR
    # label edits apply to the per-clip corpus field too
    shared = relabel(both, merge={"calm": "neutral"}, keep=["neutral"])
    assert list(shared.corpus) == ["ravdess", "ased"]


def test_frames_are_combined_when_every_corpus_has_one():
    pytest.importorskip("pandas")
    corpora = [
        make_emotional_speech(n_speakers=2, n_utterances_per_emotion=1, as_frame=True)
        for _ in range(2)
    ]
    both = concat_corpora(*corpora, names=["a", "b"])
    assert list(both.frame["corpus"]) == list(both.corpus)
    assert list(both.frame["group"]) == list(both.groups)


def test_default_names(two_synthetic):
    both = concat_corpora(*two_synthetic)
    assert set(both.corpus) == {"corpus1", "corpus2"}


def test_mismatched_sampling_rates_are_refused_naming_them(two_synthetic):
    low = make_emotional_speech(n_speakers=2, n_utterances_per_emotion=1, sr=8000)
    with pytest.raises(ValueError, match="different sampling rates \\(a 16000 Hz, b 8000 Hz\\)"):
        concat_corpora(two_synthetic[0], low, names=["a", "b"])


@pytest.mark.parametrize(
    "names, message",
    [
        (["a"], "got 2 corpora but 1 names"),
        (["a", "a"], "repeated: \\['a'\\]"),
        (["a", "b/c"], "hold no '/'"),
    ],
)
def test_bad_names(two_synthetic, names, message):
    with pytest.raises(ValueError, match=message):
        concat_corpora(*two_synthetic, names=names)


def test_corpora_without_speakers_or_bunches_are_refused(two_synthetic):
    two_synthetic[1].groups = None
    with pytest.raises(ValueError, match="speakers of corpus \\['b'\\] are unknown"):
        concat_corpora(*two_synthetic, names=["a", "b"])
    with pytest.raises(TypeError, match="got \\['list'\\]"):
        concat_corpora([1, 2])
    with pytest.raises(ValueError, match="at least one"):
        concat_corpora()
