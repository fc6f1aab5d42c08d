"""Building blocks shared by every model: conv -> BatchNorm -> activation -> pool."""

import math

from torch import nn

_CONV = {1: nn.Conv1d, 2: nn.Conv2d}
_NORM = {1: nn.BatchNorm1d, 2: nn.BatchNorm2d}
_POOL = {1: nn.MaxPool1d, 2: nn.MaxPool2d}


def check_positive(**sizes):
    """Raise a ValueError naming the first size that is not a positive integer."""
    for name, value in sizes.items():
        if int(value) < 1:
            raise ValueError(f"{name} must be a positive integer, got {value}")


def _as_tuple(value, ndim):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * ndim


def clamped_pool(size, pool):
    """Pooling kernel no larger than ``size``, so no dimension shrinks below 1.

    Parameters
    ----------
    size : tuple of int
        Current spatial size, one entry per pooled axis.
    pool : int or tuple of int
        Requested kernel (and stride); an int pools every axis alike.

    Returns
    -------
    kernel : tuple of int
        The kernel actually used.
    out_size : tuple of int
        The spatial size after pooling (floor division, at least 1).
    """
    kernel = tuple(max(1, min(k, s)) for k, s in zip(_as_tuple(pool, len(size)), size))
    return kernel, tuple(s // k for s, k in zip(size, kernel))


def conv_pool_stack(input_size, in_channels, channels, pools, activation, dropout=0.0):
    """Stack of conv -> BatchNorm -> activation -> max-pool [-> dropout] blocks.

    The dimensionality (1-D or 2-D) follows ``len(input_size)``. Convolutions
    use kernel 3, stride 1 and padding 1, so only the pools change the size.

    Parameters
    ----------
    input_size : tuple of int
        Spatial size of the input: ``(n_samples,)`` or ``(n_bands, n_frames)``.
    in_channels : int
        Channels of the input.
    channels : sequence of int
        Output channels of each block.
    pools : sequence of (int or tuple of int)
        Max-pool kernel of each block, clamped to the remaining size.
    activation : type of nn.Module
        Activation class, instantiated without arguments.
    dropout : float, default=0.0
        Dropout after each pool; 0 adds no dropout layer.

    Returns
    -------
    stack : nn.Sequential
        The blocks.
    out_size : tuple of int
        Spatial size of the output.
    """
    if len(channels) != len(pools):
        raise ValueError(
            f"got {len(channels)} channel sizes but {len(pools)} pool sizes; "
            "give one pool size per block"
        )
    ndim = len(input_size)
    size = tuple(input_size)
    layers = []
    for out_channels in channels:
        kernel, size = clamped_pool(size, pools[len(layers)])
        block = [
            _CONV[ndim](in_channels, out_channels, kernel_size=3, padding=1),
            _NORM[ndim](out_channels),
            activation(),
            _POOL[ndim](kernel),
        ]
        if dropout:
            block.append(nn.Dropout(dropout))
        layers.append(nn.Sequential(*block))
        in_channels = out_channels
    return nn.Sequential(*layers), size


def flat_size(channels, size):
    """Number of features after flattening ``channels`` maps of ``size``."""
    return channels * math.prod(size)
