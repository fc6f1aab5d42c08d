import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import cross_validate

from sklearn_ser.evaluation import (
    EMOBOX_RAVDESS_FOLDS,
    RAVDESS_FOLDS,
    CrossCorpusSplit,
    LeaveOneCorpusOut,
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


def test_emobox_folds_hold_out_every_actor_once_and_differ_from_ours():
    groups = np.repeat(RAVDESS_ACTORS, 3)
    tests = [
        np.unique(groups[test]) for _, test in EMOBOX_RAVDESS_FOLDS.split(groups, groups=groups)
    ]
    assert [len(actors) for actors in tests] == [4] * 6
    assert sorted(np.concatenate(tests)) == sorted(RAVDESS_ACTORS)
    assert list(tests[0]) == ["ravdess_01", "ravdess_11", "ravdess_20", "ravdess_21"]
    ours = [set(np.unique(groups[test])) for _, test in RAVDESS_FOLDS.split(groups, groups=groups)]
    assert not any(set(actors) in ours for actors in tests)


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


# ------------------------------------------------------------ cross-corpus

# Three corpora with different emotions, speakers named as concat_corpora does.
CORPUS_GROUPS = np.array(
    ["a/1"] * 4 + ["a/2"] * 4 + ["b/1"] * 3 + ["b/2"] * 3 + ["c/1"] * 2 + ["c/2"] * 2
)
CORPUS_LABELS = np.array(
    ["sad", "calm", "angry", "happy"] * 2 + ["sad", "angry", "fearful"] * 2 + ["sad", "calm"] * 2
)
CORPUS_OF = np.array([g.split("/")[0] for g in CORPUS_GROUPS])


def _check_cross_corpus_fold(train, test):
    (tested,) = set(CORPUS_OF[test])  # one test corpus per fold
    assert tested not in set(CORPUS_OF[train])  # never trained on
    assert set(CORPUS_LABELS[train]) <= set(CORPUS_LABELS[CORPUS_OF == tested])
    assert set(CORPUS_LABELS[test]) <= set(CORPUS_LABELS[train])
    return tested


@pytest.mark.parametrize("from_groups", [True, False])
def test_leave_one_corpus_out_never_trains_on_its_test_corpus(from_groups):
    cv = LeaveOneCorpusOut() if from_groups else LeaveOneCorpusOut(corpora=CORPUS_OF)
    groups = CORPUS_GROUPS if from_groups else None
    splits = list(cv.split(CORPUS_LABELS, CORPUS_LABELS, groups))
    assert [_check_cross_corpus_fold(*split) for split in splits] == ["a", "b", "c"]
    assert cv.get_n_splits(groups=groups) == 3
    # test a: trained on b and c, only on the sad, angry and calm clips
    train, test = splits[0]
    assert sorted(set(CORPUS_LABELS[train])) == ["angry", "calm", "sad"]
    assert sorted(set(CORPUS_LABELS[test])) == ["angry", "calm", "sad"]
    assert len(train) == 4 + 4  # b's sad and angry, c's all


def test_without_shared_labels_every_clip_is_used():
    splits = list(LeaveOneCorpusOut(shared_labels=False).split(CORPUS_LABELS, groups=CORPUS_GROUPS))
    for train, test in splits:
        assert len(train) + len(test) == len(CORPUS_LABELS)


def test_cross_corpus_split_trains_on_the_named_corpora():
    cv = CrossCorpusSplit(train=["a", "b"], test="c")
    (split,) = cv.split(CORPUS_LABELS, CORPUS_LABELS, CORPUS_GROUPS)
    assert _check_cross_corpus_fold(*split) == "c"
    assert set(CORPUS_OF[split[0]]) == {"a", "b"}
    cv = CrossCorpusSplit(train="a", test=["b", "c"])
    tested = [
        _check_cross_corpus_fold(*s) for s in cv.split(CORPUS_LABELS, CORPUS_LABELS, CORPUS_GROUPS)
    ]
    assert tested == ["b", "c"] and cv.get_n_splits() == 2


@pytest.mark.parametrize(
    "cv, y, groups, message",
    [
        (LeaveOneCorpusOut(), CORPUS_LABELS, np.arange(18).astype(str), "name no corpus"),
        (LeaveOneCorpusOut(), CORPUS_LABELS, None, "needs the corpus of every sample"),
        (LeaveOneCorpusOut(), None, CORPUS_GROUPS, "needs the labels: pass y"),
        (LeaveOneCorpusOut(), CORPUS_LABELS, np.full(18, "a/1"), "at least 2 corpora"),
        (LeaveOneCorpusOut(corpora=["a"]), CORPUS_LABELS, None, "corpora has 1 entries"),
        (CrossCorpusSplit("a", "a"), CORPUS_LABELS, CORPUS_GROUPS, "both trained and tested"),
        (CrossCorpusSplit("a", "d"), CORPUS_LABELS, CORPUS_GROUPS, "corpora \\['d'\\] are not"),
        (
            CrossCorpusSplit("c", "b"),
            np.where(CORPUS_OF == "c", "calm", "sad"),
            CORPUS_GROUPS,
            "share no label",
        ),
    ],
)
def test_cross_corpus_errors_say_what_is_wrong(cv, y, groups, message):
    with pytest.raises(ValueError, match=message):
        list(cv.split(CORPUS_LABELS, y, groups))


def test_leave_one_corpus_out_through_evaluate_speaker_independent(tmp_path):
    from sklearn_ser.evaluation import evaluate_speaker_independent

    X = np.arange(len(CORPUS_LABELS), dtype=float)[:, None]
    fitted_on = []

    class Recorder(DummyClassifier):
        def fit(self, X, y, sample_weight=None):
            fitted_on.append(set(np.asarray(y)))
            return super().fit(X, y, sample_weight)

    def evaluate():
        return evaluate_speaker_independent(
            Recorder(strategy="most_frequent"),
            X,
            CORPUS_LABELS,
            CORPUS_GROUPS,
            cv=LeaveOneCorpusOut(),
            corpora=CORPUS_OF,
            progress=False,
            checkpoint_dir=tmp_path,
        )

    report = evaluate()
    assert fitted_on == [{"angry", "calm", "sad"}, {"angry", "sad"}, {"calm", "sad"}]
    assert sorted(report.per_corpus) == ["a", "b", "c"]
    assert report.per_corpus["b"].n == 4  # b's sad and angry clips
    assert sorted(report.to_dict()["per_corpus"]["c"]["per_class_recall"]) == list(report.labels)
    assert "fearful" not in report.labels  # never tested
    assert [list(c) for c in report.proba_classes] == [
        ["angry", "calm", "sad"],
        ["angry", "sad"],
        ["calm", "sad"],
    ]
    assert "test corpus  n  UAR %" in str(report)
    assert [fold["corpora"] for fold in report.folds] == [["a"], ["b"], ["c"]]
    assert "b (2 speakers)" in str(report)
    assert "## Per test corpus" in report.to_markdown()
    # the same call resumes from the finished folds: nothing is fitted again
    fitted_on.clear()
    again = evaluate()
    assert fitted_on == [] and again.per_corpus["a"].uar == report.per_corpus["a"].uar
