import numpy as np
import pytest
from joblib import parallel_backend
from sklearn import config_context, get_config
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_ser.evaluation import evaluate_speaker_independent, speaker_folds

GROUPS = np.repeat(["s1", "s2", "s3", "s4"], 4)
Y = np.tile(["calm", "angry"], 8)
X = np.where(Y == "angry", 1.0, -1.0)[:, None] + np.arange(16)[:, None] * 1e-3


class GroupRecordingClassifier(ClassifierMixin, BaseEstimator):
    """Threshold on the first column; records the speakers it was fit on."""

    def fit(self, X, y, groups=None):
        self.classes_ = np.unique(y)
        self.fit_groups_ = None if groups is None else sorted(set(groups))
        self.history = [{"epoch": 1, "train_loss": 0.5}]
        return self

    def predict(self, X):
        return np.where(np.asarray(X)[:, 0] > 0, "angry", "calm")


def test_each_fold_fits_on_training_speakers_only(monkeypatch):
    fitted = []
    original_fit = GroupRecordingClassifier.fit

    def spy(self, X, y, groups=None):
        fitted.append(groups)
        return original_fit(self, X, y, groups)

    monkeypatch.setattr(GroupRecordingClassifier, "fit", spy)
    cv = speaker_folds(GROUPS, n_folds=2)
    pipeline = make_pipeline(FunctionTransformer(), GroupRecordingClassifier())
    report = evaluate_speaker_independent(pipeline, X, Y, GROUPS, cv, progress=False)
    assert [sorted(set(g)) for g in fitted] == [["s3", "s4"], ["s1", "s2"]]
    assert report.uar_mean == 1.0
    assert [fold["speakers"] for fold in report.folds] == cv.folds
    assert all(fold["fit_time"] >= 0 for fold in report.folds)
    assert report.histories == [[{"epoch": 1, "train_loss": 0.5}]] * 2


def test_integer_cv_is_group_k_fold_and_plain_estimators_get_no_groups():
    from sklearn.linear_model import LogisticRegression

    report = evaluate_speaker_independent(LogisticRegression(), X, Y, GROUPS, cv=4, progress=False)
    assert sorted(s for fold in report.folds for s in fold["speakers"]) == sorted(set(GROUPS))
    assert report.histories is None


def test_a_fit_params_catch_all_gets_no_groups():
    # CalibratedClassifierCV hands its **fit_params to SVC.fit, which has no groups.
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import SVC

    model = make_pipeline(FunctionTransformer(), CalibratedClassifierCV(SVC(), cv=2))
    report = evaluate_speaker_independent(model, X, Y, GROUPS, cv=2, progress=False)
    assert report.uar_mean == 1.0


def test_parallel_folds_give_the_same_report():
    serial = evaluate_speaker_independent(
        GroupRecordingClassifier(), X, Y, GROUPS, cv=2, progress=False
    )
    with parallel_backend("threading"):  # the n_jobs path without process start-up
        parallel = evaluate_speaker_independent(
            GroupRecordingClassifier(), X, Y, GROUPS, cv=2, n_jobs=2, progress=False
        )
    assert [f["uar"] for f in serial.folds] == [f["uar"] for f in parallel.folds]


class ConfigRecordingClassifier(GroupRecordingClassifier):
    """Records in its history whether scikit-learn's ``assume_finite`` was on in fit."""

    def fit(self, X, y, groups=None):
        super().fit(X, y, groups)
        self.history = [{"epoch": 1, "assume_finite": get_config()["assume_finite"]}]
        return self


def test_parallel_folds_run_with_the_callers_scikit_learn_config():
    # Worker threads (and processes) start with the default configuration;
    # the folds must see the caller's, as they do with n_jobs=1.
    with config_context(assume_finite=True), parallel_backend("threading"):
        report = evaluate_speaker_independent(
            ConfigRecordingClassifier(), X, Y, GROUPS, cv=2, n_jobs=2, progress=False
        )
    assert [history[0]["assume_finite"] for history in report.histories] == [True, True]


@pytest.mark.filterwarnings("ignore:The groups parameter is ignored")
def test_a_cv_that_mixes_speakers_is_refused():
    with pytest.raises(ValueError, match="fold 0 is not speaker-independent"):
        evaluate_speaker_independent(
            GroupRecordingClassifier(),
            X,
            Y,
            GROUPS,
            cv=KFold(2, shuffle=True, random_state=0),
            progress=False,
        )


def test_lengths_must_agree():
    with pytest.raises(ValueError, match="same length, got 16, 16 and 3"):
        evaluate_speaker_independent(GroupRecordingClassifier(), X, Y, GROUPS[:3])


def test_the_progress_bar_is_drawn_on_a_terminal_only(stderr_to):
    terminal = stderr_to(terminal=True)
    evaluate_speaker_independent(GroupRecordingClassifier(), X, Y, GROUPS, cv=2)
    assert "folds: 100%" in terminal.getvalue()
    log_file = stderr_to(terminal=False)
    evaluate_speaker_independent(GroupRecordingClassifier(), X, Y, GROUPS, cv=2)
    assert log_file.getvalue() == ""
