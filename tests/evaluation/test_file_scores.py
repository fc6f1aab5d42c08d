import numpy as np
import pandas as pd
import pytest

from sklearn_ser.evaluation import score_file_predictions, score_predictions

PREDICTIONS = pd.DataFrame(
    {
        "file": [f"{i}.wav" for i in range(6)],
        "label": ["sad", "angry", "sad", "neutral", "sad", "angry"],
        "angry": [0.1, 0.8, 0.2, 0.1, 0.3, 0.6],
        "neutral": [0.1, 0.1, 0.1, 0.8, 0.1, 0.1],
        "sad": [0.8, 0.1, 0.7, 0.1, 0.6, 0.3],
    }
)


def test_files_with_a_known_label_the_model_predicts_are_scored():
    y_true = ["sad", "sad", None, "calm", "angry", np.nan]
    scores = score_file_predictions(PREDICTIONS, y_true)
    expected = score_predictions(["sad", "sad", "angry"], ["sad", "angry", "sad"])
    assert (scores.n, scores.uar) == (3, expected.uar)
    assert list(scores.labels) == ["angry", "neutral", "sad"]
    assert scores.notes == [
        "2 files have no label: not scored",
        "files labelled with emotions the model does not predict are not scored: calm 1",
    ]
    assert str(scores).startswith("note: 2 files have no label: not scored\nnote: files")


def test_the_true_labels_get_the_edit_of_the_classes():
    y_true = ["sad", "calm", "happy", "neutral", "angry", "angry"]
    scores = score_file_predictions(
        PREDICTIONS, y_true, merge={"calm": "neutral"}, keep=["neutral", "sad", "angry"]
    )
    assert scores.n == 5 and scores.per_class_recall["neutral"] == 0.5
    assert scores.notes == ["1 labelled file is outside the emotions kept: not scored"]


@pytest.mark.parametrize(
    "y_true, options, message",
    [
        (["sad"] * 5, {}, "got 5 true labels for 6 predictions"),
        ([None] * 5 + ["calm"], {}, "none of the labelled files has an emotion the model"),
        (["sad"] * 6, {"keep": ["sadd"]}, r"unknown labels \['sadd'\]"),
    ],
)
def test_what_cannot_be_scored_is_refused(y_true, options, message):
    with pytest.raises(ValueError, match=message):
        score_file_predictions(PREDICTIONS, y_true, **options)
