import numpy as np
import pytest

from sklearn_ser.preprocessing._statistics import UtteranceStatistics


def test_statistics_match_numpy_per_band():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, 4, 20))
    features = UtteranceStatistics(percentiles=(25, 75)).fit_transform(X)
    assert features.shape == (3, 4 * 4 * 2)
    static, delta = np.split(features, 2, axis=1)
    mean, std, p25, p75 = np.split(static, 4, axis=1)
    np.testing.assert_allclose(mean, X.mean(axis=2))
    np.testing.assert_allclose(std, X.std(axis=2))
    np.testing.assert_allclose(p25, np.percentile(X, 25, axis=2))
    np.testing.assert_allclose(p75, np.percentile(X, 75, axis=2))
    np.testing.assert_allclose(delta[:, :4], np.diff(X, axis=2).mean(axis=2))


def test_deltas_of_a_linear_ramp_are_its_slope():
    frames = np.arange(10.0)
    X = np.stack([2.0 * frames, -frames])[np.newaxis]  # 1 clip, 2 bands
    stats = UtteranceStatistics(percentiles=(), deltas=True).fit(X)
    features = stats.transform(X)[0]
    names = stats.get_feature_names_out().tolist()
    by_name = dict(zip(names, features))
    assert by_name["delta_mean_band0"] == pytest.approx(2.0)
    assert by_name["delta_mean_band1"] == pytest.approx(-1.0)
    assert by_name["delta_std_band0"] == pytest.approx(0.0)


def test_output_does_not_depend_on_the_number_of_frames():
    X = np.random.default_rng(1).normal(size=(2, 5, 30)).astype(np.float32)
    stats = UtteranceStatistics().fit(X)
    longer = stats.transform(np.concatenate([X, X], axis=2))
    assert longer.shape == stats.transform(X).shape
    assert longer.dtype == np.float32


def test_single_frame_has_zero_deltas():
    X = np.ones((2, 3, 1))
    features = UtteranceStatistics(percentiles=(50,)).fit_transform(X)
    np.testing.assert_array_equal(features[:, 9:], 0.0)


def test_feature_names_match_columns():
    stats = UtteranceStatistics(percentiles=(10, 90)).fit(np.zeros((1, 3, 4)))
    names = stats.get_feature_names_out()
    assert len(names) == stats.transform(np.zeros((1, 3, 4))).shape[1]
    assert names[-1] == "delta_p90_band2"


@pytest.mark.parametrize("percentiles", [(-1, 50), (50, 101)])
def test_percentiles_out_of_range_raise(percentiles):
    with pytest.raises(ValueError, match=r"percentiles must lie in \[0, 100\]"):
        UtteranceStatistics(percentiles=percentiles).fit(np.zeros((2, 3, 4)))


def test_wrong_number_of_bands_raises():
    stats = UtteranceStatistics().fit(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match="3 features"):
        stats.transform(np.zeros((2, 5, 4)))


def test_four_dimensional_input_raises():
    with pytest.raises(ValueError, match=r"\(n_samples, n_bands, n_frames\)"):
        UtteranceStatistics().fit(np.zeros((2, 1, 3, 4)))


def test_blocks_of_clips_give_the_statistics_of_the_whole_batch():
    # More clips than one block of the float64 computation.
    X = np.random.default_rng(0).normal(size=(600, 3, 7)).astype(np.float32)
    features = UtteranceStatistics(percentiles=[50]).fit_transform(X)
    expected_median_of_deltas = np.median(np.diff(X.astype(np.float64), axis=2), axis=2)
    np.testing.assert_allclose(features[:, -3:], expected_median_of_deltas, atol=1e-6)
    np.testing.assert_allclose(features[:, :3], X.mean(axis=2), atol=1e-6)
