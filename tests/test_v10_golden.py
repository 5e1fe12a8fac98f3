"""The seed vocabulary against cleanlab 1.0's golden outputs (tests/golden/v10_*).

cleanlab 1.0 is the last release of the seed vocabulary and the one published
studies ran. ``golden/make_golden_v10.py`` made the fixtures with cleanlab 1.0
in a scratch venv (see golden/README.md). Each ``.npz`` holds a few
concatenated arrays and a JSON ``index``; :func:`load` unpacks them into a
dict of arrays keyed as the script stored them.
"""

from __future__ import annotations

import importlib
import inspect
import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from cleannb import baseline_methods, latent_algebra, latent_estimation, pruning, util

GOLDEN = Path(__file__).parent / "golden"
PRUNE_METHODS = ("prune_by_class", "prune_by_noise_rate", "both")
VALID_SORTS = ("prob_given_label", "normalized_margin")
UNKNOWN_SORTS = ("self_confidence", "confidence")
PY_METHODS = ("cnt", "eqn", "marginal", "marginal_ps")


def load(name):
    """``{key: array}`` of a packed fixture (see ``pack`` in make_golden_v10.py)."""
    with np.load(GOLDEN / name, allow_pickle=False) as data:
        index = json.loads(str(data["index"]))
        arrays = {key: data[key] for key in data.files if key != "index"}
    out = {}
    for key, entry in index.items():
        if entry[0] == "str":
            out[key] = np.array(entry[1])
            continue
        dtype, offset, shape = entry
        group = key.split("/", 1)[0] if "/" in key else "top"
        flat = arrays[f"{group}/{dtype}"]
        size = int(np.prod(shape, dtype=np.int64))
        out[key] = flat[offset : offset + size].reshape(shape)
    return out


CASES = load("v10_cases.npz")
MULTI = load("v10_multilabel.npz")
NEAR1 = load("v10_near1.npz")
NAMES = json.loads((GOLDEN / "v10_names.json").read_text())
N_CASES = int(CASES["n_cases"])

#: the tests that read psx run with both kinds of kernel input (see tests/conftest.py)
both_inputs = pytest.mark.usefixtures("kernel_input")


def case(i, data=CASES, prefix="case"):
    p = f"{prefix}{i}/"
    return {k[len(p) :]: v for k, v in data.items() if k.startswith(p)}


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def labels_of(c):
    return c["s"].astype(np.int64)  # stored as int8; 1.0 was given int64 labels


def assert_ranked_as_v10(got, golden, mask, s, psx, key, method):
    """``got`` is 1.0's ranking: the rows of the mask, the golden key sequence, and
    numpy's argsort order of 1.0's keys on this CPU (the golden order among equal
    keys is that of the CPU that made it; see golden/README.md)."""
    rows = np.flatnonzero(mask)
    given = np.array([np.mean(psx[i][s[i]]) for i in rows])
    keys = given if method == "prob_given_label" else given - psx[rows].max(axis=1)
    key_of = dict(zip(rows.tolist(), keys.tolist(), strict=True))
    assert got.dtype == np.int64, key
    np.testing.assert_array_equal(np.sort(got), rows, err_msg=key)
    np.testing.assert_array_equal(
        [key_of[i] for i in got.tolist()], [key_of[i] for i in golden.tolist()], err_msg=key
    )
    np.testing.assert_array_equal(got, rows[np.argsort(keys)], err_msg=key)


def test_goldens_hold_ties_dtypes_singletons_and_rows_off_by_one_percent():
    cases = [case(i) for i in range(N_CASES)]
    assert str(CASES["meta/cleanlab"]) == "1.0"
    assert {c["psx"].dtype for c in cases} == {
        np.dtype(np.float16),
        np.dtype(np.float32),
        np.dtype(np.float64),
    }
    assert sum(np.any(np.bincount(labels_of(c)) == 1) for c in cases) >= 4
    off = [np.abs(c["psx"].astype(np.float64).sum(axis=1) - 1).max() for c in cases]
    assert sum(0.005 < d <= 0.02 for d in off) >= 2
    tied = [
        sum(len(col) - len(np.unique(col)) for col in c["psx"].T) for c in cases
    ]  # repeated values within a column
    assert sum(t > 0 for t in tied) >= 8
    near = [case(i, NEAR1, "near")["psx"] for i in range(int(NEAR1["n_near1"]))]
    assert all(p.max() > 1 + 5e-6 for p in near)


@both_inputs
@pytest.mark.parametrize("i", range(N_CASES))
def test_get_noise_indices_matches_v10(i):
    c = case(i)
    s, psx = labels_of(c), c["psx"]
    for pm in PRUNE_METHODS:
        for n_jobs in (1, 2):
            got = pruning.get_noise_indices(s, psx, prune_method=pm, n_jobs=n_jobs)
            np.testing.assert_array_equal(got, c[f"noise/{pm}/nj{n_jobs}"], err_msg=pm)
        np.testing.assert_array_equal(
            pruning.get_noise_indices(s, psx, prune_method=pm, frac_noise=0.5),
            c[f"noise_frac05/{pm}"],
        )
        np.testing.assert_array_equal(
            pruning.get_noise_indices(
                s, psx, prune_method=pm, confident_joint=c["cj_uncalibrated"]
            ),
            c[f"noise_given_cj_uncalibrated/{pm}"],
        )
        for method in VALID_SORTS:
            key = f"noise_sorted/{pm}/{method}"
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                got = pruning.get_noise_indices(s, psx, prune_method=pm, sorted_index_method=method)
            assert_ranked_as_v10(got, c[key], c[f"noise/{pm}/nj1"], s, psx, key, method)
    for pm in ("prune_by_class", "prune_by_noise_rate"):
        key = f"noise_ntr/{pm}"
        if key in c:
            got = pruning.get_noise_indices(
                s, psx, prune_method=pm, num_to_remove_per_class=c["num_to_remove_per_class"]
            )
            np.testing.assert_array_equal(got, c[key], err_msg=key)


@both_inputs
@pytest.mark.parametrize("i", range(N_CASES))
def test_unknown_sorted_index_method_orders_as_v10_with_a_warning(i):
    """1.0 (like 0.1.0) orders by the normalized margin for any name but
    'prob_given_label'; cleannb returns that order and says so."""
    c = case(i)
    s, psx = labels_of(c), c["psx"]
    for pm in PRUNE_METHODS:
        for name in UNKNOWN_SORTS:
            key = f"noise_sorted/{pm}/{name}"
            with pytest.warns(UserWarning, match="sorted_index_method") as caught:
                got = pruning.get_noise_indices(s, psx, prune_method=pm, sorted_index_method=name)
            message = str(caught[0].message)
            assert "'prob_given_label'" in message and "'normalized_margin'" in message
            assert repr(name) in message
            np.testing.assert_array_equal(c[key], c[f"noise_sorted/{pm}/normalized_margin"])
            assert_ranked_as_v10(
                got, c[key], c[f"noise/{pm}/nj1"], s, psx, key, "normalized_margin"
            )
    mask = c["noise/prune_by_noise_rate/nj1"]
    for name in VALID_SORTS + UNKNOWN_SORTS:
        key = f"order_label_errors/{name}"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = pruning.order_label_errors(mask, psx, s, name)
        assert len(caught) == (name in UNKNOWN_SORTS)
        method = name if name in VALID_SORTS else "normalized_margin"
        assert_ranked_as_v10(got, c[key], mask, s, psx, key, method)


def test_self_confidence_warning_names_the_order_to_pass():
    c = case(0)
    with pytest.warns(UserWarning, match="sorted_index_method='prob_given_label'"):
        pruning.get_noise_indices(labels_of(c), c["psx"], sorted_index_method="self_confidence")
    with pytest.warns(UserWarning, match="sorted_index_method"):
        pruning.order_label_errors(
            c["noise/both/nj1"], c["psx"], labels_of(c), sorted_index_method=3
        )


@both_inputs
@pytest.mark.parametrize("i", range(N_CASES))
def test_latent_estimation_matches_v10(i):
    c = case(i)
    s, psx = labels_of(c), c["psx"]
    cj, indices = latent_estimation.compute_confident_joint(
        s, psx, return_indices_of_off_diagonals=True
    )
    np.testing.assert_array_equal(cj, c["cj_calibrated"])
    np.testing.assert_array_equal(indices, c["cj_indices"])
    cj_u = latent_estimation.compute_confident_joint(s, psx, calibrate=False)
    np.testing.assert_array_equal(cj_u, c["cj_uncalibrated"])
    np.testing.assert_array_equal(
        latent_estimation.calibrate_confident_joint(cj_u, s), c["calibrate_confident_joint"]
    )
    close(latent_estimation.estimate_joint(s, psx), c["estimate_joint"])
    assert latent_estimation.num_label_errors(s, psx) == c["num_label_errors"]
    for method in PY_METHODS:
        for conv in ("noconv", "conv"):
            key = f"estimate_latent/{method}/{conv}"
            if f"{key}/py" not in c:
                assert f"{key}__nonfinite" in c or f"{key}__raised" in c
                continue
            got = latent_estimation.estimate_latent(
                cj, s, py_method=method, converge_latent_estimates=conv == "conv"
            )
            for value, name in zip(got, ("py", "nm", "inv"), strict=True):
                close(value, c[f"{key}/{name}"])
    for conv in ("noconv", "conv"):
        key = f"estimate_py_and_noise/{conv}"
        if f"{key}/py" not in c:
            continue
        got = latent_estimation.estimate_py_and_noise_matrices_from_probabilities(
            s, psx, converge_latent_estimates=conv == "conv"
        )
        for value, name in zip(got, ("py", "nm", "inv", "cj"), strict=True):
            close(value, c[f"{key}/{name}"])


@both_inputs
@pytest.mark.parametrize("i", range(N_CASES))
def test_prune_counts_baselines_and_algebra_match_v10(i):
    c = case(i)
    s, psx = labels_of(c), c["psx"]
    joint = c["cj_calibrated"]
    for tag, frac in (("f10", 1.0), ("f05", 0.5)):
        got = pruning.keep_at_least_n_per_class(joint.T, 5, frac_noise=frac)
        assert got.dtype == c[f"keep_at_least_n_per_class/{tag}"].dtype == np.int64
        np.testing.assert_array_equal(got, c[f"keep_at_least_n_per_class/{tag}"])
        np.testing.assert_array_equal(
            pruning.reduce_prune_counts(joint.T, frac), c[f"reduce_prune_counts/{tag}"]
        )
    np.testing.assert_array_equal(baseline_methods.baseline_argmax(psx, s), c["baseline_argmax"])
    np.testing.assert_array_equal(
        baseline_methods.baseline_argmax_confusion_matrix(psx, s), c["baseline_argmax_cm"]
    )
    np.testing.assert_array_equal(
        baseline_methods.baseline_argmax_confusion_matrix(psx, s, calibrate=True),
        c["baseline_argmax_cm_cal"],
    )
    np.testing.assert_array_equal(
        baseline_methods.baseline_argmax_calibrated_confusion_matrix(psx, s),
        c["baseline_argmax_calibrated_cm"],
    )
    if "estimate_py_and_noise/conv/py" not in c:
        return
    py, nm, inv = (c[f"estimate_py_and_noise/conv/{k}"] for k in ("py", "nm", "inv"))
    ps = np.bincount(s, minlength=psx.shape[1]) / len(s)
    for value, name in zip(
        latent_algebra.compute_ps_py_inv_noise_matrix(s, nm), ("ps", "py", "inv"), strict=True
    ):
        close(value, c[f"algebra/ps_py_inv/{name}"])
    for value, name in zip(
        latent_algebra.compute_py_inv_noise_matrix(ps, nm), ("py", "inv"), strict=True
    ):
        close(value, c[f"algebra/py_inv/{name}"])
    close(latent_algebra.compute_inv_noise_matrix(py, nm, ps), c["algebra/inv_from_py_ps"])
    close(
        latent_algebra.compute_noise_matrix_from_inverse(ps, inv, py), c["algebra/nm_from_inv_py"]
    )
    y_count = joint.sum(axis=0).astype(float)
    for method in PY_METHODS:
        close(
            latent_algebra.compute_py(ps, nm, inv, method, y_count),
            c[f"algebra/compute_py/{method}"],
        )
    if "algebra/pyx" in c:
        close(latent_algebra.compute_pyx(psx, nm, inv), c["algebra/pyx"])


@both_inputs
@pytest.mark.parametrize("i", range(2))
def test_multilabel_matches_v10(i):
    """1.0 uses the ``thresholds`` it is given for multi-label data (0.1.0 ignored them)."""
    c = case(i, MULTI, "ml")
    lists = [[int(v) for v in row] for row in c["labels"]]
    psx = c["psx"]
    for calibrate, tag in ((True, "cal"), (False, "uncal")):
        got = latent_estimation.compute_confident_joint(
            lists, psx, calibrate=calibrate, multi_label=True
        )
        np.testing.assert_array_equal(got, c[f"cj/{tag}"])
        got = latent_estimation.compute_confident_joint(
            lists, psx, thresholds=c["thresholds"], calibrate=calibrate, multi_label=True
        )
        np.testing.assert_array_equal(got, c[f"cj_thresholds/{tag}"])
    close(latent_estimation.estimate_joint(lists, psx, multi_label=True), c["estimate_joint"])
    close(
        latent_estimation.estimate_joint(lists, confident_joint=c["cj/uncal"], multi_label=True),
        c["estimate_joint_given_cj"],
    )
    for pm in PRUNE_METHODS:
        got = pruning.get_noise_indices(lists, psx, prune_method=pm, multi_label=True)
        np.testing.assert_array_equal(got, c[f"noise/{pm}"])
    np.testing.assert_array_equal(util.int2onehot(lists), c["int2onehot"])


@both_inputs
@pytest.mark.parametrize("i", range(int(NEAR1["n_near1"])))
def test_near_one_probabilities_match_v10(i):
    """Probabilities up to 1 + 1e-5 (float32 softmax outputs): 1.0 takes them as they are."""
    c = case(i, NEAR1, "near")
    s, psx = c["s"], c["psx"]
    for pm in PRUNE_METHODS:
        np.testing.assert_array_equal(
            pruning.get_noise_indices(s, psx, prune_method=pm), c[f"noise/{pm}"]
        )
    for conv in ("noconv", "conv"):
        got = latent_estimation.estimate_py_and_noise_matrices_from_probabilities(
            s, psx, converge_latent_estimates=conv == "conv"
        )
        for value, name in zip(got, ("py", "nm", "inv", "cj"), strict=True):
            close(value, c[f"estimate_py_and_noise/{conv}/{name}"])


NAME_LIST = [
    (module, name, entry)
    for module, names in sorted(NAMES["modules"].items())
    for name, entry in sorted(names.items())
]


@pytest.mark.parametrize(
    ("module", "name", "entry"), NAME_LIST, ids=[f"{m}.{n}" for m, n, _ in NAME_LIST]
)
def test_every_v10_name_is_importable(module, name, entry):
    target = module.replace("cleanlab", "cleannb", 1)
    if entry["kind"] == "module":
        importlib.import_module(f"{target}.{name}")
        return
    value = getattr(importlib.import_module(target), name)
    if entry["kind"] in ("function", "class"):
        home = entry["defined_in"].replace("cleanlab", "cleannb", 1)
        assert value is getattr(importlib.import_module(home), name)
        assert name in importlib.import_module(target).__all__
    else:
        assert type(value).__name__ == entry["type"]


SIGNATURES = [
    (module, name, params)
    for module, functions in sorted(NAMES["signatures"].items())
    for name, params in sorted(functions.items())
]


@pytest.mark.parametrize(
    ("module", "name", "params"), SIGNATURES, ids=[f"{m}.{n}" for m, n, _ in SIGNATURES]
)
def test_every_v10_keyword_is_accepted_with_its_default(module, name, params):
    """Every parameter of 1.0's functions and classes, by name, with 1.0's default
    where it is a plain value (a default classifier object is compared by type only)."""
    value = getattr(importlib.import_module(module.replace("cleanlab", "cleannb", 1)), name)
    target = value.__init__ if inspect.isclass(value) else value
    ours = inspect.signature(target).parameters
    for param, default in params.items():
        assert param in ours, f"{name} lacks 1.0's keyword {param}"
        if default is None or "(" in default:  # required, or an object such as LogReg(...)
            continue
        assert repr(ours[param].default) == default, f"{name}({param}=...) default"


@pytest.mark.parametrize("entry", NAMES["int2onehot"], ids=lambda e: str(e["labels"]))
def test_int2onehot_matches_v10(entry):
    got = util.int2onehot(entry["labels"])
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, entry["out"])


@pytest.mark.parametrize("entry", NAMES["onehot2int"], ids=lambda e: str(e["onehot"]))
def test_onehot2int_matches_v10(entry):
    got = util.onehot2int(np.array(entry["onehot"]))
    assert isinstance(got, list) and all(isinstance(row, list) for row in got)
    assert got == entry["out"]


@pytest.mark.parametrize("entry", NAMES["assert_inputs_are_valid"], ids=lambda e: str(e["s"]))
def test_assert_inputs_are_valid_raises_where_v10_does(entry):
    """1.0 raises a TypeError when no label sits at its zero-based position."""
    s = np.array(entry["s"])
    X = np.zeros((len(s), 2))
    if entry["raised"] is None:
        util.assert_inputs_are_valid(X, s)
    else:
        with pytest.raises(TypeError, match="s"):
            util.assert_inputs_are_valid(X, s)


@pytest.mark.parametrize(
    "entry",
    [e for e in NAMES["assert_inputs_are_valid"] if e["raised"]],
    ids=lambda e: str(e["s"]),
)
def test_cross_validation_checks_labels_first_as_v10(entry):
    """1.0's estimate_confident_joint_and_cv_pred_proba (and the functions built on it)
    check X and s before cross-validating: labels 1..K raise its TypeError."""
    s = np.repeat(entry["s"], 5)
    X = np.arange(2.0 * len(s)).reshape(-1, 2)
    for fn in (
        latent_estimation.estimate_confident_joint_and_cv_pred_proba,
        latent_estimation.estimate_py_noise_matrices_and_cv_pred_proba,
        latent_estimation.estimate_cv_predicted_probabilities,
        latent_estimation.estimate_noise_matrices,
    ):
        with pytest.raises(TypeError, match="zero-based"):
            fn(X, s)
