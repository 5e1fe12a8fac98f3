"""Checks of the lowest-versions environment, run by .ci/lowest inside it.

1. Every lower bound of pyproject.toml's dependencies (and of the "plot" extra)
   is pinned exactly in .ci/lowest-requirements.txt, and that version is the
   one installed: the declaration and the tested environment cannot drift apart.
2. Every public module of cleannb imports.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import pkgutil
import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the TOML reader that pip vendors
    from pip._vendor import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def lower_bounds():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    bounds = {}
    for spec in project["dependencies"] + project["optional-dependencies"]["plot"]:
        found = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*>=\s*([^,;\s]+)\s*", spec)
        if found is None:
            sys.exit(f"pyproject.toml: {spec!r} is not of the form 'name>=version'")
        bounds[canonical(found[1])] = found[3]
    return bounds


def pins():
    pinned = {}
    for line in (ROOT / ".ci" / "lowest-requirements.txt").read_text().splitlines():
        found = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*==\s*([0-9][^\s#*]*)\s*(#.*)?", line)
        if found:
            pinned[canonical(found[1])] = found[2]
    return pinned


def check_versions():
    bounds, pinned, errors = lower_bounds(), pins(), []
    for name, bound in bounds.items():
        if pinned.get(name) != bound:
            errors.append(
                f"{name}: pyproject.toml allows >={bound} but .ci/lowest-requirements.txt "
                f"pins {pinned.get(name)!r}; pin {name}=={bound} there"
            )
            continue
        installed = importlib.metadata.version(name)
        if installed != bound:
            errors.append(f"{name}: {installed} installed, {bound} expected")
    if errors:
        sys.exit("\n".join(errors))
    print("lowest versions:", ", ".join(f"{n}=={v}" for n, v in bounds.items()))


def check_imports():
    import cleannb

    names = ["cleannb"] + [m.name for m in pkgutil.walk_packages(cleannb.__path__, "cleannb.")]
    public = [n for n in names if not any(part.startswith("_") for part in n.split("."))]
    for name in public:
        importlib.import_module(name)
    print(f"imported {len(public)} public modules")


if __name__ == "__main__":
    check_versions()
    check_imports()
