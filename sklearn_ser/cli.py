"""The ``sklearn-ser`` command line: evaluate, train and predict.

``sklearn-ser evaluate`` runs a speaker-independent cross-validation and
writes a report; ``train`` fits one model on a whole corpus and saves it;
``predict`` labels audio files with a saved model. Errors a user can fix
(a missing path, a folder without the expected files, a file that is not a
saved model) end with exit status 2 and one line on stderr.
"""

import argparse
import contextlib
import csv
import functools
import hashlib
import importlib.util
import io
import json
import re
import sys
import warnings
from pathlib import Path

import joblib
import numpy as np

from . import __version__
from .exceptions import CorpusFileError
from .utils._files import (
    check_writable_file,
    check_writable_folder,
    os_error_reason,
    replacing,
)
from .utils._signals import interrupt_signal, sigterm_raises_interrupt

#: Marks the files written by ``sklearn-ser train``.
MODEL_FORMAT = "sklearn_ser-model"
MODEL_FORMAT_VERSION = 1

#: Parent of the default ``evaluate --out`` folders, one per configuration.
DEFAULT_RESULTS = "sklearn_ser_results"
# Options that do not change an evaluation's results (or, for the models,
# are named one by one): left out of the default folder's hash. The device
# is in it: the finished folds record the models' parameters, device too.
_OPTIONS_OUTSIDE_RESULTS = {"run", "command", "model", "out", "n_jobs", "scheduler"}

#: Seconds to wait for the Dask scheduler of ``evaluate --scheduler``.
SCHEDULER_TIMEOUT = 5

CORPORA = ("synthetic", "ravdess", "ased", "emodb", "crema-d", "tess", "savee", "folder")
MODELS = ("cnn-lstm", "cnn-lstm-1d", "transformer-cnn", "baseline")

# The baseline's feature sets, each with the package (and extra) it needs.
BASELINE_FEATURES = {
    "logmel": None,
    "egemaps": ("opensmile", "opensmile"),
    "compare": ("opensmile", "opensmile"),
    "voice": ("resemblyzer", "voice"),
}
BASELINE_CLASSIFIERS = ("logreg", "svm", "linear-svm")

# Speaker-independent protocol per corpus: LOSO where there are few speakers,
# the documented 6 folds for RAVDESS, 5 speaker folds otherwise.
DEFAULT_CV = {
    "synthetic": "group-kfold:5",
    "ravdess": "ravdess-6",
    "ased": "group-kfold:5",
    "emodb": "loso",
    "crema-d": "group-kfold:5",
    "tess": "loso",
    "savee": "loso",
    "folder": "group-kfold:5",
}


class CommandError(Exception):
    """A problem the user can fix; reported in one line, exit status 2."""


def _check_out(path, *, folder, default=False, option="--out"):
    """Refuse an ``--out`` (or the ``default`` folder used without one, or
    another ``option`` naming a file to write) that cannot be written, before
    any work is done."""
    try:
        (check_writable_folder if folder else check_writable_file)(path)
    except OSError as exc:
        named = f"the default results folder {path}" if default else f"{option} {path}"
        raise CommandError(f"{named} cannot be written: {os_error_reason(exc, path)}") from exc


# ---------------------------------------------------------------- data


def _corpus_paths(args):
    """``(corpus, data path or None)`` per ``--corpus``, the paths of ``--data``
    given in the order of the corpora other than synthetic."""
    names, paths = args.corpus, list(args.data or [])
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise CommandError(f"--corpus names {repeated[0]} twice")
    if len(names) == 1:
        if names == ["synthetic"] and paths:
            raise CommandError("--data is not used with --corpus synthetic")
        if len(paths) > 1:
            raise CommandError(f"--corpus {names[0]} takes one --data PATH, got {len(paths)}")
        return [(names[0], paths[0] if paths else None)]
    with_data = [name for name in names if name != "synthetic"]
    if len(paths) != len(with_data):
        raise CommandError(
            f"--corpus {' '.join(names)} needs one --data PATH per corpus other than "
            f"synthetic ({len(with_data)}, in the same order), got {len(paths)}"
        )
    paths = iter(paths)
    return [(name, None if name == "synthetic" else next(paths)) for name in names]


def _recorded(values):
    """A ``--corpus`` or ``--data`` value as recorded: one value, or the list."""
    return values[0] if values and len(values) == 1 else values


def _load_corpus(args, sr=16000):
    """The corpus named on the command line as a Bunch (data, target, groups);
    several are combined (:func:`~sklearn_ser.datasets.concat_corpora`)."""
    from .datasets import concat_corpora

    corpora = [_load_one_corpus(args, name, data, sr) for name, data in _corpus_paths(args)]
    if len(corpora) == 1:
        return corpora[0]
    try:
        return concat_corpora(*corpora, names=args.corpus)
    except ValueError as exc:
        raise CommandError(f"cannot combine --corpus {' '.join(args.corpus)}: {exc}") from exc


def _load_one_corpus(args, name, data, sr):
    from sklearn.utils import resample

    from . import datasets

    if name == "synthetic":
        corpus = datasets.make_emotional_speech(sr=sr, random_state=args.seed)
        if args.max_clips is not None and args.max_clips < len(corpus.target):
            keep = np.sort(
                resample(
                    np.arange(len(corpus.target)),
                    replace=False,
                    n_samples=args.max_clips,
                    stratify=corpus.target,
                    random_state=args.seed,
                )
            )
            for key in ("target", "groups"):
                corpus[key] = corpus[key][keep]
            corpus.data = [corpus.data[i] for i in keep]
        return corpus
    if data is None:
        raise CommandError(f"--corpus {name} needs --data PATH (the corpus folder)")
    path = Path(data).expanduser()
    if not path.exists():
        raise CommandError(f"data path not found: {path}")
    loader = {
        "ravdess": datasets.load_ravdess,
        "ased": datasets.load_ased,
        "emodb": datasets.load_emodb,
        "crema-d": datasets.load_crema_d,
        "tess": datasets.load_tess,
        "savee": datasets.load_savee,
        "folder": datasets.load_audio_folder,
    }[name]
    options = {"sr": sr, "max_files": args.max_clips, "verbose": True}
    if name == "folder":
        options["groups"] = args.speaker_pattern
    try:
        return loader(path, **options)
    except CorpusFileError as exc:  # its advice names on_error, which the CLI lacks
        raise CommandError(
            f"cannot load {name} from {path}: {exc.summary()}; check that --data is "
            f"the {name} folder, or fix or remove the bad files"
        ) from exc
    except (FileNotFoundError, ValueError) as exc:
        raise CommandError(f"cannot load {name} from {path}: {exc}") from exc


def _label_edit(args):
    """``merge`` and ``keep`` of :func:`~sklearn_ser.datasets.relabel` from
    ``--merge`` and ``--emotions``."""
    merge = {}
    for source, target in args.merge or ():
        if merge.get(source, target) != target:
            raise CommandError(f"--merge {source}= is given twice: {merge[source]} and {target}")
        merge[source] = target
    return {"merge": merge or None, "keep": args.emotions}


def _label_facts(args):
    """The label edit as recorded in results.json and beside a saved model."""
    return {"merge": _label_edit(args)["merge"], "emotions": args.emotions}


def _relabel(corpus, args):
    """The corpus with the labels edited by ``--merge`` and ``--emotions``."""
    from .datasets import relabel

    try:
        return relabel(corpus, **_label_edit(args))
    except ValueError as exc:
        raise CommandError(f"--merge/--emotions: {exc}") from exc


def _audio_files(paths):
    """The audio files to label; says on stderr which files in the folders were not."""
    from .datasets import find_audio_files

    try:
        files, skipped = find_audio_files(paths)
    except (FileNotFoundError, ValueError) as exc:
        raise CommandError(str(exc)) from exc
    if skipped:
        shown = "; ".join(f"{file} ({why})" for file, why in skipped[:3])
        more = f"; and {len(skipped) - 3} more" if len(skipped) > 3 else ""
        print(f"sklearn-ser: skipped {len(skipped)} file(s): {shown}{more}", file=sys.stderr)
    return files


# ---------------------------------------------------------------- models


def _default_cv(corpora):
    """The corpus's own protocol; each corpus held out in turn over several."""
    return DEFAULT_CV[corpora[0]] if len(corpora) == 1 else "leave-one-corpus-out"


def _cross_corpus_cv(spec, corpus, names):
    """The splitter of ``--cv leave-one-corpus-out`` or ``--cv TRAIN:TEST``
    (corpora joined by +), checked on the corpus; None for the other specs."""
    from .evaluation import CrossCorpusSplit, LeaveOneCorpusOut

    if spec == "leave-one-corpus-out":
        if len(names) < 2:
            raise CommandError(f"--cv {spec} needs several corpora: --corpus NAME NAME ...")
        cv = LeaveOneCorpusOut()
    elif ":" in spec and not spec.startswith("group-kfold:"):
        train, test = (side.split("+") for side in spec.split(":", 1))
        unknown = [name for name in train + test if name not in names]
        if unknown:
            raise CommandError(
                f"--cv {spec}: {unknown[0]} is not one of --corpus {' '.join(names)}"
            )
        cv = CrossCorpusSplit(train, test)
    else:
        return None
    try:  # e.g. corpora that share no emotion: one line now, not a traceback mid-run
        list(cv.split(corpus.data, corpus.target, corpus.groups))
    except ValueError as exc:
        raise CommandError(f"--cv {spec}: {exc}") from exc
    return cv


def _make_cv(spec, groups):
    from sklearn.model_selection import GroupKFold

    from .evaluation import RAVDESS_FOLDS, leave_one_speaker_out

    n_speakers = len(np.unique(groups))
    if spec == "loso":
        cv = leave_one_speaker_out()
    elif spec == "ravdess-6":
        cv = RAVDESS_FOLDS
    elif spec.startswith("group-kfold:") and spec.split(":", 1)[1].isdigit():
        n_folds = int(spec.split(":", 1)[1])
        if not 2 <= n_folds <= n_speakers:
            raise CommandError(
                f"--cv {spec}: need between 2 and {n_speakers} folds (the number of speakers)"
            )
        cv = GroupKFold(n_splits=n_folds)
    else:
        raise CommandError(
            "--cv must be loso, ravdess-6, group-kfold:K, leave-one-corpus-out or "
            f"TRAIN:TEST (corpora, e.g. ravdess:ased), got {spec!r}"
        )
    if n_speakers < 2:
        raise CommandError("speaker-independent evaluation needs at least 2 speakers")
    return cv


def _make_model(name, args, *, sr):
    """The public recipe behind a ``--model`` choice, set up from the options.

    On the synthetic corpus (1-s clips) the CNN-LSTM is the quick recipe
    instead of the crop-trained CPU recipe.
    """
    from . import pipelines
    from .estimators import EpochProgressBar

    seed, speaker_norm = args.seed, args.speaker_norm
    if name == "baseline":
        settings = _baseline_settings(args)
        return pipelines.make_baseline_pipeline(
            settings["classifier"],
            features=tuple(settings["features"]),
            speaker_norm=speaker_norm,
            sr=sr,
            random_state=seed,
        )
    if name == "cnn-lstm-1d" and speaker_norm:
        raise CommandError(
            "--speaker-norm applies to spectrogram models and the baseline, not to cnn-lstm-1d"
        )
    net = {"random_state": seed, "device": args.device, "callbacks": [EpochProgressBar()]}
    if args.epochs is not None:
        net["max_epochs"] = args.epochs
    if name == "cnn-lstm-1d":
        model = pipelines.make_zhao_1d_pipeline(sr=sr, **net)
    else:
        recipe = {
            "cnn-lstm": (
                pipelines.make_small_cnn_lstm_pipeline
                if args.corpus == ["synthetic"]
                else pipelines.make_crop_cnn_lstm_pipeline
            ),
            "transformer-cnn": pipelines.make_zenkov_pipeline,
        }[name]
        model = recipe(sr=sr, speaker_norm=speaker_norm, **net)
    if args.n_seeds > 1:
        model = pipelines.make_seed_ensemble(model, n_seeds=args.n_seeds)
    return model


def _baseline_settings(args):
    """The baseline's feature sets and classifier, from the options or by default."""
    return {
        "features": list(args.features or ["logmel"]),
        "classifier": args.classifier or "logreg",
    }


def _check_baseline_options(models, args):
    """Refuse baseline options without the baseline, and feature sets whose
    optional package is missing, before any corpus is read."""
    given = [option for option in ("features", "classifier") if getattr(args, option)]
    if given and "baseline" not in models:
        raise CommandError(f"--{given[0]} applies to --model baseline only")
    for feature_set in args.features or ():
        needed = BASELINE_FEATURES[feature_set]
        if needed and importlib.util.find_spec(needed[0]) is None:
            raise CommandError(
                f"--features {feature_set} needs the {needed[0]} package: "
                f"pip install 'sklearn_ser[{needed[1]}]'"
            )


def _check_seeds(args):
    """Refuse a seed ensemble whose last seed is past numpy's range."""
    last = args.seed + args.n_seeds - 1
    if last >= 2**32:
        raise CommandError(
            f"--seed {args.seed} with --n-seeds {args.n_seeds} needs seeds up to {last}, "
            f"past the largest, {2**32 - 1}"
        )


def _max_epochs(model):
    """The epochs a neural model trains for at most (None for the baseline)."""
    epochs = {value for key, value in model.get_params().items() if key.endswith("max_epochs")}
    return epochs.pop() if len(epochs) == 1 else None


def _n_seeds(name, args):
    """Seeds averaged by the model: the baseline is deterministic, one."""
    return 1 if name == "baseline" else args.n_seeds


def _model_label(name, args):
    """How a model is named in the output: seeds averaged, the baseline's
    settings when chosen, speaker norm."""
    if _n_seeds(name, args) > 1:
        name += f" ({args.n_seeds} seeds)"
    if name == "baseline" and (args.features or args.classifier):
        settings = _baseline_settings(args)
        name += f" ({'+'.join(settings['features'])}, {settings['classifier']})"
    return name + (" + speaker norm" if args.speaker_norm else "")


def _evaluate_out(name, args):
    """The folder of one model's evaluation: under --out (in a sub-folder
    per model when several are compared), or by default one folder per model
    and configuration, named for reading (corpus, model and its settings)
    with a short hash of every option that changes the results, so that the
    same command finds its run again and other options never reuse it."""
    if args.out is not None:
        return Path(args.out) / name if len(args.model) > 1 else Path(args.out)
    settings = {
        key: value for key, value in vars(args).items() if key not in _OPTIONS_OUTSIDE_RESULTS
    }
    settings.update(
        model=name,
        n_seeds=_n_seeds(name, args),
        cv=args.cv or _default_cv(args.corpus),
        data=[str(Path(path).expanduser().resolve()) for path in args.data or ()],
    )
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode())
    digest = digest.hexdigest()[:8]
    label = re.sub(r"[^a-z0-9]+", "-", _model_label(name, args).lower()).strip("-")
    return Path(DEFAULT_RESULTS) / f"{'+'.join(args.corpus)}-{label}-{digest}"


def _versions():
    from .utils import running_versions

    return {**running_versions(), "python": sys.version.split()[0]}


@contextlib.contextmanager
def _fold_runner(scheduler, n_jobs):
    """Run the folds of the block on the Dask cluster at ``scheduler``, if given.

    Yields the ``n_jobs`` of the folds. Only the fold computations travel;
    their results come back here, so ``--out`` is written by this process.
    """
    if scheduler is None:
        yield n_jobs
        return
    try:
        from distributed import Client
    except ImportError as exc:
        raise CommandError(
            "--scheduler needs Dask's distributed scheduler: pip install 'sklearn_ser[dask]'"
        ) from exc
    try:
        client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
    except (OSError, ValueError) as exc:
        raise CommandError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    with client, joblib.parallel_config(backend="dask"):
        yield -1  # the dask backend runs as many folds at once as the workers have threads


@contextlib.contextmanager
def _domain_warnings_on_one_line(prefix=""):
    """Show each DomainShiftWarning as one line on stderr (beside any progress
    bar), after ``prefix``, not as Python shows warnings (file, line and source)."""
    from tqdm.auto import tqdm

    from .exceptions import DomainShiftWarning

    with warnings.catch_warnings():
        show_other = warnings.showwarning

        def show(message, category, filename, lineno, file=None, line=None):
            if issubclass(category, DomainShiftWarning):
                tqdm.write(f"sklearn-ser: warning: {prefix}{message}", file=sys.stderr)
            else:
                show_other(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        yield


# ---------------------------------------------------------------- commands


def _evaluate(args):
    # Connect first, so that an unreachable scheduler fails before a long corpus read.
    with _fold_runner(args.scheduler, args.n_jobs) as n_jobs:
        return _evaluate_folds(args, n_jobs)


def _evaluate_folds(args, n_jobs):
    from .evaluation import evaluate_speaker_independent, save_report
    from .exceptions import CheckpointError

    _check_baseline_options(args.model, args)
    _check_seeds(args)
    # The folders that will be written (--out or the default per
    # configuration), checked before the corpus is read.
    for name in args.model:
        _check_out(_evaluate_out(name, args), folder=True, default=args.out is None)
    corpus = _relabel(_load_corpus(args), args)
    if corpus.groups is None:
        raise CommandError(
            "the speakers of the clips are unknown, so no speaker-independent split is "
            "possible; pass --speaker-pattern REGEX (a group that captures the speaker)"
        )
    cv_spec = args.cv or _default_cv(args.corpus)
    cv = _cross_corpus_cv(cv_spec, corpus, args.corpus) or _make_cv(cv_spec, corpus.groups)
    reports = {}
    for name in args.model:
        label = _model_label(name, args)
        model = _make_model(name, args, sr=corpus.sr)
        print(
            f"{label} on {'+'.join(args.corpus)}: {len(corpus.target)} clips, "
            f"{len(np.unique(corpus.groups))} speakers, cv {cv_spec}",
            file=sys.stderr,
        )
        # One folder per model; finished folds are kept in it, so the same
        # command resumes an interrupted run.
        model_out = _evaluate_out(name, args)
        try:
            with _domain_warnings_on_one_line():
                report = evaluate_speaker_independent(
                    model,
                    corpus.data,
                    corpus.target,
                    corpus.groups,
                    cv,
                    n_jobs=n_jobs,
                    checkpoint_dir=model_out / "folds",
                    corpora=corpus.get("corpus"),
                )
        except CheckpointError as exc:
            raise CommandError(str(exc)) from exc
        run = {
            "corpus": _recorded(args.corpus),
            "data": _recorded(args.data),
            "model": name,
            "speaker_norm": args.speaker_norm,
            **_label_facts(args),
            "cv": cv_spec,
            "epochs": _max_epochs(model),
            "seed": args.seed,
            "n_seeds": _n_seeds(name, args),
            **(_baseline_settings(args) if name == "baseline" else {}),
            "n_clips": len(corpus.target),
            "wall_time_s": sum(report.fold_times),
            "versions": _versions(),
        }
        try:
            figures = save_report(report, model_out, run)
        except OSError as exc:
            raise CommandError(
                f"cannot write the report in {model_out}: {os_error_reason(exc)}"
            ) from exc
        print(report)
        print(
            f"\nwrote {', '.join(figures)} to {model_out} ({run['wall_time_s']:.0f} s of folds)\n"
        )
        reports[label] = report
    if len(reports) > 1:
        width = max(map(len, reports))
        print(f"{'model':<{width}}  UAR %         accuracy %    (mean ± sample std over folds)")
        for label, report in reports.items():
            print(
                f"{label:<{width}}  {100 * report.uar_mean:4.1f} ± {100 * report.uar_std:4.1f}"
                f"   {100 * report.accuracy_mean:4.1f} ± {100 * report.accuracy_std:4.1f}"
            )
    return 0


def _train(args):
    from sklearn import config_context
    from sklearn.utils.metadata_routing import get_routing_for_object

    _check_baseline_options([args.model], args)
    _check_seeds(args)
    out = Path(args.out)
    _check_out(out, folder=False)  # before the corpus is read and the model trained
    corpus = _relabel(_load_corpus(args), args)
    model = _make_model(args.model, args, sr=corpus.sr)
    if args.speaker_norm and corpus.groups is None:
        raise CommandError("--speaker-norm needs the speakers: pass --speaker-pattern REGEX")
    # Routing hands the speakers to every step that requests them: the
    # classifier's early-stopping split, the per-speaker scaler.
    with config_context(enable_metadata_routing=True):
        wanted = get_routing_for_object(model).consumes("fit", ["groups"])
        groups = {"groups": corpus.groups} if wanted and corpus.groups is not None else {}
        model.fit(corpus.data, corpus.target, **groups)
    facts = {
        "format": MODEL_FORMAT,
        "format_version": MODEL_FORMAT_VERSION,
        "model_name": args.model,
        "sr": corpus.sr,
        "classes": [str(c) for c in model.classes_],
        "corpus": _recorded(args.corpus),
        "speaker_norm": args.speaker_norm,
        **_label_facts(args),
        "n_seeds": _n_seeds(args.model, args),
        "n_clips": len(corpus.target),
    }
    from . import save_model

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        save_model(model, out, metadata=facts)
    except OSError as exc:
        raise CommandError(f"cannot write --out {out}: {os_error_reason(exc, out)}") from exc
    print(
        f"saved {args.model} trained on {len(corpus.target)} {'+'.join(args.corpus)} clips to {out}"
    )
    return 0


def _load_model(path, *, allow_pickle=False):
    """The model and the facts ``train`` recorded beside it, checked.

    A pickle (of a fitted model, as ``joblib.dump`` writes it) is read only
    with ``allow_pickle``: unpickling runs code stored in the file. Its facts
    are the model's own.
    """
    from . import load_model
    from ._persistence import is_archive

    path = Path(path)
    if not path.exists() or path.is_dir():
        raise CommandError(f"model file not found: {path}")
    try:
        archive = is_archive(path)
    except (OSError, ValueError) as exc:  # a FIFO, a directory, unreadable
        raise CommandError(str(exc)) from exc
    if allow_pickle and not archive:
        print(
            f"sklearn-ser: warning: loading the pickle {path} runs code stored in it",
            file=sys.stderr,
        )
        try:
            model = joblib.load(path)
        except Exception as exc:  # any unreadable file is the same user error
            raise CommandError(f"{path} is not a sklearn-ser model file ({exc})") from exc
        return _facts_of_pickled_model(model, path)
    try:
        model, saved = load_model(path, return_metadata=True)
    except ValueError as exc:  # not the safe format, damaged, a refused type
        hint = "" if archive else "; pass --allow-pickle for a pickle you trust"
        raise CommandError(f"{exc}{hint}") from exc
    saved["model"] = model
    _check_facts(saved, path)
    return saved


def _sampling_rates(model):
    """The sampling rates the steps of ``model`` are set to (``sr`` parameters)."""
    return {value for key, value in model.get_params().items() if key.split("__")[-1] == "sr"}


def _facts_of_pickled_model(model, path):
    """What ``predict`` needs of a pickled model, read from the model itself."""
    from sklearn import config_context
    from sklearn.utils.metadata_routing import get_routing_for_object

    rates = _sampling_rates(model) if hasattr(model, "get_params") else set()
    if not hasattr(model, "classes_") or len(rates) != 1:
        raise CommandError(
            f"{path} is not a sklearn-ser model file: it holds a {type(model).__name__}, not a "
            "fitted classifier of waveforms at one sampling rate (an sr parameter)"
        )
    with config_context(enable_metadata_routing=True):
        speaker_norm = bool(get_routing_for_object(model).consumes("predict_proba", ["groups"]))
    classes = [str(c) for c in model.classes_]
    return {"model": model, "classes": classes, "sr": rates.pop(), "speaker_norm": speaker_norm}


def _check_facts(saved, path):
    """Refuse a model file whose recorded facts are missing, of the wrong type
    or disagree with the model: the model's own ``classes_`` and sampling rate
    are the truth."""
    if not isinstance(saved, dict) or saved.get("format") != MODEL_FORMAT:
        raise CommandError(
            f"{path} is not a sklearn-ser model file (write one with `sklearn-ser train`)"
        )
    version = saved.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise CommandError(f"{path} is damaged: its format_version is not an integer")
    if version > MODEL_FORMAT_VERSION:
        raise CommandError(
            f"{path} was written by a newer sklearn-ser (model file version {version}); "
            "upgrade to read it"
        )
    model = saved.get("model")
    classes = getattr(model, "classes_", None)
    if classes is None or saved.get("classes") != [str(c) for c in classes]:
        raise CommandError(f"{path} is damaged: its recorded classes are not the model's")
    sr = saved.get("sr")
    if not isinstance(sr, int) or isinstance(sr, bool) or sr <= 0 or _sampling_rates(model) - {sr}:
        raise CommandError(
            f"{path} is damaged: its recorded sampling rate {sr!r} is not the model's"
        )


def _prediction_speakers(args, files, truth):
    """Speakers for a speaker-normalising model: from ``--speaker-pattern``,
    else from the corpus naming of ``--corpus``, else one per folder."""
    from .datasets import speakers_from_paths

    if args.speaker_pattern is not None:
        try:
            return speakers_from_paths(files, args.speaker_pattern)
        except ValueError as exc:
            raise CommandError(f"--speaker-pattern: {exc}") from exc
    if truth is not None and truth.groups is not None:
        return truth.groups
    speakers = speakers_from_paths(files)
    print(
        "sklearn-ser: this model normalises per speaker and no --speaker-pattern was given: "
        f"the files of each folder are normalised together, as one speaker "
        f"({len(np.unique(speakers))} folders)",
        file=sys.stderr,
    )
    return speakers


def _probability_edit(args, classes):
    """``probabilities -> (probabilities, classes)`` under ``--merge`` and
    ``--emotions``, checked against the model's classes before any audio is read."""
    from .evaluation import merge_probabilities

    def edit(probabilities):
        if not (args.merge or args.emotions):
            return probabilities, list(classes)
        merged, kept = merge_probabilities(probabilities, classes, **_label_edit(args))
        return merged, list(kept)

    try:
        edit(np.zeros((0, len(classes))))
    except ValueError as exc:
        raise CommandError(f"--merge/--emotions: {exc}") from exc
    return edit


def _predict(args):
    from sklearn import config_context

    from .datasets import read_audio
    from .segmentation import clip_duration

    _check_segment_options(args)
    if args.out is not None:
        _check_out(Path(args.out), folder=False)  # before any audio is read
    saved = _load_model(args.model_file, allow_pickle=args.allow_pickle)
    files = _audio_files(args.inputs)
    model = saved["model"]
    classes = [str(c) for c in model.classes_]
    relabel_probabilities = _probability_edit(args, classes)
    if args.segments or args.window is not None:
        return _predict_segments(args, model, saved["sr"], files, relabel_probabilities)
    truth = _known_labels(args, files)
    try:
        waveforms = [read_audio(file, saved["sr"]) for file in files]
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    longest = max(range(len(files)), key=lambda i: len(waveforms[i]))
    seconds, reads = len(waveforms[longest]) / saved["sr"], clip_duration(model, saved["sr"])
    if reads and seconds > 2 * reads:
        print(
            f"sklearn-ser: {files[longest]} lasts {seconds:.0f} s and the model reads "
            f"{reads:.1f} s of a clip: --segments labels it segment by segment",
            file=sys.stderr,
        )
    params = {}
    if saved.get("speaker_norm"):
        params["groups"] = _prediction_speakers(args, files, truth)
    with config_context(enable_metadata_routing=True), _domain_warnings_on_one_line():
        warnings.filterwarnings("ignore", message="SpeakerStandardScaler got no groups")
        probabilities = model.predict_proba(waveforms, **params)
    _check_probabilities(probabilities, args.model_file)
    probabilities, classes = relabel_probabilities(probabilities)
    rows = [
        {
            "file": str(file),
            "label": classes[int(np.argmax(p))],
            **{c: float(v) for c, v in zip(classes, p)},
        }
        for file, p in zip(files, probabilities)
    ]
    _write_predictions(args, rows, ["file", "label", *classes])
    if truth is not None:
        # csv and json on stdout stay machine-readable: the scores go to stderr
        scores_stream = sys.stdout if args.out or args.format == "table" else sys.stderr
        print(_score(args, truth, [row["label"] for row in rows], classes), file=scores_stream)
    return 0


def _check_segment_options(args):
    """Refuse the options of ``predict`` that do not go together, before any work."""
    segments = args.segments or args.window is not None
    if args.hop is not None and args.window is None:
        raise CommandError("--hop needs --window")
    if args.plot and not segments:
        raise CommandError("--plot needs --segments or --window")
    if not segments:
        return
    if args.speaker_pattern is not None:
        raise CommandError("--speaker-pattern does not apply to segments: each file is one speaker")
    if args.labels is not None or args.corpus is not None:
        raise CommandError(
            "--labels and --corpus score whole files: they do not apply to --segments or --window"
        )
    if args.plot and importlib.util.find_spec("matplotlib") is None:
        raise CommandError("--plot needs matplotlib: pip install 'sklearn_ser[plot]'")
    if args.plot:
        _check_out(Path(args.plot), folder=False, option="--plot")


def _check_probabilities(probabilities, model_file):
    if not np.isfinite(probabilities).all():
        raise CommandError(
            f"the model in {model_file} gives NaN or infinite probabilities: "
            "its fitted values are damaged"
        )


def _predict_segments(args, model, sr, files, relabel_probabilities):
    """``predict --segments`` / ``--window``: one row per segment of each file,
    with ``--merge``/``--emotions`` applied to each segment's probabilities."""
    import pandas as pd

    from .segmentation import FixedWindows, SpeechSegmenter, plot_emotion_timeline, predict_segments

    if args.plot and len(files) > 1:
        raise CommandError("--plot draws one recording: give one audio file")
    segmenter = SpeechSegmenter() if args.window is None else FixedWindows(args.window, args.hop)
    model_classes = [str(c) for c in model.classes_]
    _, classes = relabel_probabilities(np.zeros((0, len(model_classes))))
    rows = []
    for file in files:
        # A recording's segments are one call of the model: one warning per file, named.
        with _domain_warnings_on_one_line(prefix=f"{file}: "):
            try:
                table = predict_segments(
                    model, file, sr=sr, segmenter=segmenter, progress=sys.stderr.isatty()
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        _check_probabilities(table[model_classes].to_numpy(), args.model_file)
        probabilities, classes = relabel_probabilities(table[model_classes].to_numpy())
        table = table[["start", "end"]].copy()
        table["label"] = pd.Series(
            np.asarray(classes, dtype=object)[probabilities.argmax(axis=1)], dtype=object
        )
        for name, column in zip(classes, probabilities.T):
            table[name] = column
        rows += [{"file": str(file), **row} for row in table.to_dict("records")]
    _write_predictions(args, rows, ["file", "start", "end", "label", *classes])
    if args.plot:
        from matplotlib.figure import Figure

        figure = Figure(figsize=(10, 3), layout="constrained")
        plot_emotion_timeline(table, ax=figure.subplots(), title=str(files[0]))
        plot = Path(args.plot)
        try:
            plot.parent.mkdir(parents=True, exist_ok=True)
            with replacing(plot) as temporary:
                figure.savefig(temporary, dpi=120, format="png")
        except OSError as exc:
            raise CommandError(f"cannot write --plot {plot}: {os_error_reason(exc, plot)}") from exc
    return 0


def _write_predictions(args, rows, columns):
    """The rows in ``--format``, on stdout or written to ``--out``."""
    text = _format_rows(rows, columns, args.format)
    if args.out is None:
        print(text, end="")
        return
    out = Path(args.out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with replacing(out) as temporary:
            temporary.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot write --out {out}: {os_error_reason(exc, out)}") from exc
    print(f"wrote {len(rows)} predictions to {out}", file=sys.stderr)


def _format_rows(rows, columns, fmt):
    """The rows as the text of ``--format``: JSON, CSV or an aligned table."""
    if fmt == "json":
        return json.dumps(rows, indent=2) + "\n"
    buffer = io.StringIO()
    if fmt == "csv":
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()
    # Numbers right-aligned with 3 decimals, text left-aligned.
    numbers = [bool(rows) and isinstance(rows[0][column], float) for column in columns]
    cells = [
        [f"{row[c]:.3f}" if number else str(row[c]) for c, number in zip(columns, numbers)]
        for row in rows
    ]
    widths = [max([len(c), *(len(line[i]) for line in cells)]) for i, c in enumerate(columns)]
    for line in [columns, *cells]:
        print(
            "  ".join(
                cell.rjust(width) if number else cell.ljust(width)
                for cell, width, number in zip(line, widths, numbers)
            ).rstrip(),
            file=buffer,
        )
    return buffer.getvalue()


def _known_labels(args, files):
    """The true labels of the files, from ``--corpus`` or ``--labels`` (None
    for a file the CSV does not list), with their speakers when the corpus
    names them; None without either option."""
    from sklearn.utils import Bunch

    from .datasets import parse_filenames, read_labels_csv

    if args.corpus is not None:
        try:
            return parse_filenames(files, args.corpus.replace("-", "_"))
        except ValueError as exc:
            raise CommandError(f"--corpus {args.corpus}: {exc}") from exc
    if args.labels is None:
        return None
    try:
        listed = read_labels_csv(args.labels)
    except OSError as exc:
        raise CommandError(f"--labels: cannot read {args.labels}: {exc}") from exc
    except ValueError as exc:
        raise CommandError(f"--labels: {exc}") from exc
    target = np.asarray([listed.get(str(Path(file).resolve())) for file in files], dtype=object)
    return Bunch(target=target, groups=None)


def _score(args, truth, predicted, classes):
    """The scores of the predictions of the labelled files, as printed text.

    True labels get the same ``--merge``/``--emotions`` edit as the model;
    files whose label the model does not predict are left out, and said so.
    """
    from sklearn.utils import Bunch

    from .datasets import relabel
    from .evaluation import score_predictions

    notes = []
    listed = np.flatnonzero([label is not None for label in truth.target])
    if len(listed) < len(predicted):
        notes.append(f"{len(predicted) - len(listed)} files have no label in {args.labels}")
    try:
        edited = relabel(
            Bunch(data=listed, target=truth.target[listed].astype(str)), **_label_edit(args)
        )
    except ValueError as exc:
        raise CommandError(f"--merge/--emotions on the true labels: {exc}") from exc
    if len(edited.target) < len(listed):
        notes.append(
            f"{len(listed) - len(edited.target)} labelled files are outside --emotions: not scored"
        )
    known = np.isin(edited.target, classes)
    if not known.all():
        left_out = dict(zip(*np.unique(edited.target[~known], return_counts=True)))
        notes.append(
            "files labelled with emotions the model does not predict are not scored: "
            + ", ".join(f"{label} {count}" for label, count in left_out.items())
        )
    if not known.any():
        raise CommandError("none of the labelled files has an emotion the model predicts")
    y_pred = np.asarray(predicted)[edited.data[known]]
    scores = score_predictions(edited.target[known], y_pred, labels=classes)
    return "\n".join([*(f"note: {note}" for note in notes), str(scores)])


# ---------------------------------------------------------------- parser


def _integer(text, *, accept, expected):
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not accept(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


_positive_int = functools.partial(_integer, accept=lambda n: n >= 1, expected="a positive integer")
# joblib counts from the end below zero (-1: all CPUs); 0 workers is no run.
_n_jobs = functools.partial(
    _integer, accept=lambda n: n != 0, expected="a non-zero integer (-1: all CPUs)"
)
# numpy's seeds are 32-bit unsigned integers.
_seed = functools.partial(
    _integer, accept=lambda n: 0 <= n < 2**32, expected=f"an integer from 0 to {2**32 - 1}"
)


def _checked_text(text, check):
    """``text``, once ``check`` accepts it; its ValueError becomes argparse's error."""
    try:
        check(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return text


def _regular_expression(text):
    from .utils._validation import _compile_pattern

    return _checked_text(text, _compile_pattern)


def _device(text):
    from .utils import check_device

    return _checked_text(text, check_device)


def _default_cv_help():
    """Each corpus's default --cv, e.g. "loso for emodb, tess; ravdess-6 for ravdess"."""
    corpora_of = {}
    for corpus, spec in DEFAULT_CV.items():
        corpora_of.setdefault(spec, []).append(corpus)
    return "; ".join(f"{spec} for {', '.join(names)}" for spec, names in corpora_of.items())


def _label_pair(text):
    source, sep, target = text.partition("=")
    if not (sep and source and target):
        raise argparse.ArgumentTypeError(f"expected LABEL=NEW_LABEL, got {text!r}")
    return source, target


def _add_label_options(parser):
    parser.add_argument(
        "--merge",
        type=_label_pair,
        nargs="+",
        action="extend",
        metavar="LABEL=NEW",
        help="count LABEL as NEW, e.g. calm=neutral (several allowed; labels are "
        "merged before --emotions selects)",
    )
    parser.add_argument(
        "--emotions",
        nargs="+",
        metavar="LABEL",
        help="keep only these emotions (after --merge), e.g. angry happy sad neutral",
    )


def _add_data_options(parser):
    _add_label_options(parser)
    parser.add_argument(
        "--corpus",
        choices=CORPORA,
        nargs="+",
        default=["synthetic"],
        help="corpus to use (default: the built-in synthetic one); several are "
        "combined, their speakers kept apart as CORPUS/SPEAKER",
    )
    parser.add_argument(
        "--data",
        nargs="+",
        metavar="PATH",
        help="folder holding the corpus files; with several corpora one per corpus "
        "other than synthetic, in the same order",
    )
    parser.add_argument(
        "--speaker-pattern",
        type=_regular_expression,
        metavar="REGEX",
        help="with --corpus folder: regex whose group captures the speaker in a file path",
    )
    parser.add_argument(
        "--max-clips",
        type=_positive_int,
        metavar="N",
        help="use at most N clips of each corpus, spread over it (quick runs)",
    )
    parser.add_argument(
        "--speaker-norm",
        action="store_true",
        help="standardise features per speaker with each speaker's own "
        "clips (the test speakers' too, without labels)",
    )
    parser.add_argument(
        "--epochs",
        type=_positive_int,
        help="training epochs of the neural models; those that stop early (cnn-lstm-1d, "
        "transformer-cnn) may end sooner (default: each model's recipe, e.g. 60 for "
        "cnn-lstm, up to 100 for transformer-cnn)",
    )
    parser.add_argument(
        "--features",
        nargs="+",
        choices=BASELINE_FEATURES,
        help="baseline only: feature sets, side by side when several: logmel "
        "(log-mel statistics), egemaps, compare (openSMILE, the [opensmile] "
        "extra), voice (pretrained speaker encoder, the [voice] extra) "
        "(default: logmel)",
    )
    parser.add_argument(
        "--classifier",
        choices=BASELINE_CLASSIFIERS,
        help="baseline only: logistic regression, or an RBF or linear SVM (default: logreg)",
    )
    parser.add_argument(
        "--seed", type=_seed, default=0, help="random seed, 0 to 2**32 - 1 (default: 0)"
    )
    parser.add_argument(
        "--n-seeds",
        type=_positive_int,
        default=1,
        metavar="N",
        help="neural models: train N copies from seeds SEED, SEED+1, ... and average "
        "their class probabilities (a seed ensemble, N times the cost; default: 1)",
    )
    parser.add_argument(
        "--device",
        type=_device,
        default="cpu",
        help="torch device of the neural models: cpu, cuda, cuda:1, auto... (default: cpu)",
    )


def _parser():
    parser = argparse.ArgumentParser(
        prog="sklearn-ser", description="Speech emotion recognition with scikit-learn."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    evaluate = commands.add_parser(
        "evaluate", help="speaker-independent cross-validation with a report"
    )
    _add_data_options(evaluate)
    evaluate.add_argument(
        "--model",
        choices=MODELS,
        nargs="+",
        default=["cnn-lstm"],
        help="model(s) to evaluate, side by side when several (default: "
        "cnn-lstm; on the synthetic corpus the CNN-LSTM is a small one)",
    )
    evaluate.add_argument(
        "--cv",
        metavar="{loso,group-kfold:K,ravdess-6,leave-one-corpus-out,TRAIN:TEST}",
        help=f"outer folds (default: {_default_cv_help()}; with several corpora "
        "leave-one-corpus-out: test on each, train on the others). TRAIN:TEST trains "
        "on some corpora and tests on others, e.g. ravdess:ased or ravdess+ased:emodb; "
        "the cross-corpus folds keep only the emotions training and test share",
    )
    where = evaluate.add_mutually_exclusive_group()
    where.add_argument(
        "--n-jobs", type=_n_jobs, default=None, help="folds run in parallel (-1: all CPUs)"
    )
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the folds on the Dask cluster of this scheduler, e.g. "
        "tcp://10.0.0.5:8786 (needs the [dask] extra here and "
        "sklearn_ser on the workers)",
    )
    evaluate.add_argument(
        "--out",
        metavar="DIR",
        help="folder for results.json, report.md, figures and the finished folds, the "
        "same command resumes a stopped run; a sub-folder per model when several are "
        f"compared (default: {DEFAULT_RESULTS}/CORPUS-MODEL-HASH, one folder per model "
        "and configuration of the options, so other options never reuse a run's folder)",
    )
    evaluate.set_defaults(run=_evaluate)

    train = commands.add_parser("train", help="fit a model on a whole corpus and save it")
    _add_data_options(train)
    train.add_argument(
        "--model",
        choices=MODELS,
        default="cnn-lstm",
        help="model to train (default: cnn-lstm; on the synthetic corpus "
        "the CNN-LSTM is a small one)",
    )
    train.add_argument(
        "--out",
        default="model.skops",
        metavar="FILE",
        help="where to save the model, which loads without running code "
        "(sklearn_ser.load_model) (default: model.skops)",
    )
    train.set_defaults(run=_train)

    predict = commands.add_parser("predict", help="label audio files with a saved model")
    predict.add_argument("model_file", metavar="MODEL", help="file written by `train`")
    predict.add_argument("inputs", nargs="+", metavar="FILE|DIR", help="audio files or folders")
    predict.add_argument("--format", choices=("table", "csv", "json"), default="table")
    _add_label_options(predict)
    predict.add_argument(
        "--out",
        metavar="FILE",
        help="write the predictions to FILE (in --format) instead of the screen",
    )
    truth = predict.add_mutually_exclusive_group()
    truth.add_argument(
        "--labels",
        metavar="CSV",
        help="true labels, a CSV of file,label rows (paths relative to the CSV's folder): "
        "print UAR, per-class recall and the confusion matrix",
    )
    truth.add_argument(
        "--corpus",
        choices=[name for name in CORPORA if name not in ("synthetic", "folder")],
        help="the files are named as in this corpus: score against the labels of "
        "their names, as --labels does",
    )
    predict.add_argument(
        "--speaker-pattern",
        type=_regular_expression,
        metavar="REGEX",
        help="for a model trained with --speaker-norm: regex whose group "
        "captures the speaker in a file path (default: the speakers of --corpus, else "
        "the files of each folder are normalised together, as one speaker)",
    )
    predict.add_argument(
        "--allow-pickle",
        action="store_true",
        help="also load MODEL when it is a pickle of a fitted model (joblib.dump); loading "
        "a pickle runs code stored in it: only for files you trust",
    )
    segments = predict.add_mutually_exclusive_group()
    segments.add_argument(
        "--segments",
        action="store_true",
        help="long recordings: one row per segment of speech (start, end in seconds), "
        "found by silero-vad (the [vad] extra) or else by energy; each file is one speaker",
    )
    segments.add_argument(
        "--window",
        type=_positive_float,
        metavar="SECONDS",
        help="like --segments, with windows of SECONDS over the whole file instead",
    )
    predict.add_argument(
        "--hop",
        type=_positive_float,
        metavar="SECONDS",
        help="with --window: seconds between window starts (default: the window)",
    )
    predict.add_argument(
        "--plot", metavar="PNG", help="with --segments or --window: draw emotion over time"
    )
    predict.set_defaults(run=_predict)
    return parser


def main(argv=None):
    """Run the ``sklearn-ser`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments without the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    status : int
        0 on success, 2 for a usage error or a problem with the input or
        output files, 128 plus the signal's number when interrupted by
        SIGINT (Ctrl-C, 130) or SIGTERM (143).

    Examples
    --------
    >>> from sklearn_ser.cli import main
    >>> main(["predict", "no_such_model.joblib", "clip.wav"])
    2
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else 0
    try:
        with sigterm_raises_interrupt():
            return args.run(args)
    except CommandError as exc:
        print(f"sklearn-ser: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as interrupt:  # Ctrl-C, or SIGTERM
        stopped = interrupt_signal(interrupt)
        kept = {
            "evaluate": "; finished folds are kept in "
            f"{', '.join(str(_evaluate_out(name, args)) for name in args.model)}, "
            "the same command resumes",
            "train": f"; nothing was written to {args.out}",
        }
        print(
            f"sklearn-ser: interrupted by {stopped.name}{kept.get(args.command, '')}",
            file=sys.stderr,
        )
        return 128 + stopped
