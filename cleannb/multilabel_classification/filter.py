"""Find label issues in multi-label data (one-vs-rest, as cleanlab 2.9).

Each class k becomes a binary problem (:mod:`cleannb._core.multilabel`:
probabilities ``(1 - p[:, k], p[:, k])`` in the dtype of ``pred_probs``,
label "k is among the example's labels") handed to the single-label
:func:`cleannb.filter.find_label_issues`; an example is a label
issue when any of its binary problems flags it. Labels may be ragged lists.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._core import multilabel as _multilabel
from .._core import ties as _ties
from .._core.label_issues import find_single_label
from .._core.method_names import FILTERS, RANKINGS
from .._core.multilabel_scorer import label_quality_scores
from .._core.validation import check_choice

LOW_SCORE_FILTERS = ("low_normalized_margin", "low_self_confidence")

__all__ = ["find_label_issues", "find_multilabel_issues_per_class"]


def _per_class_joint(confident_joint, num_classes):
    if confident_joint is None:
        return None
    joint = np.asarray(confident_joint)
    if joint.shape == (num_classes, num_classes):
        warnings.warn(
            "a (K, K) confident_joint is ignored for multi-label data; pass the (K, 2, 2) "
            "per-class joints of cleannb.count.compute_confident_joint(..., multi_label=True).",
            UserWarning,
            stacklevel=3,
        )
        return None
    if joint.shape != (num_classes, 2, 2):
        raise ValueError(
            f"confident_joint must have shape ({num_classes}, 2, 2) (one binary joint per "
            f"class), got {joint.shape}."
        )
    return joint


def find_multilabel_issues_per_class(
    labels,
    pred_probs,
    return_indices_ranked_by=None,
    rank_by_kwargs=None,
    filter_by="prune_by_noise_rate",
    frac_noise=1.0,
    num_to_remove_per_class=None,
    min_examples_per_class=1,
    confident_joint=None,
    n_jobs=None,
    verbose=False,
    low_memory=False,
):
    """Find label issues of each class separately (one binary problem per class).

    Parameters
    ----------
    labels : list of list of int
        The classes given to each example (ragged; empty lists allowed).
    pred_probs : numpy.ndarray, shape (N, K)
        Independent per-class probabilities.
    return_indices_ranked_by, rank_by_kwargs, filter_by, frac_noise, min_examples_per_class
        As in :func:`cleannb.filter.find_label_issues`, for each binary problem.
    num_to_remove_per_class : sequence of int, optional
        For class k, remove that many examples wrongly given label k.
    confident_joint : numpy.ndarray, shape (K, 2, 2), optional
        Per-class binary confident joints (a (K, K) matrix is ignored with a
        warning, as in cleanlab).
    n_jobs, verbose
        Passed on.
    low_memory : bool, default False
        Ignored with a warning: cleannb's extra memory is already O(N).

    Returns
    -------
    numpy.ndarray or tuple
        Without ranking, a bool (N, K) matrix: ``[i, k]`` flags class k of
        example i. With ranking, ``(issues, labels, pred_probs)``: per class,
        the ranked indices, the 0/1 labels and the (N, 2) probabilities.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.multilabel_classification.filter import find_multilabel_issues_per_class
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.3], [0.1, 0.9], [0.2, 0.8], [0.9, 0.2]])
    >>> find_multilabel_issues_per_class([[0], [0], [1], [1], [1]], pred_probs)[:, 1]
    array([False, False, False, False,  True])
    """
    if low_memory:
        _warn_low_memory(stacklevel=3)
    check_choice(filter_by, "filter_by", FILTERS)
    if return_indices_ranked_by is not None:
        check_choice(return_indices_ranked_by, "return_indices_ranked_by", RANKINGS)
    num_classes = np.shape(pred_probs)[1] if np.ndim(pred_probs) == 2 else 0
    joint = _per_class_joint(confident_joint, num_classes)
    pred_probs, matrix = _multilabel.checked(labels, pred_probs)
    return _issues_per_class(
        matrix,
        pred_probs,
        joint,
        return_indices_ranked_by=return_indices_ranked_by,
        rank_by_kwargs=dict(rank_by_kwargs) if rank_by_kwargs else {},
        filter_by=filter_by,
        frac_noise=frac_noise,
        num_to_remove_per_class=num_to_remove_per_class,
        min_examples_per_class=min_examples_per_class,
        n_jobs=n_jobs,
        verbose=verbose,
    )


def _warn_low_memory(stacklevel):
    warnings.warn(
        "low_memory=True is ignored: cleannb needs only O(N) extra memory; the result is "
        "that of low_memory=False.",
        UserWarning,
        stacklevel=stacklevel,
    )


def _issues_per_class(
    matrix,
    pred_probs,
    joint,
    *,
    return_indices_ranked_by=None,
    rank_by_kwargs=None,
    filter_by="prune_by_noise_rate",
    frac_noise=1.0,
    num_to_remove_per_class=None,
    min_examples_per_class=1,
    n_jobs=None,
    verbose=False,
):
    """:func:`find_multilabel_issues_per_class` of checked inputs and options.

    ``matrix`` and ``pred_probs`` as ``_core.multilabel.checked`` returned
    them, ``joint`` the checked (K, 2, 2) joints or None: the values are not
    checked again (the binary problems are marked as derived from checked values).
    """
    masks, ranked, labels_list, pred_probs_list = [], [], [], []
    tasks = _multilabel.binary_tasks_of(matrix, pred_probs)
    for k, (binary_labels, binary) in enumerate(tasks):
        remove = None if num_to_remove_per_class is None else [num_to_remove_per_class[k], 0]
        issues = find_single_label(
            binary_labels,
            binary,
            return_indices_ranked_by=return_indices_ranked_by,
            rank_by_kwargs=rank_by_kwargs or {},
            filter_by=filter_by,
            frac_noise=frac_noise,
            num_to_remove_per_class=remove,
            min_examples_per_class=min_examples_per_class,
            confident_joint=None
            if joint is None or filter_by == "confident_learning"
            else joint[k],
            n_jobs=n_jobs,
            verbose=verbose,
        )
        if return_indices_ranked_by is None:
            masks.append(issues)
        else:
            ranked.append(issues)
            labels_list.append(binary_labels)
            pred_probs_list.append(binary)
    if return_indices_ranked_by is None:
        return np.column_stack(masks)
    return ranked, labels_list, pred_probs_list


def find_label_issues(
    labels,
    pred_probs,
    return_indices_ranked_by=None,
    rank_by_kwargs=None,
    filter_by="prune_by_noise_rate",
    frac_noise=1.0,
    num_to_remove_per_class=None,
    min_examples_per_class=1,
    confident_joint=None,
    n_jobs=None,
    verbose=False,
    low_memory=False,
):
    """Flag the multi-label examples whose set of given labels is probably wrong.

    An example is flagged when any class's binary problem flags it (see
    :func:`find_multilabel_issues_per_class`). With ``filter_by`` one of
    ``"low_normalized_margin"`` or ``"low_self_confidence"`` instead, as in
    cleanlab 2.9: as many examples as ``filter_by="confident_learning"``
    flags, those with the lowest default multi-label score (self-confidence,
    EMA-aggregated; for both filters).

    Parameters
    ----------
    labels : list of list of int
        The classes given to each example (ragged; empty lists allowed).
    pred_probs : numpy.ndarray, shape (N, K)
        Independent per-class probabilities.
    return_indices_ranked_by : str or None
        None returns a mask; otherwise the flagged indices sorted by the
        multi-label score of that method ("self_confidence",
        "normalized_margin" or "confidence_weighted_entropy"), lowest first
        (equal scores in the order of ``np.argsort``, as cleanlab; lower index
        first under ``cleannb.tie_order("index")``).
    rank_by_kwargs : dict, optional
        ``{"adjust_pred_probs": bool}`` for the ranking score.
    filter_by, frac_noise, num_to_remove_per_class, min_examples_per_class, confident_joint
        See :func:`find_multilabel_issues_per_class`.
    n_jobs, verbose, low_memory
        See :func:`find_multilabel_issues_per_class`.

    Returns
    -------
    numpy.ndarray
        A bool mask of shape (N,) or int64 indices.

    Notes
    -----
    Deviation: with a ``low_*`` filter and ranking, cleanlab 2.9 indexes its
    score-ordered indices with positions from the row-ordered subset, which
    scrambles the order; cleannb returns the flagged rows sorted by their
    score (the same set of rows). Cost: K binary problems, each O(N) time
    and memory.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.multilabel_classification.filter import find_label_issues
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.3], [0.1, 0.9], [0.2, 0.8], [0.9, 0.2]])
    >>> find_label_issues([[0], [0], [1], [1], [1]], pred_probs)
    array([False, False, False, False,  True])
    """
    if filter_by in LOW_SCORE_FILTERS:
        if low_memory:
            warnings.warn("low_memory=True is ignored.", UserWarning, stacklevel=2)
        pred_probs, matrix = _multilabel.checked(labels, pred_probs)
        per_class = _issues_per_class(
            matrix, pred_probs, None, filter_by="confident_learning", n_jobs=n_jobs
        )
        num_errors = int(per_class.any(axis=1).sum())
        scores = label_quality_scores(matrix, pred_probs, n_jobs=n_jobs)
        flagged = _ties.argsort(scores)[:num_errors]
        mask = np.zeros(len(scores), dtype=bool)
        mask[flagged] = True
        if return_indices_ranked_by is None:
            return mask
        rows = np.flatnonzero(mask)
        subset_scores = label_quality_scores(
            matrix[rows],
            pred_probs[rows],
            method=return_indices_ranked_by,
            n_jobs=n_jobs,
            **dict(rank_by_kwargs or {}),
        )
        return rows[_ties.argsort(subset_scores)]
    if low_memory:
        _warn_low_memory(stacklevel=3)
    check_choice(filter_by, "filter_by", FILTERS)
    num_classes = np.shape(pred_probs)[1] if np.ndim(pred_probs) == 2 else 0
    joint = _per_class_joint(confident_joint, num_classes)
    pred_probs, matrix = _multilabel.checked(labels, pred_probs)
    mask = _issues_per_class(
        matrix,
        pred_probs,
        joint,
        rank_by_kwargs=dict(rank_by_kwargs) if rank_by_kwargs else {},
        filter_by=filter_by,
        frac_noise=frac_noise,
        num_to_remove_per_class=num_to_remove_per_class,
        min_examples_per_class=min_examples_per_class,
        n_jobs=n_jobs,
        verbose=verbose,
    ).any(axis=1)
    if return_indices_ranked_by is None:
        return mask
    rows = np.flatnonzero(mask)
    scores = label_quality_scores(
        matrix,
        pred_probs,
        method=return_indices_ranked_by,
        n_jobs=n_jobs,
        **dict(rank_by_kwargs or {}),
    )
    return rows[_ties.argsort(scores[rows])]
