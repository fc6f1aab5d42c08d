"""How much the speaker matters in the embedded synthetic corpus.

For random states 0-4 of ``make_emotional_speech()`` (default size: 10
speakers, 4 emotions, 200 clips), scores one simple model two ways: 5-fold
``GroupKFold`` by speaker (speaker-independent) and a shuffled 5-fold
``StratifiedKFold`` (every speaker on both sides). Features: 40 log-mel bands
(n_fft 512, hop 256, ``ref=1``) summarised by their mean and standard
deviation over time; model: ``StandardScaler`` + ``LogisticRegression``.

Usage (repository root)::

    .venv/bin/python benchmarks/synthetic_corpus.py
"""

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from sklearn_ser import LogMelTransformer, make_emotional_speech


def _mean_and_std_over_time(log_mel):
    return np.concatenate([log_mel.mean(axis=2), log_mel.std(axis=2)], axis=1)


def main():
    features = make_pipeline(
        LogMelTransformer(n_fft=512, hop_length=256, n_mels=40, ref=1.0),
        FunctionTransformer(_mean_and_std_over_time),
    )
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    print("| random_state | GroupKFold(5) by speaker | shuffled StratifiedKFold(5) |")
    print("| --- | --- | --- |")
    scores = []
    for seed in range(5):
        X, y, groups = make_emotional_speech(random_state=seed, return_X_y_groups=True)
        # Every clip has the same length, so no padding enters the statistics.
        F = features.fit_transform(X)
        grouped = cross_val_score(
            model, F, y, groups=groups, cv=GroupKFold(5), scoring="balanced_accuracy"
        ).mean()
        shuffled = cross_val_score(
            model,
            F,
            y,
            scoring="balanced_accuracy",
            cv=StratifiedKFold(5, shuffle=True, random_state=0),
        ).mean()
        scores.append((grouped, shuffled))
        print(f"| {seed} | {grouped:.3f} | {shuffled:.3f} |")
    grouped, shuffled = np.array(scores).T
    print(f"| mean | {grouped.mean():.3f} | {shuffled.mean():.3f} |")
    print(
        f"| range | {grouped.min():.3f}-{grouped.max():.3f} "
        f"| {shuffled.min():.3f}-{shuffled.max():.3f} |"
    )


if __name__ == "__main__":
    main()
