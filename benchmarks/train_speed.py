"""Training speed of the skorch-wrapped classifiers against a bare PyTorch loop,
and prediction latency of a fitted waveform-to-label pipeline.

For each model at its paper's input size, one run measures, side by side on
the same random data, module, batch size and optimizer:

- ``skorch``: examples per second of one training epoch of the classifier
  (``partial_fit``: no validation split, nothing but training);
- ``loop``: the same epoch written by hand (forward, loss, backward, step).

The two take turns, epoch by epoch, and each figure is the best of
``--repeats`` epochs after one warm-up epoch, so that a busy moment of a
shared machine counts less and slows both alike. Both train without
augmentation or crops (the papers' recipes), so the difference is the
wrapper's. With ``--probes``, hand loops with candidate speed-ups take turns
instead: Adam's fused step and ``torch.compile`` of the module (its compile
time is the warm-up epoch's). Then a fitted pipeline
(log-mel front end + the CPU crop recipe of ``benchmarks/ravdess.py``) labels
one 3-s clip 100 times (median and 95th percentile latency) and a batch of
256 clips (clips per second).

Usage (from the repository root)::

    .venv/bin/python benchmarks/train_speed.py [--examples 128] [--repeats 3] [--only NAME]
    .venv/bin/python benchmarks/train_speed.py --probes [--only NAME]

Results: ``benchmarks/train_speed.md``.
"""

import argparse
import functools
import platform
import time

import numpy as np
import torch
from torch import nn

from sklearn_ser import CNNLSTM1DClassifier, CNNLSTMClassifier, TransformerCNNClassifier
from sklearn_ser.pipelines import make_crop_cnn_lstm_pipeline

N_CLASSES = 8
BATCH = 32
# The network of the CPU crop recipe (make_crop_cnn_lstm_pipeline).
CROP_NETWORK = {
    "module__channels": (32, 32, 64, 64),
    "module__pool_sizes": (2, 2, 2, 2),
    "module__time_pool_sizes": (2, 2, 2, 2),
    "module__hidden_size": 64,
}
# The papers' input sizes: Zhao 2-D (128 mels x 251 frames), Zhao 1-D (8 s at
# 16 kHz), Zenkov (40 MFCCs x 282 frames); and our crop recipe's network on
# its 2-s windows. All train with the classifiers' defaults (the papers'
# training): no crops, no augmentation.
MODELS = {
    "CNNLSTMClassifier (128 x 251)": (CNNLSTMClassifier, (128, 251), {}),
    "CNNLSTMClassifier, crop recipe network (64 x 63)": (CNNLSTMClassifier, (64, 63), CROP_NETWORK),
    "TransformerCNNClassifier (40 x 282)": (TransformerCNNClassifier, (40, 282), {}),
    "CNNLSTM1DClassifier (128,000 samples)": (CNNLSTM1DClassifier, (128000,), {}),
}


def _timed(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _best_rates(epochs, n_examples, repeats):
    """Examples per second of each epoch function, best of ``repeats``, and
    the seconds of each one's warm-up epoch.

    The functions take turns, so that a busy moment of a shared machine
    slows all rather than the one that happened to run then.
    """
    # warm-up: allocations, oneDNN kernel choice, compilation
    warm_up = [_timed(epoch) for epoch in epochs]
    best = [min(times) for times in zip(*([_timed(e) for e in epochs] for _ in range(repeats)))]
    return [n_examples / seconds for seconds in best], warm_up


def _loop_epoch(module, X, y, lr, fused=None):
    """One epoch written by hand: forward, loss, backward, step."""
    optimizer = torch.optim.Adam(module.parameters(), lr=lr, fused=fused)
    loss_function = nn.CrossEntropyLoss()
    X, y = torch.from_numpy(X), torch.from_numpy(y)

    def epoch():
        module.train()
        order = torch.randperm(len(X))
        for start in range(0, len(X), BATCH):
            batch = order[start : start + BATCH]
            optimizer.zero_grad()
            loss = loss_function(module(X[batch]), y[batch])
            loss.backward()
            optimizer.step()

    return epoch


def _fitted_models(n_examples, only):
    """Per model: its name, a classifier fit for one epoch, and its data."""
    rng = np.random.default_rng(0)
    for name, (make, shape, params) in MODELS.items():
        if only and only not in name:
            continue
        n = n_examples if len(shape) == 2 else max(BATCH, n_examples // 2)
        X = rng.normal(size=(n, *shape)).astype(np.float32)
        y = rng.integers(0, N_CLASSES, size=n)
        classifier = make(batch_size=BATCH, random_state=0, device="cpu", **params)
        torch.manual_seed(0)
        classifier.partial_fit(X, y, classes=np.arange(N_CLASSES))
        yield name, classifier, X, y


def _training_rows(n_examples, repeats, only):
    rows = []
    for name, classifier, X, y in _fitted_models(n_examples, only):
        n = len(X)
        # The same module, also trained by the hand loop.
        loop = _loop_epoch(classifier.net_.module_, X, y, classifier.lr)
        skorch = functools.partial(classifier.partial_fit, X, y)
        (skorch_rate, loop_rate), _ = _best_rates([skorch, loop], n, repeats)
        row = {
            "model": name,
            "examples": n,
            "skorch": skorch_rate,
            "loop": loop_rate,
            "overhead": loop_rate / skorch_rate - 1,
        }
        rows.append(row)
        print(row, flush=True)
    return rows


def _probe_rows(n_examples, repeats, only):
    """Hand loops with candidate speed-ups, taking turns on one module."""
    rows = []
    for name, classifier, X, y in _fitted_models(n_examples, only):
        module, lr = classifier.net_.module_, classifier.lr
        variants = {
            "loop": _loop_epoch(module, X, y, lr),
            "fused Adam": _loop_epoch(module, X, y, lr, fused=True),
            "compiled": _loop_epoch(torch.compile(module, dynamic=False), X, y, lr),
        }
        rates, warm_up = _best_rates(list(variants.values()), len(X), repeats)
        warm_up = dict(zip(variants, warm_up))
        row = {"model": name, "examples": len(X), **dict(zip(variants, rates))}
        row["compile_s"] = warm_up["compiled"] - warm_up["loop"]
        rows.append(row)
        print(row, flush=True)
    return rows


def _print_probes(rows):
    print("\n| model | examples | loop ex/s | fused Adam | compiled | compile time (s) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        loop = row["loop"]
        print(
            f"| {row['model']} | {row['examples']} | {loop:.1f} "
            f"| {row['fused Adam']:.1f} ({row['fused Adam'] / loop:.2f}x) "
            f"| {row['compiled']:.1f} ({row['compiled'] / loop:.2f}x) | {row['compile_s']:.0f} |"
        )


def _latency():
    rng = np.random.default_rng(0)
    sr = 16000
    clips = [
        rng.normal(scale=0.1, size=int(sr * rng.uniform(2.9, 5.3))).astype(np.float32)
        for _ in range(64)
    ]
    labels = np.arange(64) % N_CLASSES
    # The crop recipe as first measured here: no input check, no silence trim.
    pipeline = make_crop_cnn_lstm_pipeline(
        sr=sr, check_domain=False, max_epochs=1, crop_hop=31, random_state=0, device="cpu"
    )
    pipeline.set_params(logmeltransformer__trim_db=None).fit(clips, labels)
    clip = rng.normal(scale=0.1, size=3 * sr).astype(np.float32)
    pipeline.predict([clip])
    seconds = np.array([_timed(lambda: pipeline.predict([clip])) for _ in range(100)])
    batch = [rng.normal(scale=0.1, size=3 * sr).astype(np.float32) for _ in range(256)]
    batch_seconds = min(_timed(lambda: pipeline.predict(batch)) for _ in range(3))
    return {
        "median_ms": 1000 * np.median(seconds),
        "p95_ms": 1000 * np.percentile(seconds, 95),
        "batch_clips_per_s": 256 / batch_seconds,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--examples",
        type=int,
        default=128,
        help="training examples per epoch for the 2-D models (half for the 1-D one)",
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--only",
        help="train only the models whose name holds this text, and skip the latency part",
    )
    parser.add_argument(
        "--probes",
        action="store_true",
        help="time hand loops with candidate speed-ups instead of skorch and latency",
    )
    args = parser.parse_args()
    print(
        f"CPU: {platform.processor() or platform.machine()}, torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads",
        flush=True,
    )
    if args.probes:
        _print_probes(_probe_rows(args.examples, args.repeats, args.only))
        return
    rows = _training_rows(args.examples, args.repeats, args.only)
    print("\n| model | examples | skorch ex/s | loop ex/s | skorch overhead |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print(
            f"| {row['model']} | {row['examples']} | {row['skorch']:.1f} | {row['loop']:.1f} "
            f"| {100 * row['overhead']:+.1f}% |"
        )
    if args.only:
        return
    latency = _latency()
    print(
        f"\none 3-s clip, waveform -> label: median {latency['median_ms']:.1f} ms, "
        f"p95 {latency['p95_ms']:.1f} ms (100 calls); batch of 256 clips: "
        f"{latency['batch_clips_per_s']:.0f} clips/s"
    )


if __name__ == "__main__":
    main()
