"""Warnings and errors specific to sklearn_ser."""

__all__ = [
    "CheckpointError",
    "CorpusFileError",
    "DomainShiftWarning",
    "InconsistentVersionWarning",
    "ModelFileError",
]


class InconsistentVersionWarning(UserWarning):
    """A model is loaded with other versions of the packages it was saved with.

    Raised by :func:`~sklearn_ser.load_model` and when a pickled sklearn_ser
    estimator is unpickled (``joblib.load``, ``pickle.load``). The stored
    weights and fitted statistics are only known to mean the same thing, and
    the code that reads them to behave the same, with the versions of
    sklearn_ser, scikit-learn, skorch and torch that wrote them.

    Parameters
    ----------
    saved_versions : dict of str to str
        Versions the model was saved with, of the packages that differ.
    running_versions : dict of str to str
        The running versions of the same packages.

    Attributes
    ----------
    saved_versions : dict of str to str
        Versions the model was saved with, of the packages that differ.
    running_versions : dict of str to str
        The running versions of the same packages.

    Examples
    --------
    >>> import textwrap
    >>> from sklearn_ser.exceptions import InconsistentVersionWarning
    >>> warning = InconsistentVersionWarning(saved_versions={"torch": "2.2.0"},
    ...                                      running_versions={"torch": "2.5.1"})
    >>> print(textwrap.fill(str(warning), width=72))
    Loading a model saved with torch 2.2.0 (running: torch 2.5.1). It may
    fail or predict differently; refit it, or install the versions it was
    saved with.
    """

    def __init__(self, *, saved_versions, running_versions):
        self.saved_versions = dict(saved_versions)
        self.running_versions = dict(running_versions)

    def __str__(self):
        saved = ", ".join(f"{name} {version}" for name, version in self.saved_versions.items())
        running = ", ".join(f"{name} {version}" for name, version in self.running_versions.items())
        return (
            f"Loading a model saved with {saved} (running: {running}). It may fail or "
            "predict differently; refit it, or install the versions it was saved with."
        )


class CheckpointError(ValueError):
    """A checkpoint folder that an evaluation cannot use.

    Raised by :func:`~sklearn_ser.evaluation.evaluate_speaker_independent`
    with ``checkpoint_dir`` when the folder holds the folds of another run
    (other parameters, labels, speakers, folds or input data), when it is in
    use by another running evaluation, when one of its files is damaged, or
    when a file cannot be read or written there (the ``OSError`` is the
    exception's ``__cause__``). The message names the file and the problem.

    Examples
    --------
    >>> from sklearn_ser.exceptions import CheckpointError
    >>> issubclass(CheckpointError, ValueError)
    True
    """


class CorpusFileError(ValueError):
    """Files of a corpus folder that are misnamed or cannot be read.

    Raised by the loaders of :mod:`sklearn_ser.datasets` with
    ``on_error="raise"``; its message ends with that option's advice. A
    program that offers its own way out (such as ``sklearn-ser``, which has
    no ``on_error``) words the error from :meth:`summary` instead.

    Parameters
    ----------
    problems : list of str
        One line per bad file, each naming the file.
    corpus : str, default=None
        The name of the corpus being loaded, when known
        (:func:`~sklearn_ser.datasets.load_corpus` gives it).
    path : str or path-like, default=None
        Its folder, given with ``corpus``.

    Attributes
    ----------
    problems : list of str
        One line per bad file found before the loader stopped.
    corpus : str or None
        The name of the corpus.
    path : str, path-like or None
        Its folder.

    Examples
    --------
    >>> from sklearn_ser.exceptions import CorpusFileError
    >>> error = CorpusFileError(["cannot read audio file a.wav", "cannot read audio file b.wav"])
    >>> print(error)
    cannot read audio file a.wav (1 more bad file); pass on_error='warn' to skip bad files
    >>> error.summary()
    'cannot read audio file a.wav (1 more bad file)'
    >>> CorpusFileError(error.problems[:1], corpus="emodb", path="data/emodb").summary()
    'cannot load emodb from data/emodb: cannot read audio file a.wav'
    """

    def __init__(self, problems, *, corpus=None, path=None):
        self.problems = list(problems)
        self.corpus = corpus
        self.path = path
        super().__init__(self.problems)

    def summary(self):
        """The first problem and how many more there are, without advice.

        Returns
        -------
        summary : str
        """
        more = len(self.problems) - 1
        where = "" if self.corpus is None else f"cannot load {self.corpus} from {self.path}: "
        return (
            where
            + self.problems[0]
            + (f" ({more} more bad file{'s' * (more > 1)})" if more else "")
        )

    def __str__(self):
        return f"{self.summary()}; pass on_error='warn' to skip bad files"


class ModelFileError(ValueError):
    """A file that :func:`~sklearn_ser.load_model` does not load as a model.

    Raised when the file is not one of :func:`~sklearn_ser.save_model` (e.g.
    a pickle, which is never read), is of an earlier format or a newer
    sklearn_ser, names a type outside the types a model file may hold
    (nothing is then imported or built), or is damaged or altered (an
    incomplete archive, weights that do not fit the network or are not
    finite). The message names the file and the problem, and where in the
    model it is.

    Examples
    --------
    >>> from sklearn_ser.exceptions import ModelFileError
    >>> issubclass(ModelFileError, ValueError)
    True
    """


class DomainShiftWarning(UserWarning):
    """The clips given to a model do not sound like the ones it was trained on.

    Raised, once per call, by the ``transform`` of
    :class:`~sklearn_ser.preprocessing.InputDomainCheck`, the first step of
    the pipelines of :mod:`sklearn_ser.pipelines`, so by their ``predict``
    and ``predict_proba``. The recordings differ from the training ones in
    level, noise, frequency band or clipping; a model's predictions on them
    are unreliable (a model trained on one corpus may then give most clips
    one label). Normalise the input per speaker or per recording, or retrain
    with recordings of this kind.

    Parameters
    ----------
    shifts : list of dict
        One record per descriptor that is off, as returned by
        :meth:`InputDomainCheck.diagnose
        <sklearn_ser.preprocessing.InputDomainCheck.diagnose>`.
    n_clips : int
        Number of clips in the call.
    recording : str, default=None
        The file whose segments the clips are, named first in the message
        (:func:`~sklearn_ser.segmentation.predict_segments` gives it).

    Attributes
    ----------
    shifts : list of dict
        The records given.
    n_clips : int
        Number of clips in the call.
    recording : str or None
        The file whose segments the clips are.

    See Also
    --------
    sklearn_ser.preprocessing.InputDomainCheck : The check that raises it.

    Examples
    --------
    >>> import textwrap
    >>> from sklearn_ser.exceptions import DomainShiftWarning
    >>> shift = {"descriptor": "level", "description": "active-speech level",
    ...          "unit": "dBFS", "direction": 1, "hint": "louder",
    ...          "batch_median": -12.0, "training_range": (-51.0, -20.0),
    ...          "outlier_share": 0.4}
    >>> print(textwrap.fill(str(DomainShiftWarning(shifts=[shift], n_clips=5)), width=72))
    5 clips unlike the training recordings: louder (active-speech level
    -12.0 dBFS, training 5th-95th percentile -51.0 to -20.0; 40% of the
    clips far outside). Predictions may be unreliable: normalise the input
    per speaker or per recording (speaker_norm=True with the speakers or
    recordings as groups), or retrain with recordings of this kind.
    """

    def __init__(self, *, shifts, n_clips, recording=None):
        self.shifts = list(shifts)
        self.n_clips = n_clips
        self.recording = recording

    def __str__(self):
        findings = "; ".join(_describe_shift(shift, self.n_clips) for shift in self.shifts)
        clips = "1 clip" if self.n_clips == 1 else f"{self.n_clips} clips"
        where = "" if self.recording is None else f"{self.recording}: "
        return (
            f"{where}{clips} unlike the training recordings: {findings}. Predictions may be "
            "unreliable: normalise the input per speaker or per recording (speaker_norm=True "
            "with the speakers or recordings as groups), or retrain with recordings of this kind."
        )


def _describe_shift(shift, n_clips):
    low, high = shift["training_range"]
    share = shift["outlier_share"]
    far = f"; {share:.0%} of the clips far outside" if share > 0 and n_clips > 1 else ""
    return (
        f"{shift['hint']} ({shift['description']} {shift['batch_median']:.1f} {shift['unit']}, "
        f"training 5th-95th percentile {low:.1f} to {high:.1f}{far})"
    )
