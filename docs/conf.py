"""Sphinx configuration for the sklearn_ser documentation."""

import os
from pathlib import Path

# The examples run during the build, on the embedded synthetic corpus, on the
# CPU. One thread unless the caller says otherwise: it keeps their timings
# steady on a shared machine. Set before anything imports torch.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import sklearn_ser  # noqa: E402

HERE = Path(__file__).resolve().parent

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
    "sphinx_gallery.gen_gallery",
]

autosummary_generate = True
autodoc_default_options = {"inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
templates_path = ["_templates"]
exclude_patterns = ["_build", "generated/*.examples", "generated/backreferences"]

# -- HTML -------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn_ser {release}"
html_static_path = ["_static"]
# Compact, full-width benchmark tables.
html_css_files = ["benchmarks.css"]
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc", "sg_download_links", "sg_launcher_links"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
# The API page lists every public name and the gallery index shows every
# example: neither they nor the examples (whose code needs the width) nor the
# benchmark tables need the left-hand section navigation.
html_sidebars = {"index": [], "api": [], "auto_examples/*": [], "user_guide/benchmarks": []}

# -- Example gallery --------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("sklearn_ser",),
    "reference_url": {"sklearn_ser": None},
    "backreferences_dir": "generated/backreferences",
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    # A failing example fails the build.
    "only_warn_on_example_error": False,
    "abort_on_example_error": False,
}


# -- Cross-corpus table -------------------------------------------------------


def _write_cross_corpus_tables(source, targets):
    """Copy the tables of ``benchmarks/results/cross_corpus/README.md`` (written
    by ``benchmarks/cross_corpus.py``) into RST list tables, unchanged, one
    per file of ``targets``."""
    tables, in_table = [], False
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("|") and not line.startswith("| ---"):
            if not in_table:
                tables.append([])
            tables[-1].append([cell.strip() for cell in line.strip().strip("|").split("|")])
        in_table = line.startswith("|")
    if len(tables) != len(targets):
        raise RuntimeError(f"{len(tables)} tables in {source}, expected {len(targets)}")
    for rows, target in zip(tables, targets):
        lines = [".. list-table::", "   :header-rows: 1", ""]
        for cells in rows:
            lines += [f"   * - {cells[0]}"] + [f"     - {cell}" for cell in cells[1:]]
        target.parent.mkdir(parents=True, exist_ok=True)
        text = "\n".join(lines) + "\n"
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")


_write_cross_corpus_tables(
    HERE.parent / "benchmarks" / "results" / "cross_corpus" / "README.md",
    [HERE / "generated" / f"cross_corpus_{name}.inc" for name in ("results", "three_corpora")],
)


def _skip_metadata_request_methods(app, what, name, obj, skip, options):
    # scikit-learn generates set_*_request methods whose docstrings refer to
    # its own documentation's labels.
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return skip


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_request_methods)
