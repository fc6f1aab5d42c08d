import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import cross_validate

from sklearn_ser.evaluation import (
    RAVDESS_FOLDS,
    SpeakerFolds,
    leave_one_speaker_out,
    speaker_folds,
)

RAVDESS_ACTORS = np.array([f"ravdess_{actor:02d}" for actor in range(1, 25)])


def test_ravdess_folds_hold_out_every_actor_once_gender_balanced():
    groups = np.repeat(RAVDESS_ACTORS, 3)
    held_out = []
    for train, test in RAVDESS_FOLDS.split(groups, groups=groups):
        test_actors = np.unique(groups[test])
        assert len(test_actors) == 4
        assert not set(groups[train]) & set(test_actors)
        actor_numbers = [int(actor.split("_")[1]) for actor in test_actors]
        assert sum(n % 2 for n in actor_numbers) == 2  # two male (odd) actors
        held_out.extend(test_actors)
    assert sorted(held_out) == sorted(RAVDESS_ACTORS)
    assert RAVDESS_FOLDS.get_n_splits() == 6


def test_ravdess_folds_work_in_cross_validate():
    groups = np.repeat(RAVDESS_ACTORS, 2)
    X, y = np.zeros((len(groups), 1)), np.tile([0, 1], len(RAVDESS_ACTORS))
    results = cross_validate(DummyClassifier(), X, y, groups=groups, cv=RAVDESS_FOLDS)
    assert len(results["test_score"]) == 6


def test_speaker_folds_are_contiguous_and_disjoint():
    groups = np.repeat(np.arange(1, 8), 2)
    cv = speaker_folds(groups, n_folds=3)
    assert cv.folds == [[1, 2, 3], [4, 5], [6, 7]]
    tested = np.concatenate([test for _, test in cv.split(groups, groups=groups)])
    assert sorted(tested) == list(range(len(groups)))


@pytest.mark.parametrize(
    "n_folds, message",
    [
        (1, r"'n_folds' parameter of speaker_folds must be an int in the range \[2, inf\)"),
        (2.5, r"'n_folds' parameter of speaker_folds must be an int"),
        (8, r"n_folds must be at most the number of speakers \(7\), got 8"),
    ],
)
def test_speaker_folds_rejects_bad_fold_counts(n_folds, message):
    with pytest.raises(ValueError, match=message):
        speaker_folds(np.arange(7), n_folds=n_folds)


def test_split_without_groups_raises():
    with pytest.raises(ValueError, match="pass groups"):
        next(SpeakerFolds([["a"]]).split(np.zeros(2)))


def test_fold_whose_speakers_are_absent_raises():
    groups = np.array(["a", "b"])
    with pytest.raises(ValueError, match=r"fold 1 holds out speakers \['z'\]"):
        list(SpeakerFolds([["a"], ["z"]]).split(groups, groups=groups))


def test_speaker_in_two_folds_raises():
    with pytest.raises(ValueError, match="held out in both fold 0 and fold 1"):
        SpeakerFolds([["a", "b"], ["b"]]).get_n_splits()


def test_leave_one_speaker_out_has_one_fold_per_speaker():
    groups = np.array(["a", "a", "b", "c"])
    splits = list(leave_one_speaker_out().split(groups, groups=groups))
    assert [len(np.unique(groups[test])) for _, test in splits] == [1, 1, 1]
