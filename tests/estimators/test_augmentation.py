import numpy as np
import pytest
import torch

from sklearn_ser.estimators._augmentation import BatchAugmenter


def _augmenter(**overrides):
    params = dict(
        time_masks=0,
        time_mask_width=0,
        freq_masks=0,
        freq_mask_width=0,
        noise_snr_db=None,
        waveform=False,
    )
    return BatchAugmenter(**{**params, **overrides})


def test_identity_when_everything_is_off():
    assert _augmenter().is_identity
    assert not _augmenter(time_masks=1, time_mask_width=2).is_identity
    assert not _augmenter(noise_snr_db=(15, 29)).is_identity


@pytest.mark.parametrize("snr_db", [5.0, 20.0])
def test_waveform_noise_has_the_drawn_snr(snr_db):
    torch.manual_seed(0)
    X = torch.sin(torch.linspace(0, 400, 16000)).repeat(4, 1)
    noisy = _augmenter(noise_snr_db=(snr_db, snr_db), waveform=True)(X)
    measured = 10 * torch.log10(X.pow(2).mean(1) / (noisy - X).pow(2).mean(1))
    np.testing.assert_allclose(measured.numpy(), snr_db, atol=0.2)


def test_waveform_snr_drawn_per_example_within_range():
    torch.manual_seed(0)
    X = torch.randn(64, 4000)
    noisy = _augmenter(noise_snr_db=(15.0, 29.0), waveform=True)(X)
    measured = (10 * torch.log10(X.pow(2).mean(1) / (noisy - X).pow(2).mean(1))).numpy()
    assert measured.min() > 14.5 and measured.max() < 29.5
    assert measured.std() > 2  # not one SNR for the whole batch


def test_spectrogram_noise_adds_expected_white_noise_power():
    X = torch.tensor([[[-10.0, -30.0], [-50.0, -10.0]]])  # power in dB
    noisy = _augmenter(noise_snr_db=(10.0, 10.0))(X)
    power = 10 ** (X / 10)
    expected = 10 * torch.log10(power + power.mean() / 10)
    torch.testing.assert_close(noisy, expected)
    assert (noisy > X).all()


def test_masks_set_whole_stripes_to_the_example_mean():
    torch.manual_seed(0)
    X = torch.randn(8, 12, 30)
    out = _augmenter(time_masks=2, time_mask_width=5, freq_masks=1, freq_mask_width=3)(X)
    means = X.flatten(1).mean(1)
    for example, original, mean in zip(out, X, means):
        changed = example != original
        masked_frames = changed.all(dim=0)
        masked_bands = changed.all(dim=1)
        # every changed value is the mean and lies in a fully masked stripe
        assert torch.allclose(example[changed], mean.expand(int(changed.sum())))
        assert (changed == (masked_frames[None, :] | masked_bands[:, None])).all()
        assert masked_frames.sum() <= 10 and masked_bands.sum() <= 3
    assert not torch.equal(out, X)


def test_waveform_time_masks_and_input_untouched():
    torch.manual_seed(1)
    X = torch.randn(4, 100) + 5
    before = X.clone()
    out = _augmenter(time_masks=1, time_mask_width=20, waveform=True)(X)
    assert torch.equal(X, before)
    assert ((out != X).sum(dim=1) <= 20).all() and (out != X).any()
