"""Kernels for pruning: exact top-m selection per (given class, true class) cell.

A *cell* is a pair (given label k, column j). Each row labelled k offers one
key per cell of its class: ``p[i, j] - p[i, k]`` (the margin of prune by
noise rate), or ``-p[i, k]`` when the cell's column is -1 (prune by class,
where the largest key is the smallest self-confidence). Keys are computed in
float64 from the stored values, so they do not depend on the dtype.

A cell with capacity m keeps the m *best* rows: the largest keys, and on
equal keys the lower row index. This order is total, so the selected set does
not depend on how rows are split between threads: each chunk of rows fills
its own bounded min-heaps (the worst kept row at the root), and the chunk
heaps of a cell are merged afterwards. Nothing of size (N, K) is allocated,
and ``pred_probs`` is never copied: a row touches only the columns of the
cells of its own class.
"""

import numpy as np
from numba import prange

from ._compile import inline, twins
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
def _cell_key(values, table, i, j, own):
    if j < 0:
        return -own
    return as_float(values[i, j], table) - own


def _select_chunks(
    values,
    table,
    labels,
    entry_rows,
    cell_start,
    cell_col,
    cell_cap,
    heap_start,
    chunk_rows,
    heap_keys,
    heap_rows,
    heap_size,
):
    """Fill, per chunk of entries and per cell, a heap of the cell's best rows in that chunk.

    Entry e is row ``entry_rows[e]`` with label ``labels[e]`` (multi-label data
    has one entry per (row, label) pair, sorted by row); with an empty
    ``entry_rows``, entry e is row e.
    """
    n = labels.shape[0]
    identity = entry_rows.shape[0] == 0
    nchunks = heap_size.shape[0]
    for t in prange(nchunks):
        lo = t * chunk_rows
        hi = min(n, lo + chunk_rows)
        keys = heap_keys[t]
        rows = heap_rows[t]
        sizes = heap_size[t]
        for e in range(lo, hi):
            i = e if identity else entry_rows[e]
            k = labels[e]
            first = cell_start[k]
            last = cell_start[k + 1]
            if first == last:
                continue
            own = as_float(values[i, k], table)
            for c in range(first, last):
                key = _cell_key(values, table, i, cell_col[c], own)
                sizes[c] = _push(keys, rows, heap_start[c], cell_cap[c], sizes[c], key, i)


select_chunks = twins(_select_chunks)


def _merge_chunks(
    cell_cap, heap_start, heap_keys, heap_rows, heap_size, out_keys, out_rows, out_size
):
    """Merge the chunk heaps of every cell; write its best rows, best first."""
    ncells = cell_cap.shape[0]
    nchunks = heap_size.shape[0]
    for c in prange(ncells):
        base = heap_start[c]
        cap = cell_cap[c]
        size = 0
        for t in range(nchunks):
            for q in range(heap_size[t, c]):
                size = _push(
                    out_keys,
                    out_rows,
                    base,
                    cap,
                    size,
                    heap_keys[t, base + q],
                    heap_rows[t, base + q],
                )
        out_size[c] = size
        # heap sort in place: repeatedly move the worst kept row to the end
        for end in range(size - 1, 0, -1):
            key = out_keys[base]
            row = out_rows[base]
            out_keys[base] = out_keys[base + end]
            out_rows[base] = out_rows[base + end]
            out_keys[base + end] = key
            out_rows[base + end] = row
            _sift_down(out_keys, out_rows, base, end, 0)


merge_chunks = twins(_merge_chunks)


def _flag_at_least(values, table, labels, entry_rows, cell_start, cell_col, cut, mask):
    """Flag each entry whose key reaches its cell's cut in at least one cell of its class.

    ``mask`` has one slot per entry (entries as in :func:`_select_chunks`).
    """
    n = labels.shape[0]
    identity = entry_rows.shape[0] == 0
    for e in prange(n):
        i = e if identity else entry_rows[e]
        k = labels[e]
        first = cell_start[k]
        last = cell_start[k + 1]
        if first == last:
            continue
        own = as_float(values[i, k], table)
        for c in range(first, last):
            if _cell_key(values, table, i, cell_col[c], own) >= cut[c]:
                mask[e] = True
                break


flag_at_least = twins(_flag_at_least)


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
