"""Speaker-independent cross-validation named in a few words: ``"loso"``,
``"group-kfold:5"``, ``"ravdess:ased"``... (the ``--cv`` of the command line)."""

import numpy as np
from sklearn.model_selection import GroupKFold
from sklearn.utils._param_validation import StrOptions, validate_params

from ..datasets import CORPUS_NAMES, CORPUS_SEPARATOR
from ..utils import check_groups
from ._splits import (
    EMOBOX_RAVDESS_FOLDS,
    RAVDESS_FOLDS,
    CrossCorpusSplit,
    LeaveOneCorpusOut,
    leave_one_speaker_out,
)

# Each corpus's own protocol: leave-one-speaker-out where there are few
# speakers (EmoDB 10, SAVEE 4, TESS 2), the documented 6 folds for RAVDESS,
# 5 speaker folds otherwise.
_DEFAULT_SPECS = {
    "synthetic": "group-kfold:5",
    "ravdess": "ravdess-6",
    "ased": "group-kfold:5",
    "emodb": "loso",
    "crema-d": "group-kfold:5",
    "tess": "loso",
    "savee": "loso",
    "folder": "group-kfold:5",
}

# The specs that name one splitter each.
_FIXED_SPECS = {
    "loso": leave_one_speaker_out,
    "ravdess-6": lambda: RAVDESS_FOLDS,
    "emobox-ravdess": lambda: EMOBOX_RAVDESS_FOLDS,
    "leave-one-corpus-out": LeaveOneCorpusOut,
}
_GROUP_KFOLD = "group-kfold:"
_SPECS_TEXT = (
    "loso, ravdess-6, emobox-ravdess, group-kfold:K, leave-one-corpus-out or TRAIN:TEST "
    "(corpus names joined by +, e.g. ravdess:ased)"
)


@validate_params(
    {"corpus": [StrOptions(set(CORPUS_NAMES)), list, tuple]},
    prefer_skip_nested_validation=True,
)
def default_cv_spec(corpus):
    """The cross-validation of a corpus, as a spec for :func:`make_speaker_cv`.

    Leave-one-speaker-out (``"loso"``) where there are few speakers (EmoDB,
    SAVEE, TESS), the six folds of :data:`RAVDESS_FOLDS` for RAVDESS
    (``"ravdess-6"``), 5 speaker folds (``"group-kfold:5"``) otherwise;
    several corpora are each held out in turn (``"leave-one-corpus-out"``).

    Parameters
    ----------
    corpus : str or list of str
        A name of :data:`~sklearn_ser.datasets.CORPUS_NAMES`, or several.

    Returns
    -------
    spec : str

    Examples
    --------
    >>> from sklearn_ser.evaluation import default_cv_spec
    >>> default_cv_spec("ravdess"), default_cv_spec(["ravdess", "ased"])
    ('ravdess-6', 'leave-one-corpus-out')
    """
    names = [corpus] if isinstance(corpus, str) else list(corpus)
    unknown = [name for name in names if name not in _DEFAULT_SPECS]
    if unknown or not names:
        raise ValueError(f"expected names of {list(CORPUS_NAMES)}, got {corpus!r}")
    return _DEFAULT_SPECS[names[0]] if len(names) == 1 else "leave-one-corpus-out"


def _splitter(spec, groups):
    if spec in _FIXED_SPECS:
        return _FIXED_SPECS[spec]()
    if spec.startswith(_GROUP_KFOLD):
        n_folds, n_speakers = spec[len(_GROUP_KFOLD) :], len(np.unique(groups))
        if not n_folds.isdigit():
            raise ValueError(f"expected {_SPECS_TEXT}, got {spec!r}")
        if not 2 <= int(n_folds) <= n_speakers:
            raise ValueError(
                f"need between 2 and {n_speakers} folds (the number of speakers), got {n_folds}"
            )
        return GroupKFold(n_splits=int(n_folds))
    train, colon, test = spec.partition(":")
    if not (colon and train and test):
        raise ValueError(f"expected {_SPECS_TEXT}, got {spec!r}")
    return CrossCorpusSplit(train.split("+"), test.split("+"))


@validate_params(
    {"spec": [str], "groups": ["array-like"], "y": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def make_speaker_cv(spec, groups, *, y=None):
    """The speaker-independent cross-validator that a spec names, checked on the data.

    The ``--cv`` of ``sklearn-ser evaluate``:

    - ``"loso"``: one fold per speaker (:func:`leave_one_speaker_out`);
    - ``"ravdess-6"``: :data:`RAVDESS_FOLDS`, ``"emobox-ravdess"``:
      :data:`EMOBOX_RAVDESS_FOLDS` (RAVDESS only);
    - ``"group-kfold:K"``: :class:`~sklearn.model_selection.GroupKFold`
      with K folds of speakers;
    - ``"leave-one-corpus-out"``: :class:`LeaveOneCorpusOut`;
    - ``"TRAIN:TEST"``: :class:`CrossCorpusSplit`, training on the corpora
      before the colon and testing on each after it, names joined by ``+``
      (``"ravdess+ased:emodb"``).

    The cross-corpus specs read each clip's corpus from ``groups`` named
    ``"<corpus>/<speaker>"``, as :func:`~sklearn_ser.datasets.concat_corpora`
    and :func:`~sklearn_ser.datasets.load_corpus` make them. The folds are
    made once here, so that a spec that does not fit the data fails now,
    not in the middle of an evaluation.

    Parameters
    ----------
    spec : str
        One of the specs above.
    groups : array-like of shape (n_samples,)
        The speaker of every sample.
    y : array-like of shape (n_samples,), default=None
        Labels; needed by the cross-corpus specs, whose folds keep the
        labels their training and test parts share.

    Returns
    -------
    cv : cross-validator
        Pass it with ``groups`` (and ``y``) to
        :func:`evaluate_speaker_independent` or
        :func:`~sklearn.model_selection.cross_validate`.

    Raises
    ------
    ValueError
        When the spec is not one of these, or does not fit the data: fewer
        than 2 speakers, K outside 2 to the number of speakers, a
        leave-one-corpus-out over one corpus, corpora absent from the data
        or sharing no label, RAVDESS folds whose actors are not there.

    See Also
    --------
    default_cv_spec : Each corpus's own protocol.

    Examples
    --------
    >>> from sklearn_ser.evaluation import make_speaker_cv
    >>> speakers = ["a", "a", "b", "c", "d"]
    >>> make_speaker_cv("group-kfold:2", speakers)
    GroupKFold(n_splits=2, random_state=None, shuffle=False)
    >>> groups = ["ravdess/01", "ravdess/02", "ased/01", "ased/02"]
    >>> cv = make_speaker_cv("ravdess:ased", groups, y=["sad", "calm", "sad", "calm"])
    >>> type(cv).__name__, cv.train, cv.test
    ('CrossCorpusSplit', ['ravdess'], ['ased'])
    >>> make_speaker_cv("leave-one-corpus-out", speakers)
    Traceback (most recent call last):
    ...
    ValueError: leave-one-corpus-out needs several corpora, in groups named '<corpus>/...
    """
    groups = check_groups(groups)
    if len(np.unique(groups)) < 2:
        raise ValueError("speaker-independent evaluation needs at least 2 speakers")
    cv = _splitter(spec, groups)
    if isinstance(cv, LeaveOneCorpusOut):
        named = [group for group in groups.astype(str) if CORPUS_SEPARATOR in group]
        if len({group.split(CORPUS_SEPARATOR, 1)[0] for group in named}) < 2:
            raise ValueError(
                "leave-one-corpus-out needs several corpora, in groups named "
                f"'<corpus>{CORPUS_SEPARATOR}<speaker>' (as load_corpus and concat_corpora "
                "make them)"
            )
    list(cv.split(groups, y, groups))  # any other misfit, now
    return cv
