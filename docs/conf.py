"""Sphinx configuration of cleannb's documentation site.

Build it with ``pip install -e ".[docs]"`` and
``sphinx-build -W --keep-going -b html docs docs/_build/html``.

Four kinds of page are written here, at build time, from the code itself so
that nothing in them is typed by hand: the API pages (one per public module,
listing its ``__all__``), the command-line reference (from the argument
parser), the performance page (from ``benchmarks/baseline.json``) and copies
of the committed notebooks (rendered with their stored outputs).
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS))

import _generate  # noqa: E402

import cleannb  # noqa: E402

project = "cleannb"
author = "cleannb developers"
copyright = "cleannb developers"  # noqa: A001
release = cleannb.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_nb",
    "sphinx_copybutton",
]

# pages written from the code (see _generate.py)
_generate.write_all(DOCS)

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "**.ipynb_checkpoints", "guides/_*.md"]
templates_path = []

autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# the test suite runs the notebooks; the site shows their stored outputs
nb_execution_mode = "off"
myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_heading_anchors = 3

html_theme = "pydata_sphinx_theme"
html_title = f"cleannb {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path = []
