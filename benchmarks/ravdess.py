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
import itertools
import json
import platform
import shlex
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np
import torch
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import make_pipeline

from sklearn_ser import (
    CNNLSTM1DClassifier,
    CNNLSTMClassifier,
    FixedLengthWaveform,
    LogMelTransformer,
    OpenSmileTransformer,
    TransformerCNNClassifier,
    load_ravdess,
)
from sklearn_ser.evaluation import (
    RAVDESS_FOLDS,
    SpeakerIndependentReport,
    evaluate_speaker_independent,
    save_report,
)
from sklearn_ser.pipelines import (
    make_baseline_pipeline,
    make_crop_cnn_lstm_pipeline,
    make_zenkov_pipeline,
    make_zhao_1d_pipeline,
    make_zhao_2d_pipeline,
)
from sklearn_ser.pipelines._recipes import _spectrogram_pipeline

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "ravdess16k"
SR = 16000


def _tuned_last_step(pipeline, grid):
    """The pipeline with its classifier tuned on speaker-grouped folds of the
    training actors: the features (and any per-speaker scaling, which is
    label-free and per speaker) are computed once, the grid runs on them."""
    name, classifier = pipeline.steps[-1]
    search = GridSearchCV(
        classifier, grid, cv=GroupKFold(n_splits=3), scoring="balanced_accuracy", n_jobs=1
    )
    pipeline.steps[-1] = (name, search)
    return pipeline


SVM_C_GRID = {"estimator__C": [0.3, 1.0, 3.0, 10.0]}


def _inner_search(pipeline, grid):
    """Hyper-parameters chosen on speaker-grouped folds of the training actors.

    The pipeline caches its fitted front end, so candidates that differ only
    in the classifier share one feature extraction per inner fold.
    """
    pipeline.set_params(memory=tempfile.mkdtemp(prefix="sklearn_ser_bench_"))
    return GridSearchCV(
        pipeline, grid, cv=GroupKFold(n_splits=3), scoring="balanced_accuracy", n_jobs=1
    )


# The first crop rows: 60 epochs at most (the --epochs default) and patience
# 15; crop_hop as recorded in their checkpoints (None, half of 63, is the same).
CROP_60 = {"patience": 15, "crop_hop": 31}
PAPER_WIDTH = {"module__channels": (64, 64, 128, 128), "module__hidden_size": 128}
# The rows retrained from more seeds, by name suffix, and their network.
SEEDED_RECIPES = {"wide-trim": PAPER_WIDTH, "long-trim": {}}
EMA_DECAY = 0.998
# Read off the inner validation curves only: the six half-width trimmed rows
# (3 seeds, with and without speaker norm) kept epochs 16-84, median 46, on 18
# training actors; the moving average lags about 13 epochs behind the raw
# weights (a memory of 1 / (1 - 0.998) = 500 steps of about 38 a epoch).
FULL_DATA_EPOCHS = 60


# What the CPU crop recipe's classifier sets beyond the network and the
# optimizer (CNNLSTMClassifier's defaults when the rows that read them ran).
TRAINING_RECIPE = (
    "class_weight",
    "crop_length",
    "crop_hop",
    "mixup_alpha",
    "freq_warp",
    "time_stretch",
    "time_masks",
    "time_mask_width",
    "freq_masks",
    "freq_mask_width",
    "patience",
)


# The classifiers' early stopping as it was before the full-data recipe became
# CNNLSTMClassifier's default, pinned so that the rows defined before keep
# their settings.
EARLY_STOPPED = {"validation_fraction": 0.1, "ema_decay": None}


def _models(seed, device, epochs):
    net = {"random_state": seed, "device": device, "max_epochs": epochs, **EARLY_STOPPED}
    crop_training = {
        key: value
        for key, value in make_crop_cnn_lstm_pipeline(sr=SR)[-1].get_params().items()
        if key in TRAINING_RECIPE
    }

    def tuned_svm(features, speaker_norm=False):
        return _tuned_last_step(
            make_baseline_pipeline(
                "svm", features=features, speaker_norm=speaker_norm, sr=SR, random_state=seed
            ),
            SVM_C_GRID,
        )

    def first_crop_cnn_lstm(speaker_norm=False):
        # Whole clips: the recipe cuts the silence since the -full rows.
        return make_crop_cnn_lstm_pipeline(
            sr=SR, speaker_norm=speaker_norm, **net, **CROP_60
        ).set_params(logmeltransformer__trim_db=None)

    def long_crop_cnn_lstm(speaker_norm=False, trim_db=None, **classifier):
        # The crop recipe with up to 200 epochs and windows averaged 1 s apart.
        return make_crop_cnn_lstm_pipeline(
            sr=SR,
            speaker_norm=speaker_norm,
            **{**net, "max_epochs": 200, "crop_hop": 31, **classifier},
        ).set_params(logmeltransformer__trim_db=trim_db)

    def crop_transformer_cnn(speaker_norm):
        front_end = LogMelTransformer(sr=SR, n_fft=1024, hop_length=512, n_mels=64, padding="nan")
        classifier = TransformerCNNClassifier(**{**net, "max_epochs": 200}, **crop_training)
        # The recipes' own assembly: global or per-speaker standardisation.
        return _spectrogram_pipeline(front_end, classifier, speaker_norm, check_domain=True)

    return {
        "baseline": lambda: make_baseline_pipeline("logreg", sr=SR, random_state=seed),
        "baseline-tuned": lambda: tuned_svm("logmel"),
        "baseline-tuned-spk": lambda: tuned_svm("logmel", speaker_norm=True),
        "egemaps-svm-tuned": lambda: tuned_svm("egemaps"),
        "egemaps-svm-tuned-spk": lambda: tuned_svm("egemaps", speaker_norm=True),
        "compare-svm-tuned": lambda: tuned_svm("compare"),
        "compare-svm-tuned-spk": lambda: tuned_svm("compare", speaker_norm=True),
        # Fixed a priori, before any was scored: pretrained speaker-encoder
        # embeddings (VoiceEmbeddingTransformer, defaults) alone and beside
        # eGeMAPS (the feature pair of the probe that issue 8 cites), with
        # the same tuned RBF SVM.
        **{
            f"{prefix}-svm-tuned{spk}": partial(tuned_svm, features, speaker_norm=bool(spk))
            for prefix, features in (("voice", "voice"), ("egemaps-voice", ("egemaps", "voice")))
            for spk in ("", "-spk")
        },
        "cnn-lstm-paper": lambda: make_zhao_2d_pipeline(sr=SR, **net),
        "transformer-cnn-paper": lambda: make_zenkov_pipeline(sr=SR, **net),
        # Fixed a priori after the paper-default run's inner validation loss
        # bottomed out around epoch 15-29: SpecAugment masks (about 7% of the
        # frames and 10% of the coefficients each) and balanced classes.
        "transformer-cnn-masked": lambda: make_zenkov_pipeline(
            sr=SR,
            **net,
            class_weight="balanced",
            time_masks=2,
            time_mask_width=20,
            freq_masks=2,
            freq_mask_width=4,
        ),
        "cnn-lstm-1d-paper": lambda: make_zhao_1d_pipeline(sr=SR, **net),
        # Fixed a priori for the CPU, since the paper's setting (258 s an
        # epoch on 4-s clips) would take 13-26 hours: random 1-s windows of
        # the waveform, half the paper's channels, a 64-unit LSTM, the crop
        # recipe's mixup, time stretch and balanced classes, 60 epochs at
        # most; predictions average windows 0.5 s apart.
        "cnn-lstm-1d-crop": lambda: make_pipeline(
            FixedLengthWaveform(padding="nan"),
            CNNLSTM1DClassifier(
                **{**net, "max_epochs": 60},
                crop_length=SR,
                crop_hop=SR // 2,
                class_weight="balanced",
                mixup_alpha=0.2,
                time_stretch=0.1,
                module__channels=(32, 32, 64, 64),
                module__hidden_size=64,
            ),
        ),
        # Fixed a priori for a CPU budget (no search): 64 mels, a quarter of
        # the paper's pooling along time so the LSTM sees about 10 steps,
        # half the channels, balanced classes and SpecAugment masks.
        "cnn-lstm-small": lambda: make_pipeline(
            LogMelTransformer(sr=SR, n_fft=1024, hop_length=512, n_mels=64, normalize=True),
            CNNLSTMClassifier(
                **{
                    **crop_training,
                    **net,
                    "class_weight": "balanced",
                    "time_masks": 2,
                    "time_mask_width": 8,
                    "freq_masks": 2,
                    "freq_mask_width": 6,
                },
                module__channels=(32, 32, 64, 64),
                module__pool_sizes=(2, 2, 2, 2),
                module__time_pool_sizes=(2, 2, 2, 2),
                module__hidden_size=64,
            ),
        ),
        # Fixed a priori for the CPU (make_crop_cnn_lstm_pipeline): the
        # cnn-lstm-small network trained on random 2-s windows (63 frames),
        # with mixup, VTLP-like band warping and speaking-rate stretch;
        # predictions average windows 1 s apart.
        "cnn-lstm-crop": lambda: first_crop_cnn_lstm(),
        "cnn-lstm-crop-spk": lambda: first_crop_cnn_lstm(speaker_norm=True),
        # The same with up to 200 epochs (patience 20): the 60-epoch cap of
        # cnn-lstm-crop-spk was binding (kept epoch 53-58 of 60 in five folds,
        # read from the inner validation curves, not from test scores).
        "cnn-lstm-crop-spk-long": lambda: long_crop_cnn_lstm(speaker_norm=True),
        "cnn-lstm-crop-long": lambda: long_crop_cnn_lstm(),
        # Fixed a priori: the Transformer-CNN (paper network and SGD) on the
        # crop rows' front end with the crop recipe's training, so that it
        # differs from cnn-lstm-crop-long in the network alone.
        "transformer-cnn-crop-long": lambda: crop_transformer_cnn(speaker_norm=False),
        "transformer-cnn-crop-spk-long": lambda: crop_transformer_cnn(speaker_norm=True),
        # Fixed a priori: the long crop rows after cutting the silence around
        # the speech (librosa's trim at 30 dB below the loudest frame), so
        # that training windows and averaged test windows fall on speech.
        "cnn-lstm-crop-long-trim": lambda: long_crop_cnn_lstm(trim_db=30),
        "cnn-lstm-crop-spk-long-trim": lambda: long_crop_cnn_lstm(speaker_norm=True, trim_db=30),
        # Fixed a priori: the trimmed crop rows with delta and delta-delta
        # channels beside the log-mel spectrogram (as 3-D CRNNs of SER do).
        "cnn-lstm-crop-long-trim-deltas": lambda: long_crop_cnn_lstm(
            trim_db=30, module__delta_order=2
        ),
        "cnn-lstm-crop-spk-long-trim-deltas": lambda: long_crop_cnn_lstm(
            speaker_norm=True, trim_db=30, module__delta_order=2
        ),
        # Fixed a priori: the trimmed crop rows with the paper's channels
        # (64-64-128-128) and a 128-unit LSTM, since crops and augmentation
        # may carry a network twice as wide as the one first sized for them.
        "cnn-lstm-crop-wide-trim": lambda: long_crop_cnn_lstm(trim_db=30, **PAPER_WIDTH),
        "cnn-lstm-crop-spk-wide-trim": lambda: long_crop_cnn_lstm(
            speaker_norm=True, trim_db=30, **PAPER_WIDTH
        ),
        # Fixed before the delta rows were scored (after the paper-width ones):
        # the paper-width network with delta channels too.
        "cnn-lstm-crop-spk-wide-trim-deltas": lambda: long_crop_cnn_lstm(
            speaker_norm=True, trim_db=30, module__delta_order=2, **PAPER_WIDTH
        ),
        # Fixed before they ran: the paper-width trimmed recipe, with and
        # without speaker normalisation, retrained from two more seeds, to
        # measure seed spread and what averaging three seeds buys; then (after
        # those were scored, before these ran) the same for the trimmed recipe
        # of half that width, which trains 2-3 times faster.
        **{
            f"cnn-lstm-crop{spk}-{recipe}-seed{offset}": partial(
                long_crop_cnn_lstm,
                speaker_norm=bool(spk),
                trim_db=30,
                random_state=seed + offset,
                **width,
            )
            for recipe, width in SEEDED_RECIPES.items()
            for spk in ("", "-spk")
            for offset in (1, 2)
        },
        # Fixed a priori, before any was scored: the trimmed recipes of both
        # widths validated, early-stopped and predicting with a moving
        # average of their weights (decay 0.998: a memory of about 15 epochs
        # of 34 steps, a third of a typical run).
        **{
            f"cnn-lstm-crop{spk}-{recipe}-ema": partial(
                long_crop_cnn_lstm,
                speaker_norm=bool(spk),
                trim_db=30,
                ema_decay=EMA_DECAY,
                **width,
            )
            for recipe, width in SEEDED_RECIPES.items()
            for spk in ("", "-spk")
        },
        # Fixed a priori, before any was scored: the trimmed recipes trained
        # on all the training actors (no early-stopping split, which held out
        # 2 of 20) for a fixed FULL_DATA_EPOCHS epochs, predicting with the
        # moving average of their weights; then (after the half-width seed-0
        # rows were scored, before these ran) from seeds 1 and 2 too.
        **{
            f"cnn-lstm-crop{spk}-{recipe}-full{suffix}": partial(
                long_crop_cnn_lstm,
                speaker_norm=bool(spk),
                trim_db=30,
                validation_fraction=None,
                max_epochs=FULL_DATA_EPOCHS,
                ema_decay=EMA_DECAY,
                random_state=seed + offset,
                **width,
            )
            for recipe, width in SEEDED_RECIPES.items()
            for spk in ("", "-spk")
            for offset, suffix in ((0, ""), (1, "-seed1"), (2, "-seed2"))
        },
        "cnn-lstm-tuned": lambda: _inner_search(
            make_pipeline(
                LogMelTransformer(sr=SR, n_fft=1024, hop_length=256, n_mels=64),
                CNNLSTMClassifier(
                    **{
                        **crop_training,
                        **net,
                        "class_weight": "balanced",
                        "time_masks": 2,
                        "time_mask_width": 8,
                        "freq_masks": 2,
                        "freq_mask_width": 6,
                    },
                ),
            ),
            {"cnnlstmclassifier__module__time_pool_sizes": [(2, 2, 2, 2), (2, 4, 4, 4)]},
        ),
    }


# Soft-voting ensembles, members fixed before any of them was scored on the
# test folds: every speaker-normalised row of a distinct model family.
ENSEMBLES = {
    "ensemble-spk": ["cnn-lstm-crop-spk", "egemaps-svm-tuned-spk", "baseline-tuned-spk"],
    "ensemble-spk-compare": [
        "cnn-lstm-crop-spk",
        "compare-svm-tuned-spk",
        "egemaps-svm-tuned-spk",
        "baseline-tuned-spk",
    ],
    # The same four families with the CNN-LSTM trained up to 200 epochs, the
    # change made because its 60-epoch cap was binding on the inner
    # validation curves.
    "ensemble-spk-compare-long": [
        "cnn-lstm-crop-spk-long",
        "compare-svm-tuned-spk",
        "egemaps-svm-tuned-spk",
        "baseline-tuned-spk",
    ],
    # Its twin without per-speaker normalisation: the same four families,
    # members by that rule, not by their scores.
    "ensemble-compare-long": [
        "cnn-lstm-crop-long",
        "compare-svm-tuned",
        "egemaps-svm-tuned",
        "baseline-tuned",
    ],
    # Five families: the two crop-trained networks beside the three feature
    # sets, with and without per-speaker normalisation (defined before the
    # Transformer-CNN crop rows were scored).
    "ensemble-five-long": [
        "cnn-lstm-crop-long",
        "transformer-cnn-crop-long",
        "compare-svm-tuned",
        "egemaps-svm-tuned",
        "baseline-tuned",
    ],
    "ensemble-spk-five-long": [
        "cnn-lstm-crop-spk-long",
        "transformer-cnn-crop-spk-long",
        "compare-svm-tuned-spk",
        "egemaps-svm-tuned-spk",
        "baseline-tuned-spk",
    ],
    # The four families with the CNN-LSTM of each recipe defined after the
    # trimmed rows (delta channels, paper width), fixed before those ran.
    **{
        f"ensemble{spk}-compare-{variant}": [
            f"cnn-lstm-crop{spk}{network}",
            f"compare-svm-tuned{spk}",
            f"egemaps-svm-tuned{spk}",
            f"baseline-tuned{spk}",
        ]
        for spk in ("", "-spk")
        for variant, network in (
            ("deltas", "-long-trim-deltas"),
            ("wide", "-wide-trim"),
            # Defined before the full-data rows ran.
            ("long-trim-full", "-long-trim-full"),
            ("wide-full", "-wide-trim-full"),
        )
    },
    # Three seeds of a trimmed CNN-LSTM recipe averaged, alone and (paper
    # width) as the CNN-LSTM family of the four-family vote (each family one
    # vote).
    **{
        f"cnn-lstm-crop{spk}-{recipe}-3seeds": [
            f"cnn-lstm-crop{spk}-{recipe}",
            f"cnn-lstm-crop{spk}-{recipe}-seed1",
            f"cnn-lstm-crop{spk}-{recipe}-seed2",
        ]
        for recipe in (*SEEDED_RECIPES, "long-trim-full", "wide-trim-full")
        for spk in ("", "-spk")
    },
    # The half-width recipe's vote was defined after its speaker-normalised
    # seeds (not the others) were scored, before the vote was computed; the
    # full-data recipe's (both) after its seed-0 rows were scored, before its
    # other seeds ran; the paper-width full-data vote after its seed-0 rows
    # and the half-width votes were scored, before its seeds 1 and 2 ran.
    **{
        f"ensemble{spk}-compare-{variant}-3seeds": [
            f"cnn-lstm-crop{spk}-{recipe}-3seeds",
            f"compare-svm-tuned{spk}",
            f"egemaps-svm-tuned{spk}",
            f"baseline-tuned{spk}",
        ]
        for variant, recipe in (
            ("wide", "wide-trim"),
            ("long-trim", "long-trim"),
            ("long-trim-full", "long-trim-full"),
            ("wide-full", "wide-trim-full"),
        )
        for spk in ("", "-spk")
    },
    # The paper-width full-data vote with the eGeMAPS family extended by the
    # speaker-encoder embeddings (egemaps-voice-svm-tuned rows), defined
    # before those rows ran; the only vote defined with them.
    **{
        f"ensemble{spk}-compare-wide-full-3seeds-voice": [
            f"cnn-lstm-crop{spk}-wide-trim-full-3seeds",
            f"compare-svm-tuned{spk}",
            f"egemaps-voice-svm-tuned{spk}",
            f"baseline-tuned{spk}",
        ]
        for spk in ("", "-spk")
    },
    "ensemble-spk-compare-wide-deltas": [
        "cnn-lstm-crop-spk-wide-trim-deltas",
        "compare-svm-tuned-spk",
        "egemaps-svm-tuned-spk",
        "baseline-tuned-spk",
    ],
}


# Soft votes whose member weights are learned per outer fold, on the
# training actors only: every member is refitted on INNER_FOLDS
# speaker-grouped folds of the outer fold's training actors, and the weights
# (a STACKING_STEP grid on the simplex) are those whose weighted mean of the
# members' out-of-fold probabilities has the lowest log loss there. The
# weights then mix the probabilities the members' own rows stored for the
# held-out actors. Keys: the vote's members; values: the row whose pipeline
# gives that member's out-of-fold probabilities. A three-seed average learns
# its weight from its seed-0 row (30 more fits per seed would not fit the CPU
# budget); a mean of three seeds is no worse calibrated than one of them.
# Defined after the equal-weight vote was scored (71.7), before any inner
# fold ran.
STACKED = {
    "ensemble-spk-compare-wide-full-3seeds-stacked": {
        "cnn-lstm-crop-spk-wide-trim-full-3seeds": "cnn-lstm-crop-spk-wide-trim-full",
        "compare-svm-tuned-spk": "compare-svm-tuned-spk",
        "egemaps-svm-tuned-spk": "egemaps-svm-tuned-spk",
        "baseline-tuned-spk": "baseline-tuned-spk",
    },
}
INNER_FOLDS = 4
STACKING_STEP = 0.05


def _fold_proba(out, member, k):
    """Classes, class probabilities and fit time a finished row stored for
    fold k; an ensemble member contributes the mean of its own members, so
    each of them weighs the same inside it."""
    if member not in ENSEMBLES:
        path = out / member / "folds" / f"fold_{k}.json"
        if not path.exists():
            raise SystemExit(f"run the ensemble's members first; missing {path}")
        fold = json.loads(path.read_text())
        return fold["classes"], np.asarray(fold["proba"]), fold["time"]
    classes, probas, times = zip(*(_fold_proba(out, inner, k) for inner in ENSEMBLES[member]))
    if any(order != classes[0] for order in classes):
        raise SystemExit(f"members of {member} disagree on the class order in fold {k}")
    return classes[0], np.mean(probas, axis=0), sum(times)


def _soft_vote(out, name, corpus):
    """Report of the mean class probabilities of finished member rows.

    Each member is a seeded pipeline fit on the same training actors, so
    averaging the probabilities they stored per fold gives what
    ``VotingClassifier(members, voting="soft")`` gives, without refitting.
    """
    splits = list(RAVDESS_FOLDS.split(corpus.data, corpus.target, corpus.groups))
    predictions, fold_times = [], []
    for k in range(len(splits)):
        classes, mean_proba, seconds = _fold_proba(out, name, k)
        predictions.append(np.asarray(classes)[mean_proba.argmax(axis=1)])
        fold_times.append(seconds)
    return _vote_report(corpus, splits, predictions, fold_times)


def _vote_report(corpus, splits, predictions, fold_times):
    """Report of a vote's predictions for the held-out actors of every fold."""
    return SpeakerIndependentReport(
        corpus.target,
        corpus.groups,
        [test for _, test in splits],
        predictions,
        labels=np.unique(corpus.target),
        fold_times=fold_times,
    )


def _simplex_grid(n_members, step):
    """Every weight vector of multiples of ``step`` that sums to one."""
    n_steps = round(1 / step)
    slots = n_steps + n_members - 1
    # Stars and bars: n_members - 1 bars among the slots split n_steps steps.
    for bars in itertools.combinations(range(slots), n_members - 1):
        yield (np.diff([-1, *bars, slots]) - 1) / n_steps


def _stacking_weights(oof_probas, y, classes):
    """The STACKING_STEP simplex weights whose weighted mean of the members'
    out-of-fold probabilities has the lowest log loss on labels ``y``."""
    rows = np.arange(len(y))
    # The log loss of a mixture needs only each member's true-class probability.
    true_class = np.stack([proba[rows, np.searchsorted(classes, y)] for proba in oof_probas])
    grid = np.array(list(_simplex_grid(len(oof_probas), STACKING_STEP)))
    log_loss = -np.log(np.clip(grid @ true_class, 1e-12, None)).mean(axis=1)
    return grid[np.argmin(log_loss)]


def _front_end_features(pipeline, corpus):
    """Features of every clip from the steps before the scaler and the
    classifier, and the seconds they took."""
    start = time.perf_counter()
    features = pipeline[:-2].fit_transform(corpus.data)
    return features, time.perf_counter() - start


def _inner_oof(pipeline, checkpoint_dir, corpus, train, features=None):
    """Out-of-fold class probabilities of ``pipeline`` on the training actors
    ``train`` (INNER_FOLDS speaker-grouped folds, each finished fold on
    disk), their classes and the seconds they took. With ``features`` (of
    every clip, from the steps before the scaler) only the last two steps
    are fitted."""
    X = [corpus.data[i] for i in train] if features is None else features[train]
    report = evaluate_speaker_independent(
        pipeline if features is None else pipeline[-2:],
        X,
        corpus.target[train],
        corpus.groups[train],
        cv=GroupKFold(n_splits=INNER_FOLDS),
        checkpoint_dir=checkpoint_dir,
    )
    proba = np.empty((len(train), len(report.proba_classes)))
    for test, fold_proba in zip(report.test_indices, report.fold_proba):
        proba[test] = fold_proba
    return report.proba_classes, proba, sum(report.fold_times)


def _stacked_vote(out, name, corpus, models, outer_folds):
    """Report of a STACKED vote and its weights per fold, or (None, None)
    when only some outer folds' inner fits were asked for (to share them
    out between processes)."""
    splits = list(RAVDESS_FOLDS.split(corpus.data, corpus.target, corpus.groups))
    members = STACKED[name]
    pipelines = {row: models[row]() for row in members.values()}
    # openSMILE functionals depend on the clip alone (the log-mel front end
    # pads to its training set's longest clip): extracted once per row.
    features = {
        row: _front_end_features(pipeline, corpus)
        for row, pipeline in pipelines.items()
        if isinstance(pipeline[0], OpenSmileTransformer)
    }
    inner = {
        k: [
            _inner_oof(
                pipelines[row],
                out / name / "inner" / row / f"outer_{k}",
                corpus,
                splits[k][0],
                features.get(row, (None,))[0],
            )
            for row in members.values()
        ]
        for k in outer_folds
    }
    if len(inner) < len(splits):
        return None, None
    extraction_time = sum(seconds for _, seconds in features.values())
    predictions, fold_times, weights = [], [], []
    for k, (train, _) in enumerate(splits):
        inner_classes, oof_probas, inner_times = zip(*inner[k])
        classes, test_probas, member_times = zip(*(_fold_proba(out, m, k) for m in members))
        if any(list(order) != list(inner_classes[0]) for order in (*inner_classes, *classes)):
            raise SystemExit(f"members of {name} disagree on the class order in fold {k}")
        weights.append(_stacking_weights(oof_probas, corpus.target[train], inner_classes[0]))
        mixed = np.tensordot(weights[-1], np.stack(test_probas), axes=1)
        predictions.append(np.asarray(classes[0])[mixed.argmax(axis=1)])
        fold_times.append(sum(member_times) + sum(inner_times) + extraction_time / len(splits))
    report = _vote_report(corpus, splits, predictions, fold_times)
    return report, {member: [w[i] for w in weights] for i, member in enumerate(members)}


def _labels(name):
    """What a row used, for the tables: speaker normalisation, tuning, ..."""
    uses = []
    if name.endswith("-spk") or "-spk-" in name:
        uses.append("per-speaker normalisation (test speakers' unlabelled clips)")
    if "tuned" in name:
        uses.append("tuned by inner speaker-grouped CV")
    if "crop" in name:
        uses.append("random crops in training, averaged windows at test")
    if "-trim" in name:
        uses.append("silence trimmed (30 dB)")
    if name.endswith("-ema") or "-full" in name:
        uses.append(f"moving average of the weights (decay {EMA_DECAY})")
    if "-full" in name:
        uses.append(f"all training actors, no early stopping ({FULL_DATA_EPOCHS} epochs)")
    if "-seed" in name:
        uses.append("another training seed of the same row")
    if "voice" in name:
        uses.append(
            "pretrained speaker encoder (Resemblyzer's, trained on LibriSpeech and VoxCeleb)"
        )
    if name in ENSEMBLES:
        uses.append("soft-voting ensemble of " + ", ".join(ENSEMBLES[name]))
    if name in STACKED:
        uses.append(
            "soft vote of " + ", ".join(STACKED[name]) + " weighted by log loss on "
            f"{INNER_FOLDS} inner speaker-grouped folds of the training actors"
        )
    return uses or ["settings fixed a priori"]


def _hardware(device):
    if str(device).startswith("cuda"):
        return torch.cuda.get_device_name(device)
    return f"CPU: {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads"


def _mean_sd(folds, score):
    """Mean ± sample standard deviation (ddof=1) over folds, in %. From the
    fold scores: results.json files written before reports switched to the
    sample standard deviation hold the population one under "std"."""
    scores = 100 * np.array([fold[score] for fold in folds])
    return f"{scores.mean():.1f} ± {scores.std(ddof=1):.1f}"


def _summary(results_dir):
    rows = []
    for path in sorted(results_dir.glob("*/results.json")):
        result = json.loads(path.read_text())
        run, folds = result["run"], result["folds"]
        rows.append(
            f"| {run['model']} | {_mean_sd(folds, 'uar')} | {_mean_sd(folds, 'accuracy')} "
            f"| {run['wall_time_s'] / 60:.1f} | {run['hardware']} "
            f"| {'; '.join(run.get('uses') or _labels(run['model']))} | `{run['command']}` |"
        )
    header = (
        "# RAVDESS speaker-independent results\n\n"
        "6 folds x 4 held-out actors (`RAVDESS_FOLDS`), 1,440 clips at 16 kHz. "
        "UAR = balanced accuracy; mean ± sample standard deviation (ddof=1) over folds, "
        "in %.\n"
        "Rebuilt by `benchmarks/ravdess.py` from `*/results.json`.\n\n"
        "| model | UAR | accuracy | wall time (min) | hardware | uses | command |\n"
        "| --- | --- | --- | --- | --- | --- | --- |\n"
    )
    (results_dir / "README.md").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "models",
        nargs="*",
        help="model names (see _models in this file); none: only rebuild results/README.md",
    )
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="RAVDESS folder")
    parser.add_argument("--device", default="cpu")
    parser.add_argument(
        "--epochs",
        type=int,
        default=60,
        help="maximum epochs of the neural models (early stopping ends sooner)",
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
    parser.add_argument("--out", default=str(HERE / "results"))
    args = parser.parse_args(argv)
    models = _models(args.seed, args.device, args.epochs)
    known = [*models, *ENSEMBLES, *STACKED]
    unknown = sorted(set(args.models) - set(known))
    if unknown:
        parser.error(f"unknown models {unknown}; choose from {sorted(known)}")
    corpus = load_ravdess(args.data, sr=SR, n_jobs=2) if args.models else None
    command = "python benchmarks/ravdess.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    for name in args.models:
        # Finished folds go to disk, so a stopped run resumes where it was;
        # the wall time is the sum over folds, whichever session ran them.
        weights = None
        if name in ENSEMBLES:
            report = _soft_vote(Path(args.out), name, corpus)
        elif name in STACKED:
            outer_folds = args.outer_folds or range(len(RAVDESS_FOLDS.folds))
            report, weights = _stacked_vote(Path(args.out), name, corpus, models, outer_folds)
            if report is None:
                print(f"\n== {name}: inner fits of outer folds {args.outer_folds} done")
                continue
        else:
            report = evaluate_speaker_independent(
                models[name](),
                corpus.data,
                corpus.target,
                corpus.groups,
                cv=RAVDESS_FOLDS,
                checkpoint_dir=Path(args.out) / name / "folds",
            )
        # A vote only averages stored probabilities; its members ran elsewhere.
        hardware = _hardware(args.device)
        if name in ENSEMBLES:
            hardware = "members' rows"
        elif name in STACKED:
            hardware = f"members' rows; inner fits: {hardware}"
        run = {
            "model": name,
            "command": command,
            "wall_time_s": sum(report.fold_times),
            "uses": _labels(name),
            "hardware": hardware,
            **({"weights": weights} if weights else {}),
            "seed": args.seed,
            "epochs": args.epochs,
            "n_clips": len(corpus.target),
            "folds": RAVDESS_FOLDS.folds,
            "torch": torch.__version__,
        }
        save_report(report, Path(args.out) / name, run)
        print(f"\n== {name} ({run['wall_time_s'] / 60:.1f} min)\n{report}", flush=True)
    _summary(Path(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
