"""The ``sklearn-ser`` command line: evaluate, train and predict.

Argument parsing and printing over the public functions that the benchmarks
and the documentation share: :mod:`~sklearn_ser.datasets` reads the corpora,
:mod:`~sklearn_ser.pipelines` makes the ``--model`` recipes,
:mod:`~sklearn_ser.evaluation` evaluates them, :mod:`~sklearn_ser.segmentation`
labels files. Errors a user can fix end with exit status 2 and one line on stderr.
"""

import argparse
import contextlib
import importlib.util
import sys
import warnings
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from . import (
    __version__,
    datasets,
    evaluation,
    load_trained_model,
    pipelines,
    save_trained_model,
    segmentation,
    utils,
)
from .estimators import EpochProgressBar
from .exceptions import CorpusFileError

#: Parent of the default ``evaluate --out`` folders, one per configuration.
DEFAULT_RESULTS = "sklearn_ser_results"
# What a run records of its options (and hashes into its default folder's
# name): all but those that do not change its results.
_OPTIONS_OUTSIDE_RESULTS = {"run", "command", "out", "n_jobs", "scheduler"}
#: Seconds to wait for the Dask scheduler of ``evaluate --scheduler``.
SCHEDULER_TIMEOUT = 5
#: The sampling rate of the corpora read and the recipes built.
SR = 16000


class CommandError(Exception):
    """A problem the user can fix; reported in one line, exit status 2."""


@contextlib.contextmanager
def _user_errors(prefix="", about=None, errors=(OSError, ValueError)):
    """The block's ``errors`` as a CommandError after ``prefix``; an OSError
    about the file ``about`` does not name it again."""
    try:
        yield
    except errors as exc:
        reason = utils.os_error_reason(exc, about) if isinstance(exc, OSError) else str(exc)
        raise CommandError(prefix + reason) from exc


def _check_out(path, *, folder, named=None):
    """Refuse a file or folder to write that cannot be, before any work is done."""
    with _user_errors(f"{named or f'--out {path}'} cannot be written: ", about=path):
        (utils.check_writable_folder if folder else utils.check_writable_file)(path)


def _write(path, option, write):
    """``write(temporary)``, renamed to ``path`` after: a failure leaves ``path`` as it was."""
    with _user_errors(f"cannot write {option} {path}: ", about=path):
        path.parent.mkdir(parents=True, exist_ok=True)
        with utils.replacing(path) as temporary:
            write(temporary)


@contextlib.contextmanager
def _warnings_on_one_line():
    """Each warning as one line on stderr, beside any progress bar."""
    with warnings.catch_warnings():
        warnings.showwarning = lambda message, *_, **__: tqdm.write(
            f"sklearn-ser: warning: {message}", file=sys.stderr
        )
        yield


def _load(args):
    """The corpora of --corpus from the folders of --data, labels edited by
    --merge and --emotions."""
    names, paths = args.corpus, list(reversed(args.data or ()))
    if len(set(names)) < len(names):
        raise CommandError(f"--corpus names a corpus twice: {' '.join(names)}")
    with_data = [name for name in names if name != "synthetic"]
    if len(paths) != len(with_data):
        raise CommandError(
            f"--corpus {' '.join(names)} takes {len(with_data)} --data PATH (the folder of "
            f"each corpus but synthetic, in order), got {len(paths)}"
        )
    paths = [None if name == "synthetic" else paths.pop() for name in names]
    one = len(names) == 1
    try:
        corpus = datasets.load_corpus(
            names[0] if one else names, paths[0] if one else paths, sr=SR,
            max_clips=args.max_clips, speaker_pattern=args.speaker_pattern,
            random_state=args.seed, verbose=True,
        )  # fmt: skip
    except CorpusFileError as exc:  # its advice names on_error, which the CLI lacks
        raise CommandError(
            f"{exc.summary()}; check that --data is the {exc.corpus} folder, or fix or "
            "remove the bad files"
        ) from exc
    except (OSError, ValueError) as exc:
        raise CommandError(str(exc)) from exc
    with _user_errors("--merge/--emotions: "):
        return datasets.relabel(corpus, merge=args.merge, keep=args.emotions)


def _described(name, args):
    """A --model's label, and the options of make_recipe that apply to it."""
    return pipelines.describe_recipe(
        name, speaker_norm=args.speaker_norm, n_seeds=args.n_seeds, features=args.features,
        classifier=args.classifier,
    )  # fmt: skip


def _settings(name, args):
    """A --model's label, and what its results and model file record of the command."""
    label, options = _described(name, args)
    settings = {k: v for k, v in vars(args).items() if k not in _OPTIONS_OUTSIDE_RESULTS}
    settings["data"] = [str(Path(path).expanduser().resolve()) for path in args.data or ()]
    settings["epochs"] = None if name == "baseline" else args.epochs  # no network to train
    # The baseline's options are its own; the other models take none.
    return label, {**settings, "features": None, "classifier": None, **options, "model": name}


def _recipe(name, args):
    """The pipeline of a --model, set up from the options."""
    models = [args.model] if isinstance(args.model, str) else args.model
    if "baseline" not in models and (args.features or args.classifier):
        raise CommandError("--features and --classifier apply to --model baseline only")
    options = _described(name, args)[1]
    if name != "baseline":
        options.update(device=args.device, callbacks=[EpochProgressBar()])
        options.update({"max_epochs": args.epochs} if args.epochs else {})
    with _user_errors(f"--model {name}: "), _user_errors("--features: ", errors=ImportError):
        return pipelines.make_recipe(
            name, sr=SR, corpus=args.corpus, random_state=args.seed, **options
        )


def _evaluate_out(name, args):
    """One model's folder: --out (a sub-folder per model when several are
    compared), else one per model and configuration."""
    if args.out is not None:
        return Path(args.out) / name if len(args.model) > 1 else Path(args.out)
    label, settings = _settings(name, args)
    return evaluation.results_folder(DEFAULT_RESULTS, f"{'+'.join(args.corpus)} {label}", settings)


def _evaluate(args):
    args.cv = args.cv or evaluation.default_cv_spec(args.corpus)
    with contextlib.ExitStack() as stack:
        # Connect first, so that an unreachable scheduler fails before a long corpus read.
        with _user_errors(errors=OSError), _user_errors("--scheduler: ", errors=ImportError):
            folds = evaluation.parallel_folds(
                args.scheduler, args.n_jobs, timeout=SCHEDULER_TIMEOUT
            )
            n_jobs = stack.enter_context(folds)
        models = {name: _recipe(name, args) for name in args.model}
        outs = {name: _evaluate_out(name, args) for name in models}
        for out in outs.values():
            named = None if args.out else f"the default results folder {out}"
            _check_out(out, folder=True, named=named)
        corpus = _load(args)
        if corpus.groups is None:
            raise CommandError(
                "the speakers of the clips are unknown, so no speaker-independent split is "
                "possible; pass --speaker-pattern REGEX (a group that captures the speaker)"
            )
        with _user_errors(f"--cv {args.cv}: "):
            cv = evaluation.make_speaker_cv(args.cv, corpus.groups, y=corpus.target)
        reports = {}
        for name, model in models.items():
            label, run = _settings(name, args)
            print(
                f"{label} on {'+'.join(args.corpus)}: {len(corpus.target)} clips, "
                f"{len(np.unique(corpus.groups))} speakers, cv {args.cv}", file=sys.stderr,
            )  # fmt: skip
            out = outs[name]
            # A CheckpointError names its file; a report that cannot be written, its folder.
            with (
                _user_errors(),
                _user_errors(f"cannot write the report in {out}: ", errors=OSError),
            ):
                reports[label], written = evaluation.evaluate_to_folder(
                    model, corpus.data, corpus.target, corpus.groups, cv, out,
                    run={**run, "n_clips": len(corpus.target)}, corpora=corpus.get("corpus"),
                    n_jobs=n_jobs,
                )  # fmt: skip
            seconds = sum(reports[label].fold_times)
            print(f"{reports[label]}\n\nwrote {', '.join(written)} to {out} ", end="")
            print(f"({seconds:.0f} s of folds)\n")
    if len(reports) > 1:
        print("UAR % and accuracy % (mean ± sample std over folds):")
        for label, report in reports.items():
            print(
                f"  {label}: {100 * report.uar_mean:.1f} ± {100 * report.uar_std:.1f}, "
                f"{100 * report.accuracy_mean:.1f} ± {100 * report.accuracy_std:.1f}"
            )
    return 0


def _train(args):
    model, out = _recipe(args.model, args), Path(args.out)
    _check_out(out, folder=False)  # before the corpus is read and the model trained
    corpus = _load(args)
    if args.speaker_norm and corpus.groups is None:
        raise CommandError("--speaker-norm needs the speakers: pass --speaker-pattern REGEX")
    utils.fit_with_groups(model, corpus.data, corpus.target, corpus.groups)
    metadata = {**_settings(args.model, args)[1], "n_clips": len(corpus.target)}
    with _user_errors(f"cannot write --out {out}: ", about=out):
        save_trained_model(model, out, sr=corpus.sr, metadata=metadata)
    print(
        f"saved {args.model} trained on {len(corpus.target)} {'+'.join(args.corpus)} clips to {out}"
    )
    return 0


def _segmenter(args):
    """The segmenter of --segments or --window (None without them), once the
    options of predict that do not go with it are refused."""
    segments = args.segments or args.window is not None
    for refused, message in [
        (args.hop is not None and args.window is None, "--hop needs --window"),
        (args.plot and not segments, "--plot needs --segments or --window"),
        (segments and args.speaker_pattern, "--speaker-pattern does not apply to segments: "
         "each file is one speaker"),
        (segments and (args.labels or args.corpus), "--labels and --corpus score whole files: "
         "they do not apply to --segments or --window"),
        (args.plot and not importlib.util.find_spec("matplotlib"), "--plot needs matplotlib: "
         "pip install 'sklearn_ser[plot]'"),
    ]:  # fmt: skip
        if refused:
            raise CommandError(message)
    if args.plot:
        _check_out(Path(args.plot), folder=False, named=f"--plot {args.plot}")
    if args.window is not None:
        return segmentation.FixedWindows(args.window, args.hop)
    return segmentation.SpeechSegmenter() if args.segments else None


def _predict(args):
    segmenter, edit = _segmenter(args), {"merge": args.merge, "keep": args.emotions}
    if args.out is not None:
        _check_out(Path(args.out), folder=False)  # before any audio is read
    with _user_errors():
        model, saved = load_trained_model(args.model_file, allow_pickle=args.allow_pickle)
        files, skipped = datasets.find_audio_files(args.inputs)
    if skipped:
        shown = "; ".join(f"{file} ({why})" for file, why in skipped[:3])
        more = f"; and {len(skipped) - 3} more" if len(skipped) > 3 else ""
        print(f"sklearn-ser: skipped {len(skipped)} file(s): {shown}{more}", file=sys.stderr)
    if args.plot and len(files) > 1:
        raise CommandError("--plot draws one recording: give one audio file")
    with _user_errors("--merge/--emotions: "):  # before any audio is read
        evaluation.merge_probabilities(np.zeros((0, len(model.classes_))), model.classes_, **edit)
    source = (
        f"--corpus {args.corpus}: " if args.corpus else f"--labels: cannot read {args.labels}: "
    )
    with _user_errors(source, about=args.labels):
        y_true, speakers = datasets.labels_of_files(
            files, corpus=args.corpus, labels_csv=args.labels
        )
    with _user_errors():
        table = segmentation.predict_files(
            model, files, sr=saved["sr"], speakers=args.speaker_pattern or speakers,
            segmenter=segmenter, progress=sys.stderr.isatty(), **edit,
        )  # fmt: skip
    text = utils.format_table(table, "text" if args.format == "table" else args.format)
    if args.out is None:
        print(text, end="")
    else:
        _write(Path(args.out), "--out", lambda temporary: temporary.write_text(text, "utf-8"))
        print(f"wrote {len(table)} predictions to {args.out}", file=sys.stderr)
    if args.plot:
        from matplotlib.figure import Figure  # an optional package, checked with the options

        figure = Figure(figsize=(10, 3), dpi=120, layout="constrained")
        segmentation.plot_emotion_timeline(table, ax=figure.subplots(), title=str(files[0]))
        _write(Path(args.plot), "--plot", lambda temporary: figure.savefig(temporary, format="png"))
    if y_true is not None:
        with _user_errors():
            scores = evaluation.score_file_predictions(table, y_true, **edit)
        # csv and json on stdout stay machine-readable: the scores go to stderr
        print(scores, file=sys.stdout if args.out or args.format == "table" else sys.stderr)
    return 0


def _typed(convert, expected=None):
    """An argparse type: ``convert(text)``, whose ValueError is the option's
    one-line error: "expected {expected}, got ...", or its own message."""

    def parse(text):
        try:
            return convert(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(
                f"expected {expected}, got {text!r}" if expected else str(exc)
            ) from exc

    return parse


def _accepted(kind, accept):
    """``kind(text)`` (int, float...) when ``accept`` takes it, else a ValueError."""

    def convert(text):
        if accept(value := kind(text)):
            return value
        raise ValueError(text)

    return convert


def _label_pair(text):
    source, sep, target = text.partition("=")
    if not (sep and source and target):
        raise ValueError(text)
    return source, target


class _MergeLabels(argparse.Action):
    """--merge LABEL=NEW...: a dict; a label merged into two others is refused."""

    def __call__(self, parser, namespace, pairs, option_string=None):
        merge = getattr(namespace, self.dest) or {}
        for source, target in pairs:
            if merge.setdefault(source, target) != target:
                message = f"{source}= is given twice: {merge[source]} and {target}"
                raise argparse.ArgumentError(self, message)
        setattr(namespace, self.dest, merge)


_LABEL_PAIR = _typed(_label_pair, "LABEL=NEW_LABEL")
_POSITIVE_INT = _typed(_accepted(int, lambda n: n >= 1), "a positive integer")
_POSITIVE_FLOAT = _typed(_accepted(float, lambda x: 0 < x < float("inf")), "a positive number")
# joblib counts from the end below zero (-1: all CPUs); 0 workers is no run.
_N_JOBS = _typed(_accepted(int, lambda n: n != 0), "a non-zero integer (-1: all CPUs)")
# numpy's seeds are 32-bit unsigned integers.
_SEED = _typed(_accepted(int, lambda n: 0 <= n < 2**32), f"an integer from 0 to {2**32 - 1}")
_DEVICE = _typed(lambda text: (utils.check_device(text), text)[1])
# The pattern rule's own check, without files.
_SPEAKER_PATTERN = _typed(lambda text: (datasets.speakers_from_paths([], text), text)[1])


def _default_cv_help():
    """Each corpus's default --cv, e.g. "loso for emodb, tess; ravdess-6 for ravdess"."""
    corpora_of = {}
    for corpus in datasets.CORPUS_NAMES:
        corpora_of.setdefault(evaluation.default_cv_spec(corpus), []).append(corpus)
    return "; ".join(f"{spec} for {', '.join(names)}" for spec, names in corpora_of.items())


# fmt: off
def _parser():
    labels = argparse.ArgumentParser(add_help=False)  # the options of every command
    labels.add_argument("--merge", type=_LABEL_PAIR, nargs="+", action=_MergeLabels,
                        metavar="LABEL=NEW", help="count LABEL as NEW, e.g. calm=neutral "
                        "(merged before --emotions selects)")
    labels.add_argument("--emotions", nargs="+", metavar="LABEL", help="keep only these emotions")
    data = argparse.ArgumentParser(add_help=False, parents=[labels])  # of evaluate and train
    add = data.add_argument
    add("--corpus", choices=datasets.CORPUS_NAMES, nargs="+", default=["synthetic"],
        help="corpus, the built-in synthetic one by default; several are combined, their "
        "speakers kept apart as CORPUS/SPEAKER")
    add("--data", nargs="+", metavar="PATH", help="corpus folder, one per corpus but synthetic")
    add("--speaker-pattern", type=_SPEAKER_PATTERN, metavar="REGEX", help="--corpus folder: "
        "regex searched in each path below --data, whose group (named speaker, or the first) "
        "captures the speaker")
    add("--max-clips", type=_POSITIVE_INT, metavar="N", help="at most N clips per corpus, spread")
    add("--speaker-norm", action="store_true", help="standardise features per speaker")
    add("--epochs", type=_POSITIVE_INT,
        help="most epochs of a neural model (default: its recipe's)")
    add("--features", nargs="+", help="baseline: logmel (default), egemaps, compare "
        "([opensmile] extra), voice ([voice])")
    add("--classifier", help="baseline: logreg (default), svm or linear-svm")
    add("--seed", type=_SEED, default=0, help="random seed, 0 to 2**32 - 1 (default: 0)")
    add("--n-seeds", type=_POSITIVE_INT, default=1, metavar="N", help="neural models: average N "
        "copies from seeds SEED, SEED+1... (N times the cost; default: 1)")
    add("--device", type=_DEVICE, default="cpu", help="torch device: cpu (default), cuda, auto...")
    models = ("(default: cnn-lstm, a small one on synthetic clips; recommended: a soft vote of the "
              "CNN-LSTM and two SVMs, the [opensmile] and [voice] extras)")

    parser = argparse.ArgumentParser(prog="sklearn-ser", description="Speech emotion recognition.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    evaluate = commands.add_parser("evaluate", parents=[data],
                                   help="speaker-independent cross-validation with a report")
    evaluate.set_defaults(run=_evaluate)
    add = evaluate.add_argument
    add("--model", choices=pipelines.RECIPE_NAMES, nargs="+", default=["cnn-lstm"],
        help=f"models to evaluate side by side {models}")
    add("--cv", metavar="{loso,group-kfold:K,ravdess-6,emobox-ravdess,leave-one-corpus-out,"
        "TRAIN:TEST}", help=f"outer folds (default: {_default_cv_help()}; leave-one-corpus-out "
        "for several corpora); ravdess-6, emobox-ravdess: the RAVDESS folds of this package, of "
        "EmoBox; TRAIN:TEST, e.g. ravdess+ased:emodb, on the emotions they share")
    where = evaluate.add_mutually_exclusive_group()
    where.add_argument("--n-jobs", type=_N_JOBS, help="folds run in parallel (-1: all CPUs)")
    where.add_argument("--scheduler", metavar="ADDRESS", help="run the folds on a Dask cluster, "
                       "e.g. tcp://10.0.0.5:8786 (the [dask] extra here, sklearn_ser on the "
                       "workers)")
    add("--out", metavar="DIR", help="report and finished folds, from which the same command "
        f"resumes (default: {DEFAULT_RESULTS}/CORPUS-MODEL-HASH, one per configuration)")

    train = commands.add_parser("train", parents=[data], help="fit a model on a corpus, save it")
    train.set_defaults(run=_train)
    train.add_argument("--model", choices=pipelines.RECIPE_NAMES, default="cnn-lstm", help=models)
    train.add_argument("--out", default="model.skops", metavar="FILE",
                       help="(default: model.skops); it loads without running code from the file")

    predict = commands.add_parser("predict", parents=[labels], help="label audio files")
    predict.set_defaults(run=_predict)
    add = predict.add_argument
    add("model_file", metavar="MODEL", help="file written by `train`")
    add("inputs", nargs="+", metavar="FILE|DIR", help="audio files, folders")
    add("--format", choices=("table", "csv", "json"), default="table")
    add("--out", metavar="FILE", help="write the predictions to FILE")
    truth = predict.add_mutually_exclusive_group()
    truth.add_argument("--labels", metavar="CSV",
                       help="score against a CSV of file,label rows (paths relative to it)")
    truth.add_argument("--corpus", choices=[c for c in datasets.CORPUS_NAMES
                                            if c not in ("synthetic", "folder")],
                       help="score against the labels of the files' names in this corpus")
    add("--speaker-pattern", type=_SPEAKER_PATTERN, metavar="REGEX", help="--speaker-norm "
        "models: regex whose group captures the speaker in each path (default: the speakers of "
        "--corpus, else one per folder)")
    add("--allow-pickle", action="store_true", help="load MODEL also when it is a pickle of a "
        "fitted model (joblib.dump): this runs code stored in it, only for files you trust")
    segments = predict.add_mutually_exclusive_group()
    segments.add_argument("--segments", action="store_true", help="one row per segment of speech "
                          "(silero-vad with the [vad] extra, else energy), each file one speaker")
    segments.add_argument("--window", type=_POSITIVE_FLOAT, metavar="SECONDS",
                          help="one row per window of SECONDS")
    add("--hop", type=_POSITIVE_FLOAT, metavar="SECONDS",
        help="with --window: seconds between window starts (default: the window)")
    add("--plot", metavar="PNG", help="with --segments or --window: a timeline")
    return parser
# fmt: on


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
        with utils.sigterm_raises_interrupt(), _warnings_on_one_line():
            return args.run(args)
    except CommandError as exc:
        print(f"sklearn-ser: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as interrupt:  # Ctrl-C, or SIGTERM
        stopped = utils.interrupt_signal(interrupt)
        kept = ""
        if args.command == "evaluate":
            outs = ", ".join(str(_evaluate_out(name, args)) for name in args.model)
            kept = f"; finished folds are kept in {outs}, the same command resumes"
        elif args.command == "train":
            kept = f"; nothing was written to {args.out}"
        print(f"sklearn-ser: interrupted by {stopped.name}{kept}", file=sys.stderr)
        return 128 + stopped
