"""Every public name of cleanlab 0.1.0's modules exists in the matching cleannb module.

The names come from ``golden/v010_names.json`` (made by
``golden/make_v010_names.py`` with cleanlab 0.1.0): for ``cleanlab.X.name``,
``cleannb.X.name`` must import, have the same kind (module, function, class
or constant), equal the constant, and, for a name 0.1.0 re-exported from a
sibling module, be the very object of the cleannb module that defines it
(one implementation, never a copy).
"""

import importlib
import importlib.util
import inspect
import json
import sys
import types
import warnings
from pathlib import Path

import pytest

GOLDEN = json.loads((Path(__file__).parent / "golden" / "v010_names.json").read_text())
NAMES = [
    (module, name, entry)
    for module, names in sorted(GOLDEN["modules"].items())
    for name, entry in sorted(names.items())
]


def _cleannb(module):
    return module.replace("cleanlab", "cleannb", 1)


def _kind(value):
    if isinstance(value, types.ModuleType):
        return "module"
    if inspect.isclass(value):
        return "class"
    if callable(value):
        return "function"
    return "constant"


def _lookup(module, name, kind):
    target = _cleannb(module)
    if kind == "module":
        return importlib.import_module(f"{target}.{name}")
    return getattr(importlib.import_module(target), name)


def test_the_list_is_complete():
    assert GOLDEN["made_with"]["cleanlab"] == "0.1.0"
    assert GOLDEN["count"] == len(NAMES) == 86
    # the 76 names of the eight modules (issue 13), plus pruning.tqdm_exists,
    # plus the package's nine submodules
    assert len(GOLDEN["modules"]["cleanlab"]) == 9
    assert len(GOLDEN["modules"]["cleanlab.pruning"]) == 9
    assert "multiprocessing_context" in GOLDEN["left_out"]["cleanlab.pruning"]


@pytest.mark.parametrize(("module", "name", "entry"), NAMES, ids=[f"{m}.{n}" for m, n, _ in NAMES])
def test_name_is_importable_with_the_same_kind(module, name, entry):
    value = _lookup(module, name, entry["kind"])
    assert _kind(value) == entry["kind"]
    if entry["kind"] in ("function", "class"):
        home = _cleannb(entry["defined_in"])
        assert value is getattr(importlib.import_module(home), name), (
            f"{_cleannb(module)}.{name} must be {home}.{name} itself"
        )
    if entry["kind"] == "constant":
        assert type(value).__name__ == entry["type"]
        if "environment" in entry:
            assert name == "tqdm_exists"
            assert value is (importlib.util.find_spec("tqdm") is not None)
        else:
            assert value == entry["value"]


@pytest.mark.parametrize("module", sorted(GOLDEN["modules"]))
def test_all_lists_the_names(module):
    target = importlib.import_module(_cleannb(module))
    exported = getattr(target, "__all__", None)
    if exported is None:
        pytest.skip(f"{target.__name__} has no __all__")
    wanted = {
        name for name, entry in GOLDEN["modules"][module].items() if entry["kind"] != "module"
    }
    assert wanted <= set(exported)


def test_version_warning_warns_once():
    from cleannb.util import VersionWarning

    listed = VersionWarning("needs another Python", [2.7])
    with pytest.warns(UserWarning, match="needs another Python"):
        assert listed.is_compatible() is False
    assert listed.warning_already_issued is True
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert listed.is_compatible() is False
        here = sys.version_info.major + 0.1 * sys.version_info.minor
        assert VersionWarning("x", [here]).is_compatible() is True
