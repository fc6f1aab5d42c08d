"""Tests of make_recipe and describe_recipe: the recipes by name, as the command line
chooses them."""

import importlib.util

import pytest
from sklearn.ensemble import VotingClassifier

from sklearn_ser import SpeakerStandardScaler
from sklearn_ser.pipelines import RECIPE_NAMES, describe_recipe, make_recipe


def _max_epochs(model):
    (epochs,) = {value for key, value in model.get_params().items() if key.endswith("max_epochs")}
    return epochs


@pytest.mark.parametrize(
    "name, corpus, classifier, front_end_bands",
    [
        ("cnn-lstm", "ravdess", "CNNLSTMClassifier", 64),  # the crop recipe
        ("cnn-lstm", ["synthetic"], "CNNLSTMClassifier", 40),  # the small one for 1-s clips
        ("cnn-lstm", ["synthetic", "ravdess"], "CNNLSTMClassifier", 64),
        ("transformer-cnn", None, "TransformerCNNClassifier", 128),
        ("cnn-lstm-1d", None, "CNNLSTM1DClassifier", None),
        ("baseline", None, "LogisticRegression", 64),
    ],
)
def test_each_name_is_its_recipe(name, corpus, classifier, front_end_bands):
    model = make_recipe(name, corpus=corpus, random_state=3)
    assert type(model[-1]).__name__ == classifier and model[-1].random_state == 3
    assert model.get_params().get("logmeltransformer__n_mels") == front_end_bands
    assert set(RECIPE_NAMES) == {
        "cnn-lstm",
        "cnn-lstm-1d",
        "transformer-cnn",
        "baseline",
        "recommended",
    }


def test_recommended_is_the_recommended_vote_with_options_for_its_network():
    model = make_recipe(
        "recommended", speaker_norm=True, random_state=4, max_epochs=2, device="cpu"
    )
    members = dict(model[-1].estimators)
    assert list(members) == ["cnn_lstm", "compare_svm", "egemaps_voice_svm"]
    network = members["cnn_lstm"][-1]
    assert (network.max_epochs, network.random_state, network.device) == (2, 4, "cpu")
    for member in members.values():
        assert "speakerstandardscaler" in member.named_steps
    assert _max_epochs(model) == 2


@pytest.mark.parametrize(
    "corpus, name, epochs",
    [
        ("synthetic", "cnn-lstm", 60),
        ("ravdess", "cnn-lstm", 60),
        ("ravdess", "transformer-cnn", 100),
    ],
)
def test_epochs_default_to_each_recipe_and_can_be_set(corpus, name, epochs):
    assert _max_epochs(make_recipe(name, corpus=corpus)) == epochs
    assert _max_epochs(make_recipe(name, corpus=corpus, max_epochs=3)) == 3


def test_baseline_features_and_classifier_reach_the_pipeline():
    pipe = make_recipe("baseline", features=["logmel", "egemaps"], classifier="svm")
    logmel, egemaps = (part for _, part in pipe.named_steps["featureunion"].transformer_list)
    assert type(logmel[0]).__name__ == "LogMelTransformer"
    assert type(egemaps).__name__ == "OpenSmileTransformer"
    assert pipe[-1].estimator.kernel == "rbf"
    assert type(make_recipe("baseline")[-1]).__name__ == "LogisticRegression"


def test_speaker_norm_and_seeds_reach_the_recipe():
    model = make_recipe("cnn-lstm", speaker_norm=True, n_seeds=2, random_state=5)
    assert isinstance(model.named_steps["speakerstandardscaler"], SpeakerStandardScaler)
    assert isinstance(model[-1], VotingClassifier)
    assert [copy.random_state for _, copy in model[-1].estimators] == [5, 6]


@pytest.mark.parametrize(
    "name, options, message",
    [
        ("cnn-lstm-1d", {"speaker_norm": True}, "not to cnn-lstm-1d"),
        ("cnn-lstm", {"features": "egemaps"}, "apply to the baseline only"),
        ("transformer-cnn", {"classifier": "svm"}, "apply to the baseline only"),
        ("baseline", {"n_seeds": 2}, "the baseline model takes no n_seeds"),
        ("recommended", {"n_seeds": 2}, "the recommended model takes no n_seeds"),
        ("recommended", {"features": "voice"}, "apply to the baseline only"),
        ("baseline", {"max_epochs": 2}, "the baseline takes no max_epochs"),
        ("baseline", {"features": "mfcc"}, "features must be one of"),
        ("cnn-lstm", {"n_seeds": 2, "random_state": 2**32 - 1}, "needs seeds up to 4294967296"),
    ],
)
def test_options_that_do_not_apply_are_refused(name, options, message):
    with pytest.raises(ValueError, match=message):
        make_recipe(name, **options)


def test_a_feature_set_without_its_package_is_refused_at_once(monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "opensmile" else real_find_spec(name, *a),
    )
    with pytest.raises(ImportError, match=r"compare needs the opensmile .*\[opensmile\]"):
        make_recipe("baseline", features=("logmel", "compare"))
    make_recipe("baseline", features="voice")
    with pytest.raises(ImportError, match="needs the opensmile package"):
        make_recipe("recommended")


@pytest.mark.parametrize("name", RECIPE_NAMES)
def test_describe_recipe_gives_each_recipe_the_options_it_takes(name):
    label, options = describe_recipe(name, n_seeds=3, speaker_norm=name != "cnn-lstm-1d")
    seeded = name in ("cnn-lstm", "cnn-lstm-1d", "transformer-cnn")
    assert options["n_seeds"] == (3 if seeded else 1)
    assert ("(3 seeds)" in label) is seeded and label.startswith(name)
    assert label.endswith(" + speaker norm") is (name != "cnn-lstm-1d")
    assert ("features" in options, "classifier" in options) == (name == "baseline",) * 2
    if name != "recommended":  # which needs the optional feature packages
        make_recipe(name, **options)  # options that apply, hence accepted


def test_describe_recipe_fills_in_the_baseline_defaults_and_names_given_ones():
    assert describe_recipe("baseline") == (
        "baseline",
        {"speaker_norm": False, "n_seeds": 1, "features": ["logmel"], "classifier": "logreg"},
    )
    label, options = describe_recipe("baseline", features=["logmel", "egemaps"])
    assert label == "baseline (logmel+egemaps, logreg)"
    assert options["features"] == ["logmel", "egemaps"]
    assert describe_recipe("baseline", features="logmel")[0] == "baseline (logmel, logreg)"
    assert describe_recipe("cnn-lstm", classifier="svm") == (
        "cnn-lstm",
        {"speaker_norm": False, "n_seeds": 1},
    )
