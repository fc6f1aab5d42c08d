import warnings

import numpy as np
import pytest
import soundfile
from sklearn import config_context
from sklearn.dummy import DummyClassifier

from sklearn_ser.datasets import read_audio
from sklearn_ser.exceptions import DomainShiftWarning
from sklearn_ser.pipelines import make_baseline_pipeline
from sklearn_ser.segmentation import FixedWindows, predict_files, predict_segments


def _fit(model, corpus):
    with config_context(enable_metadata_routing=True):
        return model.fit(corpus.data, corpus.target, groups=corpus.groups)


@pytest.fixture(scope="module")
def baseline(corpus):
    return make_baseline_pipeline().fit(corpus.data, corpus.target)


@pytest.fixture(scope="module")
def speaker_norm_model(corpus):
    return _fit(make_baseline_pipeline(speaker_norm=True), corpus)


@pytest.fixture(scope="module")
def clip_files(corpus, tmp_path_factory):
    """The 24 clips as files, one folder per speaker."""
    root = tmp_path_factory.mktemp("clips")
    files = []
    for i, (clip, speaker) in enumerate(zip(corpus.data, corpus.groups)):
        (root / speaker).mkdir(exist_ok=True)
        files.append(root / speaker / f"clip{i:02d}.wav")
        soundfile.write(files[-1], clip, corpus.sr)
    return files


def _proba(model, files, **params):
    with config_context(enable_metadata_routing=bool(params)):
        return model.predict_proba([read_audio(file) for file in files], **params)


def test_one_row_per_file_with_label_and_probabilities(baseline, clip_files):
    table = predict_files(baseline, clip_files)
    classes = list(baseline.classes_)
    assert list(table.columns) == ["file", "label", *classes]
    assert table["file"].tolist() == [str(file) for file in clip_files]
    np.testing.assert_allclose(table[classes].to_numpy(), _proba(baseline, clip_files))
    assert (table["label"] == table[classes].idxmax(axis=1)).all()


def test_merge_and_keep_edit_the_probabilities(baseline, clip_files):
    table = predict_files(baseline, clip_files, merge={"happy": "neutral"}, keep=["neutral", "sad"])
    assert list(table.columns) == ["file", "label", "neutral", "sad"]
    np.testing.assert_allclose(table[["neutral", "sad"]].sum(axis=1), 1)
    # Unknown classes are refused before any audio is read.
    with pytest.raises(ValueError, match=r"cannot keep unknown labels \['calm'\]"):
        predict_files(baseline, ["no_such_file.wav"], keep=["calm"])


def test_speakers_reach_a_speaker_normalising_model(speaker_norm_model, clip_files):
    folders = [file.parent.name for file in clip_files]
    with pytest.warns(UserWarning, match=r"as one speaker \(2 folders\)") as caught:
        by_folder = predict_files(speaker_norm_model, clip_files)
    assert {w.filename for w in caught if "folder" in str(w.message)} == {__file__}
    assert by_folder.columns[1] == "speaker"
    assert by_folder["speaker"].tolist() == [str(file.parent) for file in clip_files]
    classes = list(speaker_norm_model.classes_)
    expected = _proba(speaker_norm_model, clip_files, groups=folders)
    np.testing.assert_allclose(by_folder[classes].to_numpy(), expected, atol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # given speakers: no warning
        by_pattern = predict_files(speaker_norm_model, clip_files, speakers=r"clip(\d)")
        as_given = predict_files(speaker_norm_model, clip_files, speakers=["one"] * 24)
    assert by_pattern["speaker"].tolist() == [file.stem[4] for file in clip_files]
    as_one = _proba(speaker_norm_model, clip_files, groups=["one"] * 24)
    np.testing.assert_allclose(as_given[classes].to_numpy(), as_one, atol=1e-6)
    with pytest.raises(ValueError, match="does not match"):
        predict_files(speaker_norm_model, clip_files, speakers=r"speaker(\d)")
    with pytest.raises(ValueError, match="got 2 speakers for 24 files"):
        predict_files(speaker_norm_model, clip_files, speakers=["a", "b"])


def test_other_models_ignore_the_speakers(baseline, clip_files):
    table = predict_files(baseline, clip_files[:2], speakers=r"speaker(\d)")
    assert "speaker" not in table


def test_a_long_file_gets_the_hint_of_segments(baseline, recording, tmp_path):
    path = tmp_path / "call.wav"
    soundfile.write(path, recording.waveform, 16000)
    hint = r"call.wav lasts \d+ s and the model reads 1.0 s of a clip: a segmenter"
    with pytest.warns(UserWarning, match=hint) as caught:
        predict_files(baseline, [path])
    assert {w.filename for w in caught if "lasts" in str(w.message)} == {__file__}


def test_segments_of_each_file_named(baseline, recording, tmp_path):
    paths = [tmp_path / "a.wav", tmp_path / "b.wav"]
    soundfile.write(paths[0], recording.waveform[: 16000 * 6], 16000)
    soundfile.write(paths[1], recording.waveform[: 16000 * 6] / 30, 16000)  # quieter
    windows = FixedWindows(window=2.0, hop=2.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = predict_files(baseline, paths, segmenter=windows)
    assert list(table.columns[:4]) == ["file", "start", "end", "label"]
    assert table["file"].tolist() == [str(paths[0])] * 3 + [str(paths[1])] * 3
    expected = predict_segments(baseline, paths[1], segmenter=windows)
    np.testing.assert_allclose(table.iloc[3:, 3:].drop(columns="label"), expected.iloc[:, 3:])
    # One warning per file whose segments are unlike the training, naming it.
    shifts = {w.message.recording: w.message for w in caught if w.category is DomainShiftWarning}
    assert set(shifts) <= {str(path) for path in paths}
    assert str(shifts[str(paths[1])]).startswith(f"{paths[1]}: 3 clips unlike the training")
    with pytest.raises(ValueError, match="speakers do not apply to segments"):
        predict_files(baseline, paths, segmenter=windows, speakers=["a", "b"])


def test_bad_models_and_inputs_are_refused(tmp_path):
    path = tmp_path / "clip.wav"
    soundfile.write(path, np.zeros(1600), 16000)
    model = DummyClassifier().fit(np.zeros((2, 1)), ["calm", "sad"])
    with pytest.raises(ValueError, match="no files to label"):
        predict_files(model, [])
    model.class_prior_ = np.array([np.nan, 1.0])  # as damaged fitted values would
    with pytest.raises(ValueError, match="NaN or infinite probabilities"):
        predict_files(model, [path])
