"""Version stamps of saved models: what wrote them, and a warning when that
differs from what reads them.

Both ways of saving a model stamp it: :func:`sklearn_ser.save_model` in its
file's metadata, and pickling (joblib, pickle) through
:class:`VersionStampMixin`, which every sklearn_ser estimator inherits, so a
pipeline carries a stamp in each of its sklearn_ser steps.
"""

import platform
import warnings

from ..exceptions import InconsistentVersionWarning

#: Packages whose versions decide how a saved model is read.
STAMPED_PACKAGES = ("sklearn_ser", "scikit-learn", "skorch", "torch")


def running_versions():
    """Versions of the packages in ``STAMPED_PACKAGES`` that run now.

    Examples
    --------
    >>> from sklearn_ser.utils import running_versions
    >>> sorted(running_versions())
    ['scikit-learn', 'sklearn_ser', 'skorch', 'torch']
    """
    import sklearn
    import skorch
    import torch

    from .. import __version__

    return {
        "sklearn_ser": __version__,
        "scikit-learn": sklearn.__version__,
        "skorch": skorch.__version__,
        "torch": str(torch.__version__),
    }


def recorded_versions():
    """What a run's report and a pickled model file record of the software:
    :func:`running_versions` and Python's version.

    Examples
    --------
    >>> from sklearn_ser.utils._versions import recorded_versions
    >>> sorted(recorded_versions())
    ['python', 'scikit-learn', 'sklearn_ser', 'skorch', 'torch']
    """
    return {**running_versions(), "python": platform.python_version()}


def warn_if_versions_differ(saved_versions, *, stacklevel=2):
    """Warn once, naming every stamped package whose saved version differs
    from the running one; packages the stamp does not list are not compared.

    Parameters
    ----------
    saved_versions : dict of str to str
        Versions recorded when the model was saved.
    stacklevel : int, default=2
        Passed to :func:`warnings.warn`.

    Examples
    --------
    >>> import warnings
    >>> from sklearn_ser.utils._versions import running_versions, warn_if_versions_differ
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error")
    ...     warn_if_versions_differ(running_versions())  # the same: silent
    """
    running = running_versions()
    differ = [
        name
        for name in STAMPED_PACKAGES
        if name in saved_versions and str(saved_versions[name]) != running[name]
    ]
    if differ:
        warnings.warn(
            InconsistentVersionWarning(
                saved_versions={name: str(saved_versions[name]) for name in differ},
                running_versions={name: running[name] for name in differ},
            ),
            stacklevel=stacklevel + 1,
        )


class VersionStampMixin:
    """Record the package versions in the pickled state of an estimator and
    warn (:class:`~sklearn_ser.exceptions.InconsistentVersionWarning`) when it
    is unpickled with other versions.

    Put it first among the bases, before scikit-learn's mixins and
    ``BaseEstimator``, whose ``__getstate__`` and ``__setstate__`` it extends.
    Pickles without a stamp load silently.
    """

    def __getstate__(self):
        return {**super().__getstate__(), "_sklearn_ser_versions": running_versions()}

    def __setstate__(self, state):
        state = dict(state)
        saved_versions = state.pop("_sklearn_ser_versions", None)
        if saved_versions is not None:
            warn_if_versions_differ(saved_versions)
        super().__setstate__(state)
