"""Validation of input: clips, speaker ids, devices and the files read."""

import numbers
import os
import re
import stat
from collections.abc import Mapping, Set

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.utils.validation import column_or_1d

# Full-scale value of each integer PCM type, so that samples land in [-1, 1].
_PCM_SCALE = {
    np.dtype(np.int8): 2.0**7,
    np.dtype(np.int16): 2.0**15,
    np.dtype(np.int32): 2.0**31,
    np.dtype(np.int64): 2.0**63,
}


def _as_float_clip(clip, index):
    """Return one clip as a float32 1-D array, or raise naming the clip."""
    clip = np.asarray(clip)
    if np.iscomplexobj(clip):
        raise ValueError(f"Complex data not supported: clip {index} is complex")
    if clip.dtype == object or not (
        np.issubdtype(clip.dtype, np.floating)
        or np.issubdtype(clip.dtype, np.integer)
        or clip.dtype == np.bool_
    ):
        raise TypeError(
            f"clip {index} has dtype {clip.dtype}; expected float or integer PCM samples"
        )
    if clip.dtype == np.bool_:
        raise TypeError(f"clip {index} has dtype bool; expected audio samples")
    if clip.ndim == 0:
        raise ValueError(
            f"clip {index} is a scalar; expected a 1-D waveform. Pass a "
            "2-D array (n_clips, n_samples) or a list of 1-D arrays."
        )
    if clip.ndim > 1:
        raise ValueError(
            f"clip {index} has shape {clip.shape}: multi-channel audio is not "
            "supported; mix it down to mono (e.g. clip.mean(axis=0)) first"
        )
    if clip.size == 0:
        raise ValueError(f"clip {index} is empty (0 samples)")
    if np.issubdtype(clip.dtype, np.integer):
        if clip.dtype == np.uint8:  # 8-bit WAV is unsigned, centred on 128
            return ((clip.astype(np.float32) - 128.0) / 128.0).astype(np.float32)
        scale = _PCM_SCALE.get(clip.dtype)
        if scale is None:
            raise TypeError(
                f"clip {index} has integer dtype {clip.dtype}; expected "
                "int8, int16, int32 or int64 PCM"
            )
        return (clip / scale).astype(np.float32)
    if not np.isfinite(clip).all():
        bad = int(np.flatnonzero(~np.isfinite(clip))[0])
        raise ValueError(f"clip {index} contains NaN or infinity (first at sample {bad})")
    with np.errstate(over="ignore"):  # reported below, naming the sample
        as_float32 = clip.astype(np.float32, copy=False)
    if as_float32 is not clip and not np.isfinite(as_float32).all():
        # Finite float64 samples beyond float32's range would become inf.
        bad = int(np.flatnonzero(~np.isfinite(as_float32))[0])
        raise ValueError(
            f"clip {index} has a sample too large for float32 ({clip[bad]:.3g} at "
            f"sample {bad}; the limit is {np.finfo(np.float32).max:.3g}): scale "
            "the clip to [-1, 1] first"
        )
    return as_float32


def _is_column_of_clips(X):
    """Whether X is a DataFrame with one column whose cells are clips (arrays)."""
    return (
        hasattr(X, "iloc")
        and getattr(X, "ndim", None) == 2
        and X.shape[0] > 0
        and X.shape[1] == 1
        and np.ndim(X.iloc[0, 0]) > 0
    )


def check_waveforms(X):
    """Validate a batch of mono waveforms.

    Parameters
    ----------
    X : array-like of shape (n_clips, n_samples) or sequence of 1-D arrays
        Equal-length clips as a 2-D array (or a DataFrame with one column
        per sample), or clips of any length as a list, a 1-D object array,
        a pandas Series or a one-column DataFrame of 1-D arrays.
        Floating-point samples are kept as they are; integer PCM
        (int8/16/32/64, uint8) is scaled to [-1, 1].

    Returns
    -------
    clips : list of ndarray of shape (n_samples_i,), dtype float32
        One array per clip. Rows of a 2-D float32 input are returned as
        views, without a copy.

    Raises
    ------
    TypeError
        Sparse, non-numeric or boolean input, or a mapping or set of clips.
    ValueError
        No clips, a 1-D numeric array (one clip that is not wrapped in a
        list), a multi-channel clip, an empty clip, NaN/inf samples, or
        float64 samples beyond the float32 range. The message names the
        offending clip index.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser.utils import check_waveforms
    >>> clips = check_waveforms([np.zeros(800), np.array([0, 16384], np.int16)])
    >>> [c.shape for c in clips], clips[1]
    ([(800,), (2,)], array([0. , 0.5], dtype=float32))
    """
    if sp.issparse(X):
        raise TypeError("sparse input is not supported: waveforms must be dense arrays")
    if _is_column_of_clips(X):
        X = list(X.iloc[:, 0])
    elif hasattr(X, "to_numpy") and not isinstance(X, np.ndarray):
        X = X.to_numpy()  # pandas DataFrame: rows are clips
    elif hasattr(X, "__array__") and not isinstance(X, (np.ndarray, list, tuple)):
        X = np.asarray(X)
    if isinstance(X, np.ndarray) and X.dtype == object and X.ndim == 2:
        if X.size and any(np.ndim(cell) > 0 for cell in X.flat):
            raise ValueError(
                f"Expected one sample per cell of a 2-D array of clips, got arrays in the "
                f"cells of an array of shape {X.shape}: pass the clips as a list, or as a "
                "DataFrame with a single column of clips"
            )
        # A 2-D object array holds numbers (e.g. from a DataFrame); anything
        # else fails here with numpy's own TypeError.
        X = X.astype(np.float64)
    if isinstance(X, np.ndarray) and X.dtype != object:
        if X.ndim == 1:
            raise ValueError(
                f"Expected a 2-D array (n_clips, n_samples) or a list of 1-D "
                f"waveforms, got a 1-D array of shape {X.shape}. Reshape your "
                "data or wrap a single clip as [clip]."
            )
        if X.ndim != 2:
            raise ValueError(
                f"Expected a 2-D array (n_clips, n_samples) or a list of 1-D "
                f"waveforms, got an array of shape {X.shape}"
            )
        if X.shape[1] == 0 and X.shape[0] > 0:
            raise ValueError(
                f"0 feature(s) (shape={X.shape}) while a minimum of 1 is "
                "required: the clips have no samples"
            )
        clips = list(X)
    elif isinstance(X, (list, tuple, np.ndarray)):
        if isinstance(X, np.ndarray) and X.ndim != 1:
            raise ValueError(f"Expected a 1-D object array of clips, got shape {X.shape}")
        if any(isinstance(x, numbers.Number) for x in X[:1]):
            raise ValueError(
                "Expected a list of 1-D waveforms, got a flat list of numbers. "
                "Wrap a single clip as [clip]."
            )
        clips = list(X)
    elif isinstance(X, (str, bytes, Mapping, Set)) or not hasattr(X, "__len__"):
        raise TypeError(
            f"Expected waveforms as an array or a list of arrays, got {type(X).__name__}"
        )
    else:
        clips = list(X)
    if len(clips) == 0:
        raise ValueError("Found array with 0 sample(s) (no clips were given)")
    return [_as_float_clip(clip, i) for i, clip in enumerate(clips)]


def _is_missing(value):
    """None, NaN, NaT or pandas' NA (whose comparisons give NA, which has no
    truth value)."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:
        return True


def _id_kind(value):
    """ "number" or "str" for a usable speaker id, else the type's name."""
    if isinstance(value, (str, bytes)):
        return "str"
    if isinstance(value, numbers.Number):
        return "number"
    return type(value).__name__


def _check_id_values(groups):
    """Raise for missing ids and ids of mixed or unusable types."""
    if isinstance(groups, np.ndarray) and groups.dtype != object:
        # One dtype for all ids: only floats and dates can hold missing ones.
        kind = groups.dtype.kind
        missing = np.isnan(groups) if kind in "fc" else np.isnat(groups) if kind in "mM" else []
        kinds = {}
    else:
        # As objects, before numpy turns a mix of numbers and strings into strings.
        ids = np.asarray(groups, dtype=object).ravel()
        missing = [_is_missing(value) for value in ids]
        kinds = {}
        for value in ids:
            kinds.setdefault(_id_kind(value), value)
    missing = np.flatnonzero(np.ravel(missing))
    if missing.size:
        raise ValueError(
            f"groups has missing speaker ids (None, NaN or NA) at positions {missing[:10].tolist()}"
        )
    unusable = sorted(set(kinds) - {"number", "str"})
    if unusable:
        raise ValueError(
            f"groups has speaker ids of type {unusable[0]} ({kinds[unusable[0]]!r}); "
            "use strings or numbers"
        )
    if len(kinds) > 1:
        raise ValueError(
            f"groups mixes numbers and strings ({kinds['number']!r} and "
            f"{kinds['str']!r}); give every speaker id the same type"
        )


def check_groups(groups):
    """Validate speaker ids: one id per example, none missing, one type.

    Every estimator and function of sklearn_ser that takes ``groups``
    checks them here, so that a defect is reported in the same words,
    naming ``groups``, instead of surfacing as a sorting error or as two
    speakers silently merged into one.

    Parameters
    ----------
    groups : array-like of shape (n_examples,) or (n_examples, 1)
        The speaker of every example: strings or numbers.

    Returns
    -------
    groups : ndarray of shape (n_examples,)
        The ids as numpy holds them (as ``column_or_1d`` returns them).

    Raises
    ------
    ValueError
        Naming ``groups``, when it is None, a string or another scalar, has
        more than one column, holds a missing id (None, NaN, NaT or pandas'
        NA), or mixes numbers with strings: numpy would turn ``[1, "1"]``
        into two equal strings, merging two speakers, and cannot sort
        ``[1, "a"]`` held as objects.

    Examples
    --------
    >>> from sklearn_ser.utils import check_groups
    >>> check_groups(["spk1", "spk1", "spk2"])
    array(['spk1', 'spk1', 'spk2'], dtype='<U4')
    >>> check_groups([1, "1"])
    Traceback (most recent call last):
    ...
    ValueError: groups mixes numbers and strings (1 and '1'); give every speaker id the same type
    """
    column = np.ndim(groups) == 2 and np.shape(groups)[1] == 1
    if groups is None or isinstance(groups, (str, bytes)) or not (np.ndim(groups) == 1 or column):
        raise ValueError(
            f"groups should be a 1-D array-like of speaker ids, one per example, "
            f"got {type(groups).__name__} of shape {np.shape(groups)}"
        )
    _check_id_values(groups)
    return column_or_1d(groups, input_name="groups")


def _backend_available(device_type):
    """Whether torch can compute on devices of this type here (None: unknown)."""
    if device_type == "cuda":
        return torch.cuda.is_available()
    if device_type == "mps":
        return torch.backends.mps.is_available()
    return None


def check_device(device):
    """The torch device ``device`` names, checked to be usable on this machine.

    Parameters
    ----------
    device : str or torch.device
        A torch device such as ``"cpu"``, ``"cuda"`` or ``"cuda:1"``, or
        ``"auto"``: CUDA when it is available, else the CPU.

    Returns
    -------
    device : torch.device

    Raises
    ------
    ValueError
        Naming ``device``, when it is not a torch device, is ``"meta"``
        (which holds no data to compute on), or names CUDA or MPS where torch
        cannot use them, or a CUDA device index beyond those present.

    Examples
    --------
    >>> from sklearn_ser.utils import check_device
    >>> check_device("cpu")
    device(type='cpu')
    >>> check_device("gpu")
    Traceback (most recent call last):
    ...
    ValueError: device='gpu' is not a torch device (such as 'cpu', 'cuda' or 'auto')
    """
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise ValueError(
            f"device={device!r} is not a torch device (such as 'cpu', 'cuda' or 'auto')"
        ) from None
    if resolved.type == "meta":
        raise ValueError(f"device={device!r} holds no data to compute on; use 'cpu' or 'auto'")
    if _backend_available(resolved.type) is False:
        raise ValueError(
            f"device={device!r} was requested but {resolved.type.upper()} is not available "
            "on this machine; use device='cpu' or 'auto'"
        )
    if resolved.type == "cuda" and (resolved.index or 0) >= torch.cuda.device_count():
        raise ValueError(
            f"device={device!r} was requested but this machine has "
            f"{torch.cuda.device_count()} CUDA device(s)"
        )
    return resolved


def _special_file_kind(path):
    """What ``path`` is when it exists but is neither a regular file nor a
    folder ("a FIFO", "a socket", "a device"), else None."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):  # missing or unreadable: opening it says why
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    return "a socket" if stat.S_ISSOCK(mode) else "a device"


def _check_regular_file(path):
    """Raise a ValueError naming ``path`` when it is a FIFO, socket or device.

    Opening a FIFO blocks until another process writes to it, and a device
    may never end: only regular files are read. Call it before opening.
    """
    kind = _special_file_kind(path)
    if kind is not None:
        raise ValueError(f"{path} is {kind}, not a regular file: only regular files are read")


def _compile_pattern(pattern):
    """``pattern`` compiled, or a ValueError naming it when it is not a
    regular expression (re.error is no ValueError)."""
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from None
