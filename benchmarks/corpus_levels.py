"""How loud the clips of RAVDESS and ASED are, per emotion.

The integrated loudness (ITU-R BS.1770, as ``LoudnessNormalizer`` measures
it) of every clip of the five emotions the corpora share, summarised per
corpus and emotion: the median in LUFS and the spread between the 10th and
90th percentiles. Clips below the standard's gate (silence) are left out.

Usage (from the repository root)::

    .venv/bin/python benchmarks/corpus_levels.py [--ravdess PATH] [--ased PATH]

Results: ``benchmarks/corpus_levels.md``.
"""

import argparse
import shlex
import sys
from pathlib import Path

import numpy as np
import pyloudnorm

from sklearn_ser.datasets import load_corpus, relabel

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "data"
EMOTIONS = ["angry", "fearful", "happy", "neutral", "sad"]
SR = 16000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ravdess", type=Path, default=SHARED / "ravdess16k")
    parser.add_argument("--ased", type=Path, default=SHARED / "ased16k")
    args = parser.parse_args()
    corpus = relabel(
        load_corpus(["ravdess", "ased"], [args.ravdess, args.ased], sr=SR), keep=EMOTIONS
    )
    meter = pyloudnorm.Meter(SR)
    loudness = np.array(
        [meter.integrated_loudness(clip.astype(np.float64)) for clip in corpus.data]
    )
    lines = [
        "# Loudness of the clips per corpus and emotion",
        "",
        f"`{shlex.join(['python', 'benchmarks/corpus_levels.py', *sys.argv[1:]])}`",
        "",
        "Integrated loudness (ITU-R BS.1770) in LUFS: median, and 10th-90th percentiles.",
        "",
        "| corpus | " + " | ".join(EMOTIONS) + " | all |",
        "| --- |" + " --- |" * (len(EMOTIONS) + 1),
    ]
    for name in ("ravdess", "ased"):
        cells = []
        for emotion in [*EMOTIONS, None]:
            chosen = (corpus.corpus == name) & np.isfinite(loudness)
            if emotion is not None:
                chosen &= corpus.target == emotion
            low, median, high = np.percentile(loudness[chosen], [10, 50, 90])
            cells.append(f"{median:.1f} ({low:.0f} to {high:.0f})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    (HERE / "corpus_levels.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
