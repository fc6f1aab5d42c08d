"""Recipes chosen by name: the ``--model`` of the command line."""

import importlib.util
from numbers import Integral

from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ._baseline import make_baseline_pipeline
from ._recipes import (
    make_crop_cnn_lstm_pipeline,
    make_small_cnn_lstm_pipeline,
    make_zenkov_pipeline,
    make_zhao_1d_pipeline,
)
from ._recommended import make_recommended_pipeline
from ._seed_ensemble import make_seed_ensemble

#: The names :func:`make_recipe` takes.
RECIPE_NAMES = ("cnn-lstm", "cnn-lstm-1d", "transformer-cnn", "baseline", "recommended")
# The single networks: the recipes that average seeds.
_SEEDED_RECIPES = ("cnn-lstm", "cnn-lstm-1d", "transformer-cnn")

# The baseline's feature sets that need an optional package: (package, extra).
_FEATURE_PACKAGES = {
    "egemaps": ("opensmile", "opensmile"),
    "compare": ("opensmile", "opensmile"),
    "voice": ("resemblyzer", "voice"),
}


def _check_feature_packages(features):
    for feature_set in [features] if isinstance(features, str) else features:
        package, extra = _FEATURE_PACKAGES.get(feature_set, (None, None))
        if package is not None and importlib.util.find_spec(package) is None:
            raise ImportError(
                f"feature set {feature_set} needs the {package} package: "
                f"pip install 'sklearn_ser[{extra}]'"
            )


def _on_synthetic_clips(corpus):
    names = [corpus] if isinstance(corpus, str) else list(corpus or ())
    return names == ["synthetic"]


@validate_params(
    {
        "name": [StrOptions(set(RECIPE_NAMES))],
        "sr": [Interval(Integral, 1, None, closed="left")],
        "speaker_norm": ["boolean"],
        "corpus": [str, list, tuple, None],
        "n_seeds": [Interval(Integral, 1, None, closed="left")],
        "features": [str, list, tuple, None],
        "classifier": [str, None],
        "random_state": [Interval(Integral, 0, None, closed="left"), None],
    },
    prefer_skip_nested_validation=True,
)
def make_recipe(
    name,
    *,
    sr=16000,
    speaker_norm=False,
    corpus=None,
    n_seeds=1,
    features=None,
    classifier=None,
    random_state=None,
    **classifier_params,
):
    """The pipeline of a recipe named as on the command line (``--model``).

    - ``"cnn-lstm"``: our CPU recipe for the 2-D CNN-LSTM,
      :func:`make_crop_cnn_lstm_pipeline`, which trains on 2-s windows; for
      the 1-s clips of the synthetic corpus (``corpus="synthetic"``), the
      small network made for them, :func:`make_small_cnn_lstm_pipeline`.
    - ``"cnn-lstm-1d"``: the 1-D CNN-LSTM on waveforms,
      :func:`make_zhao_1d_pipeline`.
    - ``"transformer-cnn"``: the parallel CNN + Transformer,
      :func:`make_zenkov_pipeline`.
    - ``"baseline"``: :func:`make_baseline_pipeline`, statistics of log-mel
      bands (or other ``features``) and a linear model.
    - ``"recommended"``: :func:`make_recommended_pipeline`, a soft vote of
      the crop CNN-LSTM and two feature-set SVMs (needs the ``[opensmile]``
      and ``[voice]`` extras).

    Parameters
    ----------
    name : {"cnn-lstm", "cnn-lstm-1d", "transformer-cnn", "baseline", "recommended"}
        The recipe, one of :data:`RECIPE_NAMES`.
    sr : int, default=16000
        Sampling rate of the input waveforms.
    speaker_norm : bool, default=False
        Standardise the features per speaker (speakers routed as
        ``groups``); not for "cnn-lstm-1d", which sees samples.
    corpus : str or list of str, default=None
        The corpus or corpora (names of
        :data:`~sklearn_ser.datasets.CORPUS_NAMES`) the model will train
        on; only "synthetic" alone changes the choice, as said above.
    n_seeds : int, default=1
        The single networks ("cnn-lstm", "cnn-lstm-1d", "transformer-cnn"):
        train this many copies of the classifier from ``random_state``,
        ``random_state + 1``... and average their class probabilities
        (:func:`make_seed_ensemble`). The baseline, which depends on no
        seed, and the recommended vote take 1 only.
    features : str or list of str, default=None
        Baseline only: its feature sets, "logmel" (the default), "egemaps",
        "compare" or "voice", side by side when several. A set whose
        optional package is missing is refused at once, not at the first
        fit.
    classifier : {"logreg", "svm", "linear-svm"}, default=None
        Baseline only: its classifier, "logreg" by default.
    random_state : int, default=None
        Seed of the classifier.
    **classifier_params
        Parameters of the network, overriding the recipe's, e.g.
        ``max_epochs``, ``device`` or ``callbacks``: of the classifier of a
        neural recipe, of the CNN-LSTM member of the recommended vote; the
        baseline takes none.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Unfitted.

    Raises
    ------
    ValueError
        When an option does not apply to the recipe as said above
        (``speaker_norm`` to "cnn-lstm-1d", ``features`` and ``classifier``
        but to the baseline, ``n_seeds`` greater than 1 to the baseline or
        the recommended vote, network parameters to the baseline), or the
        seeds pass numpy's largest.
    ImportError
        When a feature set's optional package is missing, naming the extra
        to install.

    Examples
    --------
    >>> from sklearn_ser.pipelines import make_recipe
    >>> make_recipe("cnn-lstm")[-1].crop_length
    63
    >>> make_recipe("cnn-lstm", corpus="synthetic", max_epochs=5)[-1].max_epochs
    5
    >>> [step for step, _ in make_recipe("baseline", classifier="svm", speaker_norm=True).steps]
    ['inputdomaincheck', 'logmeltransformer', 'utterancestatistics', 'speakerstandardscaler',
     'calibratedclassifiercv']
    """
    if name in ("baseline", "recommended") and n_seeds > 1:
        raise ValueError(f"the {name} model takes no n_seeds: seeds are for the single networks")
    if name != "baseline" and (features is not None or classifier is not None):
        raise ValueError("features and classifier apply to the baseline only")
    if name == "baseline":
        if classifier_params:
            given = ", ".join(classifier_params)
            raise ValueError(f"the baseline takes no {given}: it is no network")
        features = "logmel" if features is None else features
        _check_feature_packages(features)
        return make_baseline_pipeline(
            classifier or "logreg",
            features=features if isinstance(features, str) else tuple(features),
            speaker_norm=speaker_norm,
            sr=sr,
            random_state=random_state,
        )
    if name == "recommended":
        _check_feature_packages(("compare", "egemaps", "voice"))
        model = make_recommended_pipeline(
            sr=sr, speaker_norm=speaker_norm, random_state=random_state
        )
        dict(model[-1].estimators)["cnn_lstm"][-1].set_params(**classifier_params)
        return model
    classifier_params["random_state"] = random_state
    if name == "cnn-lstm-1d":
        if speaker_norm:
            raise ValueError(
                "speaker normalisation applies to the models of spectrograms and "
                "features, not to cnn-lstm-1d, which reads the samples"
            )
        model = make_zhao_1d_pipeline(sr=sr, **classifier_params)
    else:
        recipe = {
            "cnn-lstm": (
                make_small_cnn_lstm_pipeline
                if _on_synthetic_clips(corpus)
                else make_crop_cnn_lstm_pipeline
            ),
            "transformer-cnn": make_zenkov_pipeline,
        }[name]
        model = recipe(sr=sr, speaker_norm=speaker_norm, **classifier_params)
    return make_seed_ensemble(model, n_seeds=n_seeds) if n_seeds > 1 else model


@validate_params(
    {
        "name": [StrOptions(set(RECIPE_NAMES))],
        "speaker_norm": ["boolean"],
        "n_seeds": [Interval(Integral, 1, None, closed="left")],
        "features": [str, list, tuple, None],
        "classifier": [str, None],
    },
    prefer_skip_nested_validation=True,
)
def describe_recipe(name, *, speaker_norm=False, n_seeds=1, features=None, classifier=None):
    """A recipe's name for people, and the options of :func:`make_recipe` that apply to it.

    Options given for several recipes at once (``sklearn-ser evaluate
    --model cnn-lstm baseline --n-seeds 5``) go to the recipes that take
    them: ``n_seeds`` to the single networks only, ``features`` and
    ``classifier`` to the baseline only, with their defaults filled in. The
    label says what sets the model apart; the command line prints it, names
    its default results folder with it, and records the options beside the
    model.

    Parameters
    ----------
    name : {"cnn-lstm", "cnn-lstm-1d", "transformer-cnn", "baseline", "recommended"}
        The recipe, one of :data:`RECIPE_NAMES`.
    speaker_norm : bool, default=False
        As for :func:`make_recipe`.
    n_seeds : int, default=1
        Seeds averaged by a single network; 1 for the other recipes.
    features : str or list of str, default=None
        The baseline's feature sets; None for "logmel".
    classifier : str, default=None
        The baseline's classifier; None for "logreg".

    Returns
    -------
    label : str
        The name, then the seeds averaged, the baseline's features and
        classifier when given, and the speaker normalisation, e.g.
        ``"cnn-lstm (5 seeds) + speaker norm"``.
    options : dict
        ``speaker_norm`` and ``n_seeds``, and for the baseline
        ``features`` (a list) and ``classifier``: keyword arguments of
        :func:`make_recipe`, JSON-serialisable to record.

    Examples
    --------
    >>> from sklearn_ser.pipelines import describe_recipe, make_recipe
    >>> describe_recipe("cnn-lstm", n_seeds=5, speaker_norm=True)
    ('cnn-lstm (5 seeds) + speaker norm', {'speaker_norm': True, 'n_seeds': 5})
    >>> label, options = describe_recipe("baseline", n_seeds=5, classifier="svm")
    >>> label, options
    ('baseline (logmel, svm)', {'speaker_norm': False, 'n_seeds': 1,
     'features': ['logmel'], 'classifier': 'svm'})
    >>> type(make_recipe("baseline", **options)[-1]).__name__
    'CalibratedClassifierCV'
    """
    options = {"speaker_norm": speaker_norm, "n_seeds": n_seeds if name in _SEEDED_RECIPES else 1}
    label = name + (f" ({n_seeds} seeds)" if options["n_seeds"] > 1 else "")
    if name == "baseline":
        given = features is not None or classifier is not None
        features = "logmel" if features is None else features
        options["features"] = [features] if isinstance(features, str) else list(features)
        options["classifier"] = "logreg" if classifier is None else classifier
        if given:
            label += f" ({'+'.join(options['features'])}, {options['classifier']})"
    return label + (" + speaker norm" if speaker_norm else ""), options
