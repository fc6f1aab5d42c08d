"""Finished folds of an evaluation on disk, so that a stopped run resumes.

A checkpoint folder holds ``run.json`` (a fingerprint of the estimator, the
data and the folds) and one ``fold_<k>.json`` per finished fold. Files are
written to a temporary name and renamed, so a run killed mid-write leaves no
half file behind.
"""

import hashlib
import inspect
import json
import re
from pathlib import Path

import numpy as np

from ..utils._files import replacing
from ._report import _python

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _stable_repr(value):
    """repr without memory addresses, which change from one process to the next."""
    return _ADDRESS.sub("", repr(value))


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


def run_fingerprint(estimator, y, groups, splits):
    """What must be equal for two runs to share finished folds.

    Parameters of the estimator (all of them, nested; a pipeline's cache
    folder excluded), the labels and speakers, and every fold's test indices.
    The parameters at their defaults are listed too, so that a parameter
    added to a class after a run started, left at its default, does not
    invalidate that run's finished folds.
    """
    params = estimator.get_params(deep=True) if hasattr(estimator, "get_params") else {}
    params = {
        key: value
        for key, value in params.items()
        if not (key == "memory" or key.endswith("__memory"))
    }
    described = {key: _stable_repr(value) for key, value in sorted(params.items())}
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
    }


def _changed_parameters(recorded, fingerprint):
    """Parameters that tell two runs apart. One the recorded run did not have
    counts only when it is set away from its default."""
    before, now = recorded["params"], fingerprint["params"]
    new_at_default = set(fingerprint["at_default"]) - set(before)
    return sorted(
        key
        for key in set(before) | set(now)
        if before.get(key) != now.get(key) and key not in new_at_default
    )


def _write_atomically(path, payload):
    with replacing(path) as temporary:
        temporary.write_text(json.dumps(payload), encoding="utf-8")


class FoldCheckpoints:
    """The finished folds of one evaluation in ``folder``.

    Parameters
    ----------
    folder : str or path-like
        Created if missing. A folder that holds another run's folds is
        refused rather than mixed.
    fingerprint : dict
        From :func:`run_fingerprint`.
    """

    def __init__(self, folder, fingerprint):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        run_file = self.folder / "run.json"
        if run_file.exists():
            recorded = json.loads(run_file.read_text(encoding="utf-8"))
            changed = _changed_parameters(recorded, fingerprint)
            same_data = all(
                recorded[key] == fingerprint[key]
                for key in ("estimator", "n_samples", "n_folds", "data_and_folds_sha256")
            )
            if changed or not same_data:
                detail = f"parameters {changed} differ" if changed else "the data or folds differ"
                raise ValueError(
                    f"checkpoint folder {self.folder} holds the folds of a different "
                    f"run ({detail}); use another folder, or delete it to start over"
                )
        else:
            _write_atomically(run_file, fingerprint)

    def _path(self, k):
        return self.folder / f"fold_{k}.json"

    def load(self, k):
        """The result of fold ``k``, or None if it has not finished."""
        path = self._path(k)
        if not path.exists():
            return None
        saved = json.loads(path.read_text(encoding="utf-8"))
        for key in ("predictions", "proba", "classes"):
            if saved[key] is not None:
                saved[key] = np.asarray(saved[key])
        return saved

    def save(self, k, result):
        """Write the result of fold ``k`` (see ``_fit_and_predict``)."""

        def plain(array):
            return None if array is None else [_python(v) for v in np.asarray(array).ravel()]

        proba = result["proba"]
        _write_atomically(
            self._path(k),
            {
                **result,
                "predictions": plain(result["predictions"]),
                "classes": plain(result["classes"]),
                "proba": None if proba is None else np.asarray(proba, dtype=float).tolist(),
            },
        )
