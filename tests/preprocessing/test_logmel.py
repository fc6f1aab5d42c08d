import pickle

import joblib
import librosa
import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_ser.preprocessing import LogMelTransformer, UtteranceStatistics


def noise_clips(lengths, seed=0):
    rng = np.random.default_rng(seed)
    return [(0.2 * rng.standard_normal(n)).astype(np.float32) for n in lengths]


def librosa_log_mel(clip, **params):
    mel = librosa.feature.melspectrogram(y=clip, sr=16000, **params)
    return librosa.power_to_db(mel, ref=np.max, top_db=80.0)


PARAMS = dict(n_fft=512, hop_length=128, n_mels=32)


def test_variable_length_list_is_padded_to_the_longest_clip():
    clips = noise_clips([4000, 1000, 2500])
    transformer = LogMelTransformer(**PARAMS).fit(clips)
    assert transformer.n_frames_ == 1 + 4000 // 128
    features = transformer.transform(clips)
    assert features.shape == (3, 32, transformer.n_frames_)
    assert features.dtype == np.float32
    assert not hasattr(transformer, "n_features_in_")


@pytest.mark.parametrize("align", ["left", "center"])
def test_padding_keeps_real_frames_and_reference_and_sits_on_the_floor(align):
    short = noise_clips([1000], seed=3)[0]
    alone = librosa_log_mel(short, **PARAMS)
    n_real = alone.shape[1]
    transformer = LogMelTransformer(**PARAMS, n_frames=n_real + 9, align=align)
    padded = transformer.fit_transform([short])[0]

    start = 0 if align == "left" else 9 // 2
    real = np.zeros(n_real + 9, dtype=bool)
    real[start : start + n_real] = True
    np.testing.assert_allclose(padded[:, real], alone, atol=1e-3)
    np.testing.assert_array_equal(padded[:, ~real], -80.0)


def test_padded_frames_without_floor_are_at_amin_relative_to_reference():
    clip = noise_clips([1000])[0]
    features = LogMelTransformer(**PARAMS, n_frames=20, top_db=None, ref=1e-3)
    padded = features.fit_transform([clip])[0]
    np.testing.assert_allclose(padded[:, -1], 10 * np.log10(1e-10 / 1e-3), atol=1e-4)


@pytest.mark.parametrize("align", ["left", "center"])
def test_cropping_keeps_frames_of_the_whole_clip(align):
    clip = noise_clips([6000], seed=4)[0] * np.linspace(0.1, 1, 6000, dtype=np.float32)
    mel = librosa.feature.melspectrogram(y=clip, sr=16000, **PARAMS)
    n_kept = 10
    start = 0 if align == "left" else (mel.shape[1] - n_kept) // 2
    expected = librosa.power_to_db(mel[:, start : start + n_kept], ref=np.max, top_db=80.0)
    transformer = LogMelTransformer(**PARAMS, n_frames=n_kept, align=align)
    np.testing.assert_allclose(transformer.fit_transform([clip])[0], expected, atol=1e-3)


def speech_in_silence(seed=0):
    """A loud burst between 0.25 s of digital silence and 0.5 s of faint noise."""
    rng = np.random.default_rng(seed)
    parts = [np.zeros(4000), 0.3 * rng.standard_normal(6000), 1e-4 * rng.standard_normal(8000)]
    return np.concatenate(parts).astype(np.float32)


@pytest.mark.parametrize("padding", ["silence", "nan"])
def test_trim_db_computes_the_clip_librosa_trim_keeps(padding):
    clip, other = speech_in_silence(), noise_clips([30000])[0]
    trimmed = librosa.effects.trim(clip, top_db=30, frame_length=512, hop_length=128)[0]
    assert len(trimmed) < 7000  # the silence and the faint noise are cut

    features = LogMelTransformer(**PARAMS, trim_db=30, padding=padding).fit_transform([clip, other])
    expected = LogMelTransformer(**PARAMS, padding=padding).fit_transform([trimmed, other])
    np.testing.assert_array_equal(features, expected)
    if padding == "nan":
        assert np.isfinite(features[0, 0]).sum() == 1 + len(trimmed) // 128


def test_trim_db_applies_at_transform_whatever_the_gain_and_keeps_a_silent_clip_whole():
    transformer = LogMelTransformer(**PARAMS, trim_db=30, padding="nan").fit(noise_clips([4000]))
    silent, loud = np.zeros(2000, np.float32), speech_in_silence()
    real_frames = np.isfinite(transformer.transform([silent, loud, loud * 1e-7])[:, 0]).sum(axis=1)
    assert real_frames[0] == 1 + 2000 // 128
    assert real_frames[1] < 1 + 7000 // 128
    assert real_frames[2] == real_frames[1]


def test_transform_pads_and_crops_to_the_frame_count_seen_in_fit():
    transformer = LogMelTransformer(**PARAMS).fit(noise_clips([2000, 3000]))
    features = transformer.transform(noise_clips([500, 9000]))
    assert features.shape == (2, 32, 1 + 3000 // 128)


@pytest.mark.parametrize("dtype, full_scale", [(np.int16, 2**15), (np.int32, 2**31)])
def test_integer_pcm_is_scaled_to_unit_range(dtype, full_scale):
    rng = np.random.default_rng(5)
    pcm = (rng.standard_normal((2, 3000)) * 0.1 * full_scale).astype(dtype)
    # A fixed reference makes the dB values depend on the sample scale.
    transformer = LogMelTransformer(**PARAMS, ref=1.0, top_db=None)
    from_pcm = transformer.fit_transform(pcm)
    from_float = clone(transformer).fit_transform(pcm / full_scale)
    np.testing.assert_allclose(from_pcm, from_float, atol=1e-3)


def test_mfcc_output_shape():
    transformer = LogMelTransformer(**PARAMS, n_mfcc=13)
    assert transformer.fit_transform(noise_clips([3000])).shape == (1, 13, 24)


@pytest.mark.parametrize("n_mfcc", [None, 5])
def test_normalize_learns_on_train_and_applies_train_statistics(n_mfcc):
    train = noise_clips([3000, 1500, 2200], seed=6)
    other = [clip * 3 + 0.1 for clip in noise_clips([2600, 900], seed=7)]
    raw = LogMelTransformer(**PARAMS, n_mfcc=n_mfcc, ref=1.0).fit(train)
    scaled = LogMelTransformer(**PARAMS, n_mfcc=n_mfcc, ref=1.0, normalize=True)
    train_scaled = scaled.fit_transform(train)

    real_frames = np.concatenate(
        [raw.transform([clip])[0][:, : 1 + len(clip) // 128] for clip in train],
        axis=1,
    )
    np.testing.assert_allclose(scaled.mean_, real_frames.mean(axis=1), atol=1e-3)
    np.testing.assert_allclose(scaled.scale_, real_frames.std(axis=1), rtol=1e-4)

    expected = (raw.transform(other) - scaled.mean_[:, None]) / scaled.scale_[:, None]
    np.testing.assert_allclose(scaled.transform(other), expected, atol=1e-4)
    np.testing.assert_allclose(scaled.transform(train), train_scaled, atol=1e-5)


def test_constant_band_gets_unit_scale():
    silence = [np.zeros(2000, dtype=np.float32)] * 2
    transformer = LogMelTransformer(**PARAMS, normalize=True).fit(silence)
    np.testing.assert_array_equal(transformer.scale_, 1.0)


@pytest.mark.parametrize("round_trip", ["pickle", "joblib"])
def test_fitted_transformer_survives_serialisation(round_trip, tmp_path):
    clips = noise_clips([2000, 3100])
    transformer = LogMelTransformer(**PARAMS, normalize=True, n_mfcc=8).fit(clips)
    if round_trip == "pickle":
        restored = pickle.loads(pickle.dumps(transformer))
    else:
        joblib.dump(transformer, tmp_path / "logmel.joblib")
        restored = joblib.load(tmp_path / "logmel.joblib")
    np.testing.assert_array_equal(restored.transform(clips), transformer.transform(clips))


def test_clone_is_unfitted_with_the_same_parameters():
    transformer = LogMelTransformer(**PARAMS, n_mfcc=8).fit(noise_clips([2000]))
    cloned = clone(transformer)
    assert cloned.get_params() == transformer.get_params()
    assert not hasattr(cloned, "n_frames_")


def test_pipeline_with_a_flat_classifier():
    # Low tones against high tones, in noise, at varying lengths.
    rng = np.random.default_rng(8)
    frequencies = np.r_[rng.uniform(300, 600, 20), rng.uniform(2000, 3000, 20)]
    clips = []
    for frequency in frequencies:
        t = np.arange(rng.integers(2500, 4000)) / 16000
        noise = 0.05 * rng.standard_normal(len(t))
        clips.append((np.sin(2 * np.pi * frequency * t) + noise).astype(np.float32))
    labels = np.repeat([0, 1], 20)
    train = rng.permutation(40)[:28]
    test = np.setdiff1d(np.arange(40), train)
    pipeline = make_pipeline(
        LogMelTransformer(**PARAMS, normalize=True),
        FunctionTransformer(lambda features: features.reshape(len(features), -1)),
        LogisticRegression(max_iter=500),
    )
    pipeline.fit([clips[i] for i in train], labels[train])
    assert pipeline.score([clips[i] for i in test], labels[test]) == 1.0


@pytest.mark.parametrize(
    "clips, error, match",
    [
        ([np.zeros(100), np.array([0.0, np.nan])], ValueError, "clip 1 contains NaN"),
        ([np.zeros(100), np.array([np.inf])], ValueError, "clip 1 contains NaN or inf"),
        ([np.zeros(100), np.zeros(0)], ValueError, "clip 1 is empty"),
        ([np.zeros((2, 100))], ValueError, "clip 0 .* multi-channel"),
        ([np.array(["a", "b"])], TypeError, "clip 0 has dtype"),
        (np.zeros(100), ValueError, "1-D array"),
    ],
)
def test_bad_clips_are_named(clips, error, match):
    with pytest.raises(error, match=match):
        LogMelTransformer(**PARAMS).fit(clips)
    fitted = LogMelTransformer(**PARAMS).fit([np.zeros(100)])
    with pytest.raises(error, match=match):
        fitted.transform(clips)


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(win_length=1024), "win_length=1024 must be at most n_fft=512"),
        (dict(fmax=9000.0), "fmax=9000.0 is above the Nyquist"),
        (dict(fmin=4000.0, fmax=3000.0), "fmin=4000.0 must be below fmax=3000.0"),
        (dict(n_mfcc=40), "n_mfcc=40 must be at most n_mels=32"),
        (dict(n_mels=200), "mel bands .* contain no FFT bin"),
        (dict(window="no-such-window"), "window='no-such-window' is not a window"),
        (dict(backend="librosa", device="cuda"), "backend='librosa' runs on the CPU"),
        (dict(device="tpu-ish"), "is not a torch device"),
    ],
)
def test_inconsistent_parameters_are_explained(params, match):
    transformer = LogMelTransformer(**{**PARAMS, **params})
    with pytest.raises(ValueError, match=match):
        transformer.fit(noise_clips([1000]))


@pytest.mark.parametrize(
    "params",
    [dict(n_mels=0), dict(ref="min"), dict(align="right"), dict(top_db=-1.0), dict(trim_db=0)],
)
def test_invalid_parameters_are_rejected_at_fit(params):
    with pytest.raises(InvalidParameterError):
        LogMelTransformer(**params).fit(noise_clips([1000]))


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_missing_cuda_is_a_clear_error():
    with pytest.raises(ValueError, match="CUDA is not available"):
        LogMelTransformer(**PARAMS, device="cuda").fit(noise_clips([1000]))


def test_two_d_input_fixes_the_width_but_lists_are_always_accepted():
    table = np.stack(noise_clips([2000, 2000]))
    transformer = LogMelTransformer(**PARAMS).fit(table)
    assert transformer.n_features_in_ == 2000
    with pytest.raises(ValueError, match="X has 1000 features, but .* expecting 2000"):
        transformer.transform(table[:, :1000])
    assert transformer.transform(list(table[:, :1000])).shape == (2, 32, 16)
    transformer.fit(list(table))
    assert not hasattr(transformer, "n_features_in_")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_matches_cpu():
    clips = noise_clips([4000, 1000, 2500])
    on_cpu = LogMelTransformer(**PARAMS).fit_transform(clips)
    on_gpu = LogMelTransformer(**PARAMS, device="cuda").fit_transform(clips)
    assert isinstance(on_gpu, np.ndarray)
    np.testing.assert_allclose(on_gpu, on_cpu, atol=1e-3)


@pytest.mark.parametrize("params", [dict(n_mels=-5), dict(n_fft=0), dict(batch_size=0)])
def test_parameters_set_after_fit_are_validated_at_transform(params):
    pipe = make_pipeline(LogMelTransformer(**PARAMS), UtteranceStatistics(), LogisticRegression())
    clips = noise_clips([1000, 1200, 900, 1100])
    pipe.fit(clips, ["a", "b", "a", "b"])
    pipe.set_params(**{f"logmeltransformer__{name}": value for name, value in params.items()})
    name = next(iter(params))
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter of LogMelTransformer"):
        pipe.predict(clips)


@pytest.mark.parametrize(
    "params",
    [dict(n_mels=16), dict(n_fft=256), dict(sr=8000), dict(n_mfcc=4), dict(normalize=True)],
)
def test_parameters_the_fit_follows_cannot_change_after_it(params):
    transformer = LogMelTransformer(**PARAMS).fit(noise_clips([1000]))
    fitted = transformer.get_params()
    transformer.set_params(**params)
    name, value = next(iter(params.items()))
    with pytest.raises(ValueError, match=rf"{name}={value!r} was set after fit, which used"):
        transformer.transform(noise_clips([1000]))
    # Back to the fitted value, with parameters that transform reads as they are.
    transformer.set_params(**{name: fitted[name]}, hop_length=256, top_db=60.0)
    assert transformer.transform(noise_clips([1000])).shape == (1, 32, transformer.n_frames_)


def test_a_one_column_dataframe_of_clips_is_a_list_of_clips():
    pd = pytest.importorskip("pandas")
    clips = noise_clips([1000, 1500])
    frame = pd.DataFrame({"clip": clips})
    transformer = LogMelTransformer(**PARAMS).fit(frame)
    assert not hasattr(transformer, "n_features_in_")  # no samples-per-clip width
    np.testing.assert_array_equal(transformer.transform(frame), transformer.transform(clips))
