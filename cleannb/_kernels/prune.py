"""Kernels for pruning: top-m selection per (given class, true class) cell.

A *cell* is a pair (given label k, column j). Each row labelled k offers one
key per cell of its class: ``p[i, j] - p[i, k]`` (the margin of prune by
noise rate), or ``-p[i, k]`` when the cell's column is -1 (prune by class,
where the largest key is the smallest self-confidence). Keys are computed in
float64 from the stored values, so they do not depend on the dtype.

Rows are bucketed by label (a stable counting sort, O(N) integers). All cells
of a class are handled by one worker: one pass over the class's rows fills the
keys of all its cells (O(rows of k x cells of k) floats, at most a few MB),
and a quickselect per cell finds the cap-th largest key. A cell keeps the
rows above it and, on equal keys, the lower row index, so the result is the
same for any number of threads. Nothing of size (N, K) is allocated, and
``pred_probs`` is never copied: a row touches only the columns of the cells of
its own class.
"""

import numpy as np
from numba import njit, prange

from ._compile import _OPTIONS, inline, twins
from .confident import as_float


@inline
def _worse(key_a, row_a, key_b, row_b):
    """Whether (key_a, row_a) ranks after (key_b, row_b): smaller key, or same key, later row."""
    return key_a < key_b or (key_a == key_b and row_a > row_b)


@inline
def _sift_down(keys, rows, base, size, pos):
    key = keys[base + pos]
    row = rows[base + pos]
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        if child + 1 < size and _worse(
            keys[base + child + 1], rows[base + child + 1], keys[base + child], rows[base + child]
        ):
            child += 1
        if not _worse(keys[base + child], rows[base + child], key, row):
            break
        keys[base + pos] = keys[base + child]
        rows[base + pos] = rows[base + child]
        pos = child
    keys[base + pos] = key
    rows[base + pos] = row


@inline
def _push(keys, rows, base, cap, size, key, row):
    """Offer (key, row) to the bounded heap at ``keys[base:base + cap]``; return its new size."""
    if size < cap:
        pos = size
        while pos > 0:
            parent = (pos - 1) // 2
            if not _worse(key, row, keys[base + parent], rows[base + parent]):
                break
            keys[base + pos] = keys[base + parent]
            rows[base + pos] = rows[base + parent]
            pos = parent
        keys[base + pos] = key
        rows[base + pos] = row
        return size + 1
    if cap > 0 and _worse(keys[base], rows[base], key, row):
        keys[base] = key
        rows[base] = row
        _sift_down(keys, rows, base, size, 0)
    return size


@inline
def _kth_largest(values, n, m):
    """The m-th largest (1-based) of ``values[:n]``; reorders ``values[:n]``.

    Quickselect with three-way partitioning, so runs of equal values (common
    in low-precision probabilities) cost no more than distinct ones.
    """
    lo = 0
    hi = n - 1
    target = m - 1  # position in descending order
    while True:
        if lo == hi:
            return values[lo]
        pivot = values[(lo + hi) // 2]
        # descending: [lo, gt) > pivot, [gt, i) == pivot, (lt, hi] < pivot
        gt = lo
        i = lo
        lt = hi
        while i <= lt:
            v = values[i]
            if v > pivot:
                values[i] = values[gt]
                values[gt] = v
                gt += 1
                i += 1
            elif v < pivot:
                values[i] = values[lt]
                values[lt] = v
                lt -= 1
            else:
                i += 1
        if target < gt:
            hi = gt - 1
        elif target > lt:
            lo = lt + 1
        else:
            return pivot


def _select_cells(
    values,
    table,
    labels,
    entry_rows,
    bucket,
    bucket_start,
    cell_start,
    cell_col,
    cell_cap,
    cell_inclusive,
    exact,
    worker_classes,
    worker_start,
    flags,
):
    """Flag, per cell, the rows it prunes; cells of one class run on one worker.

    Entries (rows, or (row, label) pairs for multi-label data, see
    ``entry_rows``) are bucketed by label in ascending entry order. A cell
    (given class k, column j) ranks the entries of k by their key
    ``p[i, j] - p[i, k]`` (``-p[i, k]`` when j is -1: prune by class) and
    with ``exact`` flags exactly ``cap`` of them: those above the cap-th
    largest key, then equal ones in entry order. Without ``exact`` (0.1.0's
    value cut-offs) it flags every key above the cap-th largest, or at or
    above it when ``cell_inclusive``. ``flags[kind, entry]`` receives the
    result, kind 0 for by-class cells and 1 for the others; a class belongs
    to a single worker, so no two threads write the same flag.
    """
    identity = entry_rows.shape[0] == 0
    for w in prange(worker_start.shape[0] - 1):
        width = 0
        for q in range(worker_start[w], worker_start[w + 1]):
            k = worker_classes[q]
            size = (bucket_start[k + 1] - bucket_start[k]) * (cell_start[k + 1] - cell_start[k])
            width = max(width, size)
        keys = np.empty(width)
        scratch = np.empty(width)
        for q in range(worker_start[w], worker_start[w + 1]):
            k = worker_classes[q]
            first_cell = cell_start[k]
            n_cells = cell_start[k + 1] - first_cell
            first = bucket_start[k]
            n_k = bucket_start[k + 1] - first
            # keys of every cell of k in one pass over the class's rows
            for pos in range(n_k):
                e = bucket[first + pos]
                i = e if identity else entry_rows[e]
                own = as_float(values[i, k], table)
                for c in range(n_cells):
                    j = cell_col[first_cell + c]
                    key = -own if j < 0 else as_float(values[i, j], table) - own
                    keys[c * n_k + pos] = key
            for c in range(n_cells):
                cell = first_cell + c
                cap = min(cell_cap[cell], n_k)
                if cap <= 0:
                    continue
                kind = 0 if cell_col[cell] < 0 else 1
                base = c * n_k
                for pos in range(n_k):
                    scratch[pos] = keys[base + pos]
                cut = _kth_largest(scratch, n_k, cap)
                if exact:
                    above = 0
                    for pos in range(n_k):
                        above += keys[base + pos] > cut
                    ties = cap - above
                    for pos in range(n_k):
                        key = keys[base + pos]
                        if key > cut or (key == cut and ties > 0):
                            if key == cut:
                                ties -= 1
                            flags[kind, bucket[first + pos]] = True
                else:
                    for pos in range(n_k):
                        key = keys[base + pos]
                        if key > cut or (cell_inclusive[cell] and key == cut):
                            flags[kind, bucket[first + pos]] = True


select_cells = twins(_select_cells)


@njit(**_OPTIONS)
def bucket_by_label(labels, num_classes):
    """Stable counting sort of entry indices by label: (order, start of each class)."""
    start = np.zeros(num_classes + 1, dtype=np.int64)
    for e in range(labels.shape[0]):
        start[labels[e] + 1] += 1
    for k in range(num_classes):
        start[k + 1] += start[k]
    fill = start[:-1].copy()
    order = np.empty(labels.shape[0], dtype=np.int64)
    for e in range(labels.shape[0]):
        k = labels[e]
        order[fill[k]] = e
        fill[k] += 1
    return order, start


def _rows_argmax(keys, rows, out):
    """First argmax of each of ``rows`` (integer keys order like the non-negative floats)."""
    num_classes = keys.shape[1]
    for q in prange(rows.shape[0]):
        row = keys[rows[q]]
        best = row[0]
        for k in range(num_classes):
            best = max(best, row[k])
        top = 0
        while row[top] != best:
            top += 1
        out[q] = top


rows_argmax = twins(_rows_argmax)


def _smallest(scores, count, out):
    """Indices of the ``count`` smallest scores, ascending, ties by lower index (serial)."""
    keys = np.empty(count)
    rows = np.empty(count, dtype=np.int64)
    size = 0
    for i in range(scores.shape[0]):
        size = _push(keys, rows, 0, count, size, -np.float64(scores[i]), i)
    for end in range(size - 1, 0, -1):
        keys[0], keys[end] = keys[end], keys[0]
        rows[0], rows[end] = rows[end], rows[0]
        _sift_down(keys, rows, 0, end, 0)
    out[:size] = rows[:size]
    return size


smallest = twins(_smallest)
