"""Tables of the RAVDESS benchmark, rebuilt from every ``results.json``.

One table per family of models, current rows first; archived rows (see
``ravdess_rows``) follow in a collapsed list. Written as Markdown for
``benchmarks/results/README.md`` and as reStructuredText for the
documentation's benchmark page, from the same cells.
"""

import json
from dataclasses import dataclass

import numpy as np
from ravdess_rows import LEGEND, ROWS, VOTES

from sklearn_ser.evaluation import EMOBOX_RAVDESS_FOLDS, RAVDESS_FOLDS
from sklearn_ser.pipelines import make_baseline_pipeline, make_crop_cnn_lstm_pipeline

# Family: its title and the public functions behind its rows, in table order.
FAMILIES = {
    "recommended": ("The recommended model", ("make_recommended_pipeline",)),
    "votes": ("Votes of several families", ()),
    "cnn-lstm": ("CNN-LSTM, our CPU recipe", ("make_crop_cnn_lstm_pipeline",)),
    "papers": (
        "The papers' networks",
        ("make_zhao_2d_pipeline", "make_zenkov_pipeline", "make_zhao_1d_pipeline"),
    ),
    "features": ("Feature sets and a classical classifier", ("make_baseline_pipeline",)),
    "other": ("Other rows", ()),
}
HEADER = ("row", "UAR %", "accuracy %", "minutes", "note")
INTRO = (
    "Speaker-independent: 6 folds of 4 held-out actors (`RAVDESS_FOLDS`), 1,440 clips at "
    "16 kHz, 8 emotions (chance 12.5%). UAR is the balanced accuracy; mean ± sample "
    "standard deviation over the folds, in %. Minutes: wall time summed over the folds, "
    "on a 2-core x86_64 CPU with one torch thread († two); a vote's is its members'. "
    "Rerun a row with `python benchmarks/ravdess.py ROW` and the options shown beside it "
    "(or the script named there); "
    "its folder holds the exact command, per-fold scores, confusion matrix and curves."
)


@dataclass
class Result:
    """One row's fold scores (in %), and how it ran."""

    name: str
    uar: np.ndarray
    accuracy: np.ndarray
    minutes: float
    threads: int | None
    options: list  # command-line options that are not the defaults
    folds: str  # the folds, when not ours


def read_results(results_dir):
    """Every row's result in ``results_dir/*/results.json``."""
    results = []
    for path in sorted(results_dir.glob("*/results.json")):
        result = json.loads(path.read_text(encoding="utf-8"))
        run, folds = result["run"], result["folds"]
        # The script when it is not this benchmark's, and options other than
        # the defaults: what to add to "python benchmarks/ravdess.py ROW".
        script = run.get("command", "").split()[1:2]
        options = [] if script in ([], ["benchmarks/ravdess.py"]) else script
        if run.get("epochs", 60) != 60:
            options.append(f"--epochs {run['epochs']}")
        if run.get("seed", 0) != 0:
            options.append(f"--seed {run['seed']}")
        protocol = ""
        if run.get("folds", RAVDESS_FOLDS.folds) == EMOBOX_RAVDESS_FOLDS.folds:
            protocol = "EmoBox's folds"
        elif run.get("folds", RAVDESS_FOLDS.folds) != RAVDESS_FOLDS.folds:
            protocol = "other folds"
        hardware = run.get("hardware", "")
        results.append(
            Result(
                name=run["model"],
                uar=100 * np.array([fold["uar"] for fold in folds]),
                accuracy=100 * np.array([fold["accuracy"] for fold in folds]),
                # evaluate_to_folder's runs record the time of their folds as
                # fold_time_s; older rows and the votes the same as wall_time_s.
                minutes=run.get("fold_time_s", run.get("wall_time_s")) / 60,
                threads=2 if "2 threads" in hardware else 1 if "1 threads" in hardware else None,
                options=options,
                folds=protocol,
            )
        )
    return results


def family(name):
    """The family a row belongs to: by its recipe, or by its members for a
    vote (a vote of one family's rows, e.g. of seeds, is of that family)."""
    if name in ROWS:
        recipe = ROWS[name].recipe
        if recipe is make_baseline_pipeline:
            return "features"
        return "cnn-lstm" if recipe is make_crop_cnn_lstm_pipeline else "papers"
    if name in VOTES:
        families = {family(member) for member in VOTES[name].members}
        return families.pop() if len(families) == 1 else "votes"
    return "recommended" if name.startswith("recommended") else "other"


def _archived(name):
    entry = ROWS.get(name) or VOTES.get(name)
    return entry.archived if entry else None


def _note(name):
    entry = ROWS.get(name) or VOTES.get(name)
    return entry.note if entry else ""


def _mean_sd(scores):
    return f"{scores.mean():.1f} ± {scores.std(ddof=1):.1f}"


def _cells(result, archived):
    minutes = f"{result.minutes:.1f}" + (" †" if result.threads == 2 else "")
    note = _note(result.name)
    if archived:
        # "→ row": superseded by that row; other reasons read as they are.
        reason = _archived(result.name)
        if reason.split()[0] in ROWS or reason.split()[0] in VOTES:
            reason = f"→ {reason}"
        note = reason + (f"; {note}" if note else "")
    return (
        result.name,
        result.options,
        result.folds,
        _mean_sd(result.uar),
        _mean_sd(result.accuracy),
        minutes,
        note,
    )


def _groups(results, archived):
    """(family title, functions, rows' cells) per family, rows best first."""
    groups = []
    for key, (title, functions) in FAMILIES.items():
        rows = [
            result
            for result in results
            if family(result.name) == key and bool(_archived(result.name)) == archived
        ]
        if rows:
            rows.sort(key=lambda result: -result.uar.mean())
            groups.append((title, functions, [_cells(result, archived) for result in rows]))
    return groups


# -- Markdown ------------------------------------------------------------------


def _markdown_table(cells):
    lines = ["| " + " | ".join(HEADER) + " |", "| --- | ---: | ---: | ---: | --- |"]
    for name, options, folds, uar, accuracy, minutes, note in cells:
        row = " ".join([f"`{name}`", *(f"`{option}`" for option in options)])
        row += f" ({folds})" if folds else ""
        lines.append(f"| {row} | {uar} | {accuracy} | {minutes} | {note} |")
    return lines


def markdown(results):
    """``benchmarks/results/README.md``."""
    lines = ["# RAVDESS speaker-independent results", "", INTRO, "", "Row names:", ""]
    lines += [f"- `{part}`: {meaning}" for part, _, meaning in LEGEND]
    for title, functions, cells in _groups(results, archived=False):
        names = ", ".join(f"`{function}`" for function in functions)
        lines += ["", f"## {title}" + (f" ({names})" if names else ""), ""]
        lines += _markdown_table(cells)
    archived = _groups(results, archived=True)
    count = sum(len(cells) for _, _, cells in archived)
    lines += [
        "",
        "## Archived rows",
        "",
        "Rows superseded by a later one (→), kept with their results.",
        "",
        "<details>",
        f"<summary>{count} archived rows</summary>",
    ]
    for title, _, cells in archived:
        lines += ["", f"### {title}", ""] + _markdown_table(cells)
    lines += ["", "</details>", ""]
    return "\n".join(lines)


# -- reStructuredText ------------------------------------------------------------


def _rst_table(cells):
    lines = [".. list-table::", "   :header-rows: 1", "   :widths: 30 9 9 6 46"]
    lines += ["   :class: ravdess-results", ""]
    for index, cell in enumerate(HEADER):
        lines.append(f"   {'*' if index == 0 else ' '} - {cell}")
    for name, options, folds, uar, accuracy, minutes, note in cells:
        row = " ".join([f"``{name}``", *(f"``{option}``" for option in options)])
        row += f" ({folds})" if folds else ""
        lines += [
            f"   * - {row}",
            f"     - {uar}",
            f"     - {accuracy}",
            f"     - {minutes}",
            f"     - {note}",
        ]
    return lines + [""]


def rst(results):
    """The documentation's include file: legend, current and archived rows."""
    lines = [".. Written by benchmarks/ravdess.py from benchmarks/results/*/results.json.", ""]
    lines += [
        ".. list-table:: What the parts of a row's name stand for",
        "   :class: ravdess-legend",
        "",
    ]
    for part, _, meaning in LEGEND:
        lines += [f"   * - ``{part}``", f"     - {meaning}"]
    lines += [""]
    # Subsections of the including page's section; the archived tables are
    # rubrics inside one collapsed block.
    for title, functions, cells in _groups(results, archived=False):
        links = ", ".join(f":func:`~sklearn_ser.pipelines.{function}`" for function in functions)
        heading = title + (f": {links}" if links else "")
        lines += [heading, "~" * len(heading), ""] + _rst_table(cells)
    archived = _groups(results, archived=True)
    count = sum(len(cells) for _, _, cells in archived)
    lines += [
        "Archived rows",
        "~~~~~~~~~~~~~",
        "",
        "Rows superseded by a later one (→), kept with their results.",
        "",
        ".. raw:: html",
        "",
        f"   <details><summary>{count} archived rows</summary>",
        "",
    ]
    for title, _, cells in archived:
        lines += [f".. rubric:: {title}", ""] + _rst_table(cells)
    lines += [".. raw:: html", "", "   </details>", ""]
    return "\n".join(lines)


def write_tables(results_dir, readme, include):
    """Rewrite the Markdown and reStructuredText tables from the results."""
    results = read_results(results_dir)
    readme.write_text(markdown(results), encoding="utf-8")
    include.write_text(rst(results), encoding="utf-8")
