import io
import pickle
import zipfile

import numpy as np
import pytest
import torch
from sklearn.base import clone

import sklearn_ser
from sklearn_ser import SpeechEncoderTransformer, load_model, save_model
from sklearn_ser.preprocessing import _speech_encoder
from sklearn_ser.preprocessing._base import resample_clip

from .tiny_speech_encoders import KINDS, WAVEFORM_KINDS, save_tiny_encoder

transformers = pytest.importorskip("transformers")

pytestmark = pytest.mark.filterwarnings(
    # Raised inside transformers' WavLM attention, whatever the mask's dtype.
    "ignore:Support for mismatched key_padding_mask:UserWarning"
)

RNG = np.random.default_rng(0)
# 0.05 s to 0.3 s at 16 kHz: the tiny encoders make a frame per 10 samples.
CLIPS = [RNG.normal(scale=0.1, size=n).astype(np.float32) for n in (800, 3000, 1700, 4800)]


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    """A directory per kind of tiny encoder, made on first use."""
    directories = {}

    def directory(kind):
        if kind not in directories:
            directories[kind] = save_tiny_encoder(kind, tmp_path_factory.mktemp(kind))
        return directories[kind]

    return directory


@pytest.fixture(autouse=True)
def _fresh_encoder_cache():
    _speech_encoder._load_encoder.cache_clear()
    yield
    _speech_encoder._load_encoder.cache_clear()


@pytest.mark.parametrize("kind", KINDS)
def test_one_vector_per_clip(tiny_models, kind):
    encoder = SpeechEncoderTransformer(tiny_models(kind)).fit(CLIPS)
    features = encoder.transform(CLIPS)
    assert features.shape == (4, 16) and features.dtype == np.float32
    assert np.isfinite(features).all()
    assert encoder.n_features_out_ == 16 and encoder.n_layers_ == 2
    assert encoder.sampling_rate_ == 16000
    assert encoder.model_type_ == kind.removesuffix("-group").removesuffix("-layer")
    assert encoder.get_feature_names_out()[0] == "speechencodertransformer0"
    # Different clips, different vectors; the same clips, the same vectors
    # (dropout of 0.5 everywhere: a network in training mode would not repeat).
    assert not np.allclose(features[0], features[1], atol=1e-3)
    np.testing.assert_array_equal(encoder.transform(CLIPS), features)
    np.testing.assert_array_equal(clone(encoder).fit(CLIPS).transform(CLIPS), features)


@pytest.mark.parametrize("kind", KINDS)
def test_a_clip_gets_the_same_vector_whatever_its_batch(tiny_models, kind):
    """Alone, or padded beside longer clips in one batch, or with clips of its
    own length: group-normalised feature encoders must not see padding."""
    short = CLIPS[0]
    alone = SpeechEncoderTransformer(tiny_models(kind), batch_size=1).fit([short])
    reference = alone.transform([short])[0]
    batched = SpeechEncoderTransformer(tiny_models(kind), batch_size=8).fit(CLIPS)
    mixes = [
        [short, *CLIPS[1:]],
        [CLIPS[3], CLIPS[1], short],
        [short, RNG.normal(scale=0.1, size=800).astype(np.float32), CLIPS[3]],
    ]
    for clips in mixes:
        features = batched.transform(clips)
        row = next(i for i, clip in enumerate(clips) if clip is short)
        np.testing.assert_allclose(features[row], reference, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kind", list(WAVEFORM_KINDS))
def test_only_padding_safe_encoders_get_padded_batches(tiny_models, kind, monkeypatch):
    """Group-normalised feature encoders (and data2vec-audio) run clips of
    different lengths apart; the others pad them within a batch."""
    encoder = SpeechEncoderTransformer(tiny_models(kind), batch_size=8).fit(CLIPS)
    network = _speech_encoder._load_encoder(encoder.model, "cpu").network
    batch_shapes = []
    network.register_forward_pre_hook(
        lambda module, args, kwargs: batch_shapes.append(tuple(kwargs["input_values"].shape)),
        with_kwargs=True,
    )
    encoder.transform(CLIPS + [CLIPS[0] * 2])
    if kind in ("wav2vec2-layer", "hubert", "wavlm"):
        assert batch_shapes == [(5, 4800)]
    else:
        assert sorted(batch_shapes) == [(1, 1700), (1, 3000), (1, 4800), (2, 800)]


def test_whisper_averages_the_frames_of_the_real_audio_only(tiny_models):
    directory = tiny_models("whisper")
    encoder = SpeechEncoderTransformer(directory, layer=-1).fit(CLIPS)
    features = encoder.transform(CLIPS)
    extractor = transformers.WhisperFeatureExtractor.from_pretrained(directory)
    network = transformers.WhisperModel.from_pretrained(directory).get_encoder().eval()
    # 1700 samples are 11 log-mel frames of 160 samples, 6 encoder frames.
    window = extractor(CLIPS[2], sampling_rate=16000, return_tensors="pt")["input_features"]
    with torch.inference_mode():
        frames = network(window).last_hidden_state[0]
    assert frames.shape[0] == 50  # the whole (1-s) window
    np.testing.assert_allclose(features[2], frames[:6].mean(dim=0), rtol=1e-5, atol=1e-6)
    assert not np.allclose(features[2], frames[:7].mean(dim=0), atol=1e-4)


def test_whisper_warns_of_clips_cut_to_its_window(tiny_models):
    encoder = SpeechEncoderTransformer(tiny_models("whisper")).fit(CLIPS)
    long_clip = RNG.normal(scale=0.1, size=20000).astype(np.float32)
    with pytest.warns(UserWarning, match=r"1 clip\(s\) longer than the 1-s window") as record:
        features = encoder.transform([CLIPS[0], long_clip])
    assert record[0].filename == __file__
    np.testing.assert_allclose(features[1], encoder.transform([long_clip[:16000]])[0], atol=1e-6)


@pytest.mark.parametrize("kind", ["wav2vec2-group", "whisper"])
def test_layers_are_chosen_and_averaged(tiny_models, kind):
    def features(layer):
        encoder = SpeechEncoderTransformer(tiny_models(kind), layer=layer)
        return encoder.fit(CLIPS).transform(CLIPS)

    by_layer = [features(layer) for layer in (0, 1, 2)]
    assert not np.allclose(by_layer[0], by_layer[2], atol=1e-3)
    assert not np.allclose(by_layer[1], by_layer[2], atol=1e-3)
    np.testing.assert_array_equal(features(-1), by_layer[2])
    np.testing.assert_allclose(features([1, 2]), (by_layer[1] + by_layer[2]) / 2, atol=1e-5)
    np.testing.assert_allclose(features("mean"), np.mean(by_layer, axis=0), atol=1e-5)


@pytest.mark.parametrize(
    "layer, message",
    [
        (3, "has 2 transformer layers: use 0 .* to 2, or negative numbers from -1 .* to -3"),
        (-4, "has 2 transformer layers"),
        ([0, 5], "out of range"),
        ([], "non-empty list of int"),
        ([1, "2"], "non-empty list of int"),
    ],
)
def test_bad_layers_are_refused_against_the_model(tiny_models, layer, message):
    encoder = SpeechEncoderTransformer(tiny_models("wav2vec2-group"), layer=layer)
    with pytest.raises(ValueError, match=message):
        encoder.fit(CLIPS)


def test_a_missing_model_is_one_line_naming_it(tmp_path, monkeypatch):
    missing = str(tmp_path / "no" / "such" / "model")
    with pytest.raises(OSError, match="hf download") as raised:
        SpeechEncoderTransformer(missing).fit(CLIPS)
    message = str(raised.value)
    assert repr(missing) in message and "local directory" in message and "\n" not in message
    # A hub name that is not cached, without network.
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_OFFLINE", True)
    with pytest.raises(OSError, match=r"model='someone/wav2vec2-nowhere'.*hf download"):
        SpeechEncoderTransformer("someone/wav2vec2-nowhere").fit(CLIPS)


def test_the_model_has_to_be_given():
    with pytest.raises(ValueError, match="needs model=, a directory"):
        SpeechEncoderTransformer().fit(CLIPS)


def test_a_directory_without_a_model_is_named(tmp_path):
    with pytest.raises(OSError, match=r"is a directory but holds no Hugging Face audio model"):
        SpeechEncoderTransformer(str(tmp_path)).fit(CLIPS)


def test_without_transformers_the_error_says_how_to_install(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "transformers", None)
    with pytest.raises(ImportError, match=r"sklearn_ser\[transformers\]"):
        SpeechEncoderTransformer("anything").fit(CLIPS)


def test_other_sampling_rates_are_resampled(tiny_models):
    at_8k = [clip[::2] for clip in CLIPS]
    encoder = SpeechEncoderTransformer(tiny_models("wav2vec2-layer"), sr=8000).fit(at_8k)
    upsampled = [resample_clip(clip, 8000, 16000) for clip in at_8k]
    reference = SpeechEncoderTransformer(tiny_models("wav2vec2-layer")).fit(upsampled)
    np.testing.assert_allclose(
        encoder.transform(at_8k), reference.transform(upsampled), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("n_samples", [1, 19])
def test_clips_shorter_than_the_receptive_field_are_padded(tiny_models, n_samples):
    # The tiny feature encoders need 20 samples for one frame.
    clip = RNG.normal(size=n_samples)
    encoder = SpeechEncoderTransformer(tiny_models("wav2vec2-group")).fit([clip])
    padded = np.pad(clip, (0, 20 - n_samples))
    np.testing.assert_allclose(encoder.transform([clip]), encoder.transform([padded]), atol=1e-6)


def test_cuda_without_a_gpu_is_refused(tiny_models):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(ValueError, match="CUDA is not available"):
        SpeechEncoderTransformer(tiny_models("whisper"), device="cuda").fit(CLIPS)


def test_the_model_file_stores_the_path_not_the_network(tiny_models, tmp_path):
    """save_model keeps `model` and the weights' digest; the loaded copy reloads
    the encoder from `model` at its first transform and gives the same vectors."""
    encoder = SpeechEncoderTransformer(tiny_models("wav2vec2-layer"), layer=[1, 2]).fit(CLIPS)
    expected = encoder.transform(CLIPS)
    path = tmp_path / "encoder.skops"
    save_model(encoder, path)
    with zipfile.ZipFile(path) as archive:
        names = [name for name in archive.namelist() if name.endswith(".npy")]
        arrays = [np.load(io.BytesIO(archive.read(name))) for name in names]
    # The tiny network has tensors of 8 x 1 x 10 and more.
    assert arrays and not any(array.size > 16 for array in arrays)
    _speech_encoder._load_encoder.cache_clear()  # as in a new process
    loaded = load_model(path)
    assert loaded.model == encoder.model and loaded.weights_digest_ == encoder.weights_digest_
    np.testing.assert_array_equal(loaded.transform(CLIPS), expected)
    _speech_encoder._load_encoder.cache_clear()
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(encoder)).transform(CLIPS), expected)


def test_other_weights_at_the_model_path_are_refused(tiny_models, tmp_path):
    directory = save_tiny_encoder("hubert", tmp_path / "model")
    encoder = SpeechEncoderTransformer(directory).fit(CLIPS)
    # Another network saved over it: the saved classifier would get other features.
    network = transformers.HubertModel.from_pretrained(directory)
    with torch.no_grad():
        network.encoder.layers[0].feed_forward.output_dense.bias.add_(1)
    network.save_pretrained(directory)
    _speech_encoder._load_encoder.cache_clear()
    with pytest.raises(ValueError, match="holds other weights than the ones .* fitted with"):
        encoder.transform(CLIPS)
    # Pointing the fitted transformer at the original weights again.
    original = save_tiny_encoder("hubert", tmp_path / "original")
    np.testing.assert_array_equal(
        encoder.set_params(model=original).transform(CLIPS),
        SpeechEncoderTransformer(original).fit(CLIPS).transform(CLIPS),
    )


def test_a_baseline_pipeline_takes_it_as_a_feature_set(tiny_models):
    y = np.array(["angry", "calm"] * 4)
    clips = [RNG.normal(scale=0.1, size=1600 + 100 * i).astype(np.float32) for i in range(8)]
    encoder = SpeechEncoderTransformer(tiny_models("wav2vec2-group"), layer=-1)
    pipe = sklearn_ser.make_baseline_pipeline(features=("logmel", encoder))
    pipe.fit(clips, y)
    union = pipe.named_steps["featureunion"]
    assert [name for name, _ in union.transformer_list] == [
        "pipeline",
        "speechencodertransformer",
    ]
    assert union.transformer_list[1][1] is not encoder  # a clone, as for the named sets
    assert pipe.predict(clips).shape == (8,)
