"""Long recordings: where the speech is, emotion over time, memory and speed.

Three measurements on recordings built from real clips, whose boundaries
and emotions are therefore known:

``segmentation``
    RAVDESS (actors 13-24) and ASED clips, each cut to its speech (40 dB
    below its loudest frame), joined in recordings of 30 clips by 0.5-2.5 s
    of silence, clean or under white or pink noise at 20, 10, 5 and 0 dB
    SNR. For each speech detector (``SpeechSegmenter``'s defaults, padding
    0): the error of each utterance's start and end (median and 95th
    percentile, ms), missed speech (share of the speech time outside every
    segment), false speech (share of the non-speech time inside one), and
    utterances missed, split in several segments or merged with another.
``emotion``
    The log-mel baseline (``make_baseline_pipeline()``, and with
    ``speaker_norm=True``) fitted on RAVDESS actors 1-18; the 60 clips of
    each of actors 19-24 joined in one recording per actor (0.2-1.0 s of
    silence between the files, which keep their own silence), clean or
    under white noise at 20 dB SNR. The UAR of the segments that
    ``predict_segments`` finds (each segment takes the emotion of the clip
    it overlaps most) and of the clips labelled from their segments
    (probabilities averaged, weighted by overlap), against the UAR of the
    same model on the clips cut from the same recording at their own
    bounds, and on the clips one by one.
``resources``
    Peak resident memory and speed of ``sklearn-ser predict MODEL FILE
    --segments`` in a fresh process on WAV files of 1, 30 and 120 minutes
    (16 kHz, 16-bit) made by repeating 120 RAVDESS clips, for the default
    CNN-LSTM recipe (``make_crop_cnn_lstm_pipeline``) trained by
    ``sklearn-ser train`` for 1 epoch on 48 clips: the weights do not change
    the cost of a prediction.

Usage (from the repository root)::

    .venv/bin/python benchmarks/long_recordings.py segmentation --ravdess PATH --ased PATH
    .venv/bin/python benchmarks/long_recordings.py emotion --ravdess PATH
    .venv/bin/python benchmarks/long_recordings.py resources --ravdess PATH [--minutes 1 30 120]

Results: ``benchmarks/long_recordings.md``.
"""

import argparse
import glob
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile
from sklearn import config_context
from sklearn.metrics import balanced_accuracy_score

from sklearn_ser.datasets import join_clips, load_ravdess, read_audio
from sklearn_ser.pipelines import make_baseline_pipeline
from sklearn_ser.segmentation import FixedWindows, SpeechSegmenter, predict_segments

SR = 16000
CLIPS_PER_RECORDING = 30
CONDITIONS = [(None, None)] + [
    (noise, snr) for noise in ("white", "pink") for snr in (20, 10, 5, 0)
]
GRID = 0.01  # seconds per cell of the speech masks


# ---------------------------------------------------------------- segmentation


def _mask(segments, duration):
    mask = np.zeros(int(np.ceil(duration / GRID)), bool)
    for start, end in segments:
        mask[round(start / GRID) : round(end / GRID)] = True
    return mask


def _score(truth, found, duration):
    """Boundary errors (s) and counts of one recording."""
    starts, ends, counts = [], [], dict(missed=0, split=0, merged=0)
    for start, end in truth:
        overlapping = found[(found[:, 0] < end) & (found[:, 1] > start)]
        if not len(overlapping):
            counts["missed"] += 1
            continue
        counts["split"] += len(overlapping) > 1
        starts.append(overlapping[0, 0] - start)
        ends.append(overlapping[-1, 1] - end)
    for start, end in found:
        counts["merged"] += np.sum((truth[:, 0] < end) & (truth[:, 1] > start)) > 1
    true, detected = _mask(truth, duration), _mask(found, duration)
    return dict(
        starts=starts,
        ends=ends,
        speech=true.sum(),
        missed_speech=(true & ~detected).sum(),
        silence=(~true).sum(),
        false_speech=(detected & ~true).sum(),
        utterances=len(truth),
        **counts,
    )


def _clips_of(args):
    ravdess = load_ravdess(args.ravdess, speakers=[f"{a:02d}" for a in range(13, 25)])
    ased_files = sorted(glob.glob(os.path.join(args.ased, "*", "*.flac")))
    rng = np.random.default_rng(0)
    ased = [read_audio(f) for f in rng.choice(ased_files, 240, replace=False)]
    rav = [ravdess.data[i] for i in rng.choice(len(ravdess.data), 240, replace=False)]
    return {"RAVDESS": rav, "ASED": ased}


def segmentation(args):
    vads = {"silero": SpeechSegmenter("silero"), "energy": SpeechSegmenter("energy")}
    print(
        "| corpus | noise | SNR dB | VAD | start error ms (median / p95) | end error ms "
        "(median / p95) | missed speech % | false speech % | utterances missed / split / "
        "merged % | x real time |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for corpus, clips in _clips_of(args).items():
        for noise, snr in CONDITIONS:
            recordings = [
                join_clips(
                    clips[start : start + CLIPS_PER_RECORDING],
                    gap=(0.5, 2.5),
                    snr=snr,
                    noise=noise or "white",
                    trim_db=40,
                    random_state=start,
                )
                for start in range(0, len(clips), CLIPS_PER_RECORDING)
            ]
            for name, segmenter in vads.items():
                segmenter = segmenter.set_params(padding=0, max_duration=3600)
                scores, seconds = [], 0.0
                for recording in recordings:
                    tic = time.perf_counter()
                    found = segmenter.segments(recording.waveform, SR)
                    seconds += time.perf_counter() - tic
                    duration = len(recording.waveform) / SR
                    scores.append(_score(recording.segments, found, duration))
                total = {
                    key: sum((s[key] for s in scores), type(v)()) for key, v in scores[0].items()
                }
                audio = sum(len(r.waveform) for r in recordings) / SR
                print(_segmentation_row(corpus, noise, snr, name, total, audio / seconds))


def _segmentation_row(corpus, noise, snr, vad, total, speed):
    starts, ends = np.abs(total["starts"]) * 1000, np.abs(total["ends"]) * 1000
    utterances = " / ".join(
        f"{100 * total[key] / total['utterances']:.0f}" for key in ("missed", "split", "merged")
    )
    cells = [
        corpus,
        noise or "none",
        "clean" if snr is None else snr,
        vad,
        f"{np.median(starts):.0f} / {np.percentile(starts, 95):.0f}",
        f"{np.median(ends):.0f} / {np.percentile(ends, 95):.0f}",
        f"{100 * total['missed_speech'] / total['speech']:.1f}",
        f"{100 * total['false_speech'] / total['silence']:.1f}",
        utterances,
        f"{speed:.0f}",
    ]
    return "| " + " | ".join(map(str, cells)) + " |"


# ---------------------------------------------------------------- emotion


def _fit(model, data, target, groups):
    with config_context(enable_metadata_routing=True):
        return model.fit(data, target, **({"groups": groups} if _uses_groups(model) else {}))


def _uses_groups(model):
    return any(name == "speakerstandardscaler" for name, _ in model.steps)


def _label_segments(table, truth, labels, classes):
    """Each segment's true label (the clip it overlaps most) and each clip's
    probabilities averaged over its segments, weighted by overlap."""
    overlap = np.clip(
        np.minimum(table["end"].to_numpy()[:, None], truth[None, :, 1])
        - np.maximum(table["start"].to_numpy()[:, None], truth[None, :, 0]),
        0,
        None,
    )
    on_clip = overlap.max(axis=1) > 0
    segment_truth = labels[overlap.argmax(axis=1)][on_clip]
    segment_pred = table["label"].to_numpy()[on_clip]
    probabilities = overlap.T @ table[classes].to_numpy()
    covered = overlap.sum(axis=0) > 0
    clip_pred = np.asarray(classes)[probabilities.argmax(axis=1)]
    return segment_truth, segment_pred, clip_pred, covered, (~on_clip).sum()


def emotion(args):
    corpus = load_ravdess(args.ravdess, verbose=True)
    actor = np.array([int(group.split("_")[1]) for group in corpus.groups])
    train, test = actor <= 18, actor > 18
    data = np.empty(len(corpus.data), dtype=object)
    data[:] = corpus.data
    segmenters = {
        "the clips' own bounds": None,
        "SpeechSegmenter() (silero)": SpeechSegmenter(),
        "SpeechSegmenter('energy')": SpeechSegmenter("energy"),
        "FixedWindows(3, 1)": FixedWindows(window=3.0, hop=1.0),
    }
    print(
        "| model | noise | segments | segment UAR % | segments | segments on no clip "
        "| clip UAR % from segments | clips with a segment % |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for speaker_norm in (False, True):
        model = _fit(
            make_baseline_pipeline(speaker_norm=speaker_norm),
            list(data[train]),
            corpus.target[train],
            corpus.groups[train],
        )
        name = "baseline" + (" + speaker norm" if speaker_norm else "")
        classes = list(model.classes_)
        with config_context(enable_metadata_routing=True):
            groups = {"groups": corpus.groups[test]} if speaker_norm else {}
            alone = model.predict(list(data[test]), **groups)
        uar = 100 * balanced_accuracy_score(corpus.target[test], alone)
        print(f"| {name} | clean | clips one by one, no recording | {uar:.1f} | | | | |")
        for snr in (None, 20):
            for label, segmenter in segmenters.items():
                truth, pred, clip_truth, clip_pred, covered, off = [], [], [], [], [], 0
                for number in range(19, 25):
                    clips = actor == number
                    recording = join_clips(
                        list(data[clips]), gap=(0.2, 1.0), snr=snr, random_state=number
                    )
                    table = predict_segments(
                        model,
                        recording.waveform,
                        segmenter=recording.segments if segmenter is None else segmenter,
                    )
                    labels = corpus.target[clips]
                    found = _label_segments(table, recording.segments, labels, classes)
                    truth += list(found[0])
                    pred += list(found[1])
                    clip_truth += list(labels[found[3]])
                    clip_pred += list(found[2][found[3]])
                    covered += list(found[3])
                    off += found[4]
                print(
                    f"| {name} | {'white, ' + str(snr) + ' dB' if snr else 'clean'} | {label} "
                    f"| {100 * balanced_accuracy_score(truth, pred):.1f} | {len(truth) + off} "
                    f"| {off} | {100 * balanced_accuracy_score(clip_truth, clip_pred):.1f} "
                    f"| {100 * np.mean(covered):.0f} |",
                    flush=True,
                )


# ---------------------------------------------------------------- resources


def _write_repeated(path, source, minutes):
    """A WAV file of ``minutes`` made by repeating ``source``, written in blocks."""
    remaining = round(minutes * 60 * SR)
    with soundfile.SoundFile(path, "w", SR, 1, subtype="PCM_16") as out:
        while remaining > 0:
            block = source[:remaining]
            out.write(block)
            remaining -= len(block)


def _run(command, out):
    """Wall time and peak resident memory (MiB) of a command in a new
    process, its output written to ``out``."""
    tic = time.perf_counter()
    with open(out, "w") as stdout:
        process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - tic
    if status:
        raise RuntimeError(f"{command} failed: {process.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def resources(args):
    cli = [sys.executable, "-m", "sklearn_ser"]
    with tempfile.TemporaryDirectory() as folder:
        model = Path(folder) / "model.pt"
        subprocess.run(
            [*cli, "train", "--model", "cnn-lstm", "--corpus", "ravdess", "--data",
             args.ravdess, "--max-clips", "48", "--epochs", "1", "--out", str(model)],
            check=True, capture_output=True,
        )  # fmt: skip
        corpus = load_ravdess(args.ravdess, max_files=120)
        source = np.concatenate(corpus.data)
        print("| file | peak RSS MiB | wall s | x real time | segments |")
        print("| --- | --- | --- | --- | --- |")
        for minutes in args.minutes:
            audio = Path(folder) / f"{minutes}min.wav"
            _write_repeated(audio, source, minutes)
            out = Path(folder) / "segments.csv"
            command = [*cli, "predict", str(model), str(audio), "--segments", "--format", "csv"]
            seconds, peak = _run(command, out)
            rows = sum(1 for _ in open(out)) - 1
            print(
                f"| {minutes} min | {peak:.0f} | {seconds:.0f} | {60 * minutes / seconds:.0f} "
                f"| {rows} |",
                flush=True,
            )
            audio.unlink()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("part", choices=("segmentation", "emotion", "resources"))
    parser.add_argument("--ravdess", required=True, help="RAVDESS folder (16 kHz)")
    parser.add_argument("--ased", help="ASED folder (segmentation)")
    parser.add_argument("--minutes", type=float, nargs="+", default=[1, 30, 120])
    args = parser.parse_args()
    {"segmentation": segmentation, "emotion": emotion, "resources": resources}[args.part](args)


if __name__ == "__main__":
    main()
