"""Corpora loaded by name, several at once combined: what the command line reads."""

import os
from numbers import Integral
from pathlib import Path

import numpy as np
from sklearn.utils import resample
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ..exceptions import CorpusFileError
from ._audio_folder import load_audio_folder
from ._combine import _check_names, concat_corpora
from ._corpora import load_ased, load_crema_d, load_emodb, load_ravdess, load_savee, load_tess
from ._labels import take_clips
from ._synthetic import make_emotional_speech

_LOADERS = {
    "ravdess": load_ravdess,
    "ased": load_ased,
    "emodb": load_emodb,
    "crema-d": load_crema_d,
    "tess": load_tess,
    "savee": load_savee,
    "folder": load_audio_folder,
}

#: The names :func:`load_corpus` takes: the embedded synthetic corpus, the
#: corpora with a loader of their own, and ``"folder"`` for
#: :func:`load_audio_folder`.
CORPUS_NAMES = ("synthetic", *_LOADERS)


def _synthetic(sr, max_clips, random_state):
    """The embedded corpus, or a sample of ``max_clips`` of it stratified by emotion."""
    corpus = make_emotional_speech(sr=sr, random_state=random_state)
    if max_clips is None or max_clips >= len(corpus.target):
        return corpus
    keep = resample(
        np.arange(len(corpus.target)),
        replace=False,
        n_samples=max_clips,
        stratify=corpus.target,
        random_state=random_state,
    )
    return take_clips(corpus, np.sort(keep))


def _checked_pairs(names, paths, speaker_pattern):
    """``(name, path)`` per corpus, checked before any file is read."""
    unknown = [name for name in names if name not in CORPUS_NAMES]
    if unknown:
        raise ValueError(f"unknown corpus {unknown[0]!r}; choose from {list(CORPUS_NAMES)}")
    _check_names(names, len(names))
    if speaker_pattern is not None and "folder" not in names:
        raise ValueError(
            "a speaker pattern applies to the 'folder' corpus only: the names of the "
            "other corpora's files give their speakers"
        )
    if len(paths) != len(names):
        raise ValueError(
            f"got {len(names)} corpora and {len(paths)} paths: give one path per corpus, "
            "None for 'synthetic'"
        )
    for name, path in zip(names, paths):
        if name == "synthetic" and path is not None:
            raise ValueError(f"the synthetic corpus is generated, it takes no path; got {path}")
        if name != "synthetic" and path is None:
            raise ValueError(f"corpus {name} needs the path of its folder")
        if path is not None and not Path(path).expanduser().exists():
            raise FileNotFoundError(f"data path not found: {Path(path).expanduser()}")
    return list(zip(names, paths))


@validate_params(
    {
        "name": [str, list, tuple],
        "path": [str, os.PathLike, list, tuple, None],
        "sr": [Interval(Integral, 1, None, closed="left")],
        "max_clips": [Interval(Integral, 1, None, closed="left"), None],
        "speaker_pattern": [str, None],
        "on_error": [StrOptions({"raise", "warn"})],
        "random_state": ["random_state"],
        "verbose": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_corpus(
    name,
    path=None,
    *,
    sr=16000,
    max_clips=None,
    speaker_pattern=None,
    on_error="raise",
    random_state=None,
    verbose=False,
):
    r"""Load a corpus by name, or several combined.

    The loading of ``sklearn-ser train`` and ``evaluate``: ``"synthetic"``
    is :func:`make_emotional_speech`, ``"folder"`` is
    :func:`load_audio_folder` (labels from the sub-folders), every other name
    its corpus's loader. Several corpora are combined by
    :func:`concat_corpora` under their names, so that their speakers stay
    apart (``"ravdess/ravdess_01"``) and the cross-corpus splitters of
    :mod:`sklearn_ser.evaluation` find them. Every path is checked before
    any file is read.

    Parameters
    ----------
    name : str or list of str
        One of :data:`CORPUS_NAMES`: "synthetic", "ravdess", "ased",
        "emodb", "crema-d", "tess", "savee" or "folder"; a list combines
        several, each named once.
    path : str, path-like or list of them, default=None
        The folder of the corpus; with a list of names, a list of the same
        length with None for "synthetic", which is generated.
    sr : int, default=16000
        Sampling rate of the waveforms.
    max_clips : int, default=None
        Keep at most this many clips of each corpus (quick runs): the
        loaders' ``max_files``, spread evenly over the sorted files, so over
        the speakers; for "synthetic" a sample stratified by emotion.
    speaker_pattern : str, default=None
        The speakers of "folder": a regular expression searched in each
        file's path below the folder, by the rule of
        :func:`speakers_from_paths`. Without it the folder's speakers are
        unknown (``groups`` is None). Refused with the other corpora, whose
        file names give their speakers.
    on_error : {"raise", "warn"}, default="raise"
        What the loaders do with a misnamed or unreadable file: raise a
        :class:`~sklearn_ser.exceptions.CorpusFileError` naming the corpus
        and its folder (its ``corpus`` and ``path``), or skip such files with
        one warning.
    random_state : int, RandomState instance or None, default=None
        Seed of the synthetic corpus and of its sample; the other corpora
        are read without randomness.
    verbose : bool, default=False
        Show a progress bar while reading, on stderr when it is a terminal.

    Returns
    -------
    corpus : :class:`~sklearn.utils.Bunch`
        The loader's Bunch (``data``, ``target``, ``groups``, ``sr``...);
        for several corpora that of :func:`concat_corpora`, with each clip's
        corpus in ``corpus``.

    Raises
    ------
    FileNotFoundError
        When a path does not exist (``"data path not found: ..."``).
    ValueError
        Naming the corpus and its folder, when a name is unknown or
        repeated, paths and names do not pair up, or a corpus cannot be
        loaded (a :class:`~sklearn_ser.exceptions.CorpusFileError` for bad
        files).

    See Also
    --------
    relabel : Merge labels and keep some, e.g. the emotions corpora share.

    Examples
    --------
    >>> import os, tempfile, numpy as np, soundfile
    >>> from sklearn_ser.datasets import load_corpus
    >>> load_corpus("synthetic", max_clips=20, random_state=0).target.shape
    (20,)
    >>> folder = tempfile.mkdtemp()
    >>> for label in ["angry", "calm"]:
    ...     os.mkdir(f"{folder}/{label}")
    ...     soundfile.write(f"{folder}/{label}/spk7_1.wav", np.zeros(1600), 16000)
    >>> both = load_corpus(["synthetic", "folder"], [None, folder], max_clips=20,
    ...                    speaker_pattern=r"spk(\d+)_", random_state=0)
    >>> len(both.target), both.groups[-2:].tolist(), both.corpus[-2:].tolist()
    (22, ['folder/7', 'folder/7'], ['folder', 'folder'])
    """
    several = not isinstance(name, str)
    names = list(name) if several else [name]
    if several:
        paths = [None] * len(names) if path is None else list(path)
    else:
        paths = [path] if path is None or isinstance(path, (str, os.PathLike)) else list(path)
    corpora = []
    for corpus_name, corpus_path in _checked_pairs(names, paths, speaker_pattern):
        if corpus_name == "synthetic":
            corpora.append(_synthetic(sr, max_clips, random_state))
            continue
        corpus_path = Path(corpus_path).expanduser()
        options = {"sr": sr, "max_files": max_clips, "on_error": on_error, "verbose": verbose}
        if corpus_name == "folder":
            options["groups"] = speaker_pattern
        try:
            corpora.append(_LOADERS[corpus_name](corpus_path, **options))
        except CorpusFileError as exc:
            raise CorpusFileError(exc.problems, corpus=corpus_name, path=corpus_path) from exc
        except (FileNotFoundError, ValueError) as exc:
            error = FileNotFoundError if isinstance(exc, FileNotFoundError) else ValueError
            raise error(f"cannot load {corpus_name} from {corpus_path}: {exc}") from exc
    if not several:
        return corpora[0]
    try:
        return concat_corpora(*corpora, names=names)
    except ValueError as exc:
        raise ValueError(f"cannot combine the corpora {names}: {exc}") from exc
