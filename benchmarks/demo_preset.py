"""How the demo's small CNN-LSTM preset was chosen: configurations scored
speaker-independently (GroupKFold(5)) on the synthetic corpus drawn with
random_state=1, never on the corpus the demo reports (random_state=0).

Usage (from the repository root)::

    .venv/bin/python benchmarks/demo_preset.py baseline baseline-spk wide spk-wide
    .venv/bin/python benchmarks/demo_preset.py baseline-spk spk-wide spk-wide-60 \
        spk-wide-mixup spk-wide-masks spk-wide-lr1e-3 --seeds 1 2 3

Results: ``benchmarks/demo_preset.md``. The winner, ``wide``, is
:func:`sklearn_ser.pipelines.make_small_cnn_lstm_pipeline`, which now
averages its weights and trains on every clip as ``spk-wide-60-ema-full``
does; ``make demo`` runs ``spk-wide-60-5seeds-ema-full``, five seeds of it
averaged.
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline

from sklearn_ser import (
    CNNLSTMClassifier,
    LogMelTransformer,
    SpeakerStandardScaler,
    make_emotional_speech,
)
from sklearn_ser.evaluation import evaluate_speaker_independent
from sklearn_ser.pipelines import (
    make_baseline_pipeline,
    make_seed_ensemble,
    make_small_cnn_lstm_pipeline,
)

SR = 16000
SPECTROGRAM = {"sr": SR, "n_fft": SR // 16, "hop_length": SR // 32, "n_mels": 40}
# The preset before this search: a quarter of the paper's channels, pooling
# along time in three blocks.
OLD_SMALL = {
    "module__channels": (16, 16, 32, 32),
    "module__hidden_size": 32,
    "module__time_pool_sizes": (2, 2, 2, 1),
}
# The configurations as scored before the preset averaged its weights
# (ema_decay) and trained on every clip (validation_fraction).
NET = {
    "max_epochs": 20,
    "random_state": 0,
    "device": "cpu",
    "ema_decay": None,
    "validation_fraction": 0.1,
}
MASKS = {
    "class_weight": "balanced",
    "time_masks": 1,
    "time_mask_width": 4,
    "freq_masks": 1,
    "freq_mask_width": 4,
}


def _normalised(**classifier):
    return make_pipeline(
        LogMelTransformer(**SPECTROGRAM, normalize=True),
        CNNLSTMClassifier(**{**NET, **OLD_SMALL, **classifier}),
    )


def _per_speaker(**classifier):
    return make_pipeline(
        LogMelTransformer(**SPECTROGRAM, padding="nan"),
        SpeakerStandardScaler(),
        CNNLSTMClassifier(**{**NET, **OLD_SMALL, **classifier}),
    )


def _every_clip(max_epochs=60):
    """spk-wide-60-ema without the validation split, for max_epochs epochs."""
    return make_small_cnn_lstm_pipeline(
        sr=SR,
        speaker_norm=True,
        **{**NET, "max_epochs": max_epochs, "ema_decay": 0.98, "validation_fraction": None},
    )


CONFIGS = {
    "baseline": lambda: make_baseline_pipeline("logreg", sr=SR, random_state=0),
    "current": lambda: _normalised(),
    "balanced-masks": lambda: _normalised(**MASKS),
    "crop": lambda: make_pipeline(
        LogMelTransformer(**SPECTROGRAM, normalize=True, padding="nan"),
        CNNLSTMClassifier(
            **NET, **OLD_SMALL, crop_length=32, mixup_alpha=0.2, freq_warp=0.1, time_stretch=0.1
        ),
    ),
    "lr2e-3": lambda: _normalised(max_epochs=30, lr=2e-3),
    "baseline-spk": lambda: make_baseline_pipeline(
        "logreg", speaker_norm=True, sr=SR, random_state=0
    ),
    "bm-spk": lambda: _per_speaker(**MASKS),
    "bm-40": lambda: _normalised(max_epochs=40, **MASKS),
    "bm-nonorm": lambda: make_pipeline(
        LogMelTransformer(**SPECTROGRAM), CNNLSTMClassifier(**NET, **OLD_SMALL, **MASKS)
    ),
    "spk-long": lambda: _per_speaker(max_epochs=60, lr=2e-3, patience=None, **MASKS),
    "spk-noval": lambda: _per_speaker(
        max_epochs=40, validation_fraction=None, mixup_alpha=0.2, **MASKS
    ),
    "spk-wide": lambda: make_small_cnn_lstm_pipeline(
        sr=SR, speaker_norm=True, **{**NET, "max_epochs": 40}
    ),
    "wide": lambda: make_small_cnn_lstm_pipeline(sr=SR, **{**NET, "max_epochs": 40}),
    # Variations of spk-wide, scored over several corpus draws (--seeds).
    "spk-wide-60": lambda: make_small_cnn_lstm_pipeline(
        sr=SR, speaker_norm=True, **{**NET, "max_epochs": 60}
    ),
    "spk-wide-mixup": lambda: make_small_cnn_lstm_pipeline(
        sr=SR, speaker_norm=True, **{**NET, "max_epochs": 40}, mixup_alpha=0.2
    ),
    "spk-wide-masks": lambda: make_small_cnn_lstm_pipeline(
        sr=SR, speaker_norm=True, **{**NET, "max_epochs": 40}, **MASKS
    ),
    "spk-wide-lr1e-3": lambda: make_small_cnn_lstm_pipeline(
        sr=SR, speaker_norm=True, **{**NET, "max_epochs": 40}, lr=1e-3
    ),
    "spk-wide-60-deltas": lambda: make_small_cnn_lstm_pipeline(
        sr=SR, speaker_norm=True, **{**NET, "max_epochs": 60}, module__delta_order=2
    ),
    "spk-wide-60-3seeds": lambda: make_seed_ensemble(
        make_small_cnn_lstm_pipeline(sr=SR, speaker_norm=True, **{**NET, "max_epochs": 60}), 3
    ),
    # A moving average of the weights, decay fixed a priori: a memory of
    # about 50 steps, 10 of the 60 five-step epochs.
    "spk-wide-60-ema": lambda: make_small_cnn_lstm_pipeline(
        sr=SR, speaker_norm=True, **{**NET, "max_epochs": 60, "ema_decay": 0.98}
    ),
    "spk-wide-60-3seeds-ema": lambda: make_seed_ensemble(
        make_small_cnn_lstm_pipeline(
            sr=SR, speaker_norm=True, **{**NET, "max_epochs": 60, "ema_decay": 0.98}
        ),
        3,
    ),
    # The preset trained on all its training clips: it keeps every epoch, so
    # the 10% validation split it held out only drew the curves (fixed after
    # RAVDESS's -full rows, before scoring here).
    "spk-wide-60-ema-full": lambda: _every_clip(),
    "spk-wide-60-3seeds-ema-full": lambda: make_seed_ensemble(_every_clip(), 3),
    # The demo with more seeds, or more epochs (fixed before scoring, after
    # the demo's own draw was last looked at).
    "spk-wide-60-5seeds-ema-full": lambda: make_seed_ensemble(_every_clip(), 5),
    "spk-wide-100-3seeds-ema-full": lambda: make_seed_ensemble(_every_clip(100), 3),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="+", choices=sorted(CONFIGS))
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=[1],
        help="random_state of the synthetic corpora (never 0, the demo's)",
    )
    args = parser.parse_args(argv)
    if 0 in args.seeds:
        parser.error("random_state=0 draws the corpus the demo reports; choose on others")
    warnings.filterwarnings("ignore")
    corpora = {
        seed: make_emotional_speech(random_state=seed, return_X_y_groups=True)
        for seed in args.seeds
    }
    for name in args.names:
        start = time.time()
        uars = []
        for X, y, groups in corpora.values():
            report = evaluate_speaker_independent(
                CONFIGS[name](), X, y, groups, cv=GroupKFold(5), progress=False
            )
            uars.append(100 * report.uar_mean)
        per_seed = " ".join(f"{uar:.1f}" for uar in uars)
        print(
            f"{name}: mean {np.mean(uars):.1f} over seeds {args.seeds} ({per_seed}), "
            f"{time.time() - start:.0f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
