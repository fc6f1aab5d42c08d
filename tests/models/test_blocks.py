import librosa
import numpy as np
import pytest
import torch
from torch import nn

from sklearn_ser.models._blocks import TimeDeltas, clamped_pool, conv_pool_stack


@pytest.mark.parametrize("size, pool", [((1, 7), 4), ((2, 5), (4, 4)), ((3,), 4), ((9, 9), (2, 8))])
def test_clamped_pool_never_shrinks_below_one(size, pool):
    kernel, out_size = clamped_pool(size, pool)
    assert all(k <= s for k, s in zip(kernel, size))
    assert all(s >= 1 for s in out_size)


@pytest.mark.parametrize("input_size", [(1, 1), (2, 5), (40, 282), (7,), (1000,)])
def test_stack_reports_the_size_it_produces(input_size):
    stack, out_size = conv_pool_stack(
        input_size, in_channels=1, channels=(3, 5, 2), pools=(2, 4, 4), activation=nn.ReLU
    )
    out = stack(torch.zeros(2, 1, *input_size))
    assert out.shape == (2, 2, *out_size)


def test_stack_needs_one_pool_per_block():
    with pytest.raises(ValueError, match="one pool size per block"):
        conv_pool_stack((8, 8), 1, channels=(4, 4), pools=(2,), activation=nn.ReLU)


def test_dropout_only_when_requested():
    plain, _ = conv_pool_stack((8,), 1, (4,), (2,), nn.ELU)
    dropped, _ = conv_pool_stack((8,), 1, (4,), (2,), nn.ELU, dropout=0.3)
    assert not any(isinstance(m, nn.Dropout) for m in plain.modules())
    assert any(isinstance(m, nn.Dropout) for m in dropped.modules())


def _regression_slope(X, half_width=4):
    padded = np.pad(X, [(0, 0), (0, 0), (half_width, half_width)], mode="edge")
    n_frames = X.shape[-1]
    return sum(
        n
        * (
            padded[..., half_width + n :][..., :n_frames]
            - padded[..., half_width - n :][..., :n_frames]
        )
        for n in range(1, half_width + 1)
    ) / (2 * sum(n * n for n in range(1, half_width + 1)))


@pytest.mark.parametrize("n_frames", [1, 4, 9, 50])
def test_deltas_are_regression_slopes_of_the_input(n_frames):
    X = np.random.default_rng(n_frames).normal(size=(2, 6, n_frames)).astype(np.float32)
    stacked = TimeDeltas(order=2)(torch.from_numpy(X)).numpy()
    assert stacked.shape == (2, 3, 6, n_frames)
    np.testing.assert_array_equal(stacked[:, 0], X)
    np.testing.assert_allclose(stacked[:, 1], _regression_slope(X), atol=1e-5)
    np.testing.assert_allclose(stacked[:, 2], _regression_slope(_regression_slope(X)), atol=1e-5)
    if n_frames >= 5:  # librosa's filter needs half the width
        np.testing.assert_allclose(
            stacked[:, 1], librosa.feature.delta(X, width=9, mode="nearest"), atol=1e-5
        )


def test_deltas_are_no_weights_and_bad_orders_are_named():
    assert not TimeDeltas(order=2).state_dict()
    assert TimeDeltas(order=0)(torch.ones(1, 2, 3)).shape == (1, 1, 2, 3)
    with pytest.raises(ValueError, match="delta_order must be 0, 1 or 2, got 3"):
        TimeDeltas(order=3)
    with pytest.raises(ValueError, match="width must be an odd"):
        TimeDeltas(order=1, width=4)
