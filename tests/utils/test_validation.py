import numpy as np
import pytest

from sklearn_ser.utils import check_waveforms


class ArrayOnly:
    """An array-like that only defines __array__ (like scikit-learn's _NotAnArray)."""

    def __init__(self, data):
        self.data = data

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.data, dtype=dtype)


@pytest.mark.parametrize(
    "X, error, match",
    [
        (np.zeros(10), ValueError, "Reshape your data"),
        (np.zeros((3, 0)), ValueError, r"0 feature\(s\) \(shape=\(3, 0\)\)"),
        ([np.zeros(4), np.zeros(0)], ValueError, "clip 1 is empty"),
        ([np.zeros(4), np.zeros((2, 4))], ValueError, "clip 1 .*multi-channel"),
        ([np.zeros(4), np.array([0.0, np.nan])], ValueError, "clip 1 contains NaN"),
        ([np.zeros(4), np.array([np.inf])], ValueError, "clip 1 contains NaN or inf"),
        ([np.zeros(4, dtype=complex)], ValueError, "Complex data not supported"),
        ([np.array(["a", "b"])], TypeError, "clip 0 has dtype"),
        (np.array([[1.0, {"a": 1}]], dtype=object), TypeError, "must be a string.* number"),
        ([], ValueError, "0 sample"),
        ("clip.wav", TypeError, "got str"),
    ],
)
def test_bad_input_is_named(X, error, match):
    with pytest.raises(error, match=match):
        check_waveforms(X)


def test_integer_pcm_is_scaled_to_unit_range():
    int16 = np.array([-32768, 0, 16384], dtype=np.int16)
    int32 = np.array([-(2**31), 2**30], dtype=np.int32)
    uint8 = np.array([0, 128, 192], dtype=np.uint8)
    clips = check_waveforms([int16, int32, uint8])
    np.testing.assert_allclose(clips[0], [-1.0, 0.0, 0.5])
    np.testing.assert_allclose(clips[1], [-1.0, 0.5])
    np.testing.assert_allclose(clips[2], [-1.0, 0.0, 0.5])
    assert all(c.dtype == np.float32 for c in clips)


def test_array_likes_and_numeric_object_arrays_are_converted():
    rows = [[0.0, 0.5], [1.0, -1.0]]
    for X in (ArrayOnly(rows), np.array(rows, dtype=object)):
        clips = check_waveforms(X)
        np.testing.assert_array_equal(np.stack(clips), np.array(rows, dtype=np.float32))


def test_float32_rows_are_views():
    X = np.zeros((2, 5), dtype=np.float32)
    assert all(np.shares_memory(clip, X) for clip in check_waveforms(X))
