import importlib.util
import subprocess
import sys

import numpy as np
import pytest
import sklearn
from sklearn.base import clone

from sklearn_ser import load_model, make_emotional_speech, save_model
from sklearn_ser.pipelines import RoutedVotingClassifier, make_recommended_pipeline

pytestmark = pytest.mark.skipif(
    not all(importlib.util.find_spec(name) for name in ("opensmile", "resemblyzer")),
    reason="needs [opensmile] and [voice]",
)

TINY = {
    "routedvotingclassifier__cnn_lstm__cnnlstmclassifier__max_epochs": 2,
    "routedvotingclassifier__cnn_lstm__cnnlstmclassifier__crop_length": 16,
    "routedvotingclassifier__cnn_lstm__cnnlstmclassifier__module__channels": (4, 4, 4, 4),
    "routedvotingclassifier__cnn_lstm__cnnlstmclassifier__module__hidden_size": 8,
}


@pytest.fixture(scope="module")
def corpus():
    return make_emotional_speech(
        n_speakers=4,
        n_utterances_per_emotion=3,
        emotions=("neutral", "angry", "sad"),
        duration=1.0,
        random_state=0,
    )


def _small(speaker_norm=False, **params):
    pipe = make_recommended_pipeline(speaker_norm=speaker_norm, random_state=0, **params)
    pipe.set_params(**TINY)
    if speaker_norm:
        pipe.set_params(
            routedvotingclassifier__cnn_lstm__speakerstandardscaler__min_clips=2,
            routedvotingclassifier__compare_svm__speakerstandardscaler__min_clips=2,
            routedvotingclassifier__egemaps_voice_svm__speakerstandardscaler__min_clips=2,
        )
    return pipe


@pytest.fixture(scope="module")
def fitted(corpus):
    return _small().fit(corpus.data, corpus.target)


def test_it_is_one_estimator_voting_three_families(fitted, corpus):
    vote = fitted[-1]
    assert isinstance(vote, RoutedVotingClassifier) and vote.voting == "soft"
    assert list(vote.named_estimators_) == ["cnn_lstm", "compare_svm", "egemaps_voice_svm"]
    proba = fitted.predict_proba(corpus.data[:6])
    members = np.mean([m.predict_proba(corpus.data[:6]) for m in vote.estimators_], axis=0)
    assert np.allclose(proba, members)
    assert set(fitted.predict(corpus.data)) <= set(corpus.target)
    assert list(fitted.classes_) == sorted(set(corpus.target))


def test_it_clones_and_is_reproducible_with_a_seed(fitted, corpus):
    again = clone(fitted).fit(corpus.data, corpus.target)
    assert np.allclose(again.predict_proba(corpus.data), fitted.predict_proba(corpus.data))


def test_speaker_norm_routes_the_speakers_to_every_member(corpus):
    pipe = _small(speaker_norm=True)
    with sklearn.config_context(enable_metadata_routing=True):
        pipe.fit(corpus.data, corpus.target, groups=corpus.groups)
        by_speaker = pipe.predict_proba(corpus.data, groups=corpus.groups)
        as_one = pipe.predict_proba(corpus.data, groups=np.zeros(len(corpus.data)))
    for member in pipe[-1].estimators_:
        assert set(member.named_steps["speakerstandardscaler"].speakers_) == set(corpus.groups)
    # Each speaker's own statistics, not those of all clips as one speaker.
    assert not np.allclose(by_speaker, as_one)


def test_the_feature_cache_gives_the_same_model(corpus, tmp_path, fitted):
    cached = _small(memory=tmp_path).fit(corpus.data, corpus.target)
    assert np.allclose(cached.predict_proba(corpus.data), fitted.predict_proba(corpus.data))
    assert any(tmp_path.rglob("output.pkl"))


def test_a_saved_model_predicts_the_same_in_a_fresh_process(fitted, corpus, tmp_path):
    path = tmp_path / "recommended.model"
    save_model(fitted, path)
    np.save(tmp_path / "clips.npy", np.stack([clip[:16000] for clip in corpus.data[:5]]))
    np.save(tmp_path / "expected.npy", fitted.predict_proba(np.load(tmp_path / "clips.npy")))
    script = (
        "import numpy as np, sys; from sklearn_ser import load_model; "
        f"model = load_model({str(path)!r}); "
        f"proba = model.predict_proba(np.load({str(tmp_path / 'clips.npy')!r})); "
        f"sys.exit(0 if np.array_equal(proba, np.load({str(tmp_path / 'expected.npy')!r})) else 1)"
    )
    assert subprocess.run([sys.executable, "-c", script], check=False).returncode == 0
    assert np.array_equal(
        load_model(path).predict_proba(corpus.data[:3]), fitted.predict_proba(corpus.data[:3])
    )
