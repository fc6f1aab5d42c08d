"""Warnings and errors specific to sklearn_ser."""

__all__ = ["CheckpointError", "InconsistentVersionWarning"]


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
