import numpy as np
import pytest

from sklearn_ser.utils import check_device, check_groups, check_waveforms


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


# Six examples of two speakers, with one defect each.
BAD_GROUPS = {
    "None": ["a", "a", "a", "b", "b", None],
    "pandas NA": lambda pd: pd.Series(["a", "a", "a", "b", "b", pd.NA], dtype="string"),
    "NaN": np.array(["a", "a", "a", "b", "b", np.nan], dtype=object),
    "NaN number": [1.0, 1.0, 1.0, 2.0, 2.0, np.nan],
    "int and str": np.array([1, 1, 1, "b", "b", "b"], dtype=object),
    "1 and '1'": [1, 1, 1, "1", "1", "1"],
    "scalar string": "speaker",
}
BAD_GROUPS_MESSAGES = {
    "None": r"groups has missing speaker ids .* at positions \[5\]",
    "pandas NA": r"groups has missing speaker ids .* at positions \[5\]",
    "NaN": r"groups has missing speaker ids .* at positions \[5\]",
    "NaN number": r"groups has missing speaker ids .* at positions \[5\]",
    "int and str": r"groups mixes numbers and strings \(1 and 'b'\)",
    "1 and '1'": r"groups mixes numbers and strings \(1 and '1'\)",
    # scikit-learn's parameter validation refuses it first in the public functions.
    "scalar string": r"groups should be a 1-D array-like .* got str|'groups' .* must be an array",
}


def _consumers():
    """Every estimator and function that takes groups, called on six examples."""
    from sklearn.linear_model import LogisticRegression

    from sklearn_ser import CNNLSTMClassifier, SpeakerStandardScaler
    from sklearn_ser.evaluation import (
        RAVDESS_FOLDS,
        evaluate_speaker_independent,
        speaker_folds,
    )

    X = np.random.default_rng(0).normal(size=(6, 2, 3)).astype(np.float32)
    y = np.array(["calm", "sad"] * 3)
    tiny = dict(max_epochs=1, batch_size=6, validation_fraction=None, device="cpu")
    return {
        "SpeakerStandardScaler.fit": lambda g: SpeakerStandardScaler().fit(X, groups=g),
        "SpeakerStandardScaler.transform": lambda g: (
            SpeakerStandardScaler().fit(X, groups=list("aaabbb")).transform(X, groups=g)
        ),
        "CNNLSTMClassifier.fit": lambda g: CNNLSTMClassifier(**tiny).fit(X, y, groups=g),
        "evaluate_speaker_independent": lambda g: evaluate_speaker_independent(
            LogisticRegression(), X.reshape(6, -1), y, g, cv=2, progress=False
        ),
        "speaker_folds": lambda g: speaker_folds(g, n_folds=2),
        "SpeakerFolds.split": lambda g: list(RAVDESS_FOLDS.split(X, y, g)),
    }


@pytest.mark.parametrize("defect", BAD_GROUPS)
@pytest.mark.parametrize("consumer", _consumers())
def test_bad_groups_are_refused_in_the_same_words_everywhere(consumer, defect):
    pd = pytest.importorskip("pandas")
    groups = BAD_GROUPS[defect]
    groups = groups(pd) if callable(groups) else groups
    with pytest.raises(ValueError, match=BAD_GROUPS_MESSAGES[defect]):
        _consumers()[consumer](groups)


def test_check_groups_keeps_good_ids_as_numpy_holds_them():
    assert check_groups(["b", "a", "b"]).tolist() == ["b", "a", "b"]
    assert check_groups(np.array([[3], [1]])).tolist() == [3, 1]
    assert check_groups(np.array(["x", "y"], dtype=object)).dtype == object


@pytest.mark.parametrize(
    "device, match",
    [
        ("gpu", r"device='gpu' is not a torch device"),
        (3.5, r"device=3.5 is not a torch device"),
        ("meta", r"device='meta' holds no data"),
        ("cuda:99", r"device='cuda:99' was requested but"),
    ],
)
def test_unusable_devices_are_named(device, match):
    with pytest.raises(ValueError, match=match):
        check_device(device)


def test_auto_device_is_cuda_when_there_else_cpu():
    torch = pytest.importorskip("torch")
    assert check_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert check_device(torch.device("cpu")) == torch.device("cpu")


def test_a_one_column_dataframe_holds_clips_of_any_length():
    pd = pytest.importorskip("pandas")
    clips = [np.zeros(4), np.ones(2, dtype=np.int16)]
    checked = check_waveforms(pd.DataFrame({"clip": clips}))
    assert [clip.tolist() for clip in checked] == [[0.0] * 4, [2**-15] * 2]
    with pytest.raises(ValueError, match=r"got arrays in the cells .* single column of clips"):
        check_waveforms(pd.DataFrame({"left": clips, "right": clips}))
