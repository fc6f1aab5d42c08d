"""Tests of fit_with_groups: the speakers reach the steps that request them."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sklearn_ser.preprocessing import SpeakerStandardScaler
from sklearn_ser.utils import fit_with_groups

X = np.array([[0.0], [2.0], [10.0], [12.0], [1.0], [11.0]])
y = np.array(["sad", "angry", "sad", "angry", "sad", "angry"])
SPEAKERS = np.array(["a", "a", "b", "b", "a", "b"])


def test_the_speakers_reach_a_step_that_requests_them():
    model = make_pipeline(SpeakerStandardScaler(min_clips=2), LogisticRegression())
    assert fit_with_groups(model, X, y, SPEAKERS) is model
    assert model[0].speakers_.tolist() == ["a", "b"]
    np.testing.assert_allclose(model[0].speaker_mean_.ravel(), [1.0, 11.0])


def test_a_model_that_requests_no_speakers_is_fit_without_them():
    model = fit_with_groups(LogisticRegression(), X, y, SPEAKERS)  # fit(groups=) would fail
    assert model.classes_.tolist() == ["angry", "sad"]


def test_without_speakers_every_clip_is_one_speaker():
    model = make_pipeline(SpeakerStandardScaler(min_clips=2), LogisticRegression())
    with pytest.warns(UserWarning, match="got no groups"):
        fit_with_groups(model, X, y)
    assert model[0].speakers_.size == 1  # all the clips
    np.testing.assert_allclose(model[0].speaker_mean_.ravel(), [X.mean()])
