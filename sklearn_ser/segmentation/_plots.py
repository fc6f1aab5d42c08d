"""Emotion over time, drawn; matplotlib is imported only when it is drawn."""

import numpy as np
from sklearn.utils._param_validation import StrOptions, validate_params

from ..evaluation._plots import _new_axes, _require_matplotlib

_META_COLUMNS = ("file", "start", "end", "label")


@validate_params(
    {
        "segments": "no_validation",  # a DataFrame, read by column names
        "kind": [StrOptions({"label", "probabilities"})],
        "ax": "no_validation",  # any matplotlib Axes
        "title": [str, None],
    },
    prefer_skip_nested_validation=True,
)
def plot_emotion_timeline(segments, *, kind="label", ax=None, title=None):
    """Plot emotion over time: the table of :func:`predict_segments`.

    Parameters
    ----------
    segments : pandas.DataFrame
        ``start``, ``end`` and ``label`` columns and one column of
        probabilities per class, as :func:`predict_segments` returns them.
    kind : {"label", "probabilities"}, default="label"
        ``"label"``: each segment as a span coloured by its predicted class
        (a later, overlapping segment is drawn over an earlier one).
        ``"probabilities"``: the probability of each class at the middle of
        each segment, one line per class, broken where the segments are
        apart (no speech).
    ax : matplotlib Axes, default=None
        Axes to draw on; a new, wide figure is made when None.
    title : str, default=None
        Axes title.

    Returns
    -------
    ax : matplotlib Axes
        Time in seconds on the x axis; a legend names the class of each
        colour, the same colour in both kinds.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from sklearn_ser.segmentation import plot_emotion_timeline
    >>> segments = pd.DataFrame({"start": [0.5, 3.0], "end": [2.0, 4.5],
    ...                          "label": ["sad", "angry"], "angry": [0.2, 0.7],
    ...                          "sad": [0.8, 0.3]})
    >>> ax = plot_emotion_timeline(segments)
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['angry', 'sad']
    """
    _require_matplotlib()
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    classes = [column for column in segments.columns if column not in _META_COLUMNS]
    colors = dict(zip(classes, plt.get_cmap("tab10").colors))
    if ax is None:
        ax = _new_axes(figsize=(10, 3))
    starts, ends = segments["start"].to_numpy(), segments["end"].to_numpy()
    if kind == "label":
        for start, end, label in zip(starts, ends, segments["label"]):
            ax.axvspan(start, end, color=colors[str(label)], alpha=0.8, linewidth=0)
        ax.set_yticks([])
        handles = [Patch(color=colors[name], label=name) for name in classes]
    else:
        # A NaN between segments that do not touch breaks the lines there.
        apart = np.flatnonzero(starts[1:] > ends[:-1]) + 1
        middles = np.insert((starts + ends) / 2, apart, np.nan)
        for name in classes:
            probability = np.insert(segments[name].to_numpy(dtype=float), apart, np.nan)
            ax.plot(middles, probability, marker=".", color=colors[name], label=name)
        ax.set_ylim(0, 1)
        ax.set_ylabel("probability")
        handles = ax.get_lines()
    ax.set_xlim(0, max(ends, default=1.0))
    ax.set_xlabel("time (s)")
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    if title:
        ax.set_title(title)
    return ax
