"""The exact top-m selection primitive of the pruning kernels against a stable sort."""

from __future__ import annotations

import numpy as np
import pytest

from cleannb._core import prune as _prune
from cleannb._kernels import prune as kern

pytestmark = pytest.mark.usefixtures("kernel_input")


def stable_smallest(scores, count):
    """Indices (ascending) of the ``count`` smallest scores, ties to the lower index."""
    return np.sort(np.argsort(scores, kind="stable")[:count])


LAYOUTS = ["random", "few values", "ascending", "descending", "all equal", "sawtooth"]


def make_scores(layout, n, rng):
    if layout == "random":
        return rng.random(n)
    if layout == "few values":
        return rng.integers(0, 4, n).astype(float)
    if layout == "ascending":
        return np.arange(n, dtype=float)
    if layout == "descending":
        return -np.arange(n, dtype=float)
    if layout == "all equal":
        return np.full(n, 0.25)
    return (np.arange(n) % 7).astype(float)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(
    "n", [1, 2, kern.SHORT_RUN - 1, kern.SHORT_RUN, kern.SHORT_RUN + 1, 257, 5000]
)
def test_smallest_equals_stable_sort(layout, n):
    """Short runs (three-way partition) and long ones (branch-free passes) alike."""
    rng = np.random.default_rng(n)
    scores = make_scores(layout, n, rng)
    for count in sorted({1, n // 3, n // 2, n - 1, n} - {0}):
        np.testing.assert_array_equal(
            _prune.smallest(scores, count), stable_smallest(scores, count)
        )


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16, np.int32])
def test_prefetch_compiles_for_every_key_and_value_view(dtype):
    """The prefetch intrinsic takes the value and key views the kernels read (int16 for
    float16) and changes nothing."""
    from numba import njit

    from cleannb._kernels._prefetch import prefetch

    @njit
    def prefetch_then_sum(array, rows, columns):
        total = 0.0
        for q in range(rows.shape[0]):
            prefetch(array, rows[q], columns[q])
        for q in range(rows.shape[0]):
            total += array[rows[q], columns[q]]
        return total

    array = np.arange(60).reshape(6, 10).astype(dtype)
    before = array.copy()
    rows, columns = np.array([0, 5, 3]), np.array([9, 0, 4])
    expected = float(array[rows, columns].astype(float).sum())
    assert prefetch_then_sum(array, rows, columns) == expected
    np.testing.assert_array_equal(array, before)


def first_maximum(values):
    """The lowest index holding the largest of ``values`` (Python floats)."""
    return values.index(max(values))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_rows_argmax_is_the_first_maximum(dtype):
    """Against a loop over Python floats, on rows with tied maxima, zeros and -0.0."""
    rng = np.random.default_rng(7)
    pred_probs = rng.integers(0, 4, (300, 6)).astype(dtype)  # many tied maxima
    pred_probs[::7] = 0.0
    pred_probs[::7, 4] = 1.0
    pred_probs[1::7, 0] = -0.0
    rows = np.flatnonzero(rng.random(300) < 0.5)
    expected = [first_maximum(pred_probs[i].tolist()) for i in rows]
    got = _prune.rows_argmax(pred_probs, rows)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, expected)
    assert len(_prune.rows_argmax(pred_probs, rows[:0])) == 0
