"""Cross-corpus benchmark: train on one corpus, test on another.

RAVDESS (English, 24 actors) and ASED (Amharic, 65 speakers) share five
emotions: angry, fearful, happy, neutral, sad. Every row keeps only those
(RAVDESS's calm, disgust and surprised clips are dropped, nothing is merged)
and runs :class:`sklearn_ser.evaluation.LeaveOneCorpusOut` over the two
corpora: the fold that tests on ASED is RAVDESS -> ASED, the fold that tests
on RAVDESS is ASED -> RAVDESS. Rows ending in ``-spk`` standardise features
per speaker, the test corpus's speakers with their own unlabelled clips;
the others see nothing of the test corpus before predicting.

Rows starting with ``4emo-`` rerun a row on the four emotions that the
embedded synthetic corpus has too (angry, happy, neutral, sad); with
``+synthetic`` the synthetic corpus is a third corpus of the leave-one-out.

Usage (from the repository root)::

    .venv/bin/python benchmarks/cross_corpus.py ROW [ROW ...] [--ravdess PATH] [--ased PATH]

Each row writes ``benchmarks/results/cross_corpus/<row>/`` with
:func:`sklearn_ser.evaluation.evaluate_to_folder` (results.json with the exact
command and the time of its folds, report.md, the finished folds, which the
same command resumes) and ``benchmarks/results/cross_corpus/README.md`` is
rebuilt from every results.json present.

The row ``egemaps-voice-svm-copies`` needs the ``[benchmarks]`` extra
(audiomentations, pyroomacoustics); its recorded copies are cached in
``benchmarks/cache/recorded_copies/`` (not committed).

The rows ``whisper-base-*`` need the ``[transformers]`` extra and Whisper
base's weights in ``benchmarks/cache/whisper-base/``, written by
``benchmarks/whisper_weights.py`` (its docstring says where they come from).

The openSMILE, speaker-encoder and Whisper features of each clip are cached in
``benchmarks/cache/features/`` (not committed; the transformers' ``memory``)
and shared by the rows and by ``benchmarks/recommended.py``: a row's time
leaves out features an earlier row computed. The recipes' input check
(:class:`sklearn_ser.preprocessing.InputDomainCheck`), which only warns and
passes its input on, is left out of every row.
"""

import argparse
import functools
import json
import os
import platform
import random
import shlex
import sys
import zlib
from pathlib import Path

import numpy as np
from joblib import Memory
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.pipeline import make_pipeline
from whisper_weights import whisper_base_encoder

from sklearn_ser.datasets import load_corpus, relabel
from sklearn_ser.evaluation import LeaveOneCorpusOut, evaluate_to_folder, score_predictions
from sklearn_ser.pipelines import (
    make_baseline_pipeline,
    make_crop_cnn_lstm_pipeline,
    make_recommended_pipeline,
)
from sklearn_ser.preprocessing import LoudnessNormalizer
from sklearn_ser.utils import fit_with_groups

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "cross_corpus"
FEATURE_CACHE = HERE / "cache" / "features"
SHARED_EMOTIONS = ["angry", "fearful", "happy", "neutral", "sad"]
SR = 16000
AUGMENTED_COPIES = 2


@functools.cache
def _recording():
    """The chain of audiomentations that imitates another recording: another
    voice pitch, a room, a microphone's colouration, sometimes a telephone
    band, noise and another level."""
    import audiomentations as am  # the benchmark's own dependency

    return am.Compose(
        [
            am.PitchShift(min_semitones=-2, max_semitones=2, p=0.5),
            am.RoomSimulator(leave_length_unchanged=True, p=0.5),
            am.SevenBandParametricEQ(min_gain_db=-6, max_gain_db=6, p=1.0),
            am.Compose(
                [
                    am.HighPassFilter(min_cutoff_freq=300, max_cutoff_freq=300, p=1.0),
                    am.LowPassFilter(min_cutoff_freq=3400, max_cutoff_freq=3400, p=1.0),
                ],
                p=0.25,
            ),
            am.AddGaussianSNR(min_snr_db=10, max_snr_db=30, p=0.5),
            am.Gain(min_gain_db=-12, max_gain_db=12, p=1.0),  # float samples: no clipping
        ]
    )


@Memory(HERE / "cache" / "recorded_copies", verbose=0).cache
def recorded_copy(clip, copy):
    """``clip`` as if recorded elsewhere (copy number ``copy``, by
    :func:`_recording`), drawn from the clip's own samples, so that a clip's
    copies are the same in every fold and row."""
    seed = zlib.crc32(np.ascontiguousarray(clip).tobytes()) + 7919 * copy
    random.seed(seed)
    np.random.seed(seed % 2**32)
    return _recording()(np.asarray(clip, dtype=np.float32), SR)


class TrainedOnRecordedCopies(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """``estimator`` fit on the training clips and ``AUGMENTED_COPIES``
    recorded copies of each (same label, same speaker); it predicts unchanged."""

    def __init__(self, estimator):
        self.estimator = estimator

    def fit(self, X, y, groups=None):
        copies = [recorded_copy(clip, k) for k in range(AUGMENTED_COPIES) for clip in X]
        repeat = 1 + AUGMENTED_COPIES
        groups = None if groups is None else np.tile(groups, repeat)
        self.estimator_ = fit_with_groups(
            clone(self.estimator), [*X, *copies], np.tile(y, repeat), groups
        )
        self.classes_ = self.estimator_.classes_
        return self

    def predict(self, X):
        return self.estimator_.predict(X)

    def predict_proba(self, X):
        return self.estimator_.predict_proba(X)


def _svm(speaker_norm):
    return make_baseline_pipeline(
        "svm",
        features=("egemaps", "voice"),
        speaker_norm=speaker_norm,
        sr=SR,
        memory=FEATURE_CACHE,
        random_state=0,
        check_domain=False,
    )


def _recommended(speaker_norm):
    return make_recommended_pipeline(
        sr=SR,
        speaker_norm=speaker_norm,
        check_domain=False,
        memory=FEATURE_CACHE,
        random_state=0,
    )


def _cnn_lstm(speaker_norm, utterance_norm=False):
    return make_crop_cnn_lstm_pipeline(
        sr=SR,
        speaker_norm=speaker_norm,
        utterance_norm=utterance_norm,
        random_state=0,
        check_domain=False,
    )


def _whisper(classifier, speaker_norm):
    """A classifier on the mean of Whisper base's encoder layers, averaged over each clip."""
    return make_baseline_pipeline(
        classifier,
        features=whisper_base_encoder(),
        speaker_norm=speaker_norm,
        random_state=0,
        check_domain=False,
    )


def _loudness_first(pipeline):
    """``pipeline`` on clips brought to one loudness (-23 LUFS)."""
    return make_pipeline(LoudnessNormalizer(sr=SR), pipeline)


# name -> (what it is, what it uses of the test corpus, builder, groups):
# groups "speaker" gives the scalers each clip's speaker, "corpus" each
# clip's corpus (a corpus normalised as one domain, for speakers unknown).
# Every row and vote was defined before any of them ran.
ROWS = {
    "egemaps-voice-svm": (
        "eGeMAPS + speaker encoder, RBF SVM",
        "nothing",
        lambda: _svm(False),
        "speaker",
    ),
    "egemaps-voice-svm-spk": (
        "the same, speaker norm",
        "its speakers' statistics",
        lambda: _svm(True),
        "speaker",
    ),
    "egemaps-voice-svm-corpusnorm": (
        "the same, per-corpus norm",
        "its corpus statistics",
        lambda: _svm(True),
        "corpus",
    ),
    "logmel-logreg": (
        "make_baseline_pipeline(): log-mel statistics, logistic regression",
        "nothing",
        lambda: make_baseline_pipeline(sr=SR, random_state=0, check_domain=False),
        "speaker",
    ),
    "logmel-logreg-spk": (
        "the same, speaker norm",
        "its speakers' statistics",
        lambda: make_baseline_pipeline(
            sr=SR, speaker_norm=True, random_state=0, check_domain=False
        ),
        "speaker",
    ),
    "cnn-lstm-crop": (
        "make_crop_cnn_lstm_pipeline()",
        "nothing",
        lambda: _cnn_lstm(False),
        "speaker",
    ),
    "cnn-lstm-crop-utt": (
        "make_crop_cnn_lstm_pipeline(utterance_norm=True)",
        "nothing",
        lambda: _cnn_lstm(False, True),
        "speaker",
    ),
    "cnn-lstm-crop-spk": (
        "make_crop_cnn_lstm_pipeline(speaker_norm=True)",
        "its speakers' statistics",
        lambda: _cnn_lstm(True),
        "speaker",
    ),
    "cnn-lstm-crop-utt-spk": (
        "the same with utterance_norm=True",
        "its speakers' statistics",
        lambda: _cnn_lstm(True, True),
        "speaker",
    ),
    # Defined after the rows above ran: the recommended model, one estimator.
    "recommended": (
        "make_recommended_pipeline()",
        "nothing",
        lambda: _recommended(False),
        "speaker",
    ),
    "recommended-spk": (
        "make_recommended_pipeline(speaker_norm=True)",
        "its speakers' statistics",
        lambda: _recommended(True),
        "speaker",
    ),
    "recommended-corpusnorm": (
        "make_recommended_pipeline(speaker_norm=True), each corpus one domain",
        "its corpus statistics",
        lambda: _recommended(True),
        "corpus",
    ),
    # Defined after the rows above ran: every clip at one loudness first.
    "egemaps-voice-svm-loud": (
        "eGeMAPS + speaker encoder SVM on loudness-normalised clips",
        "nothing",
        lambda: _loudness_first(_svm(False)),
        "speaker",
    ),
    "egemaps-voice-svm-loud-spk": (
        "the same, speaker norm",
        "its speakers' statistics",
        lambda: _loudness_first(_svm(True)),
        "speaker",
    ),
    "cnn-lstm-crop-loud": (
        "make_crop_cnn_lstm_pipeline() on loudness-normalised clips",
        "nothing",
        lambda: _loudness_first(_cnn_lstm(False)),
        "speaker",
    ),
    # Defined after the rows above ran: trained on recorded copies too.
    "egemaps-voice-svm-copies": (
        "eGeMAPS + speaker encoder SVM, trained also on 2 recorded copies of each clip",
        "nothing",
        lambda: TrainedOnRecordedCopies(_svm(False)),
        "speaker",
    ),
    # Defined after the rows above ran: a pretrained speech encoder (Whisper
    # base, trained on 680,000 hours of speech in 97 languages), frozen, with
    # its defaults (the mean of its layers), before one of the classifiers
    # above. Both classifiers are reported.
    "whisper-base-logreg": (
        "Whisper base encoder (pretrained, frozen), logistic regression",
        "nothing",
        lambda: _whisper("logreg", False),
        "speaker",
    ),
    "whisper-base-logreg-spk": (
        "the same, speaker norm",
        "its speakers' statistics",
        lambda: _whisper("logreg", True),
        "speaker",
    ),
    "whisper-base-svm": (
        "Whisper base encoder (pretrained, frozen), RBF SVM",
        "nothing",
        lambda: _whisper("svm", False),
        "speaker",
    ),
    "whisper-base-svm-spk": (
        "the same, speaker norm",
        "its speakers' statistics",
        lambda: _whisper("svm", True),
        "speaker",
    ),
}
# A vote averages its members' class probabilities on the same folds.
VOTES = {
    "vote": ["cnn-lstm-crop", "egemaps-voice-svm"],
    "vote-utt": ["cnn-lstm-crop-utt", "egemaps-voice-svm"],
    "vote-spk": ["cnn-lstm-crop-spk", "egemaps-voice-svm-spk"],
    "vote-utt-spk": ["cnn-lstm-crop-utt-spk", "egemaps-voice-svm-spk"],
}
# Defined after the rows above ran: leave-one-corpus-out over RAVDESS, ASED and
# the embedded synthetic corpus, on the four emotions all three have. name ->
# (row of ROWS, whether the synthetic corpus is one of the corpora): without
# it, the same two real corpora on the same four emotions, for comparison.
FOUR_EMOTIONS = ["angry", "happy", "neutral", "sad"]
FOUR_EMOTION_ROWS = {
    f"4emo-{row}{'+synthetic' * synthetic}": (row, synthetic)
    for row in (
        "egemaps-voice-svm",
        "egemaps-voice-svm-spk",
        "logmel-logreg",
        "logmel-logreg-spk",
        "cnn-lstm-crop",
        "cnn-lstm-crop-spk",
    )
    for synthetic in (False, True)
}


@functools.cache
def load(ravdess_path, ased_path, four_emotions=False, synthetic=False):
    """RAVDESS and ASED on the emotions they share, or on the four the synthetic
    corpus has too, with it as a third corpus if ``synthetic``."""
    names, paths = ["ravdess", "ased"], [ravdess_path, ased_path]
    corpus = load_corpus(
        names + ["synthetic"] * synthetic, paths + [None] * synthetic, sr=SR, random_state=0
    )
    return relabel(corpus, keep=FOUR_EMOTIONS if four_emotions else SHARED_EMOTIONS)


def _row(name):
    """The row of ROWS that ``name`` runs, and for a four-emotion row whether
    the synthetic corpus is one of its corpora (None for the others)."""
    return FOUR_EMOTION_ROWS.get(name, (name, None))


def run_row(name, corpus, command):
    row, synthetic = _row(name)
    description, uses, build, groups = ROWS[row]
    if synthetic is not None:
        description += ", on angry, happy, neutral and sad" + (
            ", with the synthetic corpus as a third" * synthetic
        )
    run = {
        "row": name,
        "description": description,
        "uses_of_test_corpus": uses,
        "command": command,
        "hardware": f"{platform.machine()}, {os.cpu_count()} CPU cores, shared",
    }
    report, _ = evaluate_to_folder(
        build(),
        corpus.data,
        corpus.target,
        corpus.groups if groups == "speaker" else corpus.corpus,
        LeaveOneCorpusOut(corpora=corpus.corpus),
        RESULTS / name,
        run=run,
        corpora=corpus.corpus,
    )
    return report.per_corpus, run


def run_vote(name, corpus, command):
    """Average the members' stored class probabilities, fold by fold."""
    members = VOTES[name]
    runs = [json.loads((RESULTS / m / "results.json").read_text())["run"] for m in members]
    splitter = LeaveOneCorpusOut(corpora=corpus.corpus)
    test_corpora = np.unique(corpus.corpus)  # the splitter's fold order
    per_corpus = {}
    for k, (_, test) in enumerate(splitter.split(corpus.data, corpus.target)):
        folds = [
            json.loads((RESULTS / m / "folds" / f"fold_{k}.json").read_text()) for m in members
        ]
        classes = folds[0]["classes"]
        if any(fold["classes"] != classes for fold in folds):
            raise ValueError(f"{name}: the members' classes differ in fold {k}")
        proba = np.mean([fold["proba"] for fold in folds], axis=0)
        predicted = np.asarray(classes)[np.argmax(proba, axis=1)]
        per_corpus[str(test_corpora[k])] = score_predictions(corpus.target[test], predicted)
    run = {
        "row": name,
        "description": "mean class probabilities of " + " and ".join(members),
        "uses_of_test_corpus": max((ROWS[m][1] for m in members), key=len),
        "command": command,
        "fold_time_s": sum(run["fold_time_s"] for run in runs),
    }
    out = RESULTS / name
    out.mkdir(parents=True, exist_ok=True)
    result = {"run": run, "per_corpus": {k: v.to_dict() for k, v in per_corpus.items()}}
    (out / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    return per_corpus, run


def _results(names):
    for name in names:
        path = RESULTS / name / "results.json"
        if path.exists():
            yield name, json.loads(path.read_text())


def _table(names, tests):
    """Markdown lines: a row per result present of ``names``, with a UAR and a
    top-share column per (test corpus, title) of ``tests``, then the rows'
    per-class recalls."""
    lines = [
        "| row | what it uses of the test corpus | "
        + "".join(f"{title} UAR | top share | " for _, title in tests)
        + "fold time |",
        "| --- " * (3 + 2 * len(tests)) + "|",
    ]
    recalls = []
    for name, result in _results(names):
        per_corpus, run = result["per_corpus"], result["run"]
        cells, recall = [], []
        for test, _ in tests:
            if test not in per_corpus:  # a corpus that this row does not test on
                cells += ["", ""]
                continue
            scores = per_corpus[test]
            shares = scores["prediction_shares"]
            top = max(shares, key=shares.get)
            cells += [f"{100 * scores['uar']:.1f}", f"{100 * shares[top]:.0f}% {top}"]
            per_class = scores["per_class_recall"].items()
            recall.append(f"-> {test}: " + ", ".join(f"{c} {100 * r:.0f}" for c, r in per_class))
        lines.append(
            f"| {name} | {run['uses_of_test_corpus']} | {' | '.join(cells)} | "
            f"{run['fold_time_s'] / 60:.0f} min |"
        )
        recalls.append(f"- {name}: {'; '.join(recall)}")
    return [*lines, "", "Per-class recall:", "", *recalls]


def results_table():
    """The text of benchmarks/results/cross_corpus/README.md, from every
    results.json present."""
    lines = [
        "# Cross-corpus results (5 shared emotions, chance 20% UAR)",
        "",
        "Written by `benchmarks/cross_corpus.py`; each row's folder has its report and exact",
        "command. UAR in %; 'top share' is the share of the test clips given the most-predicted",
        "class. Fold time is summed over both directions (CPU shared with other work); the",
        "openSMILE, speaker-encoder and Whisper features are cached per clip and shared by",
        "the rows: a row's fold time leaves out those an earlier row computed.",
        "`egemaps-voice-*`, `recommended*` rows and the votes use a pretrained speaker encoder",
        "(Resemblyzer's weights, trained on other corpora); `whisper-base-*` rows use a",
        "pretrained speech encoder (OpenAI's Whisper base, trained on 680,000 hours of speech",
        "in 97 languages; frozen, the mean of its layers); the log-mel and CNN-LSTM rows use",
        "no pretrained weights. A vote is the mean class probability of",
        "`cnn-lstm-crop[-utt][-spk]` and `egemaps-voice-svm[-spk]`.",
        "",
        *_table([*ROWS, *VOTES], [("ased", "RAVDESS -> ASED"), ("ravdess", "ASED -> RAVDESS")]),
        "",
        "## Three corpora, four emotions (chance 25% UAR)",
        "",
        "Leave-one-corpus-out over RAVDESS, ASED and the embedded synthetic corpus on the",
        "emotions all three have (angry, happy, neutral, sad): a `+synthetic` row tests on each",
        "corpus after training on the other two, the row above it on the two real corpora",
        "only, each trained on the other.",
        "",
        *_table(
            FOUR_EMOTION_ROWS,
            [("ased", "-> ASED"), ("ravdess", "-> RAVDESS"), ("synthetic", "-> synthetic")],
        ),
    ]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rows", nargs="+", choices=[*ROWS, *VOTES, *FOUR_EMOTION_ROWS])
    parser.add_argument("--ravdess", default=str(HERE.parents[1] / "shared/data/ravdess16k"))
    parser.add_argument("--ased", default=str(HERE.parents[1] / "shared/data/ased16k"))
    args = parser.parse_args(argv)
    command = "python benchmarks/cross_corpus.py " + shlex.join(
        sys.argv[1:] if argv is None else argv
    )
    for name in args.rows:
        run = run_vote if name in VOTES else run_row
        synthetic = _row(name)[1]
        corpus = load(args.ravdess, args.ased, synthetic is not None, bool(synthetic))
        per_corpus, _ = run(name, corpus, command)
        for test_corpus, scores in per_corpus.items():
            print(f"{name} -> {test_corpus}: UAR {100 * scores.uar:.1f}", flush=True)
        (RESULTS / "README.md").write_text(results_table())


if __name__ == "__main__":
    main()
