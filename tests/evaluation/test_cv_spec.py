"""Tests of the cross-validation specs: make_speaker_cv and default_cv_spec."""

import numpy as np
import pytest
from sklearn.model_selection import GroupKFold, LeaveOneGroupOut

from sklearn_ser.datasets import CORPUS_NAMES
from sklearn_ser.evaluation import (
    EMOBOX_RAVDESS_FOLDS,
    RAVDESS_FOLDS,
    CrossCorpusSplit,
    LeaveOneCorpusOut,
    default_cv_spec,
    make_speaker_cv,
)

RAVDESS_GROUPS = np.repeat([f"ravdess_{actor:02d}" for actor in range(1, 25)], 2)
# Two corpora as load_corpus combines them: ASED lacks happy.
CORPORA_GROUPS = np.array(["ravdess/1", "ravdess/2"] * 3 + ["ased/1", "ased/2"] * 2)
CORPORA_Y = np.array(["sad", "happy", "angry"] * 2 + ["sad", "angry"] * 2)


@pytest.mark.parametrize(
    "spec, kind",
    [
        ("loso", LeaveOneGroupOut),
        ("group-kfold:3", GroupKFold),
    ],
)
def test_speaker_specs(spec, kind):
    groups = ["a", "a", "b", "c", "d", "d"]
    cv = make_speaker_cv(spec, groups)
    assert isinstance(cv, kind)
    for train, test in cv.split(groups, groups=groups):
        assert not set(np.asarray(groups)[train]) & set(np.asarray(groups)[test])


def test_ravdess_specs_name_the_fixed_folds():
    assert make_speaker_cv("ravdess-6", RAVDESS_GROUPS) is RAVDESS_FOLDS
    assert make_speaker_cv("emobox-ravdess", RAVDESS_GROUPS) is EMOBOX_RAVDESS_FOLDS


def test_cross_corpus_specs_read_the_corpora_from_the_groups():
    cv = make_speaker_cv("leave-one-corpus-out", CORPORA_GROUPS, y=CORPORA_Y)
    assert isinstance(cv, LeaveOneCorpusOut) and cv.get_n_splits(groups=CORPORA_GROUPS) == 2
    cv = make_speaker_cv("ravdess:ased", CORPORA_GROUPS, y=CORPORA_Y)
    assert isinstance(cv, CrossCorpusSplit) and (cv.train, cv.test) == (["ravdess"], ["ased"])
    ((train, test),) = cv.split(CORPORA_GROUPS, CORPORA_Y, CORPORA_GROUPS)
    assert "happy" not in CORPORA_Y[train]  # the test corpus lacks it
    three = np.concatenate([CORPORA_GROUPS, np.char.replace(CORPORA_GROUPS[6:], "ased", "emodb")])
    y = np.concatenate([CORPORA_Y, CORPORA_Y[6:]])
    cv = make_speaker_cv("ravdess+emodb:ased", three, y=y)
    assert (cv.train, cv.test) == (["ravdess", "emodb"], ["ased"])


@pytest.mark.parametrize(
    "spec, groups, y, message",
    [
        ("lso", ["a", "b"], None, "expected loso, ravdess-6, emobox-ravdess, group-kfold:K"),
        ("group-kfold:x", ["a", "b"], None, "expected loso"),
        ("group-kfold:3", ["a", "b"], None, r"need between 2 and 2 folds .*, got 3"),
        ("group-kfold:1", ["a", "b"], None, "need between 2 and 2 folds"),
        ("loso", ["a", "a"], None, "needs at least 2 speakers"),
        ("ravdess-6", ["a", "b"], None, "fold 0 holds out speakers"),
        ("leave-one-corpus-out", ["a", "b"], None, "needs several corpora"),
        ("leave-one-corpus-out", ["x/a", "x/b"], None, "needs several corpora"),
        ("ravdess:emodb", CORPORA_GROUPS, CORPORA_Y, r"corpora \['emodb'\] are not in the data"),
        ("ravdess:ravdess", CORPORA_GROUPS, CORPORA_Y, "both trained and tested on"),
        ("ravdess:ased", CORPORA_GROUPS, None, "needs the labels: pass y"),
        (":ased", CORPORA_GROUPS, CORPORA_Y, "expected loso"),
    ],
)
def test_a_spec_that_does_not_fit_the_data_fails_at_once(spec, groups, y, message):
    with pytest.raises(ValueError, match=message):
        make_speaker_cv(spec, groups, y=y)


def test_every_corpus_has_a_default_spec_that_make_speaker_cv_takes():
    assert {name: default_cv_spec(name) for name in CORPUS_NAMES} == {
        "synthetic": "group-kfold:5",
        "ravdess": "ravdess-6",
        "ased": "group-kfold:5",
        "emodb": "loso",
        "crema-d": "group-kfold:5",
        "tess": "loso",
        "savee": "loso",
        "folder": "group-kfold:5",
    }
    assert default_cv_spec(["ravdess"]) == "ravdess-6"
    assert default_cv_spec(["ravdess", "ased"]) == "leave-one-corpus-out"
    with pytest.raises(ValueError, match="expected names of"):
        default_cv_spec(["ravdess", "nope"])
    with pytest.raises(ValueError, match="corpus"):
        default_cv_spec("nope")
