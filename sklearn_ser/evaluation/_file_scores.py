"""Predictions of files scored against the labels known for some of them."""

import numpy as np
from sklearn.utils._param_validation import validate_params

from ..datasets._labels import edit_labels
from ._report import PredictionScores


def _count(count, noun, verbs):
    """E.g. "1 file has", "2 files have": ``verbs`` is (singular, plural)."""
    return f"1 {noun} {verbs[0]}" if count == 1 else f"{count} {noun}s {verbs[1]}"


@validate_params(
    {
        "predictions": "no_validation",  # a DataFrame, read by column names
        "y_true": ["array-like"],
        "merge": [dict, None],
        "keep": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def score_file_predictions(predictions, y_true, *, merge=None, keep=None):
    """Score predictions of files against the true labels known for them.

    What ``sklearn-ser predict --labels`` or ``--corpus`` prints. The true
    labels get the edit the model's classes got (``merge``, then ``keep``,
    as :func:`~sklearn_ser.datasets.relabel` makes it); then only the files
    whose label is known, kept and one the model predicts are scored, and
    the scores' ``notes`` say how many were left out, and why.

    Parameters
    ----------
    predictions : pandas.DataFrame
        One row per file, as
        :func:`~sklearn_ser.segmentation.predict_files` returns them: the
        predicted ``label`` and one probability column per class of the
        model, every column after ``label``.
    y_true : array-like of shape (n_files,)
        The true label of each row; None (or NaN) where it is not known.
    merge : dict of str to str, default=None
        True labels merged into others, e.g. ``{"calm": "neutral"}``.
    keep : array-like of str, default=None
        True labels kept, after ``merge``; None keeps all.

    Returns
    -------
    scores : PredictionScores
        The scores of the files scored, their ``labels`` the model's
        classes, and ``notes`` on the files left out.

    Raises
    ------
    ValueError
        When ``y_true`` and ``predictions`` differ in length, ``merge`` or
        ``keep`` names a label that is neither a true label nor in the
        shared vocabulary, or no file is left to score.

    See Also
    --------
    score_predictions : Score predicted labels against true ones.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_ser.evaluation import score_file_predictions
    >>> predictions = pd.DataFrame({"file": ["a.wav", "b.wav", "c.wav", "d.wav"],
    ...                             "label": ["sad", "angry", "sad", "sad"],
    ...                             "angry": [0.1, 0.9, 0.2, 0.3],
    ...                             "sad": [0.9, 0.1, 0.8, 0.7]})
    >>> scores = score_file_predictions(predictions, ["sad", "sad", None, "calm"])
    >>> print(str(scores).split("\\n\\n")[0])
    note: 1 file has no label: not scored
    note: files labelled with emotions the model does not predict are not scored: calm 1
    2 predictions: UAR 50.0 %, accuracy 50.0 %
    """
    import pandas as pd  # here, so that importing sklearn_ser does not import pandas

    columns = list(predictions.columns)
    classes = [str(name) for name in columns[columns.index("label") + 1 :]]
    y_true = np.asarray(y_true, dtype=object)
    if len(y_true) != len(predictions):
        raise ValueError(f"got {len(y_true)} true labels for {len(predictions)} predictions")
    notes = []
    labelled = np.flatnonzero(~pd.isna(y_true))
    if len(labelled) < len(y_true):
        notes.append(
            f"{_count(len(y_true) - len(labelled), 'file', ('has', 'have'))} no label: not scored"
        )
    true = y_true[labelled].astype(str)
    mapping, kept = edit_labels(true, merge, keep, strict_keep=False, what="the true labels")
    true = np.asarray([mapping[label] for label in true], dtype=object)
    inside = np.isin(true, kept)
    if not inside.all():
        outside = _count(np.sum(~inside), "labelled file", ("is", "are"))
        notes.append(f"{outside} outside the emotions kept: not scored")
    known = inside & np.isin(true, classes)
    if (inside & ~known).any():
        left_out = dict(zip(*np.unique(true[inside & ~known], return_counts=True)))
        notes.append(
            "files labelled with emotions the model does not predict are not scored: "
            + ", ".join(f"{label} {count}" for label, count in left_out.items())
        )
    if not known.any():
        raise ValueError("none of the labelled files has an emotion the model predicts")
    y_pred = predictions["label"].to_numpy()[labelled[known]]
    return PredictionScores(true[known], y_pred, classes, notes=notes)
