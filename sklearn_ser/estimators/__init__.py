"""scikit-learn classifiers around the neural models, built on skorch."""

from ._callbacks import EpochProgressBar
from ._classifiers import (
    ZHAO_2019_TRAINING,
    CNNLSTM1DClassifier,
    CNNLSTMClassifier,
    TransformerCNNClassifier,
)

__all__ = [
    "CNNLSTM1DClassifier",
    "CNNLSTMClassifier",
    "EpochProgressBar",
    "TransformerCNNClassifier",
    "ZHAO_2019_TRAINING",
]
