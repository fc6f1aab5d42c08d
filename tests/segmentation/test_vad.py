import sys

import numpy as np
import pytest
import torch

from sklearn_ser.segmentation import EnergyVAD, SileroVAD, _vad

from .conftest import blocks, needs_silero

VADS = [EnergyVAD(), pytest.param(SileroVAD(), marks=needs_silero)]


@pytest.mark.parametrize("vad", VADS, ids=["energy", "silero"])
@pytest.mark.parametrize("size", [1, 511, 16000, 10**7])
def test_streamed_probabilities_equal_those_of_the_whole_recording(vad, size, recording):
    wave = recording.waveform[: 16000 * 8]
    whole, frame = vad.speech_probability(wave, 16000)
    if size == 1:  # sample by sample is slow: a short stretch is enough
        wave, whole = wave[:3000], vad.speech_probability(wave[:3000], 16000)[0]
    stream = vad.stream(16000)
    parts = [stream.push(block) for block in blocks(wave, size)] + [stream.finish()]
    # float32: the network rounds a batch of frames and a lone frame differently
    np.testing.assert_allclose(np.concatenate(parts), whole, atol=1e-5)
    assert stream.frame_duration == frame
    assert len(whole) == -(-len(wave) // round(frame * 16000))  # the last frame is completed


@pytest.mark.parametrize("vad", VADS, ids=["energy", "silero"])
def test_speech_is_probable_and_silence_is_not(vad, recording):
    probability, frame = vad.speech_probability(recording.waveform, 16000)
    times = (np.arange(len(probability)) + 0.5) * frame
    inside = np.zeros(len(times), bool)
    for start, end in recording.segments:
        inside |= (times > start + 0.1) & (times < end - 0.1)
    outside = np.ones(len(times), bool)
    for start, end in recording.segments:
        outside &= (times < start - 0.3) | (times > end + 0.3)
    assert np.mean(probability[inside] > 0.5) > 0.9
    assert np.mean(probability[outside] > 0.5) < 0.02


@needs_silero
def test_silero_fast_path_gives_the_models_own_frame_by_frame_probabilities(recording, monkeypatch):
    wave = recording.waveform[: 16000 * 5]
    fast, _ = SileroVAD().speech_probability(wave, 16000)
    # Without the layers, the stream calls silero's model frame by frame.
    monkeypatch.setattr(_vad, "_silero_layers", lambda: None)
    reference, _ = SileroVAD().speech_probability(wave, 16000)
    assert reference.max() > 0.9  # speech, so the state matters
    np.testing.assert_allclose(fast, reference, atol=1e-5)


@needs_silero
@pytest.mark.parametrize("sr", [8000, 44100])
def test_silero_reads_any_rate_through_16_khz(sr, recording):
    import soxr

    wave = soxr.resample(recording.waveform[: 16000 * 5], 16000, sr)
    probability, frame = SileroVAD().speech_probability(wave, sr)
    reference, _ = SileroVAD().speech_probability(recording.waveform[: 16000 * 5], 16000)
    assert frame == 0.032 and len(probability) == len(reference)
    assert np.mean((probability > 0.5) == (reference > 0.5)) > 0.95


@needs_silero
def test_loading_silero_keeps_the_number_of_torch_threads():
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        _vad._load_silero_model()
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(threads)


def test_missing_silero_says_which_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "silero_vad", None)  # import fails
    with pytest.raises(ImportError, match=r"pip install 'sklearn_ser\[vad\]'"):
        SileroVAD().speech_probability(np.zeros(1600), 16000)


def test_energy_levels_are_relative_to_the_noise_floor():
    rng = np.random.default_rng(0)
    quiet, loud = 0.001 * rng.standard_normal(16000), 0.01 * rng.standard_normal(16000)
    # 20 dB above the floor is speech at any gain, 0 dB is not.
    for gain in (1.0, 30.0):
        probability, _ = EnergyVAD().speech_probability(gain * np.concatenate([quiet, loud]), 16000)
        assert probability[:45].max() == 0 and probability[55:].min() == 1


@pytest.mark.parametrize(
    "vad, message",
    [
        (EnergyVAD(snr_range=(6.0, 3.0)), "low < high"),
        (EnergyVAD(noise_window=0), "noise_window"),
    ],
)
def test_bad_parameters_are_named(vad, message):
    with pytest.raises(ValueError, match=message):
        vad.speech_probability(np.zeros(100), 16000)


def test_stereo_is_refused():
    with pytest.raises(ValueError, match="mono"):
        EnergyVAD().speech_probability(np.zeros((2, 100)), 16000)
