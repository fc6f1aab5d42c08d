"""Speaker-independent results: per-fold, per-class and per-speaker scores."""

import math
import warnings
from collections.abc import Iterable

import numpy as np
from sklearn.metrics import accuracy_score, balanced_accuracy_score, confusion_matrix
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import HasMethods, validate_params

from ..utils import format_table
from ._history import epoch_history

# How a printed "±" is labelled: the sample standard deviation over folds.
_SPREAD = "± sample std"


def _uar(y_true, y_pred):
    """Balanced accuracy over the classes present in ``y_true``.

    A fold or a speaker may lack some classes, so predictions of an absent
    class are expected; they count as errors without a warning.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="y_pred contains classes not in y_true")
        warnings.filterwarnings("ignore", message="A single label was found")
        return float(balanced_accuracy_score(y_true, y_pred))


def _python(value):
    """A label or speaker id as a plain Python scalar (for JSON)."""
    return value.item() if isinstance(value, np.generic) else value


class PredictionScores:
    """UAR, accuracy, per-class recall and confusion matrix of predictions.

    Build it with :func:`score_predictions` or :func:`score_file_predictions`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like
        Class labels, in the order of the confusion matrix.
    notes : list of str, default=()
        What was left out of the scores and why.

    Attributes
    ----------
    labels : ndarray
        Class labels, in the order of ``confusion_matrix``.
    n : int
        Number of predictions.
    uar : float
        Unweighted average recall (balanced accuracy) over the classes
        present in the true labels.
    accuracy : float
    per_class_recall : dict
        Label -> recall; NaN for a label without true samples.
    confusion_matrix : ndarray of shape (n_classes, n_classes)
        Rows are true classes, columns predictions.
    prediction_shares : dict
        Label -> share of the predictions that are this label. A share near
        one says the model collapsed onto a class (frequent across corpora).
    notes : list of str
        What was left out of the scores and why
        (:func:`score_file_predictions`), printed first by ``str()``.
    """

    def __init__(self, y_true, y_pred, labels, notes=()):
        self.notes = list(notes)
        self.labels = np.asarray(labels)
        self.n = len(y_true)
        self.uar = _uar(y_true, y_pred)
        self.accuracy = float(accuracy_score(y_true, y_pred))
        self.confusion_matrix = confusion_matrix(y_true, y_pred, labels=self.labels)
        support = self.confusion_matrix.sum(axis=1)
        recall = np.divide(
            np.diag(self.confusion_matrix),
            support,
            out=np.full(len(self.labels), np.nan),
            where=support > 0,
        )
        self.per_class_recall = {_python(label): float(r) for label, r in zip(self.labels, recall)}
        predicted = self.confusion_matrix.sum(axis=0)
        self.prediction_shares = {
            _python(label): float(count / max(self.n, 1))
            for label, count in zip(self.labels, predicted)
        }

    def to_dict(self):
        """The scores as a JSON-serialisable dict.

        Returns
        -------
        result : dict
            Keys ``n``, ``uar``, ``accuracy``, ``labels``,
            ``per_class_recall``, ``prediction_shares`` and
            ``confusion_matrix`` (nested lists, rows true).
        """
        return {
            "n": self.n,
            "uar": self.uar,
            "accuracy": self.accuracy,
            "labels": [_python(label) for label in self.labels],
            "per_class_recall": {str(k): v for k, v in self.per_class_recall.items()},
            "prediction_shares": {str(k): v for k, v in self.prediction_shares.items()},
            "confusion_matrix": self.confusion_matrix.tolist(),
        }

    def __str__(self):
        recall = _table(
            ["class", "recall %", "predicted %"],
            [
                [str(label), f"{100 * recall:.1f}", f"{100 * self.prediction_shares[label]:.1f}"]
                for label, recall in self.per_class_recall.items()
            ],
        )
        title = (
            f"{self.n} predictions: UAR {100 * self.uar:.1f} %, "
            f"accuracy {100 * self.accuracy:.1f} %"
        )
        notes = "".join(f"note: {note}\n" for note in self.notes)
        return notes + "\n\n".join([title, recall, _table(*_confusion_rows(self))])

    def __repr__(self):
        return f"<PredictionScores: {self.n} predictions, UAR {100 * self.uar:.1f} %>"


@validate_params(
    {"y_true": ["array-like"], "y_pred": ["array-like"], "labels": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def score_predictions(y_true, y_pred, *, labels=None):
    """Score predicted labels against the true ones.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like, default=None
        Class order of the confusion matrix; by default the sorted union of
        true and predicted labels.

    Returns
    -------
    scores : PredictionScores
        ``uar``, ``accuracy``, ``per_class_recall``, ``prediction_shares``
        and ``confusion_matrix``; ``str(scores)`` prints them as tables.

    Examples
    --------
    >>> from sklearn_ser.evaluation import score_predictions
    >>> scores = score_predictions(["sad", "sad", "angry", "angry"],
    ...                            ["sad", "angry", "angry", "angry"])
    >>> scores.uar, scores.per_class_recall, scores.prediction_shares["angry"]
    (0.75, {'angry': 1.0, 'sad': 0.5}, 0.75)
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} labels but y_pred has {len(y_pred)}")
    if len(y_true) == 0:
        raise ValueError("no predictions to score")
    if labels is None:
        labels = np.unique(np.concatenate([y_true, y_pred]))
    return PredictionScores(y_true, y_pred, labels)


class SpeakerIndependentReport:
    """Scores of a speaker-independent cross-validation.

    Build it with :func:`speaker_independent_report` (from pooled
    predictions, e.g. of :func:`~sklearn.model_selection.cross_val_predict`),
    :func:`report_from_cross_validate` or
    :func:`evaluate_speaker_independent`, rather than directly.

    UAR is the unweighted average recall (balanced accuracy). Fold scores
    are computed on each test fold; their spread is the sample standard
    deviation over folds (``ddof=1``, as papers report it; NaN for a single
    fold), labelled "sample std" wherever it is printed. Per-class recall,
    per-speaker scores and the confusion matrix pool the predictions of all
    folds.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels of all samples.
    groups : array-like of shape (n_samples,)
        Speaker of every sample.
    test_indices : list of ndarray of int
        For each fold, the indices of its test samples.
    fold_predictions : list of ndarray
        For each fold, the predicted labels of its test samples.
    labels : array-like, default=None
        Class labels in the order of the confusion matrix; by default the
        sorted union of true and predicted labels.
    fit_times : list of float, default=None
        Seconds spent fitting each fold.
    histories : list of (list of dict or None), default=None
        Per-epoch training history of each fold (see :func:`epoch_history`).
    fold_times : list of float, default=None
        Seconds spent on each fold in all (fitting and predicting); their
        sum is the run's compute time even when it was resumed.
    fold_proba : list of (ndarray of shape (n_test, n_classes) or None), default=None
        Class probabilities of each fold's test samples, for estimators
        with ``predict_proba``.
    proba_classes : ndarray of shape (n_classes,) or list of ndarray, default=None
        Classes of the columns of ``fold_proba``; one array per fold when the
        folds' models know different classes (cross-corpus folds trained on
        the labels of each test corpus).
    corpora : array-like of shape (n_samples,), default=None
        Corpus of every sample, for scores per test corpus (e.g. the
        ``corpus`` field of :func:`~sklearn_ser.datasets.concat_corpora`).

    Attributes
    ----------
    y_true, y_pred, groups : ndarray of shape (n_predictions,)
        True label, prediction and speaker of every test prediction, fold
        after fold.
    labels : ndarray
        Class labels, in the order of ``confusion_matrix``.
    folds : list of dict
        Per fold: ``fold``, ``speakers``, ``n_test``, ``uar``, ``accuracy``
        and, when known, ``fit_time`` and ``corpora`` (the test corpora).
    confusion_matrix : ndarray of shape (n_classes, n_classes)
        Counts over all folds; rows are true classes, columns predictions.
    per_class_recall : dict
        Label -> recall over all folds.
    per_speaker : dict
        Speaker -> dict with ``n``, ``uar`` and ``accuracy``.
    corpora : ndarray of shape (n_predictions,) or None
        Corpus of every test prediction, when ``corpora`` was given.
    per_corpus : dict or None
        Test corpus -> its :class:`PredictionScores` (UAR, per-class recall,
        confusion matrix, share of each predicted class), when ``corpora``
        was given.
    histories, fold_times, fold_proba, proba_classes : list or None
        As passed.
    """

    def __init__(
        self,
        y_true,
        groups,
        test_indices,
        fold_predictions,
        *,
        labels=None,
        fit_times=None,
        histories=None,
        fold_times=None,
        fold_proba=None,
        proba_classes=None,
        corpora=None,
    ):
        y_true = np.asarray(y_true)
        groups = np.asarray(groups)
        if len(y_true) != len(groups):
            raise ValueError(f"y_true has {len(y_true)} samples but groups has {len(groups)}")
        if len(test_indices) != len(fold_predictions) or not test_indices:
            raise ValueError("need one array of predictions per test fold, and a fold")
        self.test_indices = [np.asarray(test, dtype=int) for test in test_indices]
        self.fold_predictions = [np.asarray(pred) for pred in fold_predictions]
        for k, (test, pred) in enumerate(zip(self.test_indices, self.fold_predictions)):
            if len(test) != len(pred):
                raise ValueError(
                    f"fold {k} has {len(test)} test samples but {len(pred)} predictions"
                )
        self.y_true = np.concatenate([y_true[test] for test in self.test_indices])
        self.y_pred = np.concatenate(self.fold_predictions)
        self.groups = np.concatenate([groups[test] for test in self.test_indices])
        if labels is None:
            labels = np.unique(np.concatenate([self.y_true, self.y_pred]))
        self.labels = np.asarray(labels)
        self.fit_times = None if fit_times is None else [float(t) for t in fit_times]
        self.fold_times = None if fold_times is None else [float(t) for t in fold_times]
        self.histories = histories
        self.fold_proba = fold_proba
        self.proba_classes = proba_classes

        self.folds = []
        for k, (test, pred) in enumerate(zip(self.test_indices, self.fold_predictions)):
            fold = {
                "fold": k,
                "speakers": [_python(s) for s in np.unique(groups[test])],
                "n_test": len(test),
                "uar": _uar(y_true[test], pred),
                "accuracy": float(accuracy_score(y_true[test], pred)),
            }
            if self.fit_times is not None:
                fold["fit_time"] = self.fit_times[k]
            self.folds.append(fold)

        pooled = PredictionScores(self.y_true, self.y_pred, self.labels)
        self.confusion_matrix = pooled.confusion_matrix
        self.per_class_recall = pooled.per_class_recall
        self.corpora = None
        self.per_corpus = None
        if corpora is not None:
            corpora = np.asarray(corpora)
            if len(corpora) != len(y_true):
                raise ValueError(f"corpora has {len(corpora)} entries but y_true has {len(y_true)}")
            self.corpora = np.concatenate([corpora[test] for test in self.test_indices])
            for fold, test in zip(self.folds, self.test_indices):
                fold["corpora"] = [_python(name) for name in np.unique(corpora[test])]
            self.per_corpus = {
                _python(name): PredictionScores(
                    self.y_true[self.corpora == name],
                    self.y_pred[self.corpora == name],
                    self.labels,
                )
                for name in np.unique(self.corpora)
            }
        self.per_speaker = {}
        for speaker in np.unique(self.groups):
            mask = self.groups == speaker
            self.per_speaker[_python(speaker)] = {
                "n": int(mask.sum()),
                "uar": _uar(self.y_true[mask], self.y_pred[mask]),
                "accuracy": float(accuracy_score(self.y_true[mask], self.y_pred[mask])),
            }

    def _fold_scores(self, name):
        return np.array([fold[name] for fold in self.folds])

    def _fold_mean(self, name):
        return float(self._fold_scores(name).mean())

    def _fold_std(self, name):
        """Sample standard deviation over folds (NaN for one fold)."""
        scores = self._fold_scores(name)
        return float(scores.std(ddof=1)) if len(scores) > 1 else math.nan

    @property
    def uar_mean(self):
        """Mean UAR over folds."""
        return self._fold_mean("uar")

    @property
    def uar_std(self):
        """Sample standard deviation (``ddof=1``) of the UAR over folds."""
        return self._fold_std("uar")

    @property
    def accuracy_mean(self):
        """Mean accuracy over folds."""
        return self._fold_mean("accuracy")

    @property
    def accuracy_std(self):
        """Sample standard deviation (``ddof=1``) of the accuracy over folds."""
        return self._fold_std("accuracy")

    def to_dict(self):
        """All scores as a JSON-serialisable dict.

        Returns
        -------
        result : dict
            Keys ``n_folds``, ``n_samples``, ``labels``, ``uar`` and
            ``accuracy`` (each ``{"mean", "std", "std_ddof"}``: the sample
            standard deviation over folds, ``std_ddof=1``, None for a single
            fold), ``folds``,
            ``per_class_recall``, ``per_speaker`` (keys as strings),
            ``confusion_matrix`` (nested lists, rows true) and
            ``histories``; ``per_corpus`` (corpus -> the
            :meth:`PredictionScores.to_dict` of its test predictions) when
            the corpora are known.
        """
        result = {
            "n_folds": len(self.folds),
            "n_samples": len(self.y_true),
            "labels": [_python(label) for label in self.labels],
            "uar": self._summary_dict("uar"),
            "accuracy": self._summary_dict("accuracy"),
            "folds": self.folds,
            "per_class_recall": {str(k): v for k, v in self.per_class_recall.items()},
            "per_speaker": {str(k): v for k, v in self.per_speaker.items()},
            "confusion_matrix": self.confusion_matrix.tolist(),
            "histories": self.histories,
        }
        if self.per_corpus is not None:
            result["per_corpus"] = {
                str(name): scores.to_dict() for name, scores in self.per_corpus.items()
            }
        return result

    def _summary_dict(self, name):
        std = self._fold_std(name)
        return {
            "mean": self._fold_mean(name),
            "std": None if math.isnan(std) else std,  # JSON has no NaN
            "std_ddof": 1,
        }

    def _fold_rows(self):
        header = ["fold", "speakers", "n_test", "UAR %", "accuracy %"]
        if self.fit_times is not None:
            header.append("fit s")
        rows = []
        for fold in self.folds:
            speakers = " ".join(str(s) for s in fold["speakers"])
            if "corpora" in fold:  # a cross-corpus fold holds out whole corpora
                speakers = f"{' '.join(fold['corpora'])} ({len(fold['speakers'])} speakers)"
            row = [
                str(fold["fold"]),
                speakers,
                str(fold["n_test"]),
                f"{100 * fold['uar']:.1f}",
                f"{100 * fold['accuracy']:.1f}",
            ]
            if self.fit_times is not None:
                row.append(f"{fold['fit_time']:.1f}")
            rows.append(row)
        summary = [
            f"mean {_SPREAD}",
            "",
            str(len(self.y_true)),
            _mean_sd(self.uar_mean, self.uar_std),
            _mean_sd(self.accuracy_mean, self.accuracy_std),
        ]
        if self.fit_times is not None:
            summary.append(f"{sum(self.fit_times):.1f}")
        rows.append(summary)
        return header, rows

    def _class_rows(self):
        return ["class", "recall %"], [
            [str(label), f"{100 * recall:.1f}"] for label, recall in self.per_class_recall.items()
        ]

    def _corpus_rows(self):
        header = ["test corpus", "n", "UAR %", "accuracy %", "most predicted %"]
        header += [f"{label} %" for label in self.labels]
        rows = []
        for name, scores in self.per_corpus.items():
            top = max(scores.prediction_shares, key=scores.prediction_shares.get)
            recalls = scores.per_class_recall.values()
            rows.append(
                [
                    str(name),
                    str(scores.n),
                    f"{100 * scores.uar:.1f}",
                    f"{100 * scores.accuracy:.1f}",
                    f"{100 * scores.prediction_shares[top]:.0f} ({top})",
                    *("-" if np.isnan(r) else f"{100 * r:.1f}" for r in recalls),
                ]
            )
        return header, rows

    def _sections(self):
        """(Markdown title, (header, rows)) of every table."""
        sections = [("Folds", self._fold_rows())]
        if self.per_corpus is not None:
            sections.append(("Per test corpus (recall per class)", self._corpus_rows()))
        return sections + [
            ("Per-class recall (all folds)", self._class_rows()),
            ("Confusion matrix (all folds; rows are true classes)", _confusion_rows(self)),
        ]

    def _title(self):
        return (
            f"Speaker-independent evaluation: {len(self.folds)} folds, "
            f"{len(self.y_true)} test predictions, {len(self.per_speaker)} speakers, "
            f"{len(self.labels)} classes"
        )

    def __str__(self):
        parts = [self._title()]
        for _, (header, rows) in self._sections():
            parts.append(_table(header, rows))
        return "\n\n".join(parts)

    def __repr__(self):
        return (
            f"<SpeakerIndependentReport: {len(self.folds)} folds, "
            f"UAR {_mean_sd(self.uar_mean, self.uar_std)} %, "
            f"accuracy {_mean_sd(self.accuracy_mean, self.accuracy_std)} % "
            f"(mean {_SPREAD})>"
        )

    def to_markdown(self):
        """The folds, per-class recall and confusion matrix as Markdown.

        Returns
        -------
        markdown : str
        """
        parts = [f"# {self._title()}"]
        for title, (header, rows) in self._sections():
            parts.append(f"## {title}\n\n{_table(header, rows, 'markdown')}")
        return "\n\n".join(parts) + "\n"

    def plot_confusion_matrix(self, ax=None, **kwargs):
        """Plot the pooled confusion matrix, normalised per true class.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is made when None.
        **kwargs
            Passed to :func:`plot_confusion_matrix`.

        Returns
        -------
        ax : matplotlib Axes
        """
        from ._plots import plot_confusion_matrix

        return plot_confusion_matrix(self.y_true, self.y_pred, labels=self.labels, ax=ax, **kwargs)


def _mean_sd(mean, std):
    """A fold score as "mean ± std" in %, "n/a" for the spread of one fold."""
    return f"{100 * mean:.1f} ± " + ("n/a" if math.isnan(std) else f"{100 * std:.1f}")


def _confusion_rows(scores):
    """Header and rows of the confusion matrix of a report or scores."""
    header = ["true \\ predicted"] + [str(label) for label in scores.labels]
    rows = [
        [str(label)] + [str(count) for count in counts]
        for label, counts in zip(scores.labels, scores.confusion_matrix)
    ]
    return header, rows


def _table(header, rows, format="text"):
    """Text cells under ``header``, as :func:`~sklearn_ser.utils.format_table` lays them out."""
    import pandas as pd  # here, so that importing sklearn_ser does not import pandas

    return format_table(pd.DataFrame(rows, columns=header), format).rstrip("\n")


def _test_indices_from(folds, y_true, groups):
    """Test indices of every fold, from a CV object, (train, test) pairs or
    bare test index arrays."""
    if hasattr(folds, "split"):
        folds = folds.split(y_true, y_true, groups)
    return [np.asarray(fold[1] if isinstance(fold, tuple) else fold, dtype=int) for fold in folds]


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "groups": ["array-like"],
        "folds": [HasMethods(["split"]), Iterable],
        "labels": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def speaker_independent_report(y_true, y_pred, groups, folds, *, labels=None):
    """Score pooled out-of-fold predictions fold by fold.

    Made for the output of :func:`~sklearn.model_selection.cross_val_predict`:
    every sample has one prediction, made by the model of the fold that
    tested it.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Out-of-fold predicted labels.
    groups : array-like of shape (n_samples,)
        Speaker of every sample.
    folds : cross-validator, or iterable of (train, test) or of test indices
        The folds that produced ``y_pred``: a CV object (its ``split`` is
        called with ``groups``), the pairs its ``split`` yields, or one array
        of test indices per fold.
    labels : array-like, default=None
        Class order of the confusion matrix.

    Returns
    -------
    report : SpeakerIndependentReport

    Examples
    --------
    >>> from sklearn_ser.evaluation import speaker_independent_report
    >>> y_true = ["angry", "sad", "sad", "angry", "sad", "sad"]
    >>> y_pred = ["angry", "sad", "angry", "angry", "sad", "sad"]
    >>> speakers = [1, 1, 1, 2, 2, 2]
    >>> report = speaker_independent_report(
    ...     y_true, y_pred, speakers, folds=[[0, 1, 2], [3, 4, 5]])
    >>> [round(fold["uar"], 2) for fold in report.folds]
    [0.75, 1.0]
    >>> report.per_class_recall
    {'angry': 1.0, 'sad': 0.75}
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if len(y_pred) != len(y_true):
        raise ValueError(f"y_true has {len(y_true)} samples but y_pred has {len(y_pred)}")
    test_indices = _test_indices_from(folds, y_true, groups)
    return SpeakerIndependentReport(
        y_true,
        groups,
        test_indices,
        [y_pred[test] for test in test_indices],
        labels=labels,
    )


@validate_params(
    {
        "cv_results": [dict],
        "X": ["array-like"],
        "y": ["array-like"],
        "groups": ["array-like"],
        "labels": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def report_from_cross_validate(cv_results, X, y, groups, *, labels=None):
    """Score the output of :func:`~sklearn.model_selection.cross_validate`.

    Parameters
    ----------
    cv_results : dict
        Result of ``cross_validate(..., return_estimator=True,
        return_indices=True)``; each fold's estimator predicts its own test
        samples.
    X : array-like or list of length n_samples
        The data given to ``cross_validate``.
    y : array-like of shape (n_samples,)
        The labels given to ``cross_validate``.
    groups : array-like of shape (n_samples,)
        Speaker of every sample.
    labels : array-like, default=None
        Class order of the confusion matrix.

    Returns
    -------
    report : SpeakerIndependentReport
        With fit times and, for neural estimators, training histories.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn.model_selection import cross_validate
    >>> from sklearn_ser.evaluation import report_from_cross_validate, speaker_folds
    >>> X, y = np.zeros((8, 1)), np.array([0, 1] * 4)
    >>> speakers = [1, 1, 2, 2, 3, 3, 4, 4]
    >>> cv = speaker_folds(speakers, n_folds=2)
    >>> results = cross_validate(DummyClassifier(), X, y, groups=speakers, cv=cv,
    ...                          return_estimator=True, return_indices=True)
    >>> report_from_cross_validate(results, X, y, speakers).uar_mean
    0.5
    """
    missing = [key for key in ("estimator", "indices") if key not in cv_results]
    if missing:
        raise ValueError(
            f"cv_results lacks {missing}: call cross_validate with "
            "return_estimator=True and return_indices=True"
        )
    test_indices = cv_results["indices"]["test"]
    predictions = [
        estimator.predict(_safe_indexing(X, test))
        for estimator, test in zip(cv_results["estimator"], test_indices)
    ]
    histories = [epoch_history(estimator) for estimator in cv_results["estimator"]]
    return SpeakerIndependentReport(
        y,
        groups,
        test_indices,
        predictions,
        labels=labels,
        fit_times=cv_results.get("fit_time"),
        histories=None if all(h is None for h in histories) else histories,
    )
