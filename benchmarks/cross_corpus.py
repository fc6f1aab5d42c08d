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

Each row writes ``benchmarks/results/cross_corpus/<row>/`` with
:func:`sklearn_ser.evaluation.evaluate_to_folder` (results.json with the exact
command and the time of its folds, report.md, the finished folds, which the
same command resumes) and ``benchmarks/results/cross_corpus/README.md`` is
rebuilt from every results.json present.

The row ``egemaps-voice-svm-copies`` needs the ``[benchmarks]`` extra
(audiomentations, pyroomacoustics); its recorded copies are cached in
``benchmarks/cache/recorded_copies/`` (not committed).

The openSMILE and speaker-encoder features of each clip are cached in
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
}
# A vote averages its members' class probabilities on the same folds.
VOTES = {
    "vote": ["cnn-lstm-crop", "egemaps-voice-svm"],
    "vote-utt": ["cnn-lstm-crop-utt", "egemaps-voice-svm"],
    "vote-spk": ["cnn-lstm-crop-spk", "egemaps-voice-svm-spk"],
    "vote-utt-spk": ["cnn-lstm-crop-utt-spk", "egemaps-voice-svm-spk"],
}


def load(ravdess_path, ased_path):
    corpus = load_corpus(["ravdess", "ased"], [ravdess_path, ased_path], sr=SR)
    return relabel(corpus, keep=SHARED_EMOTIONS)


def run_row(name, corpus, command):
    description, uses, build, groups = ROWS[name]
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


def write_table():
    """benchmarks/results/cross_corpus/README.md from every results.json present."""
    lines = [
        "# Cross-corpus results (5 shared emotions, chance 20% UAR)",
        "",
        "Written by `benchmarks/cross_corpus.py`; each row's folder has its report and exact",
        "command. UAR in %; 'top share' is the share of the test clips given the most-predicted",
        "class. Fold time is summed over both directions (CPU shared with other work); the",
        "openSMILE and speaker-encoder features are cached per clip and shared by the rows:",
        "a row's fold time leaves out those an earlier row computed. `egemaps-voice-*`,",
        "`recommended*` rows and the votes use a pretrained speaker encoder (Resemblyzer's",
        "weights, trained on other corpora);",
        "the log-mel and CNN-LSTM rows use no pretrained weights. A vote is the mean class",
        "probability of `cnn-lstm-crop[-utt][-spk]` and `egemaps-voice-svm[-spk]`.",
        "",
        "| row | what it uses of the test corpus | RAVDESS -> ASED UAR | top share | "
        "ASED -> RAVDESS UAR | top share | fold time |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in [*ROWS, *VOTES]:
        path = RESULTS / name / "results.json"
        if not path.exists():
            continue
        result = json.loads(path.read_text())
        cells = []
        for test_corpus in ("ased", "ravdess"):
            scores = result["per_corpus"][test_corpus]
            shares = scores["prediction_shares"]
            top = max(shares, key=shares.get)
            cells += [f"{100 * scores['uar']:.1f}", f"{100 * shares[top]:.0f}% {top}"]
        run = result["run"]
        lines.append(
            f"| {name} | {run['uses_of_test_corpus']} | {' | '.join(cells)} | "
            f"{run['fold_time_s'] / 60:.0f} min |"
        )
    lines += ["", "Per-class recall:", ""]
    for name in [*ROWS, *VOTES]:
        path = RESULTS / name / "results.json"
        if not path.exists():
            continue
        per_corpus = json.loads(path.read_text())["per_corpus"]
        recalls = "; ".join(
            f"-> {test}: "
            + ", ".join(
                f"{c} {100 * r:.0f}" for c, r in per_corpus[test]["per_class_recall"].items()
            )
            for test in ("ased", "ravdess")
        )
        lines.append(f"- {name}: {recalls}")
    (RESULTS / "README.md").write_text("\n".join(lines) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rows", nargs="+", choices=[*ROWS, *VOTES])
    parser.add_argument("--ravdess", default=str(HERE.parents[1] / "shared/data/ravdess16k"))
    parser.add_argument("--ased", default=str(HERE.parents[1] / "shared/data/ased16k"))
    args = parser.parse_args(argv)
    command = "python benchmarks/cross_corpus.py " + shlex.join(
        sys.argv[1:] if argv is None else argv
    )
    corpus = load(args.ravdess, args.ased)
    for name in args.rows:
        run = run_vote if name in VOTES else run_row
        per_corpus, _ = run(name, corpus, command)
        for test_corpus, scores in per_corpus.items():
            print(f"{name} -> {test_corpus}: UAR {100 * scores.uar:.1f}", flush=True)
        write_table()


if __name__ == "__main__":
    main()
