import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from sklearn_ser import CNNLSTM1DClassifier
from sklearn_ser.estimators._net import window_offsets
from sklearn_ser.preprocessing import FixedLengthWaveform


def test_pads_to_the_longest_clip_seen_in_fit():
    clips = [np.ones(5), np.ones(3) * 2]
    waveforms = FixedLengthWaveform().fit(clips)
    assert waveforms.n_samples_ == 5
    np.testing.assert_array_equal(waveforms.transform(clips), [[1, 1, 1, 1, 1], [2, 2, 2, 0, 0]])
    assert waveforms.transform(clips).dtype == np.float32
    # A longer clip at transform is cropped to the length learned in fit.
    assert waveforms.transform([np.arange(9.0)]).tolist() == [[0, 1, 2, 3, 4]]


@pytest.mark.parametrize(
    "align, expected", [("left", [1, 2, 3, 0, 0, 0]), ("center", [0, 1, 2, 3, 0, 0])]
)
def test_align_places_short_clips(align, expected):
    waveforms = FixedLengthWaveform(n_samples=6, align=align)
    assert waveforms.fit_transform([np.array([1.0, 2, 3])])[0].tolist() == expected


@pytest.mark.parametrize("align, expected", [("left", [0, 1, 2]), ("center", [2, 3, 4])])
def test_align_crops_long_clips(align, expected):
    waveforms = FixedLengthWaveform(n_samples=3, align=align)
    assert waveforms.fit_transform([np.arange(7.0)])[0].tolist() == expected


@pytest.mark.parametrize(
    "align, expected", [("left", [1, 2, np.nan, np.nan]), ("center", [np.nan, 1, 2, np.nan])]
)
def test_nan_padding_marks_only_the_padded_samples(align, expected):
    waveforms = FixedLengthWaveform(align=align, padding="nan").fit([np.zeros(4)])
    np.testing.assert_array_equal(waveforms.transform([np.array([1.0, 2])])[0], expected)
    # a clip of the full length, silent or not, holds no NaN
    assert not np.isnan(waveforms.transform([np.zeros(4), np.arange(6.0)])).any()


def test_nan_padding_lets_a_cropping_classifier_see_real_lengths():
    rng = np.random.RandomState(0)
    clips = [rng.normal(size=n).astype(np.float32) for n in np.resize([300, 800], 16)]
    y = np.repeat([0, 1], 8)
    pipe = make_pipeline(
        FixedLengthWaveform(padding="nan"),
        CNNLSTM1DClassifier(
            crop_length=256,
            module__channels=(2, 2, 2, 2),
            module__hidden_size=2,
            max_epochs=1,
            random_state=0,
            device="cpu",
        ),
    ).fit(clips, y)
    proba = pipe.predict_proba(clips)
    assert np.isfinite(proba).all()
    # a 300-sample clip averages the windows inside its 300 samples only
    padded = np.full((1, 800), np.nan, dtype=np.float32)
    by_window = []
    for offset in window_offsets(0, 300, 256, 128):
        padded[0, :256] = clips[0][offset : offset + 256]
        by_window.append(pipe[-1].predict_proba(padded)[0])
    np.testing.assert_allclose(proba[0], np.mean(by_window, axis=0), rtol=1e-5)


@pytest.mark.parametrize("dtype, full_scale", [(np.int16, 2**15), (np.int32, 2**31)])
def test_integer_pcm_is_scaled(dtype, full_scale):
    pcm = np.array([[0, full_scale // 2, -full_scale // 4]], dtype=dtype)
    assert FixedLengthWaveform().fit_transform(pcm).tolist() == [[0.0, 0.5, -0.25]]


def test_two_d_width_is_checked_but_lists_of_any_length_are_accepted():
    waveforms = FixedLengthWaveform().fit(np.zeros((2, 10)))
    with pytest.raises(ValueError, match="X has 4 features, but .* expecting 10"):
        waveforms.transform(np.zeros((2, 4)))
    assert waveforms.transform([np.zeros(4)]).shape == (1, 10)


@pytest.mark.parametrize(
    "clips, match",
    [
        ([np.zeros(3), np.array([np.nan])], "clip 1 contains NaN"),
        ([np.zeros(3), np.zeros(0)], "clip 1 is empty"),
        ([np.zeros((2, 3))], "clip 0 .* multi-channel"),
    ],
)
def test_bad_clips_are_named(clips, match):
    with pytest.raises(ValueError, match=match):
        FixedLengthWaveform().fit(clips)
