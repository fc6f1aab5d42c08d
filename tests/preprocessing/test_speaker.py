import warnings

import numpy as np
import pytest
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import make_pipeline

from sklearn_ser import SpeakerStandardScaler, UtteranceStandardScaler
from sklearn_ser.evaluation import evaluate_speaker_independent

RNG = np.random.default_rng(0)
SPEAKERS = np.repeat(["ann", "bob", "cyd"], 12)
# Each speaker has its own offset and scale, which per-speaker scaling removes.
OFFSETS = {"ann": 0.0, "bob": 50.0, "cyd": -20.0}
SCALES = {"ann": 1.0, "bob": 5.0, "cyd": 0.2}
X = np.array([OFFSETS[s] + SCALES[s] * RNG.normal(size=4) for s in SPEAKERS])


def test_each_speaker_is_standardised_with_its_own_clips():
    Xt = SpeakerStandardScaler().fit_transform(X, groups=SPEAKERS)
    for speaker in OFFSETS:
        rows = Xt[SPEAKERS == speaker]
        np.testing.assert_allclose(rows.mean(axis=0), 0, atol=1e-12)
        np.testing.assert_allclose(rows.std(axis=0), 1, rtol=1e-12)


def test_statistics_never_mix_speakers_and_never_see_labels():
    scaler = SpeakerStandardScaler()
    reference = scaler.fit_transform(X, groups=SPEAKERS)
    changed = X.copy()
    changed[SPEAKERS == "bob"] *= 100.0  # another speaker's clips change...
    other = SpeakerStandardScaler().fit_transform(changed, np.arange(len(X)), groups=SPEAKERS)
    ann = SPEAKERS == "ann"
    np.testing.assert_array_equal(other[ann], reference[ann])  # ...ann's output does not


def test_unseen_speaker_uses_own_statistics_and_small_groups_fall_back():
    scaler = SpeakerStandardScaler(min_clips=3).fit(X, groups=SPEAKERS)
    new = 7.0 + 3.0 * RNG.normal(size=(5, 4))
    out = scaler.transform(new, groups=["dan"] * 5)
    np.testing.assert_allclose(out, (new - new.mean(0)) / new.std(0))
    # Two clips of a speaker seen in fit: that speaker's training statistics.
    bob = X[SPEAKERS == "bob"]
    out = scaler.transform(bob[:2], groups=["bob", "bob"])
    np.testing.assert_allclose(out, (bob[:2] - bob.mean(0)) / bob.std(0))
    # Two clips of an unseen speaker: the statistics of all training clips.
    out = scaler.transform(new[:2], groups=["eve", "eve"])
    np.testing.assert_allclose(out, (new[:2] - X.mean(0)) / X.std(0))


def test_spectrograms_per_band_over_real_frames_only():
    spectrograms = RNG.normal(size=(4, 3, 6)) + np.array([[0.0], [10.0], [-5.0]])
    spectrograms[0, :, 4:] = np.nan  # padding
    groups = ["a", "a", "b", "b"]
    out = SpeakerStandardScaler(min_clips=2).fit_transform(spectrograms, groups=groups)
    assert np.isnan(out[0, :, 4:]).all() and not np.isnan(out[1:]).any()
    frames = np.concatenate([spectrograms[0, :, :4], spectrograms[1]], axis=1)
    expected = (spectrograms[1] - frames.mean(1, keepdims=True)) / frames.std(1, keepdims=True)
    np.testing.assert_allclose(out[1], expected, rtol=1e-6)


def test_missing_groups_warn_and_treat_the_call_as_one_speaker():
    scaler = SpeakerStandardScaler()
    with pytest.warns(UserWarning, match="got no groups"):
        out = scaler.fit_transform(X)
    np.testing.assert_allclose(out, (X - X.mean(0)) / X.std(0))


def test_shape_and_length_errors():
    scaler = SpeakerStandardScaler().fit(X, groups=SPEAKERS)
    with pytest.raises(ValueError, match="4 features"):
        scaler.transform(X[:, :3], groups=SPEAKERS)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        scaler.transform(X, groups=SPEAKERS[:5])
    with pytest.raises(ValueError, match="2-D"):
        scaler.transform(X[:, :, None], groups=SPEAKERS)


class _GroupSpy(ClassifierMixin, BaseEstimator):
    """Predicts the sign of the first feature; records what it was fit on."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.X_fit_ = np.asarray(X)
        return self

    def predict(self, X):
        return np.where(np.asarray(X)[:, 0] > 0, self.classes_[-1], self.classes_[0])


def test_routing_reaches_the_scaler_inside_grid_search():
    y = np.where(RNG.normal(size=len(X)) > 0, "happy", "sad")
    pipeline = make_pipeline(SpeakerStandardScaler(), _GroupSpy())
    search = GridSearchCV(
        pipeline, {"speakerstandardscaler__with_std": [True]}, cv=GroupKFold(3), refit=True
    )
    with config_context(enable_metadata_routing=True), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the scorer's predict has no groups
        search.fit(X, y, groups=SPEAKERS)
    fitted = search.best_estimator_[-1].X_fit_
    np.testing.assert_allclose(fitted, SpeakerStandardScaler().fit_transform(X, groups=SPEAKERS))


def test_evaluation_passes_the_test_speakers_to_the_scaler():
    # Within each speaker "sad" is above its own mean; across speakers the
    # offsets dominate, so only per-speaker statistics separate the classes.
    y = np.tile(["happy", "sad"], len(X) // 2)
    offsets = np.array([OFFSETS[s] for s in SPEAKERS])
    scales = np.array([SCALES[s] for s in SPEAKERS])
    Xy = offsets + scales * (np.where(y == "sad", 1.0, -1.0) + 0.1 * RNG.normal(size=len(y)))
    Xy = Xy[:, None]
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # no "got no groups" anywhere
        report = evaluate_speaker_independent(
            make_pipeline(SpeakerStandardScaler(), _GroupSpy()),
            Xy,
            y,
            SPEAKERS,
            cv=3,
            progress=False,
        )
    assert report.uar_mean == 1.0


def test_soft_voting_ensemble_normalises_each_test_speaker():
    from sklearn.ensemble import VotingClassifier
    from sklearn.linear_model import LogisticRegression

    y = np.tile(["happy", "sad"], len(X) // 2)
    offsets = np.array([OFFSETS[s] for s in SPEAKERS])
    scales = np.array([SCALES[s] for s in SPEAKERS])
    Xy = offsets + scales * (np.where(y == "sad", 1.0, -1.0) + 0.1 * RNG.normal(size=len(y)))
    members = [
        (name, make_pipeline(SpeakerStandardScaler(), LogisticRegression(C=c)))
        for name, c in [("weak", 0.1), ("strong", 10.0)]
    ]
    ensemble = VotingClassifier(members, voting="soft")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        report = evaluate_speaker_independent(
            ensemble, Xy[:, None], y, SPEAKERS, cv=3, progress=False
        )
    assert report.uar_mean == 1.0
    np.testing.assert_allclose(np.concatenate(report.fold_proba).sum(axis=1), 1.0)


def test_copy_false_standardises_in_place_with_the_same_result():
    rng = np.random.default_rng(0)
    X = rng.normal(3.0, 2.0, size=(40, 5, 9)).astype(np.float32)
    X[:, :, 7:] = np.nan  # padding
    speakers = np.repeat(["a", "b", "c", "d"], 10)
    expected = SpeakerStandardScaler().fit(X, groups=speakers).transform(X, groups=speakers)
    in_place = X.copy()
    scaler = SpeakerStandardScaler(copy=False).fit(in_place, groups=speakers)
    result = scaler.transform(in_place, groups=speakers)
    assert result is in_place
    np.testing.assert_allclose(result, expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(np.nanmean(result[:10], axis=(0, 2)), 0, atol=1e-5)


def test_statistics_in_blocks_equal_those_of_the_whole(monkeypatch):
    from sklearn_ser.preprocessing import _speaker

    X = np.random.default_rng(1).normal(size=(30, 4, 6))
    X[3, :, 2:] = np.nan
    whole = _speaker._mean_and_scale(X)
    monkeypatch.setattr(_speaker, "_VALUES_PER_BLOCK", 24)  # one clip per block
    blocks = _speaker._mean_and_scale(X)
    np.testing.assert_allclose(blocks, whole)
    np.testing.assert_allclose(whole[0], np.nanmean(X, axis=(0, 2)))
    np.testing.assert_allclose(whole[1], np.nanstd(X, axis=(0, 2)))


# ------------------------------------------------------------ per utterance


def test_utterance_scaler_removes_a_clips_gain_and_channel():
    rng = np.random.RandomState(0)
    spectrograms = rng.normal(size=(3, 5, 40))
    # A log spectrum adds a gain and a frequency response to every frame.
    channel = rng.normal(scale=5, size=(1, 5, 1)) + 20
    scaler = UtteranceStandardScaler().fit(spectrograms)
    np.testing.assert_allclose(
        scaler.transform(spectrograms + channel), scaler.transform(spectrograms), atol=1e-10
    )
    out = scaler.transform(spectrograms)
    np.testing.assert_allclose(out.mean(axis=2), 0, atol=1e-10)
    np.testing.assert_allclose(out.std(axis=2), 1, atol=1e-10)


def test_utterance_scaler_leaves_padding_out_and_keeps_it():
    clip = np.array([[[1.0, 2.0, 3.0, np.nan, np.nan]]])
    out = UtteranceStandardScaler(with_std=False).fit_transform(clip)
    np.testing.assert_array_equal(out, [[[-1.0, 0.0, 1.0, np.nan, np.nan]]])
    # A band with no finite frame stays NaN, without a warning.
    silent = np.full((1, 1, 4), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(UtteranceStandardScaler().fit_transform(silent)).all()


def test_utterance_scaler_copies_unless_told_not_to():
    spectrograms = np.arange(12, dtype=np.float32).reshape(1, 3, 4)
    original = spectrograms.copy()
    UtteranceStandardScaler().fit_transform(spectrograms)
    np.testing.assert_array_equal(spectrograms, original)
    out = UtteranceStandardScaler(copy=False).fit_transform(spectrograms)
    assert out is spectrograms and out.dtype == np.float32


def test_utterance_scaler_reads_2d_input_as_one_band():
    table = np.array([[1.0, 3.0], [5.0, 5.0]])
    np.testing.assert_array_equal(UtteranceStandardScaler().fit_transform(table), [[-1, 1], [0, 0]])
    with pytest.raises(ValueError, match="Expected 3-D spectrograms"):
        UtteranceStandardScaler().fit(np.ones((4, 3, 2, 1)))
