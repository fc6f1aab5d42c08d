"""A model's probabilities under merged and selected labels."""

import numpy as np
from sklearn.utils._param_validation import validate_params

from ..datasets._labels import edit_labels


@validate_params(
    {
        "probabilities": ["array-like"],
        "classes": ["array-like"],
        "merge": [dict, None],
        "keep": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def merge_probabilities(probabilities, classes, *, merge=None, keep=None):
    """Merge a model's classes into others and restrict it to some classes.

    The probabilities of classes merged into one are summed; then only the
    kept classes remain, renormalised to sum to one per clip. This is what
    :func:`~sklearn_ser.datasets.relabel` does to a corpus, applied to a
    trained model's output: a model trained on RAVDESS's eight emotions
    answers over the five of another corpus.

    Parameters
    ----------
    probabilities : array-like of shape (n_clips, n_classes)
        ``predict_proba`` of the model.
    classes : array-like of shape (n_classes,)
        The model's ``classes_``, in the column order.
    merge : dict of str to str, default=None
        Class -> the class it becomes, e.g. ``{"calm": "neutral"}``. A name
        the model lacks but that is in the shared vocabulary
        (:data:`~sklearn_ser.datasets.EMOTIONS`) changes nothing.
    keep : array-like of str, default=None
        Classes to keep after merging; each must be a class of the model
        (after merging). ``None`` keeps all.

    Returns
    -------
    probabilities : ndarray of shape (n_clips, n_kept)
        Rows sum to one. A clip whose kept classes all had probability 0
        gets the uniform distribution over them.
    classes : ndarray of shape (n_kept,), dtype str
        Sorted kept classes, in the column order.

    Raises
    ------
    ValueError
        Naming the classes, when ``merge`` or ``keep`` names an unknown
        class, or when the shapes disagree.

    Examples
    --------
    >>> from sklearn_ser.evaluation import merge_probabilities
    >>> proba, classes = merge_probabilities(
    ...     [[0.1, 0.2, 0.3, 0.4]], ["angry", "calm", "neutral", "sad"],
    ...     merge={"calm": "neutral"}, keep=["neutral", "angry"])
    >>> proba.round(3), classes
    (array([[0.167, 0.833]]), array(['angry', 'neutral'], dtype='<U7'))
    """
    probabilities = np.asarray(probabilities, dtype=float)
    classes = np.asarray(classes, dtype=str)
    if probabilities.ndim != 2 or probabilities.shape[1] != len(classes):
        raise ValueError(
            f"probabilities of shape {probabilities.shape} do not match "
            f"{len(classes)} classes {list(classes)}"
        )
    mapping, kept = edit_labels(classes, merge, keep, strict_keep=True, what="the model")
    merged_classes = np.asarray([mapping[c] for c in classes])
    columns = np.stack(
        [probabilities[:, merged_classes == label].sum(axis=1) for label in kept], axis=1
    )
    totals = columns.sum(axis=1, keepdims=True)
    uniform = np.full_like(columns, 1 / len(kept))
    merged = np.divide(columns, totals, out=uniform, where=totals > 0)
    return merged, np.asarray(kept, dtype=str)
