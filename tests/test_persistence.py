"""save_model / load_model (data, never code) and the version stamps of
pickles and safe files."""

import inspect
import io
import json
import pickle
import subprocess
import sys
import textwrap
import warnings
import zipfile

import joblib
import numpy as np
import pytest
import sklearn
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from sklearn.svm import SVC
from skorch.callbacks import ProgressBar
from skorch.exceptions import DeviceWarning
from torch import nn

import sklearn_ser
from sklearn_ser import (
    CNNLSTM1DClassifier,
    CNNLSTMClassifier,
    FixedLengthWaveform,
    LogMelTransformer,
    SpeakerStandardScaler,
    TransformerCNNClassifier,
    UtteranceStatistics,
    is_safe_model_file,
    load_model,
    make_emotional_speech,
    save_model,
)
from sklearn_ser.estimators import EpochProgressBar
from sklearn_ser.exceptions import DomainShiftWarning, InconsistentVersionWarning, ModelFileError
from sklearn_ser.pipelines import (
    make_baseline_pipeline,
    make_crop_cnn_lstm_pipeline,
    make_small_cnn_lstm_pipeline,
)
from sklearn_ser.utils._versions import VersionStampMixin, running_versions

SR = 8000
MEL = dict(sr=SR, n_fft=256, hop_length=128, n_mels=16)
TINY = dict(
    module__channels=(4, 4, 4, 4),
    module__hidden_size=4,
    max_epochs=2,
    batch_size=8,
    lr=0.01,
    random_state=0,
)
TINY_TRANSFORMER = dict(
    module__cnn_channels=(2, 2, 2),
    module__n_layers=1,
    module__n_heads=1,
    module__dim_feedforward=8,
    max_epochs=2,
    random_state=0,
)


@pytest.fixture(scope="module")
def corpus():
    """24 equal-length clips: 2 speakers, 4 emotions, 3 utterances each."""
    X, y, groups = make_emotional_speech(
        n_speakers=2,
        n_utterances_per_emotion=3,
        duration=0.5,
        sr=SR,
        random_state=0,
        return_X_y_groups=True,
    )
    return np.stack(X).astype(np.float32), y, groups


def _spectrograms(n=20, seed=0):
    rng = np.random.RandomState(seed)
    y = np.resize(["angry", "calm"], n)
    X = rng.normal(size=(n, 6, 10)).astype(np.float32) + (y == "angry")[:, None, None]
    return X, y


# The pipelines of the issue and both CNN-LSTM recipes, each with whether its
# predictions need the speakers.
MODELS = {
    "small-cnn-lstm-recipe": (
        lambda: make_small_cnn_lstm_pipeline(sr=SR, speaker_norm=True, **TINY),
        True,
    ),
    "crop-cnn-lstm-recipe": (lambda: make_crop_cnn_lstm_pipeline(sr=SR, **TINY), False),
    "logmel-speakernorm-cnnlstm": (
        lambda: make_pipeline(
            LogMelTransformer(**MEL, padding="nan"),
            SpeakerStandardScaler(min_clips=1),
            CNNLSTMClassifier(**TINY, crop_length=8, class_weight="balanced"),
        ),
        True,
    ),
    "waveform-cnnlstm1d": (
        lambda: make_pipeline(FixedLengthWaveform(), CNNLSTM1DClassifier(**TINY)),
        False,
    ),
    "logmel-transformercnn": (
        lambda: Pipeline(
            [
                ("mel", LogMelTransformer(**MEL, normalize=True)),
                ("clf", TransformerCNNClassifier(**TINY_TRANSFORMER)),
            ]
        ),
        False,
    ),
    "baseline-svm-speakernorm": (
        lambda: make_baseline_pipeline("svm", sr=SR, n_mels=16, speaker_norm=True, random_state=0),
        True,
    ),
    "baseline-logreg": (
        lambda: make_baseline_pipeline("logreg", sr=SR, n_mels=16, random_state=0),
        False,
    ),
    "nested": (
        lambda: Pipeline(
            [
                (
                    "features",
                    make_pipeline(LogMelTransformer(**MEL), UtteranceStatistics(deltas=False)),
                ),
                ("identity", FunctionTransformer()),
                ("classify", make_pipeline(StandardScaler(), LogisticRegression())),
            ]
        ),
        False,
    ),
}


def _fit_predict(model, X, y, groups, routed):
    with sklearn.config_context(enable_metadata_routing=True):
        model.fit(X, y, groups=groups) if routed else model.fit(X, y)
        return model.predict_proba(X, **({"groups": groups} if routed else {}))


@pytest.mark.parametrize("name", MODELS)
def test_round_trip_gives_identical_probabilities(name, corpus, tmp_path):
    make, routed = MODELS[name]
    X, y, groups = corpus
    model = make()
    expected = _fit_predict(model, X, y, groups, routed)
    save_model(model, tmp_path / "model.skops")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # same versions, same device: silent
        loaded = load_model(tmp_path / "model.skops")
    assert type(loaded) is type(model)
    assert [type(step) for step in loaded] == [type(step) for step in model]
    with sklearn.config_context(enable_metadata_routing=True):
        proba = loaded.predict_proba(X, **({"groups": groups} if routed else {}))
    np.testing.assert_array_equal(proba, expected)
    np.testing.assert_array_equal(loaded.classes_, model.classes_)
    assert loaded.classes_.dtype == model.classes_.dtype


def test_round_trip_in_a_fresh_process(corpus, tmp_path):
    X, y, groups = corpus
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "groups.npy", groups)
    for name, (make, routed) in MODELS.items():
        model = make()
        np.save(tmp_path / f"{name}.npy", _fit_predict(model, X, y, groups, routed))
        save_model(model, tmp_path / f"{name}.skops")
    code = textwrap.dedent("""
        import sys, warnings
        import numpy as np, sklearn
        from sklearn_ser import load_model
        folder, routed = sys.argv[1], dict(arg.split("=") for arg in sys.argv[2:])
        X, groups = np.load(f"{folder}/X.npy"), np.load(f"{folder}/groups.npy")
        warnings.simplefilter("error")
        for name, needs_groups in routed.items():
            model = load_model(f"{folder}/{name}.skops")
            with sklearn.config_context(enable_metadata_routing=True):
                kwargs = {"groups": groups} if needs_groups == "1" else {}
                np.save(f"{folder}/{name}.loaded.npy", model.predict_proba(X, **kwargs))
    """)
    flags = [f"{name}={int(routed)}" for name, (_, routed) in MODELS.items()]
    subprocess.run([sys.executable, "-c", code, str(tmp_path), *flags], check=True)
    for name in MODELS:
        np.testing.assert_array_equal(
            np.load(tmp_path / f"{name}.loaded.npy"),
            np.load(tmp_path / f"{name}.npy"),
            err_msg=name,
        )


def test_parameters_and_fitted_attributes_keep_their_types(tmp_path):
    X, y = _spectrograms()
    clf = CNNLSTMClassifier(
        **TINY, noise_snr_db=(15.0, 29.0), class_weight={"angry": 2.0, "calm": 1.0}
    ).fit(X, y)
    save_model(clf, tmp_path / "clf.skops")
    loaded = load_model(tmp_path / "clf.skops")
    assert loaded.get_params() == clf.get_params()
    assert loaded.get_params()["module__channels"] == (4, 4, 4, 4)  # a tuple, not a list
    assert loaded.noise_snr_db == (15.0, 29.0)
    assert loaded.input_shape_ == (6, 10) and loaded.n_features_in_ == 60
    assert loaded.module is clf.module and loaded.optimizer is torch.optim.Adam
    # The history of the fit and the class weights of the loss come back too.
    assert list(loaded.net_.history) == list(clf.net_.history)
    torch.testing.assert_close(loaded.net_.criterion_.weight, clf.net_.criterion_.weight)


@pytest.mark.parametrize("ema_decay", [None, 0.9])
def test_training_goes_on_where_it_stopped(tmp_path, ema_decay):
    X, y = _spectrograms()
    clf = CNNLSTMClassifier(**TINY, validation_fraction=None, ema_decay=ema_decay).fit(X, y)
    save_model(clf, tmp_path / "clf.skops")
    loaded = load_model(tmp_path / "clf.skops")
    # Same weights, optimizer moments, history and (with ema_decay) raw
    # weights and their average, hence the same next epoch.
    clf.partial_fit(X, y)
    loaded.partial_fit(X, y)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert len(loaded.net_.history) == 3


def test_sklearn_estimators_with_nested_and_private_state(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 3))
    y = np.resize([0, 1, 2], 30)
    members = [
        ("logreg", LogisticRegression(random_state=np.random.RandomState(1))),
        ("svc", SVC(class_weight={0: 1.0, 1: 2.0, 2: 1.0})),
    ]
    models = [
        VotingClassifier(members, voting="hard").fit(X, y),  # Bunch, LabelEncoder
        make_pipeline(
            OneHotEncoder(dtype=np.float32, handle_unknown="ignore"), LogisticRegression()
        ).fit(np.round(X), y),
    ]
    for i, model in enumerate(models):
        data = X if i == 0 else np.round(X)
        save_model(model, tmp_path / f"{i}.skops")
        loaded = load_model(tmp_path / f"{i}.skops")
        np.testing.assert_array_equal(loaded.predict(data), model.predict(data))
    voting, encoder = load_model(tmp_path / "0.skops"), load_model(tmp_path / "1.skops")
    assert isinstance(voting.named_estimators_, sklearn.utils.Bunch)
    assert voting.estimators[1][1].class_weight == {0: 1.0, 1: 2.0, 2: 1.0}
    state = voting.estimators[0][1].random_state.get_state()
    np.testing.assert_array_equal(state[1], np.random.RandomState(1).get_state()[1])
    assert encoder[0].dtype is np.float32


def test_a_metadata_request_is_refused_as_a_reference_cycle(tmp_path):
    # scikit-learn keeps the estimator in the request that set_fit_request
    # stores: a cycle, which skops cannot store.
    with sklearn.config_context(enable_metadata_routing=True):
        model = make_pipeline(
            StandardScaler(), LogisticRegression().set_fit_request(sample_weight=True)
        )
    with pytest.raises(TypeError, match="cannot save the Pipeline: .*refers back to itself"):
        save_model(model, tmp_path / "model.skops")
    assert not list(tmp_path.iterdir())


def test_opensmile_baseline_round_trips(corpus, tmp_path):
    pytest.importorskip("opensmile")
    X, y, _ = corpus
    model = make_baseline_pipeline("logreg", features="egemaps", sr=SR).fit(X, y)
    save_model(model, tmp_path / "model.skops")
    loaded = load_model(tmp_path / "model.skops")
    np.testing.assert_array_equal(
        loaded.named_steps["opensmiletransformer"].feature_names_,
        model.named_steps["opensmiletransformer"].feature_names_,
    )
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_a_recipe_keeps_its_input_check(corpus, tmp_path):
    X, y, _ = corpus
    model = make_baseline_pipeline("logreg", sr=SR, n_mels=16).fit(X, y)
    save_model(model, tmp_path / "model.skops")
    loaded = load_model(tmp_path / "model.skops")
    np.testing.assert_array_equal(loaded[0].quantiles_, model[0].quantiles_)
    messages = []
    for pipeline in (model, loaded):
        with pytest.warns(DomainShiftWarning, match="quieter") as caught:
            pipeline.predict(X / 100)
        messages.append([str(warning.message) for warning in caught])
    assert messages[0] == messages[1] and len(messages[0]) == 1


def test_callbacks_of_sklearn_ser_are_saved_and_others_refused(tmp_path):
    X, y = _spectrograms()
    clf = CNNLSTMClassifier(**TINY, callbacks=[EpochProgressBar(description="fit")]).fit(X, y)
    save_model(clf, tmp_path / "clf.skops")
    loaded = load_model(tmp_path / "clf.skops")
    (callback,) = loaded.callbacks
    assert type(callback) is EpochProgressBar and callback.description == "fit"
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    # skorch's callbacks hold functions (their sink) and are no data.
    clf.set_params(callbacks=[ProgressBar()])
    with pytest.raises(
        TypeError,
        match=r"its callbacks\[0\] names skorch\.callbacks\.logging\.ProgressBar.*"
        r"set_params\(callbacks=None\)",
    ):
        save_model(clf, tmp_path / "clf.skops")


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a CPU-only machine")
def test_a_cuda_model_loads_on_the_cpu(tmp_path):
    X, y = _spectrograms()
    clf = CNNLSTMClassifier(**TINY, device="cpu").fit(X, y)
    clf.set_params(device="cuda")  # as if it had been fit on a GPU
    save_model(clf, tmp_path / "clf.skops")
    with pytest.warns(DeviceWarning, match="CUDA is not available"):
        loaded = load_model(tmp_path / "clf.skops")
    assert loaded.device == "cuda" and loaded.net_.device == "cpu"
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_unfitted_estimators_round_trip(tmp_path):
    model = make_pipeline(LogMelTransformer(**MEL), CNNLSTMClassifier(**TINY))
    save_model(model, tmp_path / "model.skops")
    loaded = load_model(tmp_path / "model.skops")
    assert loaded.get_params(deep=False).keys() == model.get_params(deep=False).keys()
    assert loaded[-1].get_params() == model[-1].get_params()
    assert not hasattr(loaded[-1], "net_")


# ------------------------------------------------------- what cannot be saved


class _ThirdPartyClassifier(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self


class _OwnModule(nn.Module):
    def __init__(self, n_bands, n_frames, n_classes):
        super().__init__()
        self.linear = nn.Linear(n_bands * n_frames, n_classes)

    def forward(self, X):
        return self.linear(X.flatten(1))


def _double(X):
    return 2 * X


def test_a_function_is_refused_naming_the_step_and_parameter(tmp_path):
    model = make_pipeline(FunctionTransformer(lambda X: X), LogisticRegression())
    with pytest.raises(
        TypeError,
        match=r"Pipeline: its steps\['functiontransformer'\]\.func names "
        r"tests\.test_persistence\.<lambda>, which a model file cannot hold",
    ):
        save_model(model, tmp_path / "model.skops")
    assert not list(tmp_path.iterdir())  # nothing written, not even a temporary file


def test_an_estimator_of_another_package_is_refused(tmp_path):
    model = Pipeline([("scale", StandardScaler()), ("mine", _ThirdPartyClassifier())])
    with pytest.raises(
        TypeError, match=r"its steps\['mine'\] names tests\.test_persistence\._ThirdPartyClassifier"
    ):
        save_model(model, tmp_path / "model.skops")


def test_a_module_class_outside_the_allowed_packages_is_refused(tmp_path):
    X, y = _spectrograms()
    clf = CNNLSTMClassifier(module=_OwnModule, max_epochs=1, random_state=0).fit(X, y)
    with pytest.raises(
        TypeError,
        match=r"cannot save the CNNLSTMClassifier: its module names "
        r"tests\.test_persistence\._OwnModule",
    ):
        save_model(clf, tmp_path / "clf.skops")


def test_a_failed_save_leaves_the_old_file(tmp_path):
    path = tmp_path / "model.skops"
    save_model(StandardScaler(), path)
    with pytest.raises(TypeError):
        save_model(make_pipeline(FunctionTransformer(_double)), path)
    assert isinstance(load_model(path), StandardScaler)
    assert [p.name for p in tmp_path.iterdir()] == ["model.skops"]


def test_only_estimators_are_saved(tmp_path):
    with pytest.raises(TypeError, match="got a builtins.dict"):
        save_model({"model": StandardScaler()}, tmp_path / "model.skops")


# ------------------------------------------------------------ what is refused


def _rewrite(path, edit):
    """Apply ``edit`` to the members of the model file ``path`` (a dict of
    name to content, the schema and the header parsed) and write them back."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    for name in ("schema.json", "sklearn_ser.json"):
        members[name] = json.loads(members[name])
    edit(members)
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            text = content if isinstance(content, (bytes, str)) else json.dumps(content)
            archive.writestr(name, text)


def _entry(node, key):
    """The schema node of the first attribute or dict entry named ``key`` in ``node``."""
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    content = node.get("content") if isinstance(node, dict) else None
    if isinstance(content, dict) and key in content:
        return content[key]
    return next((found for child in children if (found := _entry(child, key))), None)


def test_a_pickle_is_not_read(tmp_path):
    path = tmp_path / "model.joblib"
    joblib.dump(StandardScaler(), path)
    assert not is_safe_model_file(path)
    with pytest.raises(ModelFileError, match="not a model file in sklearn_ser's safe format"):
        load_model(path)
    # A zip archive that pickles objects, as torch.save writes.
    torch.save({"format": "sklearn_ser", "model": StandardScaler()}, path)
    assert not is_safe_model_file(path)
    with pytest.raises(ModelFileError, match="not a model file in sklearn_ser's safe format"):
        load_model(path)


def test_other_files_are_not_safe_model_files(tmp_path):
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as archive:
        archive.writestr("data.txt", "hello")
    torch.save({"weights": torch.zeros(2)}, tmp_path / "weights.pt")
    for name in ["other.zip", "weights.pt", "missing.skops"]:
        assert not is_safe_model_file(tmp_path / name)
    assert not is_safe_model_file(tmp_path)
    with pytest.raises(ValueError, match="not a model file"):
        load_model(tmp_path / "weights.pt")
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "missing.skops")


def test_a_file_of_the_earlier_format_asks_to_train_again(tmp_path):
    # The earlier format: a PyTorch archive of a payload naming the format.
    path = tmp_path / "model.skops"
    torch.save({"format": "sklearn_ser.safe_model", "format_version": 1, "model": {}}, path)
    with pytest.raises(ModelFileError, match="earlier sklearn_ser, which is no longer read; train"):
        load_model(path)


@pytest.mark.parametrize(
    "module, name",
    [
        ("this", "Zen"),
        ("sklearn_ser.__main__", "main"),
        ("sklearn_ser._persistence", "json"),
        ("sklearn.preprocessing", "StandardScaler"),  # where it is not defined
        ("sklearn.preprocessing._data", "NoSuchScaler"),
    ],
)
def test_types_outside_the_trusted_list_are_refused(module, name, tmp_path):
    path = tmp_path / "model.skops"
    save_model(make_pipeline(StandardScaler()), path)

    def edit(members):
        step = members["schema.json"]["content"]["content"]["steps"]["content"][0]
        step["content"][1].update(__module__=module, __class__=name)

    _rewrite(path, edit)
    assert is_safe_model_file(path)  # the container is fine; its content is refused
    with pytest.raises(
        ModelFileError,
        match=rf"refusing to load .*: its steps\['standardscaler'\] names {module}\.{name}, "
        r"which a model file may not hold \(nothing was imported or built\)",
    ):
        load_model(path)
    assert "this" not in sys.modules and "sklearn_ser.__main__" not in sys.modules


@pytest.mark.parametrize(
    "module, loader", [("sklearn.conftest", "ObjectNode"), ("sklearn.tests.test_base", "TypeNode")]
)
def test_a_type_in_the_file_never_makes_the_loader_import_its_module(module, loader, tmp_path):
    good, crafted = tmp_path / "good.skops", tmp_path / "crafted.skops"
    save_model(FunctionTransformer(), good)
    save_model(FunctionTransformer(), crafted)

    def edit(members):  # the transformer itself, or its func parameter
        node = members["schema.json"]
        node = node if loader == "ObjectNode" else node["content"]["content"]["func"]
        node.update(__module__=module, __class__="X", __loader__=loader)

    _rewrite(crafted, edit)
    # A fresh process, whose libraries are loaded by a first load: importing a
    # test module of scikit-learn would then import more and run its code.
    code = f"""
import sys
from sklearn_ser import load_model
load_model({str(good)!r})
before = set(sys.modules)
try:
    load_model({str(crafted)!r})
except ValueError as error:
    print("refused:", error)
print(sorted(set(sys.modules) - before), {module!r} in sys.modules)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    refusal, imported = result.stdout.splitlines()
    assert refusal.startswith("refused:") and f"names {module}.X" in refusal
    assert imported == "[] False"


def _fitted_cnn_lstm(corpus):
    X, y, _ = corpus
    return make_pipeline(LogMelTransformer(**MEL), CNNLSTMClassifier(**TINY)).fit(X, y)


def _set(name, value):
    """An edit that sets the parameter ``name`` of the pipeline's last step."""

    def edit(members):
        steps = members["schema.json"]["content"]["content"]["steps"]["content"]
        node = _entry(steps[-1]["content"][1], name)
        node["content"] = json.dumps(value)
        del node["__id__"]  # skops builds one node per id: the first, perhaps another

    return edit


def test_weights_that_do_not_fit_the_network_are_refused_before_it_is_built(corpus, tmp_path):
    path = tmp_path / "model.skops"
    save_model(_fitted_cnn_lstm(corpus), path)
    # Such a network would need hundreds of GB; the file holds a few kB of weights.
    _rewrite(path, _set("module__hidden_size", 200_000))
    with pytest.raises(
        ModelFileError,
        match=r"damaged or altered .*network of the CNNLSTMClassifier: the stored weights "
        r"do not fit the network",
    ):
        load_model(path)


def test_weights_that_are_not_finite_are_refused(corpus, tmp_path):
    path = tmp_path / "model.skops"
    save_model(_fitted_cnn_lstm(corpus), path)

    def poison(members):
        weights = _entry(_entry(members["schema.json"], "_net_state"), "module")
        name = next(iter(weights["content"].values()))["file"]
        array = np.full_like(np.load(io.BytesIO(members[name])), np.nan)
        members[name] = io.BytesIO()
        np.save(members[name], array)
        members[name] = members[name].getvalue()

    _rewrite(path, poison)
    with pytest.raises(ModelFileError, match="hold NaN or infinite values"):
        load_model(path)


@pytest.mark.parametrize(
    "device, message", [("meta", "holds no data to compute on"), ("bogus", "not a torch device")]
)
def test_a_network_device_that_cannot_run_it_is_refused(device, message, corpus, tmp_path):
    path = tmp_path / "model.skops"
    save_model(_fitted_cnn_lstm(corpus), path)
    _rewrite(path, _set("device", device))
    with pytest.raises(ModelFileError, match=message):
        load_model(path)


def test_a_bogus_torch_device_is_reported_as_damaged(tmp_path):
    path = tmp_path / "model.skops"
    save_model(LogMelTransformer(**MEL, device=torch.device("cpu")), path)

    def edit(members):  # torch.device("bogus") when built
        (argument,) = _entry(members["schema.json"], "device")["content"]["content"]
        argument["content"] = '"bogus"'
        del argument["__id__"]  # skops builds one node per id

    _rewrite(path, edit)
    with pytest.raises(ModelFileError, match="damaged or altered .*bogus"):
        load_model(path)


def test_a_damaged_file_is_reported_as_damaged(tmp_path):
    path = tmp_path / "model.skops"
    save_model(StandardScaler(), path)
    content = path.read_bytes()
    path.write_bytes(content[:300])  # truncated
    assert not is_safe_model_file(path)
    with pytest.raises(ModelFileError, match="is a damaged or altered safe model file"):
        load_model(path)
    # Compressed members could unpack to far more than the file's size.
    with zipfile.ZipFile(io.BytesIO(content)) as original, zipfile.ZipFile(path, "w") as archive:
        for name in original.namelist():
            archive.writestr(name, original.read(name), compress_type=zipfile.ZIP_DEFLATED)
    with pytest.raises(ModelFileError, match="damaged or altered .*compressed members"):
        load_model(path)


def test_deep_nesting_and_metadata_that_is_no_object_are_refused(tmp_path):
    path = tmp_path / "model.skops"
    save_model(StandardScaler(), path)
    deep = '{"__class__": "list", "__module__": "builtins", "__loader__": "ListNode", "content": ['

    def nest(members):  # the scaler inside 5000 lists
        members["schema.json"] = deep * 5000 + json.dumps(members["schema.json"]) + "]}" * 5000

    _rewrite(path, nest)
    with pytest.raises(ModelFileError, match="nested too deeply"):
        load_model(path)
    save_model(StandardScaler(), path)
    _rewrite(path, lambda members: members["sklearn_ser.json"].update(metadata=[1, 2]))
    with pytest.raises(ModelFileError, match="metadata is not a JSON object"):
        load_model(path, return_metadata=True)


def test_a_newer_format_or_a_broken_header_is_refused(tmp_path):
    path = tmp_path / "model.skops"
    save_model(StandardScaler(), path)
    _rewrite(path, lambda members: members["sklearn_ser.json"].update(format_version=99))
    with pytest.raises(ModelFileError, match="upgrade"):
        load_model(path)
    _rewrite(path, lambda members: members["sklearn_ser.json"].update(format_version="2"))
    with pytest.raises(ModelFileError, match="format_version is not an integer"):
        load_model(path)


# ------------------------------------------------------------- version stamps


def _public_estimator_classes():
    return [
        obj
        for name in sklearn_ser.__all__
        if inspect.isclass(obj := getattr(sklearn_ser, name)) and issubclass(obj, BaseEstimator)
    ]


def test_every_public_estimator_stamps_its_pickles():
    for cls in _public_estimator_classes():
        assert issubclass(cls, VersionStampMixin), cls
        assert cls.__mro__.index(VersionStampMixin) < cls.__mro__.index(BaseEstimator)


@pytest.fixture
def old_versions(monkeypatch):
    """Make the running versions look like another install while saving."""

    def apply():
        monkeypatch.setattr(sklearn_ser, "__version__", "0.0.1")
        monkeypatch.setattr(torch, "__version__", "1.0.0")

    return apply


@pytest.mark.parametrize(
    "estimator",
    [cls() for cls in _public_estimator_classes()],
    ids=lambda estimator: type(estimator).__name__,
)
def test_unpickling_with_other_versions_warns_once(estimator, old_versions, monkeypatch):
    old_versions()
    pickled = pickle.dumps(estimator)
    monkeypatch.undo()
    with pytest.warns(InconsistentVersionWarning) as record:
        pickle.loads(pickled)
    assert len(record) == 1
    warning = record[0].message
    assert warning.saved_versions == {"sklearn_ser": "0.0.1", "torch": "1.0.0"}
    assert warning.running_versions == {
        "sklearn_ser": sklearn_ser.__version__,
        "torch": str(torch.__version__),
    }
    assert f"sklearn_ser 0.0.1, torch 1.0.0 (running: sklearn_ser {sklearn_ser.__version__}" in str(
        warning
    )


def test_unpickling_with_the_same_versions_is_silent(corpus, tmp_path):
    X, y, _ = corpus
    model = make_pipeline(FixedLengthWaveform(), CNNLSTM1DClassifier(**TINY)).fit(X, y)
    joblib.dump(model, tmp_path / "model.joblib")
    assert "_sklearn_ser_versions" not in vars(pickle.loads(pickle.dumps(model[0])))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = joblib.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_a_pipeline_pickle_warns_with_one_message(old_versions, monkeypatch, tmp_path):
    model = make_pipeline(LogMelTransformer(**MEL), UtteranceStatistics(), LogisticRegression())
    old_versions()
    joblib.dump(model, tmp_path / "model.joblib")
    monkeypatch.undo()
    with pytest.warns(InconsistentVersionWarning) as record:
        joblib.load(tmp_path / "model.joblib")
    # One warning per sklearn_ser step, all alike: warning filters show it once.
    assert len({str(warning.message) for warning in record}) == 1


def test_pickles_without_a_stamp_load_silently():
    scaler = SpeakerStandardScaler()
    state = scaler.__getstate__()
    assert state["_sklearn_ser_versions"] == running_versions()
    del state["_sklearn_ser_versions"]
    restored = SpeakerStandardScaler.__new__(SpeakerStandardScaler)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        restored.__setstate__(state)
    assert restored.get_params() == scaler.get_params()


def test_load_model_warns_once_on_other_versions(old_versions, monkeypatch, tmp_path):
    X, y = _spectrograms()
    model = make_pipeline(UtteranceStatistics(), LogisticRegression()).fit(X, y)
    old_versions()
    save_model(model, tmp_path / "model.skops")
    monkeypatch.undo()
    with pytest.warns(InconsistentVersionWarning, match="sklearn_ser 0.0.1, torch 1.0.0") as record:
        load_model(tmp_path / "model.skops")
    assert len(record) == 1


def test_metadata_is_kept_beside_the_model(tmp_path):
    path = tmp_path / "scaler.skops"
    save_model(StandardScaler(), path, metadata={"corpus": "ravdess", "sr": 16000})
    model, metadata = load_model(path, return_metadata=True)
    assert isinstance(model, StandardScaler)
    assert metadata["corpus"] == "ravdess" and metadata["sr"] == 16000
    assert set(metadata["versions"]) >= {"sklearn_ser", "scikit-learn", "skorch", "torch"}
    assert isinstance(load_model(path), StandardScaler)


@pytest.mark.parametrize(
    "metadata, message",
    [
        (["a"], "metadata must be a dict or None, got a list"),
        ({"when": object()}, "metadata must be JSON-serialisable"),
    ],
)
def test_metadata_must_be_a_json_dict(tmp_path, metadata, message):
    with pytest.raises(TypeError, match=message):
        save_model(StandardScaler(), tmp_path / "m.skops", metadata=metadata)
    assert not (tmp_path / "m.skops").exists()


def test_a_full_disk_is_an_os_error_and_keeps_the_old_file(tmp_path, fill_disk_at):
    path = tmp_path / "model.skops"
    save_model(StandardScaler().fit([[0.0], [1.0]]), path)
    before = path.read_bytes()
    fill_disk_at(path)
    with pytest.raises(OSError, match="No space left on device"):
        save_model(StandardScaler().fit([[0.0], [3.0]]), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.skops"]


def test_a_fifo_is_neither_opened_nor_a_model_file(make_fifo):
    fifo = make_fifo("model.pt")
    assert is_safe_model_file(fifo) is False
    with pytest.raises(ValueError, match=r"model\.pt is a FIFO, not a regular file"):
        load_model(fifo)
