"""Kernels for per-class thresholds and the confident joint.

``pred_probs`` reaches these kernels in two views of the same memory, never a
copy: ``values`` (float32/float64 as they are; float16 as its int16 bit
pattern, decoded through ``table``) and ``keys``, the signed-integer view of
the same bits. For non-negative floats the integer order is the float order,
and integer max/compare loops vectorise where float ones do not.

Rows are processed in fixed blocks (``block`` rows each, chosen from N alone),
and per-block partial results are merged in block order, so every result is
identical for any number of threads.
"""

import numpy as np
from numba import njit, prange

from ._compile import _OPTIONS, inline, twins


@inline
def as_float(x, table):
    """Value of one element as float64 (``table`` decodes float16 bit patterns)."""
    if table.shape[0] != 0:
        return table[np.uint16(x)]
    return np.float64(x)


@njit(fastmath=True, **_OPTIONS)
def row_sum(values_row, table):
    """Sum of one row in float64, reassociated so that it vectorises."""
    total = 0.0
    if table.shape[0] != 0:
        for k in range(values_row.shape[0]):
            total += table[np.uint16(values_row[k])]
    else:
        for k in range(values_row.shape[0]):
            total += np.float64(values_row[k])
    return total


def _class_sums(values, table, labels, num_classes, block):
    """Per-class sum (float64) and count of ``values[i, labels[i]]``."""
    n = values.shape[0]
    nblocks = (n + block - 1) // block
    sums = np.zeros((nblocks, num_classes))
    counts = np.zeros((nblocks, num_classes), dtype=np.int64)
    for b in prange(nblocks):
        for i in range(b * block, min(n, (b + 1) * block)):
            y = labels[i]
            sums[b, y] += as_float(values[i, y], table)
            counts[b, y] += 1
    total = np.zeros(num_classes)
    count = np.zeros(num_classes, dtype=np.int64)
    for b in range(nblocks):
        for k in range(num_classes):
            total[k] += sums[b, k]
            count[k] += counts[b, k]
    return total, count


class_sums = twins(_class_sums)


def _row_pass(keys, values, table, labels, threshold_keys, paper_rule, check_sums, block,
              guess, argmax, key_min, key_max, sum_dev):
    """One pass over the rows: argmax, confident-joint guess and input statistics.

    Writes, per row, ``argmax`` (first maximum) and ``guess``: -1 when no class
    reaches its threshold key, the one confident class when exactly one does,
    and otherwise the row argmax (cleanlab's rule) or, with ``paper_rule``, the
    largest among the confident classes. Per block it writes the smallest and
    largest key and, with ``check_sums``, the largest |row sum - 1|.
    """
    n, num_classes = keys.shape
    nblocks = (n + block - 1) // block
    for b in prange(nblocks):
        lo = b * block
        hi = min(n, lo + block)
        lowest = keys[lo, 0]
        highest = keys[lo, 0]
        worst_dev = 0.0
        for i in range(lo, hi):
            row = keys[i]
            best = row[0]
            least = row[0]
            n_confident = 0
            for k in range(num_classes):
                v = row[k]
                best = max(best, v)
                least = min(least, v)
                n_confident += np.int64(v >= threshold_keys[k])
            top = 0
            while row[top] != best:
                top += 1
            argmax[i] = top
            if n_confident == 0:
                g = -1
            elif n_confident == 1 or paper_rule:
                g = -1
                for k in range(num_classes):
                    if row[k] >= threshold_keys[k] and (g < 0 or row[k] > row[g]):
                        g = k
            else:
                g = top
            guess[i] = g
            lowest = min(lowest, least)
            highest = max(highest, best)
            if check_sums:
                worst_dev = max(worst_dev, abs(row_sum(values[i], table) - 1.0))
        key_min[b] = lowest
        key_max[b] = highest
        sum_dev[b] = worst_dev


row_pass = twins(_row_pass)


@njit(**_OPTIONS)
def count_pairs(labels, guess, num_classes):
    """Count matrix ``C[labels[i], guess[i]]`` over rows with ``guess[i] >= 0``."""
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    for i in range(labels.shape[0]):
        g = guess[i]
        if g >= 0:
            counts[labels[i], g] += 1
    return counts
