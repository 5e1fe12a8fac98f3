"""Score how likely each given label is correct, and rank examples by it.

The modern vocabulary (cleanlab 2.x names, keyword-only arguments, 2.9's
defaults and results). Every score lies in [0, 1]; lower means the label is
more likely wrong. Scores are computed in one streaming read of
``pred_probs`` (float16, float32 or float64, any layout; only an input under
1 MiB is copied, once, as float64), which also validates it; extra memory is
O(N + K). They are returned as cleanlab returns them: the self-confidence and
the normalized margin in the dtype of ``pred_probs``, exactly.

Orderings are cleanlab's: the keys are the scores cleanlab sorts, in its
dtype and arithmetic (for the entropy score and ``adjust_pred_probs``,
computed by numpy on the rows concerned, as cleanlab computes them), sorted
by ``np.argsort``, so equal scores come out in numpy's order. Under
``cleannb.tie_order("index")`` equal scores keep the lower row index first.
"""

from __future__ import annotations

import importlib.metadata
import re
import warnings

import numpy as np

from ._core import confident as _confident
from ._core import ties as _ties
from ._core.constants import CLIPPING_LOWER_BOUND
from ._core.parallel import num_threads
from ._core.scores import (
    METHODS,
    method_code,
    quality_scores,
    ranked_rows,
    score_all,
    scores_in_dtype,
)
from ._core.source import as_pred_probs
from ._core.validation import (
    check_choice,
    check_flag,
    check_labels,
)

WEIGHTINGS = ("uniform", "accuracy", "log_loss_search", "custom")
_T_VALUES = (1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 2e2)

__all__ = [
    "find_top_issues",
    "get_confidence_weighted_entropy_for_each_label",
    "get_label_quality_ensemble_scores",
    "get_label_quality_scores",
    "get_normalized_margin_for_each_label",
    "get_self_confidence_for_each_label",
    "order_label_issues",
]


def _inputs(labels, pred_probs):
    pred_probs = as_pred_probs(pred_probs)
    labels = check_labels(labels, num_classes=pred_probs.shape[1], n_rows=pred_probs.shape[0])
    return labels, pred_probs


def get_label_quality_scores(
    labels, pred_probs, *, method="self_confidence", adjust_pred_probs=False, n_jobs=None
):
    """Return a label quality score in [0, 1] for every example (lower: more likely wrong).

    With ``k = labels[i]`` and ``p = pred_probs[i]`` the scores are:

    - ``"self_confidence"``: ``p[k]``;
    - ``"normalized_margin"``: ``(p[k] - max_{j != k} p[j] + 1) / 2``;
    - ``"confidence_weighted_entropy"``: with ``H`` the entropy of ``p``
      divided by ``log K`` and ``r = H / max(p[k], 1e-6)``,
      ``log(r + 1) / max(r, 1e-6)``.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Given labels 0..K-1.
    pred_probs : numpy.ndarray, shape (N, K), or zarr, h5py or RowSource (read in ranges)
        Out-of-sample predicted probabilities (float16/32/64, any layout);
        rows sum to 1.
    method : {"self_confidence", "normalized_margin", "confidence_weighted_entropy"}
        The score; default "self_confidence".
    adjust_pred_probs : bool, default False
        Score ``(p - t + max(t)) / row sum`` instead of ``p``, where ``t`` are
        the per-class confident thresholds (accounts for class imbalance; not
        with the entropy score). Applied row by row, never copied.
    n_jobs : int or None, default None
        Threads (None or -1: all cores).

    Returns
    -------
    numpy.ndarray
        Shape (N,), cleanlab's values in cleanlab's dtype. The self-confidence
        and the normalized margin without ``adjust_pred_probs`` come from the
        kernel, in the dtype of ``pred_probs`` and bit for bit. For the
        entropy score and ``adjust_pred_probs``, where cleanlab rounds each
        step to the input's precision, numpy repeats cleanlab's arithmetic
        block by block (bit for bit; about as fast as cleanlab), except for
        float64 input of 1 MiB and more, which the kernel scores in float64
        (equal to cleanlab's to about 1e-15, and faster).

    Raises
    ------
    ValueError, TypeError
        On malformed input (the message names the argument), an unknown
        ``method``, or ``adjust_pred_probs`` with the entropy score.

    Notes
    -----
    One read of ``pred_probs`` (which also validates it: finite values in
    [0, 1], rows summing to 1); extra memory O(N + K) (plus blocks of
    4096 rows for the numpy path above).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.rank import get_label_quality_scores
    >>> pred_probs = np.array([[0.9, 0.1], [0.3, 0.7], [0.6, 0.4]])
    >>> get_label_quality_scores([0, 0, 1], pred_probs)
    array([0.9, 0.3, 0.4])
    >>> get_label_quality_scores([0, 0, 1], pred_probs, method="normalized_margin")
    array([0.9, 0.3, 0.4])
    """
    labels, pred_probs = _inputs(labels, pred_probs)
    code = method_code(method, adjust_pred_probs)
    with num_threads(n_jobs):
        return quality_scores(labels, pred_probs, code, adjust_pred_probs)


def get_self_confidence_for_each_label(labels, pred_probs, *, n_jobs=None):
    """Return ``pred_probs[i, labels[i]]`` for every example, in the dtype of ``pred_probs``.

    :func:`get_label_quality_scores` with ``method="self_confidence"`` and
    no ``adjust_pred_probs``: one validating read of ``pred_probs``, O(N K)
    time, O(N) extra memory.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Given labels 0..K-1.
    pred_probs : numpy.ndarray, shape (N, K), or zarr, h5py or RowSource (read in ranges)
        Out-of-sample predicted probabilities (float16/32/64, any layout);
        rows sum to 1.
    n_jobs : int or None, default None
        Threads (None or -1: all cores).

    Returns
    -------
    numpy.ndarray, shape (N,)
        The probability of each example's given label, in the dtype of
        ``pred_probs``, bit for bit as cleanlab's.

    Raises
    ------
    ValueError, TypeError
        On malformed input (the message names the argument).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.rank import get_self_confidence_for_each_label
    >>> get_self_confidence_for_each_label([1, 0], np.array([[0.25, 0.75], [0.5, 0.5]]))
    array([0.75, 0.5 ])
    """
    return get_label_quality_scores(labels, pred_probs, method="self_confidence", n_jobs=n_jobs)


def get_normalized_margin_for_each_label(labels, pred_probs, *, n_jobs=None):
    """Return ``(p[k] - max_{j != k} p[j] + 1) / 2`` for every example (``k`` its label).

    :func:`get_label_quality_scores` with ``method="normalized_margin"`` and
    no ``adjust_pred_probs``: the margin of the given label over the most
    likely other class, mapped from [-1, 1] to [0, 1]. One validating read of
    ``pred_probs``, O(N K) time, O(N) extra memory.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Given labels 0..K-1.
    pred_probs : numpy.ndarray, shape (N, K), or zarr, h5py or RowSource (read in ranges)
        Out-of-sample predicted probabilities (float16/32/64, any layout);
        rows sum to 1.
    n_jobs : int or None, default None
        Threads (None or -1: all cores).

    Returns
    -------
    numpy.ndarray, shape (N,)
        Scores in [0, 1] (0.5: the label ties with another class), in the
        dtype of ``pred_probs``, bit for bit as cleanlab's.

    Raises
    ------
    ValueError, TypeError
        On malformed input (the message names the argument).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.rank import get_normalized_margin_for_each_label
    >>> get_normalized_margin_for_each_label([0, 2], np.array([[0.5, 0.25, 0.25], [0.5, 0, 0.5]]))
    array([0.625, 0.5  ])
    """
    return get_label_quality_scores(labels, pred_probs, method="normalized_margin", n_jobs=n_jobs)


def get_confidence_weighted_entropy_for_each_label(labels, pred_probs, *, n_jobs=None):
    """Return the confidence-weighted entropy score of every example.

    ``r = (entropy(p) / log K) / max(p[k], 1e-6)`` and the score is
    ``log(r + 1) / max(r, 1e-6)`` (``0 * log 0`` counts as 0), with ``k``
    the given label of the row ``p``: :func:`get_label_quality_scores` with
    ``method="confidence_weighted_entropy"``. One validating read of
    ``pred_probs`` and cleanlab's numpy arithmetic in blocks of rows (the
    kernel for float64 input of 1 MiB or more), O(N K) time.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Given labels 0..K-1.
    pred_probs : numpy.ndarray, shape (N, K), or zarr, h5py or RowSource (read in ranges)
        Out-of-sample predicted probabilities (float16/32/64, any layout);
        rows sum to 1.
    n_jobs : int or None, default None
        Threads (None or -1: all cores).

    Returns
    -------
    numpy.ndarray, shape (N,)
        Scores in [0, 1], cleanlab's values in cleanlab's dtype (see
        :func:`get_label_quality_scores`).

    Raises
    ------
    ValueError, TypeError
        On malformed input (the message names the argument).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.rank import get_confidence_weighted_entropy_for_each_label
    >>> scores = get_confidence_weighted_entropy_for_each_label(
    ...     [0, 1], np.array([[0.9, 0.1], [0.9, 0.1]]))
    >>> bool(scores[0] > scores[1])
    True
    """
    return get_label_quality_scores(
        labels, pred_probs, method="confidence_weighted_entropy", n_jobs=n_jobs
    )


def _check_mask(mask, n_rows):
    mask = np.asarray(mask)
    if mask.dtype != bool or mask.shape != (n_rows,):
        raise TypeError(
            f"label_issues_mask must be a boolean array of shape ({n_rows},), one entry per "
            f"example, got dtype {mask.dtype} and shape {mask.shape}; to rank given indices "
            "build a mask with np.isin(np.arange(N), indices)."
        )
    return mask


def order_label_issues(
    label_issues_mask,
    labels,
    pred_probs,
    *,
    rank_by="self_confidence",
    rank_by_kwargs=None,
    n_jobs=None,
):
    """Return the indices of the flagged examples, most likely label error first.

    Sorts the examples where ``label_issues_mask`` is True by their label
    quality score (lowest first). Equal scores are ordered as cleanlab orders
    them (``np.argsort`` of the scores in cleanlab's dtype), or by lower row
    index under ``cleannb.tie_order("index")``.

    Parameters
    ----------
    label_issues_mask : numpy.ndarray of bool, shape (N,)
        Which examples to order.
    labels, pred_probs
        As in :func:`get_label_quality_scores`.
    rank_by : {"self_confidence", "normalized_margin", "confidence_weighted_entropy"}
        The score to sort by.
    rank_by_kwargs : dict, optional
        ``{"adjust_pred_probs": bool}`` (the only option
        :func:`get_label_quality_scores` has).
    n_jobs : int or None, default None
        Threads (None or -1: all cores).

    Returns
    -------
    numpy.ndarray
        int64 row indices, ``label_issues_mask.sum()`` of them.

    Notes
    -----
    One validating read of ``pred_probs``, then the scores of the flagged
    rows only and a sort of them: O(N K + M K + M log M) for M flagged
    rows, extra memory O(N + K).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.rank import order_label_issues
    >>> pred_probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.3, 0.7]])
    >>> order_label_issues(np.array([False, True, True, True]), [0, 0, 0, 1], pred_probs)
    array([1, 2, 3])
    """
    labels, pred_probs = _inputs(labels, pred_probs)
    mask = _check_mask(label_issues_mask, len(labels))
    kwargs = dict(rank_by_kwargs or {})
    unknown = sorted(set(kwargs) - {"adjust_pred_probs"})
    if unknown:
        raise TypeError(
            f"rank_by_kwargs has unknown keys {unknown}; the only option is adjust_pred_probs."
        )
    adjust = check_flag(kwargs.get("adjust_pred_probs", False), "adjust_pred_probs")
    method_code(rank_by, adjust)
    with num_threads(n_jobs):
        own = score_all(labels, pred_probs, METHODS["self_confidence"], False)
        rows = np.flatnonzero(mask)
        if rank_by == "self_confidence" and not adjust:
            return rows[_ties.argsort(own[rows].astype(pred_probs.dtype))]
        return ranked_rows(rows, labels, pred_probs, rank_by=rank_by, adjust_pred_probs=adjust)


def find_top_issues(quality_scores, *, top=10):
    """Return the indices of the ``top`` lowest scores, lowest first.

    Equal scores come in the order of ``np.argsort(quality_scores)``, as in
    cleanlab, or lower index first under ``cleannb.tie_order("index")``.

    Parameters
    ----------
    quality_scores : array_like of float, shape (N,)
        One score per example.
    top : int or None, default 10
        How many indices to return (None or more than N: all).

    Returns
    -------
    numpy.ndarray
        int64 indices. NaN scores sort last, as in numpy.

    Notes
    -----
    numpy's sort of all scores, O(N log N) (it is what decides the order
    of ties). Under ``tie_order("index")``: a partial selection (O(N))
    followed by a sort of the ``top`` selected scores, O(N + top log top).

    Examples
    --------
    >>> from cleannb.rank import find_top_issues
    >>> find_top_issues([0.5, 0.1, 0.3, 0.1], top=3)
    array([1, 3, 2])
    """
    scores = np.asarray(quality_scores)
    if scores.ndim != 1:
        raise ValueError(f"quality_scores must be 1-D, got shape {scores.shape}.")
    n = scores.shape[0]
    if top is None or top > n:
        top = n
    if isinstance(top, bool) or not isinstance(top, int | np.integer) or top < 0:
        raise ValueError(f"top must be a non-negative integer or None, got {top!r}.")
    if top == 0:
        return np.zeros(0, dtype=np.int64)
    if _ties.numpy_order():
        return np.argsort(scores)[:top].astype(np.int64)
    if 4 * top >= n or np.isnan(scores).any():
        return np.argsort(scores, kind="stable")[:top].astype(np.int64)
    cutoff = np.partition(scores, top - 1)[top - 1]
    below = np.flatnonzero(scores < cutoff)
    at = np.flatnonzero(scores == cutoff)[: top - below.size]
    chosen = np.concatenate([below, at])
    chosen.sort()
    return chosen[np.argsort(scores[chosen], kind="stable")].astype(np.int64)


def _sklearn_logs_in_input_dtype():
    """Whether the installed ``sklearn.metrics.log_loss`` takes logs in the input's dtype.

    From scikit-learn 1.9 on it does; before, scipy's ``xlogy`` of the integer
    one-hot labels takes them in float64. Without scikit-learn: the newer rule.
    """
    try:
        found = re.match(r"(\d+)\.(\d+)", importlib.metadata.version("scikit-learn"))
    except importlib.metadata.PackageNotFoundError:
        return True
    return found is None or (int(found[1]), int(found[2])) >= (1, 9)


def _member_log_loss(labels, pred_probs, block=8192):
    """cleanlab's log-loss of one member, as the installed scikit-learn computes it.

    cleanlab clips the probabilities below at 1e-6 and renormalises each row
    (in the member's dtype); ``sklearn.metrics.log_loss`` then clips them to
    ``[eps, 1 - eps]`` (``eps`` of their dtype) and averages minus the log of
    each label's probability, in that dtype from scikit-learn 1.9 on and in
    float64 before (:func:`_sklearn_logs_in_input_dtype`). Read in blocks of rows.
    """
    eps = np.finfo(pred_probs.dtype).eps
    loss_dtype = pred_probs.dtype if _sklearn_logs_in_input_dtype() else np.float64
    losses = np.empty(len(labels), dtype=loss_dtype)
    for lo in range(0, len(labels), block):
        part = np.clip(pred_probs[lo : lo + block], CLIPPING_LOWER_BOUND, None)
        part /= part.sum(axis=1)[:, np.newaxis]
        label_probs = part[np.arange(part.shape[0]), labels[lo : lo + block]]
        losses[lo : lo + block] = -np.log(np.clip(label_probs, eps, 1 - eps).astype(loss_dtype))
    return float(np.mean(losses))


def _log_loss(label_probs):
    """Mean negative log of the label's float64 probability, clipped to [eps, 1 - eps]."""
    eps = np.finfo(np.float64).eps
    return float(-np.mean(np.log(np.clip(label_probs, eps, 1 - eps))))


def _log_loss_weights(labels, pred_probs_list, t_values):
    """cleanlab's "log_loss_search" weights: the exp(-t * log-loss) weighting, best t."""
    member_losses = [_member_log_loss(labels, p) for p in pred_probs_list]
    rows = np.arange(len(labels))
    label_probs = [np.asarray(p[rows, labels], dtype=np.float64) for p in pred_probs_list]
    best_loss, best_weights = np.inf, None
    for t in t_values:
        raw = [np.exp(-t * loss) for loss in member_losses]
        weights = np.array(raw) / sum(raw)
        mixed = sum(w * q for w, q in zip(weights, label_probs, strict=True))
        loss = _log_loss(mixed)
        if best_loss > loss:
            best_loss, best_weights = loss, weights.copy()
    if best_weights is None:
        raise ValueError("log_loss_search_T_values is empty or gives no finite log-loss.")
    return best_weights


def get_label_quality_ensemble_scores(
    labels,
    pred_probs_list,
    *,
    method="self_confidence",
    adjust_pred_probs=False,
    weight_ensemble_members_by="accuracy",
    custom_weights=None,
    log_loss_search_T_values=_T_VALUES,
    verbose=True,
    n_jobs=None,
):
    """Return label quality scores averaged over the ``pred_probs`` of several models.

    Each member's scores are those of :func:`get_label_quality_scores`; they
    are averaged with weights chosen by ``weight_ensemble_members_by``:
    ``"uniform"`` (plain mean), ``"accuracy"`` (proportional to each model's
    accuracy against ``labels``), ``"log_loss_search"`` (proportional to
    ``exp(-t * log_loss)``, with ``t`` from ``log_loss_search_T_values``
    giving the ensemble the lowest log-loss; each member's log-loss in its
    dtype, as scikit-learn >= 1.5 computes it) or ``"custom"``
    (``custom_weights``, used as given).

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Given labels 0..K-1.
    pred_probs_list : list of numpy.ndarray, each (N, K)
        Out-of-sample predicted probabilities of each model (a list, as in
        cleanlab; one model gives a warning).
    method : str, default "self_confidence"
        As in :func:`get_label_quality_scores`.
    adjust_pred_probs : bool, default False
        As in :func:`get_label_quality_scores`.
    weight_ensemble_members_by : {"uniform", "accuracy", "log_loss_search", "custom"}
        How the members are weighted (see above); default "accuracy".
    custom_weights : array_like of float, optional
        One weight per model; only with ``weight_ensemble_members_by="custom"``.
    log_loss_search_T_values : sequence of float
        The temperatures ``t`` tried by ``"log_loss_search"``; default
        (1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 200), as in cleanlab.
    verbose : bool, default True
        Print the weighting scheme and the weights.
    n_jobs : int or None, default None
        Threads (None or -1: all cores).

    Returns
    -------
    numpy.ndarray
        Shape (N,), cleanlab's values in cleanlab's dtype: with ``"uniform"``
        the mean of the members' scores in their dtype (that of
        :func:`get_label_quality_scores`: float16 scores average to float16),
        otherwise float64 (with ``"custom"``, the dtype of the scores times
        ``custom_weights``).

    Notes
    -----
    One read per model (two with ``"accuracy"``, for the argmax; more with
    ``"log_loss_search"``, whose clipped log-loss needs each row's sum);
    extra memory O(N M) for M models.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.rank import get_label_quality_ensemble_scores
    >>> a = np.array([[0.9, 0.1], [0.6, 0.4]])
    >>> b = np.array([[0.7, 0.3], [0.2, 0.8]])
    >>> get_label_quality_ensemble_scores([0, 0], [a, b], weight_ensemble_members_by="uniform",
    ...                                   verbose=False)
    array([0.8, 0.4])
    """
    if not isinstance(pred_probs_list, list):
        raise TypeError(
            "pred_probs_list must be a list of (N, K) arrays, got "
            f"{type(pred_probs_list).__name__}."
        )
    if not pred_probs_list:
        raise ValueError("pred_probs_list is empty: pass one pred_probs array per model.")
    if len(pred_probs_list) == 1:
        warnings.warn(
            "pred_probs_list has one element; get_label_quality_scores gives the same scores.",
            stacklevel=2,
        )
    check_choice(weight_ensemble_members_by, "weight_ensemble_members_by", WEIGHTINGS)
    if custom_weights is not None and weight_ensemble_members_by != "custom":
        raise ValueError(
            "custom_weights was given but weight_ensemble_members_by is "
            f"{weight_ensemble_members_by!r}; pass weight_ensemble_members_by='custom'."
        )
    checked = [_inputs(labels, p) for p in pred_probs_list]
    labels = checked[0][0]
    members = [p for _, p in checked]
    if weight_ensemble_members_by == "custom":
        if custom_weights is None:
            raise ValueError("weight_ensemble_members_by='custom' needs custom_weights.")
        weights = np.asarray(custom_weights)  # as given: its dtype is the result's, as in cleanlab
        if weights.dtype.kind not in "fiu":
            raise TypeError(
                f"custom_weights must be numbers (one weight per model), got dtype {weights.dtype}."
            )
        if weights.shape != (len(members),):
            raise ValueError(
                f"custom_weights must have one weight per model ({len(members)}), "
                f"got shape {weights.shape}."
            )
    code = method_code(method, adjust_pred_probs)
    with num_threads(n_jobs):
        # one column per model, each in the dtype get_label_quality_scores returns, as cleanlab
        if weight_ensemble_members_by == "accuracy":
            scored = [
                _scores_and_accuracy(labels, p, method, code, adjust_pred_probs) for p in members
            ]
            scores = np.vstack([member_scores for member_scores, _ in scored]).T
            accuracy = [member_accuracy for _, member_accuracy in scored]
            weights = np.array(accuracy) / sum(accuracy)
        else:
            scores = np.vstack(
                [quality_scores(labels, p, code, adjust_pred_probs) for p in members]
            )
            scores = scores.T
        if weight_ensemble_members_by == "log_loss_search":
            weights = _log_loss_weights(labels, members, log_loss_search_T_values)
    if verbose:
        print(f"Weighting scheme for ensemble: {weight_ensemble_members_by}")
        if weight_ensemble_members_by in ("accuracy", "log_loss_search"):
            for i, weight in enumerate(weights):
                print(f"  Model {i} weight   : {weight}")
    if weight_ensemble_members_by == "uniform":
        return scores.mean(axis=1)
    return (scores * weights).sum(axis=1)


def _scores_and_accuracy(labels, pred_probs, method, code, adjust):
    """A member's scores (as :func:`get_label_quality_scores` returns them) and accuracy.

    The self-confidence and the normalized margin are scored as the row pass that
    finds the argmax reads each block: one read, one check of the values. The other
    scores take a pass of their own.
    """
    if adjust or code == METHODS["confidence_weighted_entropy"]:
        scores = quality_scores(labels, pred_probs, code, adjust)
        rows = _confident.row_pass(pred_probs, labels)
    else:
        rows = _confident.row_pass(pred_probs, labels, per_row=(scores_in_dtype, (method,)))
        scores = rows.per_row
    return scores, float(np.mean(rows.argmax == labels))


# Names cleanlab 2.9's cleanlab.rank also exposes (from its internal helpers).
from ._core.internal import assert_valid_inputs, get_normalized_entropy  # noqa: E402

__all__ += [
    "assert_valid_inputs",
    "get_normalized_entropy",
]
