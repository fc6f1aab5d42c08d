"""Every public function of sklearn_ser.evaluation validates its arguments."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from sklearn_ser.evaluation import (
    evaluate_speaker_independent,
    plot_confusion_matrix,
    report_from_cross_validate,
    save_report,
    speaker_independent_report,
)

X = np.zeros((4, 2))
Y = np.array(["a", "b", "a", "b"])
GROUPS = np.array([1, 1, 2, 2])


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: evaluate_speaker_independent(object(), X, Y, GROUPS),
            r"'estimator' parameter of evaluate_speaker_independent must be an object "
            r"implementing 'fit'",
        ),
        (
            lambda: evaluate_speaker_independent(LogisticRegression(), X, Y, GROUPS, cv="five"),
            r"'cv' parameter of evaluate_speaker_independent must be",
        ),
        (
            lambda: evaluate_speaker_independent(LogisticRegression(), X, Y, GROUPS, cv=1),
            r"'cv' parameter .* range \[2, inf\)",
        ),
        (
            lambda: evaluate_speaker_independent(
                LogisticRegression(), X, Y, GROUPS, progress="yes"
            ),
            r"'progress' parameter",
        ),
        (
            lambda: evaluate_speaker_independent(
                LogisticRegression(), X, Y, GROUPS, checkpoint_dir=3
            ),
            r"'checkpoint_dir' parameter",
        ),
        (
            lambda: save_report({"uar": 1.0}, "out"),
            r"'report' parameter of save_report must be an instance of "
            r"'.*SpeakerIndependentReport'",
        ),
        (
            lambda: speaker_independent_report(Y, Y, GROUPS, folds=3),
            r"'folds' parameter of speaker_independent_report",
        ),
        (
            lambda: report_from_cross_validate([], X, Y, GROUPS),
            r"'cv_results' parameter of report_from_cross_validate must be an instance of 'dict'",
        ),
        (
            lambda: plot_confusion_matrix(Y, Y, title=3),
            r"'title' parameter of plot_confusion_matrix",
        ),
    ],
)
def test_bad_arguments_raise_an_error_naming_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()
