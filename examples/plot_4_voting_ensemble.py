"""
===========================================
A soft-voting ensemble of whole pipelines
===========================================

Models that look at speech differently make different mistakes, and
averaging their class probabilities often beats each of them. Because every
model of this package is a pipeline from waveforms to labels, scikit-learn's
:class:`~sklearn.ensemble.VotingClassifier` combines them as they are, each
with its own front end. This example joins a small CNN-LSTM on log-mel
spectrograms and the log-mel statistics baseline, and compares the ensemble
with its members on speakers none of them has heard.
"""

# %%
# The members
# -----------
# Two pipelines that take the same waveforms:
#
# * :func:`~sklearn_ser.pipelines.make_small_cnn_lstm_pipeline`: 40 mel bands
#   and a small convolutional network with an LSTM, trained for 30 epochs;
# * :func:`~sklearn_ser.pipelines.make_baseline_pipeline`: 64 mel bands,
#   summarised per band over time, and a logistic regression.
#
# ``voting="soft"`` averages their ``predict_proba`` outputs and predicts the
# most probable emotion. Both members must therefore give probabilities,
# which both do.
import matplotlib.pyplot as plt
import numpy as np
import sklearn
from sklearn.ensemble import VotingClassifier
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import GroupKFold

from sklearn_ser import make_emotional_speech
from sklearn_ser.pipelines import make_baseline_pipeline, make_small_cnn_lstm_pipeline


def make_ensemble():
    return VotingClassifier(
        [
            ("cnn-lstm", make_small_cnn_lstm_pipeline(max_epochs=30, random_state=0)),
            ("baseline", make_baseline_pipeline("logreg", random_state=0)),
        ],
        voting="soft",
    )


X, y, speakers = make_emotional_speech(
    n_speakers=12, n_utterances_per_emotion=4, random_state=1, return_X_y_groups=True
)
X = np.asarray(X)

# %%
# Speaker-independent comparison
# -------------------------------
# Three folds of four held-out speakers each. In each fold the ensemble is
# fit once; its fitted members (``named_estimators_``) are then scored alone
# on the same test speakers, so members and ensemble are compared on exactly
# the same footing.
#
# With metadata routing on, ``fit(..., groups=speakers)`` reaches the
# CNN-LSTM, whose early-stopping split then holds out whole speakers; the
# baseline does not ask for the speakers and gets nothing. The
# :class:`~sklearn.ensemble.VotingClassifier` trains its members on label
# indices, so a member's own predictions are mapped back through
# ``classes_``.
scores = {"cnn-lstm": [], "baseline": [], "soft vote": []}
with sklearn.config_context(enable_metadata_routing=True):
    for train, test in GroupKFold(n_splits=3).split(X, y, speakers):
        ensemble = make_ensemble().fit(X[train], y[train], groups=speakers[train])
        for name, member in ensemble.named_estimators_.items():
            y_member = ensemble.classes_[member.predict(X[test])]
            scores[name].append(balanced_accuracy_score(y[test], y_member))
        y_vote = ensemble.predict(X[test])
        scores["soft vote"].append(balanced_accuracy_score(y[test], y_vote))

for name, fold_scores in scores.items():
    print(f"{name:10s} UAR per fold {np.round(fold_scores, 2)}, mean {np.mean(fold_scores):.2f}")

# %%
# Members against the ensemble
# ----------------------------
# Bars are the mean UAR over the three folds, dots the single folds. The two
# members are wrong on partly different clips, so the average of their
# probabilities tends to do at least as well as the better member. Three
# folds of a small synthetic corpus cannot show more than a tendency; on
# RAVDESS the benchmarks' best result is such an ensemble (see
# :doc:`/user_guide/benchmarks`). Members are fixed before any of them is
# scored on test speakers; choosing them by their test scores would be model
# selection on the test set.
fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
names = list(scores)
colors = ["tab:blue", "tab:orange", "tab:green"]
ax.bar(names, [np.mean(scores[name]) for name in names], color=colors, alpha=0.8)
for position, name in enumerate(names):
    ax.plot(np.full(len(scores[name]), position), scores[name], "ko", markersize=4)
ax.axhline(0.25, color="grey", linestyle=":", label="chance")
ax.set_ylabel("UAR on held-out speakers")
ax.set_ylim(0, 1)
ax.set_title("Soft voting over two waveform pipelines")
ax.legend(loc="upper left")
plt.show()

# %%
# The probabilities behind a vote
# -------------------------------
# For twelve clips drawn at random from the last fold's test speakers: each
# member's probability for the true emotion, and the ensemble's, which is
# their mean. Where one member is unsure the other can carry the vote, and
# where both are wrong the vote is wrong too.
rng = np.random.RandomState(0)
clips = test[np.sort(rng.choice(len(test), size=12, replace=False))]
clips = clips[np.argsort(y[clips], kind="stable")]
true_index = np.searchsorted(ensemble.classes_, y[clips])
rows, positions = np.arange(len(clips)), np.arange(len(clips))
fig, ax = plt.subplots(figsize=(8, 3.5), layout="constrained")
for offset, (name, member) in zip((-0.25, 0.0), ensemble.named_estimators_.items()):
    proba = member.predict_proba(X[clips])[rows, true_index]
    ax.bar(positions + offset, proba, 0.25, label=name)
proba = ensemble.predict_proba(X[clips])[rows, true_index]
ax.bar(positions + 0.25, proba, 0.25, label="soft vote", color="tab:green")
ax.set_xticks(
    positions,
    [f"{label}\nspeaker {speaker[-2:]}" for label, speaker in zip(y[clips], speakers[clips])],
    fontsize="x-small",
)
ax.set_ylabel("probability of the true emotion")
ax.set_xlabel("true emotion and speaker of each test clip")
ax.legend(ncols=3, loc="upper center", bbox_to_anchor=(0.5, 1.18), fontsize="small")
plt.show()

# %%
# Members with per-speaker standardisation
# ----------------------------------------
# Both recipes take ``speaker_norm=True``. The ensemble then routes the
# training speakers to each member's :class:`~sklearn_ser.SpeakerStandardScaler`
# at ``fit``, but :class:`~sklearn.ensemble.VotingClassifier` passes nothing
# to its members' ``predict``: predict one test speaker per call, so that the
# clips of each call are one speaker's.
# :func:`~sklearn_ser.evaluation.evaluate_speaker_independent` does exactly
# that, and is the simplest way to score such an ensemble.
