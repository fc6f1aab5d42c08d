"""The skorch layer: validation split, validation UAR, batching, loss checks."""

import numpy as np
import pytest
import torch

from sklearn_ser.estimators._net import (
    AugmentingNet,
    ClipWindows,
    LabelledClips,
    ValidationSplit,
    validation_indices,
    validation_uar,
    window_offsets,
)


def test_validation_split_holds_out_whole_speakers():
    y = np.tile([0, 1], 20)
    groups = np.repeat(np.arange(8), 5)
    train, valid = validation_indices(y, groups, 0.25, random_state=0)
    assert set(groups[train]).isdisjoint(groups[valid])
    assert len(train) + len(valid) == len(y)


def test_validation_split_needs_two_speakers():
    with pytest.raises(ValueError, match="at least 2 distinct groups"):
        validation_indices(np.array([0, 1, 0, 1]), np.zeros(4), 0.25, random_state=0)


def test_validation_split_is_stratified_when_it_can_be_and_shuffled_otherwise():
    y = np.repeat([0, 1, 2], 10)
    _, valid = validation_indices(y, None, 0.3, random_state=0)
    assert np.bincount(y[valid]).tolist() == [3, 3, 3]
    # One example of class 2: no stratification possible, still a split.
    y = np.array([0] * 5 + [1] * 5 + [2])
    train, valid = validation_indices(y, None, 0.2, random_state=0)
    assert len(valid) == 3 and len(np.union1d(train, valid)) == len(y)


def test_validation_split_callable_returns_disjoint_subsets():
    X = np.zeros((12, 1, 4), dtype=np.float32)
    y = np.tile([0, 1], 6)
    dataset = LabelledClips(X, y, groups=np.repeat(np.arange(6), 2))
    train, valid = ValidationSplit(1 / 3, random_state=0)(dataset)
    assert set(train.indices).isdisjoint(valid.indices)
    assert len(train) + len(valid) == 12


def test_cropped_validation_reads_every_window_of_the_held_out_clips():
    X = np.zeros((6, 1, 10), dtype=np.float32)
    spans = np.array([[0, 10]] * 6)
    dataset = LabelledClips(X, np.arange(6) % 2, spans=spans, crop_length=4, crop_hop=2)
    _, valid = dataset.split(np.arange(4), np.array([4, 5]))
    assert isinstance(valid, ClipWindows)
    assert len(valid) == 2 * len(window_offsets(0, 10, 4, 2))
    assert valid.y.tolist() == [0, 1]


class _FixedProba:
    """Stands in for a net: predicts the given probabilities."""

    def __init__(self, proba):
        self.proba = np.asarray(proba, dtype=float)

    def predict_proba(self, dataset):
        return self.proba


def test_validation_uar_scores_clips_not_windows():
    X = np.zeros((2, 1, 8), dtype=np.float32)
    windows = ClipWindows(X, [(0, 8), (0, 4)], length=4, hop=2, y=np.array([0, 1]))
    # Clip 0 has three windows (two say class 1, one says class 0 strongly);
    # clip 1 has one window saying class 1.
    proba = [[0.9, 0.1], [0.4, 0.6], [0.4, 0.6], [0.2, 0.8]]
    assert validation_uar(_FixedProba(proba), windows) == 1.0
    proba = [[0.1, 0.9], [0.4, 0.6], [0.4, 0.6], [0.2, 0.8]]
    assert validation_uar(_FixedProba(proba), windows) == 0.5


def _tiny_net(**kwargs):
    module = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 2))
    return AugmentingNet(
        module,
        criterion=torch.nn.CrossEntropyLoss,
        max_epochs=1,
        train_split=None,
        batch_size=4,
        verbose=0,
        **kwargs,
    ).initialize()


def test_a_lone_last_training_batch_is_dropped():
    net = _tiny_net()
    dataset = LabelledClips(np.zeros((9, 1, 4), dtype=np.float32), np.zeros(9, dtype=int))
    assert [len(X) for X, _ in net.get_iterator(dataset, training=True)] == [4, 4]
    assert [len(X) for X, _ in net.get_iterator(dataset, training=False)] == [4, 4, 1]


def test_a_diverging_loss_stops_training_with_advice():
    net = _tiny_net(lr=1.0)
    X = np.full((8, 1, 4), 3e38, dtype=np.float32)
    with pytest.raises(ValueError, match=r"training loss is .* standardise X .* lower lr"):
        net.partial_fit(LabelledClips(X, np.tile([0, 1], 4)), None)


def test_training_batches_are_augmented_and_prediction_batches_are_not():
    seen = []

    def record(X):
        seen.append(X.clone())
        return X + 1.0

    net = _tiny_net(augmentation=record)
    X = np.zeros((4, 1, 4), dtype=np.float32)
    net.partial_fit(LabelledClips(X, np.array([0, 1, 0, 1])), None)
    assert len(seen) == 1
    net.predict_proba(LabelledClips(X, np.zeros(4, dtype=int)))
    assert len(seen) == 1
