"""Log-mel computation for a chunk of clips: a per-clip librosa path and a batched torch path.

Both functions take clips of any length, place each clip's frames in an output
of ``n_frames`` frames (silence where padded, see :func:`placement`), convert
to dB like :func:`librosa.power_to_db` over the placed frames and optionally
take the MFCC (DCT-II, orthonormal) of the result.
"""

import warnings

import librosa
import numpy as np
import torch

from ._length import fit_length, placement

# librosa.power_to_db's floor on power, so that log10 stays finite.
AMIN = 1e-10


def n_stft_frames(n_samples, n_fft, hop_length):
    """Number of frames a centred STFT (librosa, ``center=True``) yields.

    Examples
    --------
    >>> from sklearn_ser.preprocessing._backends import n_stft_frames
    >>> n_stft_frames(16000, n_fft=2048, hop_length=512)
    32
    """
    padded = n_samples + 2 * (n_fft // 2)
    return 1 + (padded - n_fft) // hop_length


def log_mel_librosa(
    clips,
    *,
    sr,
    n_fft,
    hop_length,
    win_length,
    window,
    n_mels,
    fmin,
    fmax,
    power,
    ref,
    top_db,
    n_mfcc,
    n_frames,
    align,
):
    """Log-mel (or MFCC) features of each clip with plain librosa calls.

    Parameters
    ----------
    clips : list of ndarray of shape (n_samples_i,)
        Mono waveforms, float; computed in float64.
    sr, n_fft, hop_length, win_length, window, n_mels, fmin, fmax, power
        As in :func:`librosa.feature.melspectrogram` (``center=True``, zero
        padding).
    ref : "max" or float
        ``"max"`` is ``ref=np.max`` of :func:`librosa.power_to_db`, taken over
        the placed frames of each clip.
    top_db : float or None
        As in :func:`librosa.power_to_db`.
    n_mfcc : int or None
        Number of MFCCs to keep, or None for the log-mel spectrogram.
    n_frames : int
        Frames per clip in the output.
    align : {"left", "center"}
        Where the kept frames go; see :func:`placement`.

    Returns
    -------
    features : ndarray of shape (n_clips, n_mfcc or n_mels, n_frames), dtype float32
    """
    features = np.empty((len(clips), n_mfcc or n_mels, n_frames), dtype=np.float32)
    for i, clip in enumerate(clips):
        with warnings.catch_warnings():
            # Clips shorter than n_fft are fine: centring zero-pads them.
            warnings.filterwarnings("ignore", message="n_fft=.* is too large")
            mel = librosa.feature.melspectrogram(
                # float64, as the torch backend: the power of a loud float32
                # clip (|x| above ~1e19) overflows float32.
                y=clip.astype(np.float64),
                sr=sr,
                n_fft=n_fft,
                hop_length=hop_length,
                win_length=win_length,
                window=window,
                center=True,
                pad_mode="constant",
                power=power,
                n_mels=n_mels,
                fmin=fmin,
                fmax=fmax,
            )
        log_mel = librosa.power_to_db(
            fit_length(mel, n_frames, align),
            ref=np.max if ref == "max" else ref,
            amin=AMIN,
            top_db=top_db,
        )
        if n_mfcc is not None:
            log_mel = librosa.feature.mfcc(S=log_mel, n_mfcc=n_mfcc)
        features[i] = log_mel
    return features


def log_mel_torch(
    clips,
    *,
    n_fft,
    hop_length,
    window,
    mel_basis,
    power,
    ref,
    top_db,
    dct_matrix,
    n_frames,
    align,
    device,
):
    """Log-mel (or MFCC) features of a chunk of clips in one batched torch pass.

    The clips are zero-padded at the end to the longest clip of the chunk,
    which leaves every real frame of a centred, zero-padded STFT unchanged;
    frames beyond a clip's own end are then discarded, so the result matches
    :func:`log_mel_librosa` clip by clip.

    Parameters
    ----------
    clips : list of ndarray of shape (n_samples_i,)
        Mono waveforms, float.
    n_fft, hop_length : int
        STFT size and hop, as in librosa (``center=True``, zero padding).
    window : torch.Tensor of shape (n_fft,)
        Analysis window, already centred in ``n_fft`` samples; its dtype is
        the compute dtype.
    mel_basis : torch.Tensor of shape (n_mels, 1 + n_fft // 2)
        Mel filter bank, e.g. from :func:`librosa.filters.mel`.
    power : float
        Exponent of the magnitude.
    ref : "max" or float
        As in :func:`log_mel_librosa`.
    top_db : float or None
        As in :func:`librosa.power_to_db`.
    dct_matrix : torch.Tensor of shape (n_mfcc, n_mels) or None
        Rows of the orthonormal DCT-II, or None for the log-mel spectrogram.
    n_frames : int
        Frames per clip in the output.
    align : {"left", "center"}
        Where the kept frames go; see :func:`placement`.
    device : torch.device
        Where to compute; ``window``, ``mel_basis`` and ``dct_matrix`` must
        be there already.

    Returns
    -------
    features : ndarray of shape (n_clips, n_mfcc or n_mels, n_frames), dtype float32
    """
    dtype = window.dtype
    lengths = [len(clip) for clip in clips]
    batch = torch.zeros((len(clips), max(lengths)), dtype=dtype)
    for row, clip in zip(batch, clips):
        row[: len(clip)] = torch.from_numpy(clip)
    spectrum = torch.stft(
        batch.to(device),
        n_fft=n_fft,
        hop_length=hop_length,
        window=window,
        center=True,
        pad_mode="constant",
        return_complex=True,
    )
    if power == 2.0:  # skips the square root of abs(); addcmul is the fastest form
        spectrum = torch.addcmul(spectrum.real.square(), spectrum.imag, spectrum.imag)
    else:
        spectrum = spectrum.abs().pow(power)
    mel = torch.matmul(mel_basis, spectrum)

    placed = torch.zeros((len(clips), mel_basis.shape[0], n_frames), dtype=dtype, device=device)
    for i, length in enumerate(lengths):
        source, destination = placement(n_stft_frames(length, n_fft, hop_length), n_frames, align)
        placed[i, :, destination] = mel[i, :, source]

    log_mel = 10.0 * torch.log10(placed.clamp(min=AMIN))
    if ref == "max":
        reference = placed.amax(dim=(1, 2), keepdim=True)
    else:
        reference = torch.tensor(ref, dtype=dtype, device=device)
    log_mel -= 10.0 * torch.log10(reference.clamp(min=AMIN))
    if top_db is not None:
        floor = log_mel.amax(dim=(1, 2), keepdim=True) - top_db
        log_mel = torch.maximum(log_mel, floor)
    if dct_matrix is not None:
        log_mel = torch.matmul(dct_matrix, log_mel)
    return log_mel.to(torch.float32).cpu().numpy()
