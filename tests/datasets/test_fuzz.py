"""Property-based tests of audio reading: damaged files are named, never dropped.

Files are written with soundfile in every format the loaders read, then
damaged (cut short, bytes flipped or overwritten, garbage prepended, or
replaced by random bytes). Reading one gives a clean mono waveform or a
ValueError that names the file; a loader skips bad files only with
``on_error="warn"``, listing all of them in one warning.
"""

import io
import re
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
import soundfile
from hypothesis import event, given, settings
from hypothesis import strategies as st

from sklearn_ser.datasets import load_audio_folder, read_audio

EXAMPLES = settings.default.max_examples

# (extension, libsndfile format, subtype)
FORMATS = [
    (".wav", "WAV", "PCM_16"),
    (".wav", "WAV", "PCM_U8"),
    (".wav", "WAV", "FLOAT"),
    (".wav", "WAV", "ULAW"),
    (".flac", "FLAC", "PCM_16"),
    (".ogg", "OGG", "VORBIS"),
    (".aiff", "AIFF", "PCM_16"),
    (".aif", "AIFF", "PCM_24"),
]
RATES = [8000, 11025, 16000, 22050, 44100, 48000]


@st.composite
def audio_files(draw):
    """(extension, bytes of a valid file, frames, channels, rate)."""
    extension, format, subtype = draw(st.sampled_from(FORMATS))
    channels = draw(st.integers(1, 3))
    frames = draw(st.integers(1, 400))
    rate = draw(st.sampled_from(RATES))
    seed = draw(st.integers(0, 2**16))
    audio = 0.5 * np.random.default_rng(seed).uniform(-1, 1, (frames, channels))
    buffer = io.BytesIO()
    soundfile.write(buffer, audio, rate, format=format, subtype=subtype)
    return extension, buffer.getvalue(), frames, channels, rate


@st.composite
def damaged(draw, data):
    """(kind of damage, damaged bytes)."""
    kind = draw(
        st.sampled_from(["intact", "cut", "flip", "overwrite", "prepend", "random", "empty"])
    )
    if kind == "cut":
        return kind, data[: draw(st.integers(0, len(data) - 1))]
    if kind == "flip":
        position = draw(st.integers(0, len(data) - 1))
        return kind, data[:position] + bytes([data[position] ^ 0xFF]) + data[position + 1 :]
    if kind == "overwrite":
        start = draw(st.integers(0, len(data) - 1))
        junk = draw(st.binary(min_size=1, max_size=16))
        return kind, data[:start] + junk + data[start + len(junk) :]
    if kind == "prepend":
        return kind, draw(st.binary(min_size=1, max_size=16)) + data
    if kind == "random":
        header = draw(
            st.sampled_from(
                [b"", b"RIFF", b"RIFF\x00\x00\x00\x00WAVEfmt ", b"fLaC", b"OggS", b"FORM"]
            )
        )
        return kind, header + draw(st.binary(max_size=200))
    if kind == "empty":
        return kind, b""
    return kind, data


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


@settings(max_examples=EXAMPLES)
@given(file=audio_files(), data=st.data(), sr=st.sampled_from([8000, 16000, 44100]))
def test_read_audio_gives_a_clean_waveform_or_names_the_file(folder, file, data, sr):
    extension, content, frames, channels, rate = file
    kind, content = data.draw(damaged(content), label="damage")
    path = folder / f"clip{extension}"
    path.write_bytes(content)
    try:
        wave = read_audio(path, sr)
    except ValueError as error:
        assert str(path) in str(error)
        # An intact file is refused only when it makes no sample at sr.
        too_short = frames * sr / rate < 1 and "too short to resample" in str(error)
        assert kind != "intact" or too_short, error
        event(f"{kind}: refused")
        return
    event(f"{kind}: read")
    assert wave.dtype == np.float32 and wave.ndim == 1 and wave.size > 0
    assert np.isfinite(wave).all()
    if kind == "intact":
        assert abs(len(wave) - frames * sr / rate) <= 1
    if kind == "intact" and sr == rate and extension != ".ogg":
        original, _ = soundfile.read(io.BytesIO(content), dtype="float32", always_2d=True)
        np.testing.assert_allclose(wave, original.mean(axis=1), atol=1e-6)


@st.composite
def folders(draw):
    """{relative path: (bytes, regex of its error or None)} of a labelled folder."""
    files = {}
    for index in range(draw(st.integers(1, 6))):
        extension, content, *_ = draw(audio_files())
        kind = draw(st.sampled_from(["good", "good", "corrupt", "cut", "misnamed"]))
        label = draw(st.sampled_from(["angry", "sad"]))
        name = f"{label}/clip{index}{extension}"
        if kind == "corrupt":
            content, problem = (
                draw(st.binary(max_size=64)),
                r"cannot read audio file|contains no samples",
            )
        elif kind == "cut":
            content, problem = content[: len(content) // 2], r"cannot read|truncated|no samples"
        elif kind == "misnamed":  # loose in the root: no label folder
            name, problem = f"clip{index}{extension}", r"does not follow the convention"
        else:
            problem = None
        files[name] = (content, problem)
    return files


@settings(max_examples=max(4, EXAMPLES // 8))
@given(files=folders())
def test_loader_skips_bad_files_only_when_told_and_lists_them_all(files):
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        for relative, (content, _) in files.items():
            (root / relative).parent.mkdir(exist_ok=True)
            (root / relative).write_bytes(content)
        # A damaged file may still decode, and an intact one of a few samples
        # may be too short at 16 kHz: the outcome is whatever read_audio says.
        bad = set()
        for relative, (_, problem) in files.items():
            if problem is not None and "convention" in problem:
                bad.add(relative)
                continue
            try:
                read_audio(root / relative)
            except ValueError:
                bad.add(relative)
        good = sorted(set(files) - bad)
        event(f"{len(bad)} bad of {len(files)}")
        if bad:
            with pytest.raises(ValueError, match="|".join(re.escape(b) for b in bad)):
                load_audio_folder(root)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if not good:
                with pytest.raises(ValueError, match="none of the|match the selection"):
                    load_audio_folder(root, on_error="warn")
                return
            corpus = load_audio_folder(root, on_error="warn")
        messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
        assert len(messages) == (1 if bad else 0)
        for relative in bad:
            assert relative in messages[0]
        assert sorted(corpus.metadata["relative_path"]) == good
