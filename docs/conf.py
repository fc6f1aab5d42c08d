"""Sphinx configuration for the sklearn_ser documentation."""

import sklearn_ser

project = "sklearn_ser"
author = "The sklearn_ser developers"
copyright = "2026, The sklearn_ser developers"
version = release = sklearn_ser.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
]

autosummary_generate = True
autodoc_default_options = {"inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
templates_path = ["_templates"]
exclude_patterns = ["_build", "generated/*.examples"]
html_theme = "alabaster"
html_static_path = []
html_theme_options = {"description": "Speech emotion recognition for scikit-learn"}


def _skip_metadata_request_methods(app, what, name, obj, skip, options):
    # scikit-learn generates set_*_request methods whose docstrings refer to
    # its own documentation's labels.
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return skip


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_request_methods)
