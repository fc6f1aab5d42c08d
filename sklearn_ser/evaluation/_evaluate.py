"""Run a speaker-independent cross-validation and report it."""

import inspect
import time
from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from sklearn import get_config
from sklearn.base import clone
from sklearn.model_selection import GroupKFold
from sklearn.utils import _safe_indexing
from tqdm.auto import tqdm

from ._history import epoch_history
from ._report import SpeakerIndependentReport


def _groups_fit_params(estimator, groups):
    """Fit parameters that hand the speakers to whatever can use them.

    Neural estimators split off their early-stopping validation set by
    speaker when they receive ``groups``; a Pipeline needs the parameter
    addressed to its last step (or routed, with metadata routing on).
    """
    if get_config().get("enable_metadata_routing", False):
        return {"groups": groups}
    prefix = ""
    final = estimator
    while hasattr(final, "steps"):
        name, final = final.steps[-1]
        prefix += f"{name}__"
    parameters = inspect.signature(final.fit).parameters.values()
    if any(
        p.name == "groups" or p.kind == inspect.Parameter.VAR_KEYWORD for p in parameters
    ):
        return {f"{prefix}groups": groups}
    return {}


def _check_speaker_independent(splits, groups):
    for k, (train, test) in enumerate(splits):
        shared = np.intersect1d(groups[train], groups[test])
        if shared.size:
            raise ValueError(
                f"fold {k} is not speaker-independent: speakers {shared.tolist()} are "
                "in both its training and test sets; use a group-aware cv"
            )


def _fit_and_predict(estimator, X, y, groups, train, test):
    fit_params = _groups_fit_params(estimator, groups[train])
    start = time.perf_counter()
    estimator.fit(_safe_indexing(X, train), y[train], **fit_params)
    fit_time = time.perf_counter() - start
    predictions = estimator.predict(_safe_indexing(X, test))
    return predictions, fit_time, epoch_history(estimator)


def evaluate_speaker_independent(
    estimator, X, y, groups, cv=5, *, labels=None, n_jobs=None, progress=True
):
    """Cross-validate an estimator with held-out speakers and report it.

    Each fold fits a fresh clone of ``estimator`` on the training speakers
    only (passing their ``groups`` to ``fit`` when the final estimator
    accepts them, so that an inner early-stopping split is by speaker too)
    and predicts the held-out speakers.

    Parameters
    ----------
    estimator : estimator object
        A classifier, or a Pipeline ending in one, that takes ``X`` as is
        (e.g. waveforms in, labels out).
    X : array-like or list of length n_samples
        Input of the estimator, e.g. a list of waveforms.
    y : array-like of shape (n_samples,)
        Labels.
    groups : array-like of shape (n_samples,)
        Speaker of every sample.
    cv : int or cross-validator, default=5
        An int is the number of folds of a
        :class:`~sklearn.model_selection.GroupKFold`. A cross-validator must
        be group-aware: a fold that shares a speaker between training and
        test raises an error.
    labels : array-like, default=None
        Class order of the confusion matrix; by default the sorted labels.
    n_jobs : int, default=None
        Number of folds run in parallel (joblib semantics).
    progress : bool, default=True
        Show a progress bar over the folds.

    Returns
    -------
    report : SpeakerIndependentReport
        Scores per fold, class and speaker, fit times, and the training
        history of each fold for estimators that record one.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_ser.evaluation import evaluate_speaker_independent
    >>> rng = np.random.default_rng(0)
    >>> y = np.array(["calm", "angry"] * 20)
    >>> X = rng.normal(size=(40, 3)) + (y == "angry")[:, None] * 3.0
    >>> speakers = np.repeat(np.arange(8), 5)
    >>> report = evaluate_speaker_independent(
    ...     LogisticRegression(), X, y, speakers, cv=4, progress=False)
    >>> len(report.folds), report.uar_mean > 0.9
    (4, True)
    """
    y = np.asarray(y)
    groups = np.asarray(groups)
    if not len(X) == len(y) == len(groups):
        raise ValueError(
            f"X, y and groups must have the same length, got {len(X)}, {len(y)} "
            f"and {len(groups)}"
        )
    if isinstance(cv, Integral):
        cv = GroupKFold(n_splits=cv)
    splits = list(cv.split(X, y, groups))
    _check_speaker_independent(splits, groups)
    results = Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(_fit_and_predict)(clone(estimator), X, y, groups, train, test)
        for train, test in splits
    )
    predictions, fit_times, histories = [], [], []
    for fold_predictions, fit_time, history in tqdm(
        results, total=len(splits), desc="folds", unit="fold", disable=not progress
    ):
        predictions.append(fold_predictions)
        fit_times.append(fit_time)
        histories.append(history)
    return SpeakerIndependentReport(
        y, groups, [test for _, test in splits], predictions,
        labels=np.unique(y) if labels is None else labels,
        fit_times=fit_times,
        histories=None if all(h is None for h in histories) else histories,
    )
