"""Tests for cleannb.polyplex against a brute-force LP, closed forms and 0.1.0 goldens."""

import doctest
import os

import numpy as np
import pytest

from cleannb import polyplex

GOLDEN = os.path.join(os.path.dirname(__file__), "golden", "v010_util_polyplex.npz")


def lp_range(trace, py):
    """min and max of sum_k d_k py_k over 0 <= d <= 1, sum d = trace, by linear programming."""
    linprog = pytest.importorskip("scipy.optimize").linprog
    k = len(py)
    kw = dict(A_eq=np.ones((1, k)), b_eq=[trace], bounds=[(0, 1)] * k, method="highs")
    low = linprog(np.asarray(py), **kw)
    high = linprog(-np.asarray(py), **kw)
    assert low.status == 0 and high.status == 0
    return low.fun, -high.fun


def vertex_range(trace, py):
    """Brute force over the polytope's vertices: t ones, one fractional entry, zeros."""
    k, whole = len(py), int(np.floor(trace))
    frac = trace - whole
    values = []
    for perm in _orderings(k):
        d = np.zeros(k)
        d[list(perm[:whole])] = 1.0
        if whole < k:
            d[perm[whole]] = frac
        values.append(float(d @ py))
    return min(values), max(values)


def _orderings(k):
    from itertools import permutations

    return permutations(range(k))


@pytest.mark.parametrize("seed", range(8))
def test_joint_min_max_equals_lp_and_vertex_brute_force(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 7))
    py = rng.dirichlet(np.full(k, rng.choice([0.3, 1.0, 4.0])))
    for trace in [0, 1, k, *rng.uniform(0, k, size=5)]:
        lo, hi = polyplex.joint_min_max(trace, py)
        for want_lo, want_hi in (lp_range(trace, py), vertex_range(trace, py)):
            assert abs(lo - want_lo) < 1e-9 and abs(hi - want_hi) < 1e-9


def test_random_noise_matrices_lie_inside_the_polyplex():
    rng = np.random.default_rng(3)
    for _ in range(200):
        k = int(rng.integers(2, 9))
        py = rng.dirichlet(np.ones(k))
        nm = rng.dirichlet(np.ones(k), size=k).T + rng.uniform(0, 5) * np.eye(k)
        nm /= nm.sum(axis=0)
        lo, hi = polyplex.joint_min_max(np.trace(nm), py)
        assert lo - 1e-12 <= np.trace(nm * py) <= hi + 1e-12


def test_joint_bounds_closed_form_and_010_values():
    x, lo, hi = polyplex.joint_bounds(np.array([0.1, 0.2, 0.2, 0.5]))
    assert x.tolist() == [0, 1, 2, 3, 4]
    assert lo.tolist() == [1 - 0.5 - 0.2 - 0.2 - 0.1, 1 - 0.5 - 0.2 - 0.2, 1 - 0.5 - 0.2, 0.5, 1.0]
    assert lo[0] == -2.7755575615628914e-17  # 0.1.0's sequential-subtraction residue
    np.testing.assert_allclose(hi, [0, 0.5, 0.7, 0.9, 1.0], atol=1e-15)
    py = np.random.default_rng(1).dirichlet(np.ones(9))
    _, lo, hi = polyplex.joint_bounds(py)
    ascending = np.sort(py)
    np.testing.assert_allclose(lo, np.concatenate(([0], np.cumsum(ascending))), atol=1e-14)
    np.testing.assert_allclose(hi, np.concatenate(([0], np.cumsum(ascending[::-1]))), atol=1e-14)


def test_slope_intercept():
    assert polyplex.slope_intercept((1, 2), (3, 8)) == (3.0, -1.0)
    with pytest.raises(ValueError, match="vertical"):
        polyplex.slope_intercept((1, 2), (1, 3))


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: polyplex.joint_bounds([0.5, 0.4]), ValueError, r"py must sum to 1 \(got 0.9\)"),
        (lambda: polyplex.joint_bounds([[0.5, 0.5]]), ValueError, "1-D"),
        (lambda: polyplex.joint_bounds([1.5, -0.5]), ValueError, ">= 0"),
        (lambda: polyplex.joint_min_max(2.5, [0.5, 0.5]), ValueError, "between 0 and K = 2"),
        (lambda: polyplex.joint_min_max(-0.1, [0.5, 0.5]), ValueError, "between 0 and K"),
        (lambda: polyplex.joint_min_max("1", [0.5, 0.5]), TypeError, "real number"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_inputs_not_modified():
    py = np.array([0.3, 0.1, 0.6])
    py.flags.writeable = False
    polyplex.joint_bounds(py)
    polyplex.joint_min_max(1.3, py)
    assert py.tolist() == [0.3, 0.1, 0.6]


def test_docstring_examples_run():
    result = doctest.testmod(polyplex)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.skipif(not os.path.exists(GOLDEN), reason="tests/golden/v010_util_polyplex.npz absent")
def test_against_cleanlab_010_golden():
    data = np.load(GOLDEN, allow_pickle=False)
    compared = 0
    for i in range(100):
        q = f"polyplex{i}/"
        if q + "py" not in data.files:
            break
        py = data[q + "py"]
        x, lo, hi = polyplex.joint_bounds(py)
        np.testing.assert_array_equal(x, data[q + "joint_bounds/x"])
        np.testing.assert_array_equal(lo, data[q + "joint_bounds/min"])
        np.testing.assert_array_equal(hi, data[q + "joint_bounds/max"])
        for t, is_int, want_lo, want_hi in zip(
            data[q + "traces"],
            data[q + "traces_is_int"],
            data[q + "joint_min_max/min"],
            data[q + "joint_min_max/max"],
            strict=True,
        ):
            got = polyplex.joint_min_max(int(t) if is_int else float(t), py)
            assert got == (want_lo, want_hi)
        compared += 1
    assert compared >= 5
