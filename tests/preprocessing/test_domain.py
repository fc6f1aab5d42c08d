"""InputDomainCheck: quiet on the training domain, one warning on shifted input."""

import warnings

import numpy as np
import pytest
from scipy.signal import butter, sosfilt
from sklearn.base import clone

from sklearn_ser import load_model, save_model
from sklearn_ser.datasets import make_emotional_speech
from sklearn_ser.exceptions import DomainShiftWarning
from sklearn_ser.preprocessing import InputDomainCheck
from sklearn_ser.preprocessing._domain import DESCRIPTOR_NAMES

SR = 16000


@pytest.fixture(scope="module")
def split():
    """Training and held-out clips of the same speakers: even and odd utterances."""
    corpus = make_emotional_speech(random_state=0)
    even = corpus.metadata["utterance"] % 2 == 0
    train = [clip for clip, keep in zip(corpus.data, even) if keep]
    held_out = [clip for clip, keep in zip(corpus.data, even) if not keep]
    return train, held_out


@pytest.fixture(scope="module")
def check(split):
    return InputDomainCheck(sr=SR).fit(split[0])


def _telephone(clip):
    band = butter(8, [300, 3400], btype="bandpass", fs=SR, output="sos")
    return sosfilt(band, clip).astype(np.float32)


def _white_noise(clip, seed):
    return (np.random.default_rng(seed).standard_normal(len(clip)) * 0.03).astype(np.float32)


# What each shift does to the clips, and the descriptor that must name it.
SHIFTS = {
    "20 dB louder": (lambda clip, i: np.clip(clip * 10, -1, 1), "level", 1),
    "20 dB quieter": (lambda clip, i: clip / 10, "level", -1),
    "telephone band": (lambda clip, i: _telephone(clip), "high_band", -1),
    "white noise": (_white_noise, "flatness", 1),
}


def _warnings_of(check, X):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        returned = check.transform(X)
    assert returned is X
    return [w for w in caught if issubclass(w.category, DomainShiftWarning)]


def test_quiet_on_held_out_clips_of_the_training_domain(check, split):
    assert _warnings_of(check, split[1]) == []
    assert check.diagnose(split[1]) == []
    # Single clips warn only when far outside: rarely for in-domain ones.
    single = [bool(check.diagnose([clip])) for clip in split[1]]
    assert np.mean(single) <= 0.05


@pytest.mark.parametrize("name", SHIFTS)
def test_warns_once_naming_the_shift(check, split, name):
    shift, descriptor, direction = SHIFTS[name]
    shifted = [shift(clip, i) for i, clip in enumerate(split[1])]
    caught = _warnings_of(check, shifted)
    assert len(caught) == 1
    warning = caught[0].message
    assert warning.n_clips == len(shifted)
    found = {s["descriptor"]: s for s in warning.shifts}
    assert found[descriptor]["direction"] == direction
    assert found[descriptor]["hint"] in str(warning)
    assert "normalise the input per speaker or per recording" in str(warning)
    assert "retrain" in str(warning)
    assert warning.shifts == check.diagnose(shifted)


def test_one_noise_clip_warns(check, split):
    noise = [_white_noise(clip, i) for i, clip in enumerate(split[1][:3])]
    assert len(_warnings_of(check, noise[:1])) == 1
    assert (check.outlier_score(noise) > check.clip_threshold).all()


def test_a_few_far_clips_in_a_batch_warn_through_their_share(check, split):
    held_out = split[1]
    n_far = len(held_out) // 3
    mixed = [_white_noise(clip, i) for i, clip in enumerate(held_out[:n_far])] + held_out[n_far:]
    (shift,) = [s for s in check.diagnose(mixed) if s["descriptor"] == "flatness"]
    # The median is in range; a third of the clips far outside is enough.
    assert abs(shift["median_score"]) < check.batch_threshold
    assert shift["outlier_share"] == pytest.approx(n_far / len(mixed))
    assert clone(check).set_params(outlier_share=0.5).fit(split[0]).diagnose(mixed) == []


def test_one_clip_needs_more_than_a_batch(check, split):
    """Clips at the training 99th percentile of level: one alone is
    plausible, a batch of them is not."""
    target = np.percentile(check.clip_descriptors(split[0])[:, 0], 99)
    levels = check.clip_descriptors(split[1])[:, 0]
    louder = [clip * 10 ** ((target - level) / 20) for clip, level in zip(split[1], levels)]
    # Scaled clips with samples at full scale would also read as clipped.
    louder = [clip for clip in louder if np.abs(clip).max() < 0.99]
    assert len(louder) >= 10
    alone = [s["descriptor"] for clip in louder for s in check.diagnose([clip])]
    assert "level" not in alone
    assert [s["descriptor"] for s in check.diagnose(louder)] == ["level"]


def test_fit_transform_passes_through_without_checking(split):
    louder = [clip * 10 for clip in split[0]]
    with warnings.catch_warnings():
        warnings.simplefilter("error", DomainShiftWarning)
        assert InputDomainCheck().fit_transform(louder) is louder
    array = np.stack(split[0])
    check = InputDomainCheck().fit(array)
    assert check.transform(array) is array
    assert check.n_features_in_ == array.shape[1]


def test_scores_follow_the_training_distribution(check, split):
    descriptors = check.clip_descriptors(split[0])
    scores = check.clip_scores(split[0])
    assert descriptors.shape == scores.shape == (len(split[0]), len(DESCRIPTOR_NAMES))
    assert list(check.descriptor_names_) == list(DESCRIPTOR_NAMES)
    # The training median scores 0 (clipping is tied at its floor for most
    # clips, which score the middle of their ranks), and scores grow with
    # the distance.
    continuous = [name != "clipping" for name in DESCRIPTOR_NAMES]
    np.testing.assert_allclose(np.median(scores[:, continuous], axis=0), 0, atol=0.02)
    gains = [0.1, 0.3, 1.0, 3.0]
    clip = split[1][0] / np.abs(split[1][0]).max() * 0.3
    level_scores = check.clip_scores([clip * gain for gain in gains])[:, 0]
    assert np.all(np.diff(level_scores) > 0)
    np.testing.assert_allclose(
        check.outlier_score(split[1]), np.abs(check.clip_scores(split[1])).max(axis=1)
    )


def test_descriptors_of_silence_and_very_short_clips_are_finite(check):
    clips = [np.zeros(SR), np.full(SR, 0.5, np.float32), np.ones(3, np.float32), np.zeros(1)]
    assert np.isfinite(check.clip_descriptors(clips)).all()
    assert np.isfinite(check.outlier_score(clips)).all()


def test_constant_training_descriptor_scores_zero_when_equal():
    """No training clip is clipped: an unclipped clip scores 0 on clipping,
    a clipped one far outside."""
    rng = np.random.default_rng(0)
    clips = [rng.standard_normal(SR).astype(np.float32) * 0.01 for _ in range(20)]
    check = InputDomainCheck().fit(clips)
    clipping = list(DESCRIPTOR_NAMES).index("clipping")
    assert np.ptp(check.quantiles_[:, clipping]) == 0
    clipped = np.clip(clips[0] * 200, -1, 1)
    scores = check.clip_scores([clips[0], clipped])[:, clipping]
    assert scores[0] == pytest.approx(0, abs=1e-12) and scores[1] > 10


def test_survives_save_model(tmp_path, check, split):
    path = tmp_path / "check.pt"
    save_model(check, path)
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.quantiles_, check.quantiles_)
    np.testing.assert_array_equal(loaded.descriptor_names_, check.descriptor_names_)
    quieter = [clip / 10 for clip in split[1]]
    assert loaded.diagnose(quieter) == check.diagnose(quieter) != []


def test_only_the_chosen_descriptors_warn_and_score(check, split):
    quieter = [clip / 10 for clip in split[1]]
    without_level = clone(check).set_params(descriptors=["snr", "clipping"]).fit(split[0])
    assert without_level.diagnose(quieter) == []
    scores = np.abs(check.clip_scores(quieter))
    np.testing.assert_allclose(without_level.outlier_score(quieter), scores[:, [1, 5]].max(axis=1))
    with pytest.raises(ValueError, match=r"descriptors must be a non-empty list of \['level'"):
        InputDomainCheck(descriptors=["loudness"]).fit(split[0])
