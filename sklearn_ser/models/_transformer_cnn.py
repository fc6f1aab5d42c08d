"""Zenkov (2020): two parallel CNN branches and a Transformer-encoder branch."""

import math

import torch
from torch import nn

from ._blocks import check_positive, clamped_pool, conv_pool_stack, flat_size


def sinusoidal_encoding(n_steps, d_model):
    """Sinusoidal positional encoding of shape (n_steps, d_model); any d_model."""
    position = torch.arange(n_steps, dtype=torch.float32).unsqueeze(1)
    rate = torch.exp(
        torch.arange(0, d_model, 2, dtype=torch.float32) * (-math.log(10000.0) / d_model)
    )
    encoding = torch.zeros(n_steps, d_model)
    encoding[:, 0::2] = torch.sin(position * rate)
    encoding[:, 1::2] = torch.cos(position * rate[: d_model // 2])
    return encoding


class TransformerCNN(nn.Module):
    """Parallel CNNs + Transformer encoder of Zenkov (2020).

    Two CNN branches with the same layout and separate weights (conv ->
    BatchNorm -> ReLU -> max-pool -> dropout, flattened) and a Transformer
    encoder over the time-pooled spectrogram (mean over time) are
    concatenated and mapped to logits by one linear layer. The encoder reads
    the bands directly when their number suits the heads, as in the paper;
    otherwise a linear layer first maps them to ``d_model``, so any input
    works with any head count. With the defaults and a 40 x 282 input with 8
    classes it has the paper's 248,488 parameters.

    Parameters
    ----------
    n_bands : int
        Frequency bands (MFCCs or mel bands) of the input.
    n_frames : int
        Time frames of the input.
    n_classes : int
        Number of output logits.
    cnn_channels : sequence of int, default=(16, 32, 64)
        Filters of each block of a CNN branch.
    cnn_pool_sizes : sequence of int, default=(2, 4, 4)
        Square pooling of each block, clamped to the remaining size.
    cnn_dropout : float, default=0.3
        Dropout after each CNN block.
    time_pool : int, default=4
        Max-pool over time before the encoder, clamped to ``n_frames``.
    n_layers : int, default=4
        Encoder layers.
    n_heads : int, default=4
        Attention heads; must divide ``d_model``.
    d_model : int or None, default=None
        Width of the encoder. None takes ``n_bands`` when ``n_heads``
        divides it (no projection, the paper's design), else the next
        multiple of ``n_heads`` above ``n_bands``.
    dim_feedforward : int, default=512
        Width of the encoder's feed-forward layers.
    transformer_dropout : float, default=0.4
        Dropout inside the encoder.
    positional_encoding : bool, default=False
        Add a sinusoidal positional encoding before the encoder (the paper
        uses none, which makes the encoder blind to order).

    Examples
    --------
    >>> import torch
    >>> from sklearn_ser.models import TransformerCNN
    >>> model = TransformerCNN(n_bands=8, n_frames=30, n_classes=3)
    >>> model(torch.zeros(2, 8, 30)).shape
    torch.Size([2, 3])
    >>> TransformerCNN(n_bands=1, n_frames=30, n_classes=3)(torch.zeros(2, 1, 30)).shape
    torch.Size([2, 3])
    """

    def __init__(
        self,
        n_bands,
        n_frames,
        n_classes,
        cnn_channels=(16, 32, 64),
        cnn_pool_sizes=(2, 4, 4),
        cnn_dropout=0.3,
        time_pool=4,
        n_layers=4,
        n_heads=4,
        d_model=None,
        dim_feedforward=512,
        transformer_dropout=0.4,
        positional_encoding=False,
    ):
        super().__init__()
        check_positive(n_bands=n_bands, n_frames=n_frames, n_classes=n_classes, n_heads=n_heads)
        if d_model is None:
            d_model = n_heads * math.ceil(n_bands / n_heads)
        elif d_model % n_heads:
            raise ValueError(f"d_model={d_model} is not divisible by n_heads={n_heads}")
        self.projection = nn.Identity() if d_model == n_bands else nn.Linear(n_bands, d_model)
        self.cnn_branches = nn.ModuleList()
        for _ in range(2):
            branch, size = conv_pool_stack(
                (n_bands, n_frames),
                in_channels=1,
                channels=cnn_channels,
                pools=cnn_pool_sizes,
                activation=nn.ReLU,
                dropout=cnn_dropout,
            )
            self.cnn_branches.append(nn.Sequential(branch, nn.Flatten()))
        (time_kernel,), (n_steps,) = clamped_pool((n_frames,), time_pool)
        self.time_pool = nn.MaxPool1d(time_kernel)
        if positional_encoding:
            self.register_buffer("positions", sinusoidal_encoding(n_steps, d_model))
        else:
            self.positions = None
        layer = nn.TransformerEncoderLayer(
            d_model=d_model,
            nhead=n_heads,
            dim_feedforward=dim_feedforward,
            dropout=transformer_dropout,
            batch_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=n_layers, enable_nested_tensor=False)
        n_features = 2 * flat_size(cnn_channels[-1], size) + d_model
        self.linear = nn.Linear(n_features, n_classes)

    def forward(self, X):
        """Logits of shape (batch, n_classes) for X of shape (batch, n_bands, n_frames)."""
        images = X.unsqueeze(1)
        sequence = self.projection(self.time_pool(X).transpose(1, 2))  # (batch, steps, d_model)
        if self.positions is not None:
            sequence = sequence + self.positions
        summary = self.encoder(sequence).mean(dim=1)
        features = [branch(images) for branch in self.cnn_branches] + [summary]
        return self.linear(torch.cat(features, dim=1))
