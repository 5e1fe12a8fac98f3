"""The documentation site's sources: complete, and nothing in them typed by hand.

The site itself is built with ``sphinx-build -W`` (see ``docs/conf.py``);
these tests check what a build cannot: that every public module has an API
page, that every public function documents its parameters and its result in
numpydoc sections, that the README stays a front page, and that its
performance table is the one ``benchmarks/ratios.py`` writes from the
committed baseline.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path

import pytest

import cleannb

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "docs"))
import _generate  # noqa: E402

README = REPO / "README.md"
README_MAX_BYTES = 10 * 1024
TABLE_START = _generate.README_TABLE_START
TABLE_END = _generate.README_TABLE_END
#: Public modules that are programs, not APIs (the CLI has its own page).
NOT_API = {"cleannb.cli", "cleannb.demo", "cleannb.version"}


def public_modules():
    """Every importable module of the package whose dotted name has no private part."""
    names = {"cleannb"}
    for info in pkgutil.walk_packages(cleannb.__path__, "cleannb."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.add(info.name)
    return sorted(names - NOT_API)


def documented_objects():
    """(qualified name, object) of every public function and class, each object once."""
    seen = {}
    for module_name, _ in _generate.MODULES:
        names = _generate.public_names(module_name)
        if names is None:  # not importable: test_api_pages_import says so
            continue
        module = importlib.import_module(module_name)
        for name in names:
            seen.setdefault(id(getattr(module, name)), (f"{module_name}.{name}", module, name))
    return [(qualified, getattr(module, name)) for qualified, module, name in seen.values()]


def has_section(doc, *titles):
    return any(re.search(rf"^{title}\n-{{3,}}$", doc, re.MULTILINE) for title in titles)


@pytest.mark.parametrize("module_name", [name for name, _ in _generate.MODULES])
def test_api_pages_import(module_name):
    importlib.import_module(module_name)


def test_every_public_module_has_an_api_page():
    listed = {name for name, _ in _generate.MODULES}
    assert set(public_modules()) - listed == set()


@pytest.mark.parametrize(
    "qualified, obj", [pytest.param(q, o, id=q) for q, o in documented_objects()]
)
def test_public_function_documents_parameters_and_returns(qualified, obj):
    doc = inspect.getdoc(obj) or ""
    assert doc, f"{qualified} has no docstring"
    try:
        parameters = [p for p in inspect.signature(obj).parameters if p not in ("self", "cls")]
    except (TypeError, ValueError):
        parameters = []
    if parameters:
        assert has_section(doc, "Parameters"), f"{qualified} has no Parameters section"
    if inspect.isfunction(obj):
        assert has_section(doc, "Returns", "Yields"), f"{qualified} has no Returns section"


def test_readme_is_a_front_page():
    size = len(README.read_bytes())
    assert size <= README_MAX_BYTES, f"README.md is {size} bytes; move text into docs/"


def test_readme_performance_table_is_the_generated_one():
    text = README.read_text(encoding="utf-8")
    start = text.index(TABLE_START)
    body = text[text.index("\n", start) + 1 : text.index(TABLE_END)]
    assert body.strip() == _generate.performance_tables(every=False).strip(), (
        "the README's table is not the one written from benchmarks/baseline.json: "
        "run python docs/_generate.py"
    )
