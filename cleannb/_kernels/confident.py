"""Kernels for per-class thresholds and the confident joint.

``pred_probs`` reaches these kernels in two views of the same memory:
``values`` (float32/float64 as they are; float16 as its int16 bit pattern,
decoded through ``table``) and ``keys``, the signed-integer view of the same
bits. Inputs under 1 MiB come as a float64 copy instead
(``cleannb._core.validation.SMALL_INPUT_MAX_BYTES``), so that one compiled
kernel serves them whatever their dtype and layout; larger ones are never
copied. For non-negative floats the integer order is the float order,
and integer max/compare loops vectorise where float ones do not.

Rows are processed in fixed blocks (``block`` rows each, chosen from N alone;
the class sums use fixed atoms of rows instead), and partial results are
merged in block order, so every result is identical for any number of
threads.
"""

import numpy as np
from numba import njit, prange

from ._compile import _OPTIONS, inline, twins
from ._prefetch import half_to_float


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
    if table.shape[0] != 0:  # float16 bits: decoded by a conversion that vectorises
        for k in range(values_row.shape[0]):
            total += np.float64(half_to_float(values_row[k]))
    else:
        for k in range(values_row.shape[0]):
            total += np.float64(values_row[k])
    return total


@inline
def _one_confident(row, threshold_keys, best_confident):
    """Whether exactly one key of ``row`` reaches its threshold key, given that
    ``best_confident`` is the largest that does: counted only for the rows
    that need it (a confident class that is not the argmax)."""
    count = 0
    for j in range(row.shape[0]):
        count += row[j] >= threshold_keys[j]
    return count == 1


#: Classes per chunk of a row in :func:`_row_pass`: the vectorised pass keeps
#: one maximum per chunk, so that locating the argmax scans one chunk, not the row.
CHUNK = 128


def _row_pass(
    keys,
    values,
    table,
    labels,
    threshold_keys,
    paper_rule,
    check_sums,
    block,
    guess,
    argmax,
    own,
    row_max,
    chunk_keys,
    key_min,
    key_max,
    sum_dev,
):
    """One pass over the rows: argmax, confident-joint guess and input statistics.

    Writes, per row, ``argmax`` (first maximum) and ``guess``: -1 when no class
    reaches its threshold key, the one confident class when exactly one does,
    and otherwise the row argmax (cleanlab's rule) or, with ``paper_rule``, the
    largest among the confident classes (first one on ties). Per block it
    writes the smallest and largest key and, with ``check_sums``, the largest
    |row sum - 1|: float32 and float64 rows are summed per chunk in their
    own dtype (reassociated, inside the vectorised loop), then in float64;
    float16 rows are decoded and summed in float64. If ``own`` and
    ``row_max`` are not empty, it also writes ``p[i, labels[i]]`` and the row
    maximum into them; if ``chunk_keys`` is not empty, the largest key of
    each chunk of :data:`CHUNK` classes, ``chunk_keys[i, c]``.

    Each row is read once in chunks of :data:`CHUNK` classes by loops of integer
    max/min reductions (which vectorise); the per-chunk maxima of all keys and
    of the confident keys then locate the argmax and the confident class by
    scanning one chunk each, instead of a scalar scan of the row. Every lane
    keeps the width of the keys (``threshold_keys`` has their dtype). No count
    of confident classes is kept: none is confident when no confident key
    beats -1 (threshold keys are at least 0), and whether one or several are
    is counted only where it matters (:func:`_one_confident`: a confident
    class that is not the argmax, without ``paper_rule``).
    """
    n, num_classes = keys.shape
    nblocks = (n + block - 1) // block
    nchunks = (num_classes + CHUNK - 1) // CHUNK
    keep_values = own.shape[0] != 0
    keep_chunks = chunk_keys.shape[0] != 0
    decoded = table.shape[0] != 0
    for b in prange(nblocks):
        lo = b * block
        hi = min(n, lo + block)
        lowest = keys[lo, 0]
        highest = keys[lo, 0]
        worst_dev = 0.0
        # -1 in the keys' own width: integer literals (and sums of narrow
        # integers) are int64 in Numba, which would widen every vector lane
        not_confident = np.full(1, -1, dtype=keys.dtype)[0]
        chunk_best = np.empty(nchunks, dtype=keys.dtype)
        chunk_confident = np.empty(nchunks, dtype=keys.dtype)
        for i in range(lo, hi):
            row = keys[i]
            best = row[0]
            least = row[0]
            best_confident = not_confident  # below every threshold key (at least 0)
            vrow = values[i]
            total = 0.0
            for c in range(nchunks):
                # A loop over range(length) from an offset vectorises; one over
                # range(start, stop) does not (measured).
                start = c * CHUNK
                length = min(CHUNK, num_classes - start)
                cb = row[start]
                cc = not_confident
                if decoded:  # float16: summed from the bits below, lanes stay 16-bit
                    for j in range(length):
                        v = row[start + j]
                        confident = v >= threshold_keys[start + j]
                        cb = max(cb, v)
                        least = min(least, v)
                        cc = max(cc, v if confident else not_confident)
                else:
                    part = vrow[start] - vrow[start]
                    for j in range(length):
                        v = row[start + j]
                        confident = v >= threshold_keys[start + j]
                        cb = max(cb, v)
                        least = min(least, v)
                        cc = max(cc, v if confident else not_confident)
                        part += vrow[start + j]
                    total += np.float64(part)
                chunk_best[c] = cb
                chunk_confident[c] = cc
                if keep_chunks:
                    chunk_keys[i, c] = cb
                best = max(best, cb)
                best_confident = max(best_confident, cc)
            c = 0
            while chunk_best[c] != best:
                c += 1
            top = c * CHUNK
            while row[top] != best:
                top += 1
            argmax[i] = top
            if best >= threshold_keys[top]:
                # the argmax is confident: it is the one confident class, the
                # first of the largest confident ones, and the row argmax alike
                g = top
            elif best_confident == not_confident:  # threshold keys are at least 0
                g = -1
            elif paper_rule or _one_confident(row, threshold_keys, best_confident):
                c = 0
                while chunk_confident[c] != best_confident:
                    c += 1
                g = c * CHUNK
                while row[g] != best_confident or row[g] < threshold_keys[g]:
                    g += 1
            else:
                g = top
            guess[i] = g
            if keep_values:
                own[i] = as_float(values[i, labels[i]], table)
                row_max[i] = as_float(values[i, top], table)
            lowest = min(lowest, least)
            highest = max(highest, best)
            if check_sums:
                if decoded:
                    total = row_sum(values[i], table)
                worst_dev = max(worst_dev, abs(total - 1.0))
        key_min[b] = lowest
        key_max[b] = highest
        sum_dev[b] = worst_dev


row_pass = twins(_row_pass, fastmath={"reassoc", "nsz"})


@njit(**_OPTIONS)
def gather(values, table, rows, columns, out):
    """``out[q] = pred_probs[rows[q], columns[q]]`` as float64, for every q."""
    for q in range(rows.shape[0]):
        out[q] = as_float(values[rows[q], columns[q]], table)


#: A label's distinct guesses are put in column order by insertion sort up to
#: this many; beyond, by a scan of all K columns.
SORT_GUESSES = 32


@njit(**_OPTIONS)
def count_pairs(labels, guess, num_classes, min_diagonal):
    """Counts of ``(labels[i], guess[i])`` over rows with ``guess[i] >= 0``, by label.

    Returns ``(start, columns, counts)`` (CSR): label k's counts are
    ``counts[start[k]:start[k + 1]]`` at ascending ``columns``. With
    ``min_diagonal > 0`` every diagonal entry is present and at least
    ``min_diagonal``. The guesses are grouped by label (a counting sort),
    then each label's are tallied in one K-vector: O(N + K + entries), plus
    K per label with more than :data:`SORT_GUESSES` distinct guesses.
    """
    n = labels.shape[0]
    start = np.zeros(num_classes + 1, dtype=np.int64)
    for i in range(n):
        if guess[i] >= 0:
            start[labels[i] + 1] += 1
    for k in range(num_classes):
        start[k + 1] += start[k]
    grouped = np.empty(start[num_classes], dtype=np.int64)
    fill = start[:num_classes].copy()
    for i in range(n):
        if guess[i] >= 0:
            grouped[fill[labels[i]]] = guess[i]
            fill[labels[i]] += 1
    tally = np.zeros(num_classes, dtype=np.int64)
    columns = np.empty(start[num_classes] + num_classes, dtype=np.int64)
    counts = np.empty(start[num_classes] + num_classes, dtype=np.int64)
    out_start = np.zeros(num_classes + 1, dtype=np.int64)
    q = 0
    for k in range(num_classes):
        first = q
        for t in range(start[k], start[k + 1]):
            g = grouped[t]
            if tally[g] == 0:
                columns[q] = g
                q += 1
            tally[g] += 1
        if min_diagonal > 0 and tally[k] == 0:
            columns[q] = k
            q += 1
        if q - first > SORT_GUESSES:
            q = first
            for j in range(num_classes):
                if tally[j] != 0 or (min_diagonal > 0 and j == k):
                    columns[q] = j
                    q += 1
        else:
            for t in range(first + 1, q):  # insertion sort of a few columns
                c = columns[t]
                u = t
                while u > first and columns[u - 1] > c:
                    columns[u] = columns[u - 1]
                    u -= 1
                columns[u] = c
        for t in range(first, q):
            c = columns[t]
            counts[t] = max(tally[c], min_diagonal) if c == k else tally[c]
            tally[c] = 0
        out_start[k + 1] = q
    return out_start, columns[:q].copy(), counts[:q].copy()


@njit(**_OPTIONS)
def group_by_label(bits, labels, counts, column_is_label):
    """The label probabilities, class by class, each class's entries in row order.

    Row i contributes ``bits[i, labels[i]]`` (``column_is_label``) or
    ``bits[i, 0]``; a stable counting sort (``counts`` from
    ``np.bincount(labels)``) puts them in the order of
    ``np.argsort(labels, kind="stable")``. ``bits`` is an unsigned-integer
    view of the values, so one kernel moves any float dtype of its width bit
    for bit.
    """
    starts = np.empty(counts.shape[0], np.int64)
    total = 0
    for k in range(counts.shape[0]):
        starts[k] = total
        total += counts[k]
    grouped = np.empty(labels.shape[0], bits.dtype)
    for i in range(labels.shape[0]):
        k = labels[i]
        grouped[starts[k]] = bits[i, k] if column_is_label else bits[i, 0]
        starts[k] += 1
    return grouped
