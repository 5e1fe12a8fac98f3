"""The scores pass: per-row label quality scores, and orderings by them.

Below the public ``rank`` module and the pipeline (``_pipeline``), above the
kernels: every score of a row depends on that row alone, so a pass over
``pred_probs`` (in memory, or range by range) computes them block by block;
orderings sort the scores of the rows asked for, in cleanlab's dtype and tie
order.
"""

from __future__ import annotations

import numpy as np

from .._kernels import scores as kern
from . import confident as _confident
from . import ties as _ties
from .constants import (
    ABSENT_CLASS_THRESHOLD,
    CLIPPING_LOWER_BOUND,
    CONFIDENT_THRESHOLDS_LOWER_BOUND,
)
from .rows import joined
from .source import as_source
from .validation import (
    check_choice,
    check_flag,
    is_small_data,
    is_small_input,
    pred_probs_views,
    raise_for_value_stats,
)

METHODS = {
    "self_confidence": kern.SELF_CONFIDENCE,
    "normalized_margin": kern.NORMALIZED_MARGIN,
    "confidence_weighted_entropy": kern.CONFIDENCE_WEIGHTED_ENTROPY,
}


def method_code(method, adjust_pred_probs):
    """The kernel code of a score ``method``, checked with ``adjust_pred_probs``."""
    code = METHODS[check_choice(method, "method", tuple(METHODS))]
    if check_flag(adjust_pred_probs, "adjust_pred_probs") and (
        code == kern.CONFIDENCE_WEIGHTED_ENTROPY
    ):
        raise ValueError(
            "adjust_pred_probs=True is not supported with method='confidence_weighted_entropy'; "
            "use method='self_confidence' or 'normalized_margin', or adjust_pred_probs=False."
        )
    return code


def method_name(code):
    """The name of the score method with kernel code ``code`` (inverse of :data:`METHODS`)."""
    return next(name for name, value in METHODS.items() if value == code)


def class_shift(labels, pred_probs, adjust, thresholds=None):
    """Per-class shift (the confident thresholds, or zeros) and its maximum."""
    if not adjust:
        return np.zeros(pred_probs.shape[1]), 0.0
    if thresholds is None:
        thresholds = float64_thresholds(labels, pred_probs)
    thresholds = np.ascontiguousarray(thresholds, dtype=np.float64)
    return thresholds, float(thresholds.max())


def float64_thresholds(labels, pred_probs):
    """cleanlab's confident thresholds (:func:`numpy_thresholds`) as float64, for the kernels."""
    return numpy_thresholds(labels, pred_probs).astype(np.float64)


def score_all(
    labels, pred_probs, code, adjust, thresholds=None, check_sums=True, name="pred_probs"
):
    """Scores of every row from one validating pass (inputs already checked for shape)."""
    source = as_source(pred_probs)
    if adjust and thresholds is None:
        thresholds = float64_thresholds(labels, source)
    with source.row_sums(name):
        parts = source.map_ranges(
            score_part,
            code,
            adjust,
            thresholds,
            check_sums,
            name,
            source.in_memory,
            rows=(labels,),
        )
    return joined(parts)


def score_part(lo, hi, block, labels, code, adjust, thresholds, check_sums, name, whole):
    """:func:`score_all` of rows ``lo:hi`` (a ``map_ranges`` part).

    Messages name the rows (``name[lo:hi]``) unless they are the ``whole`` array in memory.
    """
    where = name if whole else f"{name}[{lo}:{hi}]"
    if _numpy_scores(block, code, adjust):
        _confident.row_pass(block, labels, check_sums=check_sums, name=where)  # validation
        return _numpy_scores_at(np.arange(len(labels)), labels, block, code)
    n_rows = block.shape[0]
    shift, top = class_shift(labels, block, adjust, thresholds)
    rows_per_block = _confident.block_rows(n_rows)
    nblocks = -(-n_rows // rows_per_block)
    views = pred_probs_views(block)
    out = np.empty(n_rows)
    key_min = np.empty(nblocks, dtype=np.int64)
    key_max = np.empty(nblocks, dtype=np.int64)
    sum_dev = np.empty(nblocks)
    kern.scores_all(
        views.keys,
        views.values,
        views.table,
        views.precision,
        labels,
        code,
        adjust,
        shift,
        top,
        check_sums,
        rows_per_block,
        out,
        key_min,
        key_max,
        sum_dev,
        nbytes=views.nbytes,
    )
    # Negative zeros need no re-run here: scores read values, and the integer
    # max picks a key whose value equals the true maximum.
    raise_for_value_stats(
        block, int(key_min.min()), int(key_max.max()), float(sum_dev.max()), where, views
    )
    return out


def quality_scores(labels, pred_probs, code, adjust):
    """Every row's score as ``rank.get_label_quality_scores`` returns it: cleanlab's values.

    For checked labels and ``pred_probs`` (an array or a source): one
    validating pass. The self-confidence and the unadjusted normalized margin
    come in the dtype of ``pred_probs``, bit for bit. The entropy score and
    ``adjust_pred_probs`` are cleanlab's numpy arithmetic, in its dtypes
    (:func:`numpy_keys`), except for float64 inputs of
    ``_validation.SMALL_INPUT_MAX_BYTES`` and more (in memory or read in
    ranges alike), which the kernel scores in float64 (equal to cleanlab's to
    about 1e-15).
    """
    numpy_arithmetic = adjust or code == kern.CONFIDENCE_WEIGHTED_ENTROPY
    if numpy_arithmetic and (pred_probs.dtype != np.float64 or is_small_data(pred_probs)):
        score_all(labels, pred_probs, kern.SELF_CONFIDENCE, False)  # validation
        return numpy_keys(np.arange(len(labels)), labels, pred_probs, method_name(code), adjust)
    scores = score_all(labels, pred_probs, code, adjust)
    if numpy_arithmetic:
        return scores
    return scores.astype(pred_probs.dtype, copy=False)  # exact: values of that dtype


def scores_in_dtype(labels, pred_probs, method):
    """Self-confidence or normalized margin of every row, in the dtype of ``pred_probs``.

    For checked inputs whose values a pass has already checked (the row sums
    are not checked again); an array, not a ``RowSource``. Small inputs
    (``_validation.is_small_input``) are scored by numpy, with cleanlab's
    arithmetic (:func:`numpy_keys`), which the kernel repeats exactly.
    """
    if _numpy_scores(pred_probs, METHODS[method], False):
        return numpy_keys(np.arange(len(labels)), labels, pred_probs, method, False)
    scores = score_all(labels, pred_probs, METHODS[method], False, check_sums=False)
    return scores.astype(pred_probs.dtype)  # exact: these scores are values of the dtype


def ranked_rows(
    rows, labels, pred_probs, *, rank_by="self_confidence", adjust_pred_probs=False, thresholds=None
):
    """Order ``rows`` by their label quality score, lowest first, ties as cleanlab's argsort.

    For callers that have already validated ``labels`` and ``pred_probs``
    (e.g. :func:`cleannb.filter.find_label_issues`): reads only the given
    rows (ascending), in O(len(rows) * K) time. ``thresholds`` (the confident thresholds
    of all rows) may be passed when ``adjust_pred_probs`` is True.
    """
    code = method_code(rank_by, adjust_pred_probs)
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    adjust = bool(adjust_pred_probs)
    if _ties.numpy_order() and (adjust or code == kern.CONFIDENCE_WEIGHTED_ENTROPY):
        keys = numpy_keys(rows, labels, pred_probs, rank_by, adjust)
        return rows[np.argsort(keys)]
    if adjust and thresholds is None:
        thresholds = float64_thresholds(labels, pred_probs)
    parts = as_source(pred_probs).map_ranges(
        keys_part, rows, code, adjust, thresholds, rows=(labels,)
    )
    keys = joined(parts) if parts else np.zeros(0)
    if not adjust and code != kern.CONFIDENCE_WEIGHTED_ENTROPY:
        keys = keys.astype(pred_probs.dtype)  # exact: these scores are values of the dtype
    return rows[_ties.argsort(keys)]


def keys_part(lo, hi, block, labels, rows, code, adjust, thresholds):
    """The kernel's scores of the given rows (global, ascending) that fall in ``lo:hi``."""
    at = rows[slice(*np.searchsorted(rows, [lo, hi]))]
    return _scores_at(at - lo if lo else at, labels, block, code, adjust, thresholds)


def _numpy_scores(pred_probs, code, adjust):
    """Whether numpy computes these scores, for a small input (``is_small_input``).

    The self-confidence and the unadjusted normalized margin, which numpy
    computes with the same bits as the kernels (cleanlab's arithmetic,
    :func:`numpy_keys`), so that small inputs need not compile the scores
    kernels.
    """
    simple = code in (kern.SELF_CONFIDENCE, kern.NORMALIZED_MARGIN) and not adjust
    return simple and is_small_input(pred_probs)


def _numpy_scores_at(rows, labels, pred_probs, code):
    """The scores of ``rows`` of a small input, computed by numpy, as float64."""
    return numpy_keys(rows, labels, pred_probs, method_name(code), False).astype(np.float64)


def _scores_at(rows, labels, pred_probs, code, adjust, thresholds):
    """The scores of the given rows of an array, as float64 (numpy's for small inputs)."""
    if _numpy_scores(pred_probs, code, adjust):
        return _numpy_scores_at(rows, labels, pred_probs, code)
    shift, top = class_shift(labels, pred_probs, adjust, thresholds)
    views = pred_probs_views(pred_probs)
    out = np.empty(rows.shape[0])
    kern.scores_at(
        views.keys,
        views.values,
        views.table,
        views.precision,
        labels,
        rows,
        code,
        adjust,
        shift,
        top,
        out,
        nbytes=rows.shape[0] * pred_probs.shape[1] * pred_probs.itemsize,
    )
    return out


#: Rows per block when scores are recomputed with numpy.
NUMPY_BLOCK = 4096


def numpy_keys(rows, labels, pred_probs, method, adjust):
    """The scores of ``rows`` (ascending) as cleanlab computes them: numpy, in its dtypes.

    For the orderings that depend on float rounding cleannb does not repeat
    in its kernels (the entropy score, ``adjust_pred_probs``). Reads the
    given rows in blocks of :data:`NUMPY_BLOCK` (plus, with ``adjust``, the
    label's probability of every row, for the thresholds).
    """
    thresholds = numpy_thresholds(labels, pred_probs) if adjust else None
    source = as_source(pred_probs)
    parts = source.map_ranges(numpy_keys_part, rows, method, thresholds, rows=(labels,))
    parts = [part for part in parts if len(part)]
    return np.concatenate(parts) if parts else np.zeros(0)


def numpy_keys_part(lo, hi, block, labels, rows, method, thresholds):
    """cleanlab's scores of the given rows (global, ascending) that fall in ``lo:hi``."""
    at = rows[slice(*np.searchsorted(rows, [lo, hi]))] - lo
    every_row = len(at) == len(block)  # rows are ascending and distinct: at is 0..n-1
    parts = [
        numpy_block_keys(
            block[q : q + NUMPY_BLOCK] if every_row else block[at[q : q + NUMPY_BLOCK]],
            labels[at[q : q + NUMPY_BLOCK]],
            method,
            thresholds,
        )
        for q in range(0, len(at), NUMPY_BLOCK)
    ]
    return np.concatenate(parts) if parts else np.zeros(0)


def numpy_thresholds(labels, pred_probs):
    """cleanlab's confident thresholds, bit for bit: ``np.mean`` of each class's own values.

    ``pred_probs`` is an array or a source (one pass); see
    :func:`thresholds_from_means` for the dtype and the absent classes.
    """
    return thresholds_from_means(
        *_confident.self_confidence_means(pred_probs, labels, pred_probs.shape[1])
    )


def thresholds_from_means(means, counts):
    """Confident thresholds from the per-class means (in their dtype) and counts.

    The means clipped below at 2e-6, in the dtype numpy's ``mean`` returns
    (float16 and float32 stay themselves, as cleanlab's thresholds do); with
    an absent class, float64 with 2.0 for it (cleanlab's list of numpy
    scalars and a Python number becomes a float64 array).
    """
    if np.all(counts > 0):
        return np.clip(means, CONFIDENT_THRESHOLDS_LOWER_BOUND, None)
    means = np.where(counts > 0, means.astype(np.float64), ABSENT_CLASS_THRESHOLD)
    return np.clip(means, CONFIDENT_THRESHOLDS_LOWER_BOUND, None)


def numpy_block_keys(probs, given, method, thresholds):
    """cleanlab's score of each row of ``probs`` (rows of pred_probs, labels ``given``)."""
    from scipy.special import xlogy

    num_classes = probs.shape[1]
    if thresholds is not None:
        probs = probs - thresholds
        probs += thresholds.max()
        probs /= probs.sum(axis=1, keepdims=True)
    at = np.arange(len(given))
    own_block = probs[at, given]
    if method == "self_confidence":
        return own_block
    if method == "normalized_margin":
        others = probs.copy()
        others[at, given] = -np.inf
        return (own_block - others.max(axis=1) + 1) / 2
    # values below 0 (accepted down to -1e-6) add 0, as 0 does, and the entropy is at
    # least 0 (values above 1 add positive terms), as in the kernel's cwe_score; the
    # clamped copy is made only when there are negative values
    weights = np.maximum(probs, 0) if probs.min() < 0 else probs
    entropy = -np.sum(xlogy(weights, probs), axis=1) / np.log(num_classes)
    entropy = np.maximum(entropy, 0)
    ratio = entropy / np.clip(own_block, CLIPPING_LOWER_BOUND, None)
    return np.log(ratio + 1) / np.clip(ratio, CLIPPING_LOWER_BOUND, None)
