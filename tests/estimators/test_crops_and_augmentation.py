"""Crop training, window averaging, NaN padding, and the train-only
augmentations that imitate speaker variation."""

import numpy as np
import pytest
import torch

from sklearn_ser import CNNLSTM1DClassifier, CNNLSTMClassifier, TransformerCNNClassifier
from sklearn_ser.estimators._augmentation import BatchAugmenter
from sklearn_ser.estimators._net import ClipWindows, LabelledClips, mixup, window_offsets

RNG = np.random.default_rng(0)


def _padded_spectrograms(n=24, bands=6, frames=40):
    """Clips of 5 to 40 real frames, left-aligned, NaN after their end."""
    X = RNG.normal(size=(n, bands, frames)).astype(np.float32)
    lengths = RNG.integers(5, frames + 1, size=n)
    for example, length in zip(X, lengths):
        example[:, length:] = np.nan
    y = np.repeat(["angry", "calm"], n // 2)
    X[y == "angry"] += 1.0
    return X, y, lengths


def test_random_crops_lie_inside_the_real_signal():
    # Real values are positive, padding zero: a window holding only
    # zeros beyond a clip's end would show up as a sum of zero.
    X = np.zeros((3, 2, 50), dtype=np.float32)
    spans = np.array([[0, 50], [10, 30], [20, 24]])
    for example, (start, stop) in zip(X, spans):
        example[:, start:stop] = 1.0
    clips = LabelledClips(X, np.zeros(3), spans=spans, crop_length=8, crop_hop=4)
    torch.manual_seed(0)
    for _ in range(200):
        for index, (start, stop) in enumerate(spans):
            window, _ = clips[index]
            assert window.shape == (2, 8)
            # Full windows where the clip is long enough, else the whole clip.
            assert window.sum() == 2 * min(8, stop - start)


def test_windows_cover_every_real_step_and_average_per_clip():
    for start, stop, length, hop in [(0, 100, 16, 8), (3, 40, 10, 7), (5, 9, 10, 5)]:
        offsets = window_offsets(start, stop, length, hop)
        covered = np.zeros(stop, dtype=bool)
        for offset in offsets:
            covered[offset : offset + length] = True
        assert covered[start:stop].all() and offsets.min() == start
        assert max(offsets.max(), start) == max(stop - length, start)
    windows = ClipWindows(np.zeros((2, 1, 30)), [[0, 30], [0, 10]], length=10, hop=5)
    values = np.arange(len(windows), dtype=float)[:, None]
    means = windows.average(values)
    assert means.shape == (2, 1)
    np.testing.assert_allclose(means[:, 0], [np.mean(values[:5]), values[5, 0]])


@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: CNNLSTMClassifier(
            module__channels=(4, 4, 4, 4),
            module__hidden_size=4,
            freq_warp=0.2,
            freq_masks=1,
            freq_mask_width=2,
            **kw,
        ),
        lambda **kw: TransformerCNNClassifier(
            module__cnn_channels=(2, 2, 2),
            module__n_layers=1,
            module__n_heads=1,
            freq_warp=0.2,
            **kw,
        ),
    ],
)
def test_crop_training_is_deterministic_and_augmentation_free_at_prediction(make):
    X, y, _ = _padded_spectrograms()
    params = dict(
        max_epochs=2,
        crop_length=12,
        time_stretch=0.2,
        mixup_alpha=0.4,
        time_masks=1,
        time_mask_width=3,
        noise_snr_db=(5, 10),
        random_state=0,
        device="cpu",
    )
    clf = make(**params).fit(X, y)
    assert clf.net_.module__n_frames == 12  # the network is sized for one window
    first = clf.predict_proba(X)
    np.testing.assert_array_equal(first, clf.predict_proba(X))  # nothing random at predict
    np.testing.assert_allclose(first.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(first, make(**params).fit(X, y).predict_proba(X))


def test_prediction_averages_the_windows_of_each_clip():
    X, y, lengths = _padded_spectrograms()
    clf = CNNLSTMClassifier(
        module__channels=(4, 4, 4, 4),
        module__hidden_size=4,
        max_epochs=1,
        crop_length=10,
        crop_hop=5,
        random_state=0,
        device="cpu",
    ).fit(X, y)
    proba = clf.predict_proba(X[:1])
    length = lengths[0]
    filled = np.nan_to_num(X[:1])
    by_window = [
        clf.net_.predict_proba(
            np.ascontiguousarray(
                np.pad(filled[:, :, o : o + 10], ((0, 0), (0, 0), (0, max(0, o + 10 - 40))))
            )
        )
        for o in window_offsets(0, length, 10, 5)
    ]
    np.testing.assert_allclose(proba[0], np.mean(by_window, axis=0)[0], rtol=1e-5)


def test_waveform_model_crops_samples():
    X = RNG.normal(size=(16, 400)).astype(np.float32)
    X[:8, 300:] = np.nan
    y = np.repeat([0, 1], 8)
    clf = CNNLSTM1DClassifier(
        module__channels=(4, 4, 4, 4),
        module__hidden_size=4,
        max_epochs=1,
        crop_length=128,
        time_stretch=0.1,
        random_state=0,
        device="cpu",
    ).fit(X, y)
    assert clf.net_.module__n_samples == 128
    assert clf.predict_proba(X).shape == (16, 2)


def test_nan_other_than_padding_is_refused():
    X, y, _ = _padded_spectrograms()
    clf = CNNLSTMClassifier(max_epochs=1, device="cpu")
    partial = X.copy()
    partial[0, 0, 2] = np.nan
    with pytest.raises(ValueError, match="some but not all bands of frame 2 of example 0"):
        clf.fit(partial, y)
    gap = X.copy()
    gap[1, :, 2] = np.nan
    with pytest.raises(ValueError, match="example 1 of X has NaN between real frames"):
        clf.fit(gap, y)
    empty = X.copy()
    empty[3] = np.nan
    with pytest.raises(ValueError, match="example 3 of X is NaN everywhere"):
        clf.fit(empty, y)
    infinite = np.nan_to_num(X)
    infinite[0, 0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        clf.fit(infinite, y)


def test_mixup_targets_are_convex_mixes_that_sum_to_one():
    torch.manual_seed(0)
    X = torch.randn(32, 3, 5)
    y = torch.randint(0, 4, (32,))
    mixed_X, targets = mixup(X, y, n_classes=4, alpha=0.4)
    torch.testing.assert_close(targets.sum(dim=1), torch.ones(32))
    assert (targets >= 0).all() and (targets.max(dim=1).values >= 0.5 - 1e-6).all()
    assert mixed_X.shape == X.shape and not torch.equal(mixed_X, X)


def test_warp_and_stretch_keep_shape_and_identity_at_zero():
    X = torch.randn(4, 8, 20)
    torch.manual_seed(0)
    warped = BatchAugmenter(freq_warp=0.2, time_stretch=0.2)(X)
    assert warped.shape == X.shape and not torch.allclose(warped, X)
    assert BatchAugmenter(freq_warp=0.0, time_stretch=0.0).is_identity
    # A band-only stretch leaves frame order intact: the lowest band stays put.
    band_only = BatchAugmenter(freq_warp=0.3)(X)
    torch.testing.assert_close(band_only[:, 0], X[:, 0])
