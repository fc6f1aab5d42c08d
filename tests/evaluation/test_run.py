"""Tests of evaluate_to_folder and results_folder: an evaluation kept in a folder,
resumed, reported."""

import json

import matplotlib
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from sklearn_ser.evaluation import (
    evaluate_speaker_independent,
    evaluate_to_folder,
    results_folder,
)
from sklearn_ser.exceptions import CheckpointError

matplotlib.use("Agg")


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    y = np.array(["calm", "angry"] * 20)
    X = rng.normal(size=(40, 3)) + (y == "angry")[:, None] * 1.5
    return X, y, np.repeat(np.arange(8), 5)


def test_the_folds_are_kept_and_the_report_written_with_the_run(data, tmp_path):
    X, y, groups = data
    report, written = evaluate_to_folder(
        LogisticRegression(), X, y, groups, 4, tmp_path, run={"model": "logreg"}, progress=False
    )
    assert written == ["results.json", "report.md", "confusion_matrix.png"]
    assert sorted(p.name for p in (tmp_path / "folds").glob("fold_*.json")) == [
        f"fold_{k}.json" for k in range(4)
    ]
    run = json.loads((tmp_path / "results.json").read_text())["run"]
    assert run["model"] == "logreg"
    assert run["fold_time_s"] == pytest.approx(sum(report.fold_times))
    assert {"python", "sklearn_ser", "scikit-learn", "torch"} <= set(run["versions"])
    plain = evaluate_speaker_independent(LogisticRegression(), X, y, groups, 4, progress=False)
    assert report.to_dict()["uar"] == plain.to_dict()["uar"]


def test_the_same_call_resumes_from_the_finished_folds(data, tmp_path):
    X, y, groups = data
    first, _ = evaluate_to_folder(LogisticRegression(), X, y, groups, 4, tmp_path, progress=False)
    (tmp_path / "folds" / "fold_2.json").unlink()  # as if stopped in fold 2
    kept = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "folds").glob("fold_*.json")}
    again, _ = evaluate_to_folder(LogisticRegression(), X, y, groups, 4, tmp_path, progress=False)
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "folds").glob("fold_*.json")} == {
        **kept,
        "fold_2.json": (tmp_path / "folds" / "fold_2.json").stat().st_mtime_ns,
    }
    assert again.to_dict()["confusion_matrix"] == first.to_dict()["confusion_matrix"]
    with pytest.raises(CheckpointError, match="holds the folds of a different run"):
        evaluate_to_folder(LogisticRegression(C=0.1), X, y, groups, 4, tmp_path, progress=False)


def test_results_folder_is_one_per_configuration():
    settings = {"seed": 0, "cv": "loso", "data": ["/a"]}
    label = "ravdess+ased baseline (logmel, svm) + speaker norm"
    folder = results_folder("results", label, settings)
    assert folder.parent.name == "results"
    words, digest = folder.name.rsplit("-", 1)
    assert words == "ravdess+ased-baseline-logmel-svm-speaker-norm"
    assert len(digest) == 8 and int(digest, 16) >= 0
    # The same settings in any order find the folder again; other settings do not.
    assert results_folder("results", "x", dict(reversed(settings.items()))).name.endswith(digest)
    assert not results_folder("results", "x", {**settings, "seed": 1}).name.endswith(digest)
