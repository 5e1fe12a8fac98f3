"""The compiled calibration against its numpy definition, bit for bit."""

import numpy as np
import pytest

import cleannb
from cleannb import _algebra, _ties
from cleannb._kernels.calibrate import calibrate, make_up_shortfall, sparse_pairwise_sum


def numpy_round_row(row, ties):
    """Round keeping the rounded sum; the units go to the largest residuals.

    ``ties="numpy"``: in the order of ``np.argsort(row - ints)`` (read from
    the end when units are added), the order cleanlab's answer depends on;
    ``"index"``: lower column first among equal residuals.
    """
    ints = np.round(row)
    missing = int(np.round(np.round(np.sum(row)) - np.sum(ints)))
    if missing:
        step = 1 if missing > 0 else -1
        if ties == "numpy":
            ascending = np.argsort(row - ints)
            picked = ascending[::-1][: abs(missing)] if step > 0 else ascending[: abs(missing)]
        else:
            picked = np.argsort(-(row - ints) * step, kind="stable")[: abs(missing)]
        ints[picked] += step
    return ints.astype(np.int64)


def numpy_calibrate(confident_joint, label_counts, ties=None):
    """The definition: numpy's operations, numpy's summation order, then row rounding.

    numpy sums the rescaled matrix in memory order, which follows the layout of
    ``confident_joint`` (C: row by row; Fortran: column by column).
    """
    ties = ties or _ties.current_order()
    cj = np.asarray(confident_joint).astype(float, order="K")
    scaled = (cj.T / np.clip(cj.sum(axis=1), 1e-100, None) * label_counts).T
    scaled = scaled / np.clip(np.sum(scaled), 1e-100, None) * np.sum(label_counts)
    return np.array([numpy_round_row(row, ties) for row in scaled]).reshape(cj.shape)


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 16, 127, 128, 129, 136, 255, 256, 1000, 4097, 99_999])
@pytest.mark.parametrize("density", [1.0, 0.3, 0.01])
def test_sparse_pairwise_sum_is_numpys(n, density):
    rng = np.random.default_rng(n)
    values = rng.random(n) * 10.0 ** rng.integers(-8, 8, n) * (rng.random(n) < density)
    pos = np.flatnonzero(values)
    assert sparse_pairwise_sum(pos, values[pos], 0, len(pos), 0, n) == np.sum(values)
    # a run inside a longer array, as the kernel sums each row
    offset = 1000
    assert sparse_pairwise_sum(pos + offset, values[pos], 0, len(pos), offset, n) == np.sum(values)


@pytest.mark.parametrize("seed", range(30))
def test_make_up_shortfall_is_a_stable_descending_pick(seed):
    """Dense rule: ``units`` largest residuals, ties to the lower column."""
    rng = np.random.default_rng(seed)
    rows, width = 6, int(rng.integers(2, 80))
    floats = np.round(rng.random((rows, width)) * 4, int(rng.integers(0, 3)))
    ints = np.rint(floats)
    shortfall = rng.integers(-width, width + 1, rows)
    expected = ints.copy()
    expected_tied = np.zeros(rows, dtype=bool)
    for r, d in enumerate(shortfall):
        step = np.sign(d)
        residual = (floats[r] - ints[r]) * step
        order = np.argsort(-residual, kind="stable")
        expected[r, order[: abs(d)]] += step
        m = abs(d)
        expected_tied[r] = 0 < m < width and residual[order[m - 1]] == residual[order[m]]
    tied = np.zeros(rows, dtype=bool)
    make_up_shortfall(floats, ints, shortfall, tied)
    np.testing.assert_array_equal(ints, expected)
    np.testing.assert_array_equal(tied, expected_tied)


@pytest.mark.parametrize("seed", range(80))
def test_calibrate_equals_numpy(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.choice([2, 3, 5, 8, 13, 40, 130]))
    density = rng.random()
    cj = rng.integers(0, rng.choice([3, 20, 500]), (k, k)) * (rng.random((k, k)) < density)
    np.fill_diagonal(cj, np.maximum(cj.diagonal(), 1))
    counts = rng.integers(1, 1000, k)
    if seed % 4 == 0:  # some rows hold a few units only: zero columns take the shortfall
        cj[rng.random(k) < 0.5] //= 50
        np.fill_diagonal(cj, np.maximum(cj.diagonal(), 1))
    for layout in (cj, np.asfortranarray(cj)):
        for order in _ties.TIE_ORDERS:
            with cleannb.tie_order(order):
                got = _algebra.calibrate(layout, counts)
            np.testing.assert_array_equal(got, numpy_calibrate(layout, counts, order))
            np.testing.assert_array_equal(got.sum(axis=1), counts)


def _layout_case(seed):
    """A sparse confident joint with small off-diagonal counts and a few extra labels."""
    rng = np.random.default_rng(seed)
    k = int(rng.integers(3, 30))
    cj = rng.integers(0, 8, (k, k)) * (rng.random((k, k)) < 0.3)
    np.fill_diagonal(cj, rng.integers(5, 100, k))
    return cj, cj.sum(axis=1) + rng.integers(0, 10, k)


# seeds 100 and 126 give different totals in the two summation orders
@pytest.mark.parametrize("seed", [100, 126, *range(40)])
def test_calibrate_sparse_sums_in_cleanlabs_layout(seed):
    """By default the total is summed column by column, as numpy sums cleanlab's own
    (Fortran-ordered) confident joint."""
    cj, counts = _layout_case(seed)
    joint = _algebra.SparseCounts.from_dense(cj)
    expected = numpy_calibrate(np.asfortranarray(cj), counts)
    np.testing.assert_array_equal(_algebra.calibrate_sparse(joint, counts).dense(), expected)
    by_rows = _algebra.calibrate_sparse(joint, counts, column_major=False).dense()
    np.testing.assert_array_equal(by_rows, numpy_calibrate(cj, counts))


def test_the_two_summation_orders_differ_on_the_cases_above():
    for seed in (100, 126):
        cj, counts = _layout_case(seed)
        by_rows = numpy_calibrate(cj, counts)
        assert not np.array_equal(by_rows, numpy_calibrate(np.asfortranarray(cj), counts))


def test_empty_rows_and_float_input():
    cj = np.array([[0, 0, 0], [1, 2, 0], [0, 5, 5]])
    counts = np.array([4, 3, 10])
    np.testing.assert_array_equal(_algebra.calibrate(cj, counts), numpy_calibrate(cj, counts))
    np.testing.assert_array_equal(
        _algebra.calibrate(cj.astype(float), counts), numpy_calibrate(cj, counts)
    )


def test_returns_kernel_shortfall():
    start, columns, ints, shortfall, scaled, tied = calibrate(
        np.array([0, 2, 3]),
        np.array([0, 1, 1]),
        np.array([1, 1, 3]),
        np.array([3, 3]),
        1e-100,
        True,
    )
    assert ints.dtype == np.int64 and shortfall.shape == (2,)
    assert scaled.shape == (3,) and tied.dtype == np.bool_ and tied.shape == (2,)
    assert start.tolist() == [0, 2, 3] and columns.tolist() == [0, 1, 1]


@pytest.mark.parametrize("seed", range(20))
def test_sparse_result_is_sorted_csr_of_the_dense_one(seed):
    """Rows keep ascending columns when shortfall units land on empty columns;
    explicit zero entries in the input change nothing."""
    rng = np.random.default_rng(seed)
    k = 12
    cj = rng.integers(0, 9, (k, k)) * (rng.random((k, k)) < 0.3)
    counts = cj.sum(axis=1) + rng.integers(0, 40, k)
    joint = _algebra.SparseCounts.from_dense(cj)
    got = _algebra.calibrate_sparse(joint, counts)
    expected = numpy_calibrate(np.asfortranarray(cj), counts)
    np.testing.assert_array_equal(got.dense(), expected)
    same_row = np.diff(got.rows()) == 0
    assert np.all(np.diff(got.columns)[same_row] > 0)
    with_zeros = _algebra.SparseCounts(
        np.arange(0, k * k + 1, k), np.tile(np.arange(k), k), cj.ravel()
    )
    np.testing.assert_array_equal(_algebra.calibrate_sparse(with_zeros, counts).dense(), expected)
