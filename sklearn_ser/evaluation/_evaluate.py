"""Run a speaker-independent cross-validation and report it."""

import contextlib
import inspect
import os
import time
import warnings
from numbers import Integral

import numpy as np
from sklearn import config_context, get_config
from sklearn.base import clone
from sklearn.model_selection import GroupKFold
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import HasMethods, Interval, validate_params
from sklearn.utils.metadata_routing import get_routing_for_object

# scikit-learn's Parallel and delayed, not joblib's: they carry the caller's
# configuration (set_config, config_context) into worker threads and
# processes, such as those of joblib's "dask" backend.
from sklearn.utils.parallel import Parallel, delayed
from tqdm.auto import tqdm

from ..utils import check_groups
from ._checkpoint import FoldCheckpoints, run_fingerprint
from ._history import epoch_history
from ._report import SpeakerIndependentReport


def _groups_fit_params(estimator, groups):
    """Fit parameters that hand the speakers to whatever can use them.

    Neural estimators split off their early-stopping validation set by
    speaker when they receive ``groups``; a Pipeline needs the parameter
    addressed to its last step (or routed, with metadata routing on). Only a
    ``fit`` that names ``groups`` gets them: a ``**fit_params`` catch-all
    (CalibratedClassifierCV's, skorch's) hands them on to code that fails
    on them.
    """
    if get_config().get("enable_metadata_routing", False):
        return {"groups": groups}
    prefix = ""
    final = estimator
    while hasattr(final, "steps"):
        name, final = final.steps[-1]
        prefix += f"{name}__"
    if "groups" in inspect.signature(final.fit).parameters:
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


def _routed_groups(estimator):
    """Which of ``fit`` and ``predict`` request speakers under metadata routing.

    None when neither does: such an estimator keeps the plain fit parameters
    of :func:`_groups_fit_params`, with routing off.
    """
    with config_context(enable_metadata_routing=True):
        routing = get_routing_for_object(estimator)
        requested = {
            method: bool(routing.consumes(method, ["groups"])) for method in ("fit", "predict")
        }
    return requested if any(requested.values()) else None


def _predict_by_speaker(estimator, X, groups, pass_groups):
    """Class probabilities (or None) and predictions, one call per speaker.

    A step that normalises by the clips of its call when no speakers reach
    it (:class:`~sklearn_ser.SpeakerStandardScaler` inside an ensemble, whose
    ``predict`` routes nothing) then sees one speaker at a time, as it should.
    """
    has_proba = hasattr(estimator, "predict_proba")
    rows_by_speaker, probas, labels = [], [], []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="SpeakerStandardScaler got no groups")
        for speaker in np.unique(groups):
            rows = np.flatnonzero(groups == speaker)
            params = {"groups": groups[rows]} if pass_groups else {}
            X_speaker = _safe_indexing(X, rows)
            if has_proba:
                probas.append(estimator.predict_proba(X_speaker, **params))
                labels.append(estimator.classes_[np.argmax(probas[-1], axis=1)])
            else:
                labels.append(estimator.predict(X_speaker, **params))
            rows_by_speaker.append(rows)
    original_order = np.argsort(np.concatenate(rows_by_speaker))
    proba = np.concatenate(probas)[original_order] if has_proba else None
    return proba, np.concatenate(labels)[original_order]


def _fit_and_predict(estimator, X, y, groups, train, test):
    routed = _routed_groups(estimator)
    start = time.perf_counter()
    with config_context(enable_metadata_routing=routed is not None):
        if routed is None:
            fit_params = _groups_fit_params(estimator, groups[train])
        else:
            fit_params = {"groups": groups[train]} if routed["fit"] else {}
        estimator.fit(_safe_indexing(X, train), y[train], **fit_params)
        fit_time = time.perf_counter() - start
        proba, predictions = _predict_by_speaker(
            estimator,
            _safe_indexing(X, test),
            groups[test],
            pass_groups=routed is not None and routed["predict"],
        )
    return {
        "predictions": predictions,
        "proba": proba,
        "classes": getattr(estimator, "classes_", None),
        "fit_time": fit_time,
        "time": time.perf_counter() - start,
        "history": epoch_history(estimator),
    }


def _proba_classes(fold_classes):
    """The classes of the probability columns: one array when every fold's
    model has the same, else one per fold."""
    first = fold_classes[0]
    if first is None or all(np.array_equal(c, first) for c in fold_classes):
        return first
    return list(fold_classes)


# The parameters of a speaker-independent evaluation, shared with evaluate_to_folder.
EVALUATION_CONSTRAINTS = {
    "estimator": [HasMethods(["fit"])],
    "X": ["array-like"],
    "y": ["array-like"],
    "groups": ["array-like"],
    "cv": [Interval(Integral, 2, None, closed="left"), HasMethods(["split", "get_n_splits"])],
    "corpora": ["array-like", None],
    "n_jobs": [Integral, None],
    "progress": ["boolean"],
}


@validate_params(
    {
        **EVALUATION_CONSTRAINTS,
        "labels": ["array-like", None],
        "checkpoint_dir": [str, os.PathLike, None],
    },
    # The estimator is the caller's: its own parameters are validated when fit.
    prefer_skip_nested_validation=False,
)
def evaluate_speaker_independent(
    estimator,
    X,
    y,
    groups,
    cv=5,
    *,
    labels=None,
    n_jobs=None,
    progress=True,
    checkpoint_dir=None,
    corpora=None,
):
    """Cross-validate an estimator with held-out speakers and report it.

    Each fold fits a fresh clone of ``estimator`` on the training speakers
    only (passing their ``groups`` to ``fit`` when the final estimator
    accepts them, so that an inner early-stopping split is by speaker too)
    and predicts the held-out speakers, one speaker per call. An estimator
    that requests ``groups`` under metadata routing, such as a pipeline with
    a :class:`~sklearn_ser.SpeakerStandardScaler`, is run with routing on
    and gets the speakers at ``fit`` and, if it requests them, at
    ``predict``: the test speakers' unlabelled clips, never labels.

    Predictions are the most probable class when the estimator has
    ``predict_proba``, else those of ``predict``.

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
        Class order of the confusion matrix; by default the sorted labels
        of the samples tested.
    n_jobs : int, default=None
        Number of folds run in parallel (joblib semantics).
    progress : bool, default=True
        Show a progress bar over the folds, on stderr when it is a terminal
        (and in notebooks); never in a log file or a pipe.
    checkpoint_dir : str or path-like, default=None
        Folder where each finished fold is written (predictions, class
        probabilities, fit time, training history). Running the same
        evaluation again skips the folds found there, so a stopped run
        resumes and ends with the same report. A fold that was interrupted
        (``KeyboardInterrupt``, which the neural classifiers raise again
        after stopping) is never written. The folder is refused with a
        :class:`~sklearn_ser.exceptions.CheckpointError` (a ValueError) when
        it holds a run with another estimator, other parameters, folds,
        labels, speakers or input data (a SHA-256 of every sample of ``X``,
        about 0.2 s for RAVDESS's 1,440 clips), when another evaluation is
        running in it (a lock file, ``run.lock``, held while this call
        runs; not taken on Windows), or when one of its files is damaged or
        cannot be written.
    corpora : array-like of shape (n_samples,), default=None
        Corpus of every sample (the ``corpus`` field of
        :func:`~sklearn_ser.datasets.concat_corpora`): the report then also
        scores each test corpus on its own (``per_corpus``). Use it with a
        cross-corpus ``cv`` such as :class:`LeaveOneCorpusOut`.

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
    groups = check_groups(groups)
    if not len(X) == len(y) == len(groups):
        raise ValueError(
            f"X, y and groups must have the same length, got {len(X)}, {len(y)} and {len(groups)}"
        )
    if isinstance(cv, Integral):
        cv = GroupKFold(n_splits=cv)
    splits = list(cv.split(X, y, groups))
    _check_speaker_independent(splits, groups)
    checkpoints = contextlib.nullcontext()
    if checkpoint_dir is not None:
        checkpoints = FoldCheckpoints(
            checkpoint_dir, run_fingerprint(estimator, X, y, groups, splits)
        )
    with checkpoints as folds_on_disk:
        results = [
            None if folds_on_disk is None else folds_on_disk.load(k) for k in range(len(splits))
        ]
        to_run = [k for k, result in enumerate(results) if result is None]
        fresh = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(_fit_and_predict)(clone(estimator), X, y, groups, *splits[k]) for k in to_run
        )
        progress_bar = tqdm(
            total=len(splits),
            initial=len(splits) - len(to_run),
            desc="folds",
            unit="fold",
            disable=None if progress else True,  # None: off when stderr is no terminal
        )
        with progress_bar:
            for k, result in zip(to_run, fresh):
                if folds_on_disk is not None:
                    folds_on_disk.save(k, result)
                results[k] = result
                progress_bar.update()
    histories = [result["history"] for result in results]
    tests = [test for _, test in splits]
    return SpeakerIndependentReport(
        y,
        groups,
        tests,
        [result["predictions"] for result in results],
        # a cross-corpus fold may test only some of the labels
        labels=np.unique(y[np.concatenate(tests)]) if labels is None else labels,
        fit_times=[result["fit_time"] for result in results],
        histories=None if all(h is None for h in histories) else histories,
        fold_times=[result["time"] for result in results],
        fold_proba=[result["proba"] for result in results],
        proba_classes=_proba_classes([result["classes"] for result in results]),
        corpora=corpora,
    )
