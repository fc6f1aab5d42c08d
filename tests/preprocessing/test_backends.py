"""Both backends against plain librosa, within 1e-3 dB, on noise, tones and speech."""

import librosa
import numpy as np
import pytest
import soundfile as sf

from sklearn_ser.preprocessing import LogMelTransformer
from sklearn_ser.preprocessing._backends import n_stft_frames

SR = 16000
TOLERANCE_DB = 1e-3

PARAMETER_SETS = {
    "zhao": dict(n_fft=2048, hop_length=512, n_mels=128),
    "zenkov_mfcc": dict(
        n_fft=1024,
        win_length=512,
        window="hamming",
        hop_length=256,
        n_mels=128,
        n_mfcc=40,
    ),
    "asr_magnitude": dict(n_fft=400, hop_length=160, n_mels=64, fmin=50.0, fmax=7600.0, power=1.0),
}


def plain_librosa(clip, params, top_db=80.0):
    """What a user would write with librosa alone, for one clip."""
    mel_params = {k: v for k, v in params.items() if k != "n_mfcc"}
    mel = librosa.feature.melspectrogram(y=clip, sr=SR, **mel_params)
    log_mel = librosa.power_to_db(mel, ref=np.max, top_db=top_db)
    if "n_mfcc" in params:
        return librosa.feature.mfcc(S=log_mel, n_mfcc=params["n_mfcc"])
    return log_mel


def synthetic_clips():
    rng = np.random.default_rng(0)
    t = np.arange(SR) / SR
    return {
        "white_noise": 0.1 * rng.standard_normal(SR),
        "tone_440": 0.5 * np.sin(2 * np.pi * 440 * t),
        "tone_3k_short": 0.8 * np.sin(2 * np.pi * 3000 * t[:5000]),
    }


@pytest.fixture(scope="module")
def speech_clip(ravdess_path):
    path = sorted((ravdess_path / "Actor_01").glob("*.flac"))[10]
    clip, sr = sf.read(path, dtype="float32")
    assert sr == SR
    return clip


def features(clip, params, backend, **extra):
    transformer = LogMelTransformer(sr=SR, backend=backend, **params, **extra)
    return transformer.fit_transform([clip])[0]


@pytest.mark.parametrize("params", PARAMETER_SETS.values(), ids=PARAMETER_SETS.keys())
@pytest.mark.parametrize("signal", synthetic_clips().keys())
def test_backends_match_plain_librosa_on_synthetic_clips(signal, params):
    clip = synthetic_clips()[signal].astype(np.float32)
    expected = plain_librosa(clip, params)
    for backend in ("torch", "librosa"):
        result = features(clip, params, backend)
        assert result.shape == expected.shape
        np.testing.assert_allclose(result, expected, rtol=0, atol=TOLERANCE_DB)


@pytest.mark.parametrize("params", PARAMETER_SETS.values(), ids=PARAMETER_SETS.keys())
def test_backends_match_plain_librosa_on_speech(speech_clip, params):
    expected = plain_librosa(speech_clip, params)
    torch_result = features(speech_clip, params, "torch")
    librosa_result = features(speech_clip, params, "librosa")
    np.testing.assert_allclose(torch_result, expected, rtol=0, atol=TOLERANCE_DB)
    np.testing.assert_allclose(librosa_result, expected, rtol=0, atol=TOLERANCE_DB)


def test_torch_matches_librosa_without_a_db_floor():
    # No top_db: the quietest bins count too, which float32 FFTs cannot resolve.
    clip = synthetic_clips()["tone_440"].astype(np.float32)
    params = PARAMETER_SETS["asr_magnitude"]
    expected = plain_librosa(clip, params, top_db=None)
    result = features(clip, params, "torch", top_db=None)
    np.testing.assert_allclose(result, expected, rtol=0, atol=TOLERANCE_DB)


def test_mfcc_with_unit_reference_is_librosa_mfcc():
    clip = synthetic_clips()["white_noise"].astype(np.float32)
    params = PARAMETER_SETS["zenkov_mfcc"]
    mel_params = {k: v for k, v in params.items() if k != "n_mfcc"}
    expected = librosa.feature.mfcc(y=clip, sr=SR, n_mfcc=40, **mel_params)
    result = features(clip, params, "torch", ref=1.0)
    np.testing.assert_allclose(result, expected, rtol=0, atol=TOLERANCE_DB)


@pytest.mark.parametrize("align", ["left", "center"])
def test_batched_torch_equals_clip_by_clip_librosa_on_mixed_lengths(align):
    rng = np.random.default_rng(1)
    # Lengths straddle n_fft and the frame count used as n_frames.
    clips = [
        (0.3 * rng.standard_normal(n)).astype(np.float32)
        for n in (300, 2048, 9000, 4100, 7000, 12000, 1)
    ]
    params = dict(n_fft=1024, hop_length=256, n_mels=40, n_frames=30, align=align)
    by_librosa = LogMelTransformer(backend="librosa", **params).fit_transform(clips)
    batched = LogMelTransformer(backend="torch", batch_size=3, **params).fit_transform(clips)
    one_by_one = LogMelTransformer(backend="torch", batch_size=1, **params).fit_transform(clips)
    np.testing.assert_allclose(batched, by_librosa, rtol=0, atol=TOLERANCE_DB)
    np.testing.assert_allclose(batched, one_by_one, rtol=0, atol=TOLERANCE_DB)


@pytest.mark.filterwarnings("ignore:n_fft=.* is too large:UserWarning")
def test_clip_shorter_than_n_fft_is_zero_padded_like_librosa():
    clip = np.random.default_rng(2).standard_normal(700).astype(np.float32)
    params = PARAMETER_SETS["zhao"]
    expected = plain_librosa(clip, params)
    assert expected.shape[1] == n_stft_frames(700, 2048, 512) == 2
    np.testing.assert_allclose(features(clip, params, "torch"), expected, rtol=0, atol=TOLERANCE_DB)
