"""Label quality scores for multi-label data (one-vs-rest, as cleanlab 2.9).

Each class k of each example is scored as a binary problem (see
:mod:`cleannb._core.multilabel`): probabilities ``(1 - p[i, k], p[i, k])`` in the
dtype of ``pred_probs`` and label "k is among the example's labels", with
cleanlab's single-label arithmetic (numpy, in that dtype:
:func:`cleannb._core.scores.numpy_block_keys`). The K class scores of an example
are then aggregated in float64 (by default an exponential moving average from
the largest score down to the smallest, ``alpha=0.8``), again with cleanlab's
numpy arithmetic, so the scores are cleanlab's bits. Labels are lists of class
indices per example and may be ragged (including empty lists). Rows are
scored in blocks: the built-in aggregators need O(block) extra memory, a
callable one the (N, K) class scores.
"""

from __future__ import annotations

import numpy as np

from .._core import multilabel as _multilabel
from .._core.internal import assert_valid_inputs, get_num_classes, int2onehot
from .._core.multilabel_scorer import (
    Aggregator,
    ClassLabelScorer,
    MultilabelScorer,
    class_scores,
    exponential_moving_average,
    softmin,
)
from .._core.scores import method_code
from .._core.validation import check_flag

#: Aggregation used when ``aggregator_kwargs`` is None or empty (cleanlab's default).
DEFAULT_AGGREGATOR = {"method": "exponential_moving_average", "alpha": 0.8}
#: Class scores (float64 values) per block of rows.
BLOCK_VALUES = 1 << 18

__all__ = [
    "Aggregator",
    "ClassLabelScorer",
    "MultilabelScorer",
    "assert_valid_inputs",
    "get_label_quality_scores",
    "get_label_quality_scores_per_class",
    "get_num_classes",
    "int2onehot",
]


def _aggregator(aggregator_kwargs, num_classes):
    """A function of an (n, K) block of class scores, or (None, callable, its kwargs)."""
    options = dict(DEFAULT_AGGREGATOR if not aggregator_kwargs else aggregator_kwargs)
    if "method" not in options:
        raise ValueError(
            "aggregator_kwargs needs a 'method': 'exponential_moving_average', 'softmin' or a "
            "callable taking an (N, K) array of scores and axis=1."
        )
    method = options.pop("method")
    options.pop("axis", None)
    if callable(method):
        return None, method, options
    if method == "exponential_moving_average":
        alpha = options.pop("alpha", None)
        alpha = float(2 / (num_classes + 1)) if alpha is None else alpha
        if not 0 <= alpha <= 1:
            raise ValueError(f"alpha must be in the interval [0, 1], got {alpha}.")

        def aggregate(scores):
            return exponential_moving_average(scores, alpha=alpha)

    elif method == "softmin":
        temperature = options.pop("temperature", 0.1)

        def aggregate(scores):
            return softmin(scores, temperature=temperature)

    else:
        raise ValueError(
            f"aggregator_kwargs method={method!r} is not supported; use "
            "'exponential_moving_average', 'softmin' or a callable."
        )
    if options:
        raise TypeError(f"aggregator_kwargs has unknown keys {sorted(options)} for {method!r}.")
    return aggregate, None, {}


def _class_scores(labels, pred_probs, method, adjust_pred_probs):
    """Checked inputs, and a function returning the float64 class scores of rows ``lo:hi``."""
    # cleanlab adjusts only when adjust_pred_probs is the object True (1 and numpy.True_
    # leave the probabilities as they are, and pass with the entropy score)
    adjust_pred_probs = check_flag(adjust_pred_probs, "adjust_pred_probs") and (
        adjust_pred_probs is True
    )
    method_code(method, adjust_pred_probs)  # checks both
    pred_probs, matrix = _multilabel.checked(labels, pred_probs)
    num_classes = pred_probs.shape[1]
    given = [np.ascontiguousarray(column, dtype=np.int64) for column in matrix.T]
    thresholds = [None] * num_classes
    if adjust_pred_probs:
        thresholds = [
            _multilabel.binary_thresholds(given[k], _multilabel.stack_complement(pred_probs[:, k]))
            for k in range(num_classes)
        ]

    def block_scores(lo, hi):
        return class_scores(given, pred_probs, method, thresholds, lo, hi)

    return pred_probs.shape, block_scores


def _blocks(n_rows, num_classes):
    step = max(1, BLOCK_VALUES // max(num_classes, 1))
    return [(lo, min(lo + step, n_rows)) for lo in range(0, n_rows, step)]


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
        Adjust each binary problem by its confident thresholds first. As in
        cleanlab 2.9, only ``True`` itself adjusts (``1`` or ``numpy.True_``
        do not).
    aggregator_kwargs : dict, optional
        ``{"method": ..., **options}``: ``"exponential_moving_average"``
        (option ``alpha``, None meaning ``2 / (K + 1)``), ``"softmin"``
        (option ``temperature``, default 0.1) or a callable applied to the
        (N, K) per-class scores with ``axis=1``. Default
        ``{"method": "exponential_moving_average", "alpha": 0.8}``.
    n_jobs : int or None, default None
        Accepted for compatibility; unused (the scores are numpy's arithmetic).

    Returns
    -------
    numpy.ndarray
        float64, shape (N,): cleanlab 2.9's values, bit for bit (class
        scores in the dtype of ``pred_probs``, aggregated in float64).

    Raises
    ------
    ValueError, TypeError
        On malformed input, an unknown method or aggregator (unknown
        aggregator options raise, where cleanlab ignores them).

    Notes
    -----
    O(N K log K) time; ``pred_probs`` is read in blocks of rows (once more
    for the thresholds with ``adjust_pred_probs``), never copied whole: extra
    memory O(N) plus one block's class scores for the built-in aggregators,
    (N, K) float64 for a callable one (it is handed every class score).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.multilabel_classification import get_label_quality_scores
    >>> pred_probs = np.array([[0.9, 0.1, 0.1], [0.4, 0.1, 0.9]])
    >>> get_label_quality_scores([[0], [0, 2]], pred_probs).round(3)
    array([0.9, 0.5])
    """
    num_classes = np.shape(pred_probs)[1] if np.ndim(pred_probs) == 2 else 1
    aggregate, function, options = _aggregator(aggregator_kwargs, num_classes)
    (n_rows, num_classes), block_scores = _class_scores(
        labels, pred_probs, method, adjust_pred_probs
    )
    if function is not None:
        return np.asarray(function(block_scores(0, n_rows), axis=1, **options))
    out = np.empty(n_rows)
    for lo, hi in _blocks(n_rows, num_classes):
        out[lo:hi] = aggregate(block_scores(lo, hi))
    return out


def get_label_quality_scores_per_class(
    labels, pred_probs, *, method="self_confidence", adjust_pred_probs=False, n_jobs=None
):
    """Return the label quality score of every (example, class) binary problem.

    Parameters
    ----------
    labels : list of lists of int, length N
        Each example's classes (may be empty).
    pred_probs : numpy.ndarray, shape (N, K)
        Per-class probabilities (each in [0, 1]; rows need not sum to 1).
    method : {"self_confidence", "normalized_margin", "confidence_weighted_entropy"}
        Score of each binary problem.
    adjust_pred_probs : bool, default False
        Subtract each binary problem's confident thresholds first (only
        ``True`` itself adjusts, as in cleanlab 2.9).
    n_jobs : int or None, default None
        Accepted for cleanlab's signature; the scores are numpy arithmetic.

    Returns
    -------
    numpy.ndarray
        float64, shape (N, K): column k scores "is class k among the labels"
        (cleanlab 2.9's values, computed in the dtype of ``pred_probs``).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.multilabel_classification.rank import get_label_quality_scores_per_class
    >>> get_label_quality_scores_per_class([[1], []], np.array([[0.1, 0.9, 0.7], [0.4, 0.1, 0.6]]))
    array([[0.9, 0.9, 0.3],
           [0.6, 0.9, 0.4]])
    """
    (n_rows, _), block_scores = _class_scores(labels, pred_probs, method, adjust_pred_probs)
    return block_scores(0, n_rows)
