import sys

import matplotlib
import numpy as np
import pytest

from sklearn_ser.evaluation import (
    epoch_history,
    plot_confusion_matrix,
    plot_training_curves,
    speaker_independent_report,
)

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HISTORY = [
    {
        "epoch": e,
        "train_loss": 2.0 / e,
        "valid_loss": 2.5 / e,
        "valid_acc": 0.2 * e,
        "valid_loss_best": np.bool_(True),
        "batches": [{"train_loss": 1.0}],
    }
    for e in (1, 2, 3)
]


def test_confusion_matrix_is_normalised_per_true_class(tmp_path):
    y_true = ["sad", "sad", "sad", "sad", "angry"]
    y_pred = ["sad", "sad", "sad", "angry", "angry"]
    ax = plot_confusion_matrix(y_true, y_pred, labels=["sad", "angry"])
    cell_texts = [text.get_text() for text in ax.texts]
    assert cell_texts == ["0.75", "0.25", "0.00", "1.00"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["sad", "angry"]
    ax.figure.savefig(tmp_path / "cm.png")
    assert (tmp_path / "cm.png").read_bytes()[:4] == b"\x89PNG"
    plt.close(ax.figure)


def test_report_plots_on_given_axes():
    report = speaker_independent_report(["a", "b"], ["a", "a"], [1, 2], [[0], [1]])
    figure, ax = plt.subplots()
    assert report.plot_confusion_matrix(ax=ax) is ax
    plt.close(figure)


def test_training_curves_plot_losses_and_accuracy(tmp_path):
    ax = plot_training_curves(HISTORY, title="fold 0")
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), [2.5, 1.25, 2.5 / 3])
    (accuracy_ax,) = [a for a in ax.figure.axes if a is not ax]
    np.testing.assert_allclose(accuracy_ax.get_lines()[0].get_ydata(), [0.2, 0.4, 0.6])
    ax.figure.savefig(tmp_path / "curves.png")
    assert (tmp_path / "curves.png").stat().st_size > 0
    plt.close(ax.figure)


def test_training_curves_without_history_raise():
    from sklearn.linear_model import LogisticRegression

    with pytest.raises(ValueError, match="no training history to plot"):
        plot_training_curves(LogisticRegression())


def test_epoch_history_keeps_plain_scalars_and_reads_pipelines():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    class Net:
        history = HISTORY

        def fit(self, X, y):
            return self

    epochs = epoch_history(make_pipeline(StandardScaler(), Net()))
    assert epochs[0] == {
        "epoch": 1,
        "train_loss": 2.0,
        "valid_loss": 2.5,
        "valid_acc": 0.2,
        "valid_loss_best": True,
    }
    assert type(epochs[0]["valid_loss_best"]) is bool


def test_missing_matplotlib_names_the_plot_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import now fails
    with pytest.raises(ImportError, match=r"sklearn_ser\[plot\]"):
        plot_confusion_matrix(["a"], ["a"])
