"""Plain PyTorch modules: the seed models, each returning logits, and a
pretrained speaker encoder's network.

Every module sizes itself from the input size given to its constructor, so
any input works, down to a single band and a handful of frames.
"""

from ._cnn_lstm import CNNLSTM, CNNLSTM1D
from ._transformer_cnn import TransformerCNN
from ._voice_encoder import VoiceEncoder

__all__ = ["CNNLSTM", "CNNLSTM1D", "TransformerCNN", "VoiceEncoder"]
