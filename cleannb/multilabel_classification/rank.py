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
    adjusts,
    aggregated_scores,
    aggregation,
    class_score_blocks,
)

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


def _checked(labels, pred_probs, method, adjust_pred_probs):
    """Checked options and inputs: whether to adjust, ``pred_probs``, the one-hot labels."""
    adjust = adjusts(method, adjust_pred_probs)
    pred_probs, matrix = _multilabel.checked(labels, pred_probs)
    return adjust, pred_probs, matrix


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
    aggregated = aggregation(aggregator_kwargs, num_classes)
    adjust, pred_probs, matrix = _checked(labels, pred_probs, method, adjust_pred_probs)
    return aggregated_scores(matrix, pred_probs, method, adjust, aggregated)


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
    adjust, pred_probs, matrix = _checked(labels, pred_probs, method, adjust_pred_probs)
    return class_score_blocks(matrix, pred_probs, method, adjust)(0, len(pred_probs))
