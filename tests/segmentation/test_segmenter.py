import importlib.util

import numpy as np
import pytest

from sklearn_ser.segmentation import EnergyVAD, FixedWindows, SileroVAD, SpeechSegmenter
from sklearn_ser.segmentation._segmenter import _Windows, resolve_vad

from .conftest import blocks, needs_silero

VADS = ["energy", pytest.param("silero", marks=needs_silero)]


@pytest.mark.parametrize("vad", VADS)
def test_segments_match_the_known_boundaries(vad, recording):
    found = SpeechSegmenter(vad, padding=0, max_duration=30).segments(recording.waveform, 16000)
    assert found.shape == recording.segments.shape
    error = np.abs(found - recording.segments)
    assert np.median(error) < 0.08
    assert error.max() < 0.25  # silero's ends come up to ~0.2 s late


@pytest.mark.parametrize("vad", VADS)
def test_padding_widens_each_segment_without_overlap(vad, recording):
    bare = SpeechSegmenter(vad, padding=0).segments(recording.waveform, 16000)
    padded = SpeechSegmenter(vad, padding=0.3).segments(recording.waveform, 16000)
    assert padded.shape == bare.shape
    widened = np.r_[bare[:, 0] - padded[:, 0], padded[:, 1] - bare[:, 1]]
    assert np.all(widened <= 0.3 + 1e-9) and np.median(widened) == pytest.approx(0.3, abs=0.02)
    assert np.all(padded[1:, 0] >= padded[:-1, 1])
    assert padded.min() >= 0 and padded.max() <= len(recording.waveform) / 16000


@pytest.mark.parametrize("max_duration, overlap", [(0.4, 0.1), (0.5, 0.0), (0.64, 0.32)])
def test_no_segment_is_longer_than_the_maximum(max_duration, overlap, recording):
    segmenter = SpeechSegmenter("energy", max_duration=max_duration, overlap=overlap)
    found = segmenter.segments(recording.waveform, 16000)
    lengths = found[:, 1] - found[:, 0]
    assert lengths.max() <= max_duration + 1e-9
    # Long speech is cut into windows of the maximum that start every
    # max_duration - overlap, the last one ending with the speech.
    whole = SpeechSegmenter("energy", max_duration=30).segments(recording.waveform, 16000)
    assert len(found) > 2 * len(whole)
    for start, end in whole:
        inside = found[(found[:, 0] >= start - 1e-9) & (found[:, 1] <= end + 1e-9)]
        assert inside[0, 0] == pytest.approx(start) and inside[-1, 1] == pytest.approx(end)
        np.testing.assert_allclose(np.diff(inside[:-1, 0]), max_duration - overlap, atol=0.021)
        assert 0 < inside[-1, 0] - inside[-2, 0] <= max_duration - overlap + 0.021


@pytest.mark.parametrize("vad", VADS)
@pytest.mark.parametrize("size", [3001, 16000 * 3 + 1])
def test_streamed_segments_equal_those_of_the_whole_recording(vad, size, recording):
    segmenter = SpeechSegmenter(vad, max_duration=0.6, overlap=0.2, padding=0.3)
    whole = segmenter.segments(recording.waveform, 16000)
    stream = segmenter.stream(16000)
    found = []
    for block in blocks(recording.waveform, size):
        found += stream.push(block)
        # The audio a stream may let go of is never needed again.
        assert stream.needed_from <= min(
            [start for start, _ in whole if start not in {s for s, _ in found}] or [np.inf]
        )
    found += stream.finish()
    np.testing.assert_allclose(np.reshape(found, (-1, 2)), whole)


def test_short_speech_is_dropped_and_short_pauses_are_bridged():
    sr, rng = 16000, np.random.default_rng(0)
    wave = 0.001 * rng.standard_normal(sr * 6)
    for start, end in [(1.0, 1.2), (2.0, 3.0), (3.3, 4.0)]:  # 0.2 s, then a 0.3-s pause
        wave[round(start * sr) : round(end * sr)] += 0.3 * rng.standard_normal(
            round((end - start) * sr)
        )
    segmenter = SpeechSegmenter("energy", padding=0, min_duration=0.3, min_silence=0.5)
    np.testing.assert_allclose(segmenter.segments(wave, sr), [[2.0, 4.0]], atol=0.021)
    segmenter.set_params(min_duration=0.1, min_silence=0.2)
    np.testing.assert_allclose(
        segmenter.segments(wave, sr), [[1.0, 1.2], [2.0, 3.0], [3.3, 4.0]], atol=0.021
    )


def test_silence_has_no_segments():
    assert SpeechSegmenter("energy").segments(np.zeros(16000 * 3), 16000).shape == (0, 2)


def test_fixed_windows_cover_the_recording_and_end_with_it():
    windows = FixedWindows(window=2.0, hop=1.5).segments(np.zeros(16000 * 5 + 800), 16000)
    np.testing.assert_allclose(windows, [[0, 2], [1.5, 3.5], [3, 5], [3.05, 5.05]])
    short = FixedWindows(window=2.0).segments(np.zeros(8000), 16000)
    np.testing.assert_allclose(short, [[0, 0.5]])
    side_by_side = FixedWindows(window=2.0).segments(np.zeros(16000 * 4), 16000)
    np.testing.assert_allclose(side_by_side, [[0, 2], [2, 4]])
    stream = FixedWindows(window=2.0, hop=1.5).stream(16000)
    found = [s for block in blocks(np.zeros(16000 * 5 + 800), 999) for s in stream.push(block)]
    np.testing.assert_allclose(found + stream.finish(), windows)


@pytest.mark.parametrize(
    "start, end, windows",
    [
        (0, 4, [(0, 4)]),
        (2, 5, [(2, 5)]),
        (5, 13, [(5, 9), (7, 11), (9, 13)]),
        (5, 14, [(5, 9), (7, 11), (9, 13), (10, 14)]),
    ],
)
def test_a_region_is_cut_into_windows_the_last_ending_with_it(start, end, windows):
    assert _Windows(start, 4, 2).close(end) == windows
    # The same windows when the region's end is learnt bit by bit.
    cutter = _Windows(start, 4, 2)
    found = [w for reached in range(start, end) for w in cutter.reached(reached)]
    assert found + cutter.close(end) == windows


def test_auto_is_silero_when_installed(monkeypatch):
    installed = importlib.util.find_spec("silero_vad") is not None
    assert isinstance(resolve_vad("auto"), SileroVAD if installed else EnergyVAD)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert isinstance(resolve_vad("auto"), EnergyVAD)


@pytest.mark.parametrize(
    "segmenter, message",
    [
        (SpeechSegmenter(max_duration=2, overlap=2), "overlap"),
        (SpeechSegmenter(threshold=1.5), "threshold"),
        (SpeechSegmenter(vad="webrtc"), "vad"),
        (FixedWindows(hop=0), "hop"),
    ],
)
def test_bad_parameters_are_named(segmenter, message):
    with pytest.raises(ValueError, match=message):
        segmenter.segments(np.zeros(1600), 16000)
