"""Seconds per training epoch of each model at the papers' input sizes.

A planning aid for the RAVDESS benchmark: one epoch over 1,150 examples (the
training actors of one RAVDESS fold) of random input with the shape each
paper's front end gives a RAVDESS clip at 16 kHz: 128 x 165 log-mel for the
2D CNN-LSTM (n_fft 2048, hop 512, clips up to 5.3 s), 40 x 282 MFCC for the
Transformer-CNN, 4 s of raw waveform for the 1D CNN-LSTM. Default
hyper-parameters, no validation split.

Usage (repository root)::

    .venv/bin/python benchmarks/epoch_time.py [--device cuda] [--examples 1150]
"""

import argparse
import platform
import time

import numpy as np
import torch

from sklearn_ser import CNNLSTM1DClassifier, CNNLSTMClassifier, TransformerCNNClassifier

SHAPES = {
    "CNNLSTMClassifier": (CNNLSTMClassifier, (128, 165)),
    "TransformerCNNClassifier": (TransformerCNNClassifier, (40, 282)),
    "CNNLSTM1DClassifier": (CNNLSTM1DClassifier, (64000,)),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--examples", type=int, default=1150)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    y = np.resize(np.arange(8), args.examples)
    device = args.device
    hardware = (
        torch.cuda.get_device_name(device)
        if device.startswith("cuda")
        else f"{platform.machine()} CPU, {torch.get_num_threads()} torch threads"
    )
    print(f"{args.examples} examples, 8 classes, {hardware}, torch {torch.__version__}\n")
    print("| model | input | seconds per epoch |")
    print("| --- | --- | --- |")
    for name, (estimator, shape) in SHAPES.items():
        X = rng.standard_normal((args.examples, *shape), dtype=np.float32)
        clf = estimator(max_epochs=1, validation_fraction=None, device=device, random_state=0)
        start = time.perf_counter()
        clf.fit(X, y)
        print(
            f"| {name} | {' x '.join(map(str, shape))} | {time.perf_counter() - start:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
