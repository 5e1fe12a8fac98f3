"""Prune counts and per-cell selection shared by ``filter`` and ``pruning``.

Both vocabularies select label issues the same way: a prune-count matrix
``pcm`` (the confident joint transposed, ``pcm[y, s]``) says, per given class
k, how many rows to remove (``n_k - pcm[k, k]``, prune by class) and how many
rows labelled k to remove for each other class j (``pcm[j, k]``, prune by noise
rate). The two differ only in how a selection of m rows becomes a mask:

* ``"count"`` (cleanlab 2.x): exactly the m best rows; ties by lower row index.
* ``"cutoff"`` (cleanlab 0.1.0): a value cut-off from ``np.partition``. By
  class flags the self-confidences strictly below the (m+1)-th smallest; by
  noise rate flags every margin at or above the m-th largest (all ties).
"""

from __future__ import annotations

import warnings

import numba
import numpy as np

from . import _algebra
from ._kernels import prune as kern
from ._validation import pred_probs_views

SEMANTICS = ("count", "cutoff")


def reduce_prune_counts(prune_count_matrix, frac_noise=1.0):
    """Scale off-diagonal counts by ``frac_noise``, add the loss to the diagonal, truncate."""
    matrix = np.asarray(prune_count_matrix)
    scaled = matrix * frac_noise
    np.fill_diagonal(scaled, matrix.diagonal())
    np.fill_diagonal(scaled, matrix.diagonal() + np.sum(matrix - scaled, axis=0))
    return scaled.astype(int)


def keep_at_least_n_per_class(prune_count_matrix, n, frac_noise=1.0):
    """Raise each diagonal to at least ``n``, taking the difference evenly from its column."""
    matrix = np.asarray(prune_count_matrix)
    diagonal = np.diagonal(matrix)
    new_diagonal = np.maximum(diagonal, n)
    added = new_diagonal - diagonal
    nonzero = np.maximum(np.count_nonzero(matrix, axis=0) - 1.0, 1.0)
    adjusted = matrix - added / nonzero
    adjusted[adjusted < 0] = 0
    np.fill_diagonal(adjusted, new_diagonal)
    reduced = reduce_prune_counts(adjusted, frac_noise)
    return _algebra.round_preserving_row_totals(reduced).astype(int)


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
            out[k] = _algebra.round_preserving_sum(row)
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


def _cells(pcm, label_counts, prunable, by_class, by_noise_rate, semantics):
    """Cells per given class k (CSR): column (-1 = by class), capacity, and which method."""
    num_classes = len(label_counts)
    cols, caps, kinds, start = [], [], [], [0]
    for k in range(num_classes):
        n_k = int(label_counts[k])
        if prunable[k]:
            if by_class:
                remove = n_k - int(pcm[k, k])
                if semantics == "cutoff":
                    if remove >= n_k:
                        raise ValueError(
                            f"cannot remove {remove} of the {n_k} examples of class {k}: at "
                            "least one must stay (lower num_to_remove_per_class)."
                        )
                    if remove > 0 or remove < 0:
                        # the (remove+1)-th smallest (np.partition's kth, negative counts
                        # from the end as numpy does)
                        cap = remove + 1 if remove >= 0 else n_k + remove + 1
                        if cap <= 0:
                            raise ValueError(
                                f"the prune counts keep {int(pcm[k, k])} examples of class {k}, "
                                f"which has only {n_k}; check confident_joint."
                            )
                        cols.append(-1), caps.append(cap), kinds.append(0)
                elif remove >= 1:
                    cols.append(-1), caps.append(min(remove, n_k)), kinds.append(0)
            if by_noise_rate:
                for j in range(num_classes):
                    if j != k and pcm[j, k] > 0:
                        cols.append(j), caps.append(min(int(pcm[j, k]), n_k)), kinds.append(1)
        start.append(len(cols))
    return (
        np.array(cols, dtype=np.int64),
        np.array(caps, dtype=np.int64),
        np.array(kinds, dtype=np.int8),
        np.array(start, dtype=np.int64),
    )


def select(
    pred_probs,
    labels,
    label_counts,
    pcm,
    prunable,
    *,
    by_class,
    by_noise_rate,
    semantics="count",
    entry_rows=None,
):
    """Masks (by class, by noise rate) of the rows each method prunes; None if not asked.

    ``prunable[k]`` says whether class k is pruned at all. For multi-label
    data, ``labels[e]`` and ``entry_rows[e]`` list the (row, label) pairs.
    """
    n_rows = len(pred_probs)
    n_entries = len(labels)
    if entry_rows is None:
        entry_rows = np.zeros(0, dtype=np.int64)
    cols, caps, kinds, start = _cells(
        pcm, label_counts, prunable, by_class, by_noise_rate, semantics
    )
    views = pred_probs_views(pred_probs)
    heap_start = np.zeros(len(caps), dtype=np.int64)
    np.cumsum(caps[:-1], out=heap_start[1:])
    total = int(caps.sum())
    nchunks = max(1, min(numba.get_num_threads(), n_entries // 4096)) if total else 1
    chunk_rows = -(-n_entries // nchunks)
    heap_keys = np.empty((nchunks, total))
    heap_rows = np.empty((nchunks, total), dtype=np.int64)
    heap_size = np.zeros((nchunks, len(caps)), dtype=np.int64)
    nbytes = views.nbytes if nchunks > 1 else 0
    if len(caps):
        kern.select_chunks(
            views.values,
            views.table,
            labels,
            entry_rows,
            start,
            cols,
            caps,
            heap_start,
            chunk_rows,
            heap_keys,
            heap_rows,
            heap_size,
            nbytes=nbytes,
        )
    best_keys = np.empty(total)
    best_rows = np.empty(total, dtype=np.int64)
    best_size = np.zeros(len(caps), dtype=np.int64)
    if len(caps):
        kern.merge_chunks(
            caps,
            heap_start,
            heap_keys,
            heap_rows,
            heap_size,
            best_keys,
            best_rows,
            best_size,
            nbytes=total * 16 if len(caps) > 1 else 0,
        )
    del heap_keys, heap_rows
    masks = []
    for kind, wanted in ((0, by_class), (1, by_noise_rate)):
        if not wanted:
            masks.append(None)
            continue
        mask = np.zeros(n_rows, dtype=bool)
        cells = np.flatnonzero(kinds == kind)
        if semantics == "count":
            for c in cells:
                mask[best_rows[heap_start[c] : heap_start[c] + best_size[c]]] = True
        elif kind == 0:
            for c in cells:
                kept = slice(heap_start[c], heap_start[c] + best_size[c])
                keys = best_keys[kept]
                mask[best_rows[kept][keys > keys[-1]]] = True
        elif len(cells):
            cut = np.full(len(caps), np.inf)
            cut[cells] = best_keys[heap_start[cells] + best_size[cells] - 1]
            flags = np.zeros(n_entries, dtype=bool)
            kern.flag_at_least(
                views.values,
                views.table,
                labels,
                entry_rows,
                start,
                cols,
                cut,
                flags,
                nbytes=views.nbytes,
            )
            mask[flags if len(entry_rows) == 0 else entry_rows[flags]] = True
        masks.append(mask)
    return masks[0], masks[1]


def rows_argmax(pred_probs, rows):
    """First argmax of the given rows of ``pred_probs`` (O(len(rows) * K) reads, no copy)."""
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
    """Indices of the ``count`` smallest ``scores``, ascending; ties by lower index."""
    scores = np.ascontiguousarray(scores, dtype=np.float64)
    count = int(min(max(count, 0), len(scores)))
    out = np.empty(count, dtype=np.int64)
    if count:
        kern.smallest.serial(scores, count, out)
    return out
