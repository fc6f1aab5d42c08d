"""The rows of the RAVDESS benchmark, as data.

A row is a public recipe of ``sklearn_ser.pipelines`` and what the row
changes in it; a vote averages the class probabilities that finished rows
stored. ``note`` says what the row tries and when it was fixed (a priori, or
after which other rows were scored); ``archived`` says what superseded it.
An archived row keeps its results and its command, and the tables show it
only in the full list. A row must keep building exactly the pipeline its
results came from: change one only together with its results.
"""

import dataclasses
import re
import tempfile
from collections.abc import Callable

from sklearn.model_selection import GridSearchCV, GroupKFold
from whisper_weights import whisper_base_encoder

from sklearn_ser.evaluation import EMOBOX_RAVDESS_FOLDS, RAVDESS_FOLDS
from sklearn_ser.pipelines import (
    make_baseline_pipeline,
    make_crop_cnn_lstm_pipeline,
    make_zenkov_pipeline,
    make_zhao_1d_pipeline,
    make_zhao_2d_pipeline,
)

SR = 16000


@dataclasses.dataclass(frozen=True)
class Row:
    """``recipe(sr=SR, **params).set_params(**steps)``.

    A neural row also gets the runner's seed (plus ``seed_offset``), device
    and ``--epochs``, and early stopping as the first rows had it
    (``EARLY_STOPPED``); ``params`` override them. With ``grid``, an inner
    speaker-grouped search on the training actors tunes the classifier (the
    whole pipeline with ``search_pipeline``). ``folds`` are the outer folds.
    """

    recipe: Callable
    params: dict = dataclasses.field(default_factory=dict)
    steps: dict = dataclasses.field(default_factory=dict)
    grid: dict | None = None
    search_pipeline: bool = False
    seed_offset: int = 0
    note: str = ""
    archived: str | None = None
    folds: object = RAVDESS_FOLDS


@dataclasses.dataclass(frozen=True)
class Vote:
    """Mean class probabilities of finished rows (a vote among the members
    counts as the mean of its own). A stacked vote maps each member to the
    row whose pipeline gives its out-of-fold probabilities, from which its
    weight is learned per outer fold (``ravdess_votes``)."""

    members: tuple | dict
    note: str = ""
    archived: str | None = None

    @property
    def stacked(self):
        return isinstance(self.members, dict)


# Early stopping as the classifiers had it when the first rows ran: a
# speaker-grouped 10% validation split, no moving average of the weights.
EARLY_STOPPED = {"validation_fraction": 0.1, "ema_decay": None}
# The crop recipe's training as the rows that read it from CNNLSTMClassifier's
# defaults (2026-11-25 until the defaults became generic) had it.
CROP_TRAINING = dict(
    class_weight="balanced",
    crop_length=63,
    crop_hop=None,
    mixup_alpha=0.2,
    freq_warp=0.1,
    time_stretch=0.1,
    time_masks=1,
    time_mask_width=8,
    freq_masks=2,
    freq_mask_width=6,
    patience=20,
)
# The crop front end without the recipe's Transformer-CNN MFCC settings.
CROP_FRONT_END = {
    "logmeltransformer__n_fft": 1024,
    "logmeltransformer__win_length": None,
    "logmeltransformer__hop_length": 512,
    "logmeltransformer__window": "hann",
    "logmeltransformer__n_mels": 64,
    "logmeltransformer__n_mfcc": None,
    "logmeltransformer__n_frames": None,
    "logmeltransformer__align": "left",
    "logmeltransformer__padding": "nan",
}
PAPER_WIDTH = {"module__channels": (64, 64, 128, 128), "module__hidden_size": 128}
SVM_C_GRID = {"estimator__C": [0.3, 1.0, 3.0, 10.0]}
EMA_DECAY = 0.998
# Read off the inner validation curves only: the six half-width trimmed rows
# (3 seeds, with and without speaker norm) kept epochs 16-84, median 46, on 18
# training actors; the moving average lags about 13 epochs behind the raw
# weights (a memory of 1 / (1 - 0.998) = 500 steps of about 38 an epoch).
FULL_DATA_EPOCHS = 60
NEW_SEED = "another seed, defined before it ran"


def svm(features, spk=False, note="", archived=None):
    """``make_baseline_pipeline("svm")`` with C tuned on inner folds."""
    params = {"classifier": "svm", "features": features, "speaker_norm": spk}
    return Row(make_baseline_pipeline, params, grid=SVM_C_GRID, note=note, archived=archived)


def whisper_svm(spk=False, **row):
    """``make_baseline_pipeline("svm")`` on Whisper base's embeddings as it
    builds it (C = 1)."""
    params = {"classifier": "svm", "features": whisper_base_encoder(), "speaker_norm": spk}
    return Row(make_baseline_pipeline, params, **row)


def crop(spk=False, trim_db=30, seed=0, note="", archived=None, **params):
    """The crop recipe trained up to 200 epochs, windows 1 s apart at test
    (the ``-long`` rows and those that followed them)."""
    return Row(
        make_crop_cnn_lstm_pipeline,
        {"speaker_norm": spk, "max_epochs": 200, "crop_hop": 31, **params},
        steps={"logmeltransformer__trim_db": trim_db},
        seed_offset=seed,
        note=note,
        archived=archived,
    )


def full(spk=False, seed=0, note="", archived=None, **width):
    """The crop recipe as it trains now: every training actor for 60 epochs,
    predicting with the moving average of the weights."""
    return crop(
        spk,
        seed=seed,
        note=note,
        archived=archived,
        validation_fraction=None,
        max_epochs=FULL_DATA_EPOCHS,
        ema_decay=EMA_DECAY,
        **width,
    )


def transformer_crop(spk=False, **row):
    """The paper's Transformer-CNN on the crop rows' front end and training."""
    params = {"speaker_norm": spk, "max_epochs": 200, **CROP_TRAINING}
    return Row(make_zenkov_pipeline, params, steps=CROP_FRONT_END, **row)


def four_families(network, spk="", **vote):
    """The vote of a CNN-LSTM row with the ComParE, eGeMAPS and log-mel SVMs."""
    return Vote(
        (network, f"compare-svm-tuned{spk}", f"egemaps-svm-tuned{spk}", f"baseline-tuned{spk}"),
        **vote,
    )


def seeds(row):
    """Seeds 0, 1 and 2 of a row, averaged."""
    return Vote((row, f"{row}-seed1", f"{row}-seed2"), note="seeds 0-2, fixed before 1-2 ran")


ROWS = {
    # Feature sets and a classical classifier.
    "baseline": Row(make_baseline_pipeline, {"classifier": "logreg"}, note="the CLI's baseline"),
    "baseline-tuned": svm("logmel"),
    "baseline-tuned-spk": svm("logmel", spk=True),
    "egemaps-svm-tuned": svm("egemaps"),
    "egemaps-svm-tuned-spk": svm("egemaps", spk=True),
    "compare-svm-tuned": svm("compare"),
    "compare-svm-tuned-spk": svm("compare", spk=True),
    # The speaker encoder alone and beside eGeMAPS (the pair of the probe
    # that issue 8 cites), fixed before any was scored.
    "voice-svm-tuned": svm("voice", archived="egemaps-voice-svm-tuned"),
    "voice-svm-tuned-spk": svm("voice", spk=True, archived="egemaps-voice-svm-tuned-spk"),
    "egemaps-voice-svm-tuned": svm(("egemaps", "voice"), note="fixed a priori"),
    "egemaps-voice-svm-tuned-spk": svm(("egemaps", "voice"), spk=True, note="fixed a priori"),
    # A pretrained speech encoder, frozen (benchmarks/whisper_weights.py), for
    # the cross-corpus rows' in-corpus figure; fixed before either ran here.
    "whisper-base-svm-tuned": svm(
        whisper_base_encoder(),
        note="fixed a priori; 864 clips' embeddings cached by the cross-corpus rows (time left "
        "out; theirs: 25 min for 3,338 clips)",
    ),
    "whisper-base-svm-tuned-spk": svm(
        whisper_base_encoder(), spk=True, note="fixed a priori; embeddings cached"
    ),
    # The same as make_baseline_pipeline builds it (C = 1), as across corpora;
    # defined after the tuned rows ran.
    "whisper-base-svm": whisper_svm(note="C = 1, as the cross-corpus rows; embeddings cached"),
    "whisper-base-svm-spk": whisper_svm(
        spk=True, note="C = 1, as the cross-corpus rows; embeddings cached"
    ),
    # The same on EmoBox's folds, beside its published frozen encoders.
    "whisper-base-svm-emobox": whisper_svm(
        folds=EMOBOX_RAVDESS_FOLDS, note="defined after whisper-base-svm ran; embeddings cached"
    ),
    "whisper-base-svm-spk-emobox": whisper_svm(
        spk=True,
        folds=EMOBOX_RAVDESS_FOLDS,
        note="defined after whisper-base-svm-spk ran; embeddings cached",
    ),
    # The papers' setups.
    "cnn-lstm-paper": Row(make_zhao_2d_pipeline, note="Zhao et al. (2019), 2-D CNN-LSTM"),
    "cnn-lstm-1d-paper": Row(
        make_zhao_1d_pipeline, note="Zhao et al. (2019), 1-D; never run: 13-26 h on the CPU"
    ),
    "transformer-cnn-paper": Row(
        make_zenkov_pipeline, note="Zenkov (2020), parallel CNNs and Transformer encoder"
    ),
    "transformer-cnn-masked": Row(
        make_zenkov_pipeline,
        dict(
            class_weight="balanced",
            time_masks=2,
            time_mask_width=20,
            freq_masks=2,
            freq_mask_width=4,
        ),
        note="masks, balanced classes; fixed after the paper row's inner validation "
        "loss bottomed out at epochs 15-29",
        archived="transformer-cnn-paper",
    ),
    "transformer-cnn-crop-long": transformer_crop(
        note="on the crop rows' front end and training; fixed a priori",
        archived="transformer-cnn-paper",
    ),
    "transformer-cnn-crop-spk-long": transformer_crop(
        spk=True,
        note="on the crop rows' front end and training; fixed a priori",
        archived="transformer-cnn-paper",
    ),
    # Sized for the CPU: random windows of the waveform, half the channels;
    # built as it ran (no input check).
    "cnn-lstm-1d-crop": Row(
        make_zhao_1d_pipeline,
        dict(
            check_domain=False,
            max_epochs=60,
            crop_length=SR,
            crop_hop=SR // 2,
            class_weight="balanced",
            mixup_alpha=0.2,
            time_stretch=0.1,
            module__channels=(32, 32, 64, 64),
            module__hidden_size=64,
        ),
        steps={"fixedlengthwaveform__padding": "nan"},
        note="1-s waveform windows, half the channels; fixed a priori for the CPU",
        archived="cnn-lstm-crop-long-trim-full (near chance)",
    ),
    # The CNN-LSTM recipe (make_crop_cnn_lstm_pipeline) and its history.
    # cnn-lstm-small ran (2026-11-24) on the classifier's defaults of then:
    # whole clips, patience 10, no mixup, band warp or stretch. From
    # 2026-11-25 the row read the crop recipe's training instead, as the
    # classifier's defaults had become; it is kept as it has been built since.
    # cnn-lstm-tuned never ran.
    "cnn-lstm-small": Row(
        make_crop_cnn_lstm_pipeline,
        {"check_domain": False, "time_masks": 2},
        steps={"logmeltransformer__padding": "silence", "logmeltransformer__trim_db": None},
        note="64 mels, half the channels, time pooled less, masks; fixed a priori",
        archived="cnn-lstm-crop",
    ),
    "cnn-lstm-tuned": Row(
        make_zhao_2d_pipeline,
        {"check_domain": False, **CROP_TRAINING, "time_masks": 2},
        steps={
            "logmeltransformer__n_fft": 1024,
            "logmeltransformer__hop_length": 256,
            "logmeltransformer__n_mels": 64,
            "logmeltransformer__normalize": False,
        },
        grid={"cnnlstmclassifier__module__time_pool_sizes": [(2, 2, 2, 2), (2, 4, 4, 4)]},
        search_pipeline=True,
        note="time pooling chosen on inner folds; never run",
        archived="cnn-lstm-crop",
    ),
    "cnn-lstm-crop": Row(
        make_crop_cnn_lstm_pipeline,
        {"patience": 15, "crop_hop": 31},
        steps={"logmeltransformer__trim_db": None},
        note="random 2-s windows, mixup, band warp, stretch; fixed a priori",
        archived="cnn-lstm-crop-long",
    ),
    "cnn-lstm-crop-spk": Row(
        make_crop_cnn_lstm_pipeline,
        {"speaker_norm": True, "patience": 15, "crop_hop": 31},
        steps={"logmeltransformer__trim_db": None},
        note="random 2-s windows, mixup, band warp, stretch; fixed a priori",
        archived="cnn-lstm-crop-spk-long",
    ),
    "cnn-lstm-crop-long": crop(
        trim_db=None,
        note="up to 200 epochs: cnn-lstm-crop-spk's 60 were binding (inner curves)",
        archived="cnn-lstm-crop-long-trim",
    ),
    "cnn-lstm-crop-spk-long": crop(
        True,
        trim_db=None,
        note="up to 200 epochs: cnn-lstm-crop-spk's 60 were binding (inner curves)",
        archived="cnn-lstm-crop-spk-long-trim",
    ),
    "cnn-lstm-crop-long-trim": crop(
        note="silence cut, so windows fall on speech; fixed a priori",
        archived="cnn-lstm-crop-long-trim-full",
    ),
    "cnn-lstm-crop-spk-long-trim": crop(
        True,
        note="silence cut, so windows fall on speech; fixed a priori",
        archived="cnn-lstm-crop-spk-long-trim-full",
    ),
    "cnn-lstm-crop-long-trim-deltas": crop(
        module__delta_order=2,
        note="delta channels; fixed a priori",
        archived="cnn-lstm-crop-long-trim (no gain)",
    ),
    "cnn-lstm-crop-spk-long-trim-deltas": crop(
        True,
        module__delta_order=2,
        note="delta channels; fixed a priori",
        archived="cnn-lstm-crop-spk-long-trim (no gain)",
    ),
    "cnn-lstm-crop-wide-trim": crop(
        **PAPER_WIDTH,
        note="the paper's width; fixed a priori",
        archived="cnn-lstm-crop-wide-trim-full",
    ),
    "cnn-lstm-crop-spk-wide-trim": crop(
        True,
        **PAPER_WIDTH,
        note="the paper's width; fixed a priori",
        archived="cnn-lstm-crop-spk-wide-trim-full",
    ),
    "cnn-lstm-crop-spk-wide-trim-deltas": crop(
        True,
        module__delta_order=2,
        **PAPER_WIDTH,
        note="paper width with delta channels; fixed before the delta rows were scored",
        archived="cnn-lstm-crop-spk-wide-trim (no gain)",
    ),
    **{
        f"cnn-lstm-crop{spk}-{recipe}-seed{seed}": crop(
            bool(spk),
            seed=seed,
            **width,
            note=NEW_SEED,
            archived=f"cnn-lstm-crop{spk}-{recipe}-full-seed{seed}",
        )
        for recipe, width in (("long-trim", {}), ("wide-trim", PAPER_WIDTH))
        for spk in ("", "-spk")
        for seed in (1, 2)
    },
    "cnn-lstm-crop-long-trim-ema": crop(
        ema_decay=EMA_DECAY,
        note="early-stopped on the moving average of the weights; fixed a priori",
        archived="cnn-lstm-crop-long-trim-full",
    ),
    "cnn-lstm-crop-spk-long-trim-ema": crop(
        True,
        ema_decay=EMA_DECAY,
        note="early-stopped on the moving average of the weights; fixed a priori",
        archived="cnn-lstm-crop-spk-long-trim-full",
    ),
    "cnn-lstm-crop-wide-trim-ema": crop(
        ema_decay=EMA_DECAY,
        **PAPER_WIDTH,
        note="early-stopped on the moving average of the weights; fixed a priori",
        archived="cnn-lstm-crop-wide-trim-full",
    ),
    "cnn-lstm-crop-spk-wide-trim-ema": crop(
        True,
        ema_decay=EMA_DECAY,
        **PAPER_WIDTH,
        note="early-stopped on the moving average of the weights; fixed a priori",
        archived="cnn-lstm-crop-spk-wide-trim-full",
    ),
    # make_crop_cnn_lstm_pipeline's training since these rows: fixed a priori;
    # seeds 1 and 2 after seed 0 was scored, before they ran.
    "cnn-lstm-crop-long-trim-full": full(note="the recipe as it is"),
    "cnn-lstm-crop-spk-long-trim-full": full(True, note="the recipe as it is"),
    "cnn-lstm-crop-wide-trim-full": full(**PAPER_WIDTH, note="the recipe at the paper's width"),
    "cnn-lstm-crop-spk-wide-trim-full": full(
        True, **PAPER_WIDTH, note="the recipe at the paper's width"
    ),
    **{
        f"cnn-lstm-crop{spk}-{recipe}-full-seed{seed}": full(
            bool(spk),
            seed=seed,
            **width,
            note=NEW_SEED,
            archived=f"averaged in cnn-lstm-crop{spk}-{recipe}-full-3seeds",
        )
        for recipe, width in (("long-trim", {}), ("wide-trim", PAPER_WIDTH))
        for spk in ("", "-spk")
        for seed in (1, 2)
    },
}

VOTES = {
    # Every member fixed before any member was scored on the test folds,
    # unless the note says otherwise.
    "ensemble-spk": Vote(
        ("cnn-lstm-crop-spk", "egemaps-svm-tuned-spk", "baseline-tuned-spk"),
        archived="ensemble-spk-compare",
    ),
    "ensemble-spk-compare": four_families(
        "cnn-lstm-crop-spk", "-spk", archived="ensemble-spk-compare-long"
    ),
    "ensemble-spk-compare-long": four_families(
        "cnn-lstm-crop-spk-long", "-spk", archived="ensemble-spk-compare-long-trim-full-3seeds"
    ),
    "ensemble-compare-long": four_families(
        "cnn-lstm-crop-long", archived="ensemble-compare-long-trim-full-3seeds"
    ),
    "ensemble-five-long": Vote(
        (
            "cnn-lstm-crop-long",
            "transformer-cnn-crop-long",
            "compare-svm-tuned",
            "egemaps-svm-tuned",
            "baseline-tuned",
        ),
        note="the Transformer-CNN as a fifth family, defined before it was scored",
        archived="ensemble-compare-long (no gain)",
    ),
    "ensemble-spk-five-long": Vote(
        (
            "cnn-lstm-crop-spk-long",
            "transformer-cnn-crop-spk-long",
            "compare-svm-tuned-spk",
            "egemaps-svm-tuned-spk",
            "baseline-tuned-spk",
        ),
        note="the Transformer-CNN as a fifth family, defined before it was scored",
        archived="ensemble-spk-compare-long (no gain)",
    ),
    "ensemble-compare-deltas": four_families(
        "cnn-lstm-crop-long-trim-deltas", archived="ensemble-compare-long-trim-full-3seeds"
    ),
    "ensemble-spk-compare-deltas": four_families(
        "cnn-lstm-crop-spk-long-trim-deltas",
        "-spk",
        archived="ensemble-spk-compare-long-trim-full-3seeds",
    ),
    "ensemble-compare-wide": four_families(
        "cnn-lstm-crop-wide-trim", archived="ensemble-compare-wide-full-3seeds"
    ),
    "ensemble-spk-compare-wide": four_families(
        "cnn-lstm-crop-spk-wide-trim", "-spk", archived="ensemble-spk-compare-wide-full-3seeds"
    ),
    "ensemble-spk-compare-wide-deltas": four_families(
        "cnn-lstm-crop-spk-wide-trim-deltas",
        "-spk",
        archived="ensemble-spk-compare-wide-full-3seeds",
    ),
    "ensemble-compare-long-trim-full": four_families(
        "cnn-lstm-crop-long-trim-full", archived="ensemble-compare-long-trim-full-3seeds"
    ),
    "ensemble-spk-compare-long-trim-full": four_families(
        "cnn-lstm-crop-spk-long-trim-full",
        "-spk",
        archived="ensemble-spk-compare-long-trim-full-3seeds",
    ),
    "ensemble-compare-wide-full": four_families(
        "cnn-lstm-crop-wide-trim-full", archived="ensemble-compare-wide-full-3seeds"
    ),
    "ensemble-spk-compare-wide-full": four_families(
        "cnn-lstm-crop-spk-wide-trim-full", "-spk", archived="ensemble-spk-compare-wide-full-3seeds"
    ),
    **{
        f"cnn-lstm-crop{spk}-{recipe}-3seeds": dataclasses.replace(
            seeds(f"cnn-lstm-crop{spk}-{recipe}"),
            archived=None if "full" in recipe else f"cnn-lstm-crop{spk}-{recipe}-full-3seeds",
        )
        for recipe in ("long-trim", "wide-trim", "long-trim-full", "wide-trim-full")
        for spk in ("", "-spk")
    },
    # The four families with three seeds of the CNN-LSTM, each family one
    # vote; the notes say when each was defined.
    "ensemble-compare-wide-3seeds": four_families(
        "cnn-lstm-crop-wide-trim-3seeds",
        note="defined before seeds 1-2 ran",
        archived="ensemble-compare-wide-full-3seeds",
    ),
    "ensemble-spk-compare-wide-3seeds": four_families(
        "cnn-lstm-crop-spk-wide-trim-3seeds",
        "-spk",
        note="defined before seeds 1-2 ran",
        archived="ensemble-spk-compare-wide-full-3seeds",
    ),
    "ensemble-compare-long-trim-3seeds": four_families(
        "cnn-lstm-crop-long-trim-3seeds",
        note="defined after the paper-width votes were scored",
        archived="ensemble-compare-long-trim-full-3seeds",
    ),
    "ensemble-spk-compare-long-trim-3seeds": four_families(
        "cnn-lstm-crop-spk-long-trim-3seeds",
        "-spk",
        note="defined after its seeds were scored",
        archived="ensemble-spk-compare-long-trim-full-3seeds",
    ),
    "ensemble-compare-long-trim-full-3seeds": four_families(
        "cnn-lstm-crop-long-trim-full-3seeds", note="defined before seeds 1-2 ran"
    ),
    "ensemble-spk-compare-long-trim-full-3seeds": four_families(
        "cnn-lstm-crop-spk-long-trim-full-3seeds", "-spk", note="defined before seeds 1-2 ran"
    ),
    "ensemble-compare-wide-full-3seeds": four_families(
        "cnn-lstm-crop-wide-trim-full-3seeds",
        note="defined after the half-width votes were scored, before seeds 1-2 ran",
    ),
    "ensemble-spk-compare-wide-full-3seeds": four_families(
        "cnn-lstm-crop-spk-wide-trim-full-3seeds",
        "-spk",
        note="defined after the half-width votes were scored, before seeds 1-2 ran",
    ),
    # The eGeMAPS family extended by the speaker encoder, defined before the
    # egemaps-voice rows ran; the only votes defined with them.
    "ensemble-compare-wide-full-3seeds-voice": Vote(
        (
            "cnn-lstm-crop-wide-trim-full-3seeds",
            "compare-svm-tuned",
            "egemaps-voice-svm-tuned",
            "baseline-tuned",
        ),
        note="eGeMAPS beside the speaker encoder; defined before those rows ran",
    ),
    "ensemble-spk-compare-wide-full-3seeds-voice": Vote(
        (
            "cnn-lstm-crop-spk-wide-trim-full-3seeds",
            "compare-svm-tuned-spk",
            "egemaps-voice-svm-tuned-spk",
            "baseline-tuned-spk",
        ),
        note="eGeMAPS beside the speaker encoder; defined before those rows ran",
    ),
    # A three-seed member learns its weight from its seed-0 row (30 more fits
    # per seed would not fit the CPU budget).
    "ensemble-spk-compare-wide-full-3seeds-stacked": Vote(
        {
            "cnn-lstm-crop-spk-wide-trim-full-3seeds": "cnn-lstm-crop-spk-wide-trim-full",
            "compare-svm-tuned-spk": "compare-svm-tuned-spk",
            "egemaps-svm-tuned-spk": "egemaps-svm-tuned-spk",
            "baseline-tuned-spk": "baseline-tuned-spk",
        },
        note="weights learned on inner folds; defined after the equal-weight vote "
        "was scored (71.7)",
        archived="ensemble-spk-compare-wide-full-3seeds (no gain)",
    ),
}


def build(name, seed=0, device="cpu", epochs=60):
    """The unfitted pipeline of row ``name`` for the runner's options."""
    row = ROWS[name]
    run = {"random_state": seed + row.seed_offset}
    if row.recipe is not make_baseline_pipeline:
        run |= {"device": device, "max_epochs": epochs, **EARLY_STOPPED}
    pipeline = row.recipe(sr=SR, **{**run, **row.params}).set_params(**row.steps)
    if row.grid is None:
        return pipeline
    search = dict(cv=GroupKFold(n_splits=3), scoring="balanced_accuracy", n_jobs=1)
    if row.search_pipeline:
        # Candidates that differ only in the classifier share the cached
        # front end of each inner fold.
        pipeline.set_params(memory=tempfile.mkdtemp(prefix="sklearn_ser_bench_"))
        return GridSearchCV(pipeline, row.grid, **search)
    # The features (and any per-speaker scaling, label-free and per speaker)
    # are computed once per outer fold; the grid runs on them.
    step, classifier = pipeline.steps[-1]
    pipeline.steps[-1] = (step, GridSearchCV(classifier, row.grid, **search))
    return pipeline


# What the parts of a row's name stand for: as shown, the pattern that finds
# them in a name, and their meaning.
LEGEND = [
    (
        "baseline",
        r"^baseline",
        "log-mel statistics per band; logistic regression, or an RBF SVM when tuned",
    ),
    ("egemaps, compare", r"^(egemaps|compare)-", "openSMILE eGeMAPS or ComParE-2016 functionals"),
    (
        "voice",
        r"voice",
        "embeddings of a pretrained speaker encoder (Resemblyzer's weights, trained on "
        "LibriSpeech and VoxCeleb), which learnt from other corpora",
    ),
    (
        "whisper-base",
        r"^whisper-base",
        "the mean of the layers of a pretrained speech encoder, Whisper base's (OpenAI's "
        "weights, trained on 680,000 hours of speech in 97 languages), frozen",
    ),
    ("-tuned", r"-tuned", "the SVM's C chosen on 3 speaker-grouped folds of the training actors"),
    ("-paper", r"-paper$", "the paper's setup"),
    (
        "cnn-lstm-crop",
        r"^cnn-lstm-crop",
        "our CPU recipe: a small CNN-LSTM on random 2-s windows with mixup and "
        "augmentation, windows averaged at test",
    ),
    (
        "-spk",
        r"-spk(-|$)",
        "per-speaker standardisation (SpeakerStandardScaler), which uses the test speakers' "
        "unlabelled clips",
    ),
    ("-long", r"-long(-|$)", "up to 200 epochs, early-stopped on 2 of the training actors"),
    ("-trim", r"-trim", "silence around the speech cut (30 dB below the loudest frame)"),
    ("-wide", r"-wide", "the paper's channels (64-64-128-128) and LSTM (128) instead of half"),
    ("-deltas", r"-deltas", "delta and delta-delta channels beside the spectrogram"),
    ("-ema", r"-ema$", "early-stopped and predicting on a moving average of the weights"),
    (
        "-full",
        r"-full",
        f"every training actor for {FULL_DATA_EPOCHS} epochs, predicting with a moving "
        f"average of the weights (decay {EMA_DECAY}): the recipe's training now",
    ),
    ("-seedK", r"-seed\d", "training seed K instead of 0"),
    ("-3seeds", r"-3seeds", "class probabilities of seeds 0, 1 and 2 averaged"),
    (
        "ensemble-...-compare-X",
        r"^ensemble-",
        "soft vote of four families: the CNN-LSTM row X and the ComParE, eGeMAPS "
        "(-voice: eGeMAPS + speaker encoder) and log-mel SVMs; -five adds the "
        "Transformer-CNN, -stacked weights the members on inner folds",
    ),
]


def uses(name):
    """What the parts of a row's name say it uses, and a vote's members."""
    meanings = [meaning for _, pattern, meaning in LEGEND if re.search(pattern, name)]
    if name in VOTES:
        meanings.append("mean class probabilities of " + ", ".join(VOTES[name].members))
    return meanings
