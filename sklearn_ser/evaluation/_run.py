"""An evaluation kept in a folder: its finished folds, so that it resumes, and its report."""

import hashlib
import json
import os
import re
from pathlib import Path

from sklearn.utils._param_validation import validate_params

from ..utils._versions import recorded_versions
from ._evaluate import EVALUATION_CONSTRAINTS, evaluate_speaker_independent
from ._export import save_report


@validate_params(
    {**EVALUATION_CONSTRAINTS, "out": [str, os.PathLike], "run": [dict, None]},
    # The estimator is the caller's: its own parameters are validated when fit.
    prefer_skip_nested_validation=False,
)
def evaluate_to_folder(
    estimator, X, y, groups, cv, out, *, run=None, corpora=None, n_jobs=None, progress=True
):
    """Evaluate speaker-independently in a folder that resumes, and write the report there.

    What ``sklearn-ser evaluate`` does for each model, and the benchmarks
    for each row: :func:`evaluate_speaker_independent` keeps every finished
    fold in ``out/folds``, so that the same call after an interruption
    (or on another machine sharing the folder) runs only the missing folds
    and ends with the same report; :func:`save_report` then writes
    ``results.json``, ``report.md`` and the figures in ``out``.

    Parameters
    ----------
    estimator : estimator object
        As for :func:`evaluate_speaker_independent`.
    X : array-like or list of length n_samples
        Input of the estimator, e.g. a list of waveforms.
    y : array-like of shape (n_samples,)
        Labels.
    groups : array-like of shape (n_samples,)
        Speaker of every sample.
    cv : int or cross-validator
        The folds, e.g. from :func:`make_speaker_cv`.
    out : str or path-like
        The folder of this evaluation, created if missing; one folder per
        estimator and data (another run's folds there are refused with a
        :class:`~sklearn_ser.exceptions.CheckpointError`).
    run : dict, default=None
        JSON-serialisable description of the run (corpus, model,
        command...), stored in the report with ``fold_time_s`` (the seconds
        its folds took, summed, whichever session ran them) and
        ``versions`` (of Python and the packages that ran it).
    corpora : array-like of shape (n_samples,), default=None
        Corpus of every sample, for the per-corpus scores of a cross-corpus
        ``cv``.
    n_jobs : int, default=None
        Number of folds run in parallel (joblib semantics).
    progress : bool, default=True
        Show a progress bar over the folds on a terminal.

    Returns
    -------
    report : SpeakerIndependentReport
        The evaluation.
    written : list of str
        The names of the report's files, relative to ``out``.

    Raises
    ------
    CheckpointError
        When the folder holds another run's folds, is in use by another
        evaluation, or a fold's file is damaged or cannot be written.
    OSError
        When a file of the report cannot be written (the previous one, if
        any, is left whole).

    Examples
    --------
    >>> import json, tempfile
    >>> import numpy as np
    >>> from pathlib import Path
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_ser.evaluation import evaluate_to_folder
    >>> rng = np.random.default_rng(0)
    >>> y = np.array(["calm", "angry"] * 20)
    >>> X = rng.normal(size=(40, 3)) + (y == "angry")[:, None] * 3.0
    >>> speakers = np.repeat(np.arange(8), 5)
    >>> out = Path(tempfile.mkdtemp())
    >>> report, written = evaluate_to_folder(
    ...     LogisticRegression(), X, y, speakers, 4, out, run={"model": "logreg"},
    ...     progress=False)
    >>> written[:2], sorted(path.name for path in (out / "folds").glob("fold_*.json"))
    (['results.json', 'report.md'], ['fold_0.json', 'fold_1.json', 'fold_2.json', 'fold_3.json'])
    >>> sorted(json.loads((out / "results.json").read_text())["run"])
    ['fold_time_s', 'model', 'versions']
    """
    out = Path(out)
    report = evaluate_speaker_independent(
        estimator,
        X,
        y,
        groups,
        cv,
        n_jobs=n_jobs,
        progress=progress,
        checkpoint_dir=out / "folds",
        corpora=corpora,
    )
    run = {**(run or {}), "fold_time_s": sum(report.fold_times), "versions": recorded_versions()}
    return report, save_report(report, out, run)


@validate_params(
    {"root": [str, os.PathLike], "label": [str], "settings": [dict]},
    prefer_skip_nested_validation=True,
)
def results_folder(root, label, settings):
    """The folder of an evaluation in ``root``, one per configuration.

    Named for reading by the words of ``label``, then a short hash of
    ``settings``: the same settings find their folder again, so that
    :func:`evaluate_to_folder` resumes there, and other settings never reuse
    it. The default ``--out`` of ``sklearn-ser evaluate``, whose settings
    are its options that change the results.

    Parameters
    ----------
    root : str or path-like
        The folder that holds the evaluations' folders.
    label : str
        What is evaluated on what, e.g. ``"ravdess+ased cnn-lstm (5 seeds)"``;
        its words (letters and digits, words joined by ``+`` kept whole)
        are joined by ``-``.
    settings : dict
        JSON-serialisable settings (others are hashed as their ``str``);
        their order does not matter.

    Returns
    -------
    folder : pathlib.Path
        ``root/<words of label>-<8 hex digits>``.

    Examples
    --------
    >>> from sklearn_ser.evaluation import results_folder
    >>> results_folder("results", "synthetic baseline + speaker norm", {"seed": 0}).name
    'synthetic-baseline-speaker-norm-...'
    >>> (results_folder("results", "a", {"seed": 0, "cv": "loso"})
    ...  == results_folder("results", "a", {"cv": "loso", "seed": 0}))
    True
    """
    words = re.findall(r"[a-z0-9]+(?:\+[a-z0-9]+)*", label.lower())
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode())
    return Path(root) / f"{'-'.join(words)}-{digest.hexdigest()[:8]}"
