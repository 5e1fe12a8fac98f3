"""The calibration of sparse confident joints against its dense numpy definition, bit for bit."""

import numpy as np
import pytest

import cleannb
from cleannb._core import calibration as _calibration
from cleannb._core import ties as _ties


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
@pytest.mark.parametrize("piece", [16, 200, _calibration.SUM_PIECE_VALUES])
def test_numpy_sum_of_entries_is_numpys(n, density, piece, monkeypatch):
    """Summed in pieces of the pairwise tree (small pieces force a deep split)."""
    monkeypatch.setattr(_calibration, "SUM_PIECE_VALUES", piece)
    rng = np.random.default_rng(n)
    values = rng.random(n) * 10.0 ** rng.integers(-8, 8, n) * (rng.random(n) < density)
    pos = np.flatnonzero(values)
    assert _calibration.numpy_sum_of_entries(pos, values[pos], n) == np.sum(values)


def test_numpy_sum_of_entries_above_one_piece():
    """A vector of three pieces and a bit, at the real piece size."""
    n = 3 * _calibration.SUM_PIECE_VALUES + 17
    rng = np.random.default_rng(0)
    values = rng.random(n) * 10.0 ** rng.integers(-8, 8, n) * (rng.random(n) < 0.05)
    pos = np.flatnonzero(values)
    assert _calibration.numpy_sum_of_entries(pos, values[pos], n) == np.sum(values)


@pytest.mark.parametrize("seed", range(30))
def test_round_rows_is_the_row_by_row_rounding(seed):
    """Every row as rounded alone, in both tie orders, including shortfalls of many units."""
    rng = np.random.default_rng(seed)
    rows, width = 6, int(rng.integers(2, 80))
    floats = np.round(rng.random((rows, width)) * 4, int(rng.integers(0, 3)))
    floats[0] = 0.5  # every residual equal: the pick is all tie order
    for order in _ties.TIE_ORDERS:
        with cleannb.tie_order(order):
            got = _calibration.round_rows(floats)
        expected = [numpy_round_row(row, order) for row in floats]
        np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(got.sum(axis=1), np.round(floats.sum(axis=1)))


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
                got = _calibration.calibrate(layout, counts)
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
    joint = _calibration.SparseCounts.from_dense(cj)
    expected = numpy_calibrate(np.asfortranarray(cj), counts)
    np.testing.assert_array_equal(_calibration.calibrate_sparse(joint, counts).dense(), expected)
    by_rows = _calibration.calibrate_sparse(joint, counts, column_major=False).dense()
    np.testing.assert_array_equal(by_rows, numpy_calibrate(cj, counts))


def test_the_two_summation_orders_differ_on_the_cases_above():
    for seed in (100, 126):
        cj, counts = _layout_case(seed)
        by_rows = numpy_calibrate(cj, counts)
        assert not np.array_equal(by_rows, numpy_calibrate(np.asfortranarray(cj), counts))


def test_empty_rows_and_float_input():
    cj = np.array([[0, 0, 0], [1, 2, 0], [0, 5, 5]])
    counts = np.array([4, 3, 10])
    np.testing.assert_array_equal(_calibration.calibrate(cj, counts), numpy_calibrate(cj, counts))
    np.testing.assert_array_equal(
        _calibration.calibrate(cj.astype(float), counts), numpy_calibrate(cj, counts)
    )


@pytest.mark.parametrize("block", [7, _calibration.ROUND_BLOCK_VALUES])
def test_rows_rounded_in_blocks(block, monkeypatch):
    """Rows are rounded in blocks of rows; blocks of one row and of all give the same."""
    monkeypatch.setattr(_calibration, "ROUND_BLOCK_VALUES", block)
    cj, counts = _layout_case(3)
    joint = _calibration.SparseCounts.from_dense(cj)
    expected = numpy_calibrate(np.asfortranarray(cj), counts)
    np.testing.assert_array_equal(_calibration.calibrate_sparse(joint, counts).dense(), expected)


def test_input_is_not_modified():
    cj, counts = _layout_case(5)
    joint = _calibration.SparseCounts.from_dense(cj)
    copies = [field.copy() for field in joint]
    counts_copy = counts.copy()
    _calibration.calibrate_sparse(joint, counts)
    for field, copy in zip(joint, copies, strict=True):
        np.testing.assert_array_equal(field, copy)
    np.testing.assert_array_equal(counts, counts_copy)


@pytest.mark.parametrize("seed", range(20))
def test_sparse_result_is_sorted_csr_of_the_dense_one(seed):
    """Rows keep ascending columns when shortfall units land on empty columns;
    explicit zero entries in the input change nothing."""
    rng = np.random.default_rng(seed)
    k = 12
    cj = rng.integers(0, 9, (k, k)) * (rng.random((k, k)) < 0.3)
    counts = cj.sum(axis=1) + rng.integers(0, 40, k)
    joint = _calibration.SparseCounts.from_dense(cj)
    got = _calibration.calibrate_sparse(joint, counts)
    expected = numpy_calibrate(np.asfortranarray(cj), counts)
    np.testing.assert_array_equal(got.dense(), expected)
    same_row = np.diff(got.rows()) == 0
    assert np.all(np.diff(got.columns)[same_row] > 0)
    with_zeros = _calibration.SparseCounts(
        np.arange(0, k * k + 1, k), np.tile(np.arange(k), k), cj.ravel()
    )
    np.testing.assert_array_equal(
        _calibration.calibrate_sparse(with_zeros, counts).dense(), expected
    )


def test_a_tie_at_the_cut_of_a_row_takes_numpys_order():
    """Row 0 rescales to about (2.4, 2.4, 5.2): one unit short, and its two largest residuals
    are equal. numpy's sort gives the unit to one of them, lower-index-first to the other."""
    cj = np.array([[12, 12, 26], [0, 5, 0], [0, 0, 5]])
    counts = np.array([10, 5, 5])
    results = {}
    for order in _ties.TIE_ORDERS:
        with cleannb.tie_order(order):
            results[order] = _calibration.calibrate(np.asfortranarray(cj), counts)
        np.testing.assert_array_equal(
            results[order], numpy_calibrate(np.asfortranarray(cj), counts, order)
        )
    assert results["index"][0].tolist() == [3, 2, 5]
    assert not np.array_equal(results["numpy"], results["index"])


def _threads(n):
    from cleannb._core.parallel import num_threads

    return num_threads(n)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("block", [300, _calibration.ROUND_BLOCK_VALUES])
@pytest.mark.parametrize("seed", range(4))
def test_weak_model_joint_with_ties_in_most_rows(threads, block, seed, monkeypatch):
    """A joint of many classes whose rows hold mostly counts of 1 (a weak model): most
    rows cut through equal residuals, are sorted densely (in blocks) and give
    units to empty columns; both tie orders equal the dense definition."""
    monkeypatch.setattr(_calibration, "ROUND_BLOCK_VALUES", block)
    rng = np.random.default_rng(seed)
    k = 150
    cj = rng.integers(1, 3, (k, k)) * (rng.random((k, k)) < 0.08)
    np.fill_diagonal(cj, rng.integers(1, 30, k))
    counts = cj.sum(axis=1) + rng.integers(0, 40, k)
    joint = _calibration.SparseCounts.from_dense(cj)
    for order in _ties.TIE_ORDERS:
        with cleannb.tie_order(order), _threads(threads):
            got = _calibration.calibrate_sparse(joint, counts)
        expected = numpy_calibrate(np.asfortranarray(cj), counts, order)
        np.testing.assert_array_equal(got.dense(), expected)
        assert np.all(np.diff(got.columns)[np.diff(got.rows()) == 0] > 0)
