"""False alarms and detections of InputDomainCheck on RAVDESS and ASED.

For each of the six folds of ``RAVDESS_FOLDS``, an ``InputDomainCheck`` is
fitted on the clips of the 20 training actors and called (``diagnose``, what
``transform`` warns about) on the 4 held-out actors: as they are (every
warning is a false alarm), and changed in ways a model trained on RAVDESS
does not expect (every warning is a detection): 20 dB louder (clipped at
full scale, as 16-bit files would be; also with the check reduced to the
level, to see what the level alone tells), 20 dB quieter, band-limited to
a telephone channel, with white noise added, and white noise alone. The
same checks are also called on ASED, an Amharic corpus recorded by its
speakers in their own places. No classifier is trained.

Each kind of call is counted separately: the whole held-out fold in one
call, one speaker per call (as ``evaluate_speaker_independent`` predicts),
random batches of 8 clips, single clips, and, in-domain only, the clips of
one emotion per call.

Usage (from the repository root)::

    .venv/bin/python benchmarks/domain_check.py

Results: ``benchmarks/domain_check.md``.
"""

import argparse
import copy
import time
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.signal import butter, sosfilt

from sklearn_ser import datasets
from sklearn_ser.evaluation import RAVDESS_FOLDS
from sklearn_ser.preprocessing import InputDomainCheck

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SR = 16000
BATCH = 8
BATCHES_PER_FOLD = 30


def _telephone(clip, rng):
    band = butter(4, [300, 3400], btype="bandpass", fs=SR, output="sos")
    return sosfilt(band, clip).astype(np.float32)


def _with_noise(snr_db):
    def add(clip, rng):
        power = np.mean(np.square(clip, dtype=np.float64)) / 10 ** (snr_db / 10)
        return (clip + rng.standard_normal(len(clip)) * np.sqrt(power)).astype(np.float32)

    return add


LOUDER = "20 dB louder, clipped at full scale"
LEVEL_ALONE = "20 dB louder, the level alone (descriptors=['level'])"


SHIFTS = {
    LOUDER: lambda clip, rng: np.clip(clip * 10, -1, 1),
    "20 dB quieter": lambda clip, rng: clip / 10,
    "telephone band (300-3400 Hz)": _telephone,
    "white noise added, 20 dB SNR": _with_noise(20),
    "white noise added, 10 dB SNR": _with_noise(10),
    "white noise alone (-30 dBFS)": lambda clip, rng: (
        rng.standard_normal(len(clip)) * 10 ** (-30 / 20)
    ).astype(np.float32),
}


def _load_ased(path):
    """ASED's clips and speakers (the last field of the file name)."""
    loader = getattr(datasets, "load_ased", None)
    if loader is not None:
        corpus = loader(path, sr=SR)
        return list(corpus.data), np.asarray(corpus.groups)
    files = sorted(Path(path).glob("*/*.flac"))
    if not files:
        raise SystemExit(f"no ASED files (*/*.flac) under {path}")
    return [datasets.read_audio(file, SR) for file in files], np.array(
        [file.stem.split("-")[-1] for file in files]
    )


def _calls(clips, speakers, rng, emotions=None):
    """The calls of each kind, as lists of clip indices."""
    everything = np.arange(len(clips))
    calls = {
        "whole set": [everything],
        "one speaker": [np.flatnonzero(speakers == s) for s in np.unique(speakers)],
        f"{BATCH} clips": [
            rng.choice(len(clips), BATCH, replace=False) for _ in range(BATCHES_PER_FOLD)
        ],
        "1 clip": [[i] for i in everything],
    }
    if emotions is not None:
        calls["one emotion"] = [np.flatnonzero(emotions == e) for e in np.unique(emotions)]
    return calls


def _tally(check, clips, calls, counts, hints):
    for kind, indices_of_calls in calls.items():
        for indices in indices_of_calls:
            shifts = check.diagnose([clips[i] for i in indices])
            counts[kind][0] += bool(shifts)
            counts[kind][1] += 1
            hints[kind].update(shift["hint"] for shift in shifts)


def _row(name, counts, hints, kinds):
    cells = []
    for kind in kinds:
        warned, total = counts[kind]
        cells.append(f"{warned}/{total} ({100 * warned / total:.1f}%)" if total else "")
    top = hints["whole set"].most_common(2) or hints["one speaker"].most_common(2)
    return f"| {name} | " + " | ".join(cells) + f" | {', '.join(h for h, _ in top)} |"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ravdess", type=Path, default=SHARED / "ravdess16k")
    parser.add_argument("--ased", type=Path, default=SHARED / "ased16k")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    ravdess = datasets.load_ravdess(args.ravdess, sr=SR)
    ased_clips, ased_speakers = _load_ased(args.ased)
    shifted = {}
    rng = np.random.default_rng(args.seed)
    for name, shift in SHIFTS.items():
        shifted[name] = [shift(clip, rng) for clip in ravdess.data]

    kinds = ["whole set", "one speaker", "one emotion", f"{BATCH} clips", "1 clip"]
    rows = {
        name: ({k: [0, 0] for k in kinds}, {k: Counter() for k in kinds})
        for name in [
            "RAVDESS held-out actors (false alarms)",
            *SHIFTS,
            LEVEL_ALONE,
            "ASED (all 65 speakers)",
        ]
    }
    fit_seconds, describe_seconds, n_described = 0.0, 0.0, 0
    folds = list(RAVDESS_FOLDS.split(ravdess.data, ravdess.target, ravdess.groups))
    for train, test in folds:
        start = time.perf_counter()
        check = InputDomainCheck(sr=SR).fit([ravdess.data[i] for i in train])
        fit_seconds += time.perf_counter() - start
        start = time.perf_counter()
        check.clip_descriptors([ravdess.data[i] for i in test])
        describe_seconds += time.perf_counter() - start
        n_described += len(test)

        held_out = [ravdess.data[i] for i in test]
        calls = _calls(held_out, ravdess.groups[test], rng, ravdess.target[test])
        _tally(check, held_out, calls, *rows["RAVDESS held-out actors (false alarms)"])
        del calls["one emotion"]
        for name in SHIFTS:
            _tally(check, [shifted[name][i] for i in test], calls, *rows[name])
        # The same fitted percentiles, warning on the level only.
        level_only = copy.copy(check).set_params(descriptors=["level"])
        louder = [shifted[LOUDER][i] for i in test]
        _tally(level_only, louder, calls, *rows[LEVEL_ALONE])
        _tally(
            check,
            ased_clips,
            _calls(ased_clips, ased_speakers, rng),
            *rows["ASED (all 65 speakers)"],
        )

    print(
        f"RAVDESS: {len(ravdess.data)} clips, 6 folds; ASED: {len(ased_clips)} clips of "
        f"{len(np.unique(ased_speakers))} speakers. Fit: {fit_seconds / 6:.1f} s per fold "
        f"(about 1,200 clips); descriptors: {1000 * describe_seconds / n_described:.1f} ms "
        "per clip.\n"
    )
    print("Share of calls that warn (a call of each kind; the whole set is the held-out fold,")
    print("or all of ASED, per fold):\n")
    print("| input | " + " | ".join(kinds) + " | most frequent findings |")
    print("| --- " * (len(kinds) + 2) + "|")
    for name, (counts, hints) in rows.items():
        print(_row(name, counts, hints, kinds))


if __name__ == "__main__":
    main()
