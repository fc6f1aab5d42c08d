"""Votes of the RAVDESS benchmark: class probabilities that finished rows
stored per fold, averaged or weighted.

Each member is a seeded pipeline fit on the same training actors, so
averaging the probabilities its row stored per fold gives what
``VotingClassifier(members, voting="soft")`` gives, without refitting. A
stacked vote weights its members per outer fold: every member is refitted on
INNER_FOLDS speaker-grouped folds of the outer fold's training actors, and
the weights (a STACKING_STEP grid on the simplex) are those whose weighted
mean of the members' out-of-fold probabilities has the lowest log loss
there. The weights then mix the probabilities the members' own rows stored
for the held-out actors.
"""

import itertools
import json
import time

import numpy as np
from ravdess_rows import VOTES
from sklearn.model_selection import GroupKFold

from sklearn_ser import OpenSmileTransformer
from sklearn_ser.evaluation import (
    RAVDESS_FOLDS,
    SpeakerIndependentReport,
    evaluate_speaker_independent,
)

INNER_FOLDS = 4
STACKING_STEP = 0.05


def fold_proba(out, member, k):
    """Classes, class probabilities and fit time a finished row stored for
    fold k; an ensemble member contributes the mean of its own members, so
    each of them weighs the same inside it."""
    if member not in VOTES:
        path = out / member / "folds" / f"fold_{k}.json"
        if not path.exists():
            raise SystemExit(f"run the ensemble's members first; missing {path}")
        fold = json.loads(path.read_text())
        return fold["classes"], np.asarray(fold["proba"]), fold["time"]
    classes, probas, times = zip(*(fold_proba(out, inner, k) for inner in VOTES[member].members))
    if any(order != classes[0] for order in classes):
        raise SystemExit(f"members of {member} disagree on the class order in fold {k}")
    return classes[0], np.mean(probas, axis=0), sum(times)


def soft_vote(out, name, corpus):
    """Report of the mean class probabilities of finished member rows.

    Each member is a seeded pipeline fit on the same training actors, so
    averaging the probabilities they stored per fold gives what
    ``VotingClassifier(members, voting="soft")`` gives, without refitting.
    """
    splits = list(RAVDESS_FOLDS.split(corpus.data, corpus.target, corpus.groups))
    predictions, fold_times = [], []
    for k in range(len(splits)):
        classes, mean_proba, seconds = fold_proba(out, name, k)
        predictions.append(np.asarray(classes)[mean_proba.argmax(axis=1)])
        fold_times.append(seconds)
    return _vote_report(corpus, splits, predictions, fold_times)


def _vote_report(corpus, splits, predictions, fold_times):
    """Report of a vote's predictions for the held-out actors of every fold."""
    return SpeakerIndependentReport(
        corpus.target,
        corpus.groups,
        [test for _, test in splits],
        predictions,
        labels=np.unique(corpus.target),
        fold_times=fold_times,
    )


def _simplex_grid(n_members, step):
    """Every weight vector of multiples of ``step`` that sums to one."""
    n_steps = round(1 / step)
    slots = n_steps + n_members - 1
    # Stars and bars: n_members - 1 bars among the slots split n_steps steps.
    for bars in itertools.combinations(range(slots), n_members - 1):
        yield (np.diff([-1, *bars, slots]) - 1) / n_steps


def _stacking_weights(oof_probas, y, classes):
    """The STACKING_STEP simplex weights whose weighted mean of the members'
    out-of-fold probabilities has the lowest log loss on labels ``y``."""
    rows = np.arange(len(y))
    # The log loss of a mixture needs only each member's true-class probability.
    true_class = np.stack([proba[rows, np.searchsorted(classes, y)] for proba in oof_probas])
    grid = np.array(list(_simplex_grid(len(oof_probas), STACKING_STEP)))
    log_loss = -np.log(np.clip(grid @ true_class, 1e-12, None)).mean(axis=1)
    return grid[np.argmin(log_loss)]


def _front_end_features(pipeline, corpus):
    """Features of every clip from the steps before the scaler and the
    classifier, and the seconds they took."""
    start = time.perf_counter()
    features = pipeline[:-2].fit_transform(corpus.data)
    return features, time.perf_counter() - start


def _inner_oof(pipeline, checkpoint_dir, corpus, train, features=None):
    """Out-of-fold class probabilities of ``pipeline`` on the training actors
    ``train`` (INNER_FOLDS speaker-grouped folds, each finished fold on
    disk), their classes and the seconds they took. With ``features`` (of
    every clip, from the steps before the scaler) only the last two steps
    are fitted."""
    X = [corpus.data[i] for i in train] if features is None else features[train]
    report = evaluate_speaker_independent(
        pipeline if features is None else pipeline[-2:],
        X,
        corpus.target[train],
        corpus.groups[train],
        cv=GroupKFold(n_splits=INNER_FOLDS),
        checkpoint_dir=checkpoint_dir,
    )
    proba = np.empty((len(train), len(report.proba_classes)))
    for test, fold_proba in zip(report.test_indices, report.fold_proba):
        proba[test] = fold_proba
    return report.proba_classes, proba, sum(report.fold_times)


def stacked_vote(out, name, corpus, build, outer_folds):
    """Report of a stacked vote and its weights per fold, or (None, None)
    when only some outer folds' inner fits were asked for (to share them
    out between processes). ``build(row)`` gives a row's unfitted pipeline."""
    splits = list(RAVDESS_FOLDS.split(corpus.data, corpus.target, corpus.groups))
    members = VOTES[name].members
    pipelines = {row: build(row) for row in members.values()}
    # openSMILE functionals depend on the clip alone (the log-mel front end
    # pads to its training set's longest clip): extracted once per row.
    features = {
        row: _front_end_features(pipeline, corpus)
        for row, pipeline in pipelines.items()
        if isinstance(pipeline[0], OpenSmileTransformer)
    }
    inner = {
        k: [
            _inner_oof(
                pipelines[row],
                out / name / "inner" / row / f"outer_{k}",
                corpus,
                splits[k][0],
                features.get(row, (None,))[0],
            )
            for row in members.values()
        ]
        for k in outer_folds
    }
    if len(inner) < len(splits):
        return None, None
    extraction_time = sum(seconds for _, seconds in features.values())
    predictions, fold_times, weights = [], [], []
    for k, (train, _) in enumerate(splits):
        inner_classes, oof_probas, inner_times = zip(*inner[k])
        classes, test_probas, member_times = zip(*(fold_proba(out, m, k) for m in members))
        if any(list(order) != list(inner_classes[0]) for order in (*inner_classes, *classes)):
            raise SystemExit(f"members of {name} disagree on the class order in fold {k}")
        weights.append(_stacking_weights(oof_probas, corpus.target[train], inner_classes[0]))
        mixed = np.tensordot(weights[-1], np.stack(test_probas), axes=1)
        predictions.append(np.asarray(classes[0])[mixed.argmax(axis=1)])
        fold_times.append(sum(member_times) + sum(inner_times) + extraction_time / len(splits))
    report = _vote_report(corpus, splits, predictions, fold_times)
    return report, {member: [w[i] for w in weights] for i, member in enumerate(members)}
