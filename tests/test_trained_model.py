"""Tests of save_trained_model and load_trained_model: a model with the facts
prediction needs, checked when read back."""

import json
import pickle
import warnings
import zipfile

import joblib
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from sklearn_ser import load_trained_model, save_model, save_trained_model
from sklearn_ser._persistence import HEADER
from sklearn_ser.pipelines import make_baseline_pipeline


@pytest.fixture(scope="module")
def model():
    rng = np.random.default_rng(0)
    clips = [rng.normal(scale=0.1, size=8000).astype(np.float32) for _ in range(8)]
    labels = ["calm", "sad"] * 4
    return make_baseline_pipeline(sr=8000, check_domain=False).fit(clips, labels)


def test_a_model_and_its_facts_come_back(model, tmp_path):
    path = tmp_path / "new" / "model.skops"
    save_trained_model(model, path, sr=8000, metadata={"corpus": "ravdess"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded, metadata = load_trained_model(path, allow_pickle=True)  # not a pickle
    assert (metadata["sr"], metadata["classes"]) == (8000, ["calm", "sad"])
    assert metadata["corpus"] == "ravdess"
    assert {"sklearn_ser", "torch"} <= set(metadata["versions"]) and "model" not in metadata
    clip = [np.zeros(8000, dtype=np.float32)]
    np.testing.assert_allclose(loaded.predict_proba(clip), model.predict_proba(clip))


def test_a_pickled_model_gives_its_own_facts_when_allowed(model, tmp_path):
    path = tmp_path / "model.joblib"
    joblib.dump(model, path)
    with pytest.warns(UserWarning, match="runs code stored in it"):
        loaded, metadata = load_trained_model(path, allow_pickle=True)
    assert metadata == {"classes": ["calm", "sad"], "sr": 8000, "speaker_norm": False}
    clip = [np.zeros(8000, dtype=np.float32)]
    np.testing.assert_allclose(loaded.predict_proba(clip), model.predict_proba(clip))


def test_a_pickle_is_read_only_when_allowed(tmp_path):
    marker = tmp_path / "PWNED"
    path = tmp_path / "model.pt"
    path.write_bytes(pickle.dumps(_CreatesAFile(marker)))
    with pytest.raises(ValueError, match=r"safe format .*allow_pickle=True \(sklearn-ser predict"):
        load_trained_model(path)
    assert not marker.exists()
    with pytest.warns(UserWarning, match="runs code"):
        with pytest.raises(ValueError, match="not a sklearn-ser"):
            load_trained_model(path, allow_pickle=True)
    assert marker.exists()


class _CreatesAFile:
    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda facts: facts.update(classes=["sad", "calm"]), "classes are not the model's"),
        (lambda facts: facts.update(sr=16000), "sampling rate 16000 is not the model's"),
        (lambda facts: facts.update(sr=True), "sampling rate True"),
        (lambda facts: facts.update(format_version=2.0), "format_version is not an integer"),
        (lambda facts: facts.update(format_version=9), "written by a newer sklearn-ser"),
        (lambda facts: facts.update(format="other"), "is not a sklearn-ser model file"),
    ],
)
def test_facts_that_disagree_with_the_model_are_refused(model, edit, message, tmp_path):
    saved = tmp_path / "model.skops"
    save_trained_model(model, saved, sr=8000)
    path = tmp_path / "tampered.skops"
    with zipfile.ZipFile(saved) as original, zipfile.ZipFile(path, "w") as copy:
        for name in original.namelist():
            content = original.read(name)
            if name == HEADER:
                header = json.loads(content)
                edit(header["metadata"])
                content = json.dumps(header)
            copy.writestr(name, content)
    with pytest.raises(ValueError, match=message):
        load_trained_model(path)


def test_files_that_are_not_trained_models_are_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="model file not found"):
        load_trained_model(tmp_path / "absent.pt")
    with pytest.raises(FileNotFoundError, match="model file not found"):
        load_trained_model(tmp_path)
    save_model(StandardScaler(), tmp_path / "scaler.skops")  # safe, but no facts
    with pytest.raises(ValueError, match="is not a sklearn-ser model file"):
        load_trained_model(tmp_path / "scaler.skops")
    joblib.dump({"weights": [1]}, tmp_path / "other.joblib")
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="not a sklearn-ser model"):
        load_trained_model(tmp_path / "other.joblib", allow_pickle=True)


def test_metadata_may_not_set_the_checked_facts(tmp_path):
    model = LogisticRegression().fit([[0.0], [1.0]], ["calm", "sad"])
    with pytest.raises(ValueError, match=r"metadata may not set \['classes', 'sr'\]"):
        save_trained_model(model, tmp_path / "m.pt", sr=16000, metadata={"sr": 1, "classes": []})
    assert not (tmp_path / "m.pt").exists()
