"""Loader for any folder of labelled audio files."""

from pathlib import Path

import numpy as np
from sklearn.utils._param_validation import validate_params

from ..utils import fill_doc
from ..utils._validation import _compile_pattern
from ._base import LOADER_CONSTRAINTS, LOADER_DOC, CorpusSpec, loader_options, read_corpus


def _pattern_rule(pattern, what):
    """``f(text) -> str``: what the group of ``pattern`` captures in ``text``.

    The one rule of the path patterns (``what`` is "label" or "speaker"): the
    regular expression is searched in the text; its group named ``what``, or
    else its first group, is the value. A pattern without a group is refused
    at once; a text it does not match, or where its group is empty, raises a
    ValueError naming the text.
    """
    regex = _compile_pattern(pattern)
    if regex.groups == 0:
        raise ValueError(f"the {what} pattern {pattern!r} has no capturing group")
    group = what if what in regex.groupindex else 1

    def extract(text):
        match = regex.search(text)
        if match is None or not match.group(group):
            raise ValueError(f"the {what} pattern {pattern!r} does not match {text}")
        return match.group(group)

    return extract


def _rule(rule, what):
    """``f(file, root) -> str`` from a pattern (searched in the path of the
    file below ``root``, see :func:`_pattern_rule`) or a callable (given the
    file)."""
    if callable(rule):
        return lambda file, root: str(rule(file))
    extract = _pattern_rule(rule, what)
    return lambda file, root: extract(file.relative_to(root).as_posix())


def _parse_folder_label(file, root):
    if file.parent == root:
        raise ValueError("labels='folder' needs every file in a sub-folder named after its label")
    return file.parent.name


@validate_params(
    {
        **LOADER_CONSTRAINTS,
        "labels": [callable, str],
        "groups": [callable, str, None],
    },
    prefer_skip_nested_validation=True,
)
@fill_doc(**LOADER_DOC)
def load_audio_folder(
    path,
    *,
    labels="folder",
    groups=None,
    sr=16000,
    emotions=None,
    speakers=None,
    max_files=None,
    on_error="raise",
    n_jobs=None,
    verbose=False,
    as_frame=False,
    return_X_y=False,
    return_X_y_groups=False,
):
    r"""Load every audio file under a folder, with labels and speakers from rules.

    Files with the extensions of
    :data:`~sklearn_ser.datasets.AUDIO_EXTENSIONS` (.wav, .flac, .ogg,
    .opus, .mp3, .aif and .aiff) are found recursively.

    Parameters
    ----------
    path : str or path-like
        Root folder.
    labels : "folder", str or callable, default="folder"
        How a file's label is found. ``"folder"``: the name of the folder
        holding it (``angry/take1.wav`` -> ``"angry"``). Another string is a
        regular expression searched in the path relative to ``path`` (with
        ``/`` separators); the label is its group named ``label``, or its
        first group. A callable gets the absolute :class:`pathlib.Path` and
        returns the label. A file for which the rule fails counts as
        misnamed (see ``on_error``).
    groups : str, callable or None, default=None
        How a file's speaker is found: a regular expression searched in the
        path relative to ``path``, by the rule of
        :func:`speakers_from_paths` (the group named ``speaker``, or the
        first group), or a callable as for ``labels``.
        With ``None`` the speakers are unknown and the returned ``groups``
        is None: a group-aware splitter then refuses to run rather than
        silently mixing a speaker's clips into training and test folds.
        Group ids are returned as found, with no prefix.
    %(loader_parameters)s

    Returns
    -------
    %(loader_returns)s

    Notes
    -----
    ``metadata`` holds ``relative_path``. Labels are returned as found; use
    the shared vocabulary (neutral, calm, happy, sad, angry, fearful,
    disgust, surprised, boredom) to combine with other corpora.

    Examples
    --------
    >>> import os, tempfile, numpy as np, soundfile
    >>> from sklearn_ser.datasets import load_audio_folder
    >>> folder = tempfile.mkdtemp()
    >>> for label in ["angry", "sad"]:
    ...     os.mkdir(f"{folder}/{label}")
    ...     soundfile.write(f"{folder}/{label}/spk7_1.wav", np.zeros(160), 16000)
    >>> corpus = load_audio_folder(folder, groups=r"spk(\d+)_")
    >>> corpus.target, corpus.groups
    (array(['angry', 'sad'], dtype='<U5'), array(['7', '7'], dtype='<U1'))
    """
    find_label = _parse_folder_label if labels == "folder" else _rule(labels, "label")
    find_speaker = None if groups is None else _rule(groups, "speaker")

    def parse(file, root):
        return {
            "label": find_label(file, root),
            "speaker": None if find_speaker is None else find_speaker(file, root),
            "relative_path": file.relative_to(root).as_posix(),
        }

    spec = CorpusSpec(
        name="audio folder",
        key="audio_folder",
        group_prefix="",
        parse=parse,
        fields=("relative_path",),
    )
    return read_corpus(spec, path, **loader_options(locals()))


@validate_params(
    {"files": ["array-like"], "pattern": [str, None]},
    prefer_skip_nested_validation=True,
)
def speakers_from_paths(files, pattern=None):
    r"""The speaker (or recording domain) of each file, from its path.

    Per-speaker normalisation (:class:`~sklearn_ser.SpeakerStandardScaler`)
    needs to know which clips share a voice and a recording set-up. With a
    ``pattern`` the speaker is read from each path; without one, the clips of
    one folder are taken as one domain: the usual layout keeps a session, a
    call or a speaker's recordings together, and normalising by folder
    removes its microphone, room and level as well as its voice. This is the
    fallback of ``sklearn-ser predict`` for speakers it is not told.

    The speaker pattern rule, shared with :func:`load_audio_folder`'s
    ``groups`` and the ``--speaker-pattern`` of the command line: the
    regular expression is searched (:func:`re.search`) in the path with
    ``/`` separators; the speaker is its group named ``speaker``, or else
    its first group; a pattern without a group is refused, and so is a path
    that it does not match or where its group is empty.
    :func:`load_audio_folder` searches the path below its folder; this
    function searches each path as given.

    Parameters
    ----------
    files : array-like of str or path-like
        Audio files.
    pattern : str, default=None
        Regular expression with a group that captures the speaker. None
        takes each file's folder.

    Returns
    -------
    speakers : ndarray of shape (n_files,), dtype str

    Raises
    ------
    ValueError
        When ``pattern`` is not a regular expression or has no group (even
        with no files, so ``speakers_from_paths([], pattern)`` checks a
        pattern), or does not match a file (naming it).

    Examples
    --------
    >>> from sklearn_ser.datasets import speakers_from_paths
    >>> files = ["calls/0412/a.wav", "calls/0412/b.wav", "calls/0413/a.wav"]
    >>> speakers_from_paths(files)
    array(['calls/0412', 'calls/0412', 'calls/0413'], dtype='<U10')
    >>> speakers_from_paths(files, pattern=r"/(\d+)/")
    array(['0412', '0412', '0413'], dtype='<U4')
    >>> speakers_from_paths(files, pattern=r"(?P<call>\d+)/(?P<speaker>\w)")
    array(['a', 'b', 'a'], dtype='<U1')
    """
    if pattern is None:
        return np.asarray([str(Path(file).parent) for file in files], dtype=str)
    extract = _pattern_rule(pattern, "speaker")
    return np.asarray([extract(Path(file).as_posix()) for file in files], dtype=str)
