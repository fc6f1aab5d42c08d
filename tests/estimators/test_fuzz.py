"""Property-based tests of the classifiers: bad input is refused by name.

A generated training set carries at most one defect (NaN where it is no
padding, infinity, a wrong rank or dtype, labels or speakers that do not fit
X, ...) together with the regex its error must match. A clean set must train,
and the fitted model then meets a second, possibly defective, input at
prediction. Nothing may fail inside torch or return NaN probabilities.
Modules are tiny and train for one epoch, so the example counts are a
fraction of the profile's (tests/conftest.py).
"""

import re

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sklearn_ser import CNNLSTM1DClassifier, CNNLSTMClassifier, TransformerCNNClassifier

EXAMPLES = max(4, settings.default.max_examples // 4)
TINY = dict(max_epochs=1, lr=0.01, random_state=0, device="cpu")
CLASSIFIERS = {
    "cnn-lstm": lambda **params: CNNLSTMClassifier(
        module__channels=(2, 2, 2, 2), module__hidden_size=2, **TINY, **params
    ),
    "cnn-lstm-1d": lambda **params: CNNLSTM1DClassifier(
        module__channels=(2, 2, 2, 2), module__hidden_size=2, **TINY, **params
    ),
    "transformer-cnn": lambda **params: TransformerCNNClassifier(
        module__cnn_channels=(2, 2, 2),
        module__n_layers=1,
        module__n_heads=1,
        module__dim_feedforward=4,
        **TINY,
        **params,
    ),
}

# Errors a clean training set may still meet, each named by its cause.
TOO_FEW_SPEAKERS = r"speaker-grouped validation split needs at least 2 distinct groups"
LONE_EXAMPLE = r"a training batch of 1 example\(s\) is too small"
OVERFLOW = r"loss is (nan|inf|-inf) in epoch|network's output for example\(s\) .* is not finite"

FIT_DEFECTS = {
    "none": None,
    "nan_padding": None,  # whole NaN frames at either end mark padding: valid
    "nan_all": r"example \d+ of X is NaN everywhere",
    "nan_interior": r"example \d+ of X has NaN between real",
    "nan_partial_band": r"X has NaN in some but not all bands of frame \d+",
    "inf": r"Input contains infinity",
    "complex": r"Complex data not supported",
    "strings": r"could not convert string to float",
    "rank_low": r"Expected 2D array, got 1D array",
    "rank_high": r"Expected a [23]-D array .*got shape",
    "zero_axis": r"every axis needs at least 1 entry|0 feature\(s\)",
    "ragged": r"inhomogeneous shape|setting an array element with a sequence",
    "X_none": r"Expected 2D array, got scalar array",
    "y_short": r"inconsistent numbers of samples",
    "groups_short": r"inconsistent numbers of samples",
    "groups_missing": r"groups has missing speaker ids \(None, NaN or NA\)",
    "groups_2d": r"groups should be a 1-D array-like of speaker ids",
    "single_class": r"needs at least 2 classes to train; got 1 class",
    "y_continuous": r"Unknown label type: continuous",
    "y_mixed": r"y has labels of types \['int', 'str'\] that cannot be sorted",
    "y_none": r"y has labels of types \['NoneType'\] that cannot be sorted",
    "y_bytes": r"labels represented as bytes",
    "class_weight_other_labels": r"class_weight has labels .* not among the classes",
}
PREDICT_DEFECTS = {
    "none": None,
    "other_shape": r"X has \d+ features, but \w+ is expecting \d+ features",
    "rank_low": r"Expected 2D array, got 1D array",
    "nan_interior": r"example \d+ of X has NaN between real|example \d+ of X is NaN everywhere",
    "inf": r"Input contains infinity",
    "score_other_label_type": r"Mix of label input types \(string and number\)",
    "partial_fit_other_label_type": r"y contains labels not seen in the first call to fit",
}


def _labels(kind, codes):
    if kind == "str":
        return np.array([f"emotion{code}" for code in codes])
    if kind == "int":
        return np.asarray(codes) * 7 - 3
    return np.asarray(codes) == 1 if kind == "bool" else np.asarray(codes, dtype=float)


def _other_type(labels, n):
    """Labels of another type than ``labels``: numbers for strings and back."""
    if labels.dtype.kind in "UO":
        return np.arange(n) % 2
    return np.array([f"label{i % 2}" for i in range(n)])


@st.composite
def training_sets(draw, waveform):
    """Keyword arguments of the test: data, hyper-parameters and the defect."""
    n = draw(st.integers(3, 8))
    shape = (
        (draw(st.integers(1, 40)),)
        if waveform
        else (draw(st.integers(1, 4)), draw(st.integers(1, 10)))
    )
    scale = draw(st.sampled_from([1.0, 1.0, 1e-30, 1e4, 1e30]))
    X = draw(hnp.arrays(np.float32, (n, *shape), elements=st.floats(-1, 1, width=32)))
    X = X * np.float32(scale)
    label_kind = draw(st.sampled_from(["str", "int", "bool", "float"]))
    n_classes = 2 if label_kind == "bool" else draw(st.integers(2, 3))
    # Classes 0 and 1 come first, so that y[:-1] still holds two classes.
    codes = [0, 1] + draw(st.lists(st.integers(0, n_classes - 1), min_size=n - 2, max_size=n - 2))
    y = _labels(label_kind, codes)
    groups = None
    if draw(st.booleans()):
        groups = np.array(
            [f"spk{k}" for k in draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))]
        )
    frames = shape[-1]
    params = dict(
        batch_size=draw(st.integers(2, 8)),
        validation_fraction=draw(st.sampled_from([None, 0.3])),
        crop_length=draw(st.sampled_from([None, 1, frames, frames + 2])),
        noise_snr_db=draw(st.sampled_from([None, (5.0, 20.0)])),
        time_masks=draw(st.integers(0, 1)),
        time_mask_width=2,
    )
    defects = [d for d in FIT_DEFECTS if not (waveform and d == "nan_partial_band")]
    defect = draw(st.sampled_from(["none"] * 6 + defects))
    X, y, groups, params = _inject(draw, defect, X, y, groups, params, waveform)
    return dict(X=X, y=y, groups=groups, params=params, defect=defect, scale=scale)


def _inject(draw, defect, X, y, groups, params, waveform):
    n, frames = len(X), X.shape[-1]
    example = draw(st.integers(0, n - 1))
    if defect == "nan_padding" and frames > 1:
        for i in range(n):
            cut = draw(st.integers(0, frames - 1))
            if draw(st.booleans()):
                X[i, ..., frames - cut :] = np.nan if cut else X[i, ..., frames - cut :]
            else:
                X[i, ..., :cut] = np.nan
    elif defect == "nan_all":
        X[example] = np.nan
    elif defect == "nan_interior":
        if frames < 3:
            X = np.concatenate([X, X, X], axis=-1)
            frames = X.shape[-1]
        X[example, ..., draw(st.integers(1, frames - 2))] = np.nan
    elif defect == "nan_partial_band":
        if X.shape[1] < 2:
            X = np.concatenate([X, X], axis=1)
        X[example, 0, draw(st.integers(0, frames - 1))] = np.nan
    elif defect == "inf":
        X[(example, *(draw(st.integers(0, size - 1)) for size in X.shape[1:]))] = np.inf
    elif defect == "complex":
        X = X.astype(np.complex64)
    elif defect == "strings":
        X = np.char.add("x", X.astype(str))
    elif defect == "rank_low":
        X = X.ravel()
    elif defect == "rank_high":
        X = X[..., np.newaxis, np.newaxis] if waveform else X[..., np.newaxis]
    elif defect == "zero_axis":
        X = np.take(X, [], axis=draw(st.integers(1, X.ndim - 1)))
    elif defect == "ragged":
        X = list(X) + [X[0][..., :-1] if frames > 1 else np.concatenate([X[0], X[0]], -1)]
        y = np.concatenate([y, y[:1]])
        groups = None if groups is None else np.concatenate([groups, groups[:1]])
    elif defect == "X_none":
        X = None
    elif defect == "y_short":
        y = y[:-1]
    elif defect == "groups_short":
        groups = np.array(["spk0", "spk1"] * n)[: n - 1]
    elif defect == "groups_missing":
        groups = np.array([f"spk{i % 2}" for i in range(n)], dtype=object)
        groups[example] = draw(st.sampled_from([None, np.nan]))
    elif defect == "groups_2d":
        groups = np.zeros((n, 2))
    elif defect == "single_class":
        y = np.full(n, y[0])
    elif defect == "y_continuous":
        y = np.linspace(0.1, 0.9, n)
    elif defect == "y_mixed":
        y = np.array(["happy", 1] * n, dtype=object)[:n]
    elif defect == "y_none":
        y = np.array([None] * n, dtype=object)
    elif defect == "y_bytes":
        y = np.array([b"happy", b"sad"] * n)[:n]
    elif defect == "class_weight_other_labels":
        params = dict(params, class_weight={label: 2.0 for label in _other_type(y, 2)})
    return X, y, groups, params


def _expected_fit_error(case):
    """The regex a fit of ``case`` must raise, or None when it must train."""
    return FIT_DEFECTS[case["defect"]]


def _fit(name, case):
    classifier = CLASSIFIERS[name](**case["params"])
    return classifier.fit(case["X"], case["y"], groups=case["groups"])


def _check_predictions(classifier, X, y):
    proba = classifier.predict_proba(X)
    assert proba.shape == (len(X), len(classifier.classes_))
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    prediction = classifier.predict(X)
    assert prediction.dtype == classifier.classes_.dtype
    assert np.isin(prediction, classifier.classes_).all()
    np.testing.assert_array_equal(classifier.classes_, np.unique(y))


@st.composite
def prediction_inputs(draw, case):
    """(method, X, y, regex or None) for a model fitted on ``case``."""
    defect = draw(st.sampled_from(["none"] * 2 + list(PREDICT_DEFECTS)))
    X = np.array(case["X"], dtype=np.float32)  # a copy, NaN padding included
    n = draw(st.integers(1, len(X)))
    X, y = X[:n], case["y"][:n]
    if defect == "other_shape":
        X = np.concatenate([X, X[..., :1]], axis=-1)
    elif defect == "rank_low":
        X = X.ravel()
    elif defect == "nan_interior":
        X = np.nan_to_num(X, nan=0.0)  # no padding, so the NaN cannot extend it
        if X.shape[-1] >= 3:
            X[0, ..., 1] = np.nan
        else:
            X[0] = np.nan
    elif defect == "inf":
        X = X.copy()
        X[(0, *(draw(st.integers(0, size - 1)) for size in X.shape[1:]))] = -np.inf
    method = "predict"
    if defect == "score_other_label_type":
        method, y = "score", _other_type(y, n)
    elif defect == "partial_fit_other_label_type":
        method, y = "partial_fit", _other_type(y, n)
    return method, X, y, PREDICT_DEFECTS[defect]


@pytest.mark.parametrize("name", CLASSIFIERS)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_classifiers_train_predict_or_name_the_problem(name, data):
    waveform = name == "cnn-lstm-1d"
    case = data.draw(training_sets(waveform), label="training set")
    event(f"fit: {case['defect']}")
    expected = _expected_fit_error(case)
    if expected is not None:
        with pytest.raises((ValueError, TypeError), match=expected):
            _fit(name, case)
        return
    try:
        classifier = _fit(name, case)
    except ValueError as error:
        # Clean data too small for the validation split or for BatchNorm, or
        # values of 1e30 that overflow float32 inside the network, must be
        # refused with their cause.
        legitimate = [TOO_FEW_SPEAKERS, LONE_EXAMPLE] + (
            [OVERFLOW] if case["scale"] >= 1e30 else []
        )
        assert any(re.search(pattern, str(error)) for pattern in legitimate), error
        event(f"clean fit refused: {str(error)[:40]}")
        return

    method, X, y, expected = data.draw(prediction_inputs(case), label="prediction input")
    event(f"{method}: {'defect' if expected else 'clean'}")
    if expected is not None:
        with pytest.raises((ValueError, TypeError), match=expected):
            if method == "predict":
                classifier.predict_proba(X)
            else:
                getattr(classifier, method)(X, y)
        return
    try:
        _check_predictions(classifier, X, case["y"])
    except ValueError as error:
        assert case["scale"] >= 1e30 and re.search(OVERFLOW, str(error)), error
