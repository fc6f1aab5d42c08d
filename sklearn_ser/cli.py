"""The ``sklearn-ser`` command line: evaluate, train and predict.

A shell over public functions: the options become the arguments of
:func:`~sklearn_ser.datasets.load_corpus`, :func:`~sklearn_ser.pipelines.make_recipe`,
:func:`~sklearn_ser.evaluation.make_speaker_cv`,
:func:`~sklearn_ser.evaluation.evaluate_to_folder`,
:func:`~sklearn_ser.save_trained_model` and :func:`~sklearn_ser.load_trained_model`,
and their results are printed. Errors a user can fix (a missing path, a
folder without the expected files, a file that is not a saved model) end
with exit status 2 and one line on stderr.
"""

import argparse
import contextlib
import csv
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
from sklearn import config_context
from sklearn.utils import Bunch
from sklearn.utils.metadata_routing import get_routing_for_object
from tqdm.auto import tqdm

from . import __version__, load_trained_model, save_trained_model
from .datasets import (
    CORPUS_NAMES,
    find_audio_files,
    load_corpus,
    parse_filenames,
    read_audio,
    read_labels_csv,
    relabel,
    speakers_from_paths,
)
from .estimators import EpochProgressBar
from .evaluation import (
    default_cv_spec,
    evaluate_to_folder,
    make_speaker_cv,
    merge_probabilities,
    score_predictions,
)
from .exceptions import CheckpointError, CorpusFileError
from .pipelines import RECIPE_NAMES, make_recipe
from .segmentation import (
    FixedWindows,
    SpeechSegmenter,
    clip_duration,
    plot_emotion_timeline,
    predict_segments,
)
from .utils import (
    check_device,
    check_writable_file,
    check_writable_folder,
    interrupt_signal,
    os_error_reason,
    replacing,
    sigterm_raises_interrupt,
)

#: Parent of the default ``evaluate --out`` folders, one per configuration.
DEFAULT_RESULTS = "sklearn_ser_results"
# Options that do not change an evaluation's results (or, for the models,
# are named one by one): left out of the default folder's hash. The device
# is in it: the finished folds record the models' parameters, device too.
_OPTIONS_OUTSIDE_RESULTS = {"run", "command", "model", "out", "n_jobs", "scheduler"}
#: Seconds to wait for the Dask scheduler of ``evaluate --scheduler``.
SCHEDULER_TIMEOUT = 5
#: The sampling rate of the corpora read and the recipes built.
SR = 16000


class CommandError(Exception):
    """A problem the user can fix; reported in one line, exit status 2."""


def _check_out(path, *, folder, default=False, option="--out"):
    """Refuse a file or folder to write that cannot be, before any work is done."""
    try:
        (check_writable_folder if folder else check_writable_file)(path)
    except OSError as exc:
        named = f"the default results folder {path}" if default else f"{option} {path}"
        raise CommandError(f"{named} cannot be written: {os_error_reason(exc, path)}") from exc


@contextlib.contextmanager
def _warnings_on_one_line(prefix=""):
    """Show each warning as one line on stderr (beside any progress bar),
    after ``prefix``, not as Python shows them (file, line and source)."""
    with warnings.catch_warnings():
        warnings.showwarning = lambda message, *_, **__: tqdm.write(
            f"sklearn-ser: warning: {prefix}{message}", file=sys.stderr
        )
        yield


# ------------------------------------------------------------ corpora, models


def _corpus_paths(args):
    """The path of each ``--corpus`` (None for synthetic), from ``--data``."""
    names, paths = args.corpus, list(args.data or [])
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise CommandError(f"--corpus names {repeated[0]} twice")
    if len(names) == 1:
        if names == ["synthetic"] and paths:
            raise CommandError("--data is not used with --corpus synthetic")
        if len(paths) > 1:
            raise CommandError(f"--corpus {names[0]} takes one --data PATH, got {len(paths)}")
        if names != ["synthetic"] and not paths:
            raise CommandError(f"--corpus {names[0]} needs --data PATH (the corpus folder)")
        return paths or [None]
    with_data = [name for name in names if name != "synthetic"]
    if len(paths) != len(with_data):
        raise CommandError(
            f"--corpus {' '.join(names)} needs one --data PATH per corpus other than "
            f"synthetic ({len(with_data)}, in the same order), got {len(paths)}"
        )
    paths = iter(paths)
    return [None if name == "synthetic" else next(paths) for name in names]


def _label_edit(args):
    """``merge`` and ``keep`` of :func:`~sklearn_ser.datasets.relabel` from
    ``--merge`` and ``--emotions``."""
    merge = {}
    for source, target in args.merge or ():
        if merge.get(source, target) != target:
            raise CommandError(f"--merge {source}= is given twice: {merge[source]} and {target}")
        merge[source] = target
    return {"merge": merge or None, "keep": args.emotions}


def _load(args):
    """The corpora of ``--corpus``, labels edited by ``--merge`` and ``--emotions``."""
    names, paths = args.corpus, _corpus_paths(args)
    try:
        corpus = load_corpus(
            names if len(names) > 1 else names[0],
            paths if len(names) > 1 else paths[0],
            sr=SR,
            max_clips=args.max_clips,
            speaker_pattern=args.speaker_pattern,
            random_state=args.seed,
            verbose=True,
        )
    except CorpusFileError as exc:  # its advice names on_error, which the CLI lacks
        raise CommandError(
            f"{exc.summary()}; check that --data is the {exc.corpus} folder, or fix or "
            "remove the bad files"
        ) from exc
    except (OSError, ValueError) as exc:
        raise CommandError(str(exc)) from exc
    try:
        return relabel(corpus, **_label_edit(args))
    except ValueError as exc:
        raise CommandError(f"--merge/--emotions: {exc}") from exc


def _n_seeds(name, args):
    """Seeds averaged by the model: those of --n-seeds for the single networks."""
    return 1 if name in ("baseline", "recommended") else args.n_seeds


def _make_model(name, args):
    """The recipe of ``--model``, set up from the options."""
    if name == "baseline":
        options = {"features": args.features, "classifier": args.classifier}
    else:
        options = {"device": args.device, "callbacks": [EpochProgressBar()]}
        options.update({"max_epochs": args.epochs} if args.epochs else {})
    try:
        return make_recipe(
            name,
            sr=SR,
            speaker_norm=args.speaker_norm,
            corpus=args.corpus,
            n_seeds=_n_seeds(name, args),
            random_state=args.seed,
            **options,
        )
    except ImportError as exc:
        raise CommandError(f"--features: {exc}") from exc
    except ValueError as exc:
        raise CommandError(f"--model {name}: {exc}") from exc


def _models(names, args):
    """The models of ``--model``, once the baseline's options are checked."""
    given = [option for option in ("features", "classifier") if getattr(args, option)]
    if given and "baseline" not in names:
        raise CommandError(f"--{given[0]} applies to --model baseline only")
    return {name: _make_model(name, args) for name in names}


def _max_epochs(model):
    """The epochs a neural model trains for at most (None for the baseline)."""
    epochs = {value for key, value in model.get_params().items() if key.endswith("max_epochs")}
    return epochs.pop() if len(epochs) == 1 else None


def _model_label(name, args):
    """How a model is named in the output: seeds, the baseline's settings, speaker norm."""
    if _n_seeds(name, args) > 1:
        name += f" ({args.n_seeds} seeds)"
    if name == "baseline" and (args.features or args.classifier):
        name += f" ({'+'.join(args.features or ['logmel'])}, {args.classifier or 'logreg'})"
    return name + (" + speaker norm" if args.speaker_norm else "")


def _recorded(values):
    """A ``--corpus`` or ``--data`` value as recorded: one value, or the list."""
    return values[0] if values and len(values) == 1 else values


def _facts(name, model, corpus, args):
    """What a run's report and a model file record of the command."""
    facts = {
        "corpus": _recorded(args.corpus),
        "speaker_norm": args.speaker_norm,
        "merge": _label_edit(args)["merge"],
        "emotions": args.emotions,
        "epochs": _max_epochs(model),
        "seed": args.seed,
        "n_seeds": _n_seeds(name, args),
        "n_clips": len(corpus.target),
    }
    if name == "baseline":
        facts.update(features=args.features or ["logmel"], classifier=args.classifier or "logreg")
    return facts


# ------------------------------------------------------------------- commands


def _evaluate_out(name, args):
    """The folder of one model's evaluation: under --out (a sub-folder per model
    when several are compared), or by default one per model and configuration,
    named for reading, with a short hash of every option that changes the
    results: the same command finds its run again, other options never reuse it."""
    if args.out is not None:
        return Path(args.out) / name if len(args.model) > 1 else Path(args.out)
    settings = {k: v for k, v in vars(args).items() if k not in _OPTIONS_OUTSIDE_RESULTS}
    settings.update(
        model=name,
        n_seeds=_n_seeds(name, args),
        cv=args.cv or default_cv_spec(args.corpus),
        data=[str(Path(path).expanduser().resolve()) for path in args.data or ()],
    )
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode())
    label = re.sub(r"[^a-z0-9]+", "-", _model_label(name, args).lower()).strip("-")
    return Path(DEFAULT_RESULTS) / f"{'+'.join(args.corpus)}-{label}-{digest.hexdigest()[:8]}"


@contextlib.contextmanager
def _fold_runner(scheduler, n_jobs):
    """Yield the ``n_jobs`` of the folds, run on the Dask cluster at ``scheduler``
    if given: only the fold computations travel, ``--out`` is written here."""
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


def _evaluate(args):
    # Connect first, so that an unreachable scheduler fails before a long corpus read.
    with _fold_runner(args.scheduler, args.n_jobs) as n_jobs:
        models, outs = _models(args.model, args), {}
        for name in models:
            outs[name] = _evaluate_out(name, args)
            _check_out(outs[name], folder=True, default=args.out is None)
        corpus = _load(args)
        if corpus.groups is None:
            raise CommandError(
                "the speakers of the clips are unknown, so no speaker-independent split is "
                "possible; pass --speaker-pattern REGEX (a group that captures the speaker)"
            )
        spec = args.cv or default_cv_spec(args.corpus)
        try:
            cv = make_speaker_cv(spec, corpus.groups, y=corpus.target)
        except ValueError as exc:
            raise CommandError(f"--cv {spec}: {exc}") from exc
        reports, speakers = {}, len(np.unique(corpus.groups))
        for name, model in models.items():
            label = _model_label(name, args)
            print(
                f"{label} on {'+'.join(args.corpus)}: {len(corpus.target)} clips, "
                f"{speakers} speakers, cv {spec}",
                file=sys.stderr,
            )
            run = {"model": name, "data": _recorded(args.data), "cv": spec}
            run.update(_facts(name, model, corpus, args))
            try:
                report, written = evaluate_to_folder(
                    model, corpus.data, corpus.target, corpus.groups, cv, outs[name],
                    run=run, corpora=corpus.get("corpus"), n_jobs=n_jobs,
                )  # fmt: skip
            except CheckpointError as exc:
                raise CommandError(str(exc)) from exc
            except OSError as exc:
                raise CommandError(
                    f"cannot write the report in {outs[name]}: {os_error_reason(exc)}"
                ) from exc
            print(report)
            print(
                f"\nwrote {', '.join(written)} to {outs[name]} "
                f"({sum(report.fold_times):.0f} s of folds)\n"
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
    model, out = _models([args.model], args)[args.model], Path(args.out)
    _check_out(out, folder=False)  # before the corpus is read and the model trained
    corpus = _load(args)
    if args.speaker_norm and corpus.groups is None:
        raise CommandError("--speaker-norm needs the speakers: pass --speaker-pattern REGEX")
    # Routing hands the speakers to every step that requests them: the
    # classifier's early-stopping split, the per-speaker scaler.
    with config_context(enable_metadata_routing=True):
        wanted = get_routing_for_object(model).consumes("fit", ["groups"])
        groups = {"groups": corpus.groups} if wanted and corpus.groups is not None else {}
        model.fit(corpus.data, corpus.target, **groups)
    facts = {"model_name": args.model, **_facts(args.model, model, corpus, args)}
    try:
        save_trained_model(model, out, sr=corpus.sr, metadata=facts)
    except OSError as exc:
        raise CommandError(f"cannot write --out {out}: {os_error_reason(exc, out)}") from exc
    print(
        f"saved {args.model} trained on {len(corpus.target)} {'+'.join(args.corpus)} clips to {out}"
    )
    return 0


def _audio_files(paths):
    """The audio files to label; says on stderr which files in the folders were not."""
    try:
        files, skipped = find_audio_files(paths)
    except (FileNotFoundError, ValueError) as exc:
        raise CommandError(str(exc)) from exc
    if skipped:
        shown = "; ".join(f"{file} ({why})" for file, why in skipped[:3])
        more = f"; and {len(skipped) - 3} more" if len(skipped) > 3 else ""
        print(f"sklearn-ser: skipped {len(skipped)} file(s): {shown}{more}", file=sys.stderr)
    return files


def _prediction_speakers(args, files, truth):
    """Speakers for a speaker-normalising model: from ``--speaker-pattern``,
    else from the corpus naming of ``--corpus``, else one per folder."""
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

    def edit(probabilities):
        _check_probabilities(probabilities, args.model_file)
        if not (args.merge or args.emotions):
            return probabilities, list(classes)
        merged, kept = merge_probabilities(probabilities, classes, **_label_edit(args))
        return merged, list(kept)

    try:
        edit(np.zeros((0, len(classes))))
    except ValueError as exc:
        raise CommandError(f"--merge/--emotions: {exc}") from exc
    return edit


def _check_probabilities(probabilities, model_file):
    if not np.isfinite(probabilities).all():
        raise CommandError(
            f"the model in {model_file} gives NaN or infinite probabilities: "
            "its fitted values are damaged"
        )


def _predict(args):
    _check_segment_options(args)
    if args.out is not None:
        _check_out(Path(args.out), folder=False)  # before any audio is read
    try:
        model, saved = load_trained_model(args.model_file, allow_pickle=args.allow_pickle)
    except (OSError, ValueError) as exc:
        raise CommandError(str(exc)) from exc
    files = _audio_files(args.inputs)
    relabel_probabilities = _probability_edit(args, [str(c) for c in model.classes_])
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
    with config_context(enable_metadata_routing=True), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="SpeakerStandardScaler got no groups")
        probabilities, classes = relabel_probabilities(model.predict_proba(waveforms, **params))
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


def _predict_segments(args, model, sr, files, relabel_probabilities):
    """``predict --segments`` / ``--window``: one row per segment of each file,
    with ``--merge``/``--emotions`` applied to each segment's probabilities."""
    if args.plot and len(files) > 1:
        raise CommandError("--plot draws one recording: give one audio file")
    segmenter = SpeechSegmenter() if args.window is None else FixedWindows(args.window, args.hop)
    model_classes = [str(c) for c in model.classes_]
    rows = []
    for file in files:
        # A recording's segments are one call of the model: one warning per file, named.
        with _warnings_on_one_line(prefix=f"{file}: "):
            try:
                table = predict_segments(
                    model, file, sr=sr, segmenter=segmenter, progress=sys.stderr.isatty()
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        probabilities, classes = relabel_probabilities(table[model_classes].to_numpy())
        table = table[["start", "end"]].assign(
            label=np.asarray(classes, dtype=object)[probabilities.argmax(axis=1)],
            **dict(zip(classes, probabilities.T)),
        )
        rows += [{"file": str(file), **row} for row in table.to_dict("records")]
    _write_predictions(args, rows, ["file", "start", "end", "label", *classes])
    if args.plot:
        _write_plot(Path(args.plot), table, title=str(files[0]))
    return 0


def _write_plot(plot, table, title):
    from matplotlib.figure import Figure  # an optional package, checked with the options

    figure = Figure(figsize=(10, 3), layout="constrained")
    plot_emotion_timeline(table, ax=figure.subplots(), title=title)
    try:
        plot.parent.mkdir(parents=True, exist_ok=True)
        with replacing(plot) as temporary:
            figure.savefig(temporary, dpi=120, format="png")
    except OSError as exc:
        raise CommandError(f"cannot write --plot {plot}: {os_error_reason(exc, plot)}") from exc


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
        aligned = (
            cell.rjust(width) if number else cell.ljust(width)
            for cell, width, number in zip(line, widths, numbers)
        )
        print("  ".join(aligned).rstrip(), file=buffer)
    return buffer.getvalue()


def _known_labels(args, files):
    """The true labels of the files, from ``--corpus`` or ``--labels`` (None
    for a file the CSV does not list), with their speakers when the corpus
    names them; None without either option."""
    if args.corpus is not None:
        try:
            return parse_filenames(files, args.corpus)
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


# --------------------------------------------------------------------- parser


def _option_type(check):
    """An argparse type: the text once ``check`` accepts it (or what it makes of
    it); its ValueError becomes argparse's one-line error."""

    def convert(text):
        try:
            value = check(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from exc
        return text if value is None else value

    return convert


def _integer(accept, expected):
    """The argparse type of integers that ``accept`` takes."""

    def convert(text):
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not accept(value):
            raise ValueError(f"expected {expected}, got {text!r}")
        return value

    return _option_type(convert)


@_option_type
def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise ValueError(f"expected a positive number, got {text!r}")
    return value


@_option_type
def _label_pair(text):
    source, sep, target = text.partition("=")
    if not (sep and source and target):
        raise ValueError(f"expected LABEL=NEW_LABEL, got {text!r}")
    return source, target


@_option_type
def _device(text):
    check_device(text)


@_option_type
def _speaker_pattern(text):
    speakers_from_paths([], text)  # the speaker pattern rule's own check, without files


_positive_int = _integer(lambda n: n >= 1, "a positive integer")
# joblib counts from the end below zero (-1: all CPUs); 0 workers is no run.
_n_jobs = _integer(lambda n: n != 0, "a non-zero integer (-1: all CPUs)")
# numpy's seeds are 32-bit unsigned integers.
_seed = _integer(lambda n: 0 <= n < 2**32, f"an integer from 0 to {2**32 - 1}")


def _default_cv_help():
    """Each corpus's default --cv, e.g. "loso for emodb, tess; ravdess-6 for ravdess"."""
    corpora_of = {}
    for corpus in CORPUS_NAMES:
        corpora_of.setdefault(default_cv_spec(corpus), []).append(corpus)
    return "; ".join(f"{spec} for {', '.join(names)}" for spec, names in corpora_of.items())


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


def _add_data_options(parser, models):
    _add_label_options(parser)
    parser.add_argument(
        "--corpus",
        choices=CORPUS_NAMES,
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
        type=_speaker_pattern,
        metavar="REGEX",
        help="with --corpus folder: regex searched in each file's path below --data, "
        "whose group (named speaker, or the first) captures the speaker",
    )
    parser.add_argument(
        "--max-clips",
        type=_positive_int,
        metavar="N",
        help="use at most N clips of each corpus, spread over it (quick runs)",
    )
    parser.add_argument(
        "--model",
        choices=RECIPE_NAMES,
        **({"nargs": "+", "default": ["cnn-lstm"]} if models else {"default": "cnn-lstm"}),
        help=f"{'model(s) to evaluate, side by side' if models else 'model to train'} "
        "(default: cnn-lstm; on the synthetic corpus the CNN-LSTM is a small one); "
        "recommended: a soft vote of the CNN-LSTM and two feature-set SVMs (the "
        "[opensmile] and [voice] extras)",
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
        help="baseline only: feature sets, side by side when several: logmel "
        "(log-mel statistics), egemaps, compare (openSMILE, the [opensmile] "
        "extra), voice (pretrained speaker encoder, the [voice] extra) "
        "(default: logmel)",
    )
    parser.add_argument(
        "--classifier",
        help="baseline only: logreg (logistic regression), svm or linear-svm (an RBF or "
        "linear SVM) (default: logreg)",
    )
    parser.add_argument(
        "--seed", type=_seed, default=0, help="random seed, 0 to 2**32 - 1 (default: 0)"
    )
    parser.add_argument(
        "--n-seeds",
        type=_positive_int,
        default=1,
        metavar="N",
        help="cnn-lstm, cnn-lstm-1d and transformer-cnn: train N copies from seeds SEED, "
        "SEED+1, ... and average their class probabilities (a seed ensemble, N times the "
        "cost; default: 1)",
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
    _add_data_options(evaluate, models=True)
    evaluate.add_argument(
        "--cv",
        metavar="{loso,group-kfold:K,ravdess-6,emobox-ravdess,leave-one-corpus-out,TRAIN:TEST}",
        help=f"outer folds (default: {_default_cv_help()}; with several corpora "
        "leave-one-corpus-out: test on each, train on the others). ravdess-6 and "
        "emobox-ravdess are the RAVDESS folds of this package and of the EmoBox benchmark. "
        "TRAIN:TEST trains on some corpora and tests on others, e.g. ravdess:ased or "
        "ravdess+ased:emodb; the cross-corpus folds keep only the emotions training and "
        "test share",
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
    _add_data_options(train, models=False)
    train.add_argument(
        "--out",
        default="model.skops",
        metavar="FILE",
        help="where to save the model (default: model.skops); it loads without "
        "running code from the file",
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
        choices=[name for name in CORPUS_NAMES if name not in ("synthetic", "folder")],
        help="the files are named as in this corpus: score against the labels of "
        "their names, as --labels does",
    )
    predict.add_argument(
        "--speaker-pattern",
        type=_speaker_pattern,
        metavar="REGEX",
        help="for a model trained with --speaker-norm: regex searched in each file's path "
        "as printed, whose group (named speaker, or the first) captures the speaker "
        "(default: the speakers of --corpus, else the files of each folder are normalised "
        "together, as one speaker)",
    )
    predict.add_argument(
        "--allow-pickle",
        action="store_true",
        help="also load MODEL when it is a pickle of a fitted model (joblib.dump); "
        "loading a pickle runs code stored in it: only for files you trust",
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
        with sigterm_raises_interrupt(), _warnings_on_one_line():
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
