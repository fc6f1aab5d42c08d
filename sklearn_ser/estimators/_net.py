"""The skorch side: a NeuralNet that augments training batches, and the
internal validation split (by speaker when speakers are known)."""

import math

import numpy as np
from skorch import NeuralNet
from sklearn.model_selection import GroupShuffleSplit, ShuffleSplit, StratifiedShuffleSplit
from torch.utils.data import Dataset, Subset


class LabelledClips(Dataset):
    """Examples, integer labels and (optionally) speakers, as one dataset.

    Speakers travel with the data, not as fit parameters, so they reach the
    validation split and never the module's ``forward``.
    """

    def __init__(self, X, y, groups=None):
        self.X = X
        self.y = y
        self.groups = groups

    def __len__(self):
        return len(self.X)

    def __getitem__(self, index):
        return self.X[index], self.y[index]


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
    stratifiable = (
        class_counts.min() >= 2 and n_classes <= n_valid <= n_samples - n_classes
    )
    splitter_class = StratifiedShuffleSplit if stratifiable else ShuffleSplit
    splitter = splitter_class(1, test_size=n_valid, random_state=random_state)
    return next(splitter.split(dummy_X, y))


class ValidationSplit:
    """skorch ``train_split``: hold out ``fraction`` of a LabelledClips dataset."""

    def __init__(self, fraction, random_state):
        self.fraction = fraction
        self.random_state = random_state

    def __call__(self, dataset, y=None, **fit_params):
        train, valid = validation_indices(
            dataset.y, dataset.groups, self.fraction, self.random_state
        )
        return Subset(dataset, train), Subset(dataset, valid)


class AugmentingNet(NeuralNet):
    """NeuralNet that passes training batches through ``augmentation``.

    Validation and prediction batches are never augmented: only
    ``train_step_single`` is overridden.
    """

    def __init__(self, *args, augmentation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.augmentation = augmentation

    def train_step_single(self, batch, **fit_params):
        X, y = batch
        if self.augmentation is not None:
            X = self.augmentation(X)
        return super().train_step_single((X, y), **fit_params)

    def get_iterator(self, dataset, training=False):
        if not training:
            return super().get_iterator(dataset, training=False)
        kwargs = self.get_params_for("iterator_train")
        batch_size = kwargs.pop("batch_size", self.batch_size)
        # A last training batch of one example breaks BatchNorm; drop it.
        lone_last = len(dataset) > batch_size and len(dataset) % batch_size == 1
        kwargs.setdefault("drop_last", lone_last)
        return self.iterator_train(dataset, batch_size=batch_size, **kwargs)
