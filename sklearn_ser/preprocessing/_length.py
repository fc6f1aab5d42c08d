"""Padding and cropping to a fixed length: one policy for waveforms and frames."""

import numpy as np


def placement(length, target_length, align):
    """Where a sequence of ``length`` items goes in an output of ``target_length``.

    Shorter sequences are placed in a zero output, longer ones are cropped.
    With ``align="left"`` the sequence starts at the beginning of the output
    (padding or cropping happens at the end); with ``align="center"`` it is
    centred, and the odd item of padding or cropping goes to the end.

    Parameters
    ----------
    length : int
        Length of the source sequence.
    target_length : int
        Length of the output.
    align : {"left", "center"}
        Where the kept part of the sequence goes.

    Returns
    -------
    source : slice
        The kept part of the source.
    destination : slice
        Where that part goes in the output; both slices have equal length.

    Examples
    --------
    >>> from sklearn_ser.preprocessing._length import placement
    >>> placement(3, 6, "center")
    (slice(0, 3, None), slice(1, 4, None))
    >>> placement(6, 3, "center")
    (slice(1, 4, None), slice(0, 3, None))
    """
    kept = min(length, target_length)
    centred = align == "center"
    source_start = (length - kept) // 2 if centred else 0
    destination_start = (target_length - kept) // 2 if centred else 0
    return (
        slice(source_start, source_start + kept),
        slice(destination_start, destination_start + kept),
    )


def fit_length(array, target_length, align, fill_value=0):
    """Pad or crop ``array`` along its last axis to ``target_length``.

    Parameters
    ----------
    array : ndarray of shape (..., length)
        The sequence, e.g. a waveform or a spectrogram (frames last).
    target_length : int
        Length of the output along the last axis.
    align : {"left", "center"}
        Where the kept part goes; see :func:`placement`.
    fill_value : float, default=0
        Value of the padding.

    Returns
    -------
    fitted : ndarray of shape (..., target_length)
        A new array of the same dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser.preprocessing._length import fit_length
    >>> fit_length(np.array([1.0, 2.0]), 4, "center")
    array([0., 1., 2., 0.])
    """
    source, destination = placement(array.shape[-1], target_length, align)
    fitted = np.full(array.shape[:-1] + (target_length,), fill_value, dtype=array.dtype)
    fitted[..., destination] = array[..., source]
    return fitted
