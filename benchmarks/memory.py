"""Peak memory of the front end against the size of its input and output.

Each measurement runs in a fresh Python process: it draws ``n_clips`` clips
of 4 s of float32 noise at 16 kHz, records its resident memory (the input
is then in memory), transforms them, and reports the peak resident memory
above that point (``ru_maxrss``) beside the size of the output array. A
front end that copied the corpus once per stage would show a peak growing
with the input (2.5 GB at 10,000 clips); one that writes into its output
shows a peak close to the output size.

Usage (from the repository root)::

    .venv/bin/python benchmarks/memory.py [--base 625] [--scales 1 4 16]

Results: ``benchmarks/memory.md``.
"""

import argparse
import json
import platform
import resource
import subprocess
import sys

SR = 16000
SECONDS = 4

_CHILD = r"""
import json, resource, sys
import numpy as np

def rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20

def reset_peak():
    # Linux: writing 5 resets the high-water mark (VmHWM) to the current RSS.
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")

def peak_mib():
    with open("/proc/self/status") as f:
        line = next(line for line in f if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024

n_clips, stage = int(sys.argv[1]), sys.argv[2]
import sklearn, torch  # libraries loaded before the baseline is read
from sklearn.pipeline import make_pipeline
from sklearn_ser import LogMelTransformer, SpeakerStandardScaler, UtteranceStatistics
torch.set_num_threads(1)
rng = np.random.default_rng(0)
clips = [rng.standard_normal({samples}, dtype=np.float32) * 0.1 for _ in range(n_clips)]
speakers = np.arange(n_clips) % 24
front_end = LogMelTransformer(sr={sr}, n_fft=1024, hop_length=512, n_mels=64,
                              padding="nan")
steps = {{
    "logmel": [front_end],
    "logmel+speaker-scaler": [front_end, SpeakerStandardScaler()],
    "logmel+speaker-scaler(copy=False)": [front_end, SpeakerStandardScaler(copy=False)],
    "logmel+statistics": [front_end, UtteranceStatistics()],
}}[stage]
routed = {{"groups": speakers}} if "speaker-scaler" in stage else {{}}
with sklearn.config_context(enable_metadata_routing=True):
    model = make_pipeline(*steps).fit(clips[:64], **{{k: v[:64] for k, v in routed.items()}})
    reset_peak()
    before = rss_mib()
    out = model.transform(clips, **routed)
print(json.dumps({{"input_mib": sum(c.nbytes for c in clips) / 2**20,
                  "output_mib": out.nbytes / 2**20, "rss_before_mib": before,
                  "peak_above_mib": peak_mib() - before}}))
"""


def measure(n_clips, stage):
    code = _CHILD.format(samples=SR * SECONDS, sr=SR)
    result = subprocess.run(
        [sys.executable, "-c", code, str(n_clips), stage],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=int, default=625, help="clips at scale 1")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument(
        "--stages",
        nargs="+",
        default=[
            "logmel",
            "logmel+speaker-scaler",
            "logmel+speaker-scaler(copy=False)",
            "logmel+statistics",
        ],
    )
    args = parser.parse_args(argv)
    print(
        f"{platform.machine()}, Python {platform.python_version()}; "
        f"clips of {SECONDS} s float32 at {SR} Hz; MiB\n"
    )
    print("| stage | clips | input | output | peak above baseline | peak / output |")
    print("| --- | --- | --- | --- | --- | --- |")
    for stage in args.stages:
        for scale in args.scales:
            n_clips = args.base * scale
            row = measure(n_clips, stage)
            ratio = row["peak_above_mib"] / row["output_mib"]
            print(
                f"| {stage} | {n_clips:,} | {row['input_mib']:.0f} | {row['output_mib']:.0f} "
                f"| {row['peak_above_mib']:.0f} | {ratio:.2f} |",
                flush=True,
            )
    print(
        f"\nmax RSS of this process: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
