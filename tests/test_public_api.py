"""docs/api.rst and the package's ``__all__`` lists tell the same story."""

import importlib
import re
from pathlib import Path

import pytest

import sklearn_ser

API_PAGE = Path(__file__).resolve().parents[1] / "docs" / "api.rst"
SUBPACKAGES = (
    "datasets",
    "estimators",
    "evaluation",
    "models",
    "pipelines",
    "preprocessing",
    "segmentation",
    "utils",
)


def _documented():
    """Dotted names in the autosummary blocks, relative to sklearn_ser."""
    return re.findall(r"^   ([a-z_]+(?:\.[A-Za-z_0-9]+)?)$", API_PAGE.read_text(), re.M)


def _resolve(dotted):
    *module, name = dotted.split(".")
    return getattr(importlib.import_module(".".join(["sklearn_ser", *module])), name)


@pytest.mark.parametrize("dotted", _documented())
def test_documented_name_is_importable_from_its_subpackage(dotted):
    assert callable(_resolve(dotted)) or _resolve(dotted) is not None


@pytest.mark.parametrize("subpackage", SUBPACKAGES)
def test_every_public_name_of_a_subpackage_is_documented(subpackage):
    documented = set(_documented())
    module = importlib.import_module(f"sklearn_ser.{subpackage}")
    missing = [name for name in module.__all__ if f"{subpackage}.{name}" not in documented]
    assert not missing, f"add {missing} to docs/api.rst"


def test_top_level_names_are_the_documented_objects():
    documented = {}
    for dotted in _documented():
        documented.setdefault(dotted.rsplit(".", 1)[-1], []).append(_resolve(dotted))
    for name in sklearn_ser.__all__:
        assert name in documented, f"sklearn_ser.{name} is not in docs/api.rst"
        assert any(getattr(sklearn_ser, name) is obj for obj in documented[name])
