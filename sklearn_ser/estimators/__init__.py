"""scikit-learn classifiers around the neural models, built on skorch."""

from ._callbacks import EpochProgressBar
from ._classifiers import CNNLSTM1DClassifier, CNNLSTMClassifier, TransformerCNNClassifier

__all__ = [
    "CNNLSTM1DClassifier",
    "CNNLSTMClassifier",
    "EpochProgressBar",
    "TransformerCNNClassifier",
]
