"""Write a speaker-independent report to a folder: JSON, Markdown, figures."""

import json
import os
import sys
from pathlib import Path

from sklearn.utils._param_validation import validate_params

from ..utils._files import replacing
from ._plots import plot_training_curves
from ._report import SpeakerIndependentReport


def _save_figure(figure, path):
    with replacing(path) as temporary:
        figure.savefig(temporary, format="png", dpi=120)


def _save_figures(report, out):
    try:
        from matplotlib.figure import Figure
    except ImportError:
        print(
            "matplotlib is not installed: no figures written (pip install 'sklearn_ser[plot]')",
            file=sys.stderr,
        )
        return []
    written = []
    figure = Figure(figsize=(6, 5), layout="constrained")
    report.plot_confusion_matrix(ax=figure.subplots())
    _save_figure(figure, out / "confusion_matrix.png")
    written.append("confusion_matrix.png")
    for k, history in enumerate(report.histories or []):
        if history:
            figure = Figure(figsize=(6, 4), layout="constrained")
            plot_training_curves(history, ax=figure.subplots(), title=f"fold {k}")
            _save_figure(figure, out / f"training_curves_fold{k}.png")
            written.append(f"training_curves_fold{k}.png")
    return written


def _write_text(path, text):
    with replacing(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


@validate_params(
    {"report": [SpeakerIndependentReport], "out": [str, os.PathLike], "run": [dict, None]},
    prefer_skip_nested_validation=True,
)
def save_report(report, out, run=None):
    """Write a report as ``results.json``, ``report.md`` and PNG figures.

    Parameters
    ----------
    report : SpeakerIndependentReport
        The evaluation to write.
    out : str or path-like
        Folder to write into; created if missing.
    run : dict, default=None
        JSON-serialisable description of the run (command, corpus, model,
        wall time, versions...), stored under ``"run"`` in the JSON and
        listed at the end of the Markdown report.

    Returns
    -------
    written : list of str
        Names of the files written, relative to ``out``. The figures (a
        confusion matrix, and training curves for every fold that recorded a
        history) are skipped, with a note on stderr, without matplotlib.

    Raises
    ------
    OSError
        When a file cannot be written (a full disk, a read-only folder).
        Each file is written to a temporary name beside it and renamed, so
        the file it was to replace is left whole, and no temporary file is
        left behind.

    Examples
    --------
    >>> import tempfile
    >>> from sklearn_ser.evaluation import save_report, speaker_independent_report
    >>> report = speaker_independent_report(
    ...     ["sad", "sad", "angry", "angry"], ["sad", "angry", "angry", "angry"],
    ...     groups=["a", "b", "a", "b"], folds=[[0, 2], [1, 3]])
    >>> with tempfile.TemporaryDirectory() as out:
    ...     save_report(report, out, run={"model": "by hand"})
    ['results.json', 'report.md', 'confusion_matrix.png']
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    run = dict(run or {})
    _write_text(out / "results.json", json.dumps({"run": run, **report.to_dict()}, indent=2))
    settings = "\n".join(f"- {key}: {value}" for key, value in run.items() if key != "versions")
    _write_text(
        out / "report.md",
        report.to_markdown() + (f"\n## Run\n\n{settings}\n" if settings else ""),
    )
    return ["results.json", "report.md", *_save_figures(report, out)]
