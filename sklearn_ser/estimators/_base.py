"""One scikit-learn classifier shell shared by every neural model.

The estimator owns its hyper-parameters and builds a skorch net (``net_``) at
fit time. Keeping skorch behind composition lets ``__init__`` only store
parameters, makes ``predict`` return the original labels, and sizes the
module from the data without touching any parameter.
"""

import math
import warnings
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_feature_names,
    check_array,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
)
from skorch.callbacks import EarlyStopping, EpochScoring, ProgressBar
from skorch.exceptions import DeviceWarning
from skorch.history import History
from torch import nn

from ..utils import check_device, check_groups
from ..utils._versions import VersionStampMixin
from ._augmentation import BatchAugmenter
from ._net import AugmentingNet, ClipWindows, LabelledClips, ValidationSplit, validation_uar

# Keyword arguments with these prefixes are handed to the skorch net as they
# are, e.g. ``module__hidden_size=64`` or ``optimizer__weight_decay=1e-4``.
NET_PREFIXES = ("module__", "optimizer__", "iterator_train__", "iterator_valid__", "callbacks__")


def _resolve_device(device):
    """``device`` as skorch takes it, "auto" resolved; usable or not (a model
    loaded on a machine without its device falls back to the CPU)."""
    return str(check_device("auto")) if device == "auto" else str(device)


@contextmanager
def _private_torch_rng(device, seed=None):
    """Fork torch's RNG for the block (seeded when ``seed`` is given) and
    restore it after, so the caller's random stream is left as it was (even
    a DataLoader draws from it, at prediction too)."""
    device = torch.device(device)
    devices = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        if seed is not None:
            torch.manual_seed(seed)
        yield


def _map_tensors(convert, value, kind):
    """``value`` with every instance of ``kind`` inside its dicts, lists and
    tuples replaced by ``convert(instance)``."""
    if isinstance(value, kind):
        return convert(value)
    if isinstance(value, dict):
        return {key: _map_tensors(convert, item, kind) for key, item in value.items()}
    if isinstance(value, list):
        return [_map_tensors(convert, item, kind) for item in value]
    if isinstance(value, tuple):
        return tuple(_map_tensors(convert, item, kind) for item in value)
    return value


def _as_arrays(state):
    return _map_tensors(lambda tensor: tensor.detach().cpu().numpy(), state, torch.Tensor)


def _as_tensors(state, device):
    return _map_tensors(lambda array: torch.as_tensor(array, device=device), state, np.ndarray)


def _device_to_load_on(device):
    """Where a saved network runs here: its device, or the CPU (with a
    DeviceWarning) when that is a CUDA device this machine lacks."""
    try:
        return str(check_device(device))
    except ValueError:
        if not str(device).startswith("cuda"):
            raise
    warnings.warn(
        DeviceWarning(
            f"The model was saved to run on device {str(device)!r} but CUDA is not "
            "available; it runs on the CPU instead."
        ),
        stacklevel=4,
    )
    return "cpu"


def _check_weights(net, weights):
    """Refuse weights that do not fit the network ``net`` builds, before that
    network is allocated (the parameters of a saved model could otherwise ask
    for any amount of memory), or that are not finite."""
    with torch.device("meta"):  # shapes only, no memory
        module = net.initialized_instance(net.module, net.get_params_for("module"))
    expected = {name: tuple(value.shape) for name, value in module.state_dict().items()}
    stored = {name: np.shape(value) for name, value in weights.items()}
    if expected != stored:
        wrong = sorted(set(expected.items()) ^ set(stored.items()))[0][0]
        raise ValueError(
            f"the stored weights do not fit the network its parameters describe ({wrong!r})"
        )
    for name, value in weights.items():
        if not (isinstance(value, np.ndarray) and value.dtype.kind in "biuf"):
            raise ValueError(f"its weights {name!r} are not an array of numbers")
        if not np.isfinite(value).all():
            raise ValueError(f"its weights {name!r} hold NaN or infinite values")


def _sorted_unique(values, name):
    """np.unique, or a TypeError naming ``name`` when its items do not sort
    (e.g. strings mixed with numbers in an object array)."""
    try:
        return np.unique(values)
    except TypeError as error:
        kinds = sorted({type(value).__name__ for value in values})
        raise TypeError(
            f"{name} has labels of types {kinds} that cannot be sorted together; "
            f"use labels of one type, such as str or int"
        ) from error


class SERNeuralNetClassifier(VersionStampMixin, ClassifierMixin, BaseEstimator):
    """Base class of the neural speech emotion classifiers.

    Subclasses set ``_spectrogram_input`` (True: examples are (n_bands,
    n_frames) spectrograms; False: they are waveforms) and declare their
    hyper-parameters, defaults and docstring. Do not use this class directly.
    """

    _spectrogram_input = True
    __metadata_request__fit = {"groups": True}

    _parameter_constraints = {
        "module": [callable],
        "optimizer": [callable],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "patience": [Interval(Integral, 1, None, closed="left"), None],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "time_masks": [Interval(Integral, 0, None, closed="left")],
        "time_mask_width": [Interval(Integral, 0, None, closed="left")],
        "time_stretch": [Interval(Real, 0, 1, closed="left")],
        "noise_snr_db": [tuple, None],
        "crop_length": [Interval(Integral, 1, None, closed="left"), None],
        "crop_hop": [Interval(Integral, 1, None, closed="left"), None],
        "mixup_alpha": [Interval(Real, 0, None, closed="left")],
        "ema_decay": [Interval(Real, 0, 1, closed="neither"), None],
        "callbacks": [list, None],
        "device": [str, torch.device],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        module,
        optimizer,
        lr,
        max_epochs,
        batch_size,
        patience,
        validation_fraction,
        class_weight,
        time_masks,
        time_mask_width,
        time_stretch,
        noise_snr_db,
        crop_length,
        crop_hop,
        mixup_alpha,
        ema_decay,
        callbacks,
        device,
        verbose,
        random_state,
        **net_params,
    ):
        self.module = module
        self.optimizer = optimizer
        self.lr = lr
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.class_weight = class_weight
        self.time_masks = time_masks
        self.time_mask_width = time_mask_width
        self.time_stretch = time_stretch
        self.noise_snr_db = noise_snr_db
        self.crop_length = crop_length
        self.crop_hop = crop_hop
        self.mixup_alpha = mixup_alpha
        self.ema_decay = ema_decay
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose
        self.random_state = random_state
        self._net_kwargs = dict(net_params)

    # -- parameters: the explicit ones plus skorch-style prefixed ones --------

    def _net_params(self):
        """Prefixed parameters, declared in the signature (None leaves one
        out) or given as kwargs."""
        declared = {
            key: getattr(self, key)
            for key in self._get_param_names()
            if key.startswith(NET_PREFIXES) and getattr(self, key) is not None
        }
        return {**declared, **self._net_kwargs}

    def get_params(self, deep=True):
        return {**super().get_params(deep=deep), **self._net_kwargs}

    def set_params(self, **params):
        declared = self._get_param_names()
        for key in [key for key in params if key.startswith(NET_PREFIXES)]:
            if key in declared:
                setattr(self, key, params.pop(key))
            else:
                self._net_kwargs[key] = params.pop(key)
        return super().set_params(**params)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = self._spectrogram_input
        # Tiny networks trained for a few epochs on toy data score modestly.
        tags.classifier_tags.poor_score = True
        return tags

    # -- validation ------------------------------------------------------------

    def _example_axes(self):
        return "(n_bands, n_frames)" if self._spectrogram_input else "(n_samples,)"

    def _validate_input(self, X, *, reset):
        """Float32 array of shape (n, n_bands, n_frames) or (n, n_samples),
        with NaN padding replaced by zeros, and the real span of each
        example along time (see ``_real_spans``)."""
        _check_feature_names(self, X, reset=reset)
        X = check_array(X, allow_nd=True, dtype=np.float32, ensure_all_finite="allow-nan")
        max_ndim = 3 if self._spectrogram_input else 2
        if X.ndim > max_ndim:
            expected = (
                "a 3-D array (n_examples, n_bands, n_frames) or a 2-D array "
                "(n_examples, n_features)"
                if self._spectrogram_input
                else "a 2-D array (n_examples, n_samples) of equal-length waveforms"
            )
            raise ValueError(f"Expected {expected}, got shape {X.shape}")
        if self._spectrogram_input and X.ndim == 2:
            X = X[:, np.newaxis, :]  # a 2-D table is one band by n_features frames
        shape = X.shape[1:]
        if 0 in shape:
            raise ValueError(
                f"X has examples of shape {shape} {self._example_axes()}: every "
                "axis needs at least 1 entry"
            )
        if reset:
            self.input_shape_ = shape
            self.n_features_in_ = math.prod(shape)
        elif shape != self.input_shape_:
            raise ValueError(
                f"X has {math.prod(shape)} features, but {type(self).__name__} is "
                f"expecting {self.n_features_in_} features as input: it was fit on "
                f"examples of shape {self.input_shape_} {self._example_axes()}, "
                f"got examples of shape {shape}"
            )
        return self._real_spans(X)

    def _real_spans(self, X):
        """Zero-filled X and the [start, stop) steps of each example that are
        not padding. Padding is NaN: whole frames of a spectrogram (every
        band), samples of a waveform, before or after the real part."""
        missing = np.isnan(X)
        if not missing.any():
            return X, np.tile([0, X.shape[-1]], (len(X), 1))
        padded = missing.all(axis=1) if X.ndim == 3 else missing
        if X.ndim == 3 and (missing.any(axis=1) & ~padded).any():
            example, frame = np.argwhere(missing.any(axis=1) & ~padded)[0]
            raise ValueError(
                f"X has NaN in some but not all bands of frame {frame} of example "
                f"{example}; NaN may only mark whole padded frames"
            )
        real = ~padded
        count = real.sum(axis=1)
        if (count == 0).any():
            raise ValueError(
                f"example {int(np.argmin(count))} of X is NaN everywhere: it has no real "
                "frame (or sample) left; is the clip empty?"
            )
        start = real.argmax(axis=1)
        stop = real.shape[1] - real[:, ::-1].argmax(axis=1)
        gaps = np.flatnonzero(stop - start != count)
        if gaps.size:
            raise ValueError(
                f"example {gaps[0]} of X has NaN between real frames (or samples); "
                "NaN may only mark padding before or after the clip"
            )
        return np.where(missing, np.float32(0), X), np.stack([start, stop], axis=1)

    def _encode_labels(self, y, *, reset, classes=None):
        """Integer codes of y. With ``reset``, set ``classes_`` from ``classes``
        (default: y); otherwise refuse labels outside ``classes_``."""
        y = column_or_1d(y, warn=True)
        _sorted_unique(y, "y")  # before scikit-learn's checks sort it
        check_classification_targets(y)
        if reset:
            self.classes_ = _sorted_unique(
                y if classes is None else column_or_1d(classes),
                "classes" if classes is not None else "y",
            )
            if len(self.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs at least 2 classes to train; "
                    f"got 1 class: {self.classes_.tolist()}"
                )
        unseen = _sorted_unique(y, "y")
        unseen = unseen[~np.isin(unseen, self.classes_)]
        if unseen.size:
            raise ValueError(
                f"y contains labels not seen in the first call to fit or "
                f"partial_fit (classes_={self.classes_.tolist()}): {unseen.tolist()}"
            )
        return np.searchsorted(self.classes_, y).astype(np.int64)

    def _check_noise_range(self):
        if self.noise_snr_db is None:
            return
        if len(self.noise_snr_db) != 2 or not self.noise_snr_db[0] <= self.noise_snr_db[1]:
            raise ValueError(
                f"noise_snr_db must be a (low, high) pair in dB with low <= high, "
                f"got {self.noise_snr_db!r}"
            )

    # -- building the skorch net ----------------------------------------------

    def _module_size_params(self):
        # With crops the network sees windows of crop_length steps.
        n_steps = self.crop_length or self.input_shape_[-1]
        sizes = (
            {"module__n_bands": self.input_shape_[0], "module__n_frames": n_steps}
            if self._spectrogram_input
            else {"module__n_samples": n_steps}
        )
        return {**sizes, "module__n_classes": len(self.classes_)}

    def _class_weights(self, y_codes):
        if self.class_weight is None:
            return None
        if self.class_weight == "balanced":
            codes = np.arange(len(self.classes_))
            missing = self.classes_[np.setdiff1d(codes, y_codes)]
            if len(missing):
                raise ValueError(
                    f'class_weight="balanced" weighs the classes by their frequency in y, '
                    f"and y has no example of {missing.tolist()}; pass every class to the "
                    "first fit or partial_fit, or set class_weight to None or a dict"
                )
            weights = compute_class_weight("balanced", classes=codes, y=y_codes)
        else:
            unknown = [key for key in self.class_weight if key not in set(self.classes_.tolist())]
            if unknown:
                raise ValueError(
                    f"class_weight has labels {unknown} that are not among the classes "
                    f"of y {self.classes_.tolist()}"
                )
            weights = [self.class_weight.get(label, 1.0) for label in self.classes_]
        return torch.as_tensor(weights, dtype=torch.float32)

    def _check_net_params(self):
        unknown = sorted(key for key in self._net_kwargs if not key.startswith(NET_PREFIXES))
        if unknown:
            raise ValueError(
                f"{type(self).__name__} got unexpected parameter(s) {unknown}; "
                f"extra parameters must start with one of {list(NET_PREFIXES)}"
            )

    def _build_net(self, y_codes, split_seed, validation_fraction):
        self._check_noise_range()
        self._check_net_params()
        callbacks = list(self.callbacks or [])
        if self.verbose > 1:
            callbacks.append(("progress_bar", ProgressBar()))
        train_split = None
        if validation_fraction is not None:
            train_split = ValidationSplit(validation_fraction, split_seed)
            callbacks.append(
                (
                    "valid_uar",
                    EpochScoring(
                        validation_uar, name="valid_uar", lower_is_better=False, use_caching=True
                    ),
                )
            )
            if self.patience is not None:
                callbacks.append(
                    ("early_stopping", EarlyStopping(patience=self.patience, load_best=True))
                )
        augmentation = BatchAugmenter(**self._augmentation_params())
        net = AugmentingNet(
            module=self.module,
            criterion=nn.CrossEntropyLoss,
            criterion__weight=self._class_weights(y_codes),
            optimizer=self.optimizer,
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            train_split=train_split,
            callbacks=callbacks,
            iterator_train__shuffle=True,
            augmentation=None if augmentation.is_identity else augmentation,
            mixup_alpha=self.mixup_alpha,
            ema_decay=self.ema_decay,
            device=_resolve_device(self.device),
            verbose=self.verbose,
            **self._net_params(),
            **self._module_size_params(),
        )
        return net

    def _augmentation_params(self):
        """Keyword arguments of the BatchAugmenter; spectrogram classifiers
        add their frequency-axis ones."""
        return dict(
            time_masks=self.time_masks,
            time_mask_width=self.time_mask_width,
            time_stretch=self.time_stretch,
            noise_snr_db=self.noise_snr_db,
            waveform=not self._spectrogram_input,
        )

    def _crop_hop(self):
        if self.crop_length is None:
            return None
        return self.crop_hop or max(1, self.crop_length // 2)

    def _dataset(self, X, y_codes, spans, groups=None):
        return LabelledClips(X, y_codes, groups, spans, self.crop_length, self._crop_hop())

    def _seeds(self):
        return check_random_state(self.random_state).randint(np.iinfo(np.int32).max, size=2)

    # -- state: the fitted net as plain data ------------------------------------
    # The skorch net holds torch objects (modules, optimizer, callbacks) that
    # only pickle can store. The classifier's state holds what they learnt
    # instead: the state dicts of the module, criterion and optimizer with
    # numpy arrays for tensors, the weight average and the history. Restoring
    # rebuilds the net from the parameters, as fit builds it, and loads them,
    # so a pickle and sklearn_ser.save_model's file (skops) hold the same data.

    def __getstate__(self):
        state = super().__getstate__()
        net = state.pop("net_", None)
        if net is not None:
            state["_net_state"] = {
                **_as_arrays(
                    {
                        "module": net.module_.state_dict(),
                        "criterion": net.criterion_.state_dict(),
                        "optimizer": net.optimizer_.state_dict(),
                        "weight_average": net.weight_average_state(),
                    }
                ),
                "history": list(net.history),
                "validation_split": net.train_split is not None,
            }
        return state

    def __setstate__(self, state):
        state = dict(state)
        net_state = state.pop("_net_state", None)
        super().__setstate__(state)
        if net_state is not None:
            try:
                self.net_ = self._restore_net(**net_state)
            except (AttributeError, KeyError, RuntimeError, TypeError, ValueError) as error:
                raise ValueError(
                    f"cannot restore the network of the {type(self).__name__}: {error}"
                ) from error

    def _restore_net(
        self, *, module, criterion, optimizer, weight_average, history, validation_split
    ):
        """The net of ``fit``, with the weights, optimizer state and history of
        ``__getstate__``; the weights are checked before it is built."""
        # Stand-in labels, one per class: they size the class weights, which
        # the saved criterion state then overwrites.
        codes = np.arange(len(self.classes_))
        split_seed = self._seeds()[1] if isinstance(self.random_state, Integral) else None
        fraction = self.validation_fraction if validation_split else None
        net = self._build_net(codes, split_seed, fraction)
        net.set_params(device=_device_to_load_on(net.device))
        _check_weights(net, module)
        with _private_torch_rng(net.device):
            net.initialize()  # random weights, overwritten below
        net.module_.load_state_dict(_as_tensors(module, net.device))
        net.criterion_.load_state_dict(_as_tensors(criterion, net.device))
        net.optimizer_.load_state_dict(_as_tensors(optimizer, net.device))
        net.load_weight_average_state(_as_tensors(weight_average, net.device))
        net.history_ = History(history)
        return net

    # -- public API ------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, groups=None):
        """Train the network, holding out a validation split for early stopping.

        Parameters
        ----------
        X : array-like of shape (n_examples, n_bands, n_frames) or (n_examples, n_features)
            Spectrograms, or for the waveform model (n_examples, n_samples).
            A 2-D array given to a spectrogram model is read as one band by
            n_features frames.
        y : array-like of shape (n_examples,)
            Labels (strings or integers), at least two distinct.
        groups : array-like of shape (n_examples,), default=None
            Speaker of each example. When given, the early-stopping
            validation split holds out whole speakers; otherwise it is
            stratified by class. Requested by default under metadata routing.

        Returns
        -------
        self : object
            The fitted estimator.

        Raises
        ------
        KeyboardInterrupt
            When a signal interrupts training (Ctrl-C's SIGINT; SIGTERM
            under ``sklearn-ser``). skorch stops and runs its callbacks'
            ``on_train_end``; the interrupt is then raised again and the
            estimator is left unfitted, so that a half-trained network never
            passes for a fitted model. A ``KeyboardInterrupt`` raised by a
            callback ends training early instead, as in skorch (whose
            ``EarlyStopping`` stops this way).
        """
        X, spans = self._validate_input(X, reset=True)
        y_codes = self._encode_labels(y, reset=True)
        if groups is not None:
            groups = check_groups(groups)
        check_consistent_length(X, y_codes, groups)
        torch_seed, split_seed = self._seeds()
        check_device(self.device)
        self.net_ = self._build_net(y_codes, split_seed, self.validation_fraction)
        try:
            with _private_torch_rng(self.net_.device, torch_seed):
                self.net_.fit(self._dataset(X, y_codes, spans, groups))
        except KeyboardInterrupt:
            # A network stopped mid-training is not a fitted model.
            self._forget_fit()
            raise
        self._record_kept_epoch()
        return self

    def _forget_fit(self):
        """Remove the fitted attributes, so that the estimator is not fitted."""
        for name in [name for name in vars(self) if name.endswith("_") and name[:2] != "__"]:
            delattr(self, name)

    def _record_kept_epoch(self):
        """Note in the history which epoch's weights the model kept: the best
        validation loss under early stopping, else the last epoch."""
        history = self.net_.history
        kept = history[-1, "epoch"]
        if self.patience is not None and "valid_loss_best" in history[-1]:
            kept = [row["epoch"] for row in history if row.get("valid_loss_best")][-1]
        history.record("kept_epoch", kept)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None):
        """Train for one epoch on (X, y), without a validation split.

        Parameters
        ----------
        X : array-like of shape (n_examples, n_bands, n_frames) or (n_examples, n_features)
            As in :meth:`fit`.
        y : array-like of shape (n_examples,)
            Labels; on later calls only labels from ``classes_``.
        classes : array-like of shape (n_classes,), default=None
            All labels, needed on the first call when y does not show them
            all; ignored later.

        Returns
        -------
        self : object
            The updated estimator.

        Raises
        ------
        KeyboardInterrupt
            When a signal interrupts the epoch (see :meth:`fit`), after
            skorch stops; the estimator keeps the weights it had reached, so
            that training can go on.
        """
        first_call = not hasattr(self, "net_")
        X, spans = self._validate_input(X, reset=first_call)
        y_codes = self._encode_labels(y, reset=first_call, classes=classes)
        check_consistent_length(X, y_codes)
        torch_seed, _ = self._seeds()
        if first_call:
            check_device(self.device)
            self.net_ = self._build_net(y_codes, None, validation_fraction=None)
            with _private_torch_rng(self.net_.device, torch_seed):
                self.net_.initialize()
        # A different seed per epoch, so successive calls shuffle differently.
        with _private_torch_rng(self.net_.device, torch_seed + len(self.net_.history)):
            self.net_.partial_fit(self._dataset(X, y_codes, spans), epochs=1)
        return self

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_examples, n_bands, n_frames) or (n_examples, n_features)
            As in :meth:`fit`, with the same example shape.

        Returns
        -------
        proba : ndarray of shape (n_examples, n_classes)
            Probabilities, columns in the order of ``classes_``. With
            ``crop_length``, the mean over the windows ``crop_hop`` apart
            that cover each example's real (non-NaN) part.
        """
        check_is_fitted(self)
        X, spans = self._validate_input(X, reset=False)
        with _private_torch_rng(self.net_.device):
            if self.crop_length is None:
                proba = self.net_.predict_proba(X).astype(np.float64)
            else:
                windows = ClipWindows(X, spans, self.crop_length, self._crop_hop())
                proba = windows.average(self.net_.predict_proba(windows).astype(np.float64))
        bad = np.flatnonzero(~np.isfinite(proba).all(axis=1))
        if bad.size:
            raise ValueError(
                f"the network's output for example(s) {bad[:10].tolist()} of X is not "
                f"finite: their values (up to |X| = {np.abs(X[bad]).max():.3g}) overflow "
                "it. Scale X as the training data were."
            )
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X):
        """Most probable label of each example.

        Parameters
        ----------
        X : array-like of shape (n_examples, n_bands, n_frames) or (n_examples, n_features)
            As in :meth:`fit`, with the same example shape.

        Returns
        -------
        y_pred : ndarray of shape (n_examples,)
            Labels from ``classes_``.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class SpectrogramClassifier(SERNeuralNetClassifier):
    """Base of the classifiers of (n_bands, n_frames) spectrograms: adds the
    frequency-axis augmentations. Do not use this class directly."""

    _parameter_constraints = {
        **SERNeuralNetClassifier._parameter_constraints,
        "freq_masks": [Interval(Integral, 0, None, closed="left")],
        "freq_mask_width": [Interval(Integral, 0, None, closed="left")],
        "freq_warp": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(self, *, freq_masks, freq_mask_width, freq_warp, **params):
        super().__init__(**params)
        self.freq_masks = freq_masks
        self.freq_mask_width = freq_mask_width
        self.freq_warp = freq_warp

    def _augmentation_params(self):
        return dict(
            super()._augmentation_params(),
            freq_masks=self.freq_masks,
            freq_mask_width=self.freq_mask_width,
            freq_warp=self.freq_warp,
        )
