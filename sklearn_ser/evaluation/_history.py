"""Reading the per-epoch training history out of a fitted estimator."""

from numbers import Integral, Real

import numpy as np


def _final_estimator(estimator):
    """The estimator that was actually trained: the last step of a Pipeline,
    the refitted best estimator of a search, the first member of a vote."""
    while True:
        if hasattr(estimator, "best_estimator_"):
            estimator = estimator.best_estimator_
        elif hasattr(estimator, "steps"):
            estimator = estimator.steps[-1][1]
        elif getattr(estimator, "named_estimators_", None):
            estimator = estimator.estimators_[0]
        else:
            return estimator


def _find_history(estimator):
    """A skorch net's history, or that of the net a wrapper holds in ``net_``."""
    for owner in (estimator, getattr(estimator, "net_", None)):
        history = getattr(owner, "history", None)
        if history is not None:
            return history
    return None


def epoch_history(history_or_estimator):
    """Per-epoch scalars of a skorch training history, as plain dicts.

    Parameters
    ----------
    history_or_estimator : skorch History, list of dict or estimator
        A skorch ``History`` (or any list of per-epoch dicts), or a fitted
        estimator that has one as its ``history`` attribute (or its fitted
        skorch ``net_`` has): a skorch net or one of our classifiers, a
        Pipeline ending in one, or a fitted search over such a pipeline.
        Of a voting ensemble (e.g. :func:`~sklearn_ser.pipelines.make_seed_ensemble`)
        the first member's history is read.

    Returns
    -------
    epochs : list of dict or None
        One dict per epoch holding its scalar entries (``epoch``,
        ``train_loss``, ``valid_loss``, ``valid_acc``, ``dur``, ...); the
        per-batch records are left out. None when the estimator has no
        history (e.g. a scikit-learn linear model).

    Examples
    --------
    >>> from sklearn_ser.evaluation import epoch_history
    >>> epoch_history([{"epoch": 1, "train_loss": 0.9, "batches": [{}]}])
    [{'epoch': 1, 'train_loss': 0.9}]
    """
    history = history_or_estimator
    if not isinstance(history, list):
        history = _find_history(_final_estimator(history))
        if history is None:
            return None
    return [
        {key: _plain_scalar(value) for key, value in epoch.items() if _is_scalar(value)}
        for epoch in history
    ]


def _is_scalar(value):
    return isinstance(value, (Real, np.bool_))


def _plain_scalar(value):
    """numpy scalars as Python ones, so that the history is JSON-serialisable."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, Integral):
        return int(value)
    return float(value)
