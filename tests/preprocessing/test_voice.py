import importlib.util

import numpy as np
import pytest
import torch
from sklearn.base import clone

from sklearn_ser import VoiceEmbeddingTransformer
from sklearn_ser.preprocessing import _voice

# Not importorskip: importing resemblyzer needs webrtcvad's pkg_resources,
# which the transformer avoids by reading the weights alone.
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("resemblyzer") is None, reason="needs the [voice] extra"
)

RNG = np.random.default_rng(0)
T = np.arange(32000) / 16000


def _voiced(f0, formant_gain):
    """Two seconds of a harmonic source with a vibrato-like wobble; the gain
    tilts the spectrum, a crude stand-in for a different vocal tract."""
    harmonics = sum(formant_gain**k * np.sin(2 * np.pi * k * f0 * T) / k for k in range(1, 20)) * (
        1 + 0.3 * np.sin(2 * np.pi * 3 * T)
    )
    return (0.1 * harmonics + 0.003 * RNG.normal(size=T.size)).astype(np.float32)


CLIPS = [_voiced(120, 0.9), _voiced(120, 0.9)[::-1].copy(), _voiced(240, 0.6)]


def test_unit_length_embeddings_of_each_clip():
    voice = VoiceEmbeddingTransformer().fit(CLIPS)
    embeddings = voice.transform(CLIPS)
    assert embeddings.shape == (3, 256) and embeddings.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(embeddings, axis=1), 1, atol=1e-5)
    assert voice.get_feature_names_out()[0] == "voiceembeddingtransformer0"
    np.testing.assert_array_equal(clone(voice).fit_transform(CLIPS), embeddings)
    # Different sources embed differently.
    assert embeddings[0] @ embeddings[2] < 0.999


def test_the_pretrained_weights_are_loaded():
    spec = importlib.util.find_spec("resemblyzer")
    weights = next(iter(spec.submodule_search_locations)) + "/pretrained.pt"
    state = torch.load(weights, map_location="cpu", weights_only=True)["model_state"]
    encoder = _voice._pretrained_encoder()
    torch.testing.assert_close(encoder.lstm.weight_hh_l2, state["lstm.weight_hh_l2"])
    torch.testing.assert_close(encoder.linear.bias, state["linear.bias"])


def _cosine(voice, clip, reference):
    return float(voice.transform([clip])[0] @ reference)


def test_loudness_and_silence_around_the_speech_barely_matter():
    voice = VoiceEmbeddingTransformer().fit(CLIPS)
    reference = voice.transform(CLIPS[:1])[0]
    assert _cosine(voice, 0.01 * CLIPS[0], reference) > 0.99999
    # Frames of digital silence around the clip are cut before the windows
    # are laid out; without the cut they dilute the embedding.
    padded = np.concatenate([np.zeros(8000, np.float32), CLIPS[0], np.zeros(12000, np.float32)])
    assert _cosine(voice, padded, reference) > 0.98
    untrimmed = VoiceEmbeddingTransformer(trim_db=None).fit(CLIPS)
    assert _cosine(untrimmed, padded, reference) < 0.95


def test_other_sampling_rates_are_resampled():
    reference = VoiceEmbeddingTransformer().fit_transform(CLIPS)
    at_8k = VoiceEmbeddingTransformer(sr=8000).fit(CLIPS)
    # The harmonics stay below 4 kHz: only the faint noise aliases.
    assert _cosine(at_8k, CLIPS[0][::2], reference[0]) > 0.98
    # Nearer the same clip at 16 kHz than another source is.
    assert reference[0] @ reference[2] < 0.9


@pytest.mark.parametrize("clip", [np.zeros(16000), RNG.normal(size=50), np.full(4000, 0.5)])
def test_silent_short_and_constant_clips_give_finite_embeddings(clip):
    embedding = VoiceEmbeddingTransformer().fit_transform([clip])
    assert np.isfinite(embedding).all()


def test_bad_audio_is_refused_and_named():
    voice = VoiceEmbeddingTransformer().fit(CLIPS)
    with pytest.raises(ValueError, match="clip 1 contains NaN"):
        voice.transform([CLIPS[0], np.full(100, np.nan)])
    with pytest.raises(ValueError, match="clip 0 is empty"):
        voice.transform([np.array([])])


def test_without_resemblyzer_the_error_says_how_to_install(monkeypatch):
    monkeypatch.setattr(_voice.importlib.util, "find_spec", lambda name: None)
    _voice._pretrained_encoder.cache_clear()
    try:
        with pytest.raises(ImportError, match=r"sklearn_ser\[voice\]"):
            VoiceEmbeddingTransformer().fit(CLIPS)
    finally:
        monkeypatch.undo()
        _voice._pretrained_encoder.cache_clear()
