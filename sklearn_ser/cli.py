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
import importlib.util
import io
import json
import sys
import warnings
from pathlib import Path

import joblib
import numpy as np

from . import __version__

#: Marks the files written by ``sklearn-ser train``.
MODEL_FORMAT = "sklearn_ser-model"
MODEL_FORMAT_VERSION = 1

#: Seconds to wait for the Dask scheduler of ``evaluate --scheduler``.
SCHEDULER_TIMEOUT = 5

CORPORA = ("synthetic", "ravdess", "emodb", "crema-d", "tess", "savee", "folder")
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
    "emodb": "loso",
    "crema-d": "group-kfold:5",
    "tess": "loso",
    "savee": "loso",
    "folder": "group-kfold:5",
}


class CommandError(Exception):
    """A problem the user can fix; reported in one line, exit status 2."""


# ---------------------------------------------------------------- data


def _load_corpus(args, sr=16000):
    """The corpus named on the command line as a Bunch (data, target, groups)."""
    from sklearn.utils import resample

    from . import datasets

    if args.corpus == "synthetic":
        if args.data is not None:
            raise CommandError("--data is not used with --corpus synthetic")
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
    if args.data is None:
        raise CommandError(f"--corpus {args.corpus} needs --data PATH (the corpus folder)")
    path = Path(args.data).expanduser()
    if not path.exists():
        raise CommandError(f"data path not found: {path}")
    loader = {
        "ravdess": datasets.load_ravdess,
        "emodb": datasets.load_emodb,
        "crema-d": datasets.load_crema_d,
        "tess": datasets.load_tess,
        "savee": datasets.load_savee,
        "folder": datasets.load_audio_folder,
    }[args.corpus]
    options = {"sr": sr, "max_files": args.max_clips, "verbose": True}
    if args.corpus == "folder":
        options["groups"] = args.speaker_pattern
    try:
        return loader(path, **options)
    except (FileNotFoundError, ValueError) as exc:
        raise CommandError(f"cannot load {args.corpus} from {path}: {exc}") from exc


def _audio_files(paths):
    from .datasets import AUDIO_EXTENSIONS

    files = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in AUDIO_EXTENSIONS and not p.name.startswith(".")
            )
            if not found:
                raise CommandError(f"no audio files ({', '.join(AUDIO_EXTENSIONS)}) in {path}")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"audio file or folder not found: {path}")
    return files


# ---------------------------------------------------------------- models


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
        raise CommandError(f"--cv must be loso, ravdess-6 or group-kfold:K, got {spec!r}")
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
                if args.corpus == "synthetic"
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
def _domain_warnings_on_one_line():
    """Show each DomainShiftWarning as one line on stderr (beside any progress
    bar), not as Python shows warnings (file, line and source)."""
    from tqdm.auto import tqdm

    from .exceptions import DomainShiftWarning

    with warnings.catch_warnings():
        show_other = warnings.showwarning

        def show(message, category, filename, lineno, file=None, line=None):
            if issubclass(category, DomainShiftWarning):
                tqdm.write(f"sklearn-ser: warning: {message}", file=sys.stderr)
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

    _check_baseline_options(args.model, args)
    out = Path(args.out)
    corpus = _load_corpus(args)
    if corpus.groups is None:
        raise CommandError(
            "the speakers of the clips are unknown, so no speaker-independent split is "
            "possible; pass --speaker-pattern REGEX (a group that captures the speaker)"
        )
    cv_spec = args.cv or DEFAULT_CV[args.corpus]
    cv = _make_cv(cv_spec, corpus.groups)
    reports = {}
    for name in args.model:
        label = _model_label(name, args)
        model = _make_model(name, args, sr=corpus.sr)
        print(
            f"{label} on {args.corpus}: {len(corpus.target)} clips, "
            f"{len(np.unique(corpus.groups))} speakers, cv {cv_spec}",
            file=sys.stderr,
        )
        # One folder per model when several are compared; finished folds are
        # kept in it, so the same command resumes an interrupted run.
        model_out = out / name if len(args.model) > 1 else out
        with _domain_warnings_on_one_line():
            report = evaluate_speaker_independent(
                model,
                corpus.data,
                corpus.target,
                corpus.groups,
                cv,
                n_jobs=n_jobs,
                checkpoint_dir=model_out / "folds",
            )
        run = {
            "corpus": args.corpus,
            "data": args.data,
            "model": name,
            "speaker_norm": args.speaker_norm,
            "cv": cv_spec,
            "epochs": _max_epochs(model),
            "seed": args.seed,
            "n_seeds": _n_seeds(name, args),
            **(_baseline_settings(args) if name == "baseline" else {}),
            "n_clips": len(corpus.target),
            "wall_time_s": sum(report.fold_times),
            "versions": _versions(),
        }
        figures = save_report(report, model_out, run)
        print(report)
        print(
            f"\nwrote {', '.join(figures)} to {model_out} ({run['wall_time_s']:.0f} s of folds)\n"
        )
        reports[label] = report
    if len(reports) > 1:
        width = max(map(len, reports))
        print(f"{'model':<{width}}  UAR %         accuracy %")
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
    out = Path(args.out)
    corpus = _load_corpus(args)
    model = _make_model(args.model, args, sr=corpus.sr)
    if args.speaker_norm and corpus.groups is None:
        raise CommandError("--speaker-norm needs the speakers: pass --speaker-pattern REGEX")
    # Routing hands the speakers to every step that requests them: the
    # classifier's early-stopping split, the per-speaker scaler.
    with config_context(enable_metadata_routing=True):
        wanted = get_routing_for_object(model).consumes("fit", ["groups"])
        groups = {"groups": corpus.groups} if wanted and corpus.groups is not None else {}
        model.fit(corpus.data, corpus.target, **groups)
    out.parent.mkdir(parents=True, exist_ok=True)
    facts = {
        "format": MODEL_FORMAT,
        "format_version": MODEL_FORMAT_VERSION,
        "model_name": args.model,
        "sr": corpus.sr,
        "classes": [str(c) for c in model.classes_],
        "corpus": args.corpus,
        "speaker_norm": args.speaker_norm,
        "n_seeds": _n_seeds(args.model, args),
        "n_clips": len(corpus.target),
    }
    if args.format == "safe":
        from . import save_model

        save_model(model, out, metadata=facts)
    else:
        joblib.dump({**facts, "model": model, "versions": _versions()}, out)
    print(
        f"saved {args.model} trained on {len(corpus.target)} {args.corpus} clips to {out} "
        f"({args.format} format)"
    )
    return 0


def _load_model(path):
    """The model and the facts ``train`` recorded beside it, from either format."""
    from . import is_safe_model_file, load_model

    path = Path(path)
    if not path.is_file():
        raise CommandError(f"model file not found: {path}")
    if is_safe_model_file(path):
        try:
            model, saved = load_model(path, return_metadata=True)
        except ValueError as exc:  # e.g. a class outside the allowed packages
            raise CommandError(str(exc)) from exc
        saved["model"] = model
    else:
        # A pickle runs code when loaded: only files you trust (README).
        try:
            saved = joblib.load(path)
        except Exception as exc:  # any unreadable file is the same user error
            raise CommandError(f"{path} is not a sklearn-ser model file ({exc})") from exc
    if not isinstance(saved, dict) or saved.get("format") != MODEL_FORMAT:
        raise CommandError(
            f"{path} is not a sklearn-ser model file (write one with `sklearn-ser train`)"
        )
    if saved.get("format_version", 0) > MODEL_FORMAT_VERSION:
        raise CommandError(
            f"{path} was written by a newer sklearn-ser ({saved['versions']['sklearn_ser']}); "
            "upgrade to read it"
        )
    return saved


def _speakers_of(files, pattern):
    import re

    try:
        regex = re.compile(pattern)
    except re.error as exc:
        raise CommandError(
            f"--speaker-pattern {pattern!r} is not a regular expression: {exc}"
        ) from exc
    speakers = []
    for file in files:
        match = regex.search(str(file))
        if match is None:
            raise CommandError(f"--speaker-pattern {pattern!r} does not match {file}")
        speakers.append(match.group(1) if regex.groups else match.group(0))
    return np.asarray(speakers)


def _predict(args):
    from sklearn import config_context

    from .datasets import read_audio

    saved = _load_model(args.model_file)
    files = _audio_files(args.inputs)
    model, classes = saved["model"], saved["classes"]
    try:
        waveforms = [read_audio(file, saved["sr"]) for file in files]
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    params = {}
    if saved.get("speaker_norm"):
        if args.speaker_pattern is None:
            print(
                "sklearn-ser: this model normalises per speaker and no --speaker-pattern "
                "was given: all files are taken as one speaker",
                file=sys.stderr,
            )
        else:
            params["groups"] = _speakers_of(files, args.speaker_pattern)
    with config_context(enable_metadata_routing=True), _domain_warnings_on_one_line():
        warnings.filterwarnings("ignore", message="SpeakerStandardScaler got no groups")
        probabilities = model.predict_proba(waveforms, **params)
    rows = [
        {
            "file": str(file),
            "label": classes[int(np.argmax(p))],
            **{c: float(v) for c, v in zip(classes, p)},
        }
        for file, p in zip(files, probabilities)
    ]
    if args.format == "json":
        print(json.dumps(rows, indent=2))
    elif args.format == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=["file", "label", *classes], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        print(buffer.getvalue(), end="")
    else:
        width = max(len(row["file"]) for row in rows)
        print(f"{'file':<{width}}  {'label':<10}  " + "  ".join(f"{c:>9}" for c in classes))
        for row in rows:
            print(
                f"{row['file']:<{width}}  {row['label']:<10}  "
                + "  ".join(f"{row[c]:>9.3f}" for c in classes)
            )
    return 0


# ---------------------------------------------------------------- parser


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _add_data_options(parser):
    parser.add_argument(
        "--corpus",
        choices=CORPORA,
        default="synthetic",
        help="corpus to use (default: the built-in synthetic one)",
    )
    parser.add_argument("--data", metavar="PATH", help="folder holding the corpus files")
    parser.add_argument(
        "--speaker-pattern",
        metavar="REGEX",
        help="with --corpus folder: regex whose group captures the speaker in a file path",
    )
    parser.add_argument(
        "--max-clips",
        type=int,
        metavar="N",
        help="use at most N clips, spread over the corpus (quick runs)",
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
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument(
        "--n-seeds",
        type=_positive_int,
        default=1,
        metavar="N",
        help="neural models: train N copies from seeds SEED, SEED+1, ... and average "
        "their class probabilities (a seed ensemble, N times the cost; default: 1)",
    )
    parser.add_argument("--device", default="cpu", help="torch device (default: cpu)")


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
        metavar="{loso,group-kfold:K,ravdess-6}",
        help="outer folds (default depends on the corpus)",
    )
    where = evaluate.add_mutually_exclusive_group()
    where.add_argument("--n-jobs", type=int, default=None, help="folds run in parallel")
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the folds on the Dask cluster of this scheduler, e.g. "
        "tcp://10.0.0.5:8786 (needs the [dask] extra here and "
        "sklearn_ser on the workers)",
    )
    evaluate.add_argument(
        "--out",
        default="sklearn_ser_results",
        metavar="DIR",
        help="folder for results.json, report.md, figures and the "
        "finished folds (the same command resumes a stopped run)",
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
        default="model.pt",
        metavar="FILE",
        help="where to save the model (default: model.pt)",
    )
    train.add_argument(
        "--format",
        choices=("safe", "joblib"),
        default="safe",
        help="safe: data and weights only, loads without running code "
        "(sklearn_ser.load_model); joblib: a pickle, for models with "
        "steps the safe format cannot hold (default: safe)",
    )
    train.set_defaults(run=_train)

    predict = commands.add_parser("predict", help="label audio files with a saved model")
    predict.add_argument("model_file", metavar="MODEL", help="file written by `train`")
    predict.add_argument("inputs", nargs="+", metavar="FILE|DIR", help="audio files or folders")
    predict.add_argument("--format", choices=("table", "csv", "json"), default="table")
    predict.add_argument(
        "--speaker-pattern",
        metavar="REGEX",
        help="for a model trained with --speaker-norm: regex whose group "
        "captures the speaker in a file path",
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
        0 on success, 2 for a usage error or a problem with the input files.

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
        return args.run(args)
    except CommandError as exc:
        print(f"sklearn-ser: error: {exc}", file=sys.stderr)
        return 2
