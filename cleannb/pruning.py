"""cleanlab 0.1.0's ``pruning`` module (seed vocabulary: ``s``, ``psx``).

Thin adapters over :mod:`cleannb.filter`'s selection code with 0.1.0's
semantics: at least ``MIN_NUM_PER_CLASS`` (5) examples kept per class, value
cut-offs instead of exact counts (prune by class flags self-confidences
strictly below the (m+1)-th smallest; prune by noise rate flags every margin
at or above the m-th largest, so ties at the cut-off are all flagged), and a
final filter that unflags rows whose argmax (first maximum) is their label.
``n_jobs`` sets threads, not processes; results do not depend on it (1.0,
with ``n_jobs`` > 1, its default on a multi-core machine, pruned a float32
copy of ``psx`` in worker processes, which can only move a tie at a cut-off:
its answers with ``n_jobs`` 1 and 2 agree on every 1.0 golden case and in
36 calls on 3,000-row float64 data).

A ``sorted_index_method`` other than ``"prob_given_label"`` orders by the
normalized margin, as in 0.1.0 and 1.0; a name other than the two valid ones
(scripts pass ``"self_confidence"``) warns (``UserWarning``) which order was
used and which name to pass.

Differences from 0.1.0, all on input it did not handle: an unknown
``prune_method`` raises ``ValueError`` (0.1.0 crashed); a class without examples is
simply not pruned (0.1.0 misindexed); ``num_to_remove_per_class`` that would
empty a class raises a ``ValueError`` naming the class; with ``multi_label``,
rankings use the mean probability of the given labels (0.1.0 indexed the
columns with a one-hot row by mistake); ``frac_noise`` outside [0, 1] raises
``ValueError`` (0.1.0 documents (0, 1] and returned masks beyond it);
``n_jobs=-1`` means all cores (0.1.0: ``AssertionError``); rows of ``psx``
must sum to 1 within 0.1, with one ``UserWarning`` beyond 0.02 (0.1.0 did
not check them).

As in 0.1.0 and 1.0, ``round_preserving_row_totals`` and ``value_counts``
(and, as in 1.0, ``int2onehot`` and ``onehot2int``) of :mod:`cleannb.util`
can be imported from here too.
"""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np

from ._core import calibration as _calibration
from ._core import confident as _confident
from ._core import prune as _prune
from ._core import ties as _ties
from ._core.parallel import num_threads
from ._core.validation import check_choice, check_labels, check_pred_probs
from .util import int2onehot, onehot2int, round_preserving_row_totals, value_counts

#: Classes with at most this many examples are never pruned (0.1.0's constant).
MIN_NUM_PER_CLASS = 5
#: Whether tqdm can be imported (0.1.0's flag; cleannb shows no progress bar).
tqdm_exists = importlib.util.find_spec("tqdm") is not None
PRUNE_METHODS = ("prune_by_noise_rate", "prune_by_class", "both")
SORTED_INDEX_METHODS = ("prob_given_label", "normalized_margin")

__all__ = [
    "MIN_NUM_PER_CLASS",
    "get_noise_indices",
    "int2onehot",
    "keep_at_least_n_per_class",
    "multiclass_crossval_predict",
    "onehot2int",
    "order_label_errors",
    "reduce_prune_counts",
    "round_preserving_row_totals",
    "tqdm_exists",
    "value_counts",
]


def get_noise_indices(
    s,
    psx,
    inverse_noise_matrix=None,
    confident_joint=None,
    frac_noise=1.0,
    num_to_remove_per_class=None,
    prune_method="prune_by_noise_rate",
    sorted_index_method=None,
    multi_label=False,
    n_jobs=None,
    verbose=0,
):
    """Flag the examples whose noisy label ``s`` is probably wrong (cleanlab 0.1.0).

    The modern counterpart is :func:`cleannb.filter.find_label_issues`:
    ``s`` and ``psx`` are its ``labels`` and ``pred_probs``,
    ``prune_method`` its ``filter_by`` and ``sorted_index_method`` its
    ``return_indices_ranked_by`` (``"prob_given_label"`` is 2.x's
    ``"self_confidence"``). What differs: classes with at most
    ``MIN_NUM_PER_CLASS`` (5) examples are never pruned (2.x:
    ``min_examples_per_class=1``); each class's count is applied as a value
    cut-off, so ties at the cut-off are all flagged by noise rate and none by
    class (2.x flags exactly that many); the confident joint is 0.1.0's
    (thresholds not clipped, diagonal not raised to 1); the normalized
    margin order is unscaled (same order, other scores). Cost: one O(N K)
    pass for the confident joint and one O(N K) selection.

    Parameters
    ----------
    s : array_like of int, shape (N,)
        Noisy labels 0..K-1 (with ``multi_label``, a list of label lists).
    psx : numpy.ndarray, shape (N, K)
        Out-of-sample predicted probabilities.
    inverse_noise_matrix : ignored
        Accepted and ignored, as in 0.1.0.
    confident_joint : numpy.ndarray, shape (K, K), optional
        Default: :func:`cleannb.latent_estimation.compute_confident_joint`.
    frac_noise : float in (0, 1], default 1.0
        Keep this fraction of each off-diagonal prune count (the most
        confident errors of each cell: a subset of ``frac_noise=1``).
    num_to_remove_per_class : int or array_like of int, optional
        Examples to remove per class (exact with ``prune_by_class``).
    prune_method : {"prune_by_noise_rate", "prune_by_class", "both"}, default "prune_by_noise_rate"
        ``"prune_by_class"``: in each class, flag the examples with the
        lowest self-confidence, as many as its prune counts say are
        mislabelled;
        ``"prune_by_noise_rate"``: for each off-diagonal cell (s, y), flag
        the examples labelled s with the largest margin ``psx[:, y] -
        psx[:, s]``, as many as the cell's count; ``"both"``: flagged by both.
    sorted_index_method : {None, "prob_given_label", "normalized_margin"}, default None
        None returns a mask; otherwise indices ordered by
        :func:`cleannb.pruning.order_label_errors` (any other value: by the
        normalized margin, with a ``UserWarning``, as 0.1.0 and 1.0 order
        them).
    multi_label : bool, default False
        ``s`` holds a list of labels per example; an example is counted once
        per label, and kept when its labels equal the
        :func:`cleannb.pruning.multiclass_crossval_predict` prediction.
    n_jobs : int or None, default None
        Threads (None or -1: all cores); the result does not depend on it.
    verbose : int, default 0
        Print the number of issues found.

    Returns
    -------
    numpy.ndarray
        Bool mask (N,), or int64 indices with ``sorted_index_method``.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.pruning import get_noise_indices
    >>> rng = np.random.default_rng(0)
    >>> s = np.repeat([0, 1], 20)
    >>> psx = np.where(s[:, None] == [0, 1], 0.8, 0.2) + rng.uniform(0, 0.01, (40, 2))
    >>> psx[[3, 25]] = psx[[3, 25], ::-1]
    >>> psx /= psx.sum(axis=1, keepdims=True)
    >>> get_noise_indices(s=s, psx=psx, sorted_index_method='normalized_margin')
    array([ 3, 25])
    """
    check_choice(prune_method, "prune_method", PRUNE_METHODS)
    if sorted_index_method is not None:
        sorted_index_method = _sort_method(sorted_index_method)
    frac_noise = _prune.check_frac_noise(frac_noise)
    from . import latent_estimation

    psx = check_pred_probs(psx, name="psx")
    num_classes = psx.shape[1]
    with num_threads(n_jobs):
        if multi_label:
            mask, label_rows = _multilabel_mask(
                s, psx, confident_joint, frac_noise, num_to_remove_per_class, prune_method, n_jobs
            )
        else:
            s = check_labels(s, num_classes=num_classes, n_rows=len(psx), name="s")
            if confident_joint is None:
                confident_joint = latent_estimation.compute_confident_joint(s, psx, n_jobs=n_jobs)
            else:
                _confident.row_pass(psx, s, name="psx")  # validates the values
            label_counts = np.bincount(s, minlength=num_classes)
            mask = _select(
                psx,
                s,
                None,
                label_counts,
                confident_joint,
                frac_noise,
                num_to_remove_per_class,
                prune_method,
            )
            rows = np.flatnonzero(mask)
            mask[rows[_prune.rows_argmax(psx, rows) == s[rows]]] = False
            label_rows = s
    if verbose:
        print(f"Number of label errors found: {int(mask.sum())}")
    if sorted_index_method is None:
        return mask
    return order_label_errors(mask, psx, label_rows, sorted_index_method)


def _select(
    psx,
    labels,
    entry_rows,
    label_counts,
    confident_joint,
    frac_noise,
    num_to_remove_per_class,
    prune_method,
):
    num_classes = psx.shape[1]
    joint = np.asarray(confident_joint)
    if joint.shape != (num_classes, num_classes):
        raise ValueError(
            f"confident_joint must have shape ({num_classes}, {num_classes}), got {joint.shape}."
        )
    remove = None
    if num_to_remove_per_class is not None:
        remove = _prune.check_num_to_remove(num_to_remove_per_class, num_classes)
    by_given = _prune.prune_counts(
        _calibration.SparseCounts.from_dense(joint),
        label_counts,
        MIN_NUM_PER_CLASS,
        frac_noise,
        remove,
    )
    by_class, by_noise_rate = _prune.select(
        psx,
        labels,
        label_counts,
        by_given,
        label_counts > MIN_NUM_PER_CLASS,
        by_class=prune_method != "prune_by_noise_rate",
        by_noise_rate=prune_method != "prune_by_class",
        semantics="cutoff",
        entry_rows=entry_rows,
    )
    if by_class is None:
        return by_noise_rate
    if by_noise_rate is None:
        return by_class
    return by_class & by_noise_rate


def _multilabel_mask(
    s, psx, confident_joint, frac_noise, num_to_remove_per_class, prune_method, n_jobs
):
    from . import latent_estimation
    from ._core.multilabel import onehot

    num_classes = psx.shape[1]
    member = onehot(s, num_classes)
    if len(member) != len(psx):
        raise ValueError(f"s has {len(member)} entries but psx has {len(psx)} rows.")
    if confident_joint is None:
        confident_joint = latent_estimation.compute_confident_joint(
            s, psx, multi_label=True, n_jobs=n_jobs
        )
    entry_rows, entry_labels = np.nonzero(member)
    mask = _select(
        psx,
        entry_labels.astype(np.int64),
        entry_rows.astype(np.int64),
        member.sum(axis=0),
        confident_joint,
        frac_noise,
        num_to_remove_per_class,
        prune_method,
    )
    present = member[:, member.any(axis=0)]
    pred = multiclass_crossval_predict(psx, s)
    if pred.shape == present.shape:
        mask &= ~np.all(pred == present, axis=1)
    return mask, member


def _sort_method(sorted_index_method):
    """0.1.0's and 1.0's reading of ``sorted_index_method``: anything but ``"prob_given_label"``
    orders by the normalized margin; a name that is neither valid one warns."""
    if isinstance(sorted_index_method, str) and sorted_index_method in SORTED_INDEX_METHODS:
        return sorted_index_method
    hint = (
        " (the self-confidence order is sorted_index_method='prob_given_label' here)"
        if isinstance(sorted_index_method, str) and sorted_index_method == "self_confidence"
        else ""
    )
    warnings.warn(
        f"sorted_index_method={sorted_index_method!r} is not 'prob_given_label' or "
        "'normalized_margin'; the label errors are ordered by the normalized margin, as "
        "cleanlab 0.1.0 and 1.0 order them for any other value. Pass "
        f"sorted_index_method='normalized_margin' for this order{hint}.",
        UserWarning,
        stacklevel=3,
    )
    return "normalized_margin"


def order_label_errors(label_errors_bool, psx, labels, sorted_index_method="normalized_margin"):
    """Order flagged examples from most to least likely mislabelled (cleanlab 0.1.0).

    The modern counterpart is :func:`cleannb.rank.order_label_issues`
    (``label_issues_mask``, ``labels``, ``pred_probs``, ``rank_by``): 2.x's
    ``"self_confidence"`` is ``"prob_given_label"`` here, and its
    ``"normalized_margin"`` scores ``(margin + 1) / 2``, the same order
    except that rounding can merge or split ties. O(N + M log M) for M
    flagged examples.

    ``"prob_given_label"`` sorts by ``psx[i, labels[i]]`` ascending;
    ``"normalized_margin"`` by ``psx[i, labels[i]] - max(psx[i])``
    ascending (unscaled, as in 0.1.0), both computed in the dtype of ``psx``;
    any other value orders by the normalized margin with a ``UserWarning``
    (0.1.0 and 1.0 use the normalized margin for it, silently).
    Equal scores come in the order of 0.1.0's ``np.argsort`` of the same
    keys, or lower index first under ``cleannb.tie_order("index")``.

    Parameters
    ----------
    label_errors_bool : array_like of bool, shape (N,)
        The examples to order (e.g. :func:`get_noise_indices`'s mask).
    psx : numpy.ndarray, shape (N, K)
        Out-of-sample predicted probabilities.
    labels : array_like of int, shape (N,)
        Given labels (or an (N, K) bool membership matrix for multi-label
        data, scored by the mean probability of the given labels).
    sorted_index_method : {"normalized_margin", "prob_given_label"}, default "normalized_margin"
        The score sorted ascending (see above).

    Returns
    -------
    numpy.ndarray of int64, shape (M,)
        The indices of the M flagged examples, most likely mislabelled first.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.pruning import order_label_errors
    >>> psx = np.array([[0.6, 0.4], [0.9, 0.1], [0.3, 0.7]])
    >>> order_label_errors(np.array([True, True, False]), psx, np.array([1, 1, 1]))
    array([1, 0])
    """
    sorted_index_method = _sort_method(sorted_index_method)
    psx = check_pred_probs(psx, name="psx")
    mask = np.asarray(label_errors_bool, dtype=bool)
    if mask.shape != (len(psx),):
        raise ValueError(f"label_errors_bool must have shape ({len(psx)},), got {mask.shape}.")
    rows = np.flatnonzero(mask)
    labels = np.asarray(labels)
    if labels.ndim == 2:  # multi-label membership
        chosen = labels[rows].astype(bool)
        given = (
            np.sum(np.where(chosen, psx[rows], 0), axis=1) / np.maximum(chosen.sum(axis=1), 1)
        ).astype(psx.dtype)
    else:
        labels = check_labels(labels, num_classes=psx.shape[1], n_rows=len(psx))
        given = psx[rows, labels[rows]]
    if sorted_index_method == "prob_given_label":
        scores = given
    else:
        scores = given - psx[rows, _prune.rows_argmax(psx, rows)]
    return rows[_ties.argsort(scores)].astype(np.int64)


def keep_at_least_n_per_class(prune_count_matrix, n, frac_noise=1.0):
    """Raise each diagonal count to at least ``n``, taking it evenly from its column.

    Each column's nonzero entries lose the amount its diagonal gained (floored
    at 0), then :func:`reduce_prune_counts` applies ``frac_noise``; counts
    are truncated to int as in 0.1.0. cleanlab 2.x keeps the same function
    in ``cleanlab.filter`` as private ``_keep_at_least_n_per_class`` (with
    ``n = min_examples_per_class``, default 1). O(K^2).

    Parameters
    ----------
    prune_count_matrix : numpy.ndarray, shape (K, K)
        The confident joint transposed (rows: true label, columns: given label).
        Not modified.
    n : int
        Least number of examples of each given label to keep (the diagonal).
    frac_noise : float, default 1.0
        Fraction of each off-diagonal count kept (see
        :func:`reduce_prune_counts`).

    Returns
    -------
    numpy.ndarray of int64, shape (K, K)
        The new prune counts; off-diagonal entry [y, s] is how many examples
        labelled s to remove as really y.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.pruning import keep_at_least_n_per_class
    >>> keep_at_least_n_per_class(np.array([[3, 1], [4, 10]]), 5)
    array([[ 5,  1],
           [ 2, 10]])
    """
    return _prune.keep_at_least_n_per_class(prune_count_matrix, n, frac_noise)


def reduce_prune_counts(prune_count_matrix, frac_noise=1.0):
    """Scale off-diagonal counts by ``frac_noise``; each column's loss goes to its diagonal.

    Counts are then truncated to int, as in 0.1.0, so column sums may drop by
    less than 1 per entry. cleanlab 2.x keeps it private in ``cleanlab.filter``
    (``_reduce_prune_counts``). O(K^2).

    Parameters
    ----------
    prune_count_matrix : array_like, shape (K, K)
        Prune counts (rows: true label, columns: given label); not modified.
    frac_noise : float, default 1.0
        Fraction of each off-diagonal count kept, in [0, 1]; 1 leaves the
        matrix unchanged (but truncated to int).

    Returns
    -------
    numpy.ndarray of int64, shape (K, K)
        The reduced prune counts.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.pruning import reduce_prune_counts
    >>> reduce_prune_counts(np.array([[5, 3], [4, 10]]), 0.5)
    array([[ 7,  1],
           [ 2, 11]])
    """
    return _prune.reduce_prune_counts(prune_count_matrix, frac_noise)


def multiclass_crossval_predict(pyx, labels):
    """Multi-label predictions ``pyx > b`` with the boundary b that maximises micro-F1.

    ``b`` runs over 0.05, 0.10, ..., 0.85 (the first best wins), scored
    against the one-hot labels (columns: the classes present), as in 0.1.0.
    :func:`get_noise_indices` uses it with ``multi_label=True`` to keep the
    examples whose labels are all predicted. cleanlab 2.x has no
    counterpart (its multi-label filter works one class at a time).
    O(17 N K).

    Parameters
    ----------
    pyx : numpy.ndarray, shape (N, K)
        Predicted probability of each class for each example.
    labels : list of lists of int
        The given labels of each example.

    Returns
    -------
    numpy.ndarray of uint8, shape (N, K)
        1 where ``pyx`` exceeds the chosen boundary.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.pruning import multiclass_crossval_predict
    >>> multiclass_crossval_predict(np.array([[0.9, 0.6], [0.2, 0.95]]), [[0, 1], [1]])
    array([[1, 1],
           [0, 1]], dtype=uint8)
    """
    from sklearn.metrics import f1_score

    from ._core.multilabel import onehot

    pyx = np.asarray(pyx)
    member = onehot(labels, pyx.shape[1])
    present = member[:, member.any(axis=0)].astype(np.int64)
    boundaries = np.arange(0.05, 0.9, 0.05)
    f1s = [f1_score(present, (pyx > b).astype(np.uint8), average="micro") for b in boundaries]
    return (pyx > boundaries[int(np.argmax(f1s))]).astype(np.uint8)
