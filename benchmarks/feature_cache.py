"""A GridSearchCV over an SVM's C with and without the per-clip feature cache.

``GridSearchCV(make_baseline_pipeline("svm", features=...), {C: 5 values},
cv=RAVDESS_FOLDS)`` fits 5 x 6 candidates and a final refit. Without a
cache, each of those 31 fits computes the openSMILE features of its
training clips and each of the 30 scores those of its test clips. With
``memory=`` (the transformers' per-clip cache) every clip is computed once.
Both searches run here, one after the other, on the same clips; the script
prints both times, their ratio, and checks that the searches agree.

Usage (from the repository root)::

    .venv/bin/python benchmarks/feature_cache.py [--clips-per-actor N] [--features egemaps]

and writes ``benchmarks/results/feature_cache.json``.
"""

import argparse
import json
import platform
import shlex
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.model_selection import GridSearchCV

from sklearn_ser import load_ravdess
from sklearn_ser.evaluation import RAVDESS_FOLDS
from sklearn_ser.pipelines import make_baseline_pipeline

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "ravdess16k"
C_GRID = {"calibratedclassifiercv__estimator__C": [0.1, 0.3, 1.0, 3.0, 10.0]}


def timed_search(features, memory, clips, labels, speakers):
    model = make_baseline_pipeline(
        "svm", features=features, check_domain=False, memory=memory, random_state=0
    )
    search = GridSearchCV(model, C_GRID, cv=RAVDESS_FOLDS, scoring="balanced_accuracy")
    start = time.perf_counter()
    search.fit(clips, labels, groups=speakers)
    return search, time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="RAVDESS folder")
    parser.add_argument("--clips-per-actor", type=int, default=10)
    parser.add_argument("--features", default="egemaps", choices=["egemaps", "compare"])
    args = parser.parse_args(argv)
    corpus = load_ravdess(args.data, n_jobs=2)
    # The first clips of every actor, so that every fold has test actors.
    keep = np.concatenate(
        [
            np.flatnonzero(corpus.groups == actor)[: args.clips_per_actor]
            for actor in np.unique(corpus.groups)
        ]
    )
    clips = [corpus.data[i] for i in keep]
    labels, speakers = corpus.target[keep], corpus.groups[keep]
    before, before_s = timed_search(args.features, None, clips, labels, speakers)
    with tempfile.TemporaryDirectory() as cache:
        after, after_s = timed_search(args.features, cache, clips, labels, speakers)
    scores = "mean_test_score"
    if not np.allclose(before.cv_results_[scores], after.cv_results_[scores]):
        raise SystemExit("the cached search scored the candidates differently")
    result = {
        "command": "python benchmarks/feature_cache.py "
        + shlex.join(sys.argv[1:] if argv is None else argv),
        "features": args.features,
        "n_clips": len(clips),
        "fits": len(before.cv_results_[scores]) * RAVDESS_FOLDS.get_n_splits() + 1,
        "without_cache_s": before_s,
        "with_cache_s": after_s,
        "speedup": before_s / after_s,
        "best_params": before.best_params_,
        "hardware": f"CPU: {platform.machine()}, {torch.get_num_threads()} threads",
    }
    (HERE / "results" / "feature_cache.json").write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"GridSearchCV, {result['fits']} fits on {len(clips)} clips ({args.features}): "
        f"{before_s:.0f} s without the cache, {after_s:.0f} s with it, "
        f"{result['speedup']:.1f}x faster"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
