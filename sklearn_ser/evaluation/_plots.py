"""Plots of evaluation results; matplotlib is imported only when they are drawn."""

import importlib

from sklearn.utils._param_validation import validate_params

from ._history import epoch_history


def _require_matplotlib():
    try:
        return importlib.import_module("matplotlib")
    except ImportError as exc:
        raise ImportError(
            "plotting needs matplotlib, which is not installed; install the "
            "'plot' extra: pip install 'sklearn_ser[plot]'"
        ) from exc


def _new_axes(figsize=None):
    _require_matplotlib()
    import matplotlib.pyplot as plt

    # Constrained layout keeps the axis labels inside the figure.
    return plt.subplots(figsize=figsize, layout="constrained")[1]


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "labels": ["array-like", None],
        "ax": "no_validation",  # any matplotlib Axes
        "cmap": "no_validation",  # a name or a Colormap, as matplotlib takes
        "title": [str, None],
    },
    prefer_skip_nested_validation=True,
)
def plot_confusion_matrix(y_true, y_pred, *, labels=None, ax=None, cmap="Blues", title=None):
    """Plot a confusion matrix normalised per true class.

    Each row is divided by the number of samples of its true class, so the
    diagonal reads as per-class recall and the mean of the diagonal is the
    UAR.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like, default=None
        Class order along both axes; by default the sorted labels present.
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure is made when None.
    cmap : str, default="Blues"
        Colormap name.
    title : str, default=None
        Axes title; by default "Confusion matrix (recall per true class)".

    Returns
    -------
    ax : matplotlib Axes
        The axes holding the matrix, with the class names as tick labels.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_ser.evaluation import plot_confusion_matrix
    >>> ax = plot_confusion_matrix(["sad", "sad", "angry"], ["sad", "angry", "angry"])
    >>> [tick.get_text() for tick in ax.get_yticklabels()]
    ['angry', 'sad']
    """
    _require_matplotlib()
    from sklearn.metrics import ConfusionMatrixDisplay

    if ax is None:
        ax = _new_axes()
    display = ConfusionMatrixDisplay.from_predictions(
        y_true,
        y_pred,
        labels=labels,
        normalize="true",
        ax=ax,
        cmap=cmap,
        values_format=".2f",
        colorbar=False,
        xticks_rotation=45,
    )
    display.ax_.set_title(title or "Confusion matrix (recall per true class)")
    return display.ax_


@validate_params(
    {
        "history_or_estimator": "no_validation",  # read by duck typing
        "ax": "no_validation",
        "title": [str, None],
    },
    prefer_skip_nested_validation=True,
)
def plot_training_curves(history_or_estimator, *, ax=None, title=None):
    """Plot training and validation loss per epoch, the validation UAR (or
    accuracy), and the epoch whose weights were kept.

    Parameters
    ----------
    history_or_estimator : skorch History, list of dict or estimator
        A skorch ``History``, a list of per-epoch dicts, or a fitted
        estimator holding one (a skorch net, or a Pipeline ending in one).
    ax : matplotlib Axes, default=None
        Axes for the losses; the validation UAR (``valid_uar``) or else
        accuracy (``valid_acc``), when recorded, goes on a twin axis on the
        right. A dotted vertical line marks ``kept_epoch`` when the history
        records it. A new figure is made when None.
    title : str, default=None
        Axes title.

    Returns
    -------
    ax : matplotlib Axes
        The axes holding the loss curves.

    Raises
    ------
    ValueError
        If the estimator has no training history or it records no loss.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_ser.evaluation import plot_training_curves
    >>> history = [{"epoch": e, "train_loss": 1 / e, "valid_loss": 1.2 / e,
    ...             "valid_uar": 0.2 * e} for e in (1, 2, 3)]
    >>> history[-1]["kept_epoch"] = 3
    >>> ax = plot_training_curves(history)
    >>> [line.get_label() for line in ax.get_lines()]
    ['train loss', 'valid loss', 'kept: epoch 3']
    """
    epochs = epoch_history(history_or_estimator)
    if not epochs:
        raise ValueError(
            "no training history to plot: expected a skorch History or a fitted "
            "neural estimator (a scikit-learn model has no per-epoch history)"
        )
    if ax is None:
        ax = _new_axes()
    numbers = [epoch.get("epoch", i + 1) for i, epoch in enumerate(epochs)]
    curves = [("train_loss", "train loss"), ("valid_loss", "valid loss")]
    plotted = []
    for key, label in curves:
        if any(key in epoch for epoch in epochs):
            values = [epoch.get(key, float("nan")) for epoch in epochs]
            plotted += ax.plot(numbers, values, marker=".", label=label)
    if not plotted:
        raise ValueError("the training history records no train_loss or valid_loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    kept = epochs[-1].get("kept_epoch")
    if kept is not None:
        plotted.append(ax.axvline(kept, color="grey", linestyle=":", label=f"kept: epoch {kept}"))
    score = next(
        (key for key in ("valid_uar", "valid_acc") if any(key in epoch for epoch in epochs)), None
    )
    if score is not None:
        name = {"valid_uar": "UAR", "valid_acc": "accuracy"}[score]
        score_ax = ax.twinx()
        plotted += score_ax.plot(
            numbers,
            [epoch.get(score, float("nan")) for epoch in epochs],
            color="tab:green",
            linestyle="--",
            marker=".",
            label=f"valid {name}",
        )
        score_ax.set_ylabel(name)
        score_ax.set_ylim(0, 1)
    ax.legend(handles=plotted, loc="best")
    if title:
        ax.set_title(title)
    return ax
