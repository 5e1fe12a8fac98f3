"""Prune counts and per-cell selection shared by ``filter`` and ``pruning``.

Both vocabularies select label issues the same way: a prune-count matrix
``pcm`` (the confident joint transposed, ``pcm[y, s]``) says, per given class
k, how many rows to remove (``n_k - pcm[k, k]``, prune by class) and how many
rows labelled k to remove for each other class j (``pcm[j, k]``, prune by noise
rate); the selection reads it by given class, as sparse rows of ``pcm.T``.
The two vocabularies differ only in how a selection of m rows becomes a mask:

* ``"count"`` (cleanlab 2.x): exactly the m best rows. Equal keys that
  straddle the cut of a cell are resolved as cleanlab resolves them (its
  ``np.argsort`` on the keys of that cell, recomputed with numpy for that
  cell only), or by lower row index under ``tie_order("index")``.
* ``"cutoff"`` (cleanlab 0.1.0): a value cut-off from ``np.partition``. By
  class flags the self-confidences strictly below the (m+1)-th smallest; by
  noise rate flags every margin at or above the m-th largest (all ties).
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numba
import numpy as np

from .._kernels import prune as kern
from .._kernels.confident import CHUNK
from . import calibration as _calibration
from . import ties as _ties
from .parallel import PARALLEL_MIN_BYTES, map_in_threads
from .rows import joined
from .source import as_source
from .validation import is_small_data, is_small_input, pred_probs_views

SEMANTICS = ("count", "cutoff")


def reduce_prune_counts(prune_count_matrix, frac_noise=1.0):
    """Scale off-diagonal counts by ``frac_noise``, add the loss to the diagonal, truncate."""
    matrix = np.asarray(prune_count_matrix)
    scaled = matrix * frac_noise
    np.fill_diagonal(scaled, matrix.diagonal())
    np.fill_diagonal(scaled, matrix.diagonal() + np.sum(matrix - scaled, axis=0))
    return scaled.astype(int)


def keep_at_least_n_per_class(prune_count_matrix, n, frac_noise=1.0):
    """Raise each diagonal to at least ``n``, taking the difference evenly from its column.

    Then :func:`reduce_prune_counts`. (cleanlab rounds the result once more
    with row totals kept, a no-op on the integer matrix this returns.)
    """
    matrix = np.asarray(prune_count_matrix)
    diagonal = np.diagonal(matrix)
    if frac_noise == 1.0 and np.all(diagonal >= n):
        # nothing to move: the general path returns the same
        return matrix.astype(int)
    new_diagonal = np.maximum(diagonal, n)
    added = new_diagonal - diagonal
    nonzero = np.maximum(np.count_nonzero(matrix, axis=0) - 1.0, 1.0)
    adjusted = matrix - added / nonzero
    adjusted[adjusted < 0] = 0
    np.fill_diagonal(adjusted, new_diagonal)
    return reduce_prune_counts(adjusted, frac_noise)


def prune_counts(confident_joint, label_counts, min_examples_per_class, frac_noise, remove=None):
    """The prune counts of a ``SparseCounts`` confident joint, by given class.

    That is ``pcm.T`` with ``pcm`` from :func:`keep_at_least_n_per_class`
    (and :func:`counts_to_remove` when ``remove`` is given), as
    ``SparseCounts``: row k lists, per true class j, how many rows labelled k
    to prune. When nothing moves (``frac_noise`` 1, no ``remove``, every
    diagonal at least ``min_examples_per_class``), no K x K array is made.
    """
    diagonal = confident_joint.diagonal()
    if frac_noise == 1.0 and remove is None and np.all(diagonal >= min_examples_per_class):
        return confident_joint._replace(counts=confident_joint.counts.astype(int))
    pcm = keep_at_least_n_per_class(confident_joint.dense().T, min_examples_per_class, frac_noise)
    if remove is not None:
        pcm = counts_to_remove(pcm, label_counts, remove)
    return _calibration.SparseCounts.from_dense(pcm.T)


def counts_to_remove(prune_count_matrix, label_counts, num_to_remove_per_class):
    """Rescale ``pcm`` so that class k loses ``num_to_remove_per_class[k]`` rows.

    Rows that the formula leaves undefined (0/0: no other class is confidently
    of class k) are rounded entrywise with their undefined entries as 0, as
    cleanlab's own rounding does on x86.
    """
    pcm = np.asarray(prune_count_matrix, dtype=float)
    remove = np.asarray(num_to_remove_per_class)
    with np.errstate(divide="ignore", invalid="ignore"):
        psy = pcm / np.sum(pcm, axis=1)
        noise_per_s = psy.sum(axis=1) - psy.diagonal()
        wanted = (psy.T * remove / noise_per_s).T
    np.fill_diagonal(wanted, label_counts - remove)
    out = np.zeros(wanted.shape, dtype=np.int64)
    for k, row in enumerate(wanted):
        if np.all(np.isfinite(row)):
            out[k] = _calibration.round_preserving_sum(row)
        else:
            out[k] = np.where(np.isfinite(row), np.round(np.nan_to_num(row)), 0)
    return out


def check_frac_noise(frac_noise):
    """Return ``frac_noise`` as a float in [0, 1] or raise naming the argument."""
    try:
        value = float(frac_noise)
    except (TypeError, ValueError):
        raise TypeError(f"frac_noise must be a number in (0, 1], got {frac_noise!r}.") from None
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"frac_noise must lie in (0, 1] (1.0 = all issues), got {frac_noise!r}.")
    return value


def check_num_to_remove(num_to_remove_per_class, num_classes):
    """Return ``num_to_remove_per_class`` as int64 (K,) (a scalar applies to every class)."""
    remove = np.asarray(num_to_remove_per_class)
    if remove.ndim == 0:
        remove = np.full(num_classes, remove)
    if remove.shape != (num_classes,) or not (
        np.issubdtype(remove.dtype, np.integer)
        or (remove.dtype.kind == "f" and np.all(remove == np.round(remove)))
    ):
        raise ValueError(
            f"num_to_remove_per_class must hold one non-negative integer per class "
            f"({num_classes}), got {num_to_remove_per_class!r}."
        )
    remove = remove.astype(np.int64)
    if remove.min() < 0:
        raise ValueError("num_to_remove_per_class must not be negative.")
    return remove


def warn_small_classes(classes, min_examples_per_class):
    """One warning naming the classes that are too small to prune."""
    if len(classes) == 0:
        return
    shown = ", ".join(str(int(k)) for k in classes[:20]) + (" ..." if len(classes) > 20 else "")
    warnings.warn(
        f"May not flag all label issues in class(es) {shown}: each has at most "
        f"min_examples_per_class={min_examples_per_class} examples and is not pruned; lower "
        "min_examples_per_class to prune it.",
        UserWarning,
        stacklevel=3,
    )


class Cells(NamedTuple):
    """The cells of a selection, by given class (CSR: class k's cells are
    ``start[k]:start[k + 1]``, its by-class cell first, then ascending columns).

    ``cols[c]`` is the column of cell c (-1: by class), ``caps[c]`` how many
    rows it selects and ``inclusive[c]`` whether its value cut-off flags
    the keys equal to the cut (0.1.0's by noise rate).
    """

    cols: np.ndarray
    caps: np.ndarray
    inclusive: np.ndarray
    start: np.ndarray

    def subset(self, cells):
        """The ``Cells`` of the (ascending) ``cells`` only."""
        owner = np.repeat(np.arange(len(self.start) - 1), np.diff(self.start))[cells]
        start = np.zeros(len(self.start), dtype=np.int64)
        np.cumsum(np.bincount(owner, minlength=len(self.start) - 1), out=start[1:])
        return Cells(self.cols[cells], self.caps[cells], self.inclusive[cells], start)


def _cells(by_given, label_counts, prunable, by_class, by_noise_rate, semantics):
    """Cells per given class k (CSR, -1 first then ascending columns).

    ``by_given`` is the prune-count matrix transposed, as ``SparseCounts``
    (row k: rows labelled k to prune per true class). Returns the
    :class:`Cells`.
    """
    counts = np.asarray(label_counts, dtype=np.int64)
    num_classes = len(counts)
    diagonal = by_given.diagonal()
    remove = counts - diagonal.astype(np.int64)
    if not by_class:
        class_cell = np.zeros(num_classes, dtype=bool)
        class_cap = np.zeros(num_classes, dtype=np.int64)
    elif semantics == "cutoff":
        class_cell = prunable & (remove != 0)
        bad = np.flatnonzero(class_cell & (remove >= counts))
        if len(bad):
            k = int(bad[0])
            raise ValueError(
                f"cannot remove {remove[k]} of the {counts[k]} examples of class {k}: at "
                "least one must stay (lower num_to_remove_per_class)."
            )
        # flags self-confidences below the (remove+1)-th smallest (np.partition's
        # kth; a negative count counts from the end, as numpy does)
        class_cap = np.where(remove >= 0, remove + 1, counts + remove + 1)
        bad = np.flatnonzero(class_cell & (class_cap <= 0))
        if len(bad):
            k = int(bad[0])
            raise ValueError(
                f"the prune counts keep {int(diagonal[k])} examples of class {k}, which has "
                f"only {counts[k]}; check confident_joint."
            )
    else:
        class_cell = prunable & (remove >= 1)
        class_cap = np.minimum(remove, counts)
    if by_noise_rate:
        given = by_given.rows()  # by class, then column
        keep = (by_given.counts > 0) & prunable[given] & (by_given.columns != given)
        noise_k, noise_j = given[keep], by_given.columns[keep]
        noise_cap = np.minimum(by_given.counts[keep].astype(np.int64), counts[noise_k])
    else:
        noise_k = noise_j = noise_cap = np.zeros(0, dtype=np.int64)
    class_k = np.flatnonzero(class_cell)
    owner = np.concatenate([class_k, noise_k])
    order = np.argsort(owner, kind="stable")  # a class's by-class cell comes first
    cols = np.concatenate([np.full(len(class_k), -1), noise_j])[order]
    caps = np.concatenate([class_cap[class_k], noise_cap])[order]
    inclusive = np.concatenate([np.zeros(len(class_k), bool), np.ones(len(noise_k), bool)])
    start = np.zeros(num_classes + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=num_classes), out=start[1:])
    return Cells(cols.astype(np.int64), caps.astype(np.int64), inclusive[order], start)


#: Rows per chunk of the selection never fall below this; at most
#: MAX_CHUNKS chunks (each holds a candidate buffer of 2 x the prune counts).
MIN_CHUNK_ROWS = 4096
MAX_CHUNKS = 16
#: The collect kernel asks the CPU to fetch the cells of the entry this many
#: entries ahead (0: no prefetch).
PREFETCH_AHEAD = 16
#: With at least this many classes per thread, threads split the classes
#: instead of the rows: each cell then fills and rises in one chunk only.
MIN_CLASSES_PER_GROUP = 8


def _class_groups(labels, start, groups):
    """A group per class: classes with cells dealt out largest first, in snake order."""
    num_classes = len(start) - 1
    group = np.zeros(num_classes, dtype=np.int64)
    if groups == 1:
        return group
    sizes = np.bincount(labels, minlength=num_classes) * (np.diff(start) > 0)
    rank = np.arange(num_classes)
    snake = np.where((rank // groups) % 2 == 0, rank % groups, groups - 1 - rank % groups)
    group[np.argsort(-sizes, kind="stable")] = snake
    return group


def _chunk_cells(start, cols, nchunks):
    """Start of each class's column cells in each chunk of ``CHUNK`` columns.

    Row k of the (K, nchunks + 1) result splits the column cells of class k
    (``start[k]:start[k + 1]`` after its by-class cell, if any) by chunk;
    with ``nchunks`` 1, one chunk holds them all.
    """
    num_classes = len(start) - 1
    owner = np.repeat(np.arange(num_classes), np.diff(start))
    chunk = np.where(cols >= 0, np.minimum(cols // CHUNK, nchunks - 1), -1)
    counts = np.bincount(owner * (nchunks + 1) + chunk + 1, minlength=num_classes * (nchunks + 1))
    return start[:-1, None] + np.cumsum(counts.reshape(num_classes, nchunks + 1), axis=1)


class Best(NamedTuple):
    """Each cell's best entries: cell c keeps ``kept[c]`` entries, at
    ``offset[c]:offset[c] + kept[c]`` of ``keys`` and ``rows`` (``offset =
    cumsum(caps) - caps``, ascending entries); ``cuts[c]`` is the lowest kept
    key (the cap-th best), and ``tied[c]`` entries had a key equal to it but
    were not kept."""

    keys: np.ndarray
    rows: np.ndarray
    cuts: np.ndarray
    kept: np.ndarray
    tied: np.ndarray


def _best_per_cell(
    views,
    labels,
    entry_rows,
    own,
    row_max,
    chunk_max,
    start,
    cols,
    caps,
    floors,
    keep_keys=False,
    compact=False,
):
    """Run the collect and merge kernels: each cell's best entries above its floor (a ``Best``).

    ``chunk_max`` is a view of the chunk maxima of each row (as made by
    ``pred_probs_views``) or an empty 2-D array. The kept keys are returned
    only with ``keep_keys`` (else ``keys`` is empty). With ``compact``, cell
    c's kept entries start at ``cumsum(kept) - kept`` (no room is left for
    the entries it did not find) instead of ``cumsum(caps) - caps``.
    """
    n_entries = len(labels)
    parallel = views.nbytes >= PARALLEL_MIN_BYTES
    nchunks = max(1, min(numba.get_num_threads(), MAX_CHUNKS, n_entries // MIN_CHUNK_ROWS))
    nchunks = nchunks if parallel else 1
    num_classes = len(start) - 1
    groups = nchunks if num_classes >= MIN_CLASSES_PER_GROUP * nchunks else 1
    class_group = _class_groups(labels, start, groups)
    chunk_rows = -(-n_entries // (nchunks // groups))
    buffer_start = np.zeros(len(caps), dtype=np.int64)
    np.cumsum(2 * caps[:-1], out=buffer_start[1:])
    width = int(2 * caps.sum())
    buffer_keys = np.empty((nchunks, width))
    buffer_rows = np.empty((nchunks, width), dtype=np.int64)
    buffer_count = np.empty((nchunks, len(caps)), dtype=np.int64)
    buffer_floor = np.empty((nchunks, len(caps)))
    buffer_watch = np.empty((nchunks, len(caps)))
    buffer_tied = np.empty((nchunks, len(caps)), dtype=np.int64)
    chunk_cells = _chunk_cells(start, cols, max(1, chunk_max.shape[1]))
    kern.collect(
        views.values,
        views.table,
        views.precision,
        labels,
        entry_rows,
        views.as_values(own),
        views.as_values(row_max),
        chunk_max,
        start,
        cols,
        caps,
        floors,
        chunk_cells,
        buffer_start,
        chunk_rows,
        class_group,
        groups,
        PREFETCH_AHEAD,
        buffer_keys,
        buffer_rows,
        buffer_count,
        buffer_floor,
        buffer_watch,
        buffer_tied,
        nbytes=views.nbytes,  # by input size, so that a large input compiles one twin
    )
    kept = np.minimum(caps, buffer_count.sum(axis=0))
    out_start = np.cumsum(kept) - kept if compact else buffer_start // 2
    width = int(kept.sum() if compact else caps.sum())
    out_keys = np.empty(width if keep_keys else 0)
    out_rows = np.zeros(width, dtype=np.int64)
    cuts = np.empty(len(caps))
    tied = np.empty(len(caps), dtype=np.int64)
    kern.merge(
        caps,
        buffer_start,
        buffer_keys,
        buffer_rows,
        buffer_count,
        buffer_watch,
        buffer_tied,
        out_start,
        out_keys,
        out_rows,
        cuts,
        tied,
        nbytes=16 * int(buffer_count.sum()),  # by what it moves: few candidates, one thread
    )
    return Best(out_keys, out_rows, cuts, kept, tied)


class Pool(NamedTuple):
    """Candidates of rows read so far, per cell: the state of the selection over row ranges.

    Cell c holds ``count[c]`` entries at ``start[c]:start[c] + count[c]`` of
    ``keys`` and ``rows`` (ascending rows); no key below ``floor[c]`` can be
    kept, and ``tied[c]`` rows with key ``watch[c]`` were left out (only
    ties at the final cut matter). A range's pool (:func:`best_part`) is
    compact: its best ``cap`` entries per cell, nothing more. A pool made
    by :func:`_fold` (``growable``) gives each cell room for ``2 * cap``
    entries and takes later entries in place: its size is fixed by the
    prune counts, whatever the number of rows read.
    """

    keys: np.ndarray
    rows: np.ndarray
    start: np.ndarray
    count: np.ndarray
    floor: np.ndarray
    watch: np.ndarray
    tied: np.ndarray
    growable: bool


def _empty_pool(caps):
    """A growable pool with nothing in it: room for ``2 * cap`` entries per cell."""
    start = np.cumsum(2 * caps) - 2 * caps
    width = int(2 * caps.sum())
    return Pool(
        np.empty(width),
        np.empty(width, dtype=np.int64),
        start,
        np.zeros(len(caps), dtype=np.int64),
        np.where(caps > 0, -np.inf, np.inf),  # a cell that keeps nothing takes nothing
        np.full(len(caps), np.nan),
        np.zeros(len(caps), dtype=np.int64),
        True,
    )


def _fold(first, then, caps):
    """The ``Pool`` of two consecutive runs of entries (``first``'s entries come first).

    Streams ``then``'s candidates into ``first`` when ``first`` is growable
    (a pool made by an earlier fold, which nothing else holds), so the work
    is that of ``then``'s entries, not of all the rows before; a range's
    pool is first copied into a new growable one. The final top ``cap`` per
    cell, ties to the earlier entry, and the ties left out at the cut are
    those of the whole run (:func:`_settled`).
    """
    into = first if first.growable else _add(_empty_pool(caps), first, caps)
    return _add(into, then, caps)


def _add(into, then, caps):
    """Stream ``then``'s candidates into the growable pool ``into``; return ``into``."""
    kern.fold_into(
        caps,
        into.start,
        into.keys,
        into.rows,
        into.count,
        into.floor,
        into.watch,
        into.tied,
        then.start,
        then.keys,
        then.rows,
        then.count,
        then.watch,
        then.tied,
        nbytes=0,
    )
    return into


def _settled(pool, caps):
    """The ``Best`` (rows, cuts, kept, ties at the cut) of a ``Pool``; no keys.

    A range's own pool (not folded) is settled already: its rows only move
    to each cell's place in the output (no second merge: in memory, all rows
    are one range).
    """
    if not pool.growable:
        return _laid_out(pool, caps)
    kern.settle(
        caps,
        pool.start,
        pool.keys,
        pool.rows,
        pool.count,
        pool.floor,
        pool.watch,
        pool.tied,
        nbytes=0,
    )
    offset = np.cumsum(caps) - caps
    rows = np.zeros(int(caps.sum()), dtype=np.int64)
    cuts = np.empty(len(caps))
    tied = np.empty(len(caps), dtype=np.int64)
    kern.merge(
        caps,
        pool.start,
        pool.keys[None],
        pool.rows[None],
        pool.count[None],
        pool.watch[None],
        pool.tied[None],
        offset,
        np.empty(0),
        rows,
        cuts,
        tied,
        nbytes=0,
    )
    return Best(np.empty(0), rows, cuts, np.minimum(caps, pool.count), tied)


def _laid_out(pool, caps):
    """The ``Best`` of a range's own pool: its rows at ``cumsum(caps) - caps``, its cuts."""
    total = int(pool.count.sum())
    offset = np.cumsum(caps) - caps
    rows = np.zeros(int(caps.sum()), dtype=np.int64)
    rows[np.repeat(offset - pool.start, pool.count) + np.arange(total)] = pool.rows[:total]
    return Best(np.empty(0), rows, pool.watch.copy(), pool.count.copy(), pool.tied.copy())


class Bounds(NamedTuple):
    """What the row pass kept that lets the selection skip reads (empty arrays: nothing).

    ``own[e]``: the entry's own probability; ``row_max[i]``: row i's maximum
    (empty unless ``own`` is kept); ``chunk_max[i]``: its maximum in each
    chunk of ``CHUNK`` columns (in memory; (0, 0) unless ``row_max`` is kept).
    """

    own: np.ndarray
    row_max: np.ndarray
    chunk_max: np.ndarray


def _bounds(own=None, row_max=None, chunk_max=None):
    """The :class:`Bounds` of what was kept (None: not kept)."""
    own = np.zeros(0) if own is None else own
    row_max = np.zeros(0) if row_max is None or not len(own) else row_max
    chunk_max = np.zeros((0, 0)) if chunk_max is None or not len(row_max) else chunk_max
    return Bounds(own, row_max, chunk_max)


def _best(source, labels, entry_rows, cells, floors, bounds):
    """Each cell's best entries above its floor (a ``Best``): :func:`best_part` on every
    range of ``source``, folded in row order (:func:`_fold`), then settled."""
    pool = source.fold_ranges(
        best_part,
        _fold,
        entry_rows,
        cells.start,
        cells.cols,
        cells.caps,
        floors,
        rows=(labels, *bounds),
        fold_args=(cells.caps,),
    )
    return _settled(pool, cells.caps)


def best_part(
    lo,
    hi,
    block,
    labels,
    own,
    row_max,
    chunk_max,
    entry_rows,
    start,
    cols,
    caps,
    floors,
    before=None,
):
    """The ``Pool`` of rows ``lo:hi`` (a ``fold_ranges`` part; row numbers global).

    ``own``, ``row_max`` and ``chunk_max`` are the :class:`Bounds` of the
    rows (empty: no bounds). Entries are the rows, unless ``entry_rows``
    lists the (row, label) pairs (in memory: all rows are one range). Given
    the pool of the rows before (``before``), a cell only takes keys at or
    above that pool's floor: lower ones can neither be kept nor tie at the
    final cut. The pool holds each cell's best ``cap`` entries of the range,
    compactly (its size is that of what the range offers above the floors).
    """
    views = pred_probs_views(block)
    if before is not None:
        floors = np.maximum(floors, np.nextafter(before.floor, -np.inf))
    if len(chunk_max):
        chunk_max = views.as_values(chunk_max)
    else:
        chunk_max = np.zeros((0, 0), dtype=views.values.dtype)
    # a cell cannot keep more entries than the range has of its class: buffers
    # sized by that stay small (fresh memory costs a page fault a cell)
    owner = np.repeat(np.arange(len(start) - 1), np.diff(start))
    room = np.minimum(caps, np.bincount(labels, minlength=len(start) - 1)[owner])
    best = _best_per_cell(
        views, labels, entry_rows, own, row_max, chunk_max, start, cols, room, floors, True, True
    )
    if lo:
        best.rows[:] += lo
    full = best.kept >= caps
    return Pool(
        best.keys,
        best.rows,
        np.cumsum(best.kept) - best.kept,
        best.kept,
        np.where(full, best.cuts, -np.inf),
        best.cuts,
        best.tied,
        False,
    )


def flag_part(lo, hi, block, labels, entry_rows, start, cols, cuts, inclusive):
    """Flags (by class, by noise rate) of each entry of rows ``lo:hi`` at or beyond its cell's
    value cut; an entry is a row unless ``entry_rows`` lists the (row, label) pairs."""
    views = pred_probs_views(block)
    flags = np.zeros((2, len(labels)), dtype=np.bool_)
    kern.flag_from_cut(
        views.values,
        views.table,
        views.precision,
        labels,
        entry_rows,
        start,
        cols,
        cuts,
        inclusive,
        flags,
        nbytes=views.nbytes,
    )
    return flags


def select(
    pred_probs,
    labels,
    label_counts,
    by_given,
    prunable,
    *,
    by_class,
    by_noise_rate,
    semantics="count",
    entry_rows=None,
    own=None,
    row_max=None,
    chunk_max=None,
):
    """Masks (by class, by noise rate) of the rows each method prunes; None if not asked.

    ``by_given`` holds the prune counts by given class (:func:`prune_counts`;
    ``SparseCounts.from_dense(pcm.T)`` of a dense prune-count matrix).
    ``prunable[k]`` says whether class k is pruned at all. For multi-label
    data (in memory), ``labels[e]`` and ``entry_rows[e]`` list the (row,
    label) pairs. ``own`` (``p[i, labels[i]]``) and ``row_max`` (row
    maxima), when given, let the selection skip rows unread; ``chunk_max``
    (the maxima of each chunk of ``CHUNK`` columns, as kept by the row pass)
    lets it skip the chunks of a row that cannot hold a key above the floors.

    Each cell (:class:`Cells`) is selected one of three ways: by numpy's sorts
    (:func:`_flag_as_numpy`, small inputs), or by the kernels, which keep
    each cell's best ``cap`` rows (:func:`_flag_top_counts`, cleanlab 2.x's
    counts) or find its cut for 0.1.0's value cut-offs (:func:`_flag_cutoffs`).
    """
    source = as_source(pred_probs)
    if entry_rows is None:
        entry_rows = np.zeros(0, dtype=np.int64)
    elif len(entry_rows) and not source.in_memory:
        raise TypeError("multi-label pred_probs must be a numpy array, not read in ranges.")
    cells = _cells(by_given, label_counts, prunable, by_class, by_noise_rate, semantics)
    flags = np.zeros((2, len(labels)), dtype=np.bool_)
    if _sorts_each_cell(source, entry_rows, cells.caps, semantics):
        which = np.flatnonzero(cells.caps)
        if semantics == "count":
            _ties.record("cell", _flag_as_numpy(flags, source, labels, cells, which))
        else:
            _flag_as_numpy(flags, source, labels, cells, which, cutoff=True)
    elif len(cells.caps):
        bounds = _bounds(own, row_max, chunk_max)
        flag = _flag_top_counts if semantics == "count" else _flag_cutoffs
        flag(flags, source, labels, entry_rows, cells, bounds)
    masks = []
    for kind, wanted in ((0, by_class), (1, by_noise_rate)):
        if not wanted:
            masks.append(None)
        elif len(entry_rows) == 0:
            masks.append(flags[kind])
        else:
            mask = np.zeros(source.n_rows, dtype=bool)
            mask[entry_rows[flags[kind]]] = True
            masks.append(mask)
    return masks[0], masks[1]


def _best_of_cells(source, labels, entry_rows, cells, bounds):
    """Each cell's best entries (a ``Best``), the cells that came up short, and their ``Best``.

    A margin ``p[i, j] - p[i, k]`` is positive only in a row whose label is
    not its argmax. So the first run takes only keys above a floor: 0 for
    column cells, and in memory, for large cells, a likely lower bound of
    the cut from a sample (:func:`_sampled_floors`). A cell with at least
    ``cap`` keys above its floor needs no other row, and every row whose
    ``row_max - own`` is at most the lowest floor of its class's cells is
    skipped. Cells with fewer (rare, "short") are selected again among all
    rows of their class; in the first ``Best`` they then keep nothing and
    take the cut and ties of the second. Rows are read in memory order, in
    up to one chunk per thread, then merged per cell. Extra memory: 2 x
    (chunks) x (sum of the prune counts) keys and rows.
    """
    floors = np.where(cells.cols >= 0, 0.0, -np.inf)
    if source.in_memory:
        floors = _sampled_floors(source, labels, entry_rows, cells, floors, bounds)
    best = _best(source, labels, entry_rows, cells, floors, bounds)
    short = np.flatnonzero(best.kept < cells.caps)  # too few keys above the floor
    again = None
    if len(short):
        unbounded = _bounds(bounds.own)
        again = _best(
            source,
            labels,
            entry_rows,
            cells.subset(short),
            np.full(len(short), -np.inf),
            unbounded,
        )
        best.cuts[short] = again.cuts
        best.tied[short] = again.tied
        best.kept[short] = 0
    return best, short, again


def _flag_top_counts(flags, source, labels, entry_rows, cells, bounds):
    """Flag each cell's ``cap`` best rows, as cleanlab 2.x does (its ``np.argsort``).

    The kernels find them (:func:`_best_of_cells`); a cell whose cut falls on
    equal keys takes numpy's choice among them (:func:`_flag_as_numpy`),
    unless ties follow the row index (``tie_order("index")``).
    """
    best, short, again = _best_of_cells(source, labels, entry_rows, cells, bounds)
    kinds = (cells.cols >= 0).astype(np.int64)
    refit = np.flatnonzero(best.tied > 0) if _ties.numpy_order() else np.zeros(0, np.int64)
    if len(refit):
        best.kept[refit] = 0
    _flag_kept(flags, kinds, cells.caps, best.kept, best.rows)
    if len(short):
        again.kept[np.isin(short, refit)] = 0
        _flag_kept(flags, kinds[short], cells.caps[short], again.kept, again.rows)
    if len(refit):
        _flag_as_numpy(flags, source, labels, cells, refit)
        _ties.record("cell", len(refit))


def _flag_cutoffs(flags, source, labels, entry_rows, cells, bounds):
    """Flag every key at or beyond its cell's value cut-off, as cleanlab 0.1.0 does.

    The kernels find each cut (:func:`_best_of_cells`: the ``cap``-th best
    key); one more pass flags the keys below it (by class), or at or above
    it (``inclusive``, by noise rate). Equal keys are all flagged or none.
    """
    cuts = _best_of_cells(source, labels, entry_rows, cells, bounds)[0].cuts
    parts = source.map_ranges(
        flag_part, entry_rows, cells.start, cells.cols, cuts, cells.inclusive, rows=(labels,)
    )
    flags[:] = joined(parts, axis=1)


def _sorts_each_cell(source, entry_rows, caps, semantics):
    """Whether to select the cells with numpy's sorts (:func:`_flag_as_numpy`).

    For small multi-class inputs (``_validation.is_small_data``, in memory
    or read in ranges) with at most :data:`SORTED_MAX_CELLS` cells, when
    ties follow numpy (0.1.0's value cut-offs have no tie order): there the
    sorts take a millisecond more than the kernels, which would cost seconds
    to compile on a first call.
    """
    numpy_ties = semantics == "cutoff" or _ties.numpy_order()
    if not numpy_ties or len(entry_rows) or len(caps) > SORTED_MAX_CELLS:
        return False
    return is_small_data(source)


def _flag_as_numpy(flags, source, labels, cells, which, cutoff=False):
    """Flag, for each of the cells ``which``, the rows that cleanlab's ``np.argsort`` picks.

    A cell (given class k, column j) sorts the rows labelled k, in row order,
    by ``-(p[:, j] - p[:, k])`` (by class: by ``p[:, k]``), computed by numpy
    in the dtype of ``pred_probs``, and keeps the first ``cap``: exactly the
    array and the call whose tie order cleanlab's answer depends on. With
    ``cutoff`` (0.1.0's value cut-offs), it flags instead the rows whose key
    is below the ``cap``-th smallest (``np.partition``), or at or below it
    where the cell is ``inclusive``. Reads two columns of the rows of each
    class concerned (``source.gather``: read in ranges, all of them in one
    pass; in memory, each class's on one of the kernels' threads, as numpy's
    sorts release the GIL). Returns how many of the cells cut through equal
    keys (0 with ``cutoff``).
    """
    cols, caps, start = cells.cols, cells.caps, cells.start
    owner = np.repeat(np.arange(len(start) - 1), np.diff(start))[which]
    by_label = np.argsort(labels, kind="stable")
    class_start = np.zeros(len(start), dtype=np.int64)
    np.cumsum(np.bincount(labels, minlength=len(start) - 1), out=class_start[1:])
    classes = np.unique(owner).tolist()
    members = {k: by_label[class_start[k] : class_start[k + 1]] for k in classes}
    cells_of = {k: which[owner == k] for k in classes}
    requests = [(members[k], column) for k in classes for column in _columns(k, cols, cells_of[k])]
    columns = source.gather(requests)
    first = np.cumsum([0] + [1 + len(cells_of[k]) for k in classes]).tolist()

    def select_class(index, k):
        rows = members[k]
        own = columns[first[index]]
        chosen = []
        for at, cell in enumerate(cells_of[k], start=first[index] + 1):
            keys = own if cols[cell] < 0 else -(columns[at] - own)
            cap = caps[cell]
            if cutoff:
                cut = np.partition(keys, cap - 1)[cap - 1]
                inclusive = cells.inclusive[cell]
                chosen.append((rows[(keys <= cut) if inclusive else (keys < cut)], False))
                continue
            order = np.argsort(keys)
            tied = 0 < cap < len(keys) and keys[order[cap - 1]] == keys[order[cap]]
            chosen.append((rows[order[:cap]], tied))
        return chosen

    tied_cuts = 0
    found = map_in_threads(lambda index: select_class(index, classes[index]), range(len(classes)))
    for k, chosen in zip(classes, found, strict=True):
        for cell, (rows, tied) in zip(cells_of[k], chosen, strict=True):
            flags[int(cols[cell] >= 0), rows] = True
            tied_cuts += tied
    return tied_cuts


def _columns(k, cols, cells):
    """The columns one class's cells read: its own first, then one per cell (own again by class)."""
    return [k] + [k if cols[cell] < 0 else int(cols[cell]) for cell in cells]


#: Small inputs with at most this many cells are selected by numpy's sorts.
SORTED_MAX_CELLS = 256
#: Cells that keep at least this many rows first get a floor from a sample of
#: every SAMPLE_STRIDE-th entry.
SAMPLED_MIN_CAP = 256
SAMPLE_STRIDE = 8


def _sampled_floors(source, labels, entry_rows, cells, floors, bounds):
    """Floors of large cells raised to a likely lower bound of their cut, from a sample.

    A cell that keeps m rows takes, in a sample of every ``SAMPLE_STRIDE``-th
    entry, a few more than its share ``m / SAMPLE_STRIDE`` plus four standard
    deviations; the last of them is almost surely below the cell's cut, so
    the full selection offers far fewer keys. If it is not, the cell keeps
    fewer than m rows above its floor and :func:`_best_of_cells` selects it
    again without one: the result is exact either way. In memory only (the
    sample's entries are passed whole to the one range).
    """
    big = np.flatnonzero(cells.caps >= SAMPLED_MIN_CAP)
    if not len(big):
        return floors
    sample = np.arange(0, len(labels), SAMPLE_STRIDE)
    share = cells.caps[big] / SAMPLE_STRIDE
    wanted = np.ceil(share + 4 * np.sqrt(share) + 2).astype(np.int64)
    own = bounds.own[sample] if len(bounds.own) else bounds.own
    _, _, cuts, kept, _ = _best(
        source,
        labels[sample],
        entry_rows[sample] if len(entry_rows) else sample,
        cells.subset(big)._replace(caps=wanted),
        floors[big],
        bounds._replace(own=own),
    )
    raised = floors.copy()
    found = kept >= wanted
    # kept keys lie above the old floor, so the step below the cut never lowers it
    raised[big[found]] = np.nextafter(cuts[found], -np.inf)
    return raised


def _flag_kept(flags, kinds, caps, kept, rows):
    """Set ``flags[kind of cell, row]`` for the kept rows of every cell."""
    offset = np.repeat(np.cumsum(caps) - caps, caps)
    valid = np.arange(len(rows)) - offset < np.repeat(kept, caps)
    flags[np.repeat(kinds, caps)[valid], rows[valid]] = True


def rows_argmax(pred_probs, rows):
    """First argmax of the given rows of ``pred_probs`` (O(len(rows) * K) reads)."""
    if is_small_input(pred_probs):  # numpy's answer is the kernel's; nothing to compile
        return np.argmax(pred_probs[rows], axis=1).astype(np.int64)
    views = pred_probs_views(pred_probs)
    out = np.empty(len(rows), dtype=np.int64)
    if len(rows):
        kern.rows_argmax(
            views.keys,
            np.ascontiguousarray(rows, dtype=np.int64),
            out,
            nbytes=len(rows) * pred_probs.shape[1] * pred_probs.itemsize,
        )
    return out


def smallest(scores, count):
    """Indices (ascending) of the ``count`` smallest ``scores``; ties to the lower index."""
    scores = np.ascontiguousarray(scores, dtype=np.float64)
    count = int(min(max(count, 0), len(scores)))
    out = np.empty(count, dtype=np.int64)
    if count:
        kern.smallest.serial(scores, count, out)
    return out
