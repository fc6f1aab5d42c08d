"""Where the folds of an evaluation run: here, or on a Dask cluster."""

import contextlib
from numbers import Integral, Real

import joblib
from sklearn.utils._param_validation import Interval, validate_params


@validate_params(
    {
        "scheduler": [str, None],
        "n_jobs": [Integral, None],
        "timeout": [Interval(Real, 0, None, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
@contextlib.contextmanager
def parallel_folds(scheduler=None, n_jobs=None, *, timeout=5):
    """Run the folds of the block here, or on the Dask cluster at ``scheduler``.

    What ``sklearn-ser evaluate --scheduler`` does: inside the block,
    joblib's work (the folds of :func:`evaluate_speaker_independent` and
    :func:`evaluate_to_folder`) goes to the cluster's workers, which need
    ``sklearn_ser`` installed; only the fold computations travel, the
    finished folds and the report are written by this process. The
    connection is made on entering, so that an unreachable scheduler fails
    before any long work.

    Parameters
    ----------
    scheduler : str, default=None
        Address of the Dask scheduler, e.g. ``"tcp://10.0.0.5:8786"``; None
        runs the folds here.
    n_jobs : int, default=None
        Folds run in parallel here (joblib semantics); not used with a
        scheduler.
    timeout : float, default=5
        Seconds to wait for the scheduler.

    Yields
    ------
    n_jobs : int or None
        The ``n_jobs`` to pass to the evaluation: ``n_jobs`` here, -1 on a
        cluster, where Dask runs as many folds at once as the workers have
        threads.

    Raises
    ------
    ImportError
        When a scheduler is given and Dask's ``distributed`` package is
        missing, naming the extra to install.
    OSError
        When the scheduler cannot be reached in ``timeout`` seconds, naming
        its address.

    Examples
    --------
    >>> from sklearn_ser.evaluation import parallel_folds
    >>> with parallel_folds(n_jobs=2) as n_jobs:
    ...     n_jobs
    2
    """
    if scheduler is None:
        yield n_jobs
        return
    try:
        from distributed import Client  # an optional package, imported when used
    except ImportError as exc:
        raise ImportError(
            "a Dask scheduler needs Dask's distributed package: pip install 'sklearn_ser[dask]'"
        ) from exc
    try:
        client = Client(scheduler, timeout=timeout)
    except (OSError, ValueError) as exc:
        raise OSError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    with client, joblib.parallel_config(backend="dask"):
        yield -1
