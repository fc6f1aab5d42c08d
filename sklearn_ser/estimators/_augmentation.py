"""Train-time augmentation of a batch: SpecAugment-style masks and white noise.

Draws come from torch's global generator; the estimator forks and seeds it
around training, so the draws follow ``random_state``.
"""

import torch
import torch.nn.functional as F


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
    freq_warp : float
        Maximum relative stretch of the band axis (spectrograms only): each
        example is stretched or squeezed by a factor drawn from
        [1 - freq_warp, 1 + freq_warp] about its lowest band, which imitates
        another vocal tract length (VTLP-like). 0 is off.
    time_stretch : float
        The same along time (frames, or samples for waveforms), about the
        first step: another speaking rate. 0 is off.
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

    def __init__(
        self,
        *,
        time_masks=0,
        time_mask_width=0,
        freq_masks=0,
        freq_mask_width=0,
        freq_warp=0.0,
        time_stretch=0.0,
        noise_snr_db=None,
        waveform=False,
    ):
        self.time_masks = time_masks
        self.time_mask_width = time_mask_width
        self.freq_masks = freq_masks
        self.freq_mask_width = freq_mask_width
        self.freq_warp = freq_warp
        self.time_stretch = time_stretch
        self.noise_snr_db = noise_snr_db
        self.waveform = waveform

    @property
    def is_identity(self):
        masks = self.time_masks * self.time_mask_width + self.freq_masks * self.freq_mask_width
        stretches = self.freq_warp + self.time_stretch
        return masks == 0 and stretches == 0 and self.noise_snr_db is None

    def __call__(self, X):
        """Return an augmented copy of the float tensor X."""
        X = X.clone()
        batch_size = X.shape[0]
        if self.freq_warp or self.time_stretch:
            X = self._stretch(X)
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

    def _stretch(self, X):
        """Resample each example on a grid stretched by its own random factors."""
        batch_size = X.shape[0]

        def factors(max_stretch):
            return 1.0 + max_stretch * (2.0 * torch.rand(batch_size, dtype=X.dtype) - 1.0)

        image = X.unsqueeze(1) if X.ndim == 3 else X.view(batch_size, 1, 1, -1)
        height, width = image.shape[-2:]

        def source(size, factor):
            # grid_sample reads [-1, 1]; source = output / factor, anchored at -1.
            positions = torch.linspace(-1.0, 1.0, size, dtype=X.dtype)
            return (positions + 1.0) / factor[:, None] - 1.0

        time = source(width, factors(self.time_stretch))
        bands = source(height, factors(0.0 if self.waveform else self.freq_warp))
        grid = torch.stack(torch.broadcast_tensors(time[:, None, :], bands[:, :, None]), dim=-1)
        stretched = F.grid_sample(
            image, grid, mode="bilinear", padding_mode="border", align_corners=True
        )
        return stretched.view_as(X)

    def _add_noise(self, X):
        low, high = self.noise_snr_db
        snr_db = low + (high - low) * torch.rand(X.shape[0], dtype=X.dtype)
        snr = (10.0 ** (snr_db / 10.0)).view(-1, *[1] * (X.ndim - 1))
        reduce_dims = tuple(range(1, X.ndim))
        # Both branches factor out each example's peak, so that loud examples
        # do not overflow and quiet ones (e.g. MFCCs far below 0 dB) do not
        # underflow to log10(0) = -inf.
        if self.waveform:
            peak = X.abs().amax(dim=reduce_dims, keepdim=True).clamp(min=1e-30)
            rms = peak * (X / peak).pow(2).mean(dim=reduce_dims, keepdim=True).sqrt()
            return X + torch.randn_like(X) * rms / torch.sqrt(snr)
        peak_db = X.amax(dim=reduce_dims, keepdim=True)
        power = 10.0 ** ((X - peak_db) / 10.0)
        noise_power = power.mean(dim=reduce_dims, keepdim=True) / snr
        return peak_db + 10.0 * torch.log10(power + noise_power)
