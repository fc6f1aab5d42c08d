"""Plain PyTorch modules of the seed models; each returns logits.

Every module sizes itself from the input size given to its constructor, so
any input works, down to a single band and a handful of frames.
"""

from ._cnn_lstm import CNNLSTM, CNNLSTM1D
from ._transformer_cnn import TransformerCNN

__all__ = ["CNNLSTM", "CNNLSTM1D", "TransformerCNN"]
