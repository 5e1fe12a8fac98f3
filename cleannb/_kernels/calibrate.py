"""Calibration of a confident joint, bit-identical to numpy, in O(nonzeros + K).

``cleannb._algebra.calibrate`` describes the computation in numpy terms:
rescale each row to its label count, the total to N, and round each row to
integers that keep its (rounded) sum. A confident joint is sparse (a row
holds the few classes its examples are confused with), so this kernel works
on its nonzero entries only and makes the same floating-point operations in
the same order. In particular numpy sums with a fixed pairwise tree over the
dense positions; a zero adds nothing to a non-negative partial sum, so
:func:`sparse_pairwise_sum` walks the same tree and skips the empty parts.
"""

import numpy as np
from numba import njit

from ._compile import _OPTIONS
from .order import stable_argsort

#: numpy's pairwise summation sums runs of at most this many values directly.
PAIRWISE_BLOCK = 128
#: Up to this many units of shortfall per row are picked by repeated scans
#: (O(units * entries)); beyond it, by a stable sort.
SCAN_UNITS = 32
#: Offset 0 as an int64: a literal 0 argument would compile a separate
#: specialisation of a called helper.
START = np.int64(0)


@njit(**_OPTIONS)
def _sparse_block_sum(pos, val, q_lo, q_hi, start, n, acc):
    """numpy's sum of a run of ``n <= 128`` values that are zero except at ``pos``.

    numpy adds runs shorter than 8 in order; longer ones in 8 accumulators
    (position mod 8) over the first ``n - n % 8`` values, combined as a
    balanced tree, then the tail in order. ``acc`` is scratch for 8 floats.
    """
    if n < 8:
        total = 0.0
        for q in range(q_lo, q_hi):
            total += val[q]
        return total
    acc[:] = 0.0
    unrolled_end = start + n - n % 8
    for q in range(q_lo, q_hi):
        if pos[q] < unrolled_end:
            acc[(pos[q] - start) % 8] += val[q]
    total = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
    for q in range(q_lo, q_hi):
        if pos[q] >= unrolled_end:
            total += val[q]
    return total


@njit(**_OPTIONS)
def sparse_pairwise_sum(pos, val, q_lo, q_hi, start, n):
    """numpy's pairwise sum of ``n`` non-negative float64 values from ``start``.

    The values are zero except ``val[q]`` at ``pos[q]`` for q in
    ``[q_lo, q_hi)`` (ascending positions). numpy halves a run longer than
    128 (the first half rounded down to a multiple of 8) and adds the
    halves' sums; runs without entries are 0.
    """
    stack, combine, partial, acc = _pairwise_scratch()
    return _pairwise_sum(pos, val, q_lo, q_hi, start, n, stack, combine, partial, acc)


@njit(**_OPTIONS)
def _pairwise_scratch():
    """Scratch of :func:`_pairwise_sum`, allocated once per caller."""
    return (
        np.empty((4, 256), dtype=np.int64),
        np.zeros(256, dtype=np.bool_),
        np.empty(128),
        np.empty(8),
    )


@njit(**_OPTIONS)
def _pairwise_sum(pos, val, q_lo, q_hi, start, n, stack, combine, partial, acc):
    """:func:`sparse_pairwise_sum` with its scratch from :func:`_pairwise_scratch`.

    The recursion runs on explicit stacks (a recursive kernel crashes when
    loaded from Numba's cache): ``stack`` rows hold each task's run start,
    length, first entry and end entry; ``combine`` marks the tasks that add
    the last two partial sums.
    """
    if q_lo == q_hi:
        return 0.0
    if n <= PAIRWISE_BLOCK:
        return _sparse_block_sum(pos, val, q_lo, q_hi, start, n, acc)
    task_start = stack[0]
    task_size = stack[1]
    task_lo = stack[2]
    task_hi = stack[3]
    task_combine = combine
    tasks = 1
    results = 0
    task_start[0] = start
    task_size[0] = n
    task_lo[0] = q_lo
    task_hi[0] = q_hi
    while tasks:
        tasks -= 1
        if task_combine[tasks]:
            task_combine[tasks] = False
            results -= 1
            partial[results - 1] = partial[results - 1] + partial[results]
            continue
        lo = task_start[tasks]
        size = task_size[tasks]
        first = task_lo[tasks]
        end = task_hi[tasks]
        if first == end:
            partial[results] = 0.0
            results += 1
            continue
        if size <= PAIRWISE_BLOCK:
            partial[results] = _sparse_block_sum(pos, val, first, end, lo, size, acc)
            results += 1
            continue
        half = size // 2
        half -= half % 8
        middle = first
        while middle < end and pos[middle] < lo + half:
            middle += 1
        task_combine[tasks] = True  # after both halves: left + right
        task_start[tasks + 1] = lo + half
        task_size[tasks + 1] = size - half
        task_lo[tasks + 1] = middle
        task_hi[tasks + 1] = end
        task_start[tasks + 2] = lo
        task_size[tasks + 2] = half
        task_lo[tasks + 2] = first
        task_hi[tasks + 2] = middle
        tasks += 3
    return partial[0]


@njit(**_OPTIONS)
def choose_units(residual, column, count, width, units, marker, chosen):
    """The ``units`` columns of a row with the largest residual, ties to the lower column.

    ``residual[t]`` belongs to ``column[t]`` (ascending) for t < count; every
    other column of the ``width`` has residual 0. Writes the columns, best
    first, to ``chosen[:units]``. ``marker`` (width booleans, all False) is
    used and left all False. Returns whether the cut falls on a tie: an
    unchosen column has the residual of the last chosen one, so that another
    tie rule could choose other columns.
    """
    picked = 0
    # positive residuals, largest first (repeated scans, or a stable sort)
    positive = 0
    for t in range(count):
        positive += residual[t] > 0
    take = min(units, positive)
    last = 0.0  # residual of the last column chosen
    if take <= SCAN_UNITS:
        for _ in range(take):
            best = -1
            for t in range(count):
                if residual[t] > 0 and not marker[column[t]]:
                    if best < 0 or residual[t] > residual[best]:
                        best = t
            marker[column[best]] = True
            chosen[picked] = column[best]
            picked += 1
            last = residual[best]
    else:
        order = stable_argsort(residual, count, True)
        for t in range(take):
            marker[column[order[t]]] = True
            chosen[picked] = column[order[t]]
            picked += 1
            last = residual[order[t]]
    chosen_zero = 0
    if picked < units:
        # then the columns whose residual is zero, in column order
        last = 0.0
        nonzero = np.zeros(width, dtype=np.bool_)
        for t in range(count):
            nonzero[column[t]] = residual[t] != 0
        for c in range(width):
            if picked == units:
                break
            if not nonzero[c]:
                marker[c] = True
                chosen[picked] = c
                picked += 1
                chosen_zero += 1
    if picked < units:
        # then negative residuals, largest first
        order = stable_argsort(residual, count, True)
        for t in range(count):
            if picked == units:
                break
            c = column[order[t]]
            if residual[order[t]] < 0 and not marker[c]:
                marker[c] = True
                chosen[picked] = c
                picked += 1
                last = residual[order[t]]
    tied = False
    if units < width:
        if last == 0.0:
            zeros = width - count
            for t in range(count):
                zeros += residual[t] == 0.0
            tied = zeros > chosen_zero
        else:
            for t in range(count):
                tied |= residual[t] == last and not marker[column[t]]
    for t in range(picked):
        marker[chosen[t]] = False
    return tied


@njit(**_OPTIONS)
def make_up_shortfall(floats, ints, shortfall, tied):
    """Add ``sign(shortfall[r])`` to the ``|shortfall[r]|`` entries of row r with largest residual.

    The residual of an entry is ``(floats - ints) * sign``; equal residuals go
    to the lower column first (the order of a stable descending sort). At most
    K entries of a row change; ``ints`` is updated in place. ``tied[r]`` is
    set where equal residuals straddle the cut (:func:`choose_units`).
    """
    rows, width = floats.shape
    residual = np.empty(width)
    column = np.arange(width)
    marker = np.zeros(width, dtype=np.bool_)
    chosen = np.empty(width, dtype=np.int64)
    for r in range(rows):
        d = shortfall[r]
        if d == 0:
            continue
        step = 1.0 if d > 0 else -1.0
        units = min(abs(d), width)
        for j in range(width):
            residual[j] = (floats[r, j] - ints[r, j]) * step
        tied[r] = choose_units(residual, column, width, width, units, marker, chosen)
        for t in range(units):
            ints[r, chosen[t]] += step


@njit(**_OPTIONS)
def _grown(values, size):
    """``values`` copied into an array of ``size`` (at least its length)."""
    out = np.empty(size, dtype=values.dtype)
    for t in range(values.shape[0]):  # a slice assignment compiles numpy's broadcasting
        out[t] = values[t]
    return out


@njit(**_OPTIONS)
def _column_major(start, columns, val, size):
    """The entries of a CSR matrix in column-major order: flat positions and values.

    A counting sort by column; rows are visited in order, so each column's
    entries stay in row order.
    """
    nonzero = start[size]
    fill = np.zeros(size + 1, dtype=np.int64)
    for t in range(nonzero):
        fill[columns[t] + 1] += 1
    for c in range(size):
        fill[c + 1] += fill[c]
    flat_pos = np.empty(nonzero, dtype=np.int64)
    flat_val = np.empty(nonzero)
    for r in range(size):
        for t in range(start[r], start[r + 1]):
            q = fill[columns[t]]
            flat_pos[q] = columns[t] * size + r
            flat_val[q] = val[t]
            fill[columns[t]] += 1
    return flat_pos, flat_val


@njit(**_OPTIONS)
def calibrate(start, columns, counts, label_counts, tiny, column_major):
    """Calibrated confident joint of a CSR confident joint, and each row's rounding shortfall.

    Row r of the input holds ``counts[start[r]:start[r + 1]]`` at ascending
    ``columns`` (non-negative; explicit zeros allowed). ``tiny`` guards each
    denominator from below (0 disables the guard). The total of the rescaled
    matrix is numpy's sum over it in memory order: row by row, or column by
    column when ``column_major`` (numpy's order for a matrix laid out in
    Fortran order, as cleanlab's own confident joint is). Returns ``(start,
    columns, ints, shortfall)``: the result in the same form, where a row
    also holds the columns that received a unit of its shortfall.
    """
    size = start.shape[0] - 1
    nonzero = start[size]
    pos = np.empty(nonzero, dtype=np.int64)
    val = np.empty(nonzero)
    for r in range(size):
        row_total = 0.0
        for t in range(start[r], start[r + 1]):
            row_total += np.float64(counts[t])  # in column order, as a dense left-to-right loop
        denominator = max(row_total, tiny) if tiny > 0 else row_total
        for t in range(start[r], start[r + 1]):
            pos[t] = r * size + columns[t]
            val[t] = np.float64(counts[t]) / denominator * np.float64(label_counts[r])
    stack, combine, partial, acc = _pairwise_scratch()
    if column_major:
        flat_pos, flat_val = _column_major(start, columns, val, size)
        total = _pairwise_sum(
            flat_pos, flat_val, START, nonzero, START, size * size, stack, combine, partial, acc
        )
    else:
        total = _pairwise_sum(
            pos, val, START, nonzero, START, size * size, stack, combine, partial, acc
        )
    denominator = max(total, tiny) if tiny > 0 else total
    n_labels = np.float64(label_counts.sum())
    for t in range(nonzero):
        val[t] = val[t] / denominator * n_labels
    out_start = np.zeros(size + 1, dtype=np.int64)
    out_columns = np.empty(nonzero + size, dtype=np.int64)
    out_ints = np.empty(nonzero + size, dtype=np.int64)
    shortfall = np.zeros(size, dtype=np.int64)
    tied = np.zeros(size, dtype=np.bool_)
    row_ints = np.zeros(size, dtype=np.int64)  # the current row, dense
    present = np.zeros(size, dtype=np.bool_)
    residual = np.empty(size)
    column = np.empty(size, dtype=np.int64)
    marker = np.zeros(size, dtype=np.bool_)
    chosen = np.empty(size, dtype=np.int64)
    q = 0
    for r in range(size):
        first = start[r]
        end = start[r + 1]
        target = np.rint(
            _pairwise_sum(pos, val, first, end, r * size, size, stack, combine, partial, acc)
        )
        rounded_total = 0.0
        for t in range(first, end):
            rounded = np.rint(val[t])
            rounded_total += rounded
            row_ints[columns[t]] = np.int64(rounded)
            present[columns[t]] = True
        d = np.int64(np.rint(target - rounded_total))
        shortfall[r] = d
        added = 0
        if d != 0:
            step = 1 if d > 0 else -1
            for t in range(first, end):
                residual[t - first] = (val[t] - np.rint(val[t])) * step
                column[t - first] = columns[t]
            units = min(abs(d), size)
            tied[r] = choose_units(residual, column, end - first, size, units, marker, chosen)
            for t in range(units):
                c = chosen[t]
                row_ints[c] += step
                if not present[c]:
                    present[c] = True
                    chosen[added] = c  # columns new to the row, in the order picked
                    added += 1
        if q + (end - first) + added > out_columns.shape[0]:
            grown = 2 * (q + (end - first) + added)
            out_columns = _grown(out_columns, grown)
            out_ints = _grown(out_ints, grown)
        row_first = q
        if added:  # the row's columns in ascending order, from the dense marks
            for c in range(size):
                if present[c]:
                    out_columns[q] = c
                    q += 1
        else:
            for t in range(first, end):
                out_columns[q] = columns[t]
                q += 1
        for t in range(row_first, q):
            c = out_columns[t]
            out_ints[t] = row_ints[c]
            row_ints[c] = 0
            present[c] = False
        out_start[r + 1] = q
    return out_start, out_columns[:q].copy(), out_ints[:q].copy(), shortfall, val, tied
