import numpy as np
import pytest
import sklearn
from sklearn.ensemble import VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.tree import DecisionTreeClassifier

from sklearn_ser import SpeakerStandardScaler
from sklearn_ser.pipelines import RoutedVotingClassifier

RNG = np.random.default_rng(0)
# Two speakers whose features sit far apart; within each, class 1 is higher.
SPEAKERS = np.repeat(["a", "b"], 20)
Y = np.tile([0, 1], 20)
X = (Y + 10.0 * (SPEAKERS == "b") + RNG.normal(scale=0.1, size=40))[:, None]


def _members():
    return [
        ("norm", make_pipeline(SpeakerStandardScaler(min_clips=2), LogisticRegression())),
        ("plain", LogisticRegression()),
    ]


@pytest.mark.parametrize("voting", ["soft", "hard"])
def test_without_metadata_it_is_scikit_learns_vote(voting):
    ours = RoutedVotingClassifier(_members(), voting=voting).fit(X, Y)
    theirs = VotingClassifier(_members(), voting=voting).fit(X, Y)
    assert np.array_equal(ours.predict(X), theirs.predict(X))
    if voting == "soft":
        assert np.allclose(ours.predict_proba(X), theirs.predict_proba(X))
    else:
        assert not hasattr(ours, "predict_proba")


def test_groups_reach_the_members_at_predict():
    # A new speaker far from both: only per-speaker statistics of its own
    # clips place its clips on either side of its mean.
    new_speaker = np.array([[50.0], [51.0]] * 5)
    new_groups = np.array(["c"] * 10)
    vote = RoutedVotingClassifier(_members()[:1], voting="soft")
    with sklearn.config_context(enable_metadata_routing=True):
        vote.fit(X, Y, groups=SPEAKERS)
        routed = vote.predict(new_speaker, groups=new_groups)
        proba = vote.predict_proba(new_speaker, groups=new_groups)
    assert routed.tolist() == [0, 1] * 5
    assert np.array_equal(proba.argmax(axis=1), routed)
    scaler = vote.named_estimators_["norm"][0]
    assert set(scaler.speakers_) == {"a", "b"}


def test_metadata_without_routing_is_refused():
    vote = RoutedVotingClassifier(_members(), voting="soft").fit(X, Y)
    with pytest.raises(ValueError, match="enable_metadata_routing"):
        vote.predict(X, groups=SPEAKERS)


def test_dropped_members_and_weights_are_respected():
    members = [*_members(), ("tree", "drop")]
    vote = RoutedVotingClassifier(members, voting="soft", weights=[1, 0, 5]).fit(X, Y)
    only_norm = make_pipeline(SpeakerStandardScaler(min_clips=2), LogisticRegression()).fit(X, Y)
    assert np.allclose(vote.predict_proba(X), only_norm.predict_proba(X))
    tree = RoutedVotingClassifier([("tree", DecisionTreeClassifier(random_state=0))]).fit(X, Y)
    assert tree.predict(X).shape == (40,)
