import numpy as np
import pytest
import sklearn
from sklearn.ensemble import VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_ser import load_model, make_emotional_speech, save_model
from sklearn_ser.pipelines import make_seed_ensemble, make_small_cnn_lstm_pipeline

TINY_NET = {"max_epochs": 2, "module__channels": (4, 4, 4, 4), "module__hidden_size": 8}


@pytest.fixture(scope="module")
def corpus():
    return make_emotional_speech(
        n_speakers=4,
        n_utterances_per_emotion=2,
        emotions=("neutral", "angry", "sad"),
        duration=1.0,
        random_state=0,
    )


@pytest.fixture(scope="module")
def fitted(corpus):
    pipe = make_seed_ensemble(
        make_small_cnn_lstm_pipeline(speaker_norm=True, random_state=5, **TINY_NET), n_seeds=3
    )
    pipe.set_params(speakerstandardscaler__min_clips=2)
    with sklearn.config_context(enable_metadata_routing=True):
        pipe.fit(corpus.data, corpus.target, groups=corpus.groups)
    return pipe


def test_copies_differ_in_the_seed_only_and_the_input_is_left_alone():
    pipe = make_small_cnn_lstm_pipeline(random_state=5, lr=0.01)
    ensemble = make_seed_ensemble(pipe, n_seeds=3)
    assert pipe.steps[-1][1].random_state == 5  # not changed in place
    assert [name for name, _ in ensemble.steps] == [name for name, _ in pipe.steps]
    vote = ensemble.steps[-1][1]
    assert isinstance(vote, VotingClassifier) and vote.voting == "soft"
    assert [(name, copy.random_state) for name, copy in vote.estimators] == [
        ("seed5", 5),
        ("seed6", 6),
        ("seed7", 7),
    ]
    reference = pipe.steps[-1][1].get_params()
    for _, copy in vote.estimators:
        params = copy.get_params()
        assert {key for key in params if params[key] != reference[key]} <= {"random_state"}


def test_a_classifier_alone_becomes_a_vote_and_none_stays_unseeded():
    vote = make_seed_ensemble(LogisticRegression(), n_seeds=2)
    assert [(name, copy.random_state) for name, copy in vote.estimators] == [
        ("seed0", None),
        ("seed1", None),
    ]


def test_seeds_it_cannot_derive_are_refused():
    with pytest.raises(ValueError, match="no random_state parameter"):
        make_seed_ensemble(VotingClassifier([("lr", LogisticRegression())]))
    with pytest.raises(ValueError, match="int random_state"):
        make_seed_ensemble(LogisticRegression(random_state=np.random.RandomState(0)))
    with pytest.raises(InvalidParameterError, match="n_seeds"):
        make_seed_ensemble(LogisticRegression(), n_seeds=0)


def test_probabilities_are_the_mean_of_differently_trained_copies(fitted, corpus):
    X, groups = corpus.data[:9], corpus.groups[:9]
    with sklearn.config_context(enable_metadata_routing=True):
        proba = fitted.predict_proba(X, groups=groups)
        features = fitted[:-1].transform(X, groups=groups)
        labels = fitted.predict(X, groups=groups)
    members = [copy.predict_proba(features) for copy in fitted[-1].estimators_]
    np.testing.assert_allclose(proba, np.mean(members, axis=0), rtol=1e-6)
    assert not np.allclose(members[0], members[1])  # the seeds made a difference
    np.testing.assert_array_equal(labels, fitted.classes_[proba.argmax(axis=1)])
    assert list(fitted.classes_) == sorted(set(corpus.target))


def test_survives_the_safe_model_format(fitted, corpus, tmp_path):
    path = tmp_path / "seeds.pt"
    save_model(fitted, path)
    loaded = load_model(path)
    with sklearn.config_context(enable_metadata_routing=True):
        expected = fitted.predict_proba(corpus.data, groups=corpus.groups)
        np.testing.assert_allclose(
            loaded.predict_proba(corpus.data, groups=corpus.groups), expected, rtol=1e-6
        )


def test_seeds_past_numpys_largest_are_refused():
    last = make_seed_ensemble(LogisticRegression(random_state=2**32 - 2), n_seeds=2)
    assert [copy.random_state for _, copy in last.estimators] == [2**32 - 2, 2**32 - 1]
    with pytest.raises(ValueError, match="of 3 from seed 4294967294 needs seeds up to 4294967296"):
        make_seed_ensemble(LogisticRegression(random_state=2**32 - 2), n_seeds=3)
