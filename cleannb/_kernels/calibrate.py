"""Calibration of a confident joint in one compiled pass, bit-identical to numpy.

``cleannb._algebra.calibrate`` describes the computation in numpy terms:
rescale each row to its label count, the total to N, and round each row to
integers that keep its (rounded) sum. At K = 1000 the numpy version spends
most of its time allocating K x K temporaries; this kernel makes the same
floating-point operations in the same order (including numpy's pairwise
summation of the total and of each row) with one K x K float buffer.
"""

import numpy as np
from numba import njit

from ._compile import _OPTIONS
from .confident import make_up_shortfall


@njit(**_OPTIONS)
def _block_sum(values, start, n):
    """numpy's pairwise sum of at most 128 values: 8 accumulators, then the tail."""
    if n < 8:
        total = 0.0
        for i in range(start, start + n):
            total += values[i]
        return total
    r0 = values[start]
    r1 = values[start + 1]
    r2 = values[start + 2]
    r3 = values[start + 3]
    r4 = values[start + 4]
    r5 = values[start + 5]
    r6 = values[start + 6]
    r7 = values[start + 7]
    i = 8
    while i < n - (n % 8):
        r0 += values[start + i]
        r1 += values[start + i + 1]
        r2 += values[start + i + 2]
        r3 += values[start + i + 3]
        r4 += values[start + i + 4]
        r5 += values[start + i + 5]
        r6 += values[start + i + 6]
        r7 += values[start + i + 7]
        i += 8
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        total += values[start + i]
        i += 1
    return total


@njit(**_OPTIONS)
def pairwise_sum(values, start, n):
    """Sum of ``values[start:start + n]`` in numpy's pairwise order (float64, contiguous).

    numpy halves a run longer than 128 (the first half rounded down to a
    multiple of 8) and adds the halves' sums. The recursion is unrolled onto
    explicit stacks (a recursive kernel crashes when loaded from Numba's cache).
    """
    if n <= 128:
        return _block_sum(values, start, n)
    # tasks: (start, n, combine?) processed last-in first-out
    task_start = np.empty(256, dtype=np.int64)
    task_size = np.empty(256, dtype=np.int64)
    task_combine = np.zeros(256, dtype=np.bool_)
    partial = np.empty(128)
    tasks = 1
    results = 0
    task_start[0] = start
    task_size[0] = n
    while tasks:
        tasks -= 1
        if task_combine[tasks]:
            task_combine[tasks] = False
            results -= 1
            partial[results - 1] = partial[results - 1] + partial[results]
            continue
        lo = task_start[tasks]
        size = task_size[tasks]
        if size <= 128:
            partial[results] = _block_sum(values, lo, size)
            results += 1
            continue
        half = size // 2
        half -= half % 8
        task_combine[tasks] = True  # after both halves: left + right
        task_start[tasks + 1] = lo + half
        task_size[tasks + 1] = size - half
        task_start[tasks + 2] = lo
        task_size[tasks + 2] = half
        tasks += 3
    return partial[0]


@njit(**_OPTIONS)
def _scale_rows(confident_joint, label_counts, tiny):
    """``cj[r] / max(sum(cj[r]), tiny) * counts[r]``, flattened (0 stays 0)."""
    size = confident_joint.shape[0]
    scaled = np.empty(size * size)
    for r in range(size):
        row_total = 0
        for c in range(size):
            row_total += confident_joint[r, c]  # integers: exact in any order
        denominator = np.float64(row_total)
        denominator = max(denominator, tiny) if tiny > 0 else denominator
        count = np.float64(label_counts[r])
        for c in range(size):
            v = confident_joint[r, c]
            scaled[r * size + c] = 0.0 if v == 0 else np.float64(v) / denominator * count
    return scaled


@njit(**_OPTIONS)
def _scale_total(scaled, n_labels, tiny):
    """Rescale, in place, so that the (pairwise) total becomes ``n_labels``."""
    total = pairwise_sum(scaled, 0, scaled.shape[0])
    denominator = max(total, tiny) if tiny > 0 else total
    for i in range(scaled.shape[0]):
        scaled[i] = scaled[i] / denominator * n_labels


@njit(**_OPTIONS)
def _round_rows(scaled, size):
    """Entries rounded half to even, and each row's shortfall from its rounded total."""
    ints = np.empty((size, size))
    shortfall = np.empty(size, dtype=np.int64)
    for r in range(size):
        target = np.rint(pairwise_sum(scaled, r * size, size))
        rounded_total = 0.0
        for c in range(size):
            ints[r, c] = np.rint(scaled[r * size + c])
            rounded_total += ints[r, c]
        shortfall[r] = np.int64(np.rint(target - rounded_total))
    return ints, shortfall


@njit(**_OPTIONS)
def calibrate(confident_joint, label_counts, tiny):
    """Calibrated confident joint (int64 K x K); see the module docstring.

    ``tiny`` guards each denominator from below (0 disables the guard). The
    steps are separate functions: compiled as one, the rounding loop ran
    several times slower (measured).
    """
    size = confident_joint.shape[0]
    scaled = _scale_rows(confident_joint, label_counts, tiny)
    _scale_total(scaled, np.float64(label_counts.sum()), tiny)
    ints, shortfall = _round_rows(scaled, size)
    make_up_shortfall(scaled.reshape((size, size)), ints, shortfall)
    return ints.astype(np.int64), shortfall
