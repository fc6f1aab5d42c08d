"""A trained model in one file with the facts prediction needs: its sampling
rate and classes, checked against the model when the file is read. The files
of ``sklearn-ser train``, read by ``sklearn-ser predict``."""

import os
import warnings
from numbers import Integral
from pathlib import Path

import joblib
from sklearn import config_context
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.metadata_routing import get_routing_for_object

from ._persistence import is_archive, load_model, save_model

#: Marks a file of :func:`save_trained_model` among the metadata.
MODEL_FORMAT = "sklearn_ser-model"
MODEL_FORMAT_VERSION = 1
_CHECKED = ("format", "format_version", "sr", "classes")


@validate_params(
    {
        "model": [object],
        "path": [str, os.PathLike],
        "sr": [Interval(Integral, 1, None, closed="left")],
        "metadata": [dict, None],
    },
    prefer_skip_nested_validation=True,
)
def save_trained_model(model, path, *, sr, metadata=None):
    """Save a fitted model with its sampling rate and classes, for prediction.

    The file holds the model, ``sr``, its ``classes_`` and ``metadata`` (a
    description of the training: corpus, recipe...), which
    :func:`load_trained_model` checks against each other, in
    :func:`save_model`'s format, which loads without running code from the
    file. It is written to a temporary file beside ``path`` and renamed, so
    an existing file is replaced whole or left as it was.

    Parameters
    ----------
    model : fitted classifier or Pipeline
        Has ``classes_``.
    path : str or path-like
        The file; missing folders are created.
    sr : int
        Sampling rate of the waveforms the model takes.
    metadata : dict, default=None
        JSON-serialisable facts to keep beside the model; its keys may not
        be ``format``, ``format_version``, ``sr`` or ``classes``.

    Raises
    ------
    OSError
        When the file cannot be written.
    ValueError
        When ``metadata`` uses a reserved key.
    TypeError
        When the model holds what :func:`save_model` cannot store.

    Examples
    --------
    >>> import tempfile
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_ser import load_trained_model, save_trained_model
    >>> model = LogisticRegression().fit([[0.0], [1.0]], ["calm", "sad"])
    >>> path = tempfile.mkdtemp() + "/model.skops"
    >>> save_trained_model(model, path, sr=16000, metadata={"corpus": "by hand"})
    >>> model, metadata = load_trained_model(path)
    >>> metadata["classes"], metadata["sr"], metadata["corpus"]
    (['calm', 'sad'], 16000, 'by hand')
    """
    reserved = sorted(set(metadata or {}) & set(_CHECKED))
    if reserved:
        raise ValueError(f"metadata may not set {reserved}: they are recorded from the model")
    facts = {
        "format": MODEL_FORMAT,
        "format_version": MODEL_FORMAT_VERSION,
        "sr": int(sr),
        "classes": [str(c) for c in model.classes_],
        **(metadata or {}),
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_model(model, path, metadata=facts)


def _check_facts(saved, path):
    """Refuse recorded facts that are missing, of the wrong type or disagree
    with the model: the model's own ``classes_`` and sampling rate are the truth."""
    if not isinstance(saved, dict) or saved.get("format") != MODEL_FORMAT:
        raise ValueError(
            f"{path} is not a sklearn-ser model file (write one with `sklearn-ser train`)"
        )
    version = saved.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValueError(f"{path} is damaged: its format_version is not an integer")
    if version > MODEL_FORMAT_VERSION:
        raise ValueError(
            f"{path} was written by a newer sklearn-ser (model file version {version}); "
            "upgrade to read it"
        )
    model = saved.get("model")
    classes = getattr(model, "classes_", None)
    if classes is None or saved.get("classes") != [str(c) for c in classes]:
        raise ValueError(f"{path} is damaged: its recorded classes are not the model's")
    sr = saved.get("sr")
    if not isinstance(sr, int) or isinstance(sr, bool) or sr <= 0 or _sampling_rates(model) - {sr}:
        raise ValueError(f"{path} is damaged: its recorded sampling rate {sr!r} is not the model's")


def _sampling_rates(model):
    """The sampling rates the steps of ``model`` are set to (``sr`` parameters)."""
    return {value for key, value in model.get_params().items() if key.split("__")[-1] == "sr"}


def _facts_of_pickled_model(model, path):
    """What prediction needs of a pickled model, read from the model itself."""
    rates = _sampling_rates(model) if hasattr(model, "get_params") else set()
    if not hasattr(model, "classes_") or len(rates) != 1:
        raise ValueError(
            f"{path} is not a sklearn-ser model file: it holds a {type(model).__name__}, not a "
            "fitted classifier of waveforms at one sampling rate (an sr parameter)"
        )
    with config_context(enable_metadata_routing=True):
        speaker_norm = bool(get_routing_for_object(model).consumes("predict_proba", ["groups"]))
    classes = [str(c) for c in model.classes_]
    return {"classes": classes, "sr": rates.pop(), "speaker_norm": speaker_norm}


@validate_params(
    {"path": [str, os.PathLike], "allow_pickle": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_trained_model(path, *, allow_pickle=False):
    """Load a model saved by :func:`save_trained_model`, its facts checked.

    A file of :func:`save_trained_model` is read by :func:`load_model`,
    without running code from it. A pickle of a fitted model (as
    ``joblib.dump`` writes it) is read only with ``allow_pickle=True``, with
    a warning: unpickling runs code stored in the file, so allow it only for
    files you trust. Its facts are then the model's own.

    Parameters
    ----------
    path : str or path-like
        The file.
    allow_pickle : bool, default=False
        Also read the file when it is a pickle.

    Returns
    -------
    model : estimator
        The fitted model.
    metadata : dict
        Its facts: ``sr``, ``classes`` (those of ``model.classes_``), the
        ``metadata`` it was saved with, ``versions``...

    Raises
    ------
    FileNotFoundError
        When ``path`` is missing or a folder.
    ValueError
        Naming the file, when it is not a regular file, not a model file of
        :func:`save_trained_model` (a pickle without ``allow_pickle``
        included), damaged, written by a newer version, or when its recorded
        classes or sampling rate are not the model's.

    Examples
    --------
    >>> import tempfile
    >>> import joblib
    >>> from sklearn_ser import load_trained_model
    >>> path = tempfile.mkdtemp() + "/model.joblib"
    >>> _ = joblib.dump({"weights": [1, 2]}, path)
    >>> load_trained_model(path)
    Traceback (most recent call last):
    ...
    ValueError: ...model.joblib is not a model file in sklearn_ser's safe format ...
    """
    path = Path(path)
    if not path.exists() or path.is_dir():
        raise FileNotFoundError(f"model file not found: {path}")
    archive = is_archive(path)
    if allow_pickle and not archive:
        warnings.warn(f"loading the pickle {path} runs code stored in it", stacklevel=2)
        try:
            model = joblib.load(path)
        except Exception as exc:  # any unreadable file is the same user error
            raise ValueError(f"{path} is not a sklearn-ser model file ({exc})") from exc
        return model, _facts_of_pickled_model(model, path)
    try:
        model, saved = load_model(path, return_metadata=True)
    except ValueError as exc:  # not the safe format, damaged, a refused class
        hint = (
            ""
            if archive
            else "; a pickle you trust loads with allow_pickle=True "
            "(sklearn-ser predict --allow-pickle)"
        )
        raise ValueError(f"{exc}{hint}") from exc
    saved = {**saved, "model": model}
    _check_facts(saved, path)
    saved = dict(saved)
    return saved.pop("model"), saved
