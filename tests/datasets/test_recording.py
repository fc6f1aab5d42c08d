import numpy as np
import pytest

from sklearn_ser.datasets import join_clips


def test_clips_land_where_the_segments_say():
    rng = np.random.default_rng(0)
    clips = [rng.uniform(0.5, 1.0, n).astype(np.float32) for n in (1600, 3200, 800)]
    recording = join_clips(clips, gap=(0.1, 0.5), random_state=0)
    wave, segments = recording.waveform, recording.segments
    for clip, (start, end) in zip(clips, segments):
        np.testing.assert_array_equal(wave[round(start * 16000) : round(end * 16000)], clip)
    gaps = np.diff(np.r_[0, segments.ravel(), len(wave) / 16000])[::2]
    assert np.all((gaps >= 0.1) & (gaps <= 0.5))
    speech = np.zeros(len(wave), bool)
    for start, end in segments:
        speech[round(start * 16000) : round(end * 16000)] = True
    assert not wave[~speech].any()  # silence between clips


def test_trimmed_clips_start_and_end_with_their_speech():
    clip = np.zeros(16000, np.float32)
    clip[4000:12000] = np.sin(np.arange(8000) * 0.3)
    recording = join_clips([clip], gap=(1.0, 1.0), trim_db=40)
    # Placed without its silence: 0.5 s of sound (to a frame) after 1 s of gap.
    np.testing.assert_allclose(recording.segments, [[1.0, 1.5]], atol=0.035)


@pytest.mark.parametrize("noise", ["white", "pink"])
@pytest.mark.parametrize("snr", [0.0, 20.0])
def test_noise_has_the_asked_power_and_colour(noise, snr):
    clips = [np.full(16000, 0.1, np.float32)] * 2
    recording = join_clips(clips, snr=snr, noise=noise, random_state=0)
    silence = recording.waveform[: round(recording.segments[0, 0] * 16000)]
    assert 10 * np.log10(0.01 / np.mean(silence**2)) == pytest.approx(snr, abs=1.0)
    spectrum = np.abs(np.fft.rfft(silence)) ** 2
    low, high = spectrum[1 : len(spectrum) // 8].mean(), spectrum[len(spectrum) // 2 :].mean()
    assert (low / high > 5) == (noise == "pink")


def test_same_seed_same_recording():
    clips = [np.ones(100)] * 3
    a = join_clips(clips, snr=10, random_state=3)
    b = join_clips(clips, snr=10, random_state=3)
    np.testing.assert_array_equal(a.waveform, b.waveform)


@pytest.mark.parametrize(
    "kwargs, message", [({"gap": (2.0, 1.0)}, "gap"), ({"clips": []}, "at least one clip")]
)
def test_bad_input_is_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        join_clips(**{"clips": [np.ones(10)], **kwargs})
