"""
=============================================
Random splits flatter: evaluate by speaker
=============================================

Two clips of one speaker share a voice. When the same speakers appear in the
training and the test folds, a model can score by recognising voices it has
heard instead of emotions, and cross-validation reports a number no new user
will see. This example measures that inflation on the baseline model: the
same pipeline, the same clips, two ways of splitting them.
"""

# %%
# The baseline model and the corpus
# ---------------------------------
# :func:`~sklearn_ser.pipelines.make_baseline_pipeline` summarises each band
# of a log-mel spectrogram over time (mean, spread, percentiles, and the same
# for the frame-to-frame changes), standardises the statistics and fits a
# logistic regression. It is fast, so we can afford several corpora drawn
# with different seeds and look at the spread.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import GroupKFold, StratifiedKFold, cross_val_score

from sklearn_ser import make_emotional_speech
from sklearn_ser.pipelines import make_baseline_pipeline

model = make_baseline_pipeline("logreg", n_mels=40, random_state=0)
print(model)

# %%
# Two cross-validations
# ---------------------
# :class:`~sklearn.model_selection.StratifiedKFold` shuffles clips into five
# folds with the same emotion mix; every speaker then has clips on both
# sides. :class:`~sklearn.model_selection.GroupKFold` with the speaker ids as
# ``groups`` keeps each speaker's clips together, so each test fold holds
# speakers the model has never heard. Both report the unweighted average
# recall (UAR, ``scoring="balanced_accuracy"``).
seeds = [0, 1, 2]
scores = {"random (StratifiedKFold)": [], "by speaker (GroupKFold)": []}
for seed in seeds:
    X, y, speakers = make_emotional_speech(n_speakers=10, random_state=seed, return_X_y_groups=True)
    random_cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    scores["random (StratifiedKFold)"].append(
        cross_val_score(model, X, y, cv=random_cv, scoring="balanced_accuracy")
    )
    scores["by speaker (GroupKFold)"].append(
        cross_val_score(
            model, X, y, groups=speakers, cv=GroupKFold(n_splits=5), scoring="balanced_accuracy"
        )
    )

means = {
    name: np.array([fold_scores.mean() for fold_scores in per_seed])
    for name, per_seed in scores.items()
}
for name, values in means.items():
    print(f"{name:26s} mean UAR per corpus: {np.round(values, 2)}")
gap = means["random (StratifiedKFold)"] - means["by speaker (GroupKFold)"]
print(f"{'inflation':26s} {np.round(gap, 2)}")

# %%
# The inflation
# -------------
# Each pair of bars is one synthetic corpus; the black ticks are the five
# folds' scores. The random split scores higher on every corpus (the
# "inflation" printed above), although model and data are the same: that
# difference is the model recognising voices it has heard. Only the
# speaker-grouped number estimates how the model does on a new voice. Real
# corpora show the same effect (see the protocol notes in the user guide's
# models page on Zenkov's random split of RAVDESS).
fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
width = 0.38
for offset, (name, per_seed) in zip((-width / 2, width / 2), scores.items()):
    positions = np.arange(len(seeds)) + offset
    ax.bar(positions, [s.mean() for s in per_seed], width, label=name)
    for position, fold_scores in zip(positions, per_seed):
        ax.plot(np.full(len(fold_scores), position), fold_scores, "k_", markersize=10)
ax.axhline(0.25, color="grey", linestyle=":", label="chance (4 emotions)")
ax.set_xticks(np.arange(len(seeds)), [f"corpus seed {seed}" for seed in seeds])
ax.set_ylabel("UAR (balanced accuracy)")
ax.set_ylim(0, 1)
ax.set_title("Same model, same clips, two ways to split them")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=3, fontsize="small")
plt.show()

# %%
# In practice: split by speaker everywhere
# ----------------------------------------
# The outer evaluation is only half of it. Anything chosen on data must be
# chosen without the test speakers too: hyper-parameters by an inner
# speaker-grouped search (next example), and the early-stopping split of the
# neural classifiers that use one, which holds out whole speakers when
# ``groups`` reach their ``fit``. :func:`~sklearn_ser.evaluation.evaluate_speaker_independent`
# runs the whole protocol and reports UAR, accuracy and per-class recall per
# fold.
