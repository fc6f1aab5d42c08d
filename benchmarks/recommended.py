"""The recommended model, fitted on every fold, and what it costs.

``make_recommended_pipeline()`` is fitted as one estimator on the training
actors of each fold and scored on the held-out ones: our six folds
(``RAVDESS_FOLDS``) and EmoBox's six (``EMOBOX_RAVDESS_FOLDS``), with and
without speaker normalisation. Nothing is read back from other rows.

Usage (from the repository root)::

    .venv/bin/python benchmarks/recommended.py ROW [ROW ...] [--data PATH]
    .venv/bin/python benchmarks/recommended.py --cost [--data PATH]

A row writes ``benchmarks/results/<row>/`` like ``benchmarks/ravdess.py``
with :func:`sklearn_ser.evaluation.evaluate_to_folder` (results.json with the
exact command, the time of its folds, versions and hardware; report.md; the
finished folds, which the same command resumes), and the RAVDESS tables are
rebuilt with them (``ravdess_tables.py``). The openSMILE and
speaker-encoder features of each clip are cached in ``benchmarks/cache/``
(not committed) and shared by the folds and rows: a row's fold time leaves
out features that an earlier row or run computed, and says so.

``--cost`` fits the model without speaker normalisation on all clips
(no feature cache), then times the prediction of one 3-s clip, and
writes ``benchmarks/results/recommended-cost.json``.
"""

import argparse
import json
import platform
import shlex
import statistics
import sys
import time
from pathlib import Path

import torch
from ravdess import DOCS_TABLES
from ravdess_tables import write_tables

from sklearn_ser import load_ravdess
from sklearn_ser.evaluation import EMOBOX_RAVDESS_FOLDS, RAVDESS_FOLDS, evaluate_to_folder
from sklearn_ser.pipelines import make_recommended_pipeline

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "ravdess16k"
RESULTS = HERE / "results"
FEATURE_CACHE = HERE / "cache" / "features"
SR = 16000
SEED = 0

# row -> (speaker normalisation, folds, name of the folds)
ROWS = {
    "recommended": (False, RAVDESS_FOLDS, "RAVDESS_FOLDS"),
    "recommended-spk": (True, RAVDESS_FOLDS, "RAVDESS_FOLDS"),
    "recommended-emobox": (False, EMOBOX_RAVDESS_FOLDS, "EMOBOX_RAVDESS_FOLDS"),
    "recommended-spk-emobox": (True, EMOBOX_RAVDESS_FOLDS, "EMOBOX_RAVDESS_FOLDS"),
}

# Where a row's clips had their openSMILE and encoder features computed.
ROW_NOTES = {
    "recommended-spk": "features computed in fold 0 (its time includes them), cached after",
    **{
        name: "openSMILE and encoder features cached by recommended-spk (time left out)"
        for name in ("recommended", "recommended-emobox", "recommended-spk-emobox")
    },
}

# Its members were chosen after the scores of stored rows on RAVDESS_FOLDS
# were known (a vote of fewer members matching the four-family one), so
# those folds are not unseen by that choice.
USES = [
    "soft vote of make_crop_cnn_lstm_pipeline(), a ComParE SVM and an "
    "eGeMAPS + speaker-encoder SVM",
    "pretrained speaker encoder (Resemblyzer's, trained on LibriSpeech and VoxCeleb)",
    "members chosen after stored rows were scored on RAVDESS_FOLDS",
]


def _hardware():
    return f"CPU: {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads"


def run_row(name, corpus, command):
    speaker_norm, folds, folds_name = ROWS[name]
    uses = list(USES)
    if speaker_norm:
        uses.insert(0, "per-speaker normalisation (test speakers' unlabelled clips)")
    if ROW_NOTES.get(name):
        uses.append(ROW_NOTES[name])
    run = {
        "model": name,
        "command": command,
        "uses": uses,
        "hardware": _hardware(),
        "seed": SEED,
        "n_clips": len(corpus.target),
        "folds": folds.folds,
        "folds_name": folds_name,
    }
    model = make_recommended_pipeline(
        sr=SR, speaker_norm=speaker_norm, memory=FEATURE_CACHE, random_state=SEED
    )
    report, _ = evaluate_to_folder(
        model, corpus.data, corpus.target, corpus.groups, folds, RESULTS / name, run=run
    )
    print(f"\n== {name} ({sum(report.fold_times) / 60:.1f} min)\n{report}", flush=True)


def measure_cost(corpus, command):
    """Fit on every clip (no feature cache); time one 3-s clip's prediction."""
    model = make_recommended_pipeline(sr=SR, random_state=SEED)
    start = time.perf_counter()
    model.fit(corpus.data, corpus.target)
    fit_s = time.perf_counter() - start
    clip = next(clip[: 3 * SR] for clip in corpus.data if len(clip) >= 3 * SR)
    latencies = []
    for _ in range(11):
        start = time.perf_counter()
        model.predict([clip])
        latencies.append(time.perf_counter() - start)
    cost = {
        "command": command,
        "n_clips": len(corpus.target),
        "fit_s": fit_s,
        "predict_3s_clip_first_s": latencies[0],
        "predict_3s_clip_median_s": statistics.median(latencies[1:]),
        "hardware": _hardware(),
        "torch": torch.__version__,
    }
    (RESULTS / "recommended-cost.json").write_text(json.dumps(cost, indent=2) + "\n")
    print(json.dumps(cost, indent=2), flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", nargs="*", help=f"any of {', '.join(ROWS)}")
    parser.add_argument("--cost", action="store_true", help="time a fit on all clips")
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="RAVDESS folder")
    args = parser.parse_args(argv)
    if not args.rows and not args.cost:
        parser.error("give rows and/or --cost")
    unknown = sorted(set(args.rows) - set(ROWS))
    if unknown:
        parser.error(f"unknown rows {unknown}; choose from {list(ROWS)}")
    command = "python benchmarks/recommended.py " + shlex.join(
        sys.argv[1:] if argv is None else argv
    )
    corpus = load_ravdess(args.data, sr=SR, n_jobs=2)
    for name in args.rows:
        run_row(name, corpus, command)
    if args.cost:
        measure_cost(corpus, command)
    write_tables(RESULTS, RESULTS / "README.md", DOCS_TABLES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
