import matplotlib
import numpy as np
import pandas as pd
import pytest

from sklearn_ser.segmentation import plot_emotion_timeline

matplotlib.use("Agg")

SEGMENTS = pd.DataFrame(
    {
        "start": [0.5, 1.5, 6.0],
        "end": [2.5, 3.5, 7.0],
        "label": ["sad", "angry", "sad"],
        "angry": [0.1, 0.6, 0.3],
        "sad": [0.9, 0.4, 0.7],
    }
)


def test_spans_are_the_segments_coloured_by_label():
    ax = plot_emotion_timeline(SEGMENTS)
    spans = ax.patches
    assert len(spans) == 3
    colours = {label: np.round(span.get_facecolor(), 3).tobytes() for label, span in
               zip(SEGMENTS["label"], spans)}  # fmt: skip
    assert len(set(colours.values())) == 2  # one colour per class
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["angry", "sad"]
    assert ax.get_xlim() == (0, 7.0)


def test_probability_lines_break_between_segments_apart():
    ax = plot_emotion_timeline(SEGMENTS, kind="probabilities", title="call")
    assert [line.get_label() for line in ax.get_lines()] == ["angry", "sad"]
    x, y = ax.get_lines()[1].get_data()
    np.testing.assert_allclose(x, [1.5, 2.5, np.nan, 6.5])
    np.testing.assert_allclose(y, [0.9, 0.4, np.nan, 0.7])
    assert ax.get_title() == "call" and ax.get_ylim() == (0, 1)


def test_same_class_same_colour_in_both_kinds():
    spans = plot_emotion_timeline(SEGMENTS).patches
    lines = plot_emotion_timeline(SEGMENTS, kind="probabilities").get_lines()
    assert matplotlib.colors.same_color(spans[1].get_facecolor()[:3], lines[0].get_color())


def test_an_unknown_kind_is_named():
    with pytest.raises(ValueError, match="kind"):
        plot_emotion_timeline(SEGMENTS, kind="bars")
