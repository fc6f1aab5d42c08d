"""``ema_decay``: validation, early stopping and prediction use a moving
average of the weights; training steps use the raw ones."""

import pickle

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from sklearn_ser import CNNLSTM1DClassifier, CNNLSTMClassifier, TransformerCNNClassifier

SMALL = {"module__channels": (4, 4, 8, 8), "module__hidden_size": 8, "crop_length": None}


def _data(n=24):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 8, 16)).astype(np.float32)
    y = np.repeat(["angry", "calm"], n // 2)
    X[y == "angry"] += 1.0
    return X, y


def _floating_state(module):
    return [t.detach().clone() for t in module.state_dict().values() if t.is_floating_point()]


class RecordWeights(Callback):
    """The weights before and after every training step, and those the
    module holds when each epoch ends (what validation and checkpoints see)."""

    def __init__(self):
        self.before_steps, self.after_steps, self.at_epoch_end = [], [], []

    def on_batch_begin(self, net, training, **kwargs):
        if training:
            self.before_steps.append(_floating_state(net.module_))

    def on_batch_end(self, net, training, **kwargs):
        if training:
            self.after_steps.append(_floating_state(net.module_))

    def on_epoch_end(self, net, **kwargs):
        self.at_epoch_end.append(_floating_state(net.module_))


def _expected_averages(after_steps, decay, steps_per_epoch):
    """The moving average, with its warm-up, at the end of each epoch."""
    average, at_epoch_end = None, []
    for n, weights in enumerate(after_steps, start=1):
        if average is None:
            average = [w.clone() for w in weights]
        step_decay = min(decay, (1 + n) / (10 + n))
        average = [step_decay * a + (1 - step_decay) * w for a, w in zip(average, weights)]
        if n % steps_per_epoch == 0:
            at_epoch_end.append([a.clone() for a in average])
    return at_epoch_end


@pytest.mark.parametrize("validation_fraction", [None, 0.25])
def test_epochs_end_on_the_moving_average_of_the_raw_weights(validation_fraction):
    X, y = _data()
    recorder = RecordWeights()
    clf = CNNLSTMClassifier(
        **SMALL,
        ema_decay=0.8,
        max_epochs=4,
        batch_size=6,
        patience=None,
        validation_fraction=validation_fraction,
        callbacks=[recorder],
        random_state=0,
    ).fit(X, y)
    n_steps = len(recorder.after_steps)
    assert n_steps % 4 == 0
    expected = _expected_averages(recorder.after_steps, 0.8, n_steps // 4)
    for held, average in zip(recorder.at_epoch_end, expected):
        for a, b in zip(held, average):
            torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
    # Raw and averaged weights differ, so the check above means something,
    # and the fitted model keeps the last average.
    assert not torch.allclose(recorder.after_steps[-1][0], expected[-1][0])
    for a, b in zip(_floating_state(clf.net_.module_), expected[-1]):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


def test_every_training_step_starts_from_the_raw_weights_of_the_last():
    X, y = _data()
    recorder = RecordWeights()
    CNNLSTMClassifier(
        **SMALL,
        ema_decay=0.8,
        max_epochs=3,
        batch_size=6,
        patience=None,
        callbacks=[recorder],
        random_state=0,
    ).fit(X, y)
    # Across epoch boundaries too, where the module held the average.
    assert len(recorder.before_steps) == len(recorder.after_steps) > 3
    for before, after_previous in zip(recorder.before_steps[1:], recorder.after_steps):
        for a, b in zip(before, after_previous):
            torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_early_stopping_keeps_an_averaged_epoch():
    X, y = _data(40)
    recorder = RecordWeights()
    clf = CNNLSTMClassifier(
        **SMALL,
        ema_decay=0.9,
        max_epochs=6,
        patience=2,
        validation_fraction=0.1,
        callbacks=[recorder],
        random_state=0,
    ).fit(X, y)
    kept = clf.net_.history[-1, "kept_epoch"]
    for a, b in zip(_floating_state(clf.net_.module_), recorder.at_epoch_end[kept - 1]):
        torch.testing.assert_close(a, b)
    proba = clf.predict_proba(X)
    np.testing.assert_array_equal(proba, clf.predict_proba(X))
    np.testing.assert_array_equal(proba, pickle.loads(pickle.dumps(clf)).predict_proba(X))


def test_partial_fit_goes_on_with_the_raw_weights_and_their_average():
    X, y = _data()
    recorder = RecordWeights()
    clf = CNNLSTMClassifier(
        **SMALL, ema_decay=0.8, batch_size=6, callbacks=[recorder], random_state=0
    )
    for _ in range(3):
        clf.partial_fit(X, y)
    steps = recorder.after_steps
    assert len(recorder.at_epoch_end) == 3 and len(steps) % 3 == 0
    for before, after_previous in zip(recorder.before_steps[1:], steps):
        for a, b in zip(before, after_previous):
            torch.testing.assert_close(a, b, rtol=0, atol=0)
    expected = _expected_averages(steps, 0.8, len(steps) // 3)
    for a, b in zip(_floating_state(clf.net_.module_), expected[-1]):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
    # A full fit starts both anew: its average is of its own steps only.
    recorder.__init__()
    clf.set_params(max_epochs=1, validation_fraction=None).fit(X, y)
    steps = recorder.after_steps
    expected = _expected_averages(steps, 0.8, len(steps))
    for a, b in zip(_floating_state(clf.net_.module_), expected[-1]):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


def test_off_by_default_and_refused_outside_the_open_unit_interval():
    X, y = _data()
    params = {**SMALL, "max_epochs": 2, "batch_size": 6, "patience": None, "random_state": 0}
    plain = CNNLSTMClassifier(**params, ema_decay=None).fit(X, y)
    averaged = CNNLSTMClassifier(**params, ema_decay=0.9).fit(X, y)
    # Generic defaults: the CPU recipe that averages sets it itself.
    assert CNNLSTMClassifier().ema_decay is None
    assert CNNLSTM1DClassifier().ema_decay is None
    assert TransformerCNNClassifier().ema_decay is None
    assert not np.allclose(plain.predict_proba(X), averaged.predict_proba(X))
    for decay in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError, match="ema_decay"):
            CNNLSTMClassifier(**params, ema_decay=decay).fit(X, y)
