"""Editing the labels of a corpus (merge some into others, keep a subset),
and reading the labels of files from a CSV."""

import csv
import os
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils._param_validation import validate_params

from ..utils._validation import _check_regular_file
from ._base import EMOTIONS
from ._corpora import parse_filenames

# Fields of a loader's Bunch that hold one value per clip (besides `data`,
# `metadata` and `frame`, handled on their own).
PER_CLIP_FIELDS = ("target", "groups", "filenames", "corpus")


def edit_labels(present, merge=None, keep=None, *, strict_keep, what):
    """Check a merge and a selection of labels against the labels ``present``.

    Shared by :func:`relabel` (a corpus) and
    :func:`~sklearn_ser.evaluation.merge_probabilities` (a model's classes).

    Parameters
    ----------
    present : iterable of str
        The labels there are (a corpus's targets, a model's classes).
    merge : dict of str to str or None
        Label -> label it becomes. A source that is not present is accepted
        when it belongs to the shared vocabulary (nothing to merge), so one
        merge serves several corpora.
    keep : iterable of str or None
        Labels to keep after merging; None keeps all.
    strict_keep : bool
        Whether every label in ``keep`` must be present after merging (a
        model cannot give a probability to a class it lacks), or may also
        be any label of the vocabulary.
    what : str
        What holds the labels, for the error messages ("the corpus").

    Returns
    -------
    mapping : dict of str to str
        Each present label -> its label after merging.
    kept : list of str
        Sorted labels after merging and selection.
    """
    present = sorted({str(label) for label in present})
    merge = {str(source): str(target) for source, target in (merge or {}).items()}
    unknown = sorted(set(merge) - set(present) - set(EMOTIONS))
    if unknown:
        raise ValueError(
            f"cannot merge unknown labels {unknown}: {what} has {present} and the "
            f"shared vocabulary is {list(EMOTIONS)}"
        )
    mapping = {label: merge.get(label, label) for label in present}
    merged = sorted(set(mapping.values()))
    if keep is None:
        return mapping, merged
    keep = {str(label) for label in keep}
    allowed = set(merged) if strict_keep else set(merged) | set(EMOTIONS) | set(merge.values())
    unknown = sorted(keep - allowed)
    if unknown:
        raise ValueError(
            f"cannot keep unknown labels {unknown}: {what} has {merged}"
            + ("" if strict_keep else f" and the shared vocabulary is {list(EMOTIONS)}")
        )
    kept = [label for label in merged if label in keep]
    if not kept:
        raise ValueError(f"none of the labels to keep {sorted(keep)} is in {what} ({merged})")
    return mapping, kept


def take_clips(corpus, index):
    """A new Bunch holding the clips ``index`` of ``corpus``, every per-clip
    field indexed alike (data, target, groups, filenames, corpus, metadata,
    frame); ``target_names`` recomputed."""
    index = np.asarray(index, dtype=int)
    subset = Bunch(**corpus)
    data = corpus.data
    subset.data = data[index] if isinstance(data, np.ndarray) else [data[i] for i in index]
    for field in PER_CLIP_FIELDS:
        if corpus.get(field) is not None:
            subset[field] = np.asarray(corpus[field])[index]
    if corpus.get("metadata") is not None:
        subset.metadata = {key: np.asarray(v)[index] for key, v in corpus.metadata.items()}
    if corpus.get("frame") is not None:
        subset.frame = corpus.frame.iloc[index].reset_index(drop=True)
    subset.target_names = np.unique(subset.target)
    return subset


@validate_params(
    {"corpus": [Bunch], "merge": [dict, None], "keep": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def relabel(corpus, *, merge=None, keep=None):
    """Merge some labels of a corpus into others and keep only some.

    Labels are first merged, then selected: clips whose label (after
    merging) is not kept are dropped, with their waveform, speaker, file
    name, metadata and frame row.

    Parameters
    ----------
    corpus : :class:`~sklearn.utils.Bunch`
        As returned by a loader (at least ``data`` and ``target``).
    merge : dict of str to str, default=None
        Label -> the label it becomes, e.g. ``{"calm": "neutral"}``. A label
        absent from the corpus but in the shared vocabulary
        (:data:`EMOTIONS`) is accepted and changes nothing, so one merge
        serves corpora with different emotions.
    keep : array-like of str, default=None
        Labels to keep, after merging; ``None`` keeps every clip. Labels of
        the vocabulary that the corpus lacks are accepted.

    Returns
    -------
    corpus : :class:`~sklearn.utils.Bunch`
        A new Bunch; ``target_names`` lists the labels left. The input is
        not modified.

    Raises
    ------
    ValueError
        Naming the labels, when ``merge`` or ``keep`` names a label that is
        neither in the corpus nor in the vocabulary (e.g. a typo), or when
        no clip is left.

    See Also
    --------
    sklearn_ser.evaluation.merge_probabilities : The same edit on a model's
        predicted probabilities.

    Examples
    --------
    >>> from sklearn_ser.datasets import make_emotional_speech, relabel
    >>> corpus = make_emotional_speech(n_speakers=2, n_utterances_per_emotion=1,
    ...                                random_state=0)
    >>> corpus.target_names
    array(['angry', 'happy', 'neutral', 'sad'], dtype='<U7')
    >>> four = relabel(corpus, merge={"happy": "neutral", "calm": "neutral"},
    ...                keep=["neutral", "angry"])
    >>> four.target, four.target_names
    (array(['neutral', 'neutral', 'angry', 'neutral', 'neutral', 'angry'], dtype='<U7'),
     array(['angry', 'neutral'], dtype='<U7'))
    >>> len(four.data), four.groups[:3]
    (6, array(['synthetic_00', 'synthetic_00', 'synthetic_00'], dtype='<U12'))
    """
    target = np.asarray(corpus.target, dtype=str)
    mapping, kept = edit_labels(target, merge, keep, strict_keep=False, what="the corpus")
    new_target = np.asarray([mapping[label] for label in target], dtype=str)
    index = np.flatnonzero(np.isin(new_target, kept))
    subset = take_clips(corpus, index)
    subset.target = new_target[index]
    subset.target_names = np.unique(subset.target)
    if subset.get("frame") is not None and "target" in subset.frame:
        subset.frame["target"] = subset.target
    return subset


@validate_params({"path": [str, os.PathLike]}, prefer_skip_nested_validation=True)
def read_labels_csv(path):
    """Read the labels of audio files from a CSV of ``file,label`` rows.

    Parameters
    ----------
    path : str or path-like
        A CSV file with two columns, the audio file and its label; a first
        row ``file,label`` is taken as a header. Relative file paths are
        relative to the CSV's folder.

    Returns
    -------
    labels : dict of str to str
        Resolved absolute path of each file -> its label.

    Raises
    ------
    ValueError
        Naming the CSV and line, for a row without two columns, an empty
        label, or a file listed twice with different labels; naming the
        CSV when it is not a regular file (a FIFO, which is not opened).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn_ser.datasets import read_labels_csv
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "labels.csv").write_text("file,label\\nclips/a.wav,sad\\n")
    >>> read_labels_csv(folder / "labels.csv") == {str(folder / "clips" / "a.wav"): "sad"}
    True
    """
    path = Path(path)
    _check_regular_file(path)  # a FIFO would block the read below
    labels = {}
    with path.open(newline="", encoding="utf-8") as stream:
        for line, row in enumerate(csv.reader(stream), start=1):
            if line == 1 and [cell.strip().lower() for cell in row] == ["file", "label"]:
                continue
            if not row:
                continue
            if len(row) != 2 or not row[1].strip():
                raise ValueError(f"{path}, line {line}: expected file,label, got {row}")
            file = str((path.parent / row[0].strip()).resolve())
            label = row[1].strip()
            if labels.setdefault(file, label) != label:
                raise ValueError(
                    f"{path}, line {line}: {row[0]} is labelled both {labels[file]} and {label}"
                )
    return labels


@validate_params(
    {
        "files": ["array-like"],
        "corpus": [str, None],
        "labels_csv": [str, os.PathLike, None],
    },
    prefer_skip_nested_validation=True,
)
def labels_of_files(files, *, corpus=None, labels_csv=None):
    """The true labels of audio files, from a corpus's file names or a CSV.

    What ``sklearn-ser predict --corpus`` and ``--labels`` score against:
    with ``corpus``, the labels and speakers of :func:`parse_filenames`;
    with ``labels_csv``, the labels that :func:`read_labels_csv` lists for
    the files (matched by resolved path), speakers unknown.

    Parameters
    ----------
    files : list of str or path-like
        The audio files.
    corpus : str, default=None
        A corpus whose naming the files follow, as for
        :func:`parse_filenames`.
    labels_csv : str or path-like, default=None
        A CSV of ``file,label`` rows, as for :func:`read_labels_csv`.

    Returns
    -------
    labels : list of str or None
        The label of each file, None for a file the CSV does not list; None
        when neither source is given.
    speakers : ndarray of shape (n_files,) or None
        The speaker of each file from the corpus's naming, else None.

    Raises
    ------
    ValueError
        When both sources are given, a file name does not follow the
        corpus's naming, or the CSV is malformed.
    OSError
        When the CSV cannot be read.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn_ser.datasets import labels_of_files
    >>> labels_of_files(["03-01-05-01-01-01-07.wav"], corpus="ravdess")
    (['angry'], array(['ravdess_07'], dtype='<U10'))
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "labels.csv").write_text("a.wav,sad\\n")
    >>> labels_of_files([folder / "a.wav", folder / "b.wav"], labels_csv=folder / "labels.csv")
    (['sad', None], None)
    """
    if corpus is not None and labels_csv is not None:
        raise ValueError("give the labels of a corpus's naming or of a CSV, not both")
    if corpus is not None:
        parsed = parse_filenames(files, corpus)
        return parsed.target.tolist(), parsed.groups
    if labels_csv is None:
        return None, None
    listed = read_labels_csv(labels_csv)
    return [listed.get(str(Path(file).resolve())) for file in files], None
