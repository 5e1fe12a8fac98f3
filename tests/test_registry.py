"""Runs the parity table of ``tests/registry.py``, and checks that the table is complete.

One test per (entry, kind of data, option assignment): cleannb's result must equal
the reference's in type, dtype, shape and bits (unless the entry says why a looser
comparison is right); where the reference raises, cleannb must raise too, and
where the reference returns, cleannb must return. No input may be modified.
The meta-tests fail for each public function of cleannb's public modules that is
not in the table, each parameter that is neither in an entry's options nor in a
reasoned list, and each public function of cleanlab 2.9's modules that cleannb's
module of the same name lacks.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import inspect
import io
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
import registry
from registry import (
    MISSING,
    SAME_EVERYWHERE,
    Dep,
    Golden,
    Invariant,
    Live,
    Naive,
    case,
)

from cleannb._core.validation import large_input_paths

pytest.importorskip("cleanlab")

ENTRIES = registry.entries()
#: Kinds the ``sources`` entries also run on with pred_probs as a RowSource and as dask.
SOURCE_KINDS = ("ties", "float16")
#: Functions that read pred_probs: small inputs take numpy paths (the float64 copy),
#: so each kind also runs once, default options, with the kernels reading pred_probs as
#: given (``cleannb._core.validation.large_input_paths``, as ``conftest.kernel_input`` does).
KERNEL_MODULES = (
    "count.",
    "filter.",
    "rank.",
    "dataset.",
    "multilabel_classification.",
    "experimental.",
    "pruning.",
    "latent_estimation.",
    "baseline_methods.",
)


def _label(value):
    if isinstance(value, Dep):
        return value.label
    if isinstance(value, np.ndarray):
        return f"array{list(value.shape)}"
    if isinstance(value, str):
        return value
    return repr(value)


def assignments(entry, c):
    out = [{}]
    if c.heavy:
        return out
    for option, values in entry.options.items():
        out.extend({option: value} for value in values)
    out.extend(entry.combos)
    if entry.sources and c.kind in SOURCE_KINDS:
        out += [{"@source": "RowSource"}, {"@source": "dask"}]
    if entry.func.startswith(KERNEL_MODULES) and (
        c.pred_probs is not None or c.ml_pred_probs is not None
    ):
        out.append({"@kernels": "as given"})
    return out


def resolve(value, c):
    return value.fn(c) if isinstance(value, Dep) else value


def _golden_available(entry, kind, assign):
    if not isinstance(entry.ref, Golden):
        return True
    c = case(kind)
    try:
        args, kwargs = entry.build(c)
        kwargs = {**kwargs, **{k: resolve(v, c) for k, v in assign.items() if k[0] != "@"}}
        return entry.ref.fn(c, kwargs) is not MISSING
    except KeyError:  # an input or output the fixture does not hold (0.1.0/1.0 made none)
        return False


def _params():
    out = []
    for entry in ENTRIES:
        for kind in entry.kinds:
            for assign in assignments(entry, case(kind)):
                if not _golden_available(entry, kind, assign):
                    continue
                shown = ",".join(f"{k}={_label(v)}" for k, v in assign.items()) or "default"
                out.append(pytest.param(entry, kind, assign, id=f"{entry.name}|{kind}|{shown}"))
    return out


def _call(fn, args, kwargs, capture=True):
    """``(result, None)`` or ``(None, exception)``; warnings silenced, printing too
    unless the caller captures it."""
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stdout(io.StringIO() if capture else sys.stdout),
    ):
        warnings.simplefilter("ignore")
        try:
            return fn(*args, **kwargs), None
        except Exception as error:  # noqa: BLE001 - compared, not swallowed
            return None, error


def _wrap_source(value, how):
    if how == "RowSource":
        from cleannb.experimental import RowSource

        return RowSource(value, batch_size=37)
    import dask.array as da

    return da.from_array(value, chunks=(41, -1))


# ------------------------------------------------------------------------- comparison
def assert_same(got, expected, compare, where="result"):
    """Same type, dtype, shape and bits (or values within ``compare``'s tolerance)."""
    if isinstance(expected, pd.DataFrame | pd.Series):
        assert type(got) is type(expected), (
            f"{where}: {type(got).__name__}, not {type(expected).__name__}"
        )
        assert_equal = (
            pd.testing.assert_frame_equal
            if isinstance(expected, pd.DataFrame)
            else pd.testing.assert_series_equal
        )
        if compare.mode == "bits":
            assert_equal(got, expected, check_exact=True, obj=where)
        else:
            assert_equal(got, expected, rtol=compare.rtol, atol=compare.atol, obj=where)
        return
    if isinstance(expected, np.ndarray):
        assert isinstance(got, np.ndarray), f"{where}: {type(got).__name__}, not ndarray"
        assert got.dtype == expected.dtype, f"{where}: dtype {got.dtype}, not {expected.dtype}"
        assert got.shape == expected.shape, f"{where}: shape {got.shape}, not {expected.shape}"
        if expected.dtype.kind == "O":
            for i, (a, b) in enumerate(zip(got.ravel(), expected.ravel(), strict=True)):
                assert_same(a, b, compare, f"{where}[{i}]")
            return
        if compare.mode == "ulp" and expected.dtype.kind == "f":
            spacing = np.spacing(np.abs(expected)).astype(np.float64)
            diff = np.abs(got.astype(np.float64) - expected.astype(np.float64))
            assert np.all(diff <= compare.ulps * spacing), (
                f"{where}: more than {compare.ulps} ulps apart (max {_max_diff(got, expected)})"
            )
        elif compare.mode == "bits" or expected.dtype.kind not in "fc":
            same = got == expected
            if expected.dtype.kind in "fc":
                same |= np.isnan(got) & np.isnan(expected)
                same &= np.signbit(got) == np.signbit(expected)
            if not np.all(same):
                bad = np.flatnonzero(~np.asarray(same).ravel())
                first = bad[:5]
                raise AssertionError(
                    f"{where}: {bad.size} of {same.size} elements differ, e.g. at flat "
                    f"{first.tolist()}: {got.ravel()[first].tolist()} vs "
                    f"{expected.ravel()[first].tolist()} (max abs diff "
                    f"{_max_diff(got, expected)})"
                )
        else:
            np.testing.assert_allclose(
                got, expected, rtol=compare.rtol, atol=compare.atol, err_msg=where
            )
        return
    if isinstance(expected, list | tuple | dict):
        assert type(got) is type(expected), (
            f"{where}: {type(got).__name__}, not {type(expected).__name__}"
        )
        if isinstance(expected, dict):
            assert set(got) == set(expected), f"{where}: keys {list(got)} vs {list(expected)}"
            for key in expected:
                assert_same(got[key], expected[key], compare, f"{where}[{key!r}]")
            return
        assert len(got) == len(expected), f"{where}: length {len(got)}, not {len(expected)}"
        for i, (a, b) in enumerate(zip(got, expected, strict=True)):
            assert_same(a, b, compare, f"{where}[{i}]")
        return
    assert type(got) is type(expected), (
        f"{where}: {type(got).__name__} {got!r}, not {type(expected).__name__} {expected!r}"
    )
    if isinstance(expected, float | np.floating) and compare.mode != "bits":
        np.testing.assert_allclose(
            got, expected, rtol=compare.rtol, atol=compare.atol, err_msg=where
        )
    elif isinstance(expected, float | np.floating):
        assert np.array(got).tobytes() == np.array(expected).tobytes(), (
            f"{where}: {got!r} vs {expected!r}"
        )
    else:
        assert got == expected, f"{where}: {got!r} vs {expected!r}"


def _max_diff(a, b):
    try:
        return float(np.nanmax(np.abs(a.astype(np.float64) - b.astype(np.float64))))
    except (TypeError, ValueError):
        return "n/a"


def _snapshot(values):
    return copy.deepcopy([v for v in values if isinstance(v, np.ndarray | list)])


def _reference(entry, c, args, kwargs):
    ref = entry.ref
    if isinstance(ref, Live):
        return _call(registry._cl(ref.path), args, {**kwargs, **dict(ref.extra)})
    if isinstance(ref, Naive):
        return _call(ref.fn, args, kwargs)
    if isinstance(ref, Golden):
        return ref.fn(c, kwargs), None
    if isinstance(ref, Invariant):
        if ref.live is not None:
            result, error = _call(registry._cl(ref.live), args, kwargs)
            return (None if error else ref.summary(result, args, kwargs)), error
        return ref.expected(args, kwargs), None
    raise TypeError(ref)


@pytest.mark.parametrize(("entry", "kind", "assign"), _params())
def test_parity(entry, kind, assign):
    c = case(kind)
    args, kwargs = entry.build(c)
    kwargs = {**kwargs, **{k: resolve(v, c) for k, v in assign.items() if k[0] != "@"}}
    ref_kwargs = entry.ref_map(kwargs) if entry.ref_map else kwargs
    expected, ref_error = _reference(entry, c, copy.deepcopy(args), copy.deepcopy(ref_kwargs))
    our_args, our_kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
    if "@source" in assign:
        our_args = tuple(
            _wrap_source(a, assign["@source"]) if a is c.pred_probs else a for a in args
        )  # the original array (not its copy) marks the pred_probs argument
        our_kwargs = {
            k: _wrap_source(v, assign["@source"]) if k == "pred_probs" else v
            for k, v in our_kwargs.items()
        }
    before = _snapshot([*our_args, *our_kwargs.values()])
    printed = io.StringIO()
    paths = large_input_paths() if "@kernels" in assign else contextlib.nullcontext()
    with contextlib.redirect_stdout(printed), paths:
        got, our_error = _call(entry.callable(), our_args, our_kwargs, capture=False)
    after = _snapshot([*our_args, *our_kwargs.values()])
    for a, b in zip(before, after, strict=True):
        assert_same(b, a, registry.BITS, "an input (modified by the call)")
    if ref_error is not None and kind in registry.LENIENT and our_error is None:
        return  # cleannb accepts what this reference rejects (registry.LENIENT says why)
    if ref_error is not None:
        assert our_error is not None, (
            f"the reference raised {type(ref_error).__name__}: {ref_error}; cleannb returned"
        )
        return
    assert our_error is None, (
        f"the reference returned; cleannb raised {type(our_error).__name__}: {our_error}"
    )
    if isinstance(entry.ref, Invariant):
        got = entry.ref.summary(got, args, kwargs)
    if entry.summary is not None:
        got = entry.summary(got, args, kwargs)
    if c.golden.get("post"):  # golden/v010_values.json: random output, summarised
        import test_v010_values

        got = test_v010_values.POST[c.golden["post"]](got)
    if c.golden.get("stdout") is not None:
        assert printed.getvalue() == c.golden["stdout"], "printed text differs from 0.1.0's"
    compare = entry.kernel_compare if "@kernels" in assign else entry.compare
    if compare is registry.BITS:
        compare = entry.compare
    assert_same(got, expected, compare)


# ------------------------------------------------------------------------- completeness
#: cleannb's public modules whose functions the table must hold.
MODULES = (
    "filter",
    "count",
    "rank",
    "dataset",
    "multilabel_classification",
    "multilabel_classification.filter",
    "multilabel_classification.rank",
    "experimental",
    "experimental.label_issues_batched",
    "benchmarking.noise_generation",
    "pruning",
    "latent_estimation",
    "latent_algebra",
    "noise_generation",
    "polyplex",
    "baseline_methods",
    "util",
    "classification",
)


def public_functions():
    """``{"module.name": function}`` of every public function (not class) of MODULES."""
    out = {}
    for module in MODULES:
        mod = importlib.import_module(f"cleannb.{module}")
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isfunction(obj):
                out[f"{module}.{name}"] = obj
    return out


def public_classes():
    out = {}
    for module in MODULES:
        mod = importlib.import_module(f"cleannb.{module}")
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isclass(obj):
                out[f"{module}.{name}"] = obj
    return out


def test_every_public_function_is_in_the_table():
    covered = {id(entry.callable()) for entry in ENTRIES}
    missing = sorted(name for name, fn in public_functions().items() if id(fn) not in covered)
    assert not missing, f"{len(missing)} public functions are not in tests/registry.py: {missing}"


def test_every_public_class_is_in_the_table_or_named():
    missing = sorted(set(public_classes()) - set(registry.CLASSES_OUTSIDE))
    assert not missing, f"public classes neither in the table nor in CLASSES_OUTSIDE: {missing}"


def test_every_parameter_is_in_an_options_grid_or_a_reasoned_list():
    by_function = {}
    for entry in ENTRIES:
        fn = entry.callable()
        covered = by_function.setdefault(id(fn), (entry.func, fn, set()))[2]
        covered |= set(entry.options) | set(entry.same_result) | set(entry.no_reference)
        for combo in entry.combos:
            covered |= set(combo)
        params = inspect.signature(fn).parameters
        for kind in entry.kinds:
            if case(kind).heavy:
                continue
            try:
                args, kwargs = entry.build(case(kind))
            except (KeyError, ValueError):  # an input cleanlab or a fixture does not give
                continue
            covered |= set(kwargs) | set(list(params)[: len(args)])
    problems = []
    for name, fn, covered in by_function.values():
        for param in inspect.signature(fn).parameters.values():
            if param.default is inspect.Parameter.empty or param.kind in (
                param.VAR_POSITIONAL,
                param.VAR_KEYWORD,
            ):
                continue  # data: every entry passes it
            if param.name not in covered and param.name not in SAME_EVERYWHERE:
                problems.append(f"{name}({param.name})")
    assert not problems, f"parameters in no options grid and no reasoned list: {problems}"


def test_reasons_are_given():
    for entry in ENTRIES:
        for reasons in (entry.same_result, entry.no_reference):
            for param, reason in reasons.items():
                assert isinstance(reason, str) and len(reason) > 10, (entry.name, param)
        params = inspect.signature(entry.callable()).parameters
        for param in [*entry.options, *entry.same_result, *entry.no_reference]:
            assert param in params, f"{entry.name} lists {param}, which it does not take"


#: cleanlab 2.9's modules that cleannb claims, with its module of the same name.
CLEANLAB_MODULES = (
    "filter",
    "count",
    "rank",
    "dataset",
    "multilabel_classification",
    "multilabel_classification.filter",
    "multilabel_classification.rank",
    "multilabel_classification.dataset",
    "experimental.label_issues_batched",
    "benchmarking.noise_generation",
)


def cleanlab_names():
    """``module.name`` of every public function that cleanlab 2.9's claimed modules
    define, and of the latent-algebra functions ``cleanlab.count`` exposes."""
    out = []
    for module in CLEANLAB_MODULES:
        mod = importlib.import_module(f"cleanlab.{module}")
        for name in dir(mod):
            obj = getattr(mod, name)
            if name.startswith("_") or not inspect.isfunction(obj):
                continue
            if (
                obj.__module__ == mod.__name__
                or obj.__module__ == "cleanlab.internal.latent_algebra"
            ):
                out.append((module, name))
    return out


def test_every_cleanlab_name_exists_in_cleannb():
    missing = []
    for module, name in cleanlab_names():
        try:
            mod = importlib.import_module(f"cleannb.{module}")
        except ImportError:
            missing.append(f"{module} (no such module)")
            continue
        if not hasattr(mod, name):
            missing.append(f"{module}.{name}")
    assert not missing, f"cleanlab 2.9 names that cleannb lacks: {sorted(set(missing))}"
