import json

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import cross_val_predict, cross_validate

from sklearn_ser.evaluation import (
    report_from_cross_validate,
    speaker_folds,
    speaker_independent_report,
)

# Two speakers per fold, hand-checked scores below.
Y_TRUE = np.array(["a", "a", "b", "b", "c", "a", "b", "c", "c", "c"])
Y_PRED = np.array(["a", "b", "b", "b", "a", "a", "b", "c", "c", "a"])
GROUPS = np.array([1, 1, 2, 2, 2, 3, 3, 4, 4, 4])
FOLDS = [np.arange(5), np.arange(5, 10)]


@pytest.fixture
def report():
    return speaker_independent_report(Y_TRUE, Y_PRED, GROUPS, FOLDS)


def test_fold_scores_match_hand_computed_uar(report):
    # fold 0: recall a 1/2, b 2/2, c 0/1 -> UAR 0.5; accuracy 3/5
    # fold 1: recall a 1/1, b 1/1, c 2/3 -> UAR 8/9; accuracy 4/5
    assert report.folds[0]["uar"] == pytest.approx(0.5)
    assert report.folds[1]["uar"] == pytest.approx(8 / 9)
    assert [fold["accuracy"] for fold in report.folds] == pytest.approx([0.6, 0.8])
    assert report.uar_mean == pytest.approx((0.5 + 8 / 9) / 2)
    # The sample standard deviation (ddof=1) of two folds: |difference| / sqrt(2).
    assert report.uar_std == pytest.approx(abs(8 / 9 - 0.5) / np.sqrt(2))
    assert report.accuracy_std == pytest.approx(0.2 / np.sqrt(2))
    assert report.folds[1]["speakers"] == [3, 4]


def test_pooled_recall_confusion_and_speakers(report):
    assert report.per_class_recall == pytest.approx({"a": 2 / 3, "b": 1.0, "c": 0.5})
    np.testing.assert_array_equal(report.confusion_matrix, [[2, 1, 0], [0, 3, 0], [2, 0, 2]])
    assert report.per_speaker[4] == pytest.approx({"n": 3, "uar": 2 / 3, "accuracy": 2 / 3})


def test_to_dict_is_json_serialisable(report):
    result = json.loads(json.dumps(report.to_dict()))
    assert result["n_folds"] == 2
    assert result["uar"]["mean"] == pytest.approx(report.uar_mean)
    assert result["uar"]["std"] == pytest.approx(report.uar_std)
    assert result["uar"]["std_ddof"] == result["accuracy"]["std_ddof"] == 1
    assert result["per_speaker"]["1"]["n"] == 2
    assert result["confusion_matrix"][2] == [2, 0, 2]


def test_text_and_markdown_tables(report):
    text = str(report)
    assert "mean ± sample std" in text and "69.4 ± 27.5" in text
    markdown = report.to_markdown()
    assert "| fold | speakers |" in markdown
    assert "| 1 | 3 4 | 5 | 88.9 | 80.0 |" in markdown
    assert "| mean ± sample std |  | 10 | 69.4 ± 27.5 | 70.0 ± 14.1 |" in markdown
    assert "69.4 ± 27.5" in repr(report) and "(mean ± sample std)" in repr(report)


def test_one_fold_has_no_spread(report):
    one = speaker_independent_report(Y_TRUE, Y_PRED, GROUPS, FOLDS[:1])
    assert np.isnan(one.uar_std) and "50.0 ± n/a" in str(one)
    assert json.loads(json.dumps(one.to_dict()))["uar"]["std"] is None


def test_folds_may_be_a_cv_object_or_split_pairs():
    X = np.zeros((len(Y_TRUE), 1))
    cv = speaker_folds(GROUPS, n_folds=2)
    from_cv = speaker_independent_report(Y_TRUE, Y_PRED, GROUPS, cv)
    from_pairs = speaker_independent_report(
        Y_TRUE, Y_PRED, GROUPS, list(cv.split(X, groups=GROUPS))
    )
    assert from_cv.folds == from_pairs.folds
    assert len(from_cv.folds) == 2


def test_cross_val_predict_and_cross_validate_agree():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(len(Y_TRUE), 2)), Y_TRUE
    cv = speaker_folds(GROUPS, n_folds=2)
    model = DummyClassifier(strategy="stratified", random_state=0)
    pooled = speaker_independent_report(
        y, cross_val_predict(model, X, y, groups=GROUPS, cv=cv), GROUPS, cv
    )
    results = cross_validate(
        model, X, y, groups=GROUPS, cv=cv, return_estimator=True, return_indices=True
    )
    per_fold = report_from_cross_validate(results, X, y, GROUPS)
    assert per_fold.folds[0]["uar"] == pytest.approx(pooled.folds[0]["uar"])
    assert len(per_fold.fit_times) == 2 and per_fold.histories is None


def test_cross_validate_without_estimators_raises():
    with pytest.raises(ValueError, match="return_estimator=True and return_indices=True"):
        report_from_cross_validate({"fit_time": [0.1]}, np.zeros((10, 1)), Y_TRUE, GROUPS)


def test_mismatched_lengths_raise():
    with pytest.raises(ValueError, match="y_true has 10 samples but y_pred has 3"):
        speaker_independent_report(Y_TRUE, Y_PRED[:3], GROUPS, FOLDS)
    with pytest.raises(ValueError, match="fold 0 has 5 test samples but 4 predictions"):
        from sklearn_ser.evaluation import SpeakerIndependentReport

        SpeakerIndependentReport(Y_TRUE, GROUPS, FOLDS, [Y_PRED[:4], Y_PRED[5:]])


@pytest.mark.filterwarnings("ignore:y_pred contains classes not in y_true")
@pytest.mark.parametrize("seed", range(5))
def test_score_predictions_uar_is_balanced_accuracy(seed):
    from sklearn.metrics import balanced_accuracy_score

    from sklearn_ser.evaluation import score_predictions

    rng = np.random.default_rng(seed)
    y_true = rng.choice(["angry", "sad", "happy"], size=40)
    # predictions may hold a class never true, as a model's may
    y_pred = rng.choice(["angry", "sad", "happy", "calm"], size=40)
    scores = score_predictions(y_true, y_pred)
    assert scores.uar == pytest.approx(balanced_accuracy_score(y_true, y_pred))
    assert scores.accuracy == pytest.approx(np.mean(y_true == y_pred))
    assert list(scores.labels) == ["angry", "calm", "happy", "sad"]
    assert np.isnan(scores.per_class_recall["calm"])
    assert sum(scores.prediction_shares.values()) == pytest.approx(1)
    assert scores.confusion_matrix.sum() == 40


def test_score_predictions_text_and_dict():
    from sklearn_ser.evaluation import score_predictions

    scores = score_predictions(["sad", "sad", "angry"], ["sad", "angry", "angry"])
    text = str(scores)
    assert "UAR 75.0 %" in text and "true \\ predicted" in text
    assert json.loads(json.dumps(scores.to_dict()))["confusion_matrix"] == [[1, 0], [1, 1]]
    with pytest.raises(ValueError, match="y_true has 1 labels but y_pred has 2"):
        score_predictions(["sad"], ["sad", "sad"])
