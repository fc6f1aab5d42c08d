"""Saving fitted models as data, never as code: a thin layer over skops.

A model file is a skops archive: arrays in numpy's format, and JSON that
names the type of everything else, which :func:`skops.io.load` builds only
from a trusted list, refusing other types before importing or building
anything. The neural classifiers hold their networks as arrays (their
``__getstate__``), so skops never meets a torch object. This module adds the
trusted list, a header beside skops' schema (format, versions, metadata),
refuses compressed members (so a file allocates at most its size; a
classifier checks its weights against its network before building it), and
words the errors with the file, the step and the type.
"""

import functools
import importlib
import io
import json
import warnings
import zipfile
from pathlib import Path

from sklearn.base import BaseEstimator
from sklearn.exceptions import InconsistentVersionWarning as SklearnVersionWarning

from .exceptions import InconsistentVersionWarning, ModelFileError
from .utils._files import replacing
from .utils._validation import _check_regular_file
from .utils._versions import running_versions, warn_if_versions_differ

__all__ = ["is_safe_model_file", "load_model", "save_model"]

FORMAT = "sklearn_ser.safe_model"
# Increase when a file of this version would be read wrongly by older code.
# Version 1 was a PyTorch archive, no longer read.
FORMAT_VERSION = 2
HEADER = "sklearn_ser.json"  # the archive member beside skops' own
_ARCHIVE_MAGIC = b"PK\x03\x04"
_CODE_NOT_DATA = "Save such a model with joblib, and load that file only if you trust its source."


# Helpers that fitted scikit-learn estimators hold, beside skops' defaults.
_SKLEARN_HELPERS = {
    "sklearn.utils._bunch.Bunch",  # VotingClassifier.named_estimators_
    "sklearn.calibration._CalibratedClassifier",  # CalibratedClassifierCV
    "sklearn.calibration._SigmoidCalibration",
}


@functools.cache
def _trusted_types():
    """The types a model file may hold beyond skops' defaults (numpy arrays,
    plain containers, scikit-learn's public estimators): sklearn_ser's public
    estimators, networks and callbacks, torch optimizers and devices, and
    ``_SKLEARN_HELPERS``."""
    import skorch
    import torch

    parts = ("estimators", "models", "pipelines", "preprocessing", "segmentation")
    modules = [importlib.import_module(f"sklearn_ser.{part}") for part in parts]
    candidates = [getattr(module, name) for module in modules for name in module.__all__]
    candidates += [getattr(torch.optim, name) for name in dir(torch.optim)] + [torch.device]
    kinds = (BaseEstimator, torch.nn.Module, skorch.callbacks.Callback, torch.optim.Optimizer)
    kinds += (torch.device,)
    ours = {
        f"{cls.__module__}.{cls.__name__}"
        for cls in candidates
        if isinstance(cls, type) and issubclass(cls, kinds)
    }
    return sorted(ours | _SKLEARN_HELPERS)


def _places(node, names, where=""):
    """``(where, name)`` of each type of ``names`` in the skops schema ``node``,
    ``where`` a path such as ``steps['scale'].func``."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            name = _pair_name(item)  # a (name, step) pair of Pipeline.steps reads as its name
            if name is None:
                yield from _places(item, names, f"{where}[{i}]")
            else:
                yield from _places(item["content"][1], names, f"{where}[{name!r}]")
    if not isinstance(node, dict):
        return
    if f"{node.get('__module__')}.{node.get('__class__')}" in names:
        yield where, f"{node['__module__']}.{node['__class__']}"
    content = node.get("content")
    if node.get("__loader__") == "ObjectNode" and isinstance(content, dict):
        for key, value in dict(content.get("content") or {}).items():
            yield from _places(value, names, f"{where}.{key}" if where else str(key))
    elif isinstance(content, dict):
        for key, value in content.items():
            yield from _places(value, names, f"{where}[{key!r}]")
    elif isinstance(content, list):
        yield from _places(content, names, where)


def _pair_name(node):
    """The name of a (name, step) pair as skops stores it, else None."""
    if not isinstance(node, dict) or node.get("__loader__") != "TupleNode":
        return None
    items = node.get("content")
    if not isinstance(items, list) or len(items) != 2:
        return None
    text = items[0].get("content") if isinstance(items[0], dict) else None
    return text[1:-1] if isinstance(text, str) and text[:1] == text[-1:] == '"' else None


def _refusal(data, names):
    """Where the first type of ``names`` is in the model file ``data``, in words."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        schema = json.loads(archive.read("schema.json"))
    where, name = next(_places(schema, set(names)), ("", names[0]))
    hint = ""
    if "callbacks[" in where:
        hint = " (callbacks only hook into training: set_params(callbacks=None) before saving)"
    return (f"its {where} names {name}" if where else f"it names {name}") + hint


def save_model(estimator, path, *, metadata=None):
    """Save a model to one file that loads without running code.

    A skops archive (:func:`skops.io.dump`) of the parameters and fitted
    state of every step (the neural classifiers' weights, optimizer state and
    history included), with ``metadata`` and the versions of sklearn_ser,
    scikit-learn, skorch and torch. Unlike a pickle, reading it with
    :func:`load_model` never runs code from the file.

    Parameters
    ----------
    estimator : estimator instance
        A fitted (or unfitted) estimator, e.g. a
        :class:`~sklearn.pipeline.Pipeline` from waveforms to labels.
    path : str or path-like
        File to write (replaced if it exists); ``.skops`` is a fitting suffix.
    metadata : dict, default=None
        JSON-serialisable facts to keep beside the model (e.g. the corpus it
        was trained on), returned by ``load_model(path, return_metadata=True)``.

    Raises
    ------
    TypeError
        When ``metadata`` is no JSON dict, or a part of the model is of a type
        that :func:`load_model` does not build (a function, e.g. a lambda in a
        ``FunctionTransformer``; an estimator, class or callback of another
        package) or that skops cannot store (a tensor as a parameter; the
        metadata request of ``set_fit_request``, which refers back to its
        estimator). The message names the step and the type.
    OSError
        When the file cannot be written; an existing file at ``path`` is
        then left whole.

    See Also
    --------
    load_model : Read the file back.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn_ser import CNNLSTMClassifier, load_model, save_model
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(20, 8, 12)).astype(np.float32)
    >>> y = np.repeat(["calm", "angry"], 10)
    >>> clf = CNNLSTMClassifier(max_epochs=2, module__channels=(4, 4, 8, 8),
    ...                         module__hidden_size=8, random_state=0).fit(X, y)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "model.skops")
    ...     save_model(clf, path)
    ...     loaded = load_model(path)
    >>> np.array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    True
    """
    from skops.io import dumps, get_untrusted_types

    name = type(estimator).__name__
    if not isinstance(estimator, BaseEstimator):
        raise TypeError(f"save_model saves an estimator; got a {type(estimator).__module__}.{name}")
    if metadata is not None and not isinstance(metadata, dict):
        raise TypeError(f"metadata must be a dict or None, got a {type(metadata).__name__}")
    header = {"format": FORMAT, "format_version": FORMAT_VERSION, "versions": running_versions()}
    try:
        header = json.dumps({**header, "metadata": metadata or {}})
    except (TypeError, ValueError) as error:
        raise TypeError(f"metadata must be JSON-serialisable: {error}") from None
    try:
        data = dumps(estimator)
    except Exception as error:  # a part that skops or its own __getstate__ refuses
        reason = "it refers back to itself" if isinstance(error, RecursionError) else error
        raise TypeError(
            f"cannot save the {name}: skops cannot store it ({reason}). {_CODE_NOT_DATA}"
        ) from error
    refused = sorted(set(get_untrusted_types(data=data)) - set(_trusted_types()))
    if refused:
        raise TypeError(
            f"cannot save the {name}: {_refusal(data, refused)}, which a model file cannot "
            f"hold (loading it would run code). {_CODE_NOT_DATA}"
        )
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(HEADER, header)
    # Written beside the target and renamed: a failed save leaves the old file.
    with replacing(path) as temporary:
        temporary.write_bytes(buffer.getbuffer())


def is_archive(path):
    """Whether the regular file ``path`` starts as a zip archive, as the files
    of :func:`save_model` do (a damaged one included); a pickle does not."""
    _check_regular_file(path)  # a FIFO or a device would block the read below
    with open(path, "rb") as file:  # FileNotFoundError, IsADirectoryError... as usual
        return file.read(len(_ARCHIVE_MAGIC)) == _ARCHIVE_MAGIC


def _read(path):
    """The bytes of the model file ``path`` and its header, checked."""
    if not is_archive(path):  # e.g. a pickle, never unpickled
        raise ModelFileError(
            f"{path} is not a model file in sklearn_ser's safe format (write one with "
            "sklearn_ser.save_model; a pickle is never read, as loading one runs its code)"
        )
    data = Path(path).read_bytes()  # read once: the file may change meanwhile
    damaged = f"{path} is a damaged or altered safe model file"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if HEADER not in archive.namelist():
                raise ModelFileError(
                    f"{path} is not a model file in sklearn_ser's safe format"
                    f"{_earlier_format(archive)}"
                )
            if any(info.compress_type != zipfile.ZIP_STORED for info in archive.infolist()):
                raise ModelFileError(f"{damaged} (it has compressed members)")
            header = json.loads(archive.read(HEADER))
    except ModelFileError:
        raise
    except (zipfile.BadZipFile, EOFError, RecursionError, ValueError) as error:
        raise ModelFileError(f"{damaged} ({_reason(error)})") from error
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ModelFileError(f"{damaged} (its header is not sklearn_ser's)")
    for field, kind, described in [
        ("format_version", int, "an integer"),
        ("versions", dict, "a JSON object"),
        ("metadata", dict, "a JSON object"),
    ]:
        if type(header.get(field)) is not kind:
            raise ModelFileError(f"{damaged} (its {field} is not {described})")
    if not all(isinstance(version, str) for version in header["versions"].values()):
        raise ModelFileError(f"{damaged} (its versions are not strings)")
    return data, header


def _earlier_format(archive):
    """What to say of a zip archive without our header: sklearn_ser's model
    files were once PyTorch archives whose pickled payload names the format."""
    pickles = [name for name in archive.namelist() if name.endswith("/data.pkl")]
    if any(FORMAT.encode() in archive.read(name) for name in pickles):
        return (
            ": it was written in the format of an earlier sklearn_ser, which is no longer "
            "read; train the model again and save it with sklearn_ser.save_model"
        )
    return " (a zip archive without its header)"


def _reason(error):
    if isinstance(error, RecursionError):
        return "its content is nested too deeply"
    if isinstance(error, zipfile.BadZipFile):
        return "its zip archive is incomplete or corrupt"
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def is_safe_model_file(path):
    """Whether ``path`` is a model file written by :func:`save_model`.

    Only the archive's header is read; a pickle is not even unpickled.

    Parameters
    ----------
    path : str or path-like
        The file to check.

    Returns
    -------
    is_safe : bool
        True for a file of :func:`save_model`; False for any other file, and
        for a path that is missing or not a regular file (a FIFO is not
        opened, so the check cannot block).

    Examples
    --------
    >>> import os, tempfile
    >>> import joblib
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_ser import is_safe_model_file, save_model
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save_model(StandardScaler(), os.path.join(folder, "scaler.skops"))
    ...     _ = joblib.dump(StandardScaler(), os.path.join(folder, "scaler.joblib"))
    ...     (is_safe_model_file(os.path.join(folder, "scaler.skops")),
    ...      is_safe_model_file(os.path.join(folder, "scaler.joblib")))
    (True, False)
    """
    try:
        _read(path)
    except (OSError, ValueError):
        return False
    return True


def load_model(path, *, return_metadata=False):
    """Load a model saved by :func:`save_model`, without running code from the file.

    :func:`skops.io.load` builds arrays, plain containers and trusted types
    only: scikit-learn's and sklearn_ser's public estimators, sklearn_ser's
    networks and callbacks, torch optimizers and devices, and helpers of
    fitted estimators. A file that names another type is refused before
    anything is imported or built. A neural classifier builds its network
    only once its stored weights fit it and are finite.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save_model`.
    return_metadata : bool, default=False
        Also return the ``metadata`` given to :func:`save_model`, with the
        versions the file was saved with under ``"versions"``.

    Returns
    -------
    estimator : estimator instance
        The model as it was saved. A network saved on CUDA runs on the CPU
        (with a :class:`skorch.exceptions.DeviceWarning`) where CUDA is not
        available.
    metadata : dict
        Only with ``return_metadata=True``.

    Raises
    ------
    sklearn_ser.exceptions.ModelFileError
        When ``path`` is not a file of :func:`save_model` (e.g. a pickle), is
        of an earlier format or a newer sklearn_ser, names an untrusted type,
        or is damaged or altered (e.g. weights that do not fit the network).
    ValueError
        When ``path`` is not a regular file (a FIFO is not opened).

    Warns
    -----
    sklearn_ser.exceptions.InconsistentVersionWarning
        Once, when the file was saved with other versions of sklearn_ser,
        scikit-learn, skorch or torch than the running ones.

    See Also
    --------
    save_model : Write such a file.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_ser import UtteranceStatistics, load_model, save_model
    >>> X = np.random.RandomState(0).normal(size=(30, 4, 20))
    >>> y = np.repeat(["calm", "angry", "sad"], 10)
    >>> model = make_pipeline(UtteranceStatistics(), LogisticRegression()).fit(X, y)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     save_model(model, os.path.join(folder, "baseline.skops"), metadata={"sr": 16000})
    ...     loaded, metadata = load_model(os.path.join(folder, "baseline.skops"),
    ...                                   return_metadata=True)
    >>> metadata["sr"], np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
    (16000, True)
    """
    from skops.io import get_untrusted_types, load

    data, header = _read(path)
    versions = header["versions"]
    if header["format_version"] > FORMAT_VERSION:
        raise ModelFileError(
            f"{path} was written by sklearn_ser {versions.get('sklearn_ser')} in version "
            f"{header['format_version']} of the safe format; this sklearn_ser reads up to "
            f"version {FORMAT_VERSION}: upgrade it to load the model"
        )
    warn_if_versions_differ(versions)  # before building, which other versions may break
    try:
        refused = sorted(set(get_untrusted_types(data=data)) - set(_trusted_types()))
        if refused:
            raise ModelFileError(
                f"refusing to load {path}: {_refusal(data, refused)}, which a model file may "
                "not hold (nothing was imported or built)"
            )
        with warnings.catch_warnings():
            # The steps' own version stamps would repeat the warning above.
            warnings.simplefilter("ignore", InconsistentVersionWarning)
            warnings.simplefilter("ignore", SklearnVersionWarning)
            estimator = load(io.BytesIO(data), trusted=_trusted_types())
    except ModelFileError:
        raise
    except Exception as error:  # whatever a crafted file makes skops or a step raise
        raise ModelFileError(
            f"{path} is a damaged or altered safe model file ({_reason(error)})"
        ) from error
    if return_metadata:
        return estimator, {**header["metadata"], "versions": versions}
    return estimator
