"""Values stay values (issue 13, point 5): cleanlab 0.1.0's results on well-typed edge input.

``golden/v010_values.json`` (made by ``golden/make_v010_values.py`` with
cleanlab 0.1.0) holds, per case, a seed-vocabulary call, what 0.1.0 returned
(or a summary of it, for random output), the categories of the warnings it
raised and what it printed. Each case replays the call on the cleannb module
of the same name: same value (same kind: False is not None, a list is not an
array), same warning categories, same printed text.
"""

import contextlib
import importlib
import io
import json
import platform
import warnings
from pathlib import Path

import numpy as np
import pytest

GOLDEN = json.loads((Path(__file__).parent / "golden" / "v010_values.json").read_text())
CASES = GOLDEN["cases"]


def decode(value):
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "ref" in value:
        return decode(GOLDEN["inputs"][value["ref"]])
    if "array" in value:
        return np.array(decode(value["array"]), dtype=value["dtype"])
    if "scalar" in value:
        return np.dtype(value["dtype"]).type(decode(value["scalar"]))
    if "tuple" in value:
        return tuple(decode(v) for v in value["tuple"])
    if "float" in value:
        return float(value["float"])
    return {k: decode(v) for k, v in value.items()}


def noise_matrix(nm):
    nm = np.asarray(nm)
    return {
        "shape": list(nm.shape),
        "trace": round(float(np.trace(nm)), 9),
        "column_sums": [round(float(v), 9) for v in nm.sum(axis=0)],
    }


POST = {"noise_matrix": noise_matrix}


def assert_same(expected, got, where="out"):
    """``got`` equals 0.1.0's ``expected`` in value and in kind."""
    if isinstance(expected, bool):
        assert isinstance(got, bool | np.bool_) and bool(got) is expected, (where, got)
    elif expected is None:
        assert got is None, (where, got)
    elif isinstance(expected, tuple | list):
        assert type(got) is type(expected) and len(got) == len(expected), (where, got)
        for i, (e, g) in enumerate(zip(expected, got, strict=True)):
            assert_same(e, g, f"{where}[{i}]")
    elif isinstance(expected, dict):
        assert isinstance(got, dict) and got.keys() == expected.keys(), (where, got)
        for key in expected:
            assert_same(expected[key], got[key], f"{where}[{key!r}]")
    elif isinstance(expected, np.ndarray):
        assert isinstance(got, np.ndarray), (where, type(got))
        assert got.shape == expected.shape and got.dtype.kind == expected.dtype.kind, (where, got)
        if expected.dtype.kind == "f":
            np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15, err_msg=where)
        else:
            np.testing.assert_array_equal(got, expected, err_msg=where)
    elif isinstance(expected, str):
        assert got == expected, (where, got)
    elif isinstance(expected, int | np.integer):
        assert isinstance(got, int | np.integer) and not isinstance(got, bool), (where, got)
        assert got == expected, (where, got)
    else:  # float
        assert isinstance(got, float | np.floating), (where, type(got))
        if np.isnan(expected):
            assert np.isnan(got), (where, got)
        else:
            assert got == pytest.approx(expected, rel=1e-12, abs=1e-15), (where, got)


def replay(case):
    module, name = case["call"].split(".")
    fn = getattr(importlib.import_module(f"cleannb.{module}"), name)
    printed = io.StringIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with contextlib.redirect_stdout(printed):
            result = fn(*decode(case["args"]), **decode(case["kwargs"]))
    categories = sorted({w.category.__name__ for w in caught} - {"RuntimeWarning"})
    return result, categories, printed.getvalue()


CALLS = sorted(key for key, case in CASES.items() if "python_only" not in case)


def test_made_by_0_1_0():
    assert GOLDEN["made_with"]["cleanlab"] == "0.1.0"
    assert len(CALLS) >= 70


@pytest.mark.parametrize("key", CALLS)
def test_same_value_warnings_and_output(key):
    case = CASES[key]
    result, categories, printed = replay(case)
    if "post" in case:
        result = POST[case["post"]](result)
    assert_same(decode(case["out"]), result)
    assert categories == case["warnings"]
    if "stdout" in case:
        assert printed == case["stdout"]


@pytest.mark.parametrize("key", sorted(key for key, case in CASES.items() if "python_only" in case))
def test_version_warning(key):
    case = CASES[key]
    if list(platform.python_version_tuple()[:2]) != case["python_only"].split(".")[:2]:
        pytest.skip(f"recorded under Python {case['python_only']}")
    from cleannb.util import VersionWarning

    check = VersionWarning(*decode(case["args"]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outs = [check.is_compatible() for _ in case["out"]]
    assert outs == case["out"]
    assert [w.category.__name__ for w in caught] == case["warnings"]
    assert check.warning_already_issued is case["warning_already_issued"]
