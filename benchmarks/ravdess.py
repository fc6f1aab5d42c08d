"""Speaker-independent RAVDESS benchmark: 6 fixed folds of 4 held-out actors.

Every row is scored on the same folds (``sklearn_ser.evaluation.RAVDESS_FOLDS``:
fold k holds out actors 4k+1..4k+4, two male and two female), but for rows
ending in ``-emobox``, on EmoBox's (``EMOBOX_RAVDESS_FOLDS``). The rows are
data in ``ravdess_rows.py``: a public recipe and what the row changes in it,
or a vote of finished rows (``ravdess_votes.py``). A row whose name ends in
``-tuned`` chooses its hyper-parameters with an inner ``GridSearchCV`` over
speaker-grouped folds of the training actors only; the held-out actors never
influence any choice.

Usage (from the repository root)::

    .venv/bin/python benchmarks/ravdess.py ROW [ROW ...] [--data PATH] [--device DEV]

Each row writes ``benchmarks/results/<row>/`` (results.json with the exact
command, wall time and hardware; report.md; confusion_matrix.png; training
curves of neural models). Then the tables are rebuilt from every
results.json present (``ravdess_tables.py``): ``benchmarks/results/README.md``
and the documentation's ``docs/user_guide/ravdess_results.inc``. Without a
row, only the tables are rebuilt.
"""

import argparse
import platform
import shlex
import sys
from functools import partial
from pathlib import Path

import torch
from ravdess_rows import ROWS, SR, VOTES, build, uses
from ravdess_tables import write_tables
from ravdess_votes import soft_vote, stacked_vote

from sklearn_ser import load_ravdess
from sklearn_ser.evaluation import RAVDESS_FOLDS, evaluate_speaker_independent, save_report

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "ravdess16k"
RESULTS = HERE / "results"
DOCS_TABLES = HERE.parent / "docs" / "user_guide" / "ravdess_results.inc"


def _hardware(device):
    if str(device).startswith("cuda"):
        return torch.cuda.get_device_name(device)
    return f"CPU: {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads"


def _evaluate(name, args, corpus):
    """The report of row ``name``, its hardware and (stacked votes) weights;
    no report when only some outer folds' inner fits were asked for."""
    out = Path(args.out)
    row_build = partial(build, seed=args.seed, device=args.device, epochs=args.epochs)
    hardware = _hardware(args.device)
    if name in ROWS:
        # Finished folds go to disk, so a stopped run resumes where it was;
        # the wall time is the sum over folds, whichever session ran them.
        report = evaluate_speaker_independent(
            row_build(name),
            corpus.data,
            corpus.target,
            corpus.groups,
            cv=ROWS[name].folds,
            checkpoint_dir=out / name / "folds",
        )
        return report, hardware, None
    # A vote only combines stored probabilities; its members ran elsewhere.
    if not VOTES[name].stacked:
        return soft_vote(out, name, corpus), "members' rows", None
    outer_folds = args.outer_folds or range(len(RAVDESS_FOLDS.folds))
    report, weights = stacked_vote(out, name, corpus, row_build, outer_folds)
    return report, f"members' rows; inner fits: {hardware}", weights


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "models",
        nargs="*",
        metavar="ROW",
        help="rows of ravdess_rows.py; none: only rebuild the tables",
    )
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="RAVDESS folder")
    parser.add_argument("--device", default="cpu")
    parser.add_argument(
        "--epochs",
        type=int,
        default=60,
        help="maximum epochs of the neural rows that do not set their own "
        "(early stopping ends sooner)",
    )
    parser.add_argument(
        "--outer-folds",
        type=int,
        nargs="+",
        choices=range(len(RAVDESS_FOLDS.folds)),
        help="stacked votes only: run the inner fits of these outer folds and stop "
        "(to share them out between processes); the report needs all of them",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args(argv)
    unknown = sorted(set(args.models) - {*ROWS, *VOTES})
    if unknown:
        parser.error(f"unknown rows {unknown}; choose from {sorted({*ROWS, *VOTES})}")
    corpus = load_ravdess(args.data, sr=SR, n_jobs=2) if args.models else None
    command = "python benchmarks/ravdess.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    for name in args.models:
        report, hardware, weights = _evaluate(name, args, corpus)
        if report is None:
            print(f"\n== {name}: inner fits of outer folds {args.outer_folds} done")
            continue
        run = {
            "model": name,
            "command": command,
            "wall_time_s": sum(report.fold_times),
            "uses": uses(name),
            "hardware": hardware,
            **({"weights": weights} if weights else {}),
            "seed": args.seed,
            "epochs": args.epochs,
            "n_clips": len(corpus.target),
            "folds": (ROWS[name].folds if name in ROWS else RAVDESS_FOLDS).folds,
            "torch": torch.__version__,
        }
        save_report(report, Path(args.out) / name, run)
        print(f"\n== {name} ({run['wall_time_s'] / 60:.1f} min)\n{report}", flush=True)
    out = Path(args.out)
    # The documentation shows the committed results only.
    docs = DOCS_TABLES if out.resolve() == RESULTS else out / "ravdess_results.inc"
    write_tables(out, out / "README.md", docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
