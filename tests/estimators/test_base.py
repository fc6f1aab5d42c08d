"""Behaviour shared by the three classifiers (tested through the smallest)."""

import os
import pickle
import signal
import subprocess
import sys
import warnings

import joblib
import numpy as np
import pytest
import sklearn
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import log_loss
from sklearn.model_selection import GridSearchCV, GroupKFold, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from skorch.callbacks import Callback
from skorch.exceptions import DeviceWarning

from sklearn_ser.estimators import CNNLSTM1DClassifier, CNNLSTMClassifier
from sklearn_ser.estimators._augmentation import BatchAugmenter
from sklearn_ser.models import CNNLSTM

NET = dict(
    module__channels=(4, 4, 4, 4),
    module__hidden_size=4,
    max_epochs=2,
    batch_size=8,
    lr=0.01,
    random_state=0,
)


def _data(n=24, n_bands=6, n_frames=10, labels=("angry", "calm", "sad"), seed=0):
    rng = np.random.RandomState(seed)
    y = np.resize(np.asarray(labels), n)
    X = rng.normal(size=(n, n_bands, n_frames)).astype(np.float32)
    X += np.searchsorted(np.unique(labels), y)[:, None, None]
    speakers = np.repeat(np.arange(6), n // 6)
    return X, y, speakers


class RecordSplit(Callback):
    """Remember the indices of the internal train/validation subsets."""

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self.train, self.valid = net.get_split_datasets(X)

    def initialize(self):
        return self


def test_validation_split_holds_out_whole_speakers():
    X, y, speakers = _data(n=36)
    recorder = RecordSplit()
    CNNLSTMClassifier(callbacks=[recorder], **{**NET, "validation_fraction": 0.3}).fit(
        X, y, groups=speakers
    )
    train_speakers = set(speakers[recorder.train.indices])
    valid_speakers = set(speakers[recorder.valid.indices])
    assert valid_speakers and not train_speakers & valid_speakers
    assert len(recorder.train.indices) + len(recorder.valid.indices) == len(y)


def test_validation_split_without_groups_is_stratified():
    X, y, _ = _data(n=60)
    recorder = RecordSplit()
    CNNLSTMClassifier(callbacks=[recorder], **{**NET, "validation_fraction": 0.2}).fit(X, y)
    valid_labels = y[recorder.valid.indices]
    assert sorted(np.unique(valid_labels, return_counts=True)[1]) == [4, 4, 4]


def test_no_validation_split():
    X, y, speakers = _data()
    clf = CNNLSTMClassifier(**{**NET, "validation_fraction": None}).fit(X, y, groups=speakers)
    assert "valid_loss" not in clf.net_.history[-1]
    assert len(clf.net_.history) == NET["max_epochs"]


def test_early_stopping_restores_the_best_epoch():
    X, y, _ = _data(n=48)
    recorder = RecordSplit()
    clf = CNNLSTMClassifier(
        **{**NET, "max_epochs": 30, "lr": 0.5, "patience": 2}, callbacks=[recorder]
    ).fit(X, y)
    losses = clf.net_.history[:, "valid_loss"]
    best = int(np.argmin(losses))
    assert len(losses) == best + 1 + 2 < 30
    # the restored weights give the best epoch's validation loss again
    valid = recorder.valid.indices
    restored = log_loss(y[valid], clf.predict_proba(X[valid]), labels=clf.classes_)
    assert restored == pytest.approx(losses[best], rel=1e-4)


class NoMetadataModule(CNNLSTM):
    def forward(self, X, **kwargs):
        assert not kwargs, f"forward received {sorted(kwargs)}"
        return super().forward(X)


def test_grid_search_routes_groups_to_the_split_and_never_to_forward():
    X, y, speakers = _data(n=36)
    recorder = RecordSplit()
    pipe = Pipeline(
        [
            ("identity", FunctionTransformer()),
            (
                "clf",
                CNNLSTMClassifier(
                    module=NoMetadataModule,
                    callbacks=[recorder],
                    **{**NET, "validation_fraction": 0.3},
                ),
            ),
        ]
    )
    grid = {
        "clf__module__hidden_size": [2, 3],
        "clf__time_masks": [0, 1],
        "clf__time_mask_width": [2],
    }
    with sklearn.config_context(enable_metadata_routing=True):
        search = GridSearchCV(pipe, grid, cv=GroupKFold(3)).fit(X, y, groups=speakers)
    assert search.best_estimator_.named_steps["clf"].net_.module_.head.lstm.hidden_size in (2, 3)
    fitted = search.best_estimator_.named_steps["clf"].callbacks[0]
    train_speakers = set(speakers[fitted.train.indices])
    assert not train_speakers & set(speakers[fitted.valid.indices])


def test_same_seed_same_predictions_and_global_rng_untouched():
    X, y, _ = _data()
    params = {**NET, "time_masks": 1, "time_mask_width": 3, "noise_snr_db": (10.0, 20.0)}
    torch.manual_seed(123)
    expected_next = torch.rand(1)
    torch.manual_seed(123)
    first = CNNLSTMClassifier(**params).fit(X, y).predict_proba(X)
    assert torch.equal(torch.rand(1), expected_next)
    second = CNNLSTMClassifier(**params).fit(X, y).predict_proba(X)
    other = CNNLSTMClassifier(**{**params, "random_state": 1}).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)
    assert not np.allclose(first, other)


@pytest.mark.parametrize("labels", [("b", "a", "c"), (3, -1, 7)])
def test_labels_round_trip(labels):
    X, y, _ = _data(labels=labels)
    clf = CNNLSTMClassifier(**NET).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, np.unique(labels))
    assert set(clf.predict(X)) <= set(labels)
    assert clf.predict(X).dtype == np.asarray(labels).dtype
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    assert 0.0 <= clf.score(X, y) <= 1.0


def test_balanced_class_weight_reaches_the_loss():
    X, y, _ = _data(n=30)
    y = np.where(np.arange(30) < 20, "major", "minor")
    clf = CNNLSTMClassifier(**{**NET, "class_weight": "balanced"}).fit(X, y)
    weight = clf.net_.criterion_.weight.numpy()
    np.testing.assert_allclose(weight, [30 / (2 * 20), 30 / (2 * 10)])
    unweighted = CNNLSTMClassifier(**NET).fit(X, y)
    assert unweighted.net_.criterion_.weight is None


def test_augmentation_touches_training_batches_only(monkeypatch):
    X, y, _ = _data(n=40)
    seen = []
    original = BatchAugmenter.__call__

    def spy(self, batch):
        seen.append(len(batch))
        return original(self, batch)

    monkeypatch.setattr(BatchAugmenter, "__call__", spy)
    masks = dict(time_masks=2, time_mask_width=3, freq_masks=1, freq_mask_width=2)
    clf = CNNLSTMClassifier(**{**NET, **masks, "validation_fraction": 0.25}).fit(X, y)
    assert sum(seen) == 30 * NET["max_epochs"]  # the 10 validation examples never
    seen.clear()
    first = clf.predict_proba(X)
    np.testing.assert_array_equal(first, clf.predict_proba(X))
    assert not seen


def test_shape_rank_and_value_errors():
    X, y, _ = _data()
    clf = CNNLSTMClassifier(**NET).fit(X, y)
    with pytest.raises(ValueError, match=r"fit on examples of shape \(6, 10\).*got .*\(6, 11\)"):
        clf.predict(np.zeros((2, 6, 11), np.float32))
    with pytest.raises(ValueError, match=r"got shape \(24, 6, 10, 1\)"):
        CNNLSTMClassifier(**NET).fit(X[..., None], y)
    X_nan = X.copy()
    X_nan[3, 2, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        CNNLSTMClassifier(**NET).fit(X_nan, y)
    with pytest.raises(ValueError, match="NaN"):
        clf.predict(X_nan)
    message = r"Expected a 2-D array \(n_examples, n_samples\).*got shape \(24, 6, 10\)"
    with pytest.raises(ValueError, match=message):
        CNNLSTM1DClassifier(**NET).fit(X, y)


def test_two_d_input_is_one_band():
    X, y, _ = _data(n_bands=1)
    clf = CNNLSTMClassifier(**NET).fit(X[:, 0, :], y)
    assert clf.input_shape_ == (1, 10)
    assert clf.net_.module_.blocks[0][0].in_channels == 1
    np.testing.assert_array_equal(clf.predict(X[:, 0, :]), clf.predict(X))


def test_single_class_is_refused():
    X, _, _ = _data()
    with pytest.raises(ValueError, match="at least 2 classes.*1 class"):
        CNNLSTMClassifier(**NET).fit(X, np.full(len(X), "calm"))


def test_balanced_weights_need_every_class_in_y():
    X, y, _ = _data()
    with pytest.raises(ValueError, match=r"y has no example of \['happy'\]"):
        CNNLSTMClassifier(**{**NET, "class_weight": "balanced"}).partial_fit(
            X[:12], y[:12], classes=["angry", "calm", "sad", "happy"]
        )


def test_partial_fit_trains_one_epoch_and_refuses_unseen_labels():
    X, y, _ = _data()
    clf = CNNLSTMClassifier(**NET)
    clf.partial_fit(X[:12], y[:12], classes=["angry", "calm", "sad", "happy"])
    clf.partial_fit(X, y)
    assert len(clf.net_.history) == 2
    assert clf.classes_.tolist() == ["angry", "calm", "happy", "sad"]
    with pytest.raises(ValueError, match=r"not seen .*\['bored'\]"):
        clf.partial_fit(X[:2], ["calm", "bored"])


def test_params_reach_the_module_and_clone():
    clf = CNNLSTMClassifier(**NET)
    assert clf.get_params()["module__hidden_size"] == 4
    clf.set_params(module__hidden_size=5, time_masks=2)
    copy = clone(clf)
    assert copy.get_params()["module__hidden_size"] == 5 and copy.time_masks == 2
    X, y, _ = _data()
    assert copy.fit(X, y).net_.module_.head.lstm.hidden_size == 5
    with pytest.raises(ValueError, match="unexpected parameter.*'hidden_size'"):
        CNNLSTMClassifier(hidden_size=3).fit(X, y)


def _arrays(obj, seen=None):
    """Every ndarray / tensor reachable from obj's attributes."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, (np.ndarray, torch.Tensor)):
        yield obj
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _arrays(value, seen)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            yield from _arrays(value, seen)
    elif hasattr(obj, "__dict__") and not isinstance(obj, type):
        yield from _arrays(vars(obj), seen)


def test_fitted_estimator_keeps_no_training_data():
    X, y, speakers = _data(n=30)
    clf = CNNLSTMClassifier(**NET).fit(X, y, groups=speakers)
    assert not [a for a in _arrays(clf) if a.ndim and len(a) in (30, 27)]


def test_joblib_round_trip_in_a_fresh_process(tmp_path):
    X, y, _ = _data()
    pipe = Pipeline([("identity", FunctionTransformer()), ("clf", CNNLSTMClassifier(**NET))])
    pipe.fit(X, y)
    joblib.dump(pipe, tmp_path / "pipe.joblib")
    np.save(tmp_path / "X.npy", X)
    code = (
        "import joblib, numpy as np, sys; d = sys.argv[1];"
        "p = joblib.load(d + '/pipe.joblib');"
        "np.save(d + '/proba.npy', p.predict_proba(np.load(d + '/X.npy')))"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True)
    np.testing.assert_array_equal(np.load(tmp_path / "proba.npy"), pipe.predict_proba(X))


def _leaves(value):
    """The values inside the dicts, lists and tuples of ``value``."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def test_the_pickled_state_holds_the_network_as_arrays():
    X, y, _ = _data()
    clf = CNNLSTMClassifier(**{**NET, "ema_decay": 0.9}).fit(X, y)
    # What skops and pickle see: arrays and plain data, no torch or skorch object.
    state = clf.__getstate__()
    assert "net_" not in state
    leaves = _leaves(state)
    assert any(isinstance(leaf, np.ndarray) and leaf.ndim == 4 for leaf in leaves)  # conv weights
    assert not [
        leaf for leaf in leaves if type(leaf).__module__.split(".")[0] in ("torch", "skorch")
    ]
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    assert list(restored.net_.history) == list(clf.net_.history)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a CPU-only machine")
def test_model_saved_on_cuda_loads_on_cpu():
    X, y, _ = _data()
    clf = CNNLSTMClassifier(**NET).fit(X, y)
    assert clf.net_.device == "cpu"  # device="auto" without CUDA
    expected = clf.predict_proba(X)
    clf.set_params(device="cuda")  # as if it had been fit on a GPU
    with pytest.warns(DeviceWarning, match="not available"):
        loaded = pickle.loads(pickle.dumps(clf))
    assert str(loaded.net_.device) == "cpu"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(loaded.predict_proba(X), expected)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_missing_cuda_is_a_value_error_naming_the_device():
    X, y, _ = _data()
    with pytest.raises(ValueError, match="device='cuda' was requested but CUDA is not available"):
        CNNLSTMClassifier(**NET, device="cuda").fit(X, y)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_fit_on_cuda_then_predict_in_a_cpu_only_process(tmp_path):
    X, y, _ = _data()
    clf = CNNLSTMClassifier(**NET, device="cuda").fit(X, y)
    assert str(next(clf.net_.module_.parameters()).device).startswith("cuda")
    joblib.dump(clf, tmp_path / "clf.joblib")
    np.save(tmp_path / "X.npy", X)
    code = (
        "import joblib, numpy as np, sys, torch, warnings; d = sys.argv[1];"
        "assert not torch.cuda.is_available();"
        "warnings.simplefilter('ignore');"
        "c = joblib.load(d + '/clf.joblib');"
        "np.save(d + '/proba.npy', c.predict_proba(np.load(d + '/X.npy')))"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        check=True,
        env={**os.environ, "CUDA_VISIBLE_DEVICES": ""},
    )
    np.testing.assert_allclose(np.load(tmp_path / "proba.npy"), clf.predict_proba(X), atol=1e-4)


class RecordThreads(Callback):
    """Remember how many threads torch trains with."""

    def on_train_begin(self, net, **kwargs):
        self.threads = torch.get_num_threads()


def test_parallel_folds_do_not_oversubscribe_the_cpu():
    X, y, speakers = _data(n=36)
    clf = CNNLSTMClassifier(callbacks=[RecordThreads()], **NET)
    results = cross_validate(
        clf, X, y, groups=speakers, cv=GroupKFold(2), n_jobs=2, return_estimator=True
    )
    threads = [estimator.callbacks[0].threads for estimator in results["estimator"]]
    assert len(threads) == 2 and 2 * max(threads) <= max(os.cpu_count(), 2), threads


class InterruptAt(Callback):
    """Press Ctrl-C at the end of an epoch (SIGINT, as the terminal sends it);
    note whether skorch ran ``on_train_end`` after it."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            signal.raise_signal(signal.SIGINT)

    def on_train_end(self, net, **kwargs):
        self.train_ended = True


def test_an_interrupted_fit_raises_and_leaves_the_classifier_unfitted():
    X, y, speakers = _data()
    clf = CNNLSTMClassifier(**{**NET, "max_epochs": 3}).fit(X, y)  # fitted before
    interrupt = InterruptAt(epoch=2)
    clf.set_params(callbacks=[interrupt])
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y, groups=speakers)
    assert interrupt.train_ended  # skorch stopped as it does, then the interrupt went on
    with pytest.raises(NotFittedError):
        clf.predict(X)
    assert not [name for name in vars(clf) if name.endswith("_")]


def test_an_interrupted_partial_fit_raises_and_keeps_the_weights_it_reached():
    X, y, _ = _data()
    clf = CNNLSTMClassifier(callbacks=[InterruptAt(epoch=2)], **NET).partial_fit(X, y)
    with pytest.raises(KeyboardInterrupt):
        clf.partial_fit(X, y)
    assert len(clf.net_.history) == 2
    assert clf.predict(X).shape == y.shape


class StopAt(Callback):
    """End training at an epoch as skorch's EarlyStopping does: by raising
    KeyboardInterrupt."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise KeyboardInterrupt


def test_a_callback_that_raises_keyboard_interrupt_ends_training_as_in_skorch():
    X, y, _ = _data()
    clf = CNNLSTMClassifier(callbacks=[StopAt(epoch=2)], **{**NET, "max_epochs": 5}).fit(X, y)
    assert len(clf.net_.history) == 2
    assert clf.predict(X).shape == y.shape
