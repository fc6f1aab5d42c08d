"""Speed and memory of LogMelTransformer's backends against a per-clip librosa loop.

Run from the repository root (see bench_logmel.md for the command and results):

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/bench_logmel.py

Speed: the same clips through plain librosa (``power_to_db(melspectrogram(y))``
clip by clip), the transformer's librosa backend and its torch backend at
several chunk sizes; best of ``--repeats`` runs, ratios against the plain
loop. Memory: the torch backend on a corpus and on one four times larger, each
in a fresh process; the peak resident memory added by ``transform`` minus the
size of its output is the working memory, which should not grow.
"""

import argparse
import json
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import librosa
import numpy as np
import soundfile as sf
import torch

from sklearn_ser.preprocessing import LogMelTransformer
from sklearn_ser.preprocessing._backends import log_mel_torch

SR = 16000
RAVDESS = Path(__file__).resolve().parents[2] / "shared" / "data" / "ravdess16k"
ZHAO = dict(sr=SR, n_fft=2048, hop_length=512, n_mels=128)


def load_clips(n_clips, seconds):
    """The first RAVDESS files (or noise, without the corpus), cut to ``seconds``."""
    paths = sorted(RAVDESS.glob("Actor_*/*.flac"))[:n_clips]
    if len(paths) < n_clips:
        rng = np.random.default_rng(0)
        length = int(SR * (seconds or 4))
        return [0.1 * rng.standard_normal(length, dtype=np.float32)] * n_clips, "noise"
    clips = [sf.read(path, dtype="float32")[0] for path in paths]
    if seconds:
        clips = [clip[: int(SR * seconds)] for clip in clips]
    return clips, "RAVDESS"


def best_time(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def plain_librosa_loop(clips):
    for clip in clips:
        mel = librosa.feature.melspectrogram(y=clip, sr=SR, n_fft=2048, hop_length=512, n_mels=128)
        librosa.power_to_db(mel, ref=np.max, top_db=80.0)


def torch_float32(transformer, clips):
    """The torch path in float32, to show what float64 costs (not 1e-3 dB exact)."""
    window = torch.as_tensor(transformer._stft_window, dtype=torch.float32)
    mel_basis = torch.as_tensor(transformer.mel_basis_, dtype=torch.float32)
    for start in range(0, len(clips), transformer.batch_size):
        log_mel_torch(
            clips[start : start + transformer.batch_size],
            n_fft=2048,
            hop_length=512,
            window=window,
            mel_basis=mel_basis,
            power=2.0,
            ref="max",
            top_db=80.0,
            dct_matrix=None,
            n_frames=transformer.n_frames_,
            align="left",
            device="cpu",
        )


def speed(n_clips, seconds, repeats):
    clips, source = load_clips(n_clips, seconds)
    plain_librosa_loop(clips[:2])  # librosa builds and caches lazily on first use
    duration = sum(map(len, clips)) / SR
    label = f"{seconds} s" if seconds else "full-length (2.9-5.3 s)"
    print(f"\n## Speed: {len(clips)} {source} clips, {label}, {duration:.0f} s of audio")
    print("| method | time (s) | clips/s | speed-up vs librosa loop |")
    print("| --- | --- | --- | --- |")
    reference = best_time(lambda: plain_librosa_loop(clips), repeats)

    def row(name, seconds_taken):
        print(
            f"| {name} | {seconds_taken:.3f} | {len(clips) / seconds_taken:.0f} "
            f"| {reference / seconds_taken:.1f}x |"
        )

    row("plain librosa loop", reference)
    transformer = LogMelTransformer(**ZHAO, backend="librosa").fit(clips)
    row(
        "LogMelTransformer(backend='librosa')",
        best_time(lambda: transformer.transform(clips), repeats),
    )
    for batch_size in (1, 4, 8, 16, 32, 128):
        transformer = LogMelTransformer(**ZHAO, backend="torch", batch_size=batch_size)
        transformer.fit(clips).transform(clips[:batch_size])  # warm-up
        row(
            f"LogMelTransformer(backend='torch', batch_size={batch_size})",
            best_time(partial(transformer.transform, clips), repeats),
        )
    transformer = LogMelTransformer(**ZHAO, backend="torch", batch_size=8).fit(clips)
    row(
        "torch path in float32, batch_size=8 (not used)",
        best_time(lambda: torch_float32(transformer, clips), repeats),
    )


def resident_mib(field):
    """VmRSS (current) or VmHWM (peak since the last reset) of this process."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def peak_memory_child(n_clips, batch_size):
    """Measure one corpus size in this (fresh) process; print JSON."""
    rng = np.random.default_rng(0)
    clips = [0.1 * rng.standard_normal(2 * SR, dtype=np.float32) for _ in range(n_clips)]
    transformer = LogMelTransformer(**ZHAO, batch_size=batch_size).fit(clips)
    transformer.transform(clips[:batch_size])  # warm up torch's allocators
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak to the current RSS
    before = resident_mib("VmRSS")
    features = transformer.transform(clips)
    print(
        json.dumps(
            dict(
                n_clips=n_clips,
                added_peak_mib=resident_mib("VmHWM") - before,
                output_mib=features.nbytes / 2**20,
                input_mib=sum(clip.nbytes for clip in clips) / 2**20,
            )
        )
    )


def memory(n_clips, batch_size):
    print(f"\n## Peak memory of transform, torch backend, batch_size={batch_size}, 2 s clips")
    print(
        "| clips | input (MiB) | output (MiB) | added peak RSS (MiB) | added minus output (MiB) |"
    )
    print("| --- | --- | --- | --- | --- |")
    for size in (n_clips, 4 * n_clips):
        result = json.loads(
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--memory-child",
                    str(size),
                    "--batch-size",
                    str(batch_size),
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        print(
            f"| {size} | {result['input_mib']:.1f} | {result['output_mib']:.1f} "
            f"| {result['added_peak_mib']:.1f} "
            f"| {result['added_peak_mib'] - result['output_mib']:.1f} |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    parser.add_argument("--memory-clips", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.memory_child:
        peak_memory_child(args.memory_child, args.batch_size)
        return
    print(
        f"torch {torch.__version__}, librosa {librosa.__version__}, "
        f"numpy {np.__version__}, torch threads {torch.get_num_threads()}"
    )
    speed(args.clips, 2, args.repeats)
    speed(args.clips, None, args.repeats)
    memory(args.memory_clips, args.batch_size)


if __name__ == "__main__":
    main()
