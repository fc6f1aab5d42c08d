"""The skorch side: a NeuralNet that augments training batches, and the
internal validation split (by speaker when speakers are known)."""

import math
import warnings

import numpy as np
import torch
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import GroupShuffleSplit, ShuffleSplit, StratifiedShuffleSplit
from skorch import NeuralNet
from torch.utils.data import Dataset, Subset

from ..utils._signals import noting_signals


def _window(example, offset, length):
    """``length`` steps of ``example`` (time last) from ``offset``, zero
    beyond its end."""
    window = example[..., offset : offset + length]
    missing = length - window.shape[-1]
    if missing:
        window = np.concatenate(
            [window, np.zeros(window.shape[:-1] + (missing,), dtype=window.dtype)], axis=-1
        )
    return window


def window_offsets(start, stop, length, hop):
    """Starts of the windows ``hop`` apart that cover steps [start, stop).

    The last window ends at the clip's end; a clip shorter than ``length``
    gets one window, from its start.

    Examples
    --------
    >>> from sklearn_ser.estimators._net import window_offsets
    >>> window_offsets(0, 10, 4, 3).tolist()
    [0, 3, 6]
    >>> window_offsets(2, 5, 4, 2).tolist()
    [2]
    """
    last = max(stop - length, start)
    return np.unique(np.append(np.arange(start, last, hop), last))


class LabelledClips(Dataset):
    """Examples, integer labels and (optionally) speakers, as one dataset.

    Speakers travel with the data, not as fit parameters, so they reach the
    validation split and never the module's ``forward``. With
    ``crop_length``, an example is a window of that many steps drawn at
    random inside the clip's real part (``spans``) every time it is read,
    so every epoch sees other windows.
    """

    def __init__(self, X, y, groups=None, spans=None, crop_length=None, crop_hop=None):
        self.X = X
        self.y = y
        self.groups = groups
        self.spans = spans
        self.crop_length = crop_length
        self.crop_hop = crop_hop

    def __len__(self):
        return len(self.X)

    def __getitem__(self, index):
        if self.crop_length is None:
            return self.X[index], self.y[index]
        start, stop = self.spans[index]
        latest = max(int(stop) - self.crop_length, int(start))
        offset = int(torch.randint(int(start), latest + 1, ()))
        return _window(self.X[index], offset, self.crop_length), self.y[index]

    def split(self, train, valid):
        """Training and validation datasets; validation reads every window
        of a clip, as prediction does, never random ones."""
        if self.crop_length is None:
            return Subset(self, train), Subset(self, valid)
        training = LabelledClips(
            self.X[train], self.y[train], None, self.spans[train], self.crop_length, self.crop_hop
        )
        windows = ClipWindows(
            self.X[valid], self.spans[valid], self.crop_length, self.crop_hop, self.y[valid]
        )
        return training, windows


class ClipWindows(Dataset):
    """Every window of every clip, ``hop`` steps apart (see
    :func:`window_offsets`); ``clip_index`` maps each window to its clip."""

    def __init__(self, X, spans, length, hop, y=None):
        self.X = X
        self.length = length
        self.y = y
        offsets = [window_offsets(start, stop, length, hop) for start, stop in spans]
        self.clip_index = np.repeat(np.arange(len(X)), [len(o) for o in offsets])
        self.offsets = np.concatenate(offsets)

    def __len__(self):
        return len(self.offsets)

    def __getitem__(self, index):
        clip = self.clip_index[index]
        window = _window(self.X[clip], self.offsets[index], self.length)
        return window, (self.y[clip] if self.y is not None else 0)

    def average(self, window_values):
        """Mean of per-window rows over the windows of each clip."""
        sums = np.zeros((len(self.X), window_values.shape[1]))
        np.add.at(sums, self.clip_index, window_values)
        return sums / np.bincount(self.clip_index, minlength=len(self.X))[:, None]


def validation_indices(y, groups, fraction, random_state):
    """Train and validation indices for early stopping.

    With ``groups`` the split holds out whole speakers (GroupShuffleSplit);
    otherwise it is stratified by class when every class can appear on both
    sides, and a plain shuffle split when the data are too small for that.
    """
    n_samples = len(y)
    dummy_X = np.zeros(n_samples)
    if groups is not None:
        if len(np.unique(groups)) < 2:
            raise ValueError(
                "a speaker-grouped validation split needs at least 2 distinct "
                "groups; pass more speakers or set validation_fraction=None"
            )
        splitter = GroupShuffleSplit(1, test_size=fraction, random_state=random_state)
        return next(splitter.split(dummy_X, y, groups))
    class_counts = np.unique(y, return_counts=True)[1]
    n_classes = len(class_counts)
    n_valid = math.ceil(fraction * n_samples)
    stratifiable = class_counts.min() >= 2 and n_classes <= n_valid <= n_samples - n_classes
    splitter_class = StratifiedShuffleSplit if stratifiable else ShuffleSplit
    splitter = splitter_class(1, test_size=n_valid, random_state=random_state)
    return next(splitter.split(dummy_X, y))


def validation_uar(net, dataset, y=None):
    """Balanced accuracy of the validation clips (skorch scoring callable).

    With crops a clip's probabilities are the mean over its windows, as at
    prediction, so the score is per clip, not per window.
    """
    proba = net.predict_proba(dataset)
    if isinstance(dataset, ClipWindows):
        proba, y_true = dataset.average(proba), dataset.y
    else:  # a Subset of LabelledClips
        y_true = dataset.dataset.y[dataset.indices]
    with warnings.catch_warnings():
        # A small validation split may lack a class; the score stays defined.
        warnings.simplefilter("ignore", UserWarning)
        return balanced_accuracy_score(y_true, proba.argmax(axis=1))


class ValidationSplit:
    """skorch ``train_split``: hold out ``fraction`` of a LabelledClips dataset."""

    def __init__(self, fraction, random_state):
        self.fraction = fraction
        self.random_state = random_state

    def __call__(self, dataset, y=None, **fit_params):
        train, valid = validation_indices(
            dataset.y, dataset.groups, self.fraction, self.random_state
        )
        return dataset.split(train, valid)


def mixup(X, y, n_classes, alpha):
    """Mix each example with a random partner of the batch (Zhang et al.,
    2018): weights from Beta(alpha, alpha), one per example, and the same
    mix of the one-hot targets, so every target row sums to one."""
    weights = torch.distributions.Beta(alpha, alpha).sample((len(X),)).to(X.device, X.dtype)
    partner = torch.randperm(len(X), device=X.device)
    targets = torch.nn.functional.one_hot(y, n_classes).to(X.dtype)
    X_weights = weights.view(-1, *[1] * (X.ndim - 1))
    mixed_X = X_weights * X + (1 - X_weights) * X[partner]
    mixed_y = weights[:, None] * targets + (1 - weights[:, None]) * targets[partner]
    return mixed_X, mixed_y


class AugmentingNet(NeuralNet):
    """NeuralNet that passes training batches through ``augmentation`` and,
    with ``mixup_alpha > 0``, mixup; with ``ema_decay``, it validates and
    predicts with an exponential moving average of its weights.

    Validation and prediction batches are never augmented: only
    ``train_step_single`` is overridden. Unlike skorch's nets, ``fit`` and
    ``partial_fit`` raise a ``KeyboardInterrupt`` that a signal raised
    (after the callbacks' ``on_train_end``) instead of returning; one that a
    callback raised ends training, as in skorch.
    """

    def __init__(self, *args, augmentation=None, mixup_alpha=0.0, ema_decay=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.augmentation = augmentation
        self.mixup_alpha = mixup_alpha
        self.ema_decay = ema_decay
        self._averaged_state = None
        self._raw_state = None
        self._n_averaged = 0

    # -- interrupts ------------------------------------------------------------
    # skorch ends training quietly on KeyboardInterrupt: it runs the
    # callbacks' on_train_end (early stopping restores its best weights) and
    # returns as if training had finished. That is how its EarlyStopping
    # stops, but a KeyboardInterrupt raised by a signal (Ctrl-C, or SIGTERM
    # under the command line) is raised again once skorch is done, so that a
    # stopped training never passes for a finished one (a fold
    # checkpointed, a model saved).

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        try:
            return super().fit_loop(X, y, epochs=epochs, **fit_params)
        except KeyboardInterrupt as interrupt:
            self._interrupt = interrupt
            raise

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        self._interrupt = None
        with noting_signals() as signals:
            super().partial_fit(X, y, classes, **fit_params)
        interrupt, self._interrupt = self._interrupt, None
        if interrupt is not None and signals:
            raise interrupt
        return self

    def initialize_module(self):
        # 2-D convolutions run 1.2-1.4x faster on this project's x86 CPUs with
        # channels-last weights (benchmarks/train_speed.md); other layers are
        # unaffected.
        super().initialize_module()
        self.module_.to(memory_format=torch.channels_last)
        self._averaged_state = self._raw_state = None
        return self

    # -- weight averaging ------------------------------------------------------
    # The module holds the averaged weights from the end of each training
    # epoch to the start of the next, so validation, early stopping's
    # checkpoints and prediction all see them; training steps see the raw
    # weights, which the optimizer's state belongs to. Both copies live as
    # long as the module, so that partial_fit goes on with both.

    def _floating_state(self):
        return [t for t in self.module_.state_dict().values() if t.is_floating_point()]

    @torch.no_grad()
    def _update_average(self):
        current = self._floating_state()
        if self._averaged_state is None:
            self._averaged_state = [t.detach().clone() for t in current]
            self._n_averaged = 0
        self._n_averaged += 1
        # A shorter memory at first, so the average does not dwell on the
        # random initial weights (as TensorFlow's num_updates does).
        decay = min(self.ema_decay, (1 + self._n_averaged) / (10 + self._n_averaged))
        for average, weights in zip(self._averaged_state, current):
            average.lerp_(weights, 1 - decay)

    @torch.no_grad()
    def _load_state(self, source):
        for weights, saved in zip(self._floating_state(), source):
            weights.copy_(saved)

    def weight_average_state(self):
        """The raw weights and their average that training goes on from."""
        return {
            "raw": self._raw_state,
            "average": self._averaged_state,
            "n_averaged": self._n_averaged,
        }

    def load_weight_average_state(self, state):
        def to_device(tensors):
            return None if tensors is None else [t.to(self.device) for t in tensors]

        self._raw_state = to_device(state["raw"])
        self._averaged_state = to_device(state["average"])
        self._n_averaged = state["n_averaged"]

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        averaging = training and self.ema_decay is not None
        if averaging and self._raw_state is not None:
            self._load_state(self._raw_state)
        super().run_single_epoch(iterator, training, prefix, step_fn, **fit_params)
        if averaging and self._averaged_state is not None:
            self._raw_state = [t.clone() for t in self._floating_state()]
            self._load_state(self._averaged_state)

    def train_step(self, batch, **fit_params):
        step = super().train_step(batch, **fit_params)
        if self.ema_decay is not None:
            self._update_average()
        return step

    def train_step_single(self, batch, **fit_params):
        X, y = batch
        if self.augmentation is not None:
            X = self.augmentation(X)
        if self.mixup_alpha > 0:
            X, y = mixup(X, y, self.module__n_classes, self.mixup_alpha)
        try:
            step = super().train_step_single((X, y), **fit_params)
        except ValueError as error:
            # torch's BatchNorm message speaks of channels, not of the data.
            if "more than 1 value per channel" not in str(error):
                raise
            raise ValueError(
                f"a training batch of {len(X)} example(s) is too small: the network "
                "pools these examples down to a single value per channel, where "
                "BatchNorm needs a batch of at least 2. Train on more examples (after "
                "the validation split), use a larger batch_size, or longer examples."
            ) from error
        self._check_finite_loss(step["loss"], X, "training")
        return step

    def validation_step(self, batch, **fit_params):
        step = super().validation_step(batch, **fit_params)
        self._check_finite_loss(step["loss"], batch[0], "validation")
        return step

    def _check_finite_loss(self, loss, X, stage):
        """Stop at the first NaN or infinite loss: every later epoch, and the
        predictions, would be NaN."""
        if torch.isfinite(loss).item():
            return
        peak = ""
        if torch.is_tensor(X) and X.numel():
            peak = f"The batch holds values up to |X| = {float(X.detach().abs().amax()):.3g}; "
        raise ValueError(
            f"the {stage} loss is {loss.item()} in epoch {len(self.history)}: the "
            f"network diverged or overflowed. {peak}standardise X (values of order 1) "
            f"or lower lr={self.lr}."
        )

    def get_iterator(self, dataset, training=False):
        if not training:
            return super().get_iterator(dataset, training=False)
        kwargs = self.get_params_for("iterator_train")
        batch_size = kwargs.pop("batch_size", self.batch_size)
        # A last training batch of one example breaks BatchNorm; drop it.
        lone_last = len(dataset) > batch_size and len(dataset) % batch_size == 1
        kwargs.setdefault("drop_last", lone_last)
        return self.iterator_train(dataset, batch_size=batch_size, **kwargs)
