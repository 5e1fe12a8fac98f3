"""Python side of the confident-joint kernels: buffers, blocks and checks.

Data flow for one call of ``compute_confident_joint`` (N rows, K classes):

1. ``self_confidence_means``: one gather of ``pred_probs[i, labels[i]]`` (N
   reads, not N*K) -> per-class mean self-confidence, as numpy's ``mean``
   computes it = the thresholds.
2. ``row_pass``: one streaming read of ``pred_probs`` -> per-row argmax and
   guess (int32, 8 bytes a row) and the value statistics that validation reads;
   for the selection, optionally each row's own probability, maximum and
   maxima per chunk of ``kern.CHUNK`` columns.
3. ``count_pairs``: two passes over the two int arrays -> the counts,
   sparse (CSR by label: at most N + K entries).

Extra memory: O(N) for the per-row outputs plus O(K * blocks) partial sums
(O(K * N / ATOM_ROWS) for the class sums).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._kernels import confident as kern
from .calibration import SparseCounts
from .constants import FLOATING_POINT_COMPARISON
from .rows import joined, own_values
from .source import as_source
from .validation import (
    is_small_input,
    pred_probs_views,
    raise_for_value_stats,
    small_paths_allowed,
)

#: Rows per block never fall below this; blocks never exceed ``MAX_BLOCKS``.
MIN_BLOCK_ROWS = 2048
MAX_BLOCKS = 256
#: Rows at least this wide (bytes) keep their own probability and maximum for
#: the selection: its bounds then skip rows that would cost several cache lines.
KEEP_VALUES_MIN_ROW_BYTES = 256
#: With values kept, rows also keep their maximum per ``kern.CHUNK`` columns
#: when they span several chunks and the classes have this many rows on
#: average: the selection's floors then rise early enough for the per-chunk
#: bounds to skip more reads than their tests cost (measured at K = 1000:
#: 10-20 % faster selection with 1,281-4,270 rows a class, 12-37 % slower with 100-400).
KEEP_CHUNKS_MIN_ROWS_PER_CLASS = 1000


def worth_keeping_values(pred_probs):
    """Whether a pruning pass should keep each row's own probability and maximum."""
    return pred_probs.shape[1] * pred_probs.itemsize >= KEEP_VALUES_MIN_ROW_BYTES


def block_rows(n_rows):
    """Rows per block: depends on N only, so results never depend on threads."""
    return max(MIN_BLOCK_ROWS, -(-n_rows // MAX_BLOCKS))


def self_confidence_means(pred_probs, labels, num_classes):
    """``np.mean`` of ``pred_probs[i, labels[i]]`` over each class's rows, and the class counts.

    The means are numpy's own, bit for bit, as cleanlab computes its
    thresholds (``np.mean(pred_probs[:, k][labels == k])``): numpy sums the
    values in the dtype of ``pred_probs`` (float32 for float16) by pairwise
    summation, whose result depends on the order and number of the values,
    so the values are grouped by class in row order (each range's read in
    place, N reads, not N*K; :func:`grouped_part`), and each group is
    averaged by ``np.mean``. Classes without examples get NaN.
    ``pred_probs`` is an array or a source (one pass).
    """
    source = as_source(pred_probs)
    parts = source.map_ranges(grouped_part, num_classes, rows=(labels,))
    counts = sum(part_counts for _, part_counts in parts[1:])
    counts = counts + parts[0][1] if parts else np.zeros(num_classes, dtype=np.int64)
    return means_of_groups(merged_groups(parts, counts, source.dtype), counts), counts


#: Rows from which :func:`grouped_means` groups the values with a kernel.
GROUP_KERNEL_MIN_ROWS = 1 << 16


def grouped_means(values, labels, num_classes, column_is_label=False):
    """``np.mean`` of each class's values (NaN if absent), and the counts.

    ``values`` is (N,) (row i's value), or with ``column_is_label`` (N, K)
    (row i's value is ``values[i, labels[i]]``, read in place). O(N) extra
    memory and an O(N) stable sort of the values by label (numpy's radix
    sort, or a counting-sort kernel from :data:`GROUP_KERNEL_MIN_ROWS` rows),
    instead of one pass over the labels per class.
    """
    counts = np.bincount(labels, minlength=num_classes)
    return means_of_groups(
        grouped_by_label(values, labels, counts, column_is_label), counts
    ), counts


def grouped_by_label(values, labels, counts, column_is_label=False):
    """The values (see :func:`grouped_means`) of class 0's rows, then class 1's, ...

    Each class's in row order.
    """
    if len(labels) < GROUP_KERNEL_MIN_ROWS and small_paths_allowed():  # no kernel to compile
        if column_is_label:
            values = own_values(0, len(labels), values, labels)
        narrow = np.int16 if len(counts) <= np.iinfo(np.int16).max else np.int32
        return values[np.argsort(labels.astype(narrow), kind="stable")]
    # the same order by a counting sort of the values' bits
    dtype = values.dtype
    bits = values.view(f"u{dtype.itemsize}")
    if not column_is_label:
        bits = bits.reshape(-1, 1)
    return kern.group_by_label(bits, labels, counts, column_is_label).view(dtype)


def grouped_part(lo, hi, block, labels, num_classes):
    """Rows ``lo:hi``'s own probabilities grouped by label, and the counts.

    A ``map_ranges`` part; the values are read in place (N reads, not N*K).
    """
    counts = np.bincount(labels, minlength=num_classes)
    return grouped_by_label(block, labels, counts, column_is_label=True), counts


def merged_groups(parts, counts, dtype):
    """The grouped values of consecutive ranges (``grouped_part``) as those of all their rows.

    One range's are returned as they are; several are put in class order by a
    stable sort, which keeps each class's values in row order.
    """
    if len(parts) == 1:
        return parts[0][0]
    if not parts:
        return np.zeros(0, dtype=dtype)
    values = np.concatenate([grouped for grouped, _ in parts])
    owner = np.concatenate([np.repeat(np.arange(len(counts)), part) for _, part in parts])
    narrow = np.int16 if len(counts) <= np.iinfo(np.int16).max else np.int32
    return values[np.argsort(owner.astype(narrow), kind="stable")]


def means_of_groups(grouped, counts):
    """``np.mean`` of each consecutive group of ``grouped`` (``counts[k]`` values; NaN if 0)."""
    means = np.full(len(counts), np.nan, dtype=np.mean(grouped[:1]).dtype)
    ends = np.cumsum(counts).tolist()
    for k, (end, count) in enumerate(zip(ends, counts.tolist(), strict=True)):
        if count:
            means[k] = np.mean(grouped[end - count : end])
    return means


@dataclass(frozen=True)
class RowPass:
    """Per-row results of one pass over ``pred_probs``."""

    argmax: np.ndarray  # int32 (N,), first maximum of each row
    guess: np.ndarray  # int32 (N,), confident class or -1
    own: np.ndarray | None = None  # (N,), p[i, labels[i]] (if kept)
    row_max: np.ndarray | None = None  # (N,), max of each row (if kept)
    #: (N, ceil(K / CHUNK)) in the dtype of pred_probs, max of each chunk of
    #: kern.CHUNK columns (kept with the values when a row has several chunks
    #: and the classes have KEEP_CHUNKS_MIN_ROWS_PER_CLASS rows on average)
    chunk_max: np.ndarray | None = None
    #: (N,), the values of the pass's ``per_row`` function (see :func:`row_pass`)
    per_row: np.ndarray | None = None


def row_pass(
    pred_probs,
    labels,
    threshold_limits=None,
    paper_rule=False,
    check_sums=True,
    name="pred_probs",
    keep_values=False,
    per_row=None,
):
    """Run the row kernel, check the values it saw, and return its outputs.

    ``threshold_limits[k]`` is the value a probability of class k must reach
    to be confident (thresholds minus the tolerance); None means no class is
    ever confident (a validation-only pass that still yields the argmax).
    ``keep_values`` also keeps each row's own probability and maximum, in
    float32 (exact for float16 and float32 input) or float64, and, in memory,
    for rows of more than ``kern.CHUNK`` classes with
    :data:`KEEP_CHUNKS_MIN_ROWS_PER_CLASS` rows a class, the maximum of each
    chunk of them. A source that is not in memory always keeps the values
    (reading a row again costs a read of the source) and never the chunk
    maxima (the selection over ranges does not use them). ``per_row =
    (function, args)``, if given, computes ``function(labels, rows, *args)``
    (one value a row) from each checked range while it is at hand, into
    ``RowPass.per_row``; a module-level function, so that dask workers can run it.
    """
    source = as_source(pred_probs)
    with source.row_sums(name):
        parts = source.map_ranges(
            row_pass_part,
            threshold_limits,
            paper_rule,
            check_sums,
            name,
            source.in_memory,
            keep_values or not source.in_memory,
            per_row,
            rows=(labels,),
        )
    return RowPass(*(joined(field) for field in zip(*parts, strict=True)))


def row_pass_part(
    lo,
    hi,
    block,
    labels,
    threshold_limits,
    paper_rule,
    check_sums,
    name,
    whole,
    keep_values,
    per_row,
):
    """:func:`row_pass` on rows ``lo:hi`` (a ``map_ranges`` part): the ``RowPass`` fields.

    Messages name the rows (``name[lo:hi]``) unless the rows are the ``whole``
    array in memory, whose rows also keep their chunk maxima.
    """
    rows = _row_pass_array(
        block,
        labels,
        threshold_limits,
        paper_rule,
        check_sums,
        name if whole else f"{name}[{lo}:{hi}]",
        keep_values,
        keep_chunks=whole,
    )
    extra = None
    if per_row is not None:
        function, args = per_row
        extra = function(labels, block, *args)
    return rows.argmax, rows.guess, rows.own, rows.row_max, rows.chunk_max, extra


def _row_pass_array(
    pred_probs,
    labels,
    threshold_limits,
    paper_rule,
    check_sums,
    name,
    keep_values,
    keep_chunks=True,
):
    n_rows, num_classes = pred_probs.shape
    if threshold_limits is None:
        threshold_limits = np.full(num_classes, np.nan)
    block = block_rows(n_rows)
    nblocks = -(-n_rows // block)
    for attempt in range(2):
        views = pred_probs_views(pred_probs)
        argmax = np.empty(n_rows, dtype=np.int32)
        guess = np.empty(n_rows, dtype=np.int32)
        key_min = np.empty(nblocks, dtype=np.int64)
        key_max = np.empty(nblocks, dtype=np.int64)
        sum_dev = np.empty(nblocks)
        kept = n_rows if keep_values else 0
        value_dtype = np.float64 if pred_probs.dtype == np.float64 else np.float32
        # the float64 copy of a small input writes float64 too: one compiled kernel
        own = np.empty(kept, dtype=np.float64 if views.shared else value_dtype)
        row_max = np.empty(kept, dtype=own.dtype)
        many_rows = n_rows >= KEEP_CHUNKS_MIN_ROWS_PER_CLASS * num_classes
        wide = num_classes > kern.CHUNK and many_rows and keep_chunks
        nchunks = -(-num_classes // kern.CHUNK) if wide else 0
        chunk_dtype = np.float64 if views.shared else pred_probs.dtype
        chunk_max = np.empty((kept if nchunks else 0, nchunks), dtype=chunk_dtype)
        kern.row_pass(
            views.keys,
            views.values,
            views.table,
            labels,
            views.ceil_keys(threshold_limits),
            paper_rule,
            check_sums,
            block,
            guess,
            argmax,
            own,
            row_max,
            chunk_max.view(views.keys.dtype),
            key_min,
            key_max,
            sum_dev,
            nbytes=views.nbytes,
        )
        negative_zero = raise_for_value_stats(
            pred_probs, int(key_min.min()), int(key_max.max()), float(sum_dev.max()), name, views
        )
        if not negative_zero or attempt:
            # negative values (accepted down to -1e-6) have keys that order them in
            # reverse: a chunk's largest key is not its largest value (no bounds
            # then), and a negative limit is no single key (rows graded again)
            ordered = key_min.min() >= 0
            if not ordered and np.any(threshold_limits < 0):
                _regrade_negative_limits(pred_probs, threshold_limits, paper_rule, argmax, guess)
            if not keep_values:
                return RowPass(argmax, guess)
            own, row_max = (
                own.astype(value_dtype, copy=False),
                row_max.astype(value_dtype, copy=False),
            )
            chunk_max = (
                chunk_max.astype(pred_probs.dtype, copy=False) if nchunks and ordered else None
            )
            return RowPass(argmax, guess, own, row_max, chunk_max)
        # -0.0 is a valid probability whose integer key sorts below every
        # other value: re-run once on a copy where it is +0.0.
        pred_probs = pred_probs + pred_probs.dtype.type(0.0)
    raise AssertionError("unreachable")


def _regrade_negative_limits(pred_probs, limits, paper_rule, argmax, guess):
    """Grade again, with numpy, the rows holding a negative value in a column whose
    limit is negative (``p >= limit`` is then no comparison of integer keys)."""
    columns = np.flatnonzero(limits < 0)
    rows = np.flatnonzero((pred_probs[:, columns] < 0).any(axis=1))
    block = pred_probs[rows].astype(np.float64)  # exact: compared as numpy compares
    confident = block >= limits
    count = confident.sum(axis=1)
    several = np.where(confident, block, -np.inf).argmax(axis=1) if paper_rule else argmax[rows]
    guess[rows] = np.where(count == 0, -1, np.where(count == 1, confident.argmax(axis=1), several))


def confident_counts(labels, guess, num_classes, min_diagonal=0):
    """Counts of (given label, confident guess) over confident rows, as ``SparseCounts``.

    ``guess`` is -1 for a row without a confident class. With
    ``min_diagonal``, every diagonal count is present and at least that.
    """
    return SparseCounts(*kern.count_pairs(labels, guess, num_classes, min_diagonal))


def label_is_predicted(pred_probs, labels, argmax, rows, own=None, row_max=None):
    """Whether the label of each of ``rows`` wins the argmax given a 1e-6 head start.

    Equals ``argmax(p + 1e-6 * onehot(label)) == label`` with the sum rounded
    in the dtype of ``pred_probs``, as cleanlab 2.x computes it, but from
    2 x len(rows) compiled gathers instead of an (N, K) copy, or none when the
    row pass kept each row's ``own`` probability and ``row_max`` (exact copies).
    """
    dtype = pred_probs.dtype
    top = argmax[rows]
    given = labels[rows]
    if own is not None and row_max is not None:
        best, mine = row_max[rows], own[rows]
    elif is_small_input(pred_probs):  # numpy's gather: the same values, nothing to compile
        best, mine = pred_probs[rows, top], pred_probs[rows, given]
    else:
        views = pred_probs_views(pred_probs)
        best, mine = np.empty(len(rows)), np.empty(len(rows))
        # int64 columns: one compiled gather per dtype serves both
        kern.gather(views.values, views.table, rows, top.astype(np.int64), best)
        kern.gather(views.values, views.table, rows, given.astype(np.int64), mine)
    best, mine = best.astype(dtype), mine.astype(dtype)  # exact: the values came from dtype
    boosted = mine + dtype.type(FLOATING_POINT_COMPARISON)  # cleanlab 2.x's head start
    return (top == given) | ((top < given) & (boosted > best)) | ((top > given) & (boosted >= best))
