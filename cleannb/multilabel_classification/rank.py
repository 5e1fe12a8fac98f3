"""Label quality scores for multi-label data (one-vs-rest, as cleanlab 2.9).

Each class k of each example is scored as a binary problem: probabilities
``(1 - p[i, k], p[i, k])`` and label "k is among the example's labels", with
the single-label scores of :mod:`cleannb.rank`. The K class scores of an
example are then aggregated (by default an exponential moving average from
the largest score down to the smallest, ``alpha=0.8``). Labels are lists of
class indices per example and may be ragged (including empty lists). All in
one streaming pass over ``pred_probs`` (two with ``adjust_pred_probs``),
in float64, without an (N, K) one-hot matrix.
"""

from __future__ import annotations

import numpy as np

from .. import _engine
from .._kernels import scores as kern
from .._multilabel import check_multilabel_labels
from .._parallel import num_threads
from .._scores import method_code
from .._validation import check_pred_probs, pred_probs_views, raise_for_value_stats

#: Aggregation used when ``aggregator_kwargs`` is None (cleanlab's default).
DEFAULT_AGGREGATOR = {"method": "exponential_moving_average", "alpha": 0.8}
ABSENT_CLASS_THRESHOLD = 2.0
MIN_THRESHOLD = 2e-6

__all__ = ["get_label_quality_scores", "get_label_quality_scores_per_class"]


def _inputs(labels, pred_probs):
    """Checked ``pred_probs`` and the labels as CSR arrays (indptr, indices)."""
    pred_probs = check_pred_probs(pred_probs, min_classes=1)
    rows = check_multilabel_labels(labels, pred_probs.shape[1])
    if len(rows) != pred_probs.shape[0]:
        raise ValueError(
            f"labels has {len(rows)} entries but pred_probs has {pred_probs.shape[0]} rows; "
            "they must describe the same examples in the same order."
        )
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([r.size for r in rows], out=indptr[1:])
    indices = np.concatenate(rows) if indptr[-1] else np.zeros(0, dtype=np.int64)
    return pred_probs, indptr, np.ascontiguousarray(indices, dtype=np.int64)


def _raise_for_keys(pred_probs, views, key_min, key_max):
    raise_for_value_stats(
        pred_probs, int(key_min.min()), int(key_max.max()), 0.0, "pred_probs", views
    )


def _blocks(n_rows):
    block = _engine.block_rows(n_rows)
    return block, -(-n_rows // block)


def class_thresholds(pred_probs, indptr, indices):
    """Per-class binary confident thresholds ``(t_neg, t_pos)``, each of shape (K,).

    ``t_pos[k]`` is the mean of ``p[i, k]`` over examples with label k and
    ``t_neg[k]`` the mean of ``1 - p[i, k]`` over the others; 2.0 when there
    are no such examples; both clipped below at 2e-6 (cleanlab 2.9's
    ``get_confident_thresholds`` of each binary problem).
    """
    n_rows, num_classes = pred_probs.shape
    block, nblocks = _blocks(n_rows)
    views = pred_probs_views(pred_probs)
    sums = np.zeros((nblocks, 2, num_classes))
    counts = np.zeros((nblocks, num_classes), dtype=np.int64)
    key_min = np.empty(nblocks, dtype=np.int64)
    key_max = np.empty(nblocks, dtype=np.int64)
    kern.multilabel_sums(
        views.keys,
        views.values,
        views.table,
        indptr,
        indices,
        block,
        sums,
        counts,
        key_min,
        key_max,
        nbytes=views.nbytes,
    )
    _raise_for_keys(pred_probs, views, key_min, key_max)
    total = sums.sum(axis=0)
    positives = counts.sum(axis=0)
    negatives = n_rows - positives
    with np.errstate(invalid="ignore", divide="ignore"):
        t_neg = np.where(negatives > 0, total[0] / np.maximum(negatives, 1), ABSENT_CLASS_THRESHOLD)
        t_pos = np.where(positives > 0, total[1] / np.maximum(positives, 1), ABSENT_CLASS_THRESHOLD)
    return np.maximum(t_neg, MIN_THRESHOLD), np.maximum(t_pos, MIN_THRESHOLD)


def _aggregator(aggregator_kwargs, num_classes):
    """(kernel code, parameter, callable or None, its kwargs) for ``aggregator_kwargs``."""
    options = dict(DEFAULT_AGGREGATOR if not aggregator_kwargs else aggregator_kwargs)
    if "method" not in options:
        raise ValueError(
            "aggregator_kwargs needs a 'method': 'exponential_moving_average', 'softmin' or a "
            "callable taking an (N, K) array of scores and axis=1."
        )
    method = options.pop("method")
    options.pop("axis", None)
    if callable(method):
        return kern.NO_AGGREGATE, 0.0, method, options
    if method == "exponential_moving_average":
        alpha = options.pop("alpha", None)
        alpha = 2.0 / (num_classes + 1) if alpha is None else float(alpha)
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"alpha must be in the interval [0, 1], got {alpha}.")
        code, parameter = kern.EMA, alpha
    elif method == "softmin":
        code, parameter = kern.SOFTMIN, float(options.pop("temperature", 0.1))
    else:
        raise ValueError(
            f"aggregator_kwargs method={method!r} is not supported; use "
            "'exponential_moving_average', 'softmin' or a callable."
        )
    if options:
        raise TypeError(f"aggregator_kwargs has unknown keys {sorted(options)} for {method!r}.")
    return code, parameter, None, {}


def _scores(labels, pred_probs, method, adjust_pred_probs, aggregate, parameter):
    pred_probs, indptr, indices = _inputs(labels, pred_probs)
    code = method_code(method, adjust_pred_probs)
    n_rows, num_classes = pred_probs.shape
    if adjust_pred_probs:
        t_neg, t_pos = class_thresholds(pred_probs, indptr, indices)
    else:
        t_neg = t_pos = np.zeros(num_classes)
    block, nblocks = _blocks(n_rows)
    views = pred_probs_views(pred_probs)
    per_class = np.empty((n_rows, num_classes) if aggregate == kern.NO_AGGREGATE else (0, 0))
    out = np.empty(n_rows)
    key_min = np.empty(nblocks, dtype=np.int64)
    key_max = np.empty(nblocks, dtype=np.int64)
    kern.multilabel_scores(
        views.keys,
        views.values,
        views.table,
        indptr,
        indices,
        code,
        bool(adjust_pred_probs),
        t_neg,
        t_pos,
        aggregate,
        parameter,
        block,
        per_class,
        out,
        key_min,
        key_max,
        nbytes=views.nbytes,
    )
    _raise_for_keys(pred_probs, views, key_min, key_max)
    return per_class if aggregate == kern.NO_AGGREGATE else out


def get_label_quality_scores(
    labels,
    pred_probs,
    *,
    method="self_confidence",
    adjust_pred_probs=False,
    aggregator_kwargs=None,
    n_jobs=None,
):
    """Return one label quality score in [0, 1] per multi-label example (lower: worse).

    Parameters
    ----------
    labels : list of list of int
        The classes given to each example (ragged; an empty list means none).
    pred_probs : numpy.ndarray, shape (N, K)
        Out-of-sample probability of each class, independently (rows need not
        sum to 1); float16/32/64, any layout.
    method : {"self_confidence", "normalized_margin", "confidence_weighted_entropy"}
        The per-class binary score (see :func:`cleannb.rank.get_label_quality_scores`).
    adjust_pred_probs : bool, default False
        Adjust each binary problem by its confident thresholds first.
    aggregator_kwargs : dict, optional
        ``{"method": ..., **options}``: ``"exponential_moving_average"``
        (option ``alpha``, None meaning ``2 / (K + 1)``), ``"softmin"``
        (option ``temperature``, default 0.1) or a callable applied to the
        (N, K) per-class scores with ``axis=1``. Default
        ``{"method": "exponential_moving_average", "alpha": 0.8}``.
    n_jobs : int or None, default None
        Threads (None or -1: all cores).

    Returns
    -------
    numpy.ndarray
        float64, shape (N,).

    Raises
    ------
    ValueError, TypeError
        On malformed input, an unknown method or aggregator (unknown
        aggregator options raise, where cleanlab ignores them).

    Notes
    -----
    One read of ``pred_probs`` (two with ``adjust_pred_probs``); extra
    memory O(N + K) per thread for the built-in aggregators, (N, K) for a
    callable one.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.multilabel_classification import get_label_quality_scores
    >>> pred_probs = np.array([[0.9, 0.1, 0.1], [0.4, 0.1, 0.9]])
    >>> get_label_quality_scores([[0], [0, 2]], pred_probs).round(3)
    array([0.9, 0.5])
    """
    pred_probs_k = np.shape(pred_probs)[1] if np.ndim(pred_probs) == 2 else 1
    aggregate, parameter, function, options = _aggregator(aggregator_kwargs, pred_probs_k)
    with num_threads(n_jobs):
        scores = _scores(labels, pred_probs, method, adjust_pred_probs, aggregate, parameter)
    if function is not None:
        return np.asarray(function(scores, axis=1, **options))
    return scores


def get_label_quality_scores_per_class(
    labels, pred_probs, *, method="self_confidence", adjust_pred_probs=False, n_jobs=None
):
    """Return the label quality score of every (example, class) binary problem.

    Parameters are those of :func:`get_label_quality_scores` (no aggregation).

    Returns
    -------
    numpy.ndarray
        float64, shape (N, K): column k scores "is class k among the labels".

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.multilabel_classification.rank import get_label_quality_scores_per_class
    >>> get_label_quality_scores_per_class([[1], []], np.array([[0.1, 0.9, 0.7], [0.4, 0.1, 0.6]]))
    array([[0.9, 0.9, 0.3],
           [0.6, 0.9, 0.4]])
    """
    with num_threads(n_jobs):
        return _scores(labels, pred_probs, method, adjust_pred_probs, kern.NO_AGGREGATE, 0.0)
