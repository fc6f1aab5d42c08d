"""How close VoiceEmbeddingTransformer's embeddings are to Resemblyzer's own.

Both run the same pretrained weights; they differ in preprocessing:
Resemblyzer's ``preprocess_wav`` raises quiet clips to -30 dBFS and cuts
pauses inside the clip with a voice-activity detector, and it embeds
windows 1/1.3 s apart; sklearn_ser sets every clip to -30 dBFS, trims only
the leading and trailing silence (``trim_db``) and embeds windows 0.8 s
apart. The script prints the cosine similarity of the two embeddings of
each clip, with sklearn_ser's trimming on and off, and the time per clip.

Usage (from the repository root; needs the ``[voice]`` extra)::

    .venv/bin/python benchmarks/voice_embedding.py --n-clips 240

Results: ``benchmarks/voice_embedding.md``.
"""

import argparse
import sys
import time
import types
from pathlib import Path

import numpy as np

from sklearn_ser import VoiceEmbeddingTransformer, load_ravdess

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ravdess16k"


def _resemblyzer():
    # webrtcvad reads its own version through pkg_resources, which recent
    # setuptools no longer ships; the version is all it asks for.
    if "pkg_resources" not in sys.modules:
        stub = types.ModuleType("pkg_resources")
        stub.get_distribution = lambda name: types.SimpleNamespace(version="unknown")
        sys.modules["pkg_resources"] = stub
    import resemblyzer

    return resemblyzer


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n-clips", type=int, default=240, help="clips spread over the corpus")
    args = parser.parse_args()

    resemblyzer = _resemblyzer()
    corpus = load_ravdess(args.data)
    step = max(1, len(corpus.data) // args.n_clips)
    clips = list(corpus.data[::step][: args.n_clips])
    reference = resemblyzer.VoiceEncoder(device="cpu", verbose=False)

    start = time.perf_counter()
    theirs = np.stack(
        [
            reference.embed_utterance(resemblyzer.preprocess_wav(clip, source_sr=corpus.sr))
            for clip in clips
        ]
    )
    theirs_time = (time.perf_counter() - start) / len(clips)

    print(f"{len(clips)} RAVDESS clips at {corpus.sr} Hz; Resemblyzer: {theirs_time:.3f} s/clip\n")
    print("| sklearn_ser trim_db | cosine median | 5th percentile | minimum | s/clip |")
    print("| --- | --- | --- | --- | --- |")
    for trim_db in (30, None):
        start = time.perf_counter()
        ours = VoiceEmbeddingTransformer(sr=corpus.sr, trim_db=trim_db).fit_transform(clips)
        ours_time = (time.perf_counter() - start) / len(clips)
        cosine = np.sum(ours * theirs, axis=1)  # both have unit length
        print(
            f"| {trim_db} | {np.median(cosine):.3f} | {np.percentile(cosine, 5):.3f} | "
            f"{cosine.min():.3f} | {ours_time:.3f} |"
        )


if __name__ == "__main__":
    main()
