"""Property-based tests of the front ends: bad input is refused by name.

Every generated input either gives a correct, finite result or raises a
ValueError/TypeError whose message names the problem; never an error from
deep inside numpy, librosa or torch, and never inf or stray NaN in the output.
Each generated clip carries at most one defect and the regex its error must
match, so the expected outcome of a whole batch is known in advance.
"""

import re

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sklearn_ser.preprocessing import (
    FixedLengthWaveform,
    LogMelTransformer,
    UtteranceStatistics,
)

EXAMPLES = settings.default.max_examples
SMALL_FRAMES = dict(n_fft=16, hop_length=4, n_mels=4, sr=16000)
FLOAT32_MAX = float(np.finfo(np.float32).max)

# -- one clip -------------------------------------------------------------------

magnitudes = st.sampled_from([1.0, 1e-30, 1e-40, 1e3, 1e30, FLOAT32_MAX / 2])
lengths = st.integers(min_value=1, max_value=300)


@st.composite
def float_clips(draw, dtype=None):
    """A finite float clip whose amplitude ranges from subnormal to near
    float32's limit."""
    dtype = dtype or draw(st.sampled_from([np.float16, np.float32, np.float64]))
    n = draw(lengths)
    scale = draw(magnitudes)
    if dtype == np.float16:
        scale = min(scale, 1e4)
    values = draw(hnp.arrays(np.float64, n, elements=st.floats(-1, 1)))
    return (values * scale).astype(dtype)


pcm_clips = st.sampled_from([np.int8, np.int16, np.int32, np.int64, np.uint8]).flatmap(
    lambda dtype: hnp.arrays(dtype, lengths)
)


VALID_KINDS = ["float", "float", "pcm", "list"]
DEFECTS = [
    "empty",
    "nan",
    "inf",
    "beyond_float32",
    "stereo",
    "scalar",
    "bool",
    "complex",
    "string",
    "none",
    "uint16",
    "object",
    "datetime",
]


@st.composite
def clips(draw, kinds):
    """(clip, regex its error must match, or None for a valid clip)."""
    kind = draw(st.sampled_from(kinds))
    if kind == "float":
        return draw(float_clips()), None
    if kind == "pcm":
        return draw(pcm_clips), None
    if kind == "list":
        return draw(float_clips(np.float64)).tolist(), None
    if kind == "empty":
        return np.zeros(0), r"clip {i} is empty"
    if kind in ("nan", "inf"):
        clip = draw(float_clips(draw(st.sampled_from([np.float16, np.float32, np.float64]))))
        clip[draw(st.integers(0, len(clip) - 1))] = np.nan if kind == "nan" else -np.inf
        return clip, r"clip {i} contains NaN or infinity"
    if kind == "beyond_float32":
        clip = draw(float_clips(np.float64))
        clip[draw(st.integers(0, len(clip) - 1))] = draw(st.floats(1e39, 1e300))
        return clip, r"clip {i} has a sample too large for float32"
    if kind == "stereo":
        shape = (draw(st.integers(2, 3)), draw(lengths))
        return np.zeros(shape), r"clip {i} has shape .*multi-channel"
    if kind == "scalar":
        return np.array(0.5), r"clip {i} is a scalar"
    if kind == "bool":
        return np.ones(5, dtype=bool), r"clip {i} has dtype bool"
    if kind == "complex":
        return np.ones(5, dtype=complex), r"Complex data not supported: clip {i}"
    if kind == "string":
        return draw(st.text(min_size=1, max_size=5)), r"clip {i} has dtype <U"
    if kind == "none":
        return None, r"clip {i} has dtype object"
    if kind == "uint16":
        dtype = draw(st.sampled_from([np.uint16, np.uint32, np.uint64]))
        return np.ones(5, dtype=dtype), r"clip {i} has integer dtype uint"
    if kind == "object":
        return np.array([0.1, 0.2], dtype=object), r"clip {i} has dtype object"
    return np.zeros(3, dtype="datetime64[s]"), r"clip {i} has dtype datetime64"


# -- a batch of clips -----------------------------------------------------------


def _object_array(items):
    array = np.empty(len(items), dtype=object)
    for index, item in enumerate(items):  # element by element: no broadcasting
        array[index] = item
    return array


@st.composite
def batches(draw):
    """(X, regex its error must match or None, clips as given)."""
    # Half of the batches are valid; the others hold one or two defective
    # clips among valid ones.
    drawn = draw(st.lists(clips(VALID_KINDS), min_size=1, max_size=5))
    if draw(st.booleans()):
        for _ in range(draw(st.integers(1, 2))):
            drawn.insert(draw(st.integers(0, len(drawn))), draw(clips(DEFECTS)))
    items = [clip for clip, _ in drawn]
    bad = [(i, pattern) for i, (_, pattern) in enumerate(drawn) if pattern is not None]
    expected = bad[0][1].format(i=bad[0][0]) if bad else None
    container = draw(st.sampled_from(["list", "tuple", "object_array", "2d"]))
    same_shape = all(
        isinstance(item, np.ndarray)
        and item.ndim == 1
        and item.size
        and item.shape == items[0].shape
        and item.dtype == items[0].dtype
        for item in items
    )
    if container == "2d" and same_shape and expected is None:
        return np.stack(items), None, items
    if container == "object_array":
        X = _object_array(items)
    else:
        X = items if container == "list" else tuple(items)
    return X, expected, items


# Containers that are no batch of clips, each with the words of its error.
NOT_A_BATCH = [
    (None, TypeError, r"Expected waveforms as an array or a list of arrays, got NoneType"),
    ("a.wav", TypeError, r"got str"),
    (b"RIFF", TypeError, r"got bytes"),
    (3.0, TypeError, r"got float"),
    ({"a": np.zeros(5)}, TypeError, r"got dict"),
    ({1.0, 2.0}, TypeError, r"got set"),
    ([], ValueError, r"0 sample\(s\) \(no clips were given\)"),
    ([0.1, 0.2, 0.3], ValueError, r"flat list of numbers"),
    (np.zeros(10), ValueError, r"got a 1-D array of shape \(10,\)"),
    (np.zeros((2, 3, 10)), ValueError, r"got an array of shape \(2, 3, 10\)"),
    (np.zeros((0, 10)), ValueError, r"0 sample\(s\)"),
    (np.zeros((2, 0)), ValueError, r"0 feature\(s\).*no samples"),
    (sp.csr_matrix(np.ones((2, 10))), TypeError, r"sparse input is not supported"),
    (np.ones((2, 10), dtype=complex), ValueError, r"Complex data not supported"),
    (np.array([["a", "b"]], dtype=object), ValueError, r"could not convert string to float"),
]

FRONT_ENDS = {
    "logmel-torch-nan-padding": lambda: LogMelTransformer(
        **SMALL_FRAMES, padding="nan", normalize=True
    ),
    "logmel-librosa-mfcc": lambda: LogMelTransformer(
        **SMALL_FRAMES, backend="librosa", n_mfcc=3, align="center", ref=1.0
    ),
    "logmel-fixed-frames": lambda: LogMelTransformer(
        **SMALL_FRAMES, n_frames=5, top_db=None, power=1.0
    ),
    "logmel-trimmed": lambda: LogMelTransformer(**SMALL_FRAMES, trim_db=20, padding="nan"),
    "waveform": lambda: FixedLengthWaveform(),
    "waveform-centre": lambda: FixedLengthWaveform(n_samples=7, align="center"),
}


def _as_float32(clip):
    """What the front ends should see of a valid clip."""
    clip = np.asarray(clip)
    if clip.dtype == np.uint8:
        return (clip.astype(np.float32) - 128) / 128
    if np.issubdtype(clip.dtype, np.integer):
        return (clip / 2.0 ** (8 * clip.dtype.itemsize - 1)).astype(np.float32)
    return clip.astype(np.float32)


def _check_output(estimator, output, clips):
    assert output.dtype == np.float32
    if isinstance(estimator, FixedLengthWaveform):
        assert output.shape == (len(clips), estimator.n_samples_)
        assert np.isfinite(output).all()
        if estimator.align == "left":
            for row, clip in zip(output, clips):
                kept = min(len(row), len(np.asarray(clip)))
                np.testing.assert_array_equal(row[:kept], _as_float32(clip)[:kept])
        return
    n_outputs = estimator.n_mfcc or estimator.n_mels
    assert output.shape == (len(clips), n_outputs, estimator.n_frames_)
    frame_has_nan = np.isnan(output).any(axis=1)
    # NaN only as whole padded frames, and only with padding="nan".
    assert not np.isinf(output).any()
    assert (np.isnan(output).all(axis=1) == frame_has_nan).all()
    if estimator.padding != "nan":
        assert not frame_has_nan.any()
    for nan_frames in frame_has_nan:
        real = np.flatnonzero(~nan_frames)
        assert real.size and (real == np.arange(real[0], real[-1] + 1)).all()


@pytest.mark.parametrize("front_end", FRONT_ENDS)
@settings(max_examples=EXAMPLES)
@given(batch=batches(), fit_transform=st.booleans())
def test_waveform_front_ends_accept_or_name_the_problem(front_end, batch, fit_transform):
    X, expected, items = batch
    event(re.sub(r"clip \d+", "clip i", expected) if expected else "valid")
    estimator = FRONT_ENDS[front_end]()
    if expected is not None:
        with pytest.raises((ValueError, TypeError), match=expected):
            estimator.fit_transform(X) if fit_transform else estimator.fit(X)
        return
    output = estimator.fit_transform(X) if fit_transform else estimator.fit(X).transform(X)
    _check_output(estimator, output, items)


@pytest.mark.parametrize("front_end", FRONT_ENDS)
@pytest.mark.parametrize("X, error, expected", NOT_A_BATCH)
def test_front_ends_name_what_is_not_a_batch_of_clips(front_end, X, error, expected):
    with pytest.raises(error, match=expected):
        FRONT_ENDS[front_end]().fit(X)


@pytest.mark.parametrize("front_end", FRONT_ENDS)
@settings(max_examples=EXAMPLES // 2)
@given(fit_batch=batches(), transform_batch=batches())
def test_transform_after_fit_accepts_or_names_the_problem(front_end, fit_batch, transform_batch):
    """A fitted front end meets other clips: other lengths, counts and defects."""
    X_fit, fit_error, _ = fit_batch
    if fit_error is not None:
        return
    estimator = FRONT_ENDS[front_end]().fit(X_fit)
    X, expected, items = transform_batch
    width_differs = (
        isinstance(X, np.ndarray)
        and X.ndim == 2
        and getattr(estimator, "n_features_in_", X.shape[1]) != X.shape[1]
    )
    if width_differs:
        expected = r"X has \d+ features, but \w+ is expecting \d+ features"
    if expected is not None:
        with pytest.raises((ValueError, TypeError), match=expected):
            estimator.transform(X)
        return
    _check_output(estimator, estimator.transform(X), items)


# -- UtteranceStatistics ----------------------------------------------------------


@st.composite
def spectrograms(draw):
    """(X, regex its error must match or None)."""
    kind = draw(
        st.sampled_from(
            [
                "valid",
                "valid",
                "valid",
                "huge",
                "nan",
                "inf",
                "rank",
                "zero_axis",
                "complex",
                "strings",
                "ragged",
            ]
        )
    )
    n = draw(st.integers(1, 4))
    shape = (n, draw(st.integers(1, 4)), draw(st.integers(1, 8)))
    if draw(st.booleans()):
        shape = shape[:2]  # a 2-D table: one band whose frames are the columns
    dtype = draw(st.sampled_from([np.float32, np.float64, np.int16, np.int64, np.bool_]))
    scale = draw(magnitudes) if np.issubdtype(dtype, np.floating) else 1
    X = (draw(hnp.arrays(np.float64, shape, elements=st.floats(-1, 1))) * scale).astype(dtype)
    if kind == "valid":
        return X, None
    if kind == "huge":
        # Values near the type's limit: statistics overflow, or not.
        dtype = np.float32 if X.dtype == np.float32 else np.float64
        signs = draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 1.0])))
        return (signs * 0.9 * float(np.finfo(dtype).max)).astype(dtype), "overflow"
    X = X.astype(np.float64)
    index = tuple(draw(st.integers(0, size - 1)) for size in X.shape)
    if kind == "nan":
        X[index] = np.nan
        return X, r"Input X contains NaN"
    if kind == "inf":
        X[index] = np.inf
        return X, r"Input X contains infinity"
    if kind == "rank":
        rank = draw(st.sampled_from([0, 1, 4]))
        if rank == 4:
            return X.reshape(X.shape + (1,) * (4 - X.ndim)), r"Expected spectrograms of shape"
        return X.ravel()[0] if rank == 0 else X.ravel(), r"Expected 2D array, got (1D|scalar)"
    if kind == "zero_axis":
        axis = draw(st.integers(0, X.ndim - 1))
        X = np.take(X, [], axis=axis)
        if axis == 0:
            return X, r"0 sample\(s\)"
        if X.ndim == 2:
            return X, r"0 feature\(s\)"
        return X, r"each needs at least 1 band and 1 frame"
    if kind == "complex":
        return X.astype(complex), r"Complex data not supported"
    if kind == "strings":
        return np.char.add("x", X.astype(str)), r"could not convert string to float"
    return [row for row in X] + [X[0][..., :-1] if X.shape[-1] > 1 else X[0][:0]], (
        r"inhomogeneous shape|setting an array element with a sequence"
    )


@pytest.mark.parametrize("deltas", [True, False])
@settings(max_examples=EXAMPLES)
@given(spectrogram=spectrograms(), percentiles=st.lists(st.floats(0, 100), max_size=3))
def test_utterance_statistics_accept_or_name_the_problem(deltas, spectrogram, percentiles):
    X, expected = spectrogram
    event(f"expected: {expected}")
    statistics = UtteranceStatistics(percentiles=percentiles, deltas=deltas)
    if expected not in (None, "overflow"):
        with pytest.raises((ValueError, TypeError), match=expected):
            statistics.fit_transform(X)
        return
    try:
        features = statistics.fit_transform(X)
    except ValueError as error:
        assert expected == "overflow", error
        assert re.search(r"too large .* the statistics overflow", str(error))
        return
    X = np.asarray(X)
    n_bands = X.shape[1] if X.ndim == 3 else 1
    n_streams = 2 if deltas else 1
    assert features.shape == (len(X), n_bands * (2 + len(percentiles)) * n_streams)
    assert features.dtype == (X.dtype if X.dtype in (np.float32, np.float64) else np.float64)
    assert np.isfinite(features).all()
    # The mean of each band lies within the band's range.
    bands = X.reshape(len(X), n_bands, -1).astype(np.float64)
    means = features[:, :n_bands].astype(np.float64)
    slack = 1e-6 * np.abs(bands).max() + 2 * np.finfo(np.float32).smallest_subnormal
    assert (means >= bands.min(axis=2) - slack).all() and (means <= bands.max(axis=2) + slack).all()
