"""Cross-corpus benchmark: train on one corpus, test on another.

RAVDESS (English, 24 actors) and ASED (Amharic, 65 speakers) share five
emotions: angry, fearful, happy, neutral, sad. Every row keeps only those
(RAVDESS's calm, disgust and surprised clips are dropped, nothing is merged)
and runs :class:`sklearn_ser.evaluation.LeaveOneCorpusOut` over the two
corpora: the fold that tests on ASED is RAVDESS -> ASED, the fold that tests
on RAVDESS is ASED -> RAVDESS. Rows ending in ``-spk`` standardise features
per speaker, the test corpus's speakers with their own unlabelled clips;
the others see nothing of the test corpus before predicting.

Usage (from the repository root)::

    .venv/bin/python benchmarks/cross_corpus.py ROW [ROW ...] [--ravdess PATH] [--ased PATH]

Each row writes ``benchmarks/results/cross_corpus/<row>/`` (results.json with
the exact command and wall time, report.md, the finished folds, which the
same command resumes) and ``benchmarks/results/cross_corpus/README.md`` is
rebuilt from every results.json present.

The feature-set SVM rows compute their features once per clip and cache them
in ``benchmarks/cache/`` (not committed): the openSMILE and speaker-encoder
front ends learn nothing in ``fit``, so the rest of the recipe's pipeline
fitted on cached features is the same model as the whole pipeline.
"""

import argparse
import json
import platform
import shlex
import sys
import time
from pathlib import Path

import numpy as np

from sklearn_ser.datasets import concat_corpora, load_ased, load_ravdess, relabel
from sklearn_ser.evaluation import LeaveOneCorpusOut, evaluate_speaker_independent, save_report
from sklearn_ser.pipelines import make_baseline_pipeline, make_crop_cnn_lstm_pipeline

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "cross_corpus"
CACHE = HERE / "cache"
SHARED_EMOTIONS = ["angry", "fearful", "happy", "neutral", "sad"]
SR = 16000


def _svm(features, speaker_norm):
    return make_baseline_pipeline(
        "svm", features=features, speaker_norm=speaker_norm, sr=SR, random_state=0
    )


def _cnn_lstm(speaker_norm):
    return make_crop_cnn_lstm_pipeline(sr=SR, speaker_norm=speaker_norm, random_state=0)


# name -> (description, builder); a vote is the mean of its members' class
# probabilities on the same folds.
ROWS = {
    "egemaps-voice-svm": ("eGeMAPS + speaker encoder, RBF SVM", lambda: _svm(("egemaps", "voice"), False)),
    "egemaps-voice-svm-spk": ("the same, speaker norm", lambda: _svm(("egemaps", "voice"), True)),
    "cnn-lstm-crop": ("make_crop_cnn_lstm_pipeline", lambda: _cnn_lstm(False)),
    "cnn-lstm-crop-spk": ("the same, speaker norm", lambda: _cnn_lstm(True)),
}
VOTES = {
    "vote-cnn-lstm-egemaps-voice": ["cnn-lstm-crop", "egemaps-voice-svm"],
    "vote-cnn-lstm-egemaps-voice-spk": ["cnn-lstm-crop-spk", "egemaps-voice-svm-spk"],
}


def load(ravdess_path, ased_path):
    corpora = [
        relabel(load_ravdess(ravdess_path, sr=SR), keep=SHARED_EMOTIONS),
        relabel(load_ased(ased_path, sr=SR), keep=SHARED_EMOTIONS),
    ]
    return concat_corpora(*corpora, names=["ravdess", "ased"])


def _feature_steps(pipeline):
    """How many leading steps compute per-clip features (those before the scaler)."""
    names = [name for name, _ in pipeline.steps]
    return next(i for i, name in enumerate(names) if "scaler" in name)


def _cached_features(pipeline, n_steps, corpus, key):
    path = CACHE / f"cross_corpus_{key}.npy"
    if path.exists():
        return np.load(path)
    front = pipeline[:n_steps]
    features = front.fit_transform(corpus.data)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, features)
    return features


def run_row(name, corpus, command):
    description, build = ROWS[name]
    model = build()
    X = corpus.data
    if "svm" in name:
        n_steps = _feature_steps(model)
        feature_key = "-".join(n for n, _ in model.steps[:n_steps])
        X = _cached_features(model, n_steps, corpus, feature_key)
        model = model[n_steps:]
    out = RESULTS / name
    start = time.perf_counter()
    report = evaluate_speaker_independent(
        model,
        X,
        corpus.target,
        corpus.groups,
        LeaveOneCorpusOut(),
        checkpoint_dir=out / "folds",
        corpora=corpus.corpus,
    )
    run = {
        "row": name,
        "description": description,
        "command": command,
        "wall_time_s": time.perf_counter() - start,
        "fold_time_s": sum(report.fold_times),
        "hardware": f"{platform.processor() or platform.machine()}, CPU",
    }
    save_report(report, out, run)
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rows", nargs="+", choices=list(ROWS))
    parser.add_argument("--ravdess", default=str(HERE.parents[1] / "shared/data/ravdess16k"))
    parser.add_argument("--ased", default=str(HERE.parents[1] / "shared/data/ased16k"))
    args = parser.parse_args(argv)
    command = "python benchmarks/cross_corpus.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    corpus = load(args.ravdess, args.ased)
    for name in args.rows:
        report = run_row(name, corpus, command)
        print(name)
        print(report)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
