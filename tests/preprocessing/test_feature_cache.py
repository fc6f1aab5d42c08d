"""Each clip's features computed once: the transformers' own per-clip cache
(``memory=``) and scikit-learn's ``Pipeline(memory=...)``."""

import importlib.util

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from sklearn_ser import (
    FixedLengthWaveform,
    InputDomainCheck,
    LogMelTransformer,
    OpenSmileTransformer,
    SpeakerStandardScaler,
    UtteranceStandardScaler,
    UtteranceStatistics,
    VoiceEmbeddingTransformer,
)
from sklearn_ser.preprocessing._base import ClipFeaturesTransformer

RNG = np.random.default_rng(0)
CLIPS = [RNG.normal(scale=0.1, size=n).astype(np.float32) for n in (16000, 12000, 20000, 16000)]


@pytest.fixture
def computed(monkeypatch):
    """The clips each transform computed (not read from a cache)."""
    calls = []
    original = ClipFeaturesTransformer._transform_clips

    def counting(self, clips):
        calls.append(len(clips))
        return original(self, clips)

    monkeypatch.setattr(ClipFeaturesTransformer, "_transform_clips", counting)
    return calls


def _extractors():
    extractors = []
    if importlib.util.find_spec("opensmile"):
        extractors.append(OpenSmileTransformer)
    if importlib.util.find_spec("resemblyzer"):
        extractors.append(VoiceEmbeddingTransformer)
    return extractors


@pytest.mark.parametrize("extractor", _extractors())
@pytest.mark.parametrize("as_path", [True, False])
def test_cached_rows_equal_computed_ones_and_each_clip_is_computed_once(
    extractor, as_path, tmp_path, computed
):
    memory = tmp_path if as_path else str(tmp_path)
    plain = extractor().fit(CLIPS).transform(CLIPS)
    cached = extractor(memory=memory).fit(CLIPS[:2])
    computed.clear()
    assert np.array_equal(cached.transform(CLIPS[:3]), plain[:3])
    assert np.array_equal(cached.transform(CLIPS), plain)  # a fresh instance would agree
    assert np.array_equal(extractor(memory=memory).fit(CLIPS).transform(CLIPS[::-1]), plain[::-1])
    assert computed == [3, 1]  # the fourth clip only, then nothing


def test_settings_that_change_the_rows_are_part_of_the_key(tmp_path, computed):
    pytest.importorskip("opensmile")
    OpenSmileTransformer(memory=tmp_path).fit(CLIPS).transform(CLIPS)
    other = OpenSmileTransformer(feature_set="GeMAPSv01b", memory=tmp_path).fit(CLIPS)
    computed.clear()
    assert other.transform(CLIPS).shape == (4, 62)
    assert computed == [4]


def test_an_invalid_memory_is_refused_by_name():
    pytest.importorskip("opensmile")
    with pytest.raises(ValueError, match="memory"):
        OpenSmileTransformer(memory=3).fit(CLIPS)


FRONT_ENDS = {
    "log-mel statistics": [
        ("check", InputDomainCheck()),
        ("logmel", LogMelTransformer(n_mels=16)),
        ("utterance", UtteranceStandardScaler()),
        ("speaker", SpeakerStandardScaler()),
        ("statistics", UtteranceStatistics()),
    ],
    "fixed-length waveform": [("waveform", FixedLengthWaveform(n_samples=400))],
}
if importlib.util.find_spec("opensmile"):
    FRONT_ENDS["openSMILE"] = [("smile", OpenSmileTransformer())]
if importlib.util.find_spec("resemblyzer"):
    FRONT_ENDS["speaker encoder"] = [("voice", VoiceEmbeddingTransformer())]


@pytest.mark.filterwarnings("ignore:SpeakerStandardScaler got no groups")
@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_pipeline_memory_reuses_every_transformer(front_end, tmp_path, monkeypatch):
    y = [0, 1, 0, 1]
    fitted = []
    for _, step in FRONT_ENDS[front_end]:
        original = type(step).fit_transform

        def counting(self, *args, _original=original, **kwargs):
            fitted.append(type(self).__name__)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(type(step), "fit_transform", counting)
    first = Pipeline([*FRONT_ENDS[front_end], ("clf", LogisticRegression())], memory=str(tmp_path))
    proba = first.fit(CLIPS, y).predict_proba(CLIPS)
    assert len(fitted) == len(FRONT_ENDS[front_end])
    fitted.clear()
    again = Pipeline([*FRONT_ENDS[front_end], ("clf", LogisticRegression())], memory=str(tmp_path))
    assert np.allclose(again.fit(CLIPS, y).predict_proba(CLIPS), proba)
    assert fitted == []  # every step came from the cache
