"""cleanlab 2.9's multi-label scorer objects, over cleannb's one set of score arithmetic.

``cleanlab.multilabel_classification.rank`` exposes ``ClassLabelScorer``,
``Aggregator`` and ``MultilabelScorer`` (from ``cleanlab.internal``); these
are their equivalents, with the same names, arguments and results. The
per-class scores are :func:`cleannb._core.scores.numpy_block_keys` (cleanlab's
numpy arithmetic, in the dtype of ``pred_probs``) and the aggregations
:func:`exponential_moving_average` and :func:`softmin`, which
:func:`cleannb.multilabel_classification.get_label_quality_scores` uses too.
"""

from __future__ import annotations

from enum import Enum

import numpy as np

from . import multilabel as _multilabel
from .scores import method_code, numpy_block_keys, numpy_thresholds
from .validation import check_flag

#: Lower bound on the softmin temperature (cleanlab's ``EPSILON``).
MIN_TEMPERATURE = 1e-6
#: Aggregation used when ``aggregator_kwargs`` is None or empty (cleanlab's default).
DEFAULT_AGGREGATOR = {"method": "exponential_moving_average", "alpha": 0.8}
#: Class scores (float64 values) per block of rows.
BLOCK_VALUES = 1 << 18


def _check_axis(axis):
    if axis != 1:
        raise ValueError(f"axis must be 1 (the classes of each example), got {axis!r}.")


def exponential_moving_average(s, *, alpha=None, axis=1, **_):
    """EMA of each row's scores, from the largest down to the smallest.

    With the scores of a row sorted in decreasing order, ``ema = s_(1)`` and
    then ``ema = alpha * s_(t) + (1 - alpha) * ema``: cleanlab's arithmetic
    in its order (float64 scores give cleanlab's bits).

    Parameters
    ----------
    s : numpy.ndarray, shape (N, K)
        Scores of each class of each example.
    alpha : float in [0, 1] or None, default None
        Weight of each new score; None means ``2 / (K + 1)``.
    axis : int, default 1
        Must be 1. Other keyword arguments are ignored, as cleanlab's are.

    Returns
    -------
    numpy.ndarray, shape (N,)

    Examples
    --------
    >>> import numpy as np
    >>> exponential_moving_average(np.array([[0.1, 0.2, 0.3]]), alpha=0.5)
    array([0.175])
    """
    _check_axis(axis)
    if alpha is None:
        alpha = float(2 / (s.shape[1] + 1))
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must be in the interval [0, 1], got {alpha}.")
    descending = np.sort(s, axis=1)[:, ::-1]
    ema = descending[:, 0]
    for column in descending.T[1:]:
        ema = alpha * column + (1 - alpha) * ema
    return ema


def softmin(s, *, temperature=0.1, axis=1, **_):
    """Each row's scores averaged with softmax weights of ``(1 - s) / temperature``.

    Low scores weigh most; cleanlab's arithmetic (temperature at least 1e-6,
    shifted by the row maximum before ``exp``).

    Parameters
    ----------
    s : numpy.ndarray, shape (N, K)
    temperature : float, default 0.1
    axis : int, default 1
        Must be 1. Other keyword arguments are ignored, as cleanlab's are.

    Returns
    -------
    numpy.ndarray, shape (N,)

    Examples
    --------
    >>> import numpy as np
    >>> softmin(np.array([[0.5, 0.5]])).round(3)
    array([0.5])
    """
    _check_axis(axis)
    x = (1 - s) / max(temperature, MIN_TEMPERATURE)
    x = x - np.max(x, axis=1, keepdims=True)
    weights = np.exp(x)
    weights = weights / np.sum(weights, axis=1, keepdims=True)
    return np.einsum("ij,ij->i", s, weights)


def class_scores(given, pred_probs, method, thresholds, lo, hi):
    """Float64 (hi - lo, K) scores of rows ``lo:hi`` of every class's binary problem.

    ``given``: the K int64 0/1 label columns; ``thresholds``: K per-class
    threshold arrays (or None each) for ``adjust_pred_probs``.
    """
    num_classes = pred_probs.shape[1]
    out = np.zeros((hi - lo, num_classes))  # float64, as cleanlab's
    for k in range(num_classes):
        binary = _multilabel.stack_complement(pred_probs[lo:hi, k])
        out[:, k] = numpy_block_keys(binary, given[k][lo:hi], method, thresholds[k])
    return out


def aggregation(aggregator_kwargs, num_classes):
    """The checked aggregation of ``aggregator_kwargs``: ``(aggregate, None, {})`` for a
    built-in one (``aggregate`` maps an (n, K) block of class scores to n scores), or
    ``(None, callable, its options)`` for a callable one (it needs every class score)."""
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


def adjusts(method, adjust_pred_probs):
    """Whether the binary problems are adjusted, after checking ``method`` and the flag.

    cleanlab adjusts only when ``adjust_pred_probs`` is the object True (1 and
    ``numpy.True_`` leave the probabilities as they are, and pass with the
    entropy score).
    """
    adjust = check_flag(adjust_pred_probs, "adjust_pred_probs") and adjust_pred_probs is True
    method_code(method, adjust)  # checks both
    return adjust


def class_score_blocks(matrix, pred_probs, method, adjust):
    """A function of ``(lo, hi)``: the float64 (hi - lo, K) class scores of those rows.

    For inputs ``_core.multilabel.checked`` returned (``matrix`` the bool
    one-hot labels) and options :func:`adjusts` checked; reads no value for
    checking. With ``adjust``, each class's thresholds are computed here,
    from all the rows.
    """
    num_classes = pred_probs.shape[1]
    given = [np.ascontiguousarray(column, dtype=np.int64) for column in matrix.T]
    thresholds = [None] * num_classes
    if adjust:
        thresholds = [
            _multilabel.binary_thresholds(given[k], _multilabel.stack_complement(pred_probs[:, k]))
            for k in range(num_classes)
        ]

    def block_scores(lo, hi):
        return class_scores(given, pred_probs, method, thresholds, lo, hi)

    return block_scores


def aggregated_scores(matrix, pred_probs, method, adjust, aggregated):
    """Float64 (N,): each row's class scores aggregated by ``aggregated`` (:func:`aggregation`).

    For checked inputs and options (see :func:`class_score_blocks`); the
    built-in aggregations run over blocks of :data:`BLOCK_VALUES` class scores.
    """
    aggregate, function, options = aggregated
    n_rows, num_classes = pred_probs.shape
    block_scores = class_score_blocks(matrix, pred_probs, method, adjust)
    if function is not None:
        return np.asarray(function(block_scores(0, n_rows), axis=1, **options))
    out = np.empty(n_rows)
    step = max(1, BLOCK_VALUES // max(num_classes, 1))
    for lo in range(0, n_rows, step):
        hi = min(lo + step, n_rows)
        out[lo:hi] = aggregate(block_scores(lo, hi))
    return out


def label_quality_scores(
    matrix,
    pred_probs,
    *,
    method="self_confidence",
    adjust_pred_probs=False,
    aggregator_kwargs=None,
    n_jobs=None,
):
    """``multilabel_classification.get_label_quality_scores`` of checked inputs.

    ``matrix`` and ``pred_probs`` as ``_core.multilabel.checked`` returned
    them; the options are checked here, the values not read again.
    ``n_jobs`` is accepted and unused, as there.

    Examples
    --------
    >>> import numpy as np
    >>> matrix = np.array([[True, False, False], [True, False, True]])
    >>> pred_probs = np.array([[0.9, 0.1, 0.1], [0.4, 0.1, 0.9]])
    >>> label_quality_scores(matrix, pred_probs).round(3)
    array([0.9, 0.5])
    """
    aggregated = aggregation(aggregator_kwargs, pred_probs.shape[1])
    adjust = adjusts(method, adjust_pred_probs)
    return aggregated_scores(matrix, pred_probs, method, adjust, aggregated)


class ClassLabelScorer(Enum):
    """A label quality score of single-label data: call it with ``(labels, pred_probs)``.

    Members ``SELF_CONFIDENCE``, ``NORMALIZED_MARGIN`` and
    ``CONFIDENCE_WEIGHTED_ENTROPY`` (see :func:`cleannb.rank.get_label_quality_scores`);
    ``adjust_pred_probs=True`` (keyword) subtracts the confident thresholds
    first (not with the entropy score). Computed as cleanlab computes them,
    in the dtype of ``pred_probs``, without checking the inputs.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Given labels 0..K-1 (arguments of a member's call).
    pred_probs : numpy.ndarray, shape (N, K)
        Predicted probabilities.
    adjust_pred_probs : bool, default False
        Keyword: subtract the confident thresholds first (only ``True``
        itself adjusts, as in cleanlab 2.9).

    Returns
    -------
    numpy.ndarray
        A member's call returns the score of each row, shape (N,), in the
        dtype of ``pred_probs``.

    Examples
    --------
    >>> import numpy as np
    >>> scorer = ClassLabelScorer.from_str("self_confidence")
    >>> scorer(np.array([0, 1]), np.array([[0.9, 0.1], [0.7, 0.3]]))
    array([0.9, 0.3])
    """

    SELF_CONFIDENCE = "self_confidence"
    NORMALIZED_MARGIN = "normalized_margin"
    CONFIDENCE_WEIGHTED_ENTROPY = "confidence_weighted_entropy"

    def __call__(self, labels, pred_probs, **kwargs):
        labels = np.asarray(labels, dtype=np.int64)
        pred_probs = np.asarray(pred_probs)
        thresholds = None
        if kwargs.get("adjust_pred_probs", False) is True:
            if self is ClassLabelScorer.CONFIDENCE_WEIGHTED_ENTROPY:
                raise ValueError(
                    "adjust_pred_probs is not supported with CONFIDENCE_WEIGHTED_ENTROPY; use "
                    "SELF_CONFIDENCE or NORMALIZED_MARGIN."
                )
            thresholds = numpy_thresholds(labels, pred_probs)
        return numpy_block_keys(pred_probs, labels, self.value, thresholds)

    @classmethod
    def from_str(cls, method):
        """The member named ``method`` (e.g. ``"normalized_margin"``)."""
        try:
            return cls[method.upper()]
        except (KeyError, AttributeError):
            raise ValueError(
                f"Invalid method name: {method!r}; use one of {[member.value for member in cls]}."
            ) from None


class Aggregator:
    """Aggregate an (N, K) array of class scores into one score per example.

    Parameters
    ----------
    method : {"exponential_moving_average", "softmin"} or callable
        A callable is called as ``method(scores, axis=1, **kwargs)``.
    **kwargs
        Options of the method (``alpha``, ``temperature``), used on every call.

    Examples
    --------
    >>> import numpy as np
    >>> Aggregator("exponential_moving_average", alpha=0.5)(np.array([[0.1, 0.2, 0.3]]))
    array([0.175])
    """

    possible_methods = {
        "exponential_moving_average": exponential_moving_average,
        "softmin": softmin,
    }

    def __init__(self, method, **kwargs):
        if isinstance(method, str):
            if method not in self.possible_methods:
                raise ValueError(
                    f"Invalid aggregation method specified: {method!r}; use one of "
                    f"{list(self.possible_methods)} or a callable."
                )
            method = self.possible_methods[method]
        if not callable(method):
            raise TypeError(f"method must be a string or a callable, got {type(method)}.")
        self.method = method
        self.kwargs = kwargs

    def __call__(self, scores, **kwargs):
        if not (isinstance(scores, np.ndarray) and scores.ndim == 2):
            raise ValueError(
                f"scores must be a 2-D numpy array (examples x classes), got {type(scores)}."
            )
        return self.method(scores, **{**self.kwargs, **kwargs, "axis": 1})

    def __repr__(self):
        return f"Aggregator(method={self.method.__name__}, kwargs={self.kwargs})"


class MultilabelScorer:
    """Score multi-label data given as an (N, K) 0/1 label matrix: per class, then aggregated.

    Parameters
    ----------
    base_scorer : ClassLabelScorer, default ClassLabelScorer.SELF_CONFIDENCE
    aggregator : Aggregator or callable, default EMA with ``alpha=0.8``
    strict : bool, default True
        Check that the labels are a 0/1 matrix of the shape of ``pred_probs``.

    Examples
    --------
    >>> import numpy as np
    >>> labels = np.array([[0, 1, 0], [1, 0, 1]])
    >>> pred_probs = np.array([[0.1, 0.9, 0.1], [0.4, 0.1, 0.9]])
    >>> MultilabelScorer()(labels, pred_probs)
    array([0.9, 0.5])
    """

    def __init__(
        self,
        base_scorer=ClassLabelScorer.SELF_CONFIDENCE,
        aggregator=None,
        *,
        strict=True,
    ):
        self.base_scorer = base_scorer
        if aggregator is None:
            aggregator = Aggregator(exponential_moving_average, alpha=0.8)
        self.aggregator = (
            aggregator if isinstance(aggregator, Aggregator) else Aggregator(aggregator)
        )
        self.strict = strict

    def __call__(self, labels, pred_probs, base_scorer_kwargs=None, **aggregator_kwargs):
        if self.strict:
            self._validate_labels_and_pred_probs(labels, pred_probs)
        scores = self.get_class_label_quality_scores(labels, pred_probs, base_scorer_kwargs)
        return self.aggregate(scores, **aggregator_kwargs)

    def aggregate(self, class_label_quality_scores, **kwargs):
        """One score per example from the (N, K) class scores."""
        return self.aggregator(class_label_quality_scores, **kwargs)

    def get_class_label_quality_scores(self, labels, pred_probs, base_scorer_kwargs=None):
        """Float64 (N, K) scores of each class's binary problem."""
        labels = np.asarray(labels)
        pred_probs = np.asarray(pred_probs)
        given = [np.ascontiguousarray(column, dtype=np.int64) for column in labels.T]
        thresholds = [None] * len(given)
        if (base_scorer_kwargs or {}).get("adjust_pred_probs", False) is True:
            if self.base_scorer is ClassLabelScorer.CONFIDENCE_WEIGHTED_ENTROPY:
                raise ValueError(
                    "adjust_pred_probs is not supported with CONFIDENCE_WEIGHTED_ENTROPY."
                )
            thresholds = [
                _multilabel.binary_thresholds(y, _multilabel.stack_complement(pred_probs[:, k]))
                for k, y in enumerate(given)
            ]
        return class_scores(
            given, pred_probs, self.base_scorer.value, thresholds, 0, len(pred_probs)
        )

    @staticmethod
    def _validate_labels_and_pred_probs(labels, pred_probs):
        if not isinstance(labels, np.ndarray):
            raise TypeError("labels must be a numpy array (an (N, K) 0/1 matrix).")
        if not (labels.ndim == 2 and labels.shape[1] > 1 and np.isin(labels, (0, 1)).all()):
            raise ValueError("labels must be an (N, K) 0/1 matrix with K > 1.")
        if labels.shape != np.shape(pred_probs):
            raise ValueError(
                f"labels has shape {labels.shape} but pred_probs {np.shape(pred_probs)}; "
                "they must match."
            )
