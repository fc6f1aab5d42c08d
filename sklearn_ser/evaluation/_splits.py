"""Speaker-independent cross-validation: who is held out in which fold."""

from numbers import Integral

import numpy as np
from sklearn.model_selection import BaseCrossValidator, LeaveOneGroupOut
from sklearn.utils._param_validation import Interval, validate_params

from ..utils import check_groups


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
