"""Machinery shared by every corpus loader.

A corpus is described by a :class:`CorpusSpec` (how to read one file name,
which metadata fields that yields). :func:`read_corpus` does the rest for all
of them: find the audio files, parse their names, filter, read + mix down +
resample in parallel, collect errors, and build the :class:`~sklearn.utils.Bunch`.
"""

import os
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from numbers import Integral
from pathlib import Path

import numpy as np
import soundfile
import soxr
from joblib import Parallel, delayed
from sklearn.utils import Bunch
from sklearn.utils._param_validation import Interval, StrOptions
from tqdm.auto import tqdm

from ..exceptions import CorpusFileError
from ..utils._validation import _check_regular_file, _special_file_kind

#: One emotion vocabulary for every corpus (English, lower case). Which
#: corpus has which, and what each corpus's codes map to: the user guide's
#: "Emotion labels" section (docs/user_guide/data.rst, ``emotion_vocabulary``).
EMOTIONS = (
    "neutral",
    "calm",
    "happy",
    "sad",
    "angry",
    "fearful",
    "disgust",
    "surprised",
    "boredom",
)

#: File extensions of the audio files that the loaders and the command line
#: read (lower case); all are decoded by libsndfile (MP3 from its 1.1).
AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".opus", ".mp3", ".aif", ".aiff")

#: Constraints of the keyword arguments every loader shares.
LOADER_CONSTRAINTS = {
    "path": [str, os.PathLike],
    "sr": [Interval(Integral, 1, None, closed="left")],
    "emotions": ["array-like", None],
    "speakers": ["array-like", None],
    "max_files": [Interval(Integral, 1, None, closed="left"), None],
    "on_error": [StrOptions({"raise", "warn"})],
    "n_jobs": [Integral, None],
    "verbose": ["boolean"],
    "as_frame": ["boolean"],
    "return_X_y": ["boolean"],
    "return_X_y_groups": ["boolean"],
}

# Parameter and return documentation shared by the loaders, inserted by
# `sklearn_ser.utils.fill_doc` so that it is written once.
LOADER_DOC = {
    "loader_parameters": """\
    sr : int, default=16000
        Sampling rate of the returned waveforms. Files at another rate are
        resampled with soxr (quality "HQ"), so a folder may mix rates;
        multi-channel files are averaged to mono.
    emotions : array-like of str, default=None
        Keep only clips with these labels (see ``target`` below). ``None``
        keeps every emotion.
    speakers : array-like of str, default=None
        Keep only these speakers, given either as group ids
        (``"ravdess_01"``) or as the corpus's own speaker codes (``"01"``).
        ``None`` keeps every speaker.
    max_files : int, default=None
        Read at most this many files, spread evenly over the sorted file
        list (so over speakers too) after filtering. Meant for quick tests.
    on_error : {"raise", "warn"}, default="raise"
        What to do with a file whose name does not follow the corpus
        convention or whose audio cannot be read (not audio despite its
        extension, corrupt, truncated, empty, a broken link, a FIFO): raise
        a :class:`~sklearn_ser.exceptions.CorpusFileError` (a ``ValueError``)
        naming the file, or skip every such file with one ``UserWarning``
        listing them all. No file is dropped silently.
    n_jobs : int, default=None
        Number of threads reading files (joblib semantics: ``None`` is 1,
        ``-1`` all cores).
    verbose : bool, default=False
        Show a progress bar while reading, on stderr when it is a terminal
        (and in notebooks).
    as_frame : bool, default=False
        Also return the metadata as a pandas DataFrame in ``frame``
        (requires pandas).
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    return_X_y_groups : bool, default=False
        Return ``(data, target, groups)`` instead of a Bunch, ready for
        ``cross_validate(..., groups=groups)``. Exclusive with
        ``return_X_y``.""",
    "loader_returns": """\
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : list of ndarray of shape (n_samples_i,), dtype float32
            One mono waveform per clip, at ``sr``.
        target : ndarray of shape (n_clips,), dtype str
            Emotion labels from the vocabulary shared by all loaders,
            :data:`~sklearn_ser.datasets.EMOTIONS` (see
            :ref:`emotion_vocabulary`).
        groups : ndarray of shape (n_clips,), dtype str
            Speaker ids prefixed with the corpus name (``"ravdess_01"``), so
            that speakers stay distinct when corpora are combined. Pass them
            to a group-aware splitter for speaker-independent evaluation.
        filenames : ndarray of shape (n_clips,), dtype str
            Absolute paths of the files.
        metadata : dict of str to ndarray of shape (n_clips,)
            Every field that the corpus encodes in its file names.
        frame : pandas.DataFrame of shape (n_clips, n_fields) or None
            ``metadata``, ``group``, ``filename`` and ``target`` columns
            when ``as_frame=True``.
        target_names : ndarray of str
            Sorted unique labels present in ``target``.
        sr : int
            Sampling rate of ``data``.
        DESCR : str
            Description of the corpus.

    (data, target) : tuple if ``return_X_y`` is True
        The waveforms and labels.
    (data, target, groups) : tuple if ``return_X_y_groups`` is True
        The waveforms, labels and speaker groups.""",
}


def evenly_spaced_indices(n_items, n_keep):
    """Indices of at most ``n_keep`` items spread evenly over ``n_items``.

    Taken over a sorted file list, this samples every speaker instead of
    the first speaker's files.
    """
    return np.unique(np.linspace(0, n_items - 1, n_keep).round().astype(int))


@dataclass(frozen=True)
class CorpusSpec:
    """How to read one corpus.

    Attributes
    ----------
    name : str
        Human-readable name used in messages ("RAVDESS").
    key : str
        Name of the description file ``descr/<key>.rst``.
    group_prefix : str
        Prefix of the group ids ("ravdess_").
    parse : callable
        ``parse(file, root) -> dict`` with keys "label", "speaker" and every
        name in ``fields``; raises ``ValueError`` with the reason when the
        name does not follow the convention.
    fields : tuple of str
        Metadata fields, in order.
    labels : tuple of str or None
        The labels the corpus can produce, to validate ``emotions``; None
        when they are not known in advance.
    extensions : tuple of str
        Audio file extensions to look for (lower case, with the dot).
    """

    name: str
    key: str
    group_prefix: str
    parse: Callable
    fields: tuple
    labels: tuple = None
    extensions: tuple = AUDIO_EXTENSIONS


def load_description(key):
    """Return the text of ``descr/<key>.rst``."""
    return (resources.files("sklearn_ser.datasets") / "descr" / f"{key}.rst").read_text(
        encoding="utf-8"
    )


# libsndfile reads a WAV or AIFF cut short in its data without error; its log
# says "data : <declared> (should be <present>)" ("SSND" for AIFF).
_CUT_DATA_LOG = re.compile(
    r"^\s*(?:data|SSND)\s*:\s*(?P<declared>\d+) \(should be (?P<present>\d+)\)", re.M
)
_STREAMING_SIZE = 0xFFFFFFFF  # placeholder size written by streaming encoders
# Values read at a time: a corrupt header may declare billions of frames, so
# the buffer grows with what the file really holds, not with the header.
_BLOCK_VALUES = 2**20
# Below this rate a header is taken as corrupt: resampling its frames to `sr`
# would make a long clip out of nothing.
_MIN_FILE_SR = 1000


def read_audio(path, sr=16000):
    """Read one audio file as a float32 mono waveform.

    The reader every loader uses: channels are averaged to mono and the
    audio is resampled with soxr (quality "HQ") when the file's rate
    differs from ``sr``.

    Parameters
    ----------
    path : str or path-like
        Any file libsndfile reads (WAV, FLAC, OGG, AIFF ...).
    sr : int, default=16000
        Sampling rate of the returned waveform.

    Returns
    -------
    waveform : ndarray of shape (n_samples,), dtype float32
        Samples in [-1, 1] for integer PCM files.

    Raises
    ------
    ValueError
        Naming the file, when it is not a regular file (a FIFO or a device,
        which could block forever), cannot be decoded, is truncated (holds
        fewer frames or bytes of audio than its header says), holds no
        samples, holds NaN/inf, declares a sampling rate below 1 kHz (a
        corrupt header) or is too short to make one sample at ``sr``.

    Examples
    --------
    >>> import tempfile, numpy as np, soundfile
    >>> from sklearn_ser.datasets import read_audio
    >>> path = tempfile.mkdtemp() + "/stereo.wav"
    >>> soundfile.write(path, np.full((4800, 2), [0.5, -0.25]), 48000)
    >>> wave = read_audio(path, sr=16000)
    >>> wave.shape, wave.dtype, float(wave[800])
    ((1600,), dtype('float32'), 0.125)
    """
    _check_regular_file(path)
    try:
        with soundfile.SoundFile(path) as audio:
            file_sr, log, declared_frames = audio.samplerate, audio.extra_info, audio.frames
            block_frames = max(1, _BLOCK_VALUES // audio.channels)
            blocks = []
            while len(block := audio.read(block_frames, dtype="float32", always_2d=True)):
                blocks.append(block)
    except (RuntimeError, OSError) as exc:  # LibsndfileError is a RuntimeError
        raise ValueError(f"cannot read audio file {path}: {exc}") from exc
    samples = np.concatenate(blocks) if blocks else np.zeros((0, 1), np.float32)
    _check_frames(path, len(samples), declared_frames)
    _check_data_size(path, log)
    if samples.shape[0] == 0:
        raise ValueError(f"audio file {path} contains no samples")
    _check_finite(path, samples)
    wave = _mono(samples)
    if file_sr != sr:
        _check_rate(path, file_sr)
        wave = soxr.resample(wave, file_sr, sr)
        if len(wave) == 0:
            raise _too_short(path, len(samples), file_sr, sr)
    return np.ascontiguousarray(wave, dtype=np.float32)


def read_audio_blocks(path, sr=16000, block_duration=10.0):
    """Read an audio file block by block, as :func:`read_audio` reads it whole.

    Memory does not grow with the length of the file: each block is mixed
    down to mono and resampled to ``sr`` by one streaming soxr resampler
    (quality "HQ"), so the blocks joined are :func:`read_audio`'s waveform,
    without seams at their edges.

    Parameters
    ----------
    path : str or path-like
        Any file libsndfile reads.
    sr : int, default=16000
        Sampling rate of the blocks.
    block_duration : float, default=10.0
        Seconds of the file read at a time.

    Yields
    ------
    block : ndarray of shape (n_samples,), dtype float32
        Consecutive samples at ``sr``; the resampler's last samples come in
        a final, shorter block.

    Raises
    ------
    ValueError
        Naming the file, for the problems :func:`read_audio` reports; a
        truncated file is known only once its last block is read.

    Examples
    --------
    >>> import tempfile, numpy as np, soundfile
    >>> from sklearn_ser.datasets import read_audio
    >>> from sklearn_ser.datasets._base import read_audio_blocks
    >>> path = tempfile.mkdtemp() + "/noise.wav"
    >>> soundfile.write(path, np.random.default_rng(0).uniform(-1, 1, 48000), 48000)
    >>> blocks = list(read_audio_blocks(path, sr=16000, block_duration=0.4))
    >>> len(blocks), np.array_equal(np.concatenate(blocks), read_audio(path, sr=16000))
    (4, True)
    """
    _check_regular_file(path)
    try:
        with soundfile.SoundFile(path) as audio:
            file_sr, declared_frames = audio.samplerate, audio.frames
            _check_data_size(path, audio.extra_info)
            resampler = None
            if file_sr != sr:
                _check_rate(path, file_sr)
                resampler = soxr.ResampleStream(file_sr, sr, 1, dtype="float32")
            n_frames = n_samples = 0
            blocksize = max(1, round(block_duration * file_sr))
            for block in audio.blocks(blocksize, dtype="float32", always_2d=True):
                _check_finite(path, block)
                n_frames += len(block)
                wave = _mono(block)
                if resampler is not None:
                    wave = resampler.resample_chunk(wave)
                n_samples += len(wave)
                yield wave
    except (RuntimeError, OSError) as exc:
        raise ValueError(f"cannot read audio file {path}: {exc}") from exc
    _check_frames(path, n_frames, declared_frames)
    if n_frames == 0:
        raise ValueError(f"audio file {path} contains no samples")
    if resampler is not None:
        last = resampler.resample_chunk(np.zeros(0, np.float32), last=True)
        if n_samples + len(last) == 0:
            raise _too_short(path, n_frames, file_sr, sr)
        yield last


def _mono(samples):
    """The channels of (frames, channels) samples averaged, as float32."""
    if samples.shape[1] == 1:
        return np.ascontiguousarray(samples[:, 0])
    return samples.mean(axis=1, dtype=np.float64).astype(np.float32)


def _check_frames(path, n_frames, declared_frames):
    if 0 < n_frames < declared_frames:
        raise ValueError(
            f"audio file {path} is truncated: its header declares {declared_frames} "
            f"frames, the file holds {n_frames}"
        )


def _check_data_size(path, log):
    cut = _CUT_DATA_LOG.search(log)
    if cut:
        declared, present = int(cut["declared"]), int(cut["present"])
        if declared > present and declared != _STREAMING_SIZE:
            raise ValueError(
                f"audio file {path} is truncated: its header declares {declared} "
                f"bytes of audio, the file holds {present}"
            )


def _check_finite(path, samples):
    if not np.isfinite(samples).all():
        raise ValueError(f"audio file {path} contains NaN or infinite samples")


def _check_rate(path, file_sr):
    if file_sr < _MIN_FILE_SR:
        raise ValueError(
            f"audio file {path} declares a sampling rate of {file_sr} Hz, too low "
            f"for audio (below {_MIN_FILE_SR} Hz); is its header corrupt?"
        )


def _too_short(path, n_frames, file_sr, sr):
    return ValueError(
        f"audio file {path} is too short to resample: {n_frames} frames "
        f"at {file_sr} Hz make no sample at sr={sr} Hz"
    )


def _read_or_error(path, sr):
    """``(waveform, None)``, or ``(None, message)`` when the file is bad."""
    try:
        return read_audio(path, sr), None
    except ValueError as exc:
        return None, str(exc)


def _entries(folder):
    """Every file under ``folder`` (any kind but folders), sorted, without
    hidden files and the macOS resource forks ("._x.wav", "__MACOSX/") of zips."""
    return sorted(
        file
        for file in folder.rglob("*")
        if not file.name.startswith(".")
        and "__MACOSX" not in file.relative_to(folder).parts
        and not file.is_dir()
    )


def _find_files(spec, root):
    if not root.is_dir():
        raise FileNotFoundError(f"{spec.name} directory not found: {root}")
    # A broken link, a FIFO... is kept, so that reading it reports it by name.
    files = [file for file in _entries(root) if file.suffix.lower() in spec.extensions]
    if not files:
        raise FileNotFoundError(
            f"no {spec.name} files ({', '.join('*' + e for e in spec.extensions)}) "
            f"found under {root}"
        )
    return files


def _audio_file_problem(path, extensions):
    """Why ``path`` is not an audio file to read, or None when it is one."""
    kind = _special_file_kind(path)
    if kind is not None:
        return f"{kind}, not a regular file"
    if not path.is_file():
        return "a broken link"
    if path.suffix.lower() not in extensions:
        return f"not an audio file ({', '.join(extensions)})"
    return None


def find_audio_files(paths, *, extensions=AUDIO_EXTENSIONS):
    """The audio files named in ``paths`` and those inside the folders among them.

    One rule for both: an audio file is a regular file whose extension (in
    any case) is one of ``extensions``. Folders are searched recursively,
    skipping hidden files and the macOS resource forks of zip archives, as
    the loaders do; any other file found there that is not an audio file by
    this rule is returned as skipped, so that the caller can say what it
    left out. Nothing is opened, so a FIFO named ``*.wav`` cannot block.

    Parameters
    ----------
    paths : iterable of str or path-like
        Audio files and folders.
    extensions : tuple of str, default=AUDIO_EXTENSIONS
        Extensions of the audio files, lower case with the dot.

    Returns
    -------
    files : list of pathlib.Path
        The audio files, in the order of ``paths``, each folder's sorted.
    skipped : list of tuple of (pathlib.Path, str)
        The other files found in the folders, each with the reason.

    Raises
    ------
    FileNotFoundError
        When a path does not exist.
    ValueError
        When a file named in ``paths`` is not an audio file (another
        extension, a FIFO or a device), or a folder holds none.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_ser.datasets import find_audio_files
    >>> folder = tempfile.mkdtemp()
    >>> for name in ["b.wav", "a.MP3", "notes.txt"]:
    ...     open(os.path.join(folder, name), "w").close()
    >>> files, skipped = find_audio_files([folder])
    >>> [file.name for file in files], [(file.name, why[:20]) for file, why in skipped]
    (['a.MP3', 'b.wav'], [('notes.txt', 'not an audio file (.')])
    """
    files, skipped = [], []
    for path in map(Path, paths):
        if path.is_dir():
            found = []
            for file in _entries(path):
                problem = _audio_file_problem(file, extensions)
                if problem is None:
                    found.append(file)
                else:
                    skipped.append((file, problem))
            if not found:
                raise ValueError(f"no audio files ({', '.join(extensions)}) in {path}")
            files += found
        elif not path.exists():
            raise FileNotFoundError(f"audio file or folder not found: {path}")
        else:
            problem = _audio_file_problem(path, extensions)
            if problem is not None:
                raise ValueError(f"{path} is {problem}")
            files.append(path)
    return files, skipped


def _report_errors(spec, errors, on_error):
    """Raise for the first error, or warn once listing all of them."""
    if not errors:
        return
    if on_error == "raise":
        raise CorpusFileError(errors)
    warnings.warn(
        f"skipped {len(errors)} bad {spec.name} file(s):\n  " + "\n  ".join(errors),
        UserWarning,
        stacklevel=3,
    )


def _check_selection(kind, requested, available):
    unknown = sorted(set(requested) - set(available))
    if unknown:
        raise ValueError(f"unknown {kind} {unknown}; available: {sorted(set(available))}")


def check_return_flags(return_X_y, return_X_y_groups):
    if return_X_y and return_X_y_groups:
        raise ValueError("return_X_y and return_X_y_groups are exclusive; pass one")


def build_bunch(
    *,
    data,
    target,
    groups,
    filenames,
    metadata,
    sr,
    descr,
    as_frame,
    return_X_y,
    return_X_y_groups,
):
    """Assemble a loader's return value (Bunch or tuple)."""
    check_return_flags(return_X_y, return_X_y_groups)
    target = np.asarray(target, dtype=str)
    groups = None if groups is None else np.asarray(groups, dtype=str)
    if return_X_y:
        return data, target
    if return_X_y_groups:
        return data, target, groups
    frame = None
    if as_frame:
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError("as_frame=True requires pandas: pip install pandas") from exc
        columns = dict(metadata)
        columns["group"] = groups
        if filenames is not None:
            columns["filename"] = filenames
        columns["target"] = target
        frame = pd.DataFrame(columns)
    return Bunch(
        data=data,
        target=target,
        groups=groups,
        filenames=filenames,
        metadata=metadata,
        frame=frame,
        target_names=np.unique(target),
        sr=sr,
        DESCR=descr,
    )


def loader_options(arguments):
    """The options every loader passes on to `read_corpus`, from its ``locals()``.

    Taken by name so that each loader's signature stays explicit while the
    hand-over is written once; other locals (a loader's own arguments and
    variables) are left out.
    """
    return {name: arguments[name] for name in LOADER_CONSTRAINTS if name != "path"}


def read_corpus(
    spec,
    path,
    *,
    sr,
    emotions,
    speakers,
    max_files,
    on_error,
    n_jobs,
    verbose,
    as_frame,
    return_X_y,
    return_X_y_groups,
    where=None,
):
    """Load every file of one corpus under ``path``.

    ``where`` maps metadata fields to the values to keep (a loader's own
    filters, e.g. RAVDESS's vocal channel). The other arguments are those
    documented in the public loaders.
    """
    check_return_flags(return_X_y, return_X_y_groups)  # before reading any file
    root = Path(path).expanduser().resolve()
    errors = []
    records = []
    for file in _find_files(spec, root):
        try:
            record = spec.parse(file, root)
        except ValueError as exc:
            errors.append(f"{spec.name} file name {file} does not follow the convention: {exc}")
            if on_error == "raise":
                _report_errors(spec, errors, on_error)
            continue
        record["file"] = file
        speaker = record["speaker"]
        record["group"] = None if speaker is None else f"{spec.group_prefix}{speaker}"
        records.append(record)

    if emotions is not None:
        emotions = [str(e) for e in emotions]
        _check_selection(
            "emotions",
            emotions,
            spec.labels if spec.labels is not None else [r["label"] for r in records],
        )
        records = [r for r in records if r["label"] in emotions]
    if speakers is not None:
        speakers = {str(s) for s in speakers}
        _check_selection(
            "speakers",
            speakers,
            [r["group"] for r in records if r["group"] is not None]
            + [str(r["speaker"]) for r in records if r["speaker"] is not None],
        )
        records = [r for r in records if {r["group"], str(r["speaker"])} & speakers]
    for field, allowed in (where or {}).items():
        records = [r for r in records if r[field] in allowed]
    if max_files is not None and len(records) > max_files:
        records = [records[i] for i in evenly_spaced_indices(len(records), max_files)]
    if not records:
        _report_errors(spec, errors, on_error)
        raise ValueError(f"no {spec.name} files under {root} match the selection")

    files = [r["file"] for r in records]
    results = Parallel(n_jobs=n_jobs, prefer="threads")(
        delayed(_read_or_error)(file, sr)
        for file in tqdm(files, desc=f"reading {spec.name}", disable=None if verbose else True)
    )
    errors += [message for _, message in results if message is not None]
    _report_errors(spec, errors, on_error)
    kept = [(r, wave) for r, (wave, _) in zip(records, results) if wave is not None]
    if not kept:
        raise ValueError(f"none of the {spec.name} files under {root} could be read")
    records = [r for r, _ in kept]
    return build_bunch(
        data=[wave for _, wave in kept],
        target=[r["label"] for r in records],
        groups=None if records[0]["group"] is None else [r["group"] for r in records],
        filenames=np.asarray([str(r["file"]) for r in records]),
        metadata={field: np.asarray([r[field] for r in records]) for field in spec.fields},
        sr=sr,
        descr=load_description(spec.key),
        as_frame=as_frame,
        return_X_y=return_X_y,
        return_X_y_groups=return_X_y_groups,
    )
