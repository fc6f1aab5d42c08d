import numpy as np

from sklearn_ser import CNNLSTMClassifier
from sklearn_ser.estimators import EpochProgressBar

from .test_base import NET


def test_epoch_bar_is_drawn_on_a_terminal_only(stderr_to):
    X = np.random.default_rng(0).normal(size=(8, 4, 6)).astype(np.float32)
    y = np.array(["calm", "sad"] * 4)
    terminal = stderr_to(terminal=True)
    CNNLSTMClassifier(**NET, callbacks=[EpochProgressBar()]).fit(X, y)
    assert "epochs:" in terminal.getvalue()
    log_file = stderr_to(terminal=False)
    CNNLSTMClassifier(**NET, callbacks=[EpochProgressBar()]).fit(X, y)
    assert log_file.getvalue() == ""
