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


#: Columns per chunk when a row is scanned against a bound (see _select_cells).
SCAN_CHUNK = 64
#: Slack on that bound, far above the rounding of ``own + floor`` (<= 1e-16).
BOUND_SLACK = 1e-12


@inline
def _offer(heap_keys, heap_rows, base, size, cap, worst, cell, key, entry):
    """Offer (key, entry) to a cell's heap; True when the cell's worst kept key changed."""
    if size[cell] < cap[cell] or key > worst[cell]:
        size[cell] = _push(heap_keys, heap_rows, base[cell], cap[cell], size[cell], key, entry)
        if size[cell] == cap[cell]:
            worst[cell] = heap_keys[base[cell]]
            return True
    return False


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
    scan_min_cells,
    flags,
):
    """Flag, per cell, the rows it prunes; cells of one class run on one worker.

    Entries (rows, or (row, label) pairs for multi-label data, see
    ``entry_rows``) are bucketed by label in ascending entry order. A cell
    (given class k, column j) ranks the entries of k by their key
    ``p[i, j] - p[i, k]`` (``-p[i, k]`` when j is -1: prune by class) and keeps
    its ``cap`` best in a bounded heap: larger keys first and, on equal keys,
    the lower entry (entries arrive in ascending order, so a later equal key
    never displaces a kept one). With ``exact`` the kept entries are flagged;
    without it (0.1.0's value cut-offs) every key above the cap-th best is
    flagged, or at or above it when ``cell_inclusive`` (a second pass finds
    the ties beyond the heap). ``flags[kind, entry]`` receives the result,
    kind 0 for by-class cells and 1 for the others; a class belongs to a single
    worker, so no two threads write the same flag.

    Once every cell of a class is full, an entry can only enter cell j if
    ``p[i, j] > p[i, k] + floor``, ``floor`` being the smallest worst-kept key
    over the class's cells. When a class has many cells, each row is then
    scanned in chunks against that bound (a vectorised count per chunk), and
    only the few columns above it are looked up, instead of one gather per
    (row, cell); ``scan_min_cells`` is the number of cells from which a class
    is scanned.
    """
    identity = entry_rows.shape[0] == 0
    num_classes = values.shape[1]
    for w in prange(worker_start.shape[0] - 1):
        capacity = 0
        most_cells = 1
        for q in range(worker_start[w], worker_start[w + 1]):
            k = worker_classes[q]
            n_k = bucket_start[k + 1] - bucket_start[k]
            total = 0
            for c in range(cell_start[k], cell_start[k + 1]):
                total += min(cell_cap[c], n_k)
            capacity = max(capacity, total)
            most_cells = max(most_cells, cell_start[k + 1] - cell_start[k])
        heap_keys = np.empty(capacity)
        heap_rows = np.empty(capacity, dtype=np.int64)
        base = np.empty(most_cells, dtype=np.int64)
        size = np.empty(most_cells, dtype=np.int64)
        cap = np.empty(most_cells, dtype=np.int64)
        worst = np.empty(most_cells)
        open_cells = np.empty(most_cells, dtype=np.int64)
        cell_of = np.full(num_classes, -1, dtype=np.int64)
        for q in range(worker_start[w], worker_start[w + 1]):
            k = worker_classes[q]
            first_cell = cell_start[k]
            n_cells = cell_start[k + 1] - first_cell
            first = bucket_start[k]
            n_k = bucket_start[k + 1] - first
            class_cell = -1
            n_open = 0
            offset = 0
            for cell in range(n_cells):
                base[cell] = offset
                size[cell] = 0
                cap[cell] = min(cell_cap[first_cell + cell], n_k)
                worst[cell] = -np.inf
                offset += cap[cell]
                j = cell_col[first_cell + cell]
                if j < 0:
                    class_cell = cell
                elif cap[cell] > 0:
                    cell_of[j] = cell
                    open_cells[n_open] = cell
                    n_open += 1
            n_noise = n_open
            scan = n_noise >= scan_min_cells
            floor = np.inf  # smallest worst-kept key over the full cells
            for pos in range(n_k):
                e = bucket[first + pos]
                i = e if identity else entry_rows[e]
                own = as_float(values[i, k], table)
                if class_cell >= 0 and cap[class_cell] > 0:
                    _offer(heap_keys, heap_rows, base, size, cap, worst, class_cell, -own, e)
                if n_noise == 0:
                    continue
                changed = False
                # cells full before this entry: only keys above their worst kept one
                if n_open < n_noise:
                    if scan:
                        bound = own + floor - BOUND_SLACK
                        for start in range(0, num_classes, SCAN_CHUNK):
                            length = min(SCAN_CHUNK, num_classes - start)
                            hits = 0
                            for j in range(length):
                                hits += as_float(values[i, start + j], table) > bound
                            if hits == 0:
                                continue
                            for j in range(start, start + length):
                                value = as_float(values[i, j], table)
                                cell = cell_of[j]
                                if value > bound and cell >= 0 and size[cell] == cap[cell]:
                                    changed |= _offer(heap_keys, heap_rows, base, size, cap,
                                                      worst, cell, value - own, e)
                    else:
                        for cell in range(n_cells):
                            j = cell_col[first_cell + cell]
                            if j >= 0 and cap[cell] > 0 and size[cell] == cap[cell]:
                                key = as_float(values[i, j], table) - own
                                changed |= _offer(heap_keys, heap_rows, base, size, cap,
                                                  worst, cell, key, e)
                # cells not full yet take every entry
                t = 0
                while t < n_open:
                    cell = open_cells[t]
                    key = as_float(values[i, cell_col[first_cell + cell]], table) - own
                    if _offer(heap_keys, heap_rows, base, size, cap, worst, cell, key, e):
                        n_open -= 1
                        open_cells[t] = open_cells[n_open]
                        changed = True
                    else:
                        t += 1
                if scan and changed:
                    floor = np.inf
                    for cell in range(n_cells):
                        if cell != class_cell and cap[cell] > 0 and size[cell] == cap[cell]:
                            floor = min(floor, worst[cell])
            # flag what the cells keep
            for cell in range(n_cells):
                j = cell_col[first_cell + cell]
                kind = 0 if j < 0 else 1
                lo = base[cell]
                if exact:
                    for t in range(size[cell]):
                        flags[kind, heap_rows[lo + t]] = True
                elif size[cell] > 0:
                    cut = heap_keys[lo]  # the cap-th best key
                    if cell_inclusive[first_cell + cell]:
                        for pos in range(n_k):
                            e = bucket[first + pos]
                            i = e if identity else entry_rows[e]
                            own = as_float(values[i, k], table)
                            key = -own if j < 0 else as_float(values[i, j], table) - own
                            if key >= cut:
                                flags[kind, e] = True
                    else:
                        for t in range(size[cell]):
                            if heap_keys[lo + t] > cut:
                                flags[kind, heap_rows[lo + t]] = True
            for cell in range(n_cells):
                j = cell_col[first_cell + cell]
                if j >= 0:
                    cell_of[j] = -1


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
