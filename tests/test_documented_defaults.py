"""The defaults that the docstrings state (numpydoc ``default=...``) are the
signatures' defaults, for every public class and function."""

import ast
import importlib
import inspect
import pkgutil
import re
import sys

import pytest
from numpydoc.docscrape import NumpyDocString

import sklearn_ser

_DEFAULT = re.compile(r"\bdefault=(.+)$")


def _public_callables():
    """Every public class and function of the package and its public
    subpackages, once each."""
    modules = [sklearn_ser] + [
        importlib.import_module(f"sklearn_ser.{info.name}")
        for info in pkgutil.iter_modules(sklearn_ser.__path__)
        if not info.name.startswith("_")
    ]
    found = {}
    for module in modules:
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isclass(obj) and issubclass(obj, BaseException):
                continue
            if inspect.isclass(obj) or inspect.isfunction(obj):
                found.setdefault(f"{obj.__module__}.{obj.__qualname__}", obj)
    return found


PUBLIC = _public_callables()


def _documented_value(text, obj):
    """The value a docstring's ``default=text`` stands for: a Python literal,
    or a name (``CNNLSTM``, ``torch.optim.Adam``) as the object's module
    sees it."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        pass
    head, *rest = text.split(".")
    namespace = vars(sys.modules[obj.__module__])
    if head not in namespace:
        raise AssertionError(f"default={text} is neither a literal nor a name in {obj.__module__}")
    value = namespace[head]
    for attribute in rest:
        value = getattr(value, attribute)
    return value


def _same(documented, default):
    if isinstance(documented, bool) or isinstance(default, bool):
        return documented is default
    return documented is default or documented == default


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_documented_defaults_are_the_signatures(name):
    obj = PUBLIC[name]
    documented = {}
    for parameter in NumpyDocString(inspect.getdoc(obj) or "")["Parameters"]:
        match = _DEFAULT.search(parameter.type)
        for one in parameter.name.split(","):
            documented[one.strip()] = match.group(1).strip() if match else None
    for parameter in inspect.signature(obj).parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        text = documented.get(parameter.name)
        if parameter.default is parameter.empty:
            assert text is None, f"{parameter.name} is required but documented default={text}"
            continue
        assert text is not None, f"{parameter.name}'s default is not documented"
        value = _documented_value(text, obj)
        assert _same(value, parameter.default), (
            f"{parameter.name}: documented default={text}, signature {parameter.default!r}"
        )


def test_a_wrong_documented_default_is_caught():
    def f(x=1):
        """F.

        Parameters
        ----------
        x : int, default=2
            X.
        """

    PUBLIC["f"] = f
    try:
        with pytest.raises(AssertionError, match="documented default=2, signature 1"):
            test_documented_defaults_are_the_signatures("f")
    finally:
        del PUBLIC["f"]


def test_the_classifiers_are_among_the_checked():
    assert {
        "sklearn_ser.estimators._classifiers.CNNLSTMClassifier",
        "sklearn_ser.estimators._classifiers.CNNLSTM1DClassifier",
        "sklearn_ser.estimators._classifiers.TransformerCNNClassifier",
    } <= set(PUBLIC)
