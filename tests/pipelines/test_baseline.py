import importlib.util

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from sklearn_ser import (
    InputDomainCheck,
    LogMelTransformer,
    UtteranceStatistics,
    load_model,
    save_model,
)
from sklearn_ser.pipelines import make_baseline_pipeline


def _tones(frequencies, sr=8000, seconds=0.25):
    t = np.arange(int(sr * seconds)) / sr
    rng = np.random.default_rng(0)
    return [
        (0.5 * np.sin(2 * np.pi * f * t) + 0.05 * rng.normal(size=t.size)).astype(np.float32)
        for f in frequencies
    ]


@pytest.mark.parametrize("classifier", ["logreg", "svm"])
def test_baseline_separates_low_from_high_tones(classifier):
    frequencies = [200, 250, 300, 1500, 1800, 2100] * 3
    y = np.array(
        ["low"] * 3 + ["high"] * 3 + ["low"] * 3 + ["high"] * 3 + ["low"] * 3 + ["high"] * 3
    )
    model = make_baseline_pipeline(classifier, sr=8000, n_mels=16, random_state=0)
    model.set_params(logmeltransformer__n_fft=256, logmeltransformer__hop_length=128)
    model.fit(_tones(frequencies), y)
    assert list(model.predict(_tones([220, 2000]))) == ["low", "high"]
    assert model.predict_proba(_tones([220])).shape == (1, 2)


def test_unknown_classifier_raises():
    with pytest.raises(ValueError, match=r"classifier must be one of \['linear-svm', 'logreg'"):
        make_baseline_pipeline("forest")
    with pytest.raises(ValueError, match=r"features must be one of \['logmel', 'egemaps'"):
        make_baseline_pipeline(features="mfcc")


def test_speaker_norm_and_opensmile_features_change_the_steps():
    pytest.importorskip("opensmile")
    steps = [
        name
        for name, _ in make_baseline_pipeline(
            "linear-svm", features="egemaps", speaker_norm=True
        ).steps
    ]
    assert steps == [
        "inputdomaincheck",
        "opensmiletransformer",
        "speakerstandardscaler",
        "calibratedclassifiercv",
    ]


def test_the_input_check_comes_first_at_the_sampling_rate_unless_told_not_to():
    checked = make_baseline_pipeline(sr=8000)
    assert isinstance(checked[0], InputDomainCheck) and checked[0].sr == 8000
    unchecked = make_baseline_pipeline(sr=8000, check_domain=False)
    assert [name for name, _ in unchecked.steps] == [name for name, _ in checked.steps[1:]]


@pytest.mark.skipif(importlib.util.find_spec("resemblyzer") is None, reason="needs [voice]")
def test_a_tuple_of_feature_sets_is_concatenated_and_persists(tmp_path):
    model = make_baseline_pipeline("logreg", features=("logmel", "voice"), sr=8000, n_mels=16)
    union = model.named_steps["featureunion"]
    assert [name for name, _ in union.transformer_list] == [
        "pipeline",
        "voiceembeddingtransformer",
    ]
    frequencies = [220, 250, 280, 1800, 2000, 2200] * 2
    y = ["low"] * 3 + ["high"] * 3 + ["low"] * 3 + ["high"] * 3
    model.fit(_tones(frequencies), y)
    alone = make_baseline_pipeline("logreg", sr=8000, n_mels=16)[:-2].fit(_tones(frequencies))
    width = alone.transform(_tones([220])).shape[1]
    assert model[:-1].transform(_tones([220])).shape == (1, width + 256)
    save_model(model, tmp_path / "model.skser")
    np.testing.assert_allclose(
        load_model(tmp_path / "model.skser").predict_proba(_tones([220, 2000])),
        model.predict_proba(_tones([220, 2000])),
    )


def test_a_transformer_instance_is_a_feature_set():
    """A transformer of waveforms (e.g. a SpeechEncoderTransformer) joins the
    named feature sets as a clone, alone or in a tuple."""
    mfcc_statistics = make_pipeline(
        LogMelTransformer(sr=8000, n_mels=16, n_mfcc=4, n_fft=256, hop_length=128),
        UtteranceStatistics(deltas=False),
    )
    model = make_baseline_pipeline(features=("logmel", mfcc_statistics), sr=8000, n_mels=16)
    union = model.named_steps["featureunion"]
    assert union.transformer_list[1][1] is not mfcc_statistics
    frequencies = [220, 250, 280, 1800, 2000, 2200] * 2
    y = ["low"] * 3 + ["high"] * 3 + ["low"] * 3 + ["high"] * 3
    model.fit(_tones(frequencies), y)
    # 16 log-mel bands and 4 MFCCs, 5 statistics each (with deltas for the bands).
    assert model[:-1].transform(_tones([220])).shape == (1, 16 * 10 + 4 * 5)
    assert not hasattr(mfcc_statistics[0], "n_frames_")  # the clone was fitted
    alone = make_baseline_pipeline(features=mfcc_statistics)
    assert [name for name, _ in alone.steps] == [
        "inputdomaincheck",
        "pipeline",
        "standardscaler",
        "logisticregression",
    ]
    with pytest.raises(ValueError, match=r"features must be one of .*, a transformer, or a tuple"):
        make_baseline_pipeline(features=("logmel", 3))
