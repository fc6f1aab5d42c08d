import numpy as np
import pytest

from sklearn_ser.evaluation import merge_probabilities

CLASSES = ["angry", "calm", "happy", "neutral", "sad"]


def test_merged_classes_are_summed_and_the_kept_renormalised():
    rng = np.random.default_rng(0)
    proba = rng.dirichlet(np.ones(5), size=7)
    merged, classes = merge_probabilities(
        proba, CLASSES, merge={"calm": "neutral"}, keep=["neutral", "sad", "angry"]
    )
    assert list(classes) == ["angry", "neutral", "sad"]
    raw = np.stack([proba[:, 0], proba[:, 1] + proba[:, 3], proba[:, 4]], axis=1)
    np.testing.assert_allclose(merged, raw / raw.sum(axis=1, keepdims=True))
    np.testing.assert_allclose(merged.sum(axis=1), 1)


def test_no_edit_keeps_the_probabilities():
    proba = np.full((2, 5), 0.2)
    merged, classes = merge_probabilities(proba, CLASSES)
    np.testing.assert_array_equal(merged, proba)
    assert list(classes) == CLASSES


def test_a_row_without_mass_on_the_kept_classes_is_uniform():
    proba = np.array([[0.0, 0.5, 0.5, 0.0, 0.0]])
    merged, _ = merge_probabilities(proba, CLASSES, keep=["angry", "sad"])
    np.testing.assert_array_equal(merged, [[0.5, 0.5]])


def test_unknown_classes_are_named():
    proba = np.full((1, 5), 0.2)
    with pytest.raises(ValueError, match=r"cannot keep unknown labels \['fearful'\]"):
        merge_probabilities(proba, CLASSES, keep=["fearful", "sad"])
    with pytest.raises(ValueError, match=r"cannot keep unknown labels \['calm'\]"):
        merge_probabilities(proba, CLASSES, merge={"calm": "neutral"}, keep=["calm"])
    with pytest.raises(ValueError, match=r"cannot merge unknown labels \['clam'\]"):
        merge_probabilities(proba, CLASSES, merge={"clam": "neutral"})
    with pytest.raises(ValueError, match="do not match 5 classes"):
        merge_probabilities(np.ones((1, 4)), CLASSES)
