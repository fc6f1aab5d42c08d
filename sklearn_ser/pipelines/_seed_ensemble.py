"""Seed ensembles: one network trained from several seeds, probabilities averaged."""

import numbers

from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import HasMethods, Interval, validate_params

from ._voting import RoutedVotingClassifier


@validate_params(
    {
        "estimator": [HasMethods(["fit", "get_params"])],
        "n_seeds": [Interval(numbers.Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def make_seed_ensemble(estimator, n_seeds=3):
    """The estimator with its classifier trained from ``n_seeds`` seeds.

    A small network trained on a few hundred clips lands in a different
    place from every seed; averaging the class probabilities of several
    seeds removes much of that spread. The classifier (the last step of a
    pipeline) becomes a soft :class:`RoutedVotingClassifier` of
    ``n_seeds`` copies whose ``random_state`` is the classifier's plus 0, 1,
    ... (all ``None`` when it is ``None``). The front end of a pipeline is
    shared: features are computed once and every copy trains on them.

    Training and prediction cost ``n_seeds`` times the classifier's; a
    result of such a model is an ensemble's and should be labelled so.

    Parameters
    ----------
    estimator : classifier or Pipeline ending in a classifier
        Unfitted; it is cloned, not changed. The classifier must have a
        ``random_state`` parameter.
    n_seeds : int, default=3
        Number of copies of the classifier.

    Returns
    -------
    ensemble : RoutedVotingClassifier or Pipeline
        Unfitted; a pipeline when ``estimator`` is one, its last step named
        as before.

    Examples
    --------
    >>> from sklearn_ser.pipelines import make_seed_ensemble, make_small_cnn_lstm_pipeline
    >>> pipe = make_seed_ensemble(make_small_cnn_lstm_pipeline(random_state=7), n_seeds=2)
    >>> [(name, copy.random_state) for name, copy in pipe[-1].estimators]
    [('seed7', 7), ('seed8', 8)]
    """
    if isinstance(estimator, Pipeline):
        pipeline = clone(estimator)
        name, classifier = pipeline.steps[-1]
        pipeline.steps[-1] = (name, make_seed_ensemble(classifier, n_seeds))
        return pipeline
    params = estimator.get_params()
    if "random_state" not in params:
        raise ValueError(
            f"{type(estimator).__name__} has no random_state parameter, so its seeds "
            "cannot be varied"
        )
    random_state = params["random_state"]
    if random_state is None:
        seeds = [None] * n_seeds
    elif isinstance(random_state, numbers.Integral):
        seeds = [int(random_state) + offset for offset in range(n_seeds)]
    else:
        raise ValueError(
            "make_seed_ensemble derives the copies' seeds from an int random_state "
            f"(or None); got {random_state!r}"
        )
    copies = [
        (f"seed{offset if seed is None else seed}", clone(estimator).set_params(random_state=seed))
        for offset, seed in enumerate(seeds)
    ]
    return RoutedVotingClassifier(copies, voting="soft")
