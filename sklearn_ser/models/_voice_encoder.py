"""A speaker encoder: an LSTM that maps mel frames to a unit-length voice
embedding (the generalised end-to-end d-vector network of Wan et al., 2018)."""

import torch
from torch import nn


class VoiceEncoder(nn.Module):
    """Stacked LSTM over mel frames, then a ReLU projection of the last
    layer's final state, scaled to unit length.

    Sized by default like the encoder that the Resemblyzer package ships
    trained (40 mel bands, three 256-unit layers, 256-D embeddings), so that
    its state dict loads as is.

    Parameters
    ----------
    n_mels : int, default=40
        Mel bands per input frame.
    hidden_size : int, default=256
        Units of each LSTM layer.
    n_layers : int, default=3
        Stacked LSTM layers.
    embedding_size : int, default=256
        Length of the embedding.

    Examples
    --------
    >>> import torch
    >>> from sklearn_ser.models import VoiceEncoder
    >>> embeddings = VoiceEncoder()(torch.rand(2, 160, 40))
    >>> norms = torch.linalg.vector_norm(embeddings, dim=1)
    >>> tuple(embeddings.shape), [round(norm, 4) for norm in norms.tolist()]
    ((2, 256), [1.0, 1.0])
    """

    def __init__(self, n_mels=40, hidden_size=256, n_layers=3, embedding_size=256):
        super().__init__()
        self.lstm = nn.LSTM(n_mels, hidden_size, num_layers=n_layers, batch_first=True)
        self.linear = nn.Linear(hidden_size, embedding_size)

    def forward(self, frames):
        """Embed ``frames`` of shape (batch, time, n_mels); returns (batch, embedding_size)."""
        _, (hidden, _) = self.lstm(frames)
        embedding = torch.relu(self.linear(hidden[-1]))
        # The clamp keeps an all-zero projection (possible after the ReLU) finite.
        return embedding / torch.linalg.vector_norm(embedding, dim=1, keepdim=True).clamp_min(1e-8)
