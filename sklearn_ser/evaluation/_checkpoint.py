"""Finished folds of an evaluation on disk, so that a stopped run resumes.

A checkpoint folder holds ``run.json`` (a fingerprint of the estimator, the
data and the folds) and one ``fold_<k>.json`` per finished fold. Files are
written to a temporary name and renamed, so a run killed mid-write leaves no
half file behind.
"""

import hashlib
import json
import os
import re
from pathlib import Path

import numpy as np

from ._report import _python

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _stable_repr(value):
    """repr without memory addresses, which change from one process to the next."""
    return _ADDRESS.sub("", repr(value))


def run_fingerprint(estimator, y, groups, splits):
    """What must be equal for two runs to share finished folds.

    Parameters of the estimator (all of them, nested; a pipeline's cache
    folder excluded), the labels and speakers, and every fold's test indices.
    """
    params = estimator.get_params(deep=True) if hasattr(estimator, "get_params") else {}
    described = {
        key: _stable_repr(value)
        for key, value in sorted(params.items())
        if not (key == "memory" or key.endswith("__memory"))
    }
    data = hashlib.sha256()
    for array in (np.asarray(y), np.asarray(groups), *(test for _, test in splits)):
        data.update(np.asarray(array).astype(str).tobytes())
    return {
        "estimator": type(estimator).__name__,
        "params": described,
        "n_samples": len(y),
        "n_folds": len(splits),
        "data_and_folds_sha256": data.hexdigest(),
    }


def _write_atomically(path, payload):
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(temporary, path)


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
            if recorded != json.loads(json.dumps(fingerprint)):
                changed = sorted(
                    key
                    for key in set(recorded["params"]) | set(fingerprint["params"])
                    if recorded["params"].get(key) != fingerprint["params"].get(key)
                )
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
