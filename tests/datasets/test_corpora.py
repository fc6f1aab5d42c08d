"""Tests of the named-corpus loaders on tiny files in each corpus's naming."""

import sys
from pathlib import Path

import numpy as np
import pytest

from sklearn_ser.datasets import (
    load_ased,
    load_crema_d,
    load_emodb,
    load_ravdess,
    load_savee,
    load_tess,
)

RAVDESS_NAMES = [
    "Actor_01/03-01-01-01-01-01-01.wav",
    "Actor_01/03-01-05-02-01-02-01.wav",
    "Actor_02/03-01-04-01-02-01-02.wav",
    "Actor_02/03-01-05-01-01-01-02.wav",
    "Actor_03/03-01-08-02-02-02-03.wav",
]


@pytest.fixture
def ravdess_folder(tmp_path, write_clip):
    for name in RAVDESS_NAMES:
        write_clip(name, sr=48000, seconds=0.06)
    return tmp_path


def test_ravdess_original_48k_release(ravdess_folder):
    corpus = load_ravdess(ravdess_folder, sr=16000)
    assert len(corpus.data) == len(RAVDESS_NAMES)
    assert all(w.dtype == np.float32 and w.shape == (960,) for w in corpus.data)
    assert corpus.sr == 16000
    assert list(corpus.target) == ["neutral", "angry", "sad", "angry", "surprised"]
    assert list(corpus.groups) == ["ravdess_01"] * 2 + ["ravdess_02"] * 2 + ["ravdess_03"]
    assert list(corpus.target_names) == ["angry", "neutral", "sad", "surprised"]
    assert [f.split("/")[-1] for f in corpus.filenames] == [n.split("/")[1] for n in RAVDESS_NAMES]
    assert all(f.startswith("/") for f in corpus.filenames)
    meta = corpus.metadata
    assert list(meta["intensity"]) == ["normal", "strong", "normal", "normal", "strong"]
    assert list(meta["gender"]) == ["male", "male", "female", "female", "male"]
    assert list(meta["repetition"]) == [1, 2, 1, 1, 2]
    assert meta["statement"][2] == "Dogs are sitting by the door"
    assert set(meta["modality"]) == {"audio-only"}
    assert "RAVDESS" in corpus.DESCR
    assert corpus.frame is None


def test_ravdess_keeps_the_file_rate_when_asked(ravdess_folder):
    corpus = load_ravdess(ravdess_folder, sr=48000, max_files=1)
    assert corpus.data[0].shape == (2880,)


def test_ravdess_vocal_channel_selects_song(ravdess_folder, write_clip):
    write_clip("Actor_01/03-02-03-01-01-01-01.wav")
    assert len(load_ravdess(ravdess_folder).data) == len(RAVDESS_NAMES)
    song = load_ravdess(ravdess_folder, vocal_channel="song")
    assert list(song.metadata["vocal_channel"]) == ["song"]
    assert len(load_ravdess(ravdess_folder, vocal_channel="all").data) == len(RAVDESS_NAMES) + 1


def test_return_tuples(ravdess_folder):
    X, y = load_ravdess(ravdess_folder, return_X_y=True)
    X2, y2, groups = load_ravdess(ravdess_folder, return_X_y_groups=True)
    assert len(X) == len(y) == len(groups) == len(RAVDESS_NAMES)
    np.testing.assert_array_equal(y, y2)
    with pytest.raises(ValueError, match="exclusive"):
        load_ravdess(ravdess_folder, return_X_y=True, return_X_y_groups=True)


def test_filters_by_emotion_and_speaker(ravdess_folder):
    corpus = load_ravdess(ravdess_folder, emotions=["angry"], speakers=["02", "ravdess_01"])
    assert list(corpus.target) == ["angry", "angry"]
    assert list(corpus.groups) == ["ravdess_01", "ravdess_02"]
    with pytest.raises(ValueError, match="unknown emotions \\['boredom'\\]"):
        load_ravdess(ravdess_folder, emotions=["boredom"])
    with pytest.raises(ValueError, match="unknown speakers \\['ravdess_99'\\]"):
        load_ravdess(ravdess_folder, speakers=["ravdess_99"])
    with pytest.raises(ValueError, match="match the selection"):
        load_ravdess(ravdess_folder, emotions=["calm"])


def test_max_files_spreads_over_the_sorted_list(ravdess_folder):
    corpus = load_ravdess(ravdess_folder, max_files=3)
    assert list(corpus.groups) == ["ravdess_01", "ravdess_02", "ravdess_03"]


def test_as_frame(ravdess_folder):
    pd = pytest.importorskip("pandas")
    corpus = load_ravdess(ravdess_folder, as_frame=True)
    assert isinstance(corpus.frame, pd.DataFrame)
    assert corpus.frame.shape[0] == len(RAVDESS_NAMES)
    assert list(corpus.frame["target"]) == list(corpus.target)
    assert list(corpus.frame["group"]) == list(corpus.groups)
    assert {"actor", "gender", "filename"} <= set(corpus.frame.columns)


def test_as_frame_without_pandas_says_what_is_missing(ravdess_folder, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # makes `import pandas` fail
    with pytest.raises(ImportError, match="as_frame=True requires pandas"):
        load_ravdess(ravdess_folder, as_frame=True)


@pytest.mark.parametrize(
    "bad_name, reason",
    [
        ("03-01-05-01-01-01.wav", "MM-VV-EE-II-SS-RR-AA"),
        ("03-01-09-01-01-01-01.wav", "emotion code '09'"),
        ("03-01-05-01-01-01-25.wav", "actor '25'"),
    ],
)
def test_misnamed_file_is_named_in_the_error(ravdess_folder, write_clip, bad_name, reason):
    write_clip(bad_name)
    with pytest.raises(ValueError, match=f"{bad_name}.*{reason}"):
        load_ravdess(ravdess_folder)


def test_on_error_warn_skips_bad_files_with_one_warning(ravdess_folder, write_clip):
    write_clip("Actor_04/not-a-ravdess-name.wav")
    corrupt = ravdess_folder / "Actor_04" / "03-01-02-01-01-01-04.wav"
    corrupt.write_bytes(b"garbage")
    with pytest.raises(ValueError, match="not-a-ravdess-name.wav"):
        load_ravdess(ravdess_folder)
    with pytest.warns(UserWarning, match="skipped 2 bad RAVDESS") as record:
        corpus = load_ravdess(ravdess_folder, on_error="warn")
    assert len(record) == 1
    message = str(record[0].message)
    assert "not-a-ravdess-name.wav" in message and "03-01-02-01-01-01-04.wav" in message
    assert len(corpus.data) == len(RAVDESS_NAMES)


def test_corrupt_file_is_named_in_the_error(ravdess_folder):
    corrupt = ravdess_folder / "Actor_01" / "03-01-02-01-01-01-01.wav"
    corrupt.write_bytes(b"RIFF0000WAVEfmt garbage")
    with pytest.raises(ValueError, match="cannot read audio file .*03-01-02-01-01-01-01.wav"):
        load_ravdess(ravdess_folder)


def test_missing_or_empty_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="directory not found"):
        load_ravdess(tmp_path / "nowhere")
    (tmp_path / "notes.txt").write_text("no audio here")
    with pytest.raises(FileNotFoundError, match="no RAVDESS files .* found under"):
        load_ravdess(tmp_path)


def test_invalid_parameters_are_rejected(ravdess_folder):
    with pytest.raises(ValueError, match="on_error"):
        load_ravdess(ravdess_folder, on_error="ignore")
    with pytest.raises(ValueError, match="sr"):
        load_ravdess(ravdess_folder, sr=0)


def test_parallel_reading_gives_the_same_result(ravdess_folder):
    serial = load_ravdess(ravdess_folder)
    parallel = load_ravdess(ravdess_folder, n_jobs=2, verbose=True)
    for a, b in zip(serial.data, parallel.data):
        np.testing.assert_array_equal(a, b)


def test_emodb(tmp_path, write_clip):
    for name in ["03a01Fa.wav", "08b10Wb.wav", "16a05Lc.wav", "wav/13a07Ad.wav"]:
        write_clip(name)
    corpus = load_emodb(tmp_path)
    assert list(corpus.target) == ["happy", "angry", "boredom", "fearful"]
    assert list(corpus.groups) == ["emodb_03", "emodb_08", "emodb_16", "emodb_13"]
    assert list(corpus.metadata["gender"]) == ["male", "female", "female", "female"]
    assert list(corpus.metadata["age"]) == [31, 34, 31, 32]
    assert list(corpus.metadata["text"]) == ["a01", "b10", "a05", "a07"]
    assert list(corpus.metadata["version"]) == ["a", "b", "c", "d"]
    write_clip("04a01Fa.wav")
    with pytest.raises(ValueError, match="04a01Fa.wav.*speaker code '04'"):
        load_emodb(tmp_path)


@pytest.mark.parametrize("bad_name", ["03a01Xa.wav", "03c01Fa.wav", "03a01F.wav"])
def test_emodb_bad_names(tmp_path, write_clip, bad_name):
    write_clip(bad_name)
    with pytest.raises(ValueError, match=bad_name):
        load_emodb(tmp_path)


def test_crema_d(tmp_path, write_clip):
    for name in ["1001_DFA_ANG_XX.wav", "1091_IEO_HAP_HI.wav", "1050_TSI_NEU_XX.wav"]:
        write_clip(name)
    corpus = load_crema_d(tmp_path, emotions=["angry", "happy"])
    assert list(corpus.target) == ["angry", "happy"]
    assert list(corpus.groups) == ["crema_d_1001", "crema_d_1091"]
    assert list(corpus.metadata["intensity"]) == ["unspecified", "high"]
    assert corpus.metadata["sentence"][1] == "It's eleven o'clock"
    write_clip("1092_DFA_ANG_XX.wav")
    with pytest.raises(ValueError, match="1092_DFA_ANG_XX.wav.*actor '1092'"):
        load_crema_d(tmp_path)


def test_tess(tmp_path, write_clip):
    for name in [
        "OAF_angry/OAF_back_angry.wav",
        "YAF_pleasant_surprised/YAF_word_ps.wav",
        "OAF_Fear/OAF_bite_fear.wav",
    ]:
        write_clip(name, sr=24414)
    corpus = load_tess(tmp_path)
    order = np.argsort(corpus.metadata["word"])
    assert list(corpus.target[order]) == ["angry", "fearful", "surprised"]
    assert list(corpus.groups[order]) == ["tess_OAF", "tess_OAF", "tess_YAF"]
    assert list(corpus.metadata["age_group"][order]) == ["older", "older", "younger"]
    assert corpus.data[0].shape == (round(0.05 * 24414 * 16000 / 24414),)
    write_clip("MAF_back_angry.wav")
    with pytest.raises(ValueError, match="MAF_back_angry.wav.*speaker code 'MAF'"):
        load_tess(tmp_path)


def test_savee_both_layouts(tmp_path, write_clip):
    for name in ["DC_a01.wav", "JE_sa15.wav", "KL/su03.wav", "JK/n30.wav"]:
        write_clip(name, sr=44100)
    corpus = load_savee(tmp_path, speakers=["DC", "JE", "KL", "JK"])
    order = np.argsort(corpus.groups)
    assert list(corpus.groups[order]) == ["savee_DC", "savee_JE", "savee_JK", "savee_KL"]
    assert list(corpus.target[order]) == ["angry", "sad", "neutral", "surprised"]
    assert list(corpus.metadata["sentence"][order]) == [1, 15, 30, 3]
    write_clip("XY/a01.wav")
    with pytest.raises(ValueError, match="a01.wav.*speaker 'XY'"):
        load_savee(tmp_path)


def test_ravdess_corpus_integration(ravdess_path):
    X, y, groups = load_ravdess(ravdess_path, n_jobs=2, return_X_y_groups=True)
    assert len(X) == 1440
    assert len(set(groups)) == 24
    labels, counts = np.unique(y, return_counts=True)
    assert dict(zip(labels, counts)) == {
        "neutral": 96,
        **{e: 192 for e in ["calm", "happy", "sad", "angry", "fearful", "disgust", "surprised"]},
    }
    durations = np.array([len(x) for x in X]) / 16000
    assert 2.5 < durations.min() and durations.max() < 5.5


def test_ased(tmp_path, write_clip):
    for name in [
        "01Neutral/n1-01-01-01-09.flac",
        "04Sad/S4-03-02-02-09.flac",  # upper-case letter, as in the release
        "05Angry/a5-07-01-02-63.flac",
        "05Angry/a5-07-02-02-63.flac",
    ]:
        write_clip(name)
    corpus = load_ased(tmp_path)
    assert list(corpus.target) == ["neutral", "sad", "angry", "angry"]
    # speaker 09 appears with both gender codes and stays one group
    assert list(corpus.groups) == ["ased_09", "ased_09", "ased_63", "ased_63"]
    assert list(corpus.metadata["gender"]) == ["female", "male", "male", "male"]
    assert list(corpus.metadata["sentence"]) == [1, 3, 7, 7]
    assert list(corpus.metadata["repetition"]) == [1, 2, 1, 2]
    assert list(corpus.metadata["emotion_code"]) == ["n", "S", "a", "a"]
    assert "ASED" in corpus.DESCR
    assert list(load_ased(tmp_path, speakers=["63"]).groups) == ["ased_63"] * 2


@pytest.mark.parametrize(
    "bad_name, reason",
    [
        ("n2-01-01-01-01.flac", "emotion 'n' goes with number 1"),
        ("x1-01-01-01-01.flac", "emotion code 'x'"),
        ("n1-08-01-01-01.flac", "sentence '08'"),
        ("n1-01-03-01-01.flac", "repetition '03'"),
        ("n1-01-01-03-01.flac", "gender code '03'"),
        ("n1-01-01-01-66.flac", "speaker '66'"),
        ("n1-01-01-01.flac", "xn-yy-aa-gg-bb"),
    ],
)
def test_ased_bad_names(tmp_path, write_clip, bad_name, reason):
    write_clip(bad_name)
    with pytest.raises(ValueError, match=f"{bad_name}.*{reason}"):
        load_ased(tmp_path)


def test_ased_corpus_integration(ased_path):
    # Every name is parsed (no audio read, so this stays fast); a handful of
    # files are read.
    from sklearn_ser.datasets._corpora import _parse_ased

    files = sorted(ased_path.rglob("*.flac"))
    records = [_parse_ased(file, ased_path) for file in files]
    assert len(records) == 2474
    assert len({r["speaker"] for r in records}) == 65
    labels, counts = np.unique([r["label"] for r in records], return_counts=True)
    assert dict(zip(labels, counts)) == {
        "neutral": 522,
        "fearful": 510,
        "happy": 486,
        "angry": 486,
        "sad": 470,
    }
    corpus = load_ased(ased_path, max_files=5)
    assert len(corpus.data) == 5 and corpus.sr == 16000
    durations = np.array([len(x) for x in corpus.data]) / 16000
    assert 1.9 < durations.min() and durations.max() < 4.0
    assert all(Path(f).parent.parent == ased_path.resolve() for f in corpus.filenames)


def test_parse_filenames_gives_the_loaders_labels_and_speakers(ravdess_folder):
    from sklearn_ser.datasets import parse_filenames

    files = sorted(ravdess_folder.rglob("*.wav"))
    parsed = parse_filenames(files, "ravdess")
    loaded = load_ravdess(ravdess_folder)
    np.testing.assert_array_equal(parsed.target, loaded.target)
    np.testing.assert_array_equal(parsed.groups, loaded.groups)
    np.testing.assert_array_equal(parsed.metadata["gender"], loaded.metadata["gender"])
    assert list(parse_filenames(["x/S4-03-02-02-09.flac"], "ased").groups) == ["ased_09"]
    with pytest.raises(ValueError, match="EmoDB file name .*03-01-01.*does not follow"):
        parse_filenames(files, "emodb")
    with pytest.raises(ValueError, match="CREMA-D file name .*does not follow"):
        parse_filenames(files, "crema-d")  # the name of CORPUS_NAMES
    with pytest.raises(ValueError, match="corpus"):
        parse_filenames(files, "crema_d")
