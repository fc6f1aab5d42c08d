"""Zhao, Mao & Chen (2019): 1-D and 2-D CNN-LSTM networks."""

from torch import nn

from ._blocks import TimeDeltas, check_positive, conv_pool_stack

ZHAO_CHANNELS = (64, 64, 128, 128)


class _LSTMHead(nn.Module):
    """LSTM over a (batch, steps, features) sequence, then a linear layer on
    the last step's output."""

    def __init__(self, n_features, hidden_size, n_classes):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden_size, batch_first=True)
        self.linear = nn.Linear(hidden_size, n_classes)

    def forward(self, sequence):
        outputs, _ = self.lstm(sequence)
        return self.linear(outputs[:, -1])


class CNNLSTM(nn.Module):
    """2-D CNN-LSTM of Zhao et al. (2019) over a (log-mel) spectrogram.

    Four local feature learning blocks (conv 3x3 -> BatchNorm -> ELU ->
    max-pool), an LSTM over the remaining time steps whose features are the
    channels times the remaining frequency bins, and a linear layer that
    returns logits.

    Parameters
    ----------
    n_bands : int
        Frequency bands (height) of the input.
    n_frames : int
        Time frames (width) of the input.
    n_classes : int
        Number of output logits.
    channels : sequence of int, default=(64, 64, 128, 128)
        Filters of each block (the paper's).
    pool_sizes : sequence of int, default=(2, 4, 4, 4)
        Frequency pooling of each block (the paper's square pools).
    time_pool_sizes : sequence of int or None, default=None
        Time pooling of each block; None pools time like frequency, as the
        paper does. Its pools reduce 251 frames to one LSTM step, so pass
        e.g. ``(2, 2, 2, 2)`` to keep a real sequence. Every pool is clamped
        to the remaining size, so no dimension shrinks below 1.
    hidden_size : int, default=128
        LSTM width; the paper does not state it (re-implementations use 32
        to 256).
    delta_order : {0, 1, 2}, default=0
        Time derivatives of the input given to the first block as extra
        channels beside it (0: the paper's single channel; 2: delta and
        delta-delta over 9 frames, as in 3-D CRNN models of SER).

    Examples
    --------
    >>> import torch
    >>> from sklearn_ser.models import CNNLSTM
    >>> model = CNNLSTM(n_bands=16, n_frames=20, n_classes=3, hidden_size=8)
    >>> model(torch.zeros(2, 16, 20)).shape
    torch.Size([2, 3])
    """

    def __init__(
        self,
        n_bands,
        n_frames,
        n_classes,
        channels=ZHAO_CHANNELS,
        pool_sizes=(2, 4, 4, 4),
        time_pool_sizes=None,
        hidden_size=128,
        delta_order=0,
    ):
        super().__init__()
        check_positive(n_bands=n_bands, n_frames=n_frames, n_classes=n_classes)
        self.channels_in = TimeDeltas(delta_order)
        time_pool_sizes = pool_sizes if time_pool_sizes is None else time_pool_sizes
        if len(time_pool_sizes) != len(pool_sizes):
            raise ValueError(
                f"time_pool_sizes has {len(time_pool_sizes)} entries but "
                f"pool_sizes has {len(pool_sizes)}; give one per block"
            )
        self.blocks, (bands, _) = conv_pool_stack(
            (n_bands, n_frames),
            in_channels=1 + delta_order,
            channels=channels,
            pools=list(zip(pool_sizes, time_pool_sizes)),
            activation=nn.ELU,
        )
        self.head = _LSTMHead(channels[-1] * bands, hidden_size, n_classes)

    def forward(self, X):
        """Logits of shape (batch, n_classes) for X of shape (batch, n_bands, n_frames)."""
        maps = self.blocks(self.channels_in(X))  # (batch, channels, bands, frames)
        sequence = maps.flatten(1, 2).transpose(1, 2)  # (batch, frames, features)
        return self.head(sequence)


class CNNLSTM1D(nn.Module):
    """1-D CNN-LSTM of Zhao et al. (2019) over the raw waveform.

    Four blocks (conv kernel 3 -> BatchNorm -> ELU -> max-pool), an LSTM over
    the remaining time steps (features = channels), and a linear layer that
    returns logits.

    Parameters
    ----------
    n_samples : int
        Samples per waveform.
    n_classes : int
        Number of output logits.
    channels : sequence of int, default=(64, 64, 128, 128)
        Filters of each block.
    pool_sizes : sequence of int, default=(4, 4, 4, 4)
        Pooling of each block, clamped to the remaining length.
    hidden_size : int, default=128
        LSTM width (not stated in the paper).

    Examples
    --------
    >>> import torch
    >>> from sklearn_ser.models import CNNLSTM1D
    >>> model = CNNLSTM1D(n_samples=400, n_classes=4, channels=(4, 4, 8, 8))
    >>> model(torch.zeros(2, 400)).shape
    torch.Size([2, 4])
    """

    def __init__(
        self,
        n_samples,
        n_classes,
        channels=ZHAO_CHANNELS,
        pool_sizes=(4, 4, 4, 4),
        hidden_size=128,
    ):
        super().__init__()
        check_positive(n_samples=n_samples, n_classes=n_classes)
        self.blocks, _ = conv_pool_stack(
            (n_samples,),
            in_channels=1,
            channels=channels,
            pools=pool_sizes,
            activation=nn.ELU,
        )
        self.head = _LSTMHead(channels[-1], hidden_size, n_classes)

    def forward(self, X):
        """Logits of shape (batch, n_classes) for X of shape (batch, n_samples)."""
        maps = self.blocks(X.unsqueeze(1))  # (batch, channels, steps)
        return self.head(maps.transpose(1, 2))
