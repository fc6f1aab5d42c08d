"""skorch callbacks that the package's users may want on a net."""

from skorch.callbacks import Callback
from tqdm.auto import tqdm


class EpochProgressBar(Callback):
    """A tqdm progress bar over the training epochs, with the last losses.

    skorch's own ``ProgressBar`` counts batches within an epoch; this one
    counts epochs, which is what a user waiting for ``fit`` wants to see.
    The bar exists only during ``fit``, so a fitted classifier pickles
    without it. It is drawn only when stderr is a terminal (or in a
    notebook): a log file gets no carriage returns or cursor moves.

    Parameters
    ----------
    description : str, default="epochs"
        Text in front of the bar.

    Examples
    --------
    >>> from sklearn_ser import CNNLSTMClassifier
    >>> from sklearn_ser.estimators import EpochProgressBar
    >>> clf = CNNLSTMClassifier(callbacks=[EpochProgressBar()])
    """

    def __init__(self, *, description="epochs"):
        self.description = description

    def on_train_begin(self, net, **kwargs):
        # disable=None: no bar when stderr is not a terminal (a log file, a
        # pipe), where its carriage returns and cursor moves would be noise.
        self.bar_ = tqdm(
            total=net.max_epochs, desc=self.description, unit="epoch", leave=False, disable=None
        )

    def on_epoch_end(self, net, **kwargs):
        last = net.history[-1]
        self.bar_.set_postfix(
            {key: f"{last[key]:.3f}" for key in ("train_loss", "valid_loss") if key in last}
        )
        self.bar_.update()

    def on_train_end(self, net, **kwargs):
        self.bar_.close()
        del self.bar_
