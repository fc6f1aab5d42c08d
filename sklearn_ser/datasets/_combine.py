"""Several corpora as one dataset."""

import numpy as np
from sklearn.utils import Bunch

#: Separates the corpus from the speaker in the groups of combined corpora
#: (``"ravdess/ravdess_01"``).
CORPUS_SEPARATOR = "/"


def _check_names(names, n_corpora):
    if names is None:
        return [f"corpus{i}" for i in range(1, n_corpora + 1)]
    names = [str(name) for name in names]
    if len(names) != n_corpora:
        raise ValueError(f"got {n_corpora} corpora but {len(names)} names {names}")
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise ValueError(f"corpus names must differ; repeated: {duplicated}")
    bad = [name for name in names if not name or CORPUS_SEPARATOR in name]
    if bad:
        raise ValueError(f"corpus names must be non-empty and hold no {CORPUS_SEPARATOR!r}: {bad}")
    return names


def _concat_metadata(corpora, sizes):
    """Every metadata field of any corpus; None for the clips of a corpus
    that lacks the field."""
    fields = list(dict.fromkeys(key for c in corpora for key in (c.get("metadata") or {})))
    metadata = {}
    for field in fields:
        parts = [
            np.asarray(c.metadata[field])
            if field in (c.get("metadata") or {})
            else np.full(size, None, dtype=object)
            for c, size in zip(corpora, sizes)
        ]
        metadata[field] = np.concatenate(parts)
    return metadata


def concat_corpora(*corpora, names=None):
    """Combine corpora into one dataset with distinct speakers.

    Parameters
    ----------
    *corpora : :class:`~sklearn.utils.Bunch`
        As returned by the loaders (``data``, ``target``, ``groups``,
        ``sr``; ``filenames``, ``metadata`` and ``frame`` when present), all
        at one sampling rate. Each must know its speakers (``groups``).
    names : list of str, default=None
        One name per corpus, e.g. ``["ravdess", "ased"]``; by default
        ``"corpus1"``, ``"corpus2"``, ... Names must differ and hold no
        ``"/"``.

    Returns
    -------
    corpus : :class:`~sklearn.utils.Bunch`
        With the loaders' fields, clips in the order of ``corpora``:

        - ``groups``: ``"<name>/<speaker>"``, e.g. ``"ravdess/ravdess_01"``,
          so no speaker id is shared between corpora even when two corpora
          number their speakers alike. The prefix is what
          :class:`~sklearn_ser.evaluation.LeaveOneCorpusOut` reads.
        - ``corpus``: the name of every clip's corpus.
        - ``metadata``: every field of any corpus, None for the clips of a
          corpus without it; ``frame`` only when every corpus has one.
        - ``filenames``: None when no corpus has file names, else ``""``
          for clips without one.
        - ``target_names``: the union of the corpora's labels.
        - ``DESCR``: the descriptions one after the other.

    Raises
    ------
    ValueError
        When the sampling rates differ (naming each corpus's rate: load them
        with the same ``sr``), a corpus has no speakers, or the names are
        bad.

    See Also
    --------
    relabel : Merge and select labels, e.g. to the emotions corpora share.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser.datasets import concat_corpora, make_emotional_speech
    >>> a = make_emotional_speech(n_speakers=2, n_utterances_per_emotion=1, random_state=0)
    >>> b = make_emotional_speech(n_speakers=1, n_utterances_per_emotion=1, random_state=1)
    >>> both = concat_corpora(a, b, names=["a", "b"])
    >>> len(both.data), np.unique(both.groups).tolist()
    (12, ['a/synthetic_00', 'a/synthetic_01', 'b/synthetic_00'])
    >>> both.corpus[[0, -1]]
    array(['a', 'b'], dtype='<U1')
    """
    if not corpora:
        raise ValueError("concat_corpora needs at least one corpus")
    not_bunches = [type(c).__name__ for c in corpora if not isinstance(c, Bunch)]
    if not_bunches:
        raise TypeError(f"concat_corpora takes the Bunches of the loaders, got {not_bunches}")
    names = _check_names(names, len(corpora))
    rates = {name: c.sr for name, c in zip(names, corpora)}
    if len(set(rates.values())) > 1:
        listed = ", ".join(f"{name} {sr} Hz" for name, sr in rates.items())
        raise ValueError(
            f"the corpora have different sampling rates ({listed}); load them at one sr"
        )
    unknown = [name for name, c in zip(names, corpora) if c.get("groups") is None]
    if unknown:
        raise ValueError(f"the speakers of corpus {unknown} are unknown (its groups are None)")
    sizes = [len(c.target) for c in corpora]
    data = [clip for c in corpora for clip in c.data]
    target = np.concatenate([np.asarray(c.target, dtype=str) for c in corpora])
    groups = np.concatenate(
        [
            np.char.add(f"{name}{CORPUS_SEPARATOR}", np.asarray(c.groups, dtype=str))
            for name, c in zip(names, corpora)
        ]
    )
    corpus_of_clip = np.repeat(names, sizes)
    filenames = None
    if any(c.get("filenames") is not None for c in corpora):
        filenames = np.concatenate(
            [
                np.asarray(c.filenames, dtype=str)
                if c.get("filenames") is not None
                else np.full(size, "")
                for c, size in zip(corpora, sizes)
            ]
        )
    frame = None
    if all(c.get("frame") is not None for c in corpora):
        import pandas as pd

        frame = pd.concat([c.frame for c in corpora], ignore_index=True)
        frame["group"] = groups
        frame["corpus"] = corpus_of_clip
    return Bunch(
        data=data,
        target=target,
        groups=groups,
        corpus=corpus_of_clip,
        filenames=filenames,
        metadata=_concat_metadata(corpora, sizes),
        frame=frame,
        target_names=np.unique(target),
        sr=corpora[0].sr,
        DESCR="\n\n".join(c.get("DESCR") or "" for c in corpora),
    )
