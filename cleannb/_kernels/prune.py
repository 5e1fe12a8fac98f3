"""Kernels for pruning: exact top-m selection per (given class, true class) cell.

A *cell* is a pair (given label k, column j). Each row labelled k offers one
key per cell of its class: ``p[i, j] - p[i, k]`` (the margin of prune by
noise rate), or ``-p[i, k]`` when the cell's column is -1 (prune by class,
where the largest key is the smallest self-confidence). Keys are computed in
the dtype of ``pred_probs``, as numpy computes them (a float16 margin is a
float16 difference: :func:`cleannb._kernels.dtype.round_like`), so keys that
numpy finds equal are equal here.

A cell with capacity m keeps its m *best* rows: the largest keys and, on
equal keys, the lower row index. This order is total, so the kept set does
not depend on how rows are split between threads. Each cell also counts the
rows whose key equals its cut but that it did not keep: where that count is
not zero, numpy's sort could have kept other rows, and the caller resolves
that cell as numpy does. :func:`collect` streams the
rows in memory order in a few chunks, each keeping per cell an amortised
buffer of its best candidates (cut back with a quickselect when full);
:func:`merge` combines the chunks' candidates per cell. Nothing of size
(N, K) is allocated and ``pred_probs`` is never copied: a row touches only
the columns of the cells of its own class.
"""

import numpy as np
from numba import prange

from ._compile import called, inline, twins
from ._prefetch import prefetch
from .confident import as_float
from .dtype import round_like

#: Runs shorter than this are partitioned three ways with branches; longer
#: ones two ways without branches (twice as fast on long random runs).
SHORT_RUN = 32
#: Offset 0 as an int64: a literal 0 argument would compile a separate
#: specialisation of a called helper.
START = np.int64(0)


@inline
def _to_front(values, lo, hi, pivot, equal):
    """Move the values of ``[lo, hi]`` above ``pivot`` (equal to it if ``equal``)
    to the front, without branches; return the end of the front."""
    end = lo
    for i in range(lo, hi + 1):
        v = values[i]
        front = (v == pivot) if equal else (v > pivot)
        values[i] = values[end]
        values[end] = v
        end += front
    return end


@inline
def _kth_largest(values, n, m):
    """The m-th largest (1-based) of ``values[:n]``; reorders ``values[:n]``.

    Quickselect. A long run is split around a pseudo-random pivot into the
    values above it, equal to it and below it by two branch-free passes; a
    short run by one three-way pass. Runs of equal values (common in
    low-precision probabilities) cost no more than distinct ones.
    """
    lo = 0
    hi = n - 1
    target = m - 1  # position in descending order
    state = np.uint64(n) * np.uint64(0x9E3779B97F4A7C15) | np.uint64(1)
    while True:
        if lo == hi:
            return values[lo]
        if hi - lo >= SHORT_RUN:
            state ^= state << np.uint64(13)  # xorshift
            state ^= state >> np.uint64(7)
            state ^= state << np.uint64(17)
            pivot = values[lo + np.int64(state % np.uint64(hi - lo + 1))]
            gt = _to_front(values, lo, hi, pivot, False)
            lt = _to_front(values, gt, hi, pivot, True) - 1 if target >= gt else hi
        else:
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


@called
def _keep_best(keys, rows, lo, count, cap, scratch):
    """Keep, in place and in order, the ``cap`` best of ``count`` entries at ``lo``.

    Best: larger key, then earlier position (entries are in ascending row
    order). Returns the cap-th best key, below which nothing can enter, and
    how many entries equal to it were dropped. The entries are moved without
    branches.
    """
    for t in range(count):
        scratch[t] = keys[lo + t]
    cut = _kth_largest(scratch, count, cap)
    above = 0
    equal = 0
    for t in range(count):
        above += keys[lo + t] > cut
        equal += keys[lo + t] == cut
    ties = cap - above
    kept = 0
    for t in range(count):
        key = keys[lo + t]
        row = rows[lo + t]
        tie = key == cut and ties > 0
        ties -= tie
        keys[lo + kept] = key
        rows[lo + kept] = row
        kept += key > cut or tie
    return cut, equal - (cap - above)


@inline
def _offer(c, key, e, keys, rows, count, floor, watch, tied, buffer_start, cell_cap, scratch):
    """Append entry e with ``key`` (above the cell's floor) to cell c's buffer;
    True if the cell's floor rose. A full buffer is cut back to its ``cap``
    best, and the floor rises to the cut."""
    lo = buffer_start[c]
    keys[lo + count[c]] = key
    rows[lo + count[c]] = e
    count[c] += 1
    if count[c] < 2 * cell_cap[c]:
        return False
    cut, dropped = _keep_best(keys, rows, lo, count[c], cell_cap[c], scratch)
    count[c] = cell_cap[c]
    floor[c] = cut
    watch[c] = cut  # the floor has risen: equal keys from now on are ties
    tied[c] = dropped
    return True


@inline
def _guard(floor, watch, c):
    """The smallest key that still matters to cell c: once its floor has risen,
    the floor itself (an equal key is a tie to count); before, the next float
    above it (a key at the initial floor is never kept)."""
    if watch[c] == watch[c]:
        return floor[c]
    return np.nextafter(floor[c], np.inf)


@inline
def _row_may_beat(precision, row_max, i, mine, lowest):
    """Whether a key of row i (own probability ``mine``) can reach ``lowest``:
    its maximum bounds them all, in the dtype's rounding too (True without
    row maxima)."""
    return row_max.shape[0] == 0 or round_like(np.float64(row_max[i]) - mine, precision) >= lowest


@inline
def _chunk_may_beat(precision, chunk_max, table, i, b, mine, lowest):
    """Whether a key in chunk b of row i can reach ``lowest`` (True without chunk maxima)."""
    return (
        chunk_max.shape[0] == 0
        or round_like(as_float(chunk_max[i, b], table) - mine, precision) >= lowest
    )


@inline
def _prefetch_cells(
    values,
    table,
    precision,
    labels,
    entry_rows,
    own,
    row_max,
    chunk_max,
    e,
    group,
    class_group,
    cell_col,
    chunk_cells,
    lowest,
    lowest_in_chunk,
):
    """Prefetch the cells of entry e that :func:`_collect` will read, by the
    same bounds and floors as it reads them (``own`` and ``row_max`` given)."""
    k = labels[e]
    if class_group[k] != group:
        return
    i = np.int64(e) if entry_rows.shape[0] == 0 else entry_rows[e]
    mine = np.float64(own[e])
    if not _row_may_beat(precision, row_max, i, mine, lowest[k]):
        return
    for b in range(chunk_cells.shape[1] - 1):
        if _chunk_may_beat(precision, chunk_max, table, i, b, mine, lowest_in_chunk[k, b]):
            for c in range(chunk_cells[k, b], chunk_cells[k, b + 1]):
                prefetch(values, i, cell_col[c])


def _collect(
    values,
    table,
    precision,
    labels,
    entry_rows,
    own,
    row_max,
    chunk_max,
    cell_start,
    cell_col,
    cell_cap,
    cell_floor,
    chunk_cells,
    buffer_start,
    chunk_rows,
    class_group,
    groups,
    prefetch_ahead,
    buffer_keys,
    buffer_rows,
    buffer_count,
    buffer_floor,
    buffer_watch,
    buffer_tied,
):
    """Per chunk of entries, each cell's best ``cap`` entries above its floor.

    Chunk t reads, in memory order, the entries of the ``t // groups``-th run
    of ``chunk_rows`` whose class is in group ``t % groups``
    (``class_group[k]``); so the threads split the rows, or the classes.

    A cell (given class k, column j) ranks the entries of class k by the key
    ``p[i, j] - p[i, k]`` (``-p[i, k]`` when j is -1: prune by class); only
    keys above ``cell_floor`` are candidates. Each chunk gives every cell a
    buffer of ``2 * cap``: entries above the cell's floor are appended, and a
    full buffer is cut back to its ``cap`` best (the floor becomes the cap-th
    best key, so equal keys arriving later, from higher rows, never enter).
    Per chunk and cell, ``buffer_floor`` ends as the floor, ``buffer_watch``
    as the last cut (NaN if none) and ``buffer_tied`` as the number of
    entries equal to it that were not kept.

    ``own[e]`` (if given) saves reading ``p[i, k]``. With ``row_max`` (the
    row maxima) too, ``row_max[i] - own[e]`` bounds every key of entry e
    from above: an entry whose bound is below the lowest guard
    (:func:`_guard`) of its class's column cells is skipped unread. The column cells of class k in
    chunk b of the row are ``chunk_cells[k, b]:chunk_cells[k, b + 1]``; with
    ``chunk_max`` (the maximum of each chunk of a row's columns, one chunk
    per column of ``chunk_max``), a chunk whose bound is at most the lowest
    guard of its cells is skipped unread in the same way. With bounds, the
    cells that the entry ``prefetch_ahead`` places ahead will read are
    prefetched: a row's reads wait on memory, and its cells are known early.
    """
    n = labels.shape[0]
    num_classes = cell_start.shape[0] - 1
    nchunks_row = chunk_cells.shape[1] - 1
    identity = entry_rows.shape[0] == 0
    has_own = own.shape[0] != 0
    has_bound = row_max.shape[0] != 0
    nchunks = buffer_count.shape[0]
    widest = 0
    for c in range(cell_cap.shape[0]):
        widest = max(widest, 2 * cell_cap[c])
    for t in prange(nchunks):
        scratch = np.empty(widest)
        keys = buffer_keys[t]
        rows = buffer_rows[t]
        count = buffer_count[t]
        floor = buffer_floor[t]
        watch = buffer_watch[t]
        tied = buffer_tied[t]
        # lowest guard of the column cells of each class, and of each chunk of them
        lowest = np.full(num_classes, np.inf)
        lowest_in_chunk = np.full((num_classes, nchunks_row), np.inf)
        for k in range(num_classes):
            for c in range(cell_start[k], cell_start[k + 1]):
                count[c] = 0
                floor[c] = cell_floor[c] if cell_cap[c] > 0 else np.inf
                watch[c] = np.nan
                tied[c] = 0
            for b in range(nchunks_row):
                for c in range(chunk_cells[k, b], chunk_cells[k, b + 1]):
                    lowest_in_chunk[k, b] = min(lowest_in_chunk[k, b], _guard(floor, watch, c))
                lowest[k] = min(lowest[k], lowest_in_chunk[k, b])
        group = t % groups
        part = t // groups
        end = min(n, (part + 1) * chunk_rows)
        for e in range(part * chunk_rows, end):
            ahead = e + prefetch_ahead
            if prefetch_ahead > 0 and has_bound and ahead < end:
                _prefetch_cells(
                    values,
                    table,
                    precision,
                    labels,
                    entry_rows,
                    own,
                    row_max,
                    chunk_max,
                    ahead,
                    group,
                    class_group,
                    cell_col,
                    chunk_cells,
                    lowest,
                    lowest_in_chunk,
                )
            k = labels[e]
            first = cell_start[k]
            last = cell_start[k + 1]
            if first == last or class_group[k] != group:
                continue
            i = np.int64(e) if identity else entry_rows[e]
            mine = np.float64(own[e]) if has_own else as_float(values[i, k], table)
            if cell_col[first] < 0:
                if -mine > floor[first]:
                    _offer(
                        first,
                        -mine,
                        e,
                        keys,
                        rows,
                        count,
                        floor,
                        watch,
                        tied,
                        buffer_start,
                        cell_cap,
                        scratch,
                    )
                elif -mine == watch[first]:
                    tied[first] += 1
                first += 1
            if first == last or not _row_may_beat(precision, row_max, i, mine, lowest[k]):
                continue
            for b in range(nchunks_row):
                lo = chunk_cells[k, b]
                hi = chunk_cells[k, b + 1]
                if lo == hi or not _chunk_may_beat(
                    precision, chunk_max, table, i, b, mine, lowest_in_chunk[k, b]
                ):
                    continue
                rose = False
                for c in range(lo, hi):
                    key = round_like(as_float(values[i, cell_col[c]], table) - mine, precision)
                    if key > floor[c]:
                        rose |= _offer(
                            c,
                            key,
                            e,
                            keys,
                            rows,
                            count,
                            floor,
                            watch,
                            tied,
                            buffer_start,
                            cell_cap,
                            scratch,
                        )
                    elif key == watch[c]:  # a tie at a risen floor (rare)
                        tied[c] += 1
                if rose:
                    low = np.inf
                    for c in range(lo, hi):
                        low = min(low, _guard(floor, watch, c))
                    lowest_in_chunk[k, b] = low
                    low = np.inf
                    for d in range(nchunks_row):
                        low = min(low, lowest_in_chunk[k, d])
                    lowest[k] = low
        for c in range(cell_cap.shape[0]):
            if count[c] > cell_cap[c]:
                cut, dropped = _keep_best(
                    keys, rows, buffer_start[c], count[c], cell_cap[c], scratch
                )
                count[c] = cell_cap[c]
                floor[c] = cut
                watch[c] = cut
                tied[c] = dropped


collect = twins(_collect)


def _merge(
    cell_cap,
    buffer_start,
    buffer_keys,
    buffer_rows,
    buffer_count,
    buffer_watch,
    buffer_tied,
    out_start,
    out_keys,
    out_rows,
    out_cut,
    out_tied,
):
    """Each cell's best ``cap`` keys and entries over all chunks, in ascending entry order.

    Chunks hold consecutive entries, so concatenating their kept entries in
    chunk order keeps entry order, and the result is the cell's exact top
    ``cap`` (ties to the lower entry) whatever the chunking. ``out_tied``
    counts the entries equal to the cut that were not kept: those dropped
    here, and those a chunk left out at a cut equal to this one (a chunk's
    cut is never above the cell's). Cells are handled in runs of consecutive
    cells (a run per task, sharing scratch buffers), so that the buffers are
    read in memory order: with 10^5 cells or more the merge is bound by
    their cache misses.
    """
    nchunks = buffer_count.shape[0]
    ncells = cell_cap.shape[0]
    ngroups = min(ncells, 64)
    per_group = -(-ncells // max(ngroups, 1))
    for g in prange(ngroups):
        # a run of consecutive cells: their buffers are read in memory order
        first_cell = g * per_group
        end_cell = min(ncells, first_cell + per_group)
        widest = 0  # room for what the cells hold, not for what they could
        for c in range(first_cell, end_cell):
            held = 0
            for t in range(nchunks):
                held += buffer_count[t, c]
            widest = max(widest, held)
        keys = np.empty(widest)
        rows = np.empty(widest, dtype=np.int64)
        scratch = np.empty(widest)
        for c in range(first_cell, end_cell):
            cap = cell_cap[c]
            total = np.int64(0)  # not a literal: see START
            lo = buffer_start[c]
            for t in range(nchunks):
                for q in range(buffer_count[t, c]):
                    keys[total] = buffer_keys[t, lo + q]
                    rows[total] = buffer_rows[t, lo + q]
                    total += 1
            dropped = 0
            if total > cap:
                cut, dropped = _keep_best(keys, rows, START, total, cap, scratch)
            else:
                cut = np.inf
                for q in range(total):
                    cut = min(cut, keys[q])
            for t in range(nchunks):
                if buffer_watch[t, c] == cut:
                    dropped += buffer_tied[t, c]
            out_cut[c] = cut
            out_tied[c] = dropped
            for q in range(min(cap, total)):
                out_rows[out_start[c] + q] = rows[q]
            if out_keys.shape[0] != 0:  # the keys are wanted (to merge with later entries)
                for q in range(min(cap, total)):
                    out_keys[out_start[c] + q] = keys[q]


merge = twins(_merge)


@inline
def _note_ties(c, value, dropped, watch, tied):
    """Record that ``dropped`` entries with key ``value`` left cell c unkept.

    Only ties at the cell's final cut matter, and that cut is at least any
    value recorded here (each is the cap-th best of entries already seen):
    a higher value replaces the count, an equal one adds to it, a lower one
    cannot be the final cut.
    """
    if not watch[c] == watch[c] or value > watch[c]:
        watch[c] = value
        tied[c] = dropped
    elif value == watch[c]:
        tied[c] += dropped


def _fold_into(
    cell_cap,
    start,
    keys,
    rows,
    count,
    floor,
    watch,
    tied,
    add_start,
    add_keys,
    add_rows,
    add_count,
    add_watch,
    add_tied,
):
    """Append a later run's entries to a pool of candidates, per cell, in place.

    The pool holds up to ``2 * cap`` entries of cell c at ``start[c]`` (in
    ascending entry order), the key below which nothing enters
    (``floor``) and the unkept ties at ``watch`` (``tied``). The added
    run's ``add_count[c]`` entries at ``add_start[c]`` (all after the
    pool's) are streamed in as :func:`_collect` streams rows: a key above
    the floor is appended, a key equal to ``watch`` is a tie; a full
    buffer is cut back to its ``cap`` best and the floor rises to the cut.
    The run's own unkept ties (``add_tied`` at ``add_watch``) are noted
    first. The work is that of the added entries (a cut-back of ``2 * cap``
    entries per ``cap`` appended), whatever the pool already holds.
    """
    ncells = cell_cap.shape[0]
    widest = 0
    for c in range(ncells):
        widest = max(widest, 2 * cell_cap[c])
    scratch = np.empty(widest)
    for c in range(ncells):
        if add_tied[c] > 0:
            _note_ties(c, add_watch[c], add_tied[c], watch, tied)
        cap = cell_cap[c]
        lo = start[c]
        for q in range(add_count[c]):
            key = add_keys[add_start[c] + q]
            if key > floor[c]:
                keys[lo + count[c]] = key
                rows[lo + count[c]] = add_rows[add_start[c] + q]
                count[c] += 1
                if count[c] >= 2 * cap:
                    cut, dropped = _keep_best(keys, rows, lo, count[c], cap, scratch)
                    count[c] = cap
                    floor[c] = cut
                    _note_ties(c, cut, dropped, watch, tied)
            elif key == watch[c]:
                tied[c] += 1


fold_into = twins(_fold_into)


def _settle(cell_cap, start, keys, rows, count, floor, watch, tied):
    """Cut back every cell of a pool (:func:`_fold_into`) that holds more than ``cap`` entries."""
    ncells = cell_cap.shape[0]
    widest = 0
    for c in range(ncells):
        widest = max(widest, 2 * cell_cap[c])
    scratch = np.empty(widest)
    for c in range(ncells):
        if count[c] > cell_cap[c]:
            cut, dropped = _keep_best(keys, rows, start[c], count[c], cell_cap[c], scratch)
            count[c] = cell_cap[c]
            floor[c] = cut
            _note_ties(c, cut, dropped, watch, tied)


settle = twins(_settle)


def _flag_from_cut(
    values, table, precision, labels, entry_rows, cell_start, cell_col, cut, inclusive, flags
):
    """0.1.0's value cut-offs: flag each entry whose key in a cell of its class
    is above the cell's cut (or at it, for inclusive cells)."""
    n = labels.shape[0]
    identity = entry_rows.shape[0] == 0
    for e in prange(n):
        k = labels[e]
        i = np.int64(e) if identity else entry_rows[e]
        own = as_float(values[i, k], table)
        for c in range(cell_start[k], cell_start[k + 1]):
            j = cell_col[c]
            key = -own if j < 0 else round_like(as_float(values[i, j], table) - own, precision)
            if key > cut[c] or (inclusive[c] and key == cut[c]):
                flags[0 if j < 0 else 1, e] = True


flag_from_cut = twins(_flag_from_cut)


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
    """Indices (ascending) of the ``count`` smallest scores, ties to the lower index (serial)."""
    n = scores.shape[0]
    keys = np.empty(n)
    rows = np.empty(n, dtype=np.int64)
    for i in range(n):
        keys[i] = -np.float64(scores[i])
        rows[i] = i
    _keep_best(keys, rows, START, n, count, np.empty(n))
    for q in range(count):  # a slice assignment would compile numpy's shape checks
        out[q] = rows[q]


smallest = twins(_smallest)
