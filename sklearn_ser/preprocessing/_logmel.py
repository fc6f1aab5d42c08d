"""Log-mel spectrograms (and MFCCs) of waveforms as a scikit-learn transformer."""

import warnings
from numbers import Integral, Real

import librosa
import numpy as np
import scipy.fft
import torch
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..utils import check_device
from ..utils._versions import VersionStampMixin
from ._backends import log_mel_librosa, log_mel_torch, n_stft_frames
from ._base import trim_silence, validate_waveforms
from ._length import placement

# The parameters that the fitted filter banks, window, frame count and
# scaling follow: changing one after fit needs a new fit.
_FITTED_PARAMETERS = (
    "sr",
    "n_fft",
    "win_length",
    "window",
    "n_mels",
    "fmin",
    "fmax",
    "n_mfcc",
    "n_frames",
    "normalize",
)


class LogMelTransformer(VersionStampMixin, TransformerMixin, BaseEstimator):
    """Log-mel spectrogram (or MFCCs) of each clip, on a fixed number of frames.

    Each clip is turned into librosa's mel spectrogram (centred STFT with zero
    padding, Slaney mel filter bank), its frames are padded or cropped to
    ``n_frames``, and the result is converted to dB as
    ``librosa.power_to_db(S, ref=np.max, top_db=80)`` does; with ``n_mfcc``
    the dB spectrogram is then reduced to MFCCs as in
    :func:`librosa.feature.mfcc`. The output is a 3-D array, one
    (band, frame) image per clip.

    Parameters
    ----------
    sr : float, default=16000
        Sampling rate of the clips, in Hz. Clips are not resampled.
    n_fft : int, default=2048
        FFT size, in samples.
    hop_length : int, default=512
        Samples between successive frames.
    win_length : int, default=None
        Window length, at most ``n_fft``; the window is centred in the FFT
        frame. None means ``n_fft``.
    window : str, tuple or callable, default="hann"
        Window specification, as in :func:`librosa.filters.get_window`.
    n_mels : int, default=128
        Number of mel bands.
    fmin : float, default=0.0
        Lowest frequency of the mel filter bank, in Hz.
    fmax : float, default=None
        Highest frequency of the mel filter bank, in Hz, at most ``sr / 2``.
        None means ``sr / 2``.
    power : float, default=2.0
        Exponent of the STFT magnitude (2 for power, 1 for magnitude). The dB
        conversion is ``10 * log10`` either way, as with
        ``librosa.power_to_db``.
    ref : "max" or float, default="max"
        0 dB reference. ``"max"`` is each clip's peak over its output frames
        (``ref=np.max``), so every clip peaks at 0 dB; a positive float is a
        fixed reference power, as ``ref=1.0`` in :func:`librosa.feature.mfcc`.
    top_db : float, default=80.0
        Floor, in dB below each clip's peak. None disables the floor.
    trim_db : float, default=None
        If set, each clip first loses its leading and trailing samples that
        are quieter than ``trim_db`` dB below its loudest frame, as
        ``librosa.effects.trim(clip, top_db=trim_db, frame_length=n_fft,
        hop_length=hop_length)`` cuts them from the clip scaled to a peak of
        1 (so that the cut does not depend on the gain). This keeps the
        frame count, the crops and the window averages of the classifiers on
        the speech rather than on the silence around it. None keeps clips
        whole.
    n_frames : int, default=None
        Frames per output clip. None uses the longest clip seen in ``fit``,
        which yields ``1 + n_samples // hop_length`` frames (even ``n_fft``).
        Shorter clips are padded with silent frames, longer clips cropped.
    align : {"left", "center"}, default="left"
        Where the kept frames go. ``"left"`` keeps the start of a long clip
        and pads a short one at the end; ``"center"`` keeps the middle and
        pads both sides (the odd frame goes to the end).
    padding : {"silence", "nan"}, default="silence"
        What padded frames hold. ``"silence"``: zero power, i.e. the dB floor
        (see Notes). ``"nan"``: NaN in every band, which marks them as
        padding for the next steps: :class:`SpeakerStandardScaler` leaves them
        out of its statistics, and the classifiers know each clip's real
        length (for ``crop_length``) and see zeros there.
    n_mfcc : int, default=None
        If set, return this many MFCCs (orthonormal DCT-II of the dB
        spectrogram along the mel axis) instead of ``n_mels`` bands.
    normalize : bool, default=False
        Standardise each band (or coefficient) with a mean and standard
        deviation learned in ``fit`` over the real, unpadded frames of the
        training clips. ``transform`` always uses those training statistics.
    backend : {"auto", "torch", "librosa"}, default="auto"
        ``"torch"`` computes a chunk of clips in one batched STFT (float64, to
        match librosa within 1e-3 dB); ``"librosa"`` calls librosa clip by
        clip. ``"auto"`` is ``"torch"``.
    device : str or torch.device, default="cpu"
        Where the torch backend computes, e.g. ``"cuda"``; ``"auto"`` is CUDA
        when it is available, else the CPU. The librosa backend
        only runs on the CPU.
    batch_size : int, default=8
        Clips per chunk. Clips are processed in chunks of similar length, so
        working memory grows with the chunk, not with the number of clips.

    Attributes
    ----------
    n_frames_ : int
        Frames per output clip.
    mel_basis_ : ndarray of shape (n_mels, 1 + n_fft // 2)
        Mel filter bank, from :func:`librosa.filters.mel`.
    backend_ : {"torch", "librosa"}
        The backend in use.
    mean_ : ndarray of shape (n_mels or n_mfcc,)
        Per-band mean of the training features. Only when ``normalize``.
    scale_ : ndarray of shape (n_mels or n_mfcc,)
        Per-band standard deviation of the training features (1 where it is
        0). Only when ``normalize``.
    n_features_in_ : int
        Samples per clip of the 2-D array seen in ``fit``. Only set when
        ``fit`` got a 2-D array; ``transform`` then rejects 2-D arrays of
        another width, as scikit-learn's conventions require. Pass clips of
        other lengths as a list; they are padded or cropped to ``n_frames_``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, only set when ``fit`` got a DataFrame with string
        column names.

    See Also
    --------
    FixedLengthWaveform : The same padding policy on raw waveforms.

    Notes
    -----
    Padding happens in the spectrogram domain: a clip's own frames are
    computed exactly as librosa computes them for that clip alone, and padded
    frames have zero power. Padding therefore never changes the dB value of a
    real frame, nor the ``"max"`` reference. A padded frame sits on the floor:
    ``top_db`` below the clip's peak, or, when ``top_db`` is None,
    ``10 * log10(1e-10 / ref)`` dB, usually far below any real frame; keep a
    ``top_db`` when clips are padded. Cropping drops frames of the whole
    clip's spectrogram (the frames at the cut still see the neighbouring
    samples), and ``ref="max"`` is then the peak of the kept frames.

    With ``n_mfcc``, ``ref=1.0`` reproduces :func:`librosa.feature.mfcc`;
    ``ref="max"`` only shifts the 0th coefficient.

    The output is 3-D, so there is no ``get_feature_names_out`` (and no
    ``set_output``); flatten the output first if a step needs a 2-D table.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser.preprocessing import LogMelTransformer
    >>> rng = np.random.default_rng(0)
    >>> clips = [rng.standard_normal(16000), rng.standard_normal(8000)]
    >>> log_mel = LogMelTransformer(n_mels=64).fit(clips)
    >>> log_mel.n_frames_
    32
    >>> features = log_mel.transform(clips)
    >>> features.shape, features.dtype
    ((2, 64, 32), dtype('float32'))
    >>> float(features[1].max()), float(features[1, :, -1].max())
    (0.0, -80.0)
    """

    _parameter_constraints = {
        "sr": [Interval(Real, 0, None, closed="neither")],
        "n_fft": [Interval(Integral, 1, None, closed="left")],
        "hop_length": [Interval(Integral, 1, None, closed="left")],
        "win_length": [Interval(Integral, 1, None, closed="left"), None],
        "window": [str, tuple, callable],
        "n_mels": [Interval(Integral, 1, None, closed="left")],
        "fmin": [Interval(Real, 0, None, closed="left")],
        "fmax": [Interval(Real, 0, None, closed="neither"), None],
        "power": [Interval(Real, 0, None, closed="neither")],
        "ref": [StrOptions({"max"}), Interval(Real, 0, None, closed="neither")],
        "top_db": [Interval(Real, 0, None, closed="left"), None],
        "trim_db": [Interval(Real, 0, None, closed="neither"), None],
        "n_frames": [Interval(Integral, 1, None, closed="left"), None],
        "align": [StrOptions({"left", "center"})],
        "padding": [StrOptions({"silence", "nan"})],
        "n_mfcc": [Interval(Integral, 1, None, closed="left"), None],
        "normalize": ["boolean"],
        "backend": [StrOptions({"auto", "torch", "librosa"})],
        "device": [str, torch.device],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        sr=16000,
        n_fft=2048,
        hop_length=512,
        win_length=None,
        window="hann",
        n_mels=128,
        fmin=0.0,
        fmax=None,
        power=2.0,
        ref="max",
        top_db=80.0,
        trim_db=None,
        n_frames=None,
        align="left",
        padding="silence",
        n_mfcc=None,
        normalize=False,
        backend="auto",
        device="cpu",
        batch_size=8,
    ):
        self.sr = sr
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.win_length = win_length
        self.window = window
        self.n_mels = n_mels
        self.fmin = fmin
        self.fmax = fmax
        self.power = power
        self.ref = ref
        self.top_db = top_db
        self.trim_db = trim_db
        self.n_frames = n_frames
        self.align = align
        self.padding = padding
        self.n_mfcc = n_mfcc
        self.normalize = normalize
        self.backend = backend
        self.device = device
        self.batch_size = batch_size

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Build the filter bank, fix the frame count and learn the scaling.

        Parameters
        ----------
        X : array-like of shape (n_clips, n_samples) or sequence of 1-D arrays
            Mono clips at ``sr`` Hz: a 2-D array of equal-length clips, or a
            list of clips of any length. Integer PCM is scaled to [-1, 1].
        y : None
            Ignored.

        Returns
        -------
        self : LogMelTransformer
            The fitted transformer.
        """
        self._fit(X, keep_features=False)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Fit to ``X`` and return its features, computing them only once.

        Parameters
        ----------
        X : array-like of shape (n_clips, n_samples) or sequence of 1-D arrays
            Mono clips, as in :meth:`fit`.
        y : None
            Ignored.

        Returns
        -------
        features : ndarray of shape (n_clips, n_mels or n_mfcc, `n_frames_`), dtype float32
            Log-mel spectrograms in dB (or MFCCs), standardised if
            ``normalize``.
        """
        return self._fit(X, keep_features=True)

    def transform(self, X):
        """Compute the log-mel spectrogram (or MFCCs) of each clip.

        Parameters
        ----------
        X : array-like of shape (n_clips, n_samples) or sequence of 1-D arrays
            Mono clips of any length (a 2-D array must match the width seen
            in ``fit``, if ``fit`` got one).

        Returns
        -------
        features : ndarray of shape (n_clips, n_mels or n_mfcc, `n_frames_`), dtype float32
            Log-mel spectrograms in dB (or MFCCs), standardised if
            ``normalize``.

        Raises
        ------
        sklearn.utils._param_validation.InvalidParameterError
            A parameter out of its range, checked as in ``fit`` (e.g. one
            given to ``set_params`` after ``fit``).
        ValueError
            A parameter changed since ``fit`` that the fitted filter bank,
            frame count or scaling follows (``sr``, ``n_fft``,
            ``win_length``, ``window``, ``n_mels``, ``fmin``, ``fmax``,
            ``n_mfcc``, ``n_frames``, ``normalize``): fit again.
        """
        check_is_fitted(self)
        # set_params may have changed them since fit: check them as fit does.
        self._validate_params()
        self._check_fitted_parameters()
        clips = self._clips(X, reset=False)
        self._check_device()
        features = np.empty((len(clips), self._n_outputs, self.n_frames_), dtype=np.float32)
        for indices, chunk in self._feature_chunks(clips):
            features[indices] = chunk
        if self.normalize:
            self._standardize(features)
        self._mark_padding(features, clips)
        return features

    def _check_fitted_parameters(self):
        """Refuse a parameter changed since fit that the fitted state follows."""
        # Absent from transformers fitted before it was recorded.
        fitted = getattr(self, "_fitted_parameters", {})
        for name, value in fitted.items():
            if getattr(self, name) != value:
                raise ValueError(
                    f"{name}={getattr(self, name)!r} was set after fit, which used "
                    f"{name}={value!r}; fit LogMelTransformer again"
                )

    def _mark_padding(self, features, clips):
        if self.padding != "nan":
            return
        for clip_features, clip in zip(features, clips):
            real = self._real_frames(clip)
            clip_features[:, : real.start] = np.nan
            clip_features[:, real.stop :] = np.nan

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags

    @property
    def _n_outputs(self):
        return self.n_mfcc or self.n_mels

    def _clips(self, X, reset):
        """Validated clips, trimmed when ``trim_db`` is set."""
        clips = validate_waveforms(self, X, reset=reset)
        if self.trim_db is None:
            return clips
        return [trim_silence(clip, self.trim_db, self.n_fft, self.hop_length) for clip in clips]

    def _fit(self, X, keep_features):
        clips = self._clips(X, reset=True)
        self._validate_front_end()
        self._fitted_parameters = {name: getattr(self, name) for name in _FITTED_PARAMETERS}
        self.backend_ = "librosa" if self.backend == "librosa" else "torch"
        self._check_device()
        self.n_frames_ = self.n_frames or max(
            n_stft_frames(len(clip), self.n_fft, self.hop_length) for clip in clips
        )
        if not (keep_features or self.normalize):
            return None

        features = None
        if keep_features:
            features = np.empty((len(clips), self._n_outputs, self.n_frames_), dtype=np.float32)
        # Sums over real (unpadded) frames, in float64 so that they stay exact.
        frame_count, band_sum, band_sum_squares = 0, 0.0, 0.0
        for indices, chunk in self._feature_chunks(clips):
            if keep_features:
                features[indices] = chunk
            if self.normalize:
                for index, clip_features in zip(indices, chunk):
                    real = self._real_frames(clips[index])
                    frames = clip_features[:, real].astype(np.float64)
                    frame_count += frames.shape[1]
                    band_sum = band_sum + frames.sum(axis=1)
                    band_sum_squares = band_sum_squares + np.square(frames).sum(axis=1)
        if self.normalize:
            self.mean_ = band_sum / frame_count
            variance = np.maximum(band_sum_squares / frame_count - self.mean_**2, 0)
            scale = np.sqrt(variance)
            self.scale_ = np.where(scale > 0, scale, 1.0)
            if keep_features:
                self._standardize(features)
        if keep_features:
            self._mark_padding(features, clips)
        return features

    def _validate_front_end(self):
        """Check what single parameters cannot, and build the constant bases."""
        if self.win_length is not None and self.win_length > self.n_fft:
            raise ValueError(f"win_length={self.win_length} must be at most n_fft={self.n_fft}")
        nyquist = self.sr / 2
        fmax = nyquist if self.fmax is None else self.fmax
        if fmax > nyquist:
            raise ValueError(f"fmax={self.fmax} is above the Nyquist frequency sr / 2 = {nyquist}")
        if self.fmin >= fmax:
            raise ValueError(f"fmin={self.fmin} must be below fmax={fmax}")
        if self.n_mfcc is not None and self.n_mfcc > self.n_mels:
            raise ValueError(f"n_mfcc={self.n_mfcc} must be at most n_mels={self.n_mels}")
        if self.backend == "librosa" and str(self.device) != "cpu":
            raise ValueError(
                f"backend='librosa' runs on the CPU only; got "
                f"device={self.device!r}. Use backend='torch' for another "
                "device."
            )

        win_length = self.win_length or self.n_fft
        try:
            window = librosa.filters.get_window(self.window, win_length, fftbins=True)
        except (ValueError, librosa.util.exceptions.ParameterError) as error:
            raise ValueError(
                f"window={self.window!r} is not a window librosa can build: {error}"
            ) from error
        self._stft_window = librosa.util.pad_center(window, size=self.n_fft)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # empty bands are raised below
            self.mel_basis_ = librosa.filters.mel(
                sr=self.sr,
                n_fft=self.n_fft,
                n_mels=self.n_mels,
                fmin=self.fmin,
                fmax=self.fmax,
            )
        empty = np.flatnonzero(self.mel_basis_.max(axis=1) <= 0)
        if empty.size:
            raise ValueError(
                f"mel bands {empty.tolist()} contain no FFT bin: n_mels="
                f"{self.n_mels} is too many for n_fft={self.n_fft} between "
                f"{self.fmin} and {fmax} Hz. Lower n_mels or raise n_fft."
            )
        self._dct_basis = None
        if self.n_mfcc is not None:
            self._dct_basis = scipy.fft.dct(np.eye(self.n_mels), type=2, norm="ortho", axis=0)[
                : self.n_mfcc
            ]

    def _check_device(self):
        if self.backend_ == "librosa":
            return
        check_device(self.device)

    def _real_frames(self, clip):
        """Output frames that hold the clip's own frames rather than padding."""
        n_clip_frames = n_stft_frames(len(clip), self.n_fft, self.hop_length)
        return placement(n_clip_frames, self.n_frames_, self.align)[1]

    def _feature_chunks(self, clips):
        """Yield (clip indices, features) for chunks of clips of similar length."""
        # Sorting by length keeps the zero padding inside a torch batch small.
        order = np.argsort([len(clip) for clip in clips], kind="stable")
        compute = self._torch_features() if self.backend_ == "torch" else None
        for start in range(0, len(order), self.batch_size):
            indices = order[start : start + self.batch_size]
            chunk = [clips[index] for index in indices]
            if compute is None:
                features = log_mel_librosa(
                    chunk,
                    sr=self.sr,
                    n_fft=self.n_fft,
                    hop_length=self.hop_length,
                    win_length=self.win_length,
                    window=self.window,
                    n_mels=self.n_mels,
                    fmin=self.fmin,
                    fmax=self.fmax,
                    power=self.power,
                    ref=self.ref,
                    top_db=self.top_db,
                    n_mfcc=self.n_mfcc,
                    n_frames=self.n_frames_,
                    align=self.align,
                )
            else:
                features = compute(chunk)
            self._check_finite(features, indices, chunk)
            yield indices, features

    def _check_finite(self, features, indices, chunk):
        """Raise naming the first clip whose features overflowed, rather than
        return inf or NaN (e.g. a huge amplitude raised to a large ``power``)."""
        finite = np.isfinite(features).reshape(len(features), -1).all(axis=1)
        if finite.all():
            return
        bad = int(np.flatnonzero(~finite)[0])
        peak = float(np.abs(chunk[bad]).max())
        raise ValueError(
            f"the log-mel features of clip {indices[bad]} are not finite: its "
            f"spectrogram overflows float64 (peak amplitude {peak:.3g} with "
            f"power={self.power}). Scale the clip to [-1, 1] or lower power."
        )

    def _torch_features(self):
        """The torch backend with its constant tensors moved to the device once."""
        device = check_device(self.device)

        def as_tensor(array):
            if array is None:
                return None
            return torch.as_tensor(array, dtype=torch.float64).to(device)

        constants = dict(
            window=as_tensor(self._stft_window),
            mel_basis=as_tensor(self.mel_basis_),
            dct_matrix=as_tensor(self._dct_basis),
        )

        def compute(chunk):
            return log_mel_torch(
                chunk,
                n_fft=self.n_fft,
                hop_length=self.hop_length,
                power=self.power,
                ref=self.ref,
                top_db=self.top_db,
                n_frames=self.n_frames_,
                align=self.align,
                device=device,
                **constants,
            )

        return compute

    def _standardize(self, features):
        features -= self.mean_[:, np.newaxis].astype(np.float32)
        features /= self.scale_[:, np.newaxis].astype(np.float32)
