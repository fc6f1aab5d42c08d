import numpy as np
import pyloudnorm
import pytest

from sklearn_ser.preprocessing import LoudnessNormalizer, OpenSmileTransformer

SR = 16000


def _speech_like(seconds, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 3 * t)
    voiced = 0.05 * envelope * np.sin(2 * np.pi * 180 * t)
    return (voiced + 0.005 * rng.standard_normal(t.size)).astype(np.float32)


@pytest.mark.parametrize("target", [-23.0, -30.0])
def test_every_clip_leaves_at_the_target_loudness(target):
    clips = [_speech_like(2.0, seed) * gain for seed, gain in enumerate([0.1, 0.3, 3.0])]
    out = LoudnessNormalizer(target_lufs=target).fit_transform(clips)
    meter = pyloudnorm.Meter(SR)
    for clip in out:
        assert meter.integrated_loudness(clip.astype(np.float64)) == pytest.approx(target, abs=0.05)


def test_the_output_does_not_depend_on_the_input_gain():
    clip = _speech_like(1.5)
    quiet, loud = LoudnessNormalizer().fit_transform([clip * 0.1, clip * 2])
    np.testing.assert_allclose(quiet, loud, rtol=1e-4, atol=1e-7)
    assert quiet.dtype == np.float32


def test_features_after_it_are_level_free():
    pytest.importorskip("opensmile")
    clip = _speech_like(1.5)
    clips = [clip * 0.05, clip * 5]
    raw = OpenSmileTransformer().fit_transform(clips)
    loudness = OpenSmileTransformer().fit_transform(LoudnessNormalizer().fit_transform(clips))
    assert not np.allclose(raw[0], raw[1], rtol=1e-3)
    np.testing.assert_allclose(loudness[0], loudness[1], rtol=1e-3, atol=1e-4)


def test_short_and_silent_clips():
    short = _speech_like(0.1)
    silent = np.zeros(SR, np.float32)
    out_short, out_silent = LoudnessNormalizer().fit_transform([short * 0.1, silent])
    np.testing.assert_array_equal(out_silent, silent)
    again = LoudnessNormalizer().fit_transform([short * 3])[0]
    np.testing.assert_allclose(out_short, again, rtol=1e-4, atol=1e-7)


def test_clips_of_one_length_come_out_as_an_array_else_as_a_list():
    batch = np.stack([_speech_like(1.0, 0), 4 * _speech_like(1.0, 1)])
    out = LoudnessNormalizer().fit(batch).transform(batch)
    assert isinstance(out, np.ndarray) and out.shape == batch.shape
    listed = LoudnessNormalizer().fit_transform([batch[0], batch[1][:8000]])
    assert isinstance(listed, list) and [len(c) for c in listed] == [16000, 8000]


def test_transform_needs_no_fit_and_rejects_a_positive_target():
    clip = _speech_like(1.0)
    assert len(LoudnessNormalizer().transform([clip])) == 1
    with pytest.raises(ValueError, match="target_lufs"):
        LoudnessNormalizer(target_lufs=3).fit([clip])
