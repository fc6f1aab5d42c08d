import numpy as np
import pytest

from sklearn_ser.preprocessing._length import fit_length, placement


@pytest.mark.parametrize("align", ["left", "center"])
@pytest.mark.parametrize("length", [1, 4, 5, 9, 10])
@pytest.mark.parametrize("target_length", [1, 5, 8])
def test_placement_keeps_a_contiguous_run_inside_both_bounds(length, target_length, align):
    source, destination = placement(length, target_length, align)
    kept = min(length, target_length)
    assert source.stop - source.start == destination.stop - destination.start == kept
    assert 0 <= source.start and source.stop <= length
    assert 0 <= destination.start and destination.stop <= target_length


@pytest.mark.parametrize("length, target_length", [(3, 8), (8, 3), (4, 8), (8, 4)])
def test_center_splits_the_difference_with_the_odd_item_at_the_end(length, target_length):
    source, destination = placement(length, target_length, "center")
    outer = destination if length < target_length else source
    total = max(length, target_length)
    before, after = outer.start, total - outer.stop
    assert after - before in (0, 1)


def test_left_keeps_the_start():
    assert placement(8, 3, "left") == (slice(0, 3), slice(0, 3))
    assert placement(3, 8, "left") == (slice(0, 3), slice(0, 3))


@pytest.mark.parametrize("align", ["left", "center"])
def test_fit_length_pads_with_zeros_along_the_last_axis_only(align):
    rng = np.random.default_rng(0)
    array = rng.standard_normal((2, 3, 5)).astype(np.float32) + 10
    padded = fit_length(array, 9, align)
    assert padded.shape == (2, 3, 9) and padded.dtype == np.float32
    _, destination = placement(5, 9, align)
    np.testing.assert_array_equal(padded[..., destination], array)
    assert np.count_nonzero(padded) == array.size

    cropped = fit_length(array, 2, align)
    source, _ = placement(5, 2, align)
    np.testing.assert_array_equal(cropped, array[..., source])
