"""Finished folds of an evaluation on disk, so that a stopped run resumes.

A checkpoint folder holds ``run.json`` (a fingerprint of the estimator, the
input data, the labels, the speakers and the folds) and one ``fold_<k>.json``
per finished fold. Files are written to a temporary name and renamed, so a
run killed mid-write leaves no half file behind, and a lock file keeps a
second run out while one is writing there.
"""

import hashlib
import inspect
import json
import os
import re
from pathlib import Path

import numpy as np

from ..exceptions import CheckpointError
from ..utils._files import os_error_reason, replacing
from ._report import _python

try:
    import fcntl
except ImportError:  # Windows: no lock is taken
    fcntl = None

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _stable_repr(value):
    """repr without memory addresses, which change from one process to the next."""
    return _ADDRESS.sub("", repr(value))


def _is_estimator(value):
    return hasattr(value, "get_params") and not isinstance(value, type)


def _describe(value):
    """How a parameter's value enters the fingerprint. An estimator (or a
    list of named ones: steps, a vote's members) by its class only: its own
    parameters are listed beside it, so the repr would only add what they
    already say, and with it the class defaults of the day."""
    if _is_estimator(value):
        return f"<estimator {type(value).__qualname__}>"
    if (
        isinstance(value, (list, tuple))
        and value
        and all(isinstance(item, tuple) and len(item) >= 2 for item in value)
        and any(_is_estimator(item[1]) for item in value)
    ):
        named = (
            f"{item[0]}: {type(item[1]).__qualname__ if _is_estimator(item[1]) else item[1]!r}"
            for item in value
        )
        return "<estimators " + ", ".join(named) + ">"
    return _stable_repr(value)


def _at_default(estimator, params):
    """Keys of ``params`` whose value is the default of their estimator's
    ``__init__``."""
    keys = []
    for key, value in params.items():
        owner_key, _, name = key.rpartition("__")
        owner = params.get(owner_key) if owner_key else estimator
        try:
            default = inspect.signature(type(owner).__init__).parameters[name].default
        except (KeyError, TypeError, ValueError):
            continue
        if default is not inspect.Parameter.empty and _stable_repr(default) == _stable_repr(value):
            keys.append(key)
    return keys


def _update_with_content(digest, value):
    """Feed ``value`` (an array, a list of waveforms of any lengths, a
    DataFrame...) to ``digest``: dtypes, shapes and values, item by item
    where items are objects."""
    if not isinstance(value, (list, tuple)):
        array = np.asarray(value)
        if array.dtype != object:
            digest.update(f"{array.dtype.str}{array.shape}".encode())
            digest.update(np.ascontiguousarray(array).reshape(-1).view(np.uint8))
            return
        if array.ndim == 0:
            digest.update(_stable_repr(array.item()).encode())
            return
        value = array
    digest.update(f"[{len(value)}]".encode())
    for item in value:
        _update_with_content(digest, item)


def input_sha256(X):
    """SHA-256 of the content of ``X``: every sample of every waveform.

    Hashing is cheap beside training: about 0.2 s for the 1,440 clips of
    RAVDESS at 16 kHz (341 MB of float32), measured on one core.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_ser.evaluation._checkpoint import input_sha256
    >>> clips = [np.zeros(3, dtype=np.float32), np.ones(5, dtype=np.float32)]
    >>> input_sha256(clips) == input_sha256([c.copy() for c in clips])
    True
    >>> input_sha256(clips) == input_sha256([clips[0], clips[1] * 0.5])
    False
    """
    digest = hashlib.sha256()
    _update_with_content(digest, X)
    return digest.hexdigest()


def run_fingerprint(estimator, X, y, groups, splits):
    """What must be equal for two runs to share finished folds.

    Parameters of the estimator (all of them, nested; a pipeline's cache
    folder excluded), the content of the input data (so that other audio
    with the same labels and speakers is another run), the labels and
    speakers, and every fold's test indices. The parameters at their
    defaults are listed too, so that a parameter added to a class after a
    run started, left at its default, does not invalidate that run's
    finished folds.
    """
    params = estimator.get_params(deep=True) if hasattr(estimator, "get_params") else {}
    params = {
        key: value
        for key, value in params.items()
        if not (key == "memory" or key.endswith("__memory"))
    }
    described = {key: _describe(value) for key, value in sorted(params.items())}
    data = hashlib.sha256()
    for array in (np.asarray(y), np.asarray(groups), *(test for _, test in splits)):
        data.update(np.asarray(array).astype(str).tobytes())
    return {
        "estimator": type(estimator).__name__,
        "params": described,
        "at_default": sorted(_at_default(estimator, params)),
        "n_samples": len(y),
        "n_folds": len(splits),
        "data_and_folds_sha256": data.hexdigest(),
        "input_sha256": input_sha256(X),
    }


def _changed_parameters(recorded, fingerprint):
    """Parameters that tell two runs apart. One the recorded run did not have
    counts only when it is set away from its default."""
    before, now = recorded["params"], fingerprint["params"]
    new_at_default = set(fingerprint["at_default"]) - set(before)

    def differs(key):
        old, new = before.get(key), now.get(key)
        if new and new.startswith("<estimator") and old and not old.startswith("<estimator"):
            # A run recorded with the estimators' reprs: their parameters,
            # listed beside them, decide.
            return False
        return old != new

    return sorted(
        key for key in set(before) | set(now) if differs(key) and key not in new_at_default
    )


def _why_different(recorded, fingerprint):
    """What tells the recorded run from this one, or None when they are the same."""
    changed = _changed_parameters(recorded, fingerprint)
    if changed:
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        return f"parameters {changed[:3]}{more} differ"
    if "input_sha256" not in recorded:
        return "it was recorded before the input data were fingerprinted"
    if recorded["input_sha256"] != fingerprint["input_sha256"]:
        return "the input data (e.g. the audio) differ"
    if any(
        recorded[key] != fingerprint[key]
        for key in ("estimator", "n_samples", "n_folds", "data_and_folds_sha256")
    ):
        return "the labels, speakers or folds differ"
    return None


class _FolderLock:
    """An exclusive lock on ``path`` that lasts while this process holds it.

    The lock is the kernel's (``flock``), released when the process ends
    however it ends, so the lock file a killed run leaves behind (with the
    pid of a process that is gone) does not keep anyone out. The file holds
    the pid of the holder, for the message of whoever is kept out.
    """

    def __init__(self, path):
        self.path = path
        self._fd = None

    def acquire(self):
        if fcntl is None:
            return
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
                os.close(fd)
                raise CheckpointError(
                    f"checkpoint folder {self.path.parent} is in use by another run "
                    f"(process {holder}, lock file {self.path.name}); wait for it to end "
                    "or use another folder"
                ) from None
            # The holder before us may have removed the file after we opened
            # it: then our lock is on a file nobody else sees; start over.
            try:
                still_there = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                still_there = False
            if still_there:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self):
        if self._fd is not None:
            self.path.unlink(missing_ok=True)
            os.close(self._fd)
            self._fd = None


#: Keys of a finished fold's file.
_FOLD_KEYS = ("predictions", "proba", "classes", "fit_time", "time", "history")


class FoldCheckpoints:
    """The finished folds of one evaluation in ``folder``, as a context manager.

    Entering creates the folder if missing, locks it (a second run on the
    same folder is refused until the first ends) and refuses a folder that
    holds another run's folds rather than mix them; leaving unlocks it.

    Parameters
    ----------
    folder : str or path-like
        Where the folds are kept.
    fingerprint : dict
        From :func:`run_fingerprint`.

    Raises
    ------
    sklearn_ser.exceptions.CheckpointError
        For another run's folder, a folder in use, a damaged file, or a file
        that cannot be read or written; the message names the file.
    """

    def __init__(self, folder, fingerprint):
        self.folder = Path(folder)
        self.fingerprint = fingerprint

    def __enter__(self):
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CheckpointError(
                f"cannot create the checkpoint folder {self.folder}: "
                f"{os_error_reason(error, self.folder)}"
            ) from error
        self._lock = _FolderLock(self.folder / "run.lock")
        try:
            self._lock.acquire()
        except OSError as error:
            raise CheckpointError(
                f"cannot lock the checkpoint folder {self.folder}: {os_error_reason(error)}"
            ) from error
        try:
            self._check_run()
        except BaseException:
            self._lock.release()
            raise
        return self

    def __exit__(self, *exc_info):
        self._lock.release()

    def _check_run(self):
        run_file = self.folder / "run.json"
        if not run_file.exists():
            self._write(run_file, self.fingerprint)
            return
        recorded = self._read(run_file, "delete the folder to start over")
        try:
            different = _why_different(recorded, self.fingerprint)
        except (KeyError, TypeError, AttributeError) as error:
            detail = f"no {error}" if isinstance(error, KeyError) else str(error)
            raise CheckpointError(
                f"{run_file} is damaged ({detail}); delete the folder to start over"
            ) from error
        if different:
            raise CheckpointError(
                f"checkpoint folder {self.folder} holds the folds of a different "
                f"run ({different}); use another folder, or delete it to start over"
            )

    def _read(self, path, remedy):
        """The JSON object in ``path``, or a CheckpointError naming it."""
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CheckpointError(f"cannot read {path}: {os_error_reason(error, path)}") from error
        except ValueError as error:  # not JSON, or not UTF-8
            raise CheckpointError(f"{path} is damaged ({error}); {remedy}") from error
        if not isinstance(content, dict):
            raise CheckpointError(
                f"{path} is damaged (not a JSON object but a {type(content).__name__}); {remedy}"
            )
        return content

    def _write(self, path, payload):
        try:
            with replacing(path) as temporary:
                temporary.write_text(json.dumps(payload), encoding="utf-8")
        except OSError as error:
            raise CheckpointError(f"cannot write {path}: {os_error_reason(error, path)}") from error

    def _path(self, k):
        return self.folder / f"fold_{k}.json"

    def load(self, k):
        """The result of fold ``k``, or None if it has not finished."""
        path = self._path(k)
        if not path.exists():
            return None
        remedy = f"delete it to run fold {k} again"
        saved = self._read(path, remedy)
        missing = [key for key in _FOLD_KEYS if key not in saved]
        if missing:
            raise CheckpointError(f"{path} is damaged (no {missing}); {remedy}")
        for key in ("predictions", "proba", "classes"):
            if saved[key] is not None:
                saved[key] = np.asarray(saved[key])
        return saved

    def save(self, k, result):
        """Write the result of fold ``k`` (see ``_fit_and_predict``)."""

        def plain(array):
            return None if array is None else [_python(v) for v in np.asarray(array).ravel()]

        proba = result["proba"]
        self._write(
            self._path(k),
            {
                **result,
                "predictions": plain(result["predictions"]),
                "classes": plain(result["classes"]),
                "proba": None if proba is None else np.asarray(proba, dtype=float).tolist(),
            },
        )
