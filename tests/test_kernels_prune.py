"""The exact top-m selection primitive of the pruning kernels against a stable sort."""

from __future__ import annotations

import numpy as np
import pytest

from cleannb import _prune
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
