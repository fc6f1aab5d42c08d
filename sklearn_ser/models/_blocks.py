"""Building blocks shared by every model: conv -> BatchNorm -> activation -> pool."""

import math

import torch
from torch import nn
from torch.nn import functional as F

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


class TimeDeltas(nn.Module):
    """A spectrogram and its time derivatives, stacked as channels.

    Each derivative is the regression slope over ``width`` frames centred on
    the frame (HTK's delta formula; librosa's ``feature.delta`` with
    ``mode="nearest"``), the edges padded with the end frames; the second
    derivative is the slope of the first. Computed inside the network, so
    it sees the spectrogram after cropping and augmentation.

    Parameters
    ----------
    order : int
        Derivatives to add: 0 (none), 1 (delta) or 2 (delta and delta-delta).
    width : int, default=9
        Odd number of frames of each slope.

    Examples
    --------
    >>> import torch
    >>> from sklearn_ser.models._blocks import TimeDeltas
    >>> ramp = torch.arange(12.0).repeat(2, 1).unsqueeze(0)  # (1, 2 bands, 12 frames)
    >>> TimeDeltas(order=2)(ramp).shape
    torch.Size([1, 3, 2, 12])
    >>> TimeDeltas(order=1)(ramp)[0, 1, 0, 4:8]
    tensor([1., 1., 1., 1.])
    """

    def __init__(self, order, width=9):
        super().__init__()
        if order not in (0, 1, 2):
            raise ValueError(f"delta_order must be 0, 1 or 2, got {order}")
        if width < 3 or width % 2 == 0:
            raise ValueError(f"width must be an odd integer of at least 3, got {width}")
        self.order = order
        self.half_width = width // 2
        offsets = torch.arange(-self.half_width, self.half_width + 1, dtype=torch.float32)
        # Not saved with the weights: it is a fixed function of width.
        self.register_buffer(
            "slope", (offsets / offsets.square().sum()).view(1, 1, 1, -1), persistent=False
        )

    def forward(self, X):
        """(batch, order + 1, bands, frames) from X of shape (batch, bands, frames)."""
        maps = [X.unsqueeze(1)]
        for _ in range(self.order):
            padded = F.pad(maps[-1], (self.half_width, self.half_width, 0, 0), mode="replicate")
            maps.append(F.conv2d(padded, self.slope))
        return torch.cat(maps, dim=1)
