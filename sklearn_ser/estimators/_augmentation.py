"""Train-time augmentation of a batch: SpecAugment-style masks and white noise.

Draws come from torch's global generator; the estimator forks and seeds it
around training, so the draws follow ``random_state``.
"""

import torch


def _band_masks(batch_size, length, n_masks, max_width):
    """Boolean (batch, length) masks: ``n_masks`` stripes per example, each of
    a width drawn from 0..max_width at a uniform start."""
    positions = torch.arange(length)
    masked = torch.zeros(batch_size, length, dtype=torch.bool)
    for _ in range(n_masks):
        width = torch.randint(0, min(max_width, length) + 1, (batch_size, 1))
        start = (torch.rand(batch_size, 1) * (length - width + 1)).floor()
        masked |= (positions >= start) & (positions < start + width)
    return masked


class BatchAugmenter:
    """Augment a training batch in place of the original.

    Parameters
    ----------
    time_masks, time_mask_width : int
        Number of time stripes per example and their maximum width (frames,
        or samples for waveforms). Masked values are set to the example's mean.
    freq_masks, freq_mask_width : int
        The same along frequency bands (spectrograms only).
    noise_snr_db : tuple of (float, float) or None
        Range of the signal-to-noise ratio (dB) of additive white Gaussian
        noise, drawn uniformly per example. For waveforms the noise is added to
        the samples. For spectrograms, which are taken to be power in dB
        (``10 * log10``, as ``LogMelTransformer`` returns), white noise is
        approximated by its expected power: a constant equal to the example's
        mean power divided by the SNR is added in the power domain of every
        time-frequency bin. This is exact in expectation for mel filters of
        equal area (Slaney norm), ignores the noise's random fluctuation, and
        is wrong for MFCC input.
    waveform : bool
        Whether batches are waveforms (batch, n_samples) rather than
        spectrograms (batch, n_bands, n_frames).
    """

    def __init__(self, time_masks, time_mask_width, freq_masks, freq_mask_width,
                 noise_snr_db, waveform):
        self.time_masks = time_masks
        self.time_mask_width = time_mask_width
        self.freq_masks = freq_masks
        self.freq_mask_width = freq_mask_width
        self.noise_snr_db = noise_snr_db
        self.waveform = waveform

    @property
    def is_identity(self):
        masks = self.time_masks * self.time_mask_width + self.freq_masks * self.freq_mask_width
        return masks == 0 and self.noise_snr_db is None

    def __call__(self, X):
        """Return an augmented copy of the float tensor X."""
        X = X.clone()
        batch_size = X.shape[0]
        if self.noise_snr_db is not None:
            X = self._add_noise(X)
        example_means = X.flatten(1).mean(dim=1)
        stripes = [(-1, self.time_masks, self.time_mask_width)]
        if not self.waveform:
            stripes.append((1, self.freq_masks, self.freq_mask_width))
        for axis, n_masks, max_width in stripes:
            if n_masks == 0 or max_width == 0:
                continue
            masked = _band_masks(batch_size, X.shape[axis], n_masks, max_width)
            masked = masked.unsqueeze(1) if axis == -1 and X.ndim == 3 else masked
            masked = masked.unsqueeze(-1) if axis == 1 else masked
            X = torch.where(masked, example_means.view(-1, *[1] * (X.ndim - 1)), X)
        return X

    def _add_noise(self, X):
        low, high = self.noise_snr_db
        snr_db = low + (high - low) * torch.rand(X.shape[0], dtype=X.dtype)
        snr = (10.0 ** (snr_db / 10.0)).view(-1, *[1] * (X.ndim - 1))
        reduce_dims = tuple(range(1, X.ndim))
        if self.waveform:
            signal_power = X.pow(2).mean(dim=reduce_dims, keepdim=True)
            return X + torch.randn_like(X) * torch.sqrt(signal_power / snr)
        power = 10.0 ** (X / 10.0)
        noise_power = power.mean(dim=reduce_dims, keepdim=True) / snr
        return 10.0 * torch.log10(power + noise_power)
