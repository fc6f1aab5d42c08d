"""Speaker-independent RAVDESS benchmark: 6 fixed folds of 4 held-out actors.

Every model is scored on the same folds (``sklearn_ser.evaluation.RAVDESS_FOLDS``:
fold k holds out actors 4k+1..4k+4, two male and two female). A model whose
name ends in ``-tuned`` chooses its hyper-parameters with an inner
``GridSearchCV`` over speaker-grouped folds of the training actors only; the
held-out actors never influence any choice. Neural models also early-stop on a
speaker-grouped validation split of the training actors.

Usage (from the repository root)::

    .venv/bin/python benchmarks/ravdess.py MODEL [MODEL ...] [--data PATH] [--device DEV]

Each model writes ``benchmarks/results/<model>/`` (results.json with the exact
command, wall time and hardware; report.md; confusion_matrix.png; training
curves of neural models), and ``benchmarks/results/README.md`` is rebuilt from
every results.json present.
"""

import argparse
import json
import platform
import shlex
import sys
import tempfile
import time
from pathlib import Path

import torch
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import make_pipeline

from sklearn_ser import (
    CNNLSTM1DClassifier,
    CNNLSTMClassifier,
    FixedLengthWaveform,
    LogMelTransformer,
    TransformerCNNClassifier,
    load_ravdess,
    make_baseline_pipeline,
)
from sklearn_ser.evaluation import RAVDESS_FOLDS, evaluate_speaker_independent, save_report

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "ravdess16k"
SR = 16000


def _inner_search(pipeline, grid):
    """Hyper-parameters chosen on speaker-grouped folds of the training actors.

    The pipeline caches its fitted front end, so candidates that differ only
    in the classifier share one feature extraction per inner fold.
    """
    pipeline.set_params(memory=tempfile.mkdtemp(prefix="sklearn_ser_bench_"))
    return GridSearchCV(pipeline, grid, cv=GroupKFold(n_splits=3),
                        scoring="balanced_accuracy", n_jobs=1)


def _zhao_front_end():
    # Zhao et al.: 16 kHz, n_fft 2048, hop 512, 128 mel bands.
    return LogMelTransformer(sr=SR, n_fft=2048, hop_length=512, n_mels=128)


def _zenkov_front_end():
    # Zenkov: 40 MFCCs from 128 mels, Hamming window of 512 samples at 48 kHz
    # (10.7 ms), 3 s per clip (282 frames) past the leading silence; the same
    # durations at 16 kHz, the middle 3 s, and the per-coefficient
    # standardisation fit on the training fold.
    return LogMelTransformer(sr=SR, n_fft=512, win_length=171, hop_length=171,
                             window="hamming", n_mels=128, n_mfcc=40, normalize=True,
                             n_frames=282, align="center")


def _models(seed, device, epochs):
    net = {"random_state": seed, "device": device, "max_epochs": epochs}
    return {
        "baseline": lambda: make_baseline_pipeline("logreg", sr=SR, random_state=seed),
        "baseline-tuned": lambda: _inner_search(
            make_baseline_pipeline("svm", sr=SR, random_state=seed),
            {"calibratedclassifiercv__estimator__C": [0.3, 1.0, 3.0, 10.0]},
        ),
        "cnn-lstm-paper": lambda: make_pipeline(_zhao_front_end(), CNNLSTMClassifier(**net)),
        "transformer-cnn-paper": lambda: make_pipeline(
            _zenkov_front_end(), TransformerCNNClassifier(**net)),
        # Fixed a priori after the paper-default run's inner validation loss
        # bottomed out around epoch 15-29: SpecAugment masks (about 7% of the
        # frames and 10% of the coefficients each) and balanced classes.
        "transformer-cnn-masked": lambda: make_pipeline(
            _zenkov_front_end(),
            TransformerCNNClassifier(**net, class_weight="balanced", time_masks=2,
                                     time_mask_width=20, freq_masks=2, freq_mask_width=4)),
        "cnn-lstm-1d-paper": lambda: make_pipeline(
            FixedLengthWaveform(), CNNLSTM1DClassifier(**net)),
        # Fixed a priori for a CPU budget (no search): 64 mels, a quarter of
        # the paper's pooling along time so the LSTM sees about 10 steps,
        # half the channels, balanced classes and SpecAugment masks.
        "cnn-lstm-small": lambda: make_pipeline(
            LogMelTransformer(sr=SR, n_fft=1024, hop_length=512, n_mels=64, normalize=True),
            CNNLSTMClassifier(**net, class_weight="balanced", time_masks=2,
                              time_mask_width=8, freq_masks=2, freq_mask_width=6,
                              module__channels=(32, 32, 64, 64),
                              module__pool_sizes=(2, 2, 2, 2),
                              module__time_pool_sizes=(2, 2, 2, 2),
                              module__hidden_size=64),
        ),
        "cnn-lstm-tuned": lambda: _inner_search(
            make_pipeline(
                LogMelTransformer(sr=SR, n_fft=1024, hop_length=256, n_mels=64),
                CNNLSTMClassifier(**net, class_weight="balanced", time_masks=2,
                                  time_mask_width=8, freq_masks=2, freq_mask_width=6),
            ),
            {"cnnlstmclassifier__module__time_pool_sizes": [(2, 2, 2, 2), (2, 4, 4, 4)]},
        ),
    }


def _hardware(device):
    if str(device).startswith("cuda"):
        return torch.cuda.get_device_name(device)
    return f"CPU: {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads"


def _summary(results_dir):
    rows = []
    for path in sorted(results_dir.glob("*/results.json")):
        result = json.loads(path.read_text())
        run = result["run"]
        rows.append(
            f"| {run['model']} | {100 * result['uar']['mean']:.1f} ± {100 * result['uar']['std']:.1f} "
            f"| {100 * result['accuracy']['mean']:.1f} ± {100 * result['accuracy']['std']:.1f} "
            f"| {run['wall_time_s'] / 60:.1f} | {run['hardware']} | `{run['command']}` |"
        )
    header = (
        "# RAVDESS speaker-independent results\n\n"
        "6 folds x 4 held-out actors (`RAVDESS_FOLDS`), 1,440 clips at 16 kHz. "
        "UAR = balanced accuracy; mean ± std over folds, in %.\n"
        "Rebuilt by `benchmarks/ravdess.py` from `*/results.json`.\n\n"
        "| model | UAR | accuracy | wall time (min) | hardware | command |\n"
        "| --- | --- | --- | --- | --- | --- |\n"
    )
    (results_dir / "README.md").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="*",
                        help="model names (see _models in this file); none: only rebuild "
                             "results/README.md")
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="RAVDESS folder")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--epochs", type=int, default=60,
                        help="maximum epochs of the neural models (early stopping ends sooner)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(HERE / "results"))
    args = parser.parse_args(argv)
    models = _models(args.seed, args.device, args.epochs)
    unknown = sorted(set(args.models) - set(models))
    if unknown:
        parser.error(f"unknown models {unknown}; choose from {sorted(models)}")
    corpus = load_ravdess(args.data, sr=SR, n_jobs=2) if args.models else None
    command = "python benchmarks/ravdess.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    for name in args.models:
        start = time.perf_counter()
        report = evaluate_speaker_independent(
            models[name](), corpus.data, corpus.target, corpus.groups, cv=RAVDESS_FOLDS)
        run = {
            "model": name, "command": command, "wall_time_s": time.perf_counter() - start,
            "hardware": _hardware(args.device), "seed": args.seed, "epochs": args.epochs,
            "n_clips": len(corpus.target), "folds": RAVDESS_FOLDS.folds,
            "torch": torch.__version__,
        }
        save_report(report, Path(args.out) / name, run)
        print(f"\n== {name} ({run['wall_time_s'] / 60:.1f} min)\n{report}", flush=True)
    _summary(Path(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
