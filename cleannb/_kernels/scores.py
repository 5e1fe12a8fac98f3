"""Kernels for per-example label quality scores.

Every score is computed in one streaming read of each row with no (N, K)
temporary, in float64 except the normalized margin of unadjusted
probabilities, which is computed with numpy's operations in the dtype of
``pred_probs`` (:func:`rounded_margin_score`), as cleanlab computes it, so
that equal margins stay equal and sort as in cleanlab. The self-confidence
is one gather, the largest other probability a max over the integer keys
(vectorised; the key of the maximum is reinterpreted as its float), the
entropy a sum of ``p * log(p)`` over the value view. ``adjust_pred_probs``
(subtract the per-class thresholds, add their maximum, renormalise the row)
is applied on the fly: the adjusted
entries ``a_k = (p_k - t_k) + max(t)`` are formed per element and divided by
their row sum, never stored.

Rows are processed in fixed blocks (the block size depends on N only) and each
row's score depends on that row alone, so results are identical for any
number of threads.
"""

import numpy as np
from numba import njit, prange, types
from numba.extending import overload

from .._core.constants import CLIPPING_LOWER_BOUND
from ._compile import _OPTIONS, inline, twins
from .confident import as_float, row_sum
from .dtype import round_like

#: Method codes shared with :mod:`cleannb.rank`.
SELF_CONFIDENCE = 0
NORMALIZED_MARGIN = 1
CONFIDENCE_WEIGHTED_ENTROPY = 2
#: Rows shorter than this are summed inline rather than by a vectorised call.
SHORT_ROW = 64


def bits_to_float(key):
    """Float64 value of the float32/float64 whose bits are the integer ``key``."""
    raise NotImplementedError("only callable from Numba kernels")


@overload(bits_to_float, inline="always")
def _bits_to_float(key):
    if key == types.int32:
        return lambda key: np.float64(np.int32(key).view(np.float32))
    if key == types.int64:
        return lambda key: np.int64(key).view(np.float64)
    return lambda key: np.float64(key)  # int16 keys are decoded through the table


@inline
def key_to_float(key, table):
    """Float64 value of one integer key (the bits of a float16/32/64)."""
    if table.shape[0] != 0:
        return table[np.uint16(key)]
    return bits_to_float(key)


@inline
def max_key_except(keys, i, skip):
    """Largest key of row ``i`` outside column ``skip``.

    Column ``skip`` is replaced by another entry of the row rather than split
    out of the loop: one branch-free loop, which LLVM vectorises. (Helpers
    take the 2-D array and a row index: a row view would cost a reference
    count update per row.)
    """
    stand_in = keys[i, 1] if skip == 0 else keys[i, 0]
    best = stand_in
    for k in range(keys.shape[1]):
        best = max(best, keys[i, k] if k != skip else stand_in)
    if best < 0:
        # every other value is negative (accepted down to -1e-6), and the keys
        # of negative floats order them in reverse: the largest is the least key
        for k in range(keys.shape[1]):
            best = min(best, keys[i, k] if k != skip else stand_in)
    return best


@inline
def short_row_total(values, i, table):
    """Sum of row ``i`` in float64, in the order of the columns (no call overhead)."""
    total = 0.0
    for k in range(values.shape[1]):
        total += as_float(values[i, k], table)
    return total


@njit(fastmath=True, **_OPTIONS)
def xlogx_sum(values, i, table):
    """Sum of ``p * log(p)`` over row ``i`` (0 for p == 0)."""
    total = 0.0
    for k in range(values.shape[1]):
        p = as_float(values[i, k], table)
        if p > 0.0:
            total += p * np.log(p)
    return total


@njit(fastmath=True, **_OPTIONS)
def adjusted_sum(values, i, table, shift, top):
    """Row sum of the adjusted entries ``(p_k - shift_k) + top``."""
    total = 0.0
    for k in range(values.shape[1]):
        total += (as_float(values[i, k], table) - shift[k]) + top
    return total


@njit(fastmath={"nnan", "ninf", "nsz"}, **_OPTIONS)
def adjusted_max_except(values, i, table, shift, top, skip):
    """Largest adjusted entry ``(p_k - shift_k) + top`` of row ``i`` outside column ``skip``."""
    best = -np.inf
    for k in range(values.shape[1]):
        a = (as_float(values[i, k], table) - shift[k]) + top
        best = max(best, a if k != skip else -np.inf)
    return best


#: A score beyond [0, 1] by at most ``ROUNDING * K`` is rounding (of a row sum
#: over K terms) and is clipped; further out it comes from values outside
#: [0, 1] (accepted down to -1e-6 and up to 1.001) and is kept, as cleanlab
#: computes it.
ROUNDING = 8 * 2.0**-52


@inline
def clip_rounding(x, num_classes):
    """``x`` clipped to [0, 1] if it lies outside by rounding only (:data:`ROUNDING`)."""
    slack = ROUNDING * num_classes
    if x > 1.0 and x <= 1.0 + slack:
        return 1.0
    if x < 0.0 and x >= -slack:
        return 0.0
    return x


@inline
def margin_score(own, other, num_classes):
    """``(own - other + 1) / 2``, clipped to [0, 1] against rounding (:func:`clip_rounding`)."""
    return clip_rounding((own - other + 1.0) / 2.0, num_classes)


@inline
def rounded_margin_score(own, other, precision):
    """``(own - other + 1) / 2``, each operation rounded to the float type of ``precision``."""
    difference = round_like(own - other, precision)
    return round_like(round_like(difference + 1.0, precision) / 2.0, precision)


@inline
def cwe_score(self_confidence, entropy_sum, log_k):
    """cleanlab's confidence-weighted entropy transform of one row."""
    # at least 0: values above 1 (accepted up to 1.001) make p * log(p) positive
    normalized_entropy = max(-entropy_sum / log_k, 0.0)
    ratio = normalized_entropy / max(self_confidence, CLIPPING_LOWER_BOUND)
    return np.log(ratio + 1.0) / max(ratio, CLIPPING_LOWER_BOUND)


@njit(**_OPTIONS)
def score_row(keys, values, i, table, precision, label, method, adjust, shift, top):
    """Label quality score of row ``i`` (see the module docstring)."""
    if adjust:
        total = adjusted_sum(values, i, table, shift, top)
        own = ((as_float(values[i, label], table) - shift[label]) + top) / total
        if method == SELF_CONFIDENCE:
            # the vectorised row sum may round below one of its terms
            return clip_rounding(own, values.shape[1])
        other = adjusted_max_except(values, i, table, shift, top, label) / total
        return margin_score(own, other, values.shape[1])
    own = as_float(values[i, label], table)
    if method == SELF_CONFIDENCE:
        return own
    if method == NORMALIZED_MARGIN:
        other = key_to_float(max_key_except(keys, i, label), table)
        return rounded_margin_score(own, other, precision)
    return cwe_score(own, xlogx_sum(values, i, table), np.log(keys.shape[1]))


def _scores_all(
    keys,
    values,
    table,
    precision,
    labels,
    method,
    adjust,
    shift,
    top,
    check_sums,
    block,
    out,
    key_min,
    key_max,
    sum_dev,
):
    """Score every row and gather the value statistics that validation reads."""
    n, num_classes = keys.shape
    nblocks = (n + block - 1) // block
    for b in prange(nblocks):
        lo = b * block
        hi = min(n, lo + block)
        lowest = keys[lo, 0]
        highest = keys[lo, 0]
        worst_dev = 0.0
        for i in range(lo, hi):
            for k in range(num_classes):
                lowest = min(lowest, keys[i, k])
                highest = max(highest, keys[i, k])
            if check_sums:
                # below SHORT_ROW columns a call costs more than vectorising saves
                if num_classes < SHORT_ROW:
                    total = short_row_total(values, i, table)
                else:
                    total = row_sum(values[i], table)
                worst_dev = max(worst_dev, abs(total - 1.0))
            label = labels[i]
            own = as_float(values[i, label], table)
            if adjust or method == CONFIDENCE_WEIGHTED_ENTROPY:
                out[i] = score_row(
                    keys, values, i, table, precision, label, method, adjust, shift, top
                )
            elif method == SELF_CONFIDENCE:
                out[i] = own
            else:
                other = key_to_float(max_key_except(keys, i, label), table)
                out[i] = rounded_margin_score(own, other, precision)
        key_min[b] = lowest
        key_max[b] = highest
        sum_dev[b] = worst_dev


scores_all = twins(_scores_all)


def _scores_at(keys, values, table, precision, labels, rows, method, adjust, shift, top, out):
    """Score only ``rows`` (already validated input); ``out[j]`` is row ``rows[j]``."""
    for j in prange(rows.shape[0]):
        i = rows[j]
        out[j] = score_row(keys, values, i, table, precision, labels[i], method, adjust, shift, top)


scores_at = twins(_scores_at)


# --- multi-label (one-vs-rest): class k of row i is the binary problem with
# probabilities (1 - p[i, k], p[i, k]) and label "k is among row i's labels".
# Labels arrive in CSR form (``indptr``, ``indices``); a per-block flag array
# marks the current row's labels, so no (N, K) one-hot matrix is built.

NO_AGGREGATE = 0
EMA = 1
SOFTMIN = 2


def _multilabel_sums(keys, values, table, indptr, indices, block, sums, counts, key_min, key_max):
    """Per block: sums of ``1 - p`` (negatives) and ``p`` (positives) per class.

    ``sums[b, 0, k]`` adds ``1 - p[i, k]`` over rows without label k,
    ``sums[b, 1, k]`` adds ``p[i, k]`` over rows with it; ``counts[b, k]`` is
    the number of rows with label k. Also the key range (validation).
    """
    n, num_classes = keys.shape
    nblocks = (n + block - 1) // block
    for b in prange(nblocks):
        lo = b * block
        hi = min(n, lo + block)
        member = np.zeros(num_classes, dtype=np.bool_)
        lowest = keys[lo, 0]
        highest = keys[lo, 0]
        for i in range(lo, hi):
            for j in range(indptr[i], indptr[i + 1]):
                member[indices[j]] = True
            for k in range(num_classes):
                lowest = min(lowest, keys[i, k])
                highest = max(highest, keys[i, k])
                q = as_float(values[i, k], table)
                if member[k]:
                    sums[b, 1, k] += q
                    counts[b, k] += 1
                    member[k] = False
                else:
                    sums[b, 0, k] += 1.0 - q
        key_min[b] = lowest
        key_max[b] = highest


multilabel_sums = twins(_multilabel_sums)


@inline
def binary_score(q, positive, method, adjust, t_neg, t_pos):
    """Score of one (row, class) binary problem with probabilities (1 - q, q)."""
    neg = 1.0 - q
    pos = q
    if adjust:
        top = max(t_neg, t_pos)
        a_neg = (neg - t_neg) + top
        a_pos = (pos - t_pos) + top
        total = a_neg + a_pos
        neg = a_neg / total
        pos = a_pos / total
    own = pos if positive else neg
    other = neg if positive else pos
    if method == SELF_CONFIDENCE:
        return own
    if method == NORMALIZED_MARGIN:
        return margin_score(own, other, 2)
    entropy_sum = 0.0
    if neg > 0.0:
        entropy_sum += neg * np.log(neg)
    if pos > 0.0:
        entropy_sum += pos * np.log(pos)
    return cwe_score(own, entropy_sum, np.log(2.0))


@inline
def ema(sorted_scores, alpha):
    """Exponential moving average from the largest score down to the smallest."""
    last = sorted_scores.shape[0] - 1
    value = sorted_scores[last]
    for j in range(last - 1, -1, -1):
        value = alpha * sorted_scores[j] + (1.0 - alpha) * value
    return value


@inline
def softmin(scores, weights, temperature):
    """Scores weighted by the softmax of ``(1 - s) / temperature`` (``weights``: scratch)."""
    scale = max(temperature, CLIPPING_LOWER_BOUND)
    top = -np.inf
    for k in range(scores.shape[0]):
        top = max(top, (1.0 - scores[k]) / scale)
    total = 0.0
    for k in range(scores.shape[0]):
        weights[k] = np.exp((1.0 - scores[k]) / scale - top)
        total += weights[k]
    result = 0.0
    for k in range(scores.shape[0]):
        result += scores[k] * (weights[k] / total)
    return result


def _multilabel_scores(
    keys,
    values,
    table,
    indptr,
    indices,
    method,
    adjust,
    t_neg,
    t_pos,
    aggregate,
    parameter,
    block,
    per_class,
    out,
    key_min,
    key_max,
):
    """Per-class scores (into ``per_class`` when ``aggregate`` is NO_AGGREGATE) or
    one aggregated score per row (into ``out``), plus the key range."""
    n, num_classes = keys.shape
    nblocks = (n + block - 1) // block
    for b in prange(nblocks):
        lo = b * block
        hi = min(n, lo + block)
        member = np.zeros(num_classes, dtype=np.bool_)
        row_scores = np.empty(num_classes)
        scratch = np.empty(num_classes)
        lowest = keys[lo, 0]
        highest = keys[lo, 0]
        for i in range(lo, hi):
            for j in range(indptr[i], indptr[i + 1]):
                member[indices[j]] = True
            for k in range(num_classes):
                lowest = min(lowest, keys[i, k])
                highest = max(highest, keys[i, k])
                row_scores[k] = binary_score(
                    as_float(values[i, k], table), member[k], method, adjust, t_neg[k], t_pos[k]
                )
                member[k] = False
            if aggregate == NO_AGGREGATE:
                for k in range(num_classes):
                    per_class[i, k] = row_scores[k]
            elif aggregate == EMA:
                row_scores.sort()
                out[i] = ema(row_scores, parameter)
            else:
                out[i] = softmin(row_scores, scratch, parameter)
        key_min[b] = lowest
        key_max[b] = highest


multilabel_scores = twins(_multilabel_scores)
