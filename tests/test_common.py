"""scikit-learn's estimator checks on every public estimator of sklearn_ser.

A 2-D array is a batch of equal-length clips for the front end and one band
by n_features frames for the classifiers and UtteranceStatistics, so the
whole suite applies to each of them. Most instances are tiny to keep it
fast; the classifiers also run with the defaults a user gets.
"""

import importlib.util
import inspect
import tempfile
from pathlib import Path

from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

import sklearn_ser
import sklearn_ser.pipelines
from sklearn_ser import (
    CNNLSTM1DClassifier,
    CNNLSTMClassifier,
    FixedLengthWaveform,
    InputDomainCheck,
    LogMelTransformer,
    LoudnessNormalizer,
    SpeakerStandardScaler,
    SpeechEncoderTransformer,
    TransformerCNNClassifier,
    UtteranceStandardScaler,
    UtteranceStatistics,
    VoiceEmbeddingTransformer,
)
from sklearn_ser.pipelines import RoutedVotingClassifier
from tests.preprocessing.tiny_speech_encoders import save_tiny_encoder

# Tiny frames so that scikit-learn's 2-D test arrays (tens of samples per
# "clip") make several frames and every mel band gets an FFT bin.
SMALL_FRAMES = dict(n_fft=16, hop_length=4, n_mels=4)
TINY_NET = dict(max_epochs=3, batch_size=16, random_state=0, lr=0.01)

ESTIMATORS = [
    LogMelTransformer(**SMALL_FRAMES),
    LogMelTransformer(**SMALL_FRAMES, n_mfcc=3, normalize=True, align="center", backend="librosa"),
    FixedLengthWaveform(),
    FixedLengthWaveform(n_samples=7, align="center"),
    LoudnessNormalizer(),
    InputDomainCheck(),
    SpeakerStandardScaler(),
    SpeakerStandardScaler(min_clips=1, with_std=False),
    UtteranceStandardScaler(),
    UtteranceStandardScaler(with_std=False),
    UtteranceStatistics(),
    UtteranceStatistics(deltas=False),
    # Pads the checks' short "clips" to one 1.6-s window of the encoder.
    VoiceEmbeddingTransformer(trim_db=None),
    CNNLSTMClassifier(module__channels=(4, 4, 4, 4), module__hidden_size=4, **TINY_NET),
    CNNLSTM1DClassifier(module__channels=(4, 4, 4, 4), module__hidden_size=4, **TINY_NET),
    # Crop training, window-averaged prediction and every augmentation.
    CNNLSTMClassifier(
        module__channels=(4, 4, 4, 4),
        module__hidden_size=4,
        crop_length=3,
        mixup_alpha=0.2,
        freq_warp=0.1,
        time_stretch=0.1,
        **TINY_NET,
    ),
    CNNLSTM1DClassifier(
        module__channels=(4, 4, 4, 4),
        module__hidden_size=4,
        crop_length=3,
        crop_hop=1,
        mixup_alpha=0.2,
        time_stretch=0.1,
        **TINY_NET,
    ),
    TransformerCNNClassifier(
        module__cnn_channels=(2, 2, 2),
        module__n_layers=1,
        module__n_heads=1,
        module__dim_feedforward=8,
        **TINY_NET,
    ),
    RoutedVotingClassifier(
        [("lr", LogisticRegression()), ("tree", DecisionTreeClassifier(random_state=0))],
        voting="soft",
    ),
    # The defaults: paper-sized networks trained by each classifier's default recipe.
    CNNLSTMClassifier(),
    CNNLSTM1DClassifier(),
    TransformerCNNClassifier(),
]

HAS_TRANSFORMERS = importlib.util.find_spec("transformers") is not None
if HAS_TRANSFORMERS:
    # Tiny untrained encoders, saved for the session and removed at exit; the
    # checks' short "clips" are padded to the 20 samples of one frame.
    _TINY_ENCODERS = tempfile.TemporaryDirectory(prefix="ser_")
    ESTIMATORS += [
        SpeechEncoderTransformer(
            save_tiny_encoder("wav2vec2-group", Path(_TINY_ENCODERS.name) / "wav2vec2")
        ),
        SpeechEncoderTransformer(
            save_tiny_encoder("whisper", Path(_TINY_ENCODERS.name) / "whisper"),
            layer=[1, 2],
            batch_size=2,
        ),
    ]

# Checks an estimator is known to fail, by class name, each with its reason.
# Keep this list short and explain every exception.
_NAN_IS_PADDING = {
    "check_estimators_nan_inf": (
        "NaN before or after an example's real steps marks padding (the front end's "
        "padding='nan'), so the check's NaN in the first step is valid input; NaN "
        "elsewhere and infinity are refused"
    ),
}
EXPECTED_FAILED_CHECKS = {
    "CNNLSTMClassifier": _NAN_IS_PADDING,
    "CNNLSTM1DClassifier": _NAN_IS_PADDING,
    "TransformerCNNClassifier": _NAN_IS_PADDING,
    "InputDomainCheck": {
        "check_transformer_data_not_an_array": (
            "a passthrough step: transform returns its input object itself, so the "
            "check's array-like without a shape comes back without one"
        ),
    },
    "SpeakerStandardScaler": {
        "check_methods_subset_invariance": (
            "without groups, the clips of one transform call are one speaker whose "
            "statistics standardise them, so a batch of clips and each clip alone "
            "are standardised differently by design"
        ),
    },
}


_FLOAT32_BATCHES = {
    "check_methods_subset_invariance": (
        "float32 arithmetic: the paper-sized networks' probabilities for a clip "
        "predicted alone and within a batch differ by up to about 3e-7 (batched "
        "convolutions round differently), above the check's 1e-7 tolerance; "
        "tests/estimators/test_classifiers.py checks them at float32 tolerance"
    ),
}


_FLOAT32_ORDER = {
    "check_methods_sample_order_invariance": (
        "float32 arithmetic: a clip's probabilities in another place of the batch can "
        "differ in the last float32 bit (about 1e-7 relative), at the check's 1e-7 "
        "tolerance; tests/estimators/test_classifiers.py checks them at float32 tolerance"
    ),
}


def _expected_failures(estimator):
    failures = dict(EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {}))
    if isinstance(estimator, (CNNLSTMClassifier, CNNLSTM1DClassifier, TransformerCNNClassifier)):
        failures.update(_FLOAT32_ORDER)
    if repr(estimator) in ("CNNLSTMClassifier()", "CNNLSTM1DClassifier()"):
        failures.update(_FLOAT32_BATCHES)
    return failures


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failures)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# Public estimators the suite cannot run, each with its reason and its own tests.
NOT_CHECKED = {
    # openSMILE needs about 0.1 s of audio per clip; the checks' arrays hold
    # tens of samples. tests/preprocessing/test_opensmile.py covers it.
    sklearn_ser.OpenSmileTransformer,
}
if not HAS_TRANSFORMERS:
    # tests/preprocessing/test_speech_encoder.py is skipped too.
    NOT_CHECKED.add(SpeechEncoderTransformer)


def test_every_public_estimator_is_checked():
    public = {
        obj
        for module in (sklearn_ser, sklearn_ser.pipelines)
        for name in module.__all__
        if inspect.isclass(obj := getattr(module, name)) and issubclass(obj, BaseEstimator)
    }
    assert public - NOT_CHECKED == {type(estimator) for estimator in ESTIMATORS}
