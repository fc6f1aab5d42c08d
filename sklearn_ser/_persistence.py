"""Saving fitted models as data, never as code: :func:`save_model`,
:func:`load_model`, :func:`is_safe_model_file`.

A pickle (``joblib.dump``) stores how to rebuild each object, and loading it
runs whatever the file names: loading a pickle is running its author's code.
This format stores data only. A model becomes a tree of nodes:

- an estimator of scikit-learn or sklearn_ser is the import path of its class,
  its parameters (``get_params(deep=False)``) and the rest of its instance
  dict (the fitted ``*_`` attributes and the private state some estimators
  keep beside them);
- another object of those packages inside a fitted estimator (e.g. the
  calibrators of ``CalibratedClassifierCV``) is its class path and instance
  dict;
- the skorch net of a neural classifier is the state dicts of its module,
  criterion and optimizer and its history; the net is rebuilt on load from
  the classifier's parameters, as ``fit`` builds it;
- numpy arrays are tensors (strings as lists), and tuples, dicts, classes
  and numpy scalars are tagged nodes over numbers, strings and lists;
- a second reference to an estimator or object is a reference node, so
  shared instances stay shared (``_metadata_request.owner`` is one).

:func:`torch.save` writes the tree; :func:`torch.load` reads it with
``weights_only=True``, whose unpickler builds tensors and plain containers
only. A node then names a class, which is taken only from an allow-list of
packages and only from a module already loaded by their public subpackages:
a file cannot make the loader import a module. The network of a neural
classifier is built only once the stored weights are found to fit it (so a
file cannot ask for more memory than its weights take) and to be finite.
Estimators are rebuilt with their parameters (``__init__`` only stores them,
by scikit-learn's convention) and other objects without calling any
constructor.
"""

import functools
import importlib
import importlib.util
import json
import numbers
import pickle
import sys
import warnings
import zipfile
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import Bunch
from skorch.exceptions import DeviceWarning
from skorch.history import History

from .estimators._base import SERNeuralNetClassifier, _private_torch_rng
from .utils._files import replacing
from .utils._validation import _check_regular_file
from .utils._versions import running_versions, warn_if_versions_differ

__all__ = ["is_safe_model_file", "load_model", "save_model"]

FORMAT = "sklearn_ser.safe_model"
# Increase when a file of this version would be read wrongly by older code.
FORMAT_VERSION = 1

# Packages whose estimators and helper objects a model file may hold.
OBJECT_PACKAGES = ("sklearn_ser", "sklearn")
# Packages whose classes may be parameter values: a classifier's ``module``
# (sklearn_ser.models) and ``optimizer`` (torch.optim), and the like.
CLASS_PACKAGES = ("sklearn_ser", "sklearn", "torch.nn", "torch.optim")
# The first bytes of a zip archive, which torch.save writes.
_ARCHIVE_MAGIC = b"PK\x03\x04"
# Public subpackages of scikit-learn that the loader does not import:
# ``experimental`` switches features on when imported, and neither it nor the
# others hold estimators of a saved model.
_SKIPPED_SKLEARN_MODULES = ("experimental", "externals", "datasets")
_BUILTIN_TYPES = {cls.__name__: cls for cls in (bool, int, float, complex, str, bytes, object)}
_PLAIN = (type(None), bool, int, float, str, bytes)

_CODE_NOT_DATA = (
    "The safe format stores data, not code: save such a model with joblib, "
    "and load that file only if you trust its source."
)


def _within(module, packages):
    """Whether ``module`` is one of ``packages`` or inside one, and no dunder
    module (``__main__`` runs a program when imported)."""
    inside = any(module == package or module.startswith(package + ".") for package in packages)
    return inside and not any(
        part.startswith("__") and part.endswith("__") for part in module.split(".")
    )


def _class_name(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def _join(where, segment):
    if segment.startswith("["):
        return where + segment
    return f"{where}.{segment}" if where else segment


class _Unsupported(Exception):
    """A value the format cannot hold; the estimator that owns it turns this
    into a TypeError naming itself and the parameter or attribute."""

    def __init__(self, where, why):
        super().__init__(where, why)
        self.where = where
        self.why = why


# -------------------------------------------------------------------- saving


class _Encoder:
    """Turn a model into a tree of plain values and tensors (see the module
    docstring)."""

    def __init__(self):
        self._active = set()  # ids of what is being encoded, to refuse cycles
        # Estimators and objects already written, by id: (number, object). A
        # second reference to one becomes a "ref" node, as pickle keeps it.
        self._written = {}

    def encode(self, value, where):
        if type(value) in _PLAIN:
            return value
        if isinstance(value, torch.Tensor):
            return value.detach().cpu().clone()
        if isinstance(value, np.ndarray) and type(value) in (np.ndarray, np.memmap):
            return self._array(np.asarray(value), where)
        if isinstance(value, np.generic):
            return {"kind": "numpy_scalar", "array": self._array(np.asarray(value), where)}
        if isinstance(value, np.dtype):
            if value.fields is not None or value.subdtype is not None:
                raise _Unsupported(where, f"a structured numpy dtype ({value})")
            return {"kind": "numpy_dtype", "dtype": value.str}
        if isinstance(value, torch.device):
            return {"kind": "torch_device", "device": str(value)}
        if isinstance(value, type):
            return self._class(value, where)
        if isinstance(value, np.random.RandomState):
            return {"kind": "random_state", "state": self.encode(value.get_state(), where)}
        if id(value) in self._written:
            return {"kind": "ref", "id": self._written[id(value)][0]}
        if id(value) in self._active:
            raise _Unsupported(where, "part of a reference cycle")
        self._active.add(id(value))
        try:
            return self._container_or_object(value, where)
        finally:
            self._active.discard(id(value))

    def _container_or_object(self, value, where):
        if type(value) is list:
            return [
                self.encode(item, _join(where, _index(item, i))) for i, item in enumerate(value)
            ]
        if type(value) is tuple:
            return {"kind": "tuple", "items": self._tuple_items(value, where)}
        if type(value) in (dict, OrderedDict) or isinstance(value, Bunch):
            keys = list(value)
            return {
                "kind": "bunch" if isinstance(value, Bunch) else "dict",
                "keys": [self.encode(key, where) for key in keys],
                "values": [self.encode(value[key], _join(where, f"[{key!r}]")) for key in keys],
            }
        if isinstance(value, BaseEstimator):
            return self._estimator(value, where)
        if _within(type(value).__module__, OBJECT_PACKAGES):
            return self._object(value, where)
        if hasattr(value, "fit"):
            raise _foreign_estimator(value, where)
        raise _Unsupported(where, _describe(value))

    def _members(self, attributes, where):
        """A dict node of an object's attributes, with paths like ``where.name``."""
        names = list(attributes)
        return {
            "kind": "dict",
            "keys": names,
            "values": [self.encode(attributes[name], _join(where, name)) for name in names],
        }

    def _tuple_items(self, items, where):
        # In a (name, estimator, ...) pair of Pipeline.steps and the like, the
        # list index already reads as the name: the estimator takes its path.
        named = bool(items) and isinstance(items[0], str)
        return [
            self.encode(item, where if named and i == 1 else _join(where, f"[{i}]"))
            for i, item in enumerate(items)
        ]

    def _array(self, array, where):
        node = {"kind": "ndarray", "dtype": array.dtype.str, "shape": list(array.shape)}
        kind = array.dtype.kind
        if kind in "US":
            return {**node, "values": array.ravel().tolist()}
        if kind == "O":
            return {
                **node,
                "values": [
                    self.encode(item, _join(where, f"[{i}]"))
                    for i, item in enumerate(array.ravel())
                ],
            }
        if kind not in "biufcmM":
            raise _Unsupported(where, f"a numpy array of dtype {array.dtype}")
        array = np.array(array, order="C")
        try:
            return {**node, "tensor": torch.from_numpy(array)}
        except (TypeError, ValueError, RuntimeError):
            # A dtype or byte order torch lacks: keep the bytes.
            return {**node, "bytes": torch.from_numpy(array.reshape(-1).view(np.uint8))}

    def _class(self, cls, where):
        if issubclass(cls, np.generic):
            return {"kind": "numpy_type", "dtype": np.dtype(cls).str}
        if _BUILTIN_TYPES.get(cls.__name__) is cls:
            return {"kind": "builtin_type", "name": cls.__name__}
        if not _within(cls.__module__, CLASS_PACKAGES) or "<" in cls.__qualname__:
            raise _Unsupported(
                where,
                f"the class {_class_name(cls)}; classes can be saved from "
                f"{', '.join(CLASS_PACKAGES)} only",
            )
        return {"kind": "class", "module": cls.__module__, "name": cls.__qualname__}

    def _estimator(self, estimator, where):
        cls = type(estimator)
        at = f" at {where}" if where else ""
        if not _within(cls.__module__, OBJECT_PACKAGES):
            raise _foreign_estimator(estimator, where)
        params = estimator.get_params(deep=False)
        if isinstance(estimator, SERNeuralNetClassifier):
            # Callbacks are objects of any class, hooked into training only;
            # the loaded classifier predicts the same without them.
            params["callbacks"] = None
        try:
            init_attributes = vars(cls(**params))
        except Exception as error:
            raise TypeError(
                f"cannot save the {cls.__qualname__}{at} in the safe format: it cannot be "
                f"rebuilt from its get_params() ({error})"
            ) from error
        state = {key: value for key, value in vars(estimator).items() if key not in init_attributes}
        net = state.pop("net_", None) if isinstance(estimator, SERNeuralNetClassifier) else None
        node = {"kind": "estimator", "module": cls.__module__, "name": cls.__qualname__}
        with _owned_by(cls, where, "parameter"):
            node["params"] = self._members(params, where)
        # Rebuilt from its parameters first, so its fitted attributes may
        # refer back to it (as ``_metadata_request.owner`` does).
        node["id"] = self._remember(estimator)
        with _owned_by(cls, where, "fitted attribute"):
            node["state"] = self._members(state, where)
            if net is not None:
                node["net"] = self._net(net, _join(where, "net_"))
        return node

    def _net(self, net, where):
        return {
            "module": self.encode(net.module_.state_dict(), where),
            "criterion": self.encode(net.criterion_.state_dict(), where),
            "optimizer": self.encode(net.optimizer_.state_dict(), where),
            "weight_average": self.encode(net.weight_average_state(), where),
            "history": self.encode(list(net.history), _join(where, "history")),
            "validation_split": net.train_split is not None,
        }

    def _object(self, value, where):
        cls = type(value)
        slots = any(vars(base).get("__slots__") for base in cls.__mro__)
        if slots or not hasattr(value, "__dict__"):
            raise _Unsupported(where, f"a {_class_name(cls)} object, which has no instance dict")
        node = {
            "kind": "object",
            "module": cls.__module__,
            "name": cls.__qualname__,
            "id": self._remember(value),
        }
        return {**node, "state": self._members(vars(value), where)}

    def _remember(self, value):
        number = len(self._written)
        self._written[id(value)] = (number, value)  # holding it keeps its id unique
        return number


@contextmanager
def _owned_by(cls, where, role):
    """Report a value the format cannot hold as a TypeError naming the
    estimator of class ``cls`` at ``where`` and its parameter or attribute."""
    try:
        yield
    except _Unsupported as unsupported:
        at = f" at {where}" if where else ""
        member = unsupported.where[len(where) :].lstrip(".")
        raise TypeError(
            f"cannot save the {cls.__qualname__}{at} in the safe format: its {role} "
            f"{member} is {unsupported.why}. {_CODE_NOT_DATA}"
        ) from None


def _foreign_estimator(estimator, where):
    cls = type(estimator)
    return TypeError(
        f"cannot save the {cls.__qualname__}{f' at {where}' if where else ''} (from module "
        f"{cls.__module__!r}) in the safe format, which holds estimators of scikit-learn and "
        f"sklearn_ser only. {_CODE_NOT_DATA}"
    )


def _index(item, i):
    """Path segment of list item ``i``: its name for (name, ...) pairs."""
    if isinstance(item, tuple) and item and isinstance(item[0], str):
        return f"[{item[0]!r}]"
    return f"[{i}]"


def _describe(value):
    if callable(value) and hasattr(value, "__qualname__"):
        return f"a function ({value.__qualname__} from {getattr(value, '__module__', '?')})"
    cls = type(value)
    return (
        f"a {_class_name(cls)} object, which is neither plain data nor an object of "
        "scikit-learn or sklearn_ser"
    )


# ------------------------------------------------------------------- loading


class _Decoder:
    """Rebuild a model from the tree that :class:`_Encoder` made."""

    def __init__(self):
        self._built = {}  # estimators and objects by number, for "ref" nodes

    def decode(self, node, where):
        if type(node) in _PLAIN or isinstance(node, torch.Tensor):
            return node
        if type(node) is list:
            return [self.decode(item, _join(where, f"[{i}]")) for i, item in enumerate(node)]
        if type(node) is not dict or not isinstance(node.get("kind"), str):
            raise _corrupt(where, f"unexpected {type(node).__name__} node")
        method = getattr(self, f"_decode_{node['kind']}", None)
        if method is None:
            raise _corrupt(where, f"unknown node kind {node['kind']!r}")
        try:
            return method(node, where)
        except (AttributeError, IndexError, KeyError, TypeError) as error:
            raise _corrupt(where, f"malformed {node['kind']} node ({error!r})") from error

    def _decode_tuple(self, node, where):
        return tuple(self.decode(node["items"], where))

    def _decode_dict(self, node, where):
        keys = self.decode(node["keys"], where)
        values = self.decode(node["values"], where)
        return dict(zip(keys, values, strict=True))

    def _decode_bunch(self, node, where):
        return Bunch(**self._decode_dict(node, where))

    def _decode_ndarray(self, node, where):
        dtype = np.dtype(node["dtype"])
        shape = tuple(node["shape"])
        if "tensor" in node:
            return np.array(node["tensor"].numpy(), dtype=dtype).reshape(shape)
        if "bytes" in node:
            data = node["bytes"].numpy().tobytes()
            return np.frombuffer(data, dtype=dtype).reshape(shape).copy()
        values = self.decode(node["values"], where)
        if dtype.kind != "O":
            return np.array(values, dtype=dtype).reshape(shape)
        array = np.empty(len(values), dtype=object)
        for i, value in enumerate(values):  # item by item: a list stays one item
            array[i] = value
        return array.reshape(shape)

    def _decode_numpy_scalar(self, node, where):
        return self._decode_ndarray(node["array"], where)[()]

    def _decode_numpy_dtype(self, node, where):
        return np.dtype(node["dtype"])

    def _decode_numpy_type(self, node, where):
        return np.dtype(node["dtype"]).type

    def _decode_builtin_type(self, node, where):
        return _BUILTIN_TYPES[node["name"]]

    def _decode_torch_device(self, node, where):
        try:
            return torch.device(node["device"])
        except RuntimeError as error:
            raise _corrupt(where, f"not a torch device ({error})") from None

    def _decode_random_state(self, node, where):
        random_state = np.random.RandomState()
        random_state.set_state(self.decode(node["state"], where))
        return random_state

    def _decode_ref(self, node, where):
        if node["id"] not in self._built:
            raise _corrupt(where, "a reference to an object that is not built yet")
        return self._built[node["id"]]

    def _decode_class(self, node, where):
        return _resolve_class(node["module"], node["name"], CLASS_PACKAGES, where)

    def _decode_object(self, node, where):
        cls = _resolve_class(node["module"], node["name"], OBJECT_PACKAGES, where)
        instance = cls.__new__(cls)
        self._built[node["id"]] = instance
        instance.__dict__.update(self._names(self.decode(node["state"], where), where))
        return instance

    def _decode_estimator(self, node, where):
        cls = _resolve_class(node["module"], node["name"], OBJECT_PACKAGES, where)
        if not issubclass(cls, BaseEstimator):
            raise _corrupt(where, f"{_class_name(cls)} is not an estimator")
        params = self._names(self.decode(node["params"], where), where)
        try:
            estimator = cls(**params)
        except TypeError as error:
            raise ValueError(
                f"cannot rebuild the {cls.__qualname__}{f' at {where}' if where else ''} from "
                f"its saved parameters ({error}); was the model saved with other versions?"
            ) from error
        self._built[node["id"]] = estimator
        estimator.__dict__.update(self._names(self.decode(node["state"], where), where))
        if "net" in node:
            if not isinstance(estimator, SERNeuralNetClassifier):
                raise _corrupt(where, f"a {cls.__qualname__} has no network")
            try:
                saved = {
                    key: self.decode(value, _join(where, "net_"))
                    for key, value in node["net"].items()
                }
                _restore_net(estimator, saved)
            except (KeyError, RuntimeError, ValueError) as error:
                raise ValueError(
                    f"cannot load the network of the {cls.__qualname__}"
                    f"{f' at {where}' if where else ''}: {error}"
                ) from error
        return estimator

    @staticmethod
    def _names(mapping, where):
        if not (isinstance(mapping, dict) and all(isinstance(key, str) for key in mapping)):
            raise _corrupt(where, "attribute names must be strings")
        return mapping


def _corrupt(where, why):
    return ValueError(f"invalid safe model file{f' at {where}' if where else ''}: {why}")


@functools.cache
def _import_public_modules():
    """Import the public subpackages of the allowed packages, once.

    A file names the module of each class; importing that module would run
    its top-level code (a test module, say). So the loader imports only what
    it chooses, the public subpackages below, and a class must live in a
    module that is loaded by then.
    """
    import sklearn

    for name in sklearn.__all__:
        if name not in _SKIPPED_SKLEARN_MODULES and importlib.util.find_spec(f"sklearn.{name}"):
            importlib.import_module(f"sklearn.{name}")
    importlib.import_module("torch.optim")


def _resolve_class(module, name, packages, where):
    """The class ``module.name`` from an already imported module of ``packages``."""
    if not (isinstance(module, str) and isinstance(name, str)):
        raise _corrupt(where, "a class path must be strings")
    if not _within(module, packages) or "<" in name:
        raise ValueError(
            f"refusing to load {module}.{name}{f' at {where}' if where else ''}: a safe model "
            f"file may only refer to classes of {', '.join(packages)}"
        )
    _import_public_modules()
    if module not in sys.modules:
        raise ValueError(
            f"refusing to load {module}.{name}{f' at {where}' if where else ''}: no module "
            f"{module} is loaded by the public modules of {', '.join(packages)} (was the "
            "model saved with other versions?)"
        )
    try:
        found = sys.modules[module]
        for part in name.split("."):
            found = getattr(found, part)
    except AttributeError as error:
        raise ValueError(
            f"cannot load {module}.{name}{f' at {where}' if where else ''}: it does not exist "
            "in the installed versions (was the model saved with other versions?)"
        ) from error
    # The path must name the class where it is defined, not something that a
    # module of the allowed packages happens to import.
    if not (isinstance(found, type) and found.__module__ == module and found.__qualname__ == name):
        raise ValueError(
            f"refusing to load {module}.{name}{f' at {where}' if where else ''}: it is not a "
            f"class defined there"
        )
    return found


def _restore_net(classifier, saved):
    """Rebuild the skorch net of a neural classifier, as ``fit`` builds it,
    and load the saved weights, optimizer state and history into it."""
    # Stand-in labels, one per class: they size the class weights, which the
    # saved criterion state then overwrites.
    codes = np.arange(len(classifier.classes_))
    split_seed = (
        classifier._seeds()[1] if isinstance(classifier.random_state, numbers.Integral) else None
    )
    fraction = classifier.validation_fraction if saved["validation_split"] else None
    net = classifier._build_net(codes, split_seed, fraction)
    if torch.device(net.device).type not in ("cpu", "cuda"):
        raise ValueError(f"the network's device {net.device!r} is not a CPU or CUDA device")
    if str(net.device).startswith("cuda") and not torch.cuda.is_available():
        warnings.warn(
            DeviceWarning(
                f"The model was saved to run on device {net.device!r} but CUDA is not "
                "available; it runs on the CPU instead."
            ),
            stacklevel=2,
        )
        net.set_params(device="cpu")
    _check_weights(net, saved["module"])
    with _private_torch_rng(net.device):
        net.initialize()  # random weights, overwritten below
    net.module_.load_state_dict(saved["module"])
    net.criterion_.load_state_dict(saved["criterion"])
    net.optimizer_.load_state_dict(saved["optimizer"])
    if "weight_average" in saved:  # absent from files written before ema_decay
        net.load_weight_average_state(saved["weight_average"])
    net.history_ = History(saved["history"])
    classifier.net_ = net


def _check_weights(net, weights):
    """Refuse stored weights that are not finite, or that do not fit the network
    the classifier's parameters describe, before that network is allocated:
    a file's parameters alone could otherwise ask for any amount of memory."""
    if not all(isinstance(value, torch.Tensor) for value in weights.values()):
        raise ValueError("its weights are not all tensors")
    with torch.device("meta"):  # shapes only, no memory
        module = net.initialized_instance(net.module, net.get_params_for("module"))
    expected = {name: tuple(value.shape) for name, value in module.state_dict().items()}
    stored = {name: tuple(value.shape) for name, value in weights.items()}
    if expected != stored:
        wrong = sorted(set(expected.items()) ^ set(stored.items()))[0][0]
        raise ValueError(
            f"the stored weights do not fit the network its parameters describe ({wrong!r})"
        )
    for name, value in weights.items():
        if value.is_floating_point() and not torch.isfinite(value).all():
            raise ValueError(f"its weights {name!r} hold NaN or infinite values")


# ------------------------------------------------------------------ public API


def save_model(estimator, path, *, metadata=None):
    """Save a fitted model to one file that loads without running code.

    The file holds, for every step of a pipeline (nested pipelines too): the
    import path of its class, its parameters, and its fitted state: the
    arrays of front ends, scalers and scikit-learn estimators, and the class
    labels and network weights of the neural classifiers, with the versions
    of sklearn_ser, scikit-learn, skorch and torch. Unlike a pickle
    (``joblib.dump``), reading it back with :func:`load_model` never runs code
    from the file, so loading a file from an untrusted source does not run
    its author's code.

    Parameters
    ----------
    estimator : estimator instance
        A fitted (or unfitted) estimator of sklearn_ser or scikit-learn, e.g.
        a :class:`~sklearn.pipeline.Pipeline` from waveforms to labels.
    path : str or path-like
        File to write (replaced if it exists). It is a PyTorch archive
        (:func:`torch.save`); ``.pt`` is a fitting suffix.
    metadata : dict, default=None
        Facts about the model to keep beside it (e.g. the corpus it was
        trained on, its sampling rate), stored as JSON and returned by
        ``load_model(path, return_metadata=True)``.

    Raises
    ------
    TypeError
        When a step, parameter or fitted attribute cannot be stored as data:
        a function (e.g. a ``FunctionTransformer`` with a lambda), an
        estimator or object of another package, a class outside sklearn_ser,
        scikit-learn, ``torch.nn`` and ``torch.optim``. The message names the
        step and the parameter or attribute; save such a model with joblib.
        Also when ``metadata`` is not a JSON-serialisable dict.
    OSError
        When the file cannot be written (a full disk, a read-only folder).
        The model is written to a temporary file beside ``path`` and renamed,
        so an existing file at ``path`` is left whole, and the temporary file
        is removed.

    See Also
    --------
    load_model : Read the file back.
    is_safe_model_file : Whether a file is in this format.

    Notes
    -----
    What the format keeps and leaves out:

    - Tuples, dicts and numpy dtypes round-trip exactly, and so do arrays,
      scalars, ``RandomState`` instances and the optimizer state (training
      can go on with ``partial_fit``).
    - The ``callbacks`` of the neural classifiers are not saved: they are
      objects of any class, hooked into training only, and the loaded
      classifier has ``callbacks=None``. Set them again before refitting.
    - An estimator referred to twice (e.g. one instance in two places)
      comes back as one instance, as with pickle; an array or a list
      referred to twice comes back as two equal copies.

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
    ...     path = os.path.join(folder, "model.pt")
    ...     save_model(clf, path)
    ...     loaded = load_model(path)
    >>> loaded.classes_.tolist(), loaded.get_params()["module__channels"]
    (['angry', 'calm'], (4, 4, 8, 8))
    >>> np.array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    True
    """
    if not isinstance(estimator, BaseEstimator):
        raise TypeError(
            f"save_model saves an estimator of scikit-learn or sklearn_ser; "
            f"got a {_class_name(type(estimator))} object"
        )
    if metadata is not None and not isinstance(metadata, dict):
        raise TypeError(f"metadata must be a dict or None, got a {type(metadata).__name__}")
    try:
        metadata_json = json.dumps(metadata or {})
    except (TypeError, ValueError) as error:
        raise TypeError(f"metadata must be JSON-serialisable: {error}") from None
    payload = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "versions": running_versions(),
        "metadata": metadata_json,
        "model": _Encoder().encode(estimator, ""),
    }
    # Write beside the target and rename: an interrupted save leaves the old
    # file, never half a new one. Through a Python file, so that a full disk
    # is an OSError that says so (torch's own writer reports a position).
    with replacing(path) as temporary, open(temporary, "wb") as file:
        torch.save(payload, file)


def is_archive(path):
    """Whether the regular file ``path`` starts as the zip archive that
    :func:`save_model` writes (a damaged one included); a pickle does not."""
    _check_regular_file(path)  # a FIFO or a device would block the read below
    with open(path, "rb") as file:  # FileNotFoundError, IsADirectoryError... as usual
        return file.read(len(_ARCHIVE_MAGIC)) == _ARCHIVE_MAGIC


def _read(path):
    """The payload of a safe model file, or ValueError if ``path`` is not one."""
    path = Path(path)
    # Anything but a zip archive (e.g. a joblib pickle) is refused unread.
    if not is_archive(path):
        raise ValueError(
            f"{path} is not a model file in sklearn_ser's safe format (write one with "
            "sklearn_ser.save_model; a pickle is never read, as loading one runs its code)"
        )
    damaged = f"{path} is a damaged or altered safe model file"
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{damaged} (its archive is incomplete)")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except RecursionError:
        raise ValueError(f"{damaged} (its content is nested too deeply)") from None
    except pickle.UnpicklingError:  # torch's weights-only reader refused an object
        raise ValueError(
            f"{path} is not a model file in sklearn_ser's safe format (a torch file that "
            "holds objects, not only data)"
        ) from None
    except Exception as error:  # any other archive that torch cannot read
        reason = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise ValueError(f"{damaged} ({reason})") from error
    if not (isinstance(payload, dict) and payload.get("format") == FORMAT):
        raise ValueError(
            f"{path} is not a model file in sklearn_ser's safe format (write one with "
            "sklearn_ser.save_model)"
        )
    return payload


def is_safe_model_file(path):
    """Whether ``path`` is a model file written by :func:`save_model`.

    Reads the file as data only, as :func:`load_model` does, without
    rebuilding the model, so it is safe on any file; a file that is not a zip
    archive (e.g. a pickle from ``joblib.dump``) is not even unpickled.

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
    ...     save_model(StandardScaler(), os.path.join(folder, "scaler.pt"))
    ...     _ = joblib.dump(StandardScaler(), os.path.join(folder, "scaler.joblib"))
    ...     (is_safe_model_file(os.path.join(folder, "scaler.pt")),
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

    The file is read with ``torch.load(weights_only=True)``, which builds
    only tensors and plain containers, never arbitrary objects. Estimators
    are then rebuilt from their parameters and fitted state, and their
    classes are taken only from sklearn_ser and scikit-learn (classes as
    parameter values also from ``torch.nn`` and ``torch.optim``), and only
    from the modules that their public subpackages load: a file that names
    any other class or module is refused, and a file never makes the loader
    import a module. A network is built only when the stored weights fit
    its parameters and are finite.

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
        The model as it was saved, ready to predict. The networks of the
        neural classifiers are rebuilt on their ``device`` (on the CPU, with
        a :class:`skorch.exceptions.DeviceWarning`, when it is CUDA and CUDA
        is not available).
    metadata : dict
        Only with ``return_metadata=True``.

    Raises
    ------
    ValueError
        When ``path`` is not a file of :func:`save_model` (e.g. a joblib
        pickle: use :func:`is_safe_model_file` to tell them apart) or not a
        regular file (a FIFO or a device, which is not opened), when it is
        damaged or altered (an incomplete archive, weights that do not fit
        the network or are not finite), when it names a class outside the
        allowed packages, or when it was written by a newer sklearn_ser.

    Warns
    -----
    sklearn_ser.exceptions.InconsistentVersionWarning
        When the file was saved with other versions of sklearn_ser,
        scikit-learn, skorch or torch than the running ones; one warning
        names them all.

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
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(30, 4, 20))
    >>> y = np.repeat(["calm", "angry", "sad"], 10)
    >>> model = make_pipeline(UtteranceStatistics(), LogisticRegression()).fit(X, y)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "baseline.pt")
    ...     save_model(model, path)
    ...     loaded = load_model(path)
    >>> loaded
    Pipeline(steps=[('utterancestatistics', UtteranceStatistics()),
                    ('logisticregression', LogisticRegression())])
    >>> np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
    True
    """
    payload = _read(path)
    version, versions = payload.get("format_version"), payload.get("versions")
    if not (isinstance(version, int) and isinstance(versions, dict) and "model" in payload):
        raise _corrupt("", "its header is incomplete")
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{path} was written by sklearn_ser {versions.get('sklearn_ser')} in version "
            f"{version} of the safe format; this sklearn_ser reads up to version "
            f"{FORMAT_VERSION}: upgrade it to load the model"
        )
    # Before rebuilding, which is what other versions may break.
    warn_if_versions_differ(versions)
    try:
        estimator = _Decoder().decode(payload["model"], "")
    except RecursionError:
        raise _corrupt("", "its content is nested too deeply") from None
    if not return_metadata:
        return estimator
    try:
        metadata = json.loads(payload.get("metadata", "{}"))
    except (TypeError, ValueError) as error:
        raise _corrupt("", f"its metadata is not JSON ({error})") from None
    if not isinstance(metadata, dict):
        raise _corrupt("", "its metadata is not a JSON object")
    return estimator, {**metadata, "versions": versions}
