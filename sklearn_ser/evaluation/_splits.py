"""Speaker-independent cross-validation: who is held out in which fold."""

from numbers import Integral

import numpy as np
from sklearn.model_selection import BaseCrossValidator, LeaveOneGroupOut
from sklearn.utils._param_validation import Interval, validate_params

from ..datasets import CORPUS_SEPARATOR
from ..utils import check_groups, fill_doc


class SpeakerFolds(BaseCrossValidator):
    """Cross-validation over fixed, named lists of held-out speakers.

    Fold ``k`` tests on every sample whose group (speaker) is in
    ``folds[k]`` and trains on all the others, so no speaker is ever on
    both sides. Unlike :class:`~sklearn.model_selection.GroupKFold`, the
    folds are written down, so results can be compared with published
    numbers that use the same held-out speakers. Use it as the ``cv`` of
    :func:`~sklearn.model_selection.cross_validate` and pass ``groups``.

    Parameters
    ----------
    folds : sequence of sequences
        The speakers held out in each fold. A speaker may appear in at
        most one fold; speakers that appear in none are always trained on.

    See Also
    --------
    speaker_folds : Build the folds from the speakers present in the data.
    RAVDESS_FOLDS : The six gender-balanced RAVDESS folds.
    EMOBOX_RAVDESS_FOLDS : EmoBox's six RAVDESS folds.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser.evaluation import SpeakerFolds
    >>> speakers = np.array(["a", "a", "b", "c", "c", "d"])
    >>> cv = SpeakerFolds([["a", "b"], ["c", "d"]])
    >>> for train, test in cv.split(speakers, groups=speakers):
    ...     print(train, test)
    [3 4 5] [0 1 2]
    [0 1 2] [3 4 5]
    """

    def __init__(self, folds):
        self.folds = folds

    def _validated_folds(self):
        folds = [list(fold) for fold in self.folds]
        if not folds or any(len(fold) == 0 for fold in folds):
            raise ValueError("folds must be a non-empty list of non-empty speaker lists")
        seen = {}
        for k, fold in enumerate(folds):
            for speaker in fold:
                if speaker in seen:
                    raise ValueError(
                        f"speaker {speaker!r} is held out in both fold {seen[speaker]} and fold {k}"
                    )
                seen[speaker] = k
        return folds

    def split(self, X, y=None, groups=None):
        """Generate train/test indices, one pair per fold.

        Parameters
        ----------
        X : array-like or list of length n_samples
            Only its length is used.
        y : None
            Ignored.
        groups : array-like of shape (n_samples,)
            The speaker of every sample. Required.

        Yields
        ------
        train : ndarray of int
            Indices of the samples of the training speakers.
        test : ndarray of int
            Indices of the samples of the held-out speakers.
        """
        if groups is None:
            raise ValueError("SpeakerFolds needs the speaker of every sample: pass groups")
        groups = check_groups(groups)
        if len(groups) != len(X):
            raise ValueError(f"groups has {len(groups)} entries but there are {len(X)} samples")
        for k, fold in enumerate(self._validated_folds()):
            test_mask = np.isin(groups, fold)
            if not test_mask.any():
                raise ValueError(
                    f"fold {k} holds out speakers {fold}, none of which is in groups "
                    f"(speakers present: {np.unique(groups).tolist()})"
                )
            yield np.flatnonzero(~test_mask), np.flatnonzero(test_mask)

    def get_n_splits(self, X=None, y=None, groups=None):
        """Number of folds.

        Parameters
        ----------
        X, y, groups : object
            Ignored.

        Returns
        -------
        n_splits : int
        """
        return len(self._validated_folds())


@validate_params(
    {"groups": ["array-like"], "n_folds": [Interval(Integral, 2, None, closed="left")]},
    prefer_skip_nested_validation=True,
)
def speaker_folds(groups, n_folds):
    """Split the speakers present in ``groups`` into ``n_folds`` folds.

    The sorted unique speakers are cut into ``n_folds`` contiguous blocks of
    (nearly) equal size. Contiguous blocks keep corpora that number speakers
    by alternating gender (RAVDESS: odd = male) balanced, and the folds are
    easy to write down in a report.

    Parameters
    ----------
    groups : array-like of shape (n_samples,)
        The speaker of every sample.
    n_folds : int
        Number of folds, at least 2 and at most the number of speakers.

    Returns
    -------
    cv : SpeakerFolds
        Cross-validator whose ``folds`` attribute lists the held-out
        speakers of each fold.

    Examples
    --------
    >>> from sklearn_ser.evaluation import speaker_folds
    >>> speaker_folds([1, 1, 2, 3, 4, 5, 6], n_folds=3).folds
    [[1, 2], [3, 4], [5, 6]]
    """
    speakers = np.unique(check_groups(groups))
    if n_folds > len(speakers):
        raise ValueError(
            f"n_folds must be at most the number of speakers ({len(speakers)}), got {n_folds}"
        )
    return SpeakerFolds([block.tolist() for block in np.array_split(speakers, n_folds)])


def leave_one_speaker_out():
    """Cross-validator that holds out one speaker per fold (LOSO).

    Returns
    -------
    cv : sklearn.model_selection.LeaveOneGroupOut
        Pass the speakers as ``groups``.

    Examples
    --------
    >>> from sklearn_ser.evaluation import leave_one_speaker_out
    >>> leave_one_speaker_out().get_n_splits(groups=["a", "b", "b", "c"])
    3
    """
    return LeaveOneGroupOut()


#: RAVDESS in 6 folds of 4 actors, each 2 male (odd) and 2 female (even):
#: fold k holds out actors 4k+1 to 4k+4, named as the groups of
#: :func:`~sklearn_ser.datasets.load_ravdess` (``"ravdess_01"`` ... ``"ravdess_24"``).
RAVDESS_FOLDS = SpeakerFolds(
    [[f"ravdess_{actor:02d}" for actor in range(4 * k + 1, 4 * k + 5)] for k in range(6)]
)

#: RAVDESS in the 6 folds of 4 actors of the EmoBox benchmark (Ma et al.,
#: Interspeech 2024), whose leaderboard reports speech encoders on them:
#: test actors 1, 11, 20, 21 | 4, 10, 12, 14 | 8, 9, 19, 23 | 3, 5, 7, 24 |
#: 2, 15, 16, 18 | 6, 13, 17, 22, named as the groups of
#: :func:`~sklearn_ser.datasets.load_ravdess`.
EMOBOX_RAVDESS_FOLDS = SpeakerFolds(
    [
        [f"ravdess_{actor:02d}" for actor in actors]
        for actors in (
            (1, 11, 20, 21),
            (4, 10, 12, 14),
            (8, 9, 19, 23),
            (3, 5, 7, 24),
            (2, 15, 16, 18),
            (6, 13, 17, 22),
        )
    ]
)


class _CorpusSplitter(BaseCrossValidator):
    """Shared by the cross-corpus splitters: which corpus each clip is from,
    and the training and test parts restricted to the labels they share.

    Subclasses say which corpora each fold trains and tests on in
    ``_corpus_folds``.
    """

    def split(self, X, y=None, groups=None):
        """Generate train/test indices, one pair per test corpus.

        Parameters
        ----------
        X : array-like or list of length n_samples
            Only its length is used.
        y : array-like of shape (n_samples,), default=None
            Labels; needed when ``shared_labels=True``.
        groups : array-like of shape (n_samples,), default=None
            Speakers named ``"<corpus>/<speaker>"``; needed unless
            ``corpora`` was given.

        Yields
        ------
        train : ndarray of int
            Indices of the samples of the training corpora.
        test : ndarray of int
            Indices of the samples of the test corpus.
        """
        corpora = self._corpus_of(X, groups)
        for train_corpora, test_corpus in self._corpus_folds(corpora):
            yield self._fold(corpora, y, train_corpora, test_corpus)

    def _corpus_of(self, X, groups):
        if self.corpora is not None:
            corpora = np.asarray(self.corpora, dtype=str)
            if X is not None and len(corpora) != len(X):
                raise ValueError(
                    f"corpora has {len(corpora)} entries but there are {len(X)} samples"
                )
            return corpora
        if groups is None:
            raise ValueError(
                f"{type(self).__name__} needs the corpus of every sample: pass groups "
                f"named '<corpus>{CORPUS_SEPARATOR}<speaker>' (as concat_corpora makes "
                "them) or corpora="
            )
        groups = check_groups(groups).astype(str)
        if X is not None and len(groups) != len(X):
            raise ValueError(f"groups has {len(groups)} entries but there are {len(X)} samples")
        without = [g for g in np.unique(groups) if CORPUS_SEPARATOR not in g]
        if without:
            raise ValueError(
                f"groups {without[:3]} name no corpus: {type(self).__name__} reads the "
                f"corpus from groups '<corpus>{CORPUS_SEPARATOR}<speaker>' (as concat_corpora "
                "makes them); pass corpora= otherwise"
            )
        return np.asarray([g.split(CORPUS_SEPARATOR, 1)[0] for g in groups])

    def _fold(self, corpora, y, train_corpora, test_corpus):
        train = np.flatnonzero(np.isin(corpora, train_corpora))
        test = np.flatnonzero(corpora == test_corpus)
        if not self.shared_labels:
            return train, test
        if y is None:
            raise ValueError(f"{type(self).__name__}(shared_labels=True) needs the labels: pass y")
        y = np.asarray(y)
        shared = np.intersect1d(y[train], y[test])
        if not shared.size:
            raise ValueError(
                f"training corpora {list(train_corpora)} and test corpus {test_corpus!r} "
                "share no label"
            )
        return train[np.isin(y[train], shared)], test[np.isin(y[test], shared)]


_CORPUS_SPLITTER_DOC = """\
corpora : array-like of shape (n_samples,), default=None
    The corpus of every sample. None reads it from ``groups``.
shared_labels : bool, default=True
    Keep in each fold only the labels its training and test parts share:
    the training part loses the emotions the test corpus lacks (the model
    could not be scored on them), and the test part those never trained on
    (they could only be errors). Scores are then over the shared emotions,
    as cross-corpus results are usually reported. Needs ``y``."""


@fill_doc(corpus_splitter_parameters=_CORPUS_SPLITTER_DOC)
class LeaveOneCorpusOut(_CorpusSplitter):
    """Cross-corpus folds: test on each corpus in turn, train on the others.

    Each corpus is held out once (in sorted order of the names); the model
    of that fold trains on every other corpus. Corpora are told apart by
    ``corpora`` when given, else by the prefix of the speaker groups
    ``"<corpus>/<speaker>"`` that :func:`~sklearn_ser.datasets.concat_corpora`
    makes, so the splitter works wherever ``groups`` reach ``split``, e.g.
    in :func:`evaluate_speaker_independent` and
    :func:`~sklearn.model_selection.cross_validate`.

    Parameters
    ----------
    %(corpus_splitter_parameters)s

    See Also
    --------
    CrossCorpusSplit : Train on given corpora, test on others.
    sklearn_ser.datasets.concat_corpora : Combine corpora, speakers kept apart.

    Examples
    --------
    >>> from sklearn_ser.evaluation import LeaveOneCorpusOut
    >>> groups = ["a/1", "a/1", "a/2", "b/1", "b/1", "c/9"]
    >>> y = ["sad", "calm", "sad", "sad", "angry", "calm"]
    >>> cv = LeaveOneCorpusOut()
    >>> for train, test in cv.split(y, y, groups):
    ...     print(train, test)
    [3 5] [0 1 2]
    [0 2] [3]
    [1] [5]
    >>> cv.get_n_splits(groups=groups)
    3
    """

    def __init__(self, corpora=None, shared_labels=True):
        self.corpora = corpora
        self.shared_labels = shared_labels

    def _corpus_folds(self, corpora):
        names = np.unique(corpora)
        if len(names) < 2:
            raise ValueError(f"leave-one-corpus-out needs at least 2 corpora, got {names.tolist()}")
        return [(names[names != name], name) for name in names]

    def get_n_splits(self, X=None, y=None, groups=None):
        """Number of folds: the number of corpora.

        Parameters
        ----------
        X : object, default=None
            Ignored.
        y : object, default=None
            Ignored.
        groups : array-like of shape (n_samples,), default=None
            Speakers named ``"<corpus>/<speaker>"``; needed unless
            ``corpora`` was given.

        Returns
        -------
        n_splits : int
        """
        return len(np.unique(self._corpus_of(None, groups)))


@fill_doc(corpus_splitter_parameters=_CORPUS_SPLITTER_DOC)
class CrossCorpusSplit(_CorpusSplitter):
    """Cross-corpus folds: train on some corpora, test on others.

    One fold per test corpus, each training on all the ``train`` corpora;
    ``CrossCorpusSplit("ravdess", "ased")`` is RAVDESS -> ASED. Corpora are
    told apart as in :class:`LeaveOneCorpusOut`.

    Parameters
    ----------
    train : str or list of str
        The corpora to train on.
    test : str or list of str
        The corpora to test on, one fold each; none may be in ``train``.
    %(corpus_splitter_parameters)s

    See Also
    --------
    LeaveOneCorpusOut : Test on each corpus, train on the others.

    Examples
    --------
    >>> from sklearn_ser.evaluation import CrossCorpusSplit
    >>> groups = ["a/1", "a/2", "b/1", "b/2", "c/1"]
    >>> y = ["sad", "calm", "sad", "angry", "calm"]
    >>> for train, test in CrossCorpusSplit("a", ["b", "c"]).split(y, y, groups):
    ...     print(train, test)
    [0] [2]
    [1] [4]
    """

    def __init__(self, train, test, corpora=None, shared_labels=True):
        self.train = train
        self.test = test
        self.corpora = corpora
        self.shared_labels = shared_labels

    def _named(self):
        train, test = ([c] if isinstance(c, str) else list(c) for c in (self.train, self.test))
        if not train or not test:
            raise ValueError("CrossCorpusSplit needs at least one training and one test corpus")
        both = sorted(set(train) & set(test))
        if both:
            raise ValueError(f"corpora {both} are both trained and tested on")
        return train, test

    def _corpus_folds(self, corpora):
        train, test = self._named()
        missing = sorted(set(train + test) - set(corpora))
        if missing:
            raise ValueError(
                f"corpora {missing} are not in the data (corpora present: "
                f"{np.unique(corpora).tolist()})"
            )
        return [(train, name) for name in test]

    def get_n_splits(self, X=None, y=None, groups=None):
        """Number of folds: the number of test corpora.

        Parameters
        ----------
        X, y, groups : object
            Ignored.

        Returns
        -------
        n_splits : int
        """
        return len(self._named()[1])
