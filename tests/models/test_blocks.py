import pytest
import torch
from torch import nn

from sklearn_ser.models._blocks import clamped_pool, conv_pool_stack


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
