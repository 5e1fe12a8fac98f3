"""Find label issues: confident-learning filters and baselines (cleanlab 2.x names).

Every function returns the same masks and orderings as cleanlab 2.9, ties
included. cleanlab picks "the m worst" rows with numpy's default (unstable)
``np.argsort`` on keys computed in the dtype of ``pred_probs``; cleannb
computes the same keys, finds each cut in its kernels, and where equal keys
straddle a cut recomputes that one cell (or the ``low_*`` cut) with numpy on
the array cleanlab sorts, so the answer is cleanlab's on the same machine.
Under ``cleannb.tie_order("index")`` ties go to the lower row index instead:
the same on every machine, never slower. Results never depend on the number
of threads.

Memory: ``pred_probs`` of 1 MiB or more is read in place (float16, float32
or float64, any layout) and never copied; smaller ones are read through one
float64 copy, so that they share one set of compiled kernels. The extra
memory is O(N + K^2) plus, per thread, candidate buffers of a few times the
prune counts.
"""

from __future__ import annotations

import numpy as np

from ._core import confident as _confident
from ._core import pipeline as _pipeline
from ._core import prune as _prune
from ._core.label_issues import deprecated_multi_label, find_single_label
from ._core.method_names import FILTERS, RANKINGS
from ._core.parallel import num_threads
from ._core.source import as_pred_probs
from ._core.validation import (
    check_choice,
    check_flag,
    check_labels,
    check_pred_probs,
    check_values,
)

__all__ = [
    "find_label_issues",
    "find_label_issues_using_argmax_confusion_matrix",
    "find_predicted_neq_given",
]


def find_label_issues(
    labels,
    pred_probs,
    *,
    return_indices_ranked_by=None,
    rank_by_kwargs=None,
    filter_by="prune_by_noise_rate",
    frac_noise=1.0,
    num_to_remove_per_class=None,
    min_examples_per_class=1,
    confident_joint=None,
    n_jobs=None,
    verbose=False,
    multi_label=False,
):
    """Flag the examples whose given label is probably wrong.

    ``filter_by`` chooses the rule; all but the ``low_*`` ones finally unflag
    an example whose label wins the argmax of ``pred_probs`` once given a
    1e-6 head start (cleanlab 2.x's tolerance):

    - ``"prune_by_noise_rate"``: for each off-diagonal cell (given k, true j)
      of the prune counts (the calibrated confident joint, transposed, with at
      least ``min_examples_per_class`` kept per class), that many rows
      labelled k with the largest margin ``p[j] - p[k]``.
    - ``"prune_by_class"``: per class k, the ``n_k - pcm[k, k]`` rows labelled
      k with the smallest ``p[k]``.
    - ``"both"``: rows flagged by both of the above.
    - ``"confident_learning"``: rows off the diagonal of the confident joint.
    - ``"predicted_neq_given"``: rows whose argmax is not their label.
    - ``"low_normalized_margin"``, ``"low_self_confidence"``: the
      :func:`cleannb.count.num_label_issues` rows with the lowest score.

    Selections take exactly the stated number of rows; among equal keys at
    the cut, the rows numpy's ``argsort`` puts first, as in cleanlab (or the
    lower row indices, under ``cleannb.tie_order("index")``).

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Given labels 0..K-1 (a list of lists with ``multi_label``).
    pred_probs : numpy.ndarray, shape (N, K), or zarr, h5py or RowSource (read in ranges)
        Out-of-sample predicted probabilities (float16, float32 or float64).
    return_indices_ranked_by : {None, "self_confidence", "normalized_margin", \
"confidence_weighted_entropy"}
        None returns a mask; otherwise the flagged indices, most likely
        mislabelled first (see :func:`cleannb.rank.order_label_issues`).
    rank_by_kwargs : dict, optional
        Passed to the ranking.
    filter_by : str, default "prune_by_noise_rate"
        One of the rules above.
    frac_noise : float in (0, 1], default 1.0
        Keep only this fraction of each off-diagonal prune count (pruning
        rules only).
    num_to_remove_per_class : array_like of int, shape (K,), optional
        Rows to remove per class (exact for ``"prune_by_class"``, about right
        for ``"prune_by_noise_rate"``); pruning rules only.
    min_examples_per_class : int, default 1
        Classes with at most this many examples are not pruned (a warning
        names them).
    confident_joint : numpy.ndarray, shape (K, K), optional
        Used instead of computing one (ignored, with a warning, by
        ``"confident_learning"``).
    n_jobs : int or None, default None
        Threads (None or -1: all cores); results do not depend on it.
    verbose : bool, default False
        Print the number of issues found.
    multi_label : bool, default False
        Deprecated (as in cleanlab): use
        :func:`cleannb.multilabel_classification.filter.find_label_issues`.

    Returns
    -------
    numpy.ndarray
        A bool mask of shape (N,), or int64 indices when
        ``return_indices_ranked_by`` is set.

    Raises
    ------
    ValueError, TypeError
        On malformed inputs or options (the message names the argument).

    Notes
    -----
    Pruning reads ``pred_probs`` at most twice: once for the confident joint
    (which also keeps each row's argmax for the final check, and for rows of
    256 bytes or more its own probability and maximum) and once for the
    selection, which visits the rows in memory order and reads, per row,
    only the columns of its class's cells. A margin is positive only in a
    row whose label is not its argmax, and a row whose largest possible
    margin (its maximum minus its own probability) cannot enter any cell of
    its class is not read at all.
    Extra memory: O(N) plus, per thread, a candidate buffer per cell (twice
    the prune counts), never a per-class copy of ``pred_probs``. Ranking
    then scores only the flagged rows.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.filter import find_label_issues
    >>> labels = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.7, 0.3], [0.2, 0.8],
    ...                        [0.1, 0.9], [0.3, 0.7], [0.2, 0.8], [0.95, 0.05]])
    >>> np.flatnonzero(find_label_issues(labels, pred_probs))
    array([3, 7])
    >>> find_label_issues(labels, pred_probs, return_indices_ranked_by="self_confidence")
    array([7, 3])
    """
    check_choice(filter_by, "filter_by", FILTERS)
    if return_indices_ranked_by is not None:
        check_choice(return_indices_ranked_by, "return_indices_ranked_by", RANKINGS)
    rank_by_kwargs = dict(rank_by_kwargs) if rank_by_kwargs else {}
    options = dict(
        return_indices_ranked_by=return_indices_ranked_by,
        rank_by_kwargs=rank_by_kwargs,
        filter_by=filter_by,
        frac_noise=frac_noise,
        num_to_remove_per_class=num_to_remove_per_class,
        min_examples_per_class=min_examples_per_class,
        confident_joint=confident_joint,
        n_jobs=n_jobs,
        verbose=verbose,
    )
    if check_flag(multi_label, "multi_label"):
        deprecated_multi_label(labels, stacklevel=3)
        return multilabel_filter.find_label_issues(labels, pred_probs, **options)
    return find_single_label(labels, pred_probs, **options)


def find_predicted_neq_given(labels, pred_probs, *, multi_label=False, n_jobs=None):
    """Flag the examples whose predicted class (argmax, first maximum) is not their label.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Given labels (a list of lists with ``multi_label``).
    pred_probs : numpy.ndarray, shape (N, K), or zarr, h5py or RowSource (read in ranges)
    multi_label : bool, default False
        One-vs-rest: an example is flagged when, for some class k, ``p_k >
        1 - p_k`` (computed in the dtype of ``pred_probs``) disagrees with
        whether k is among its labels.
    n_jobs : int or None, default None

    Returns
    -------
    numpy.ndarray of bool, shape (N,)

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.filter import find_predicted_neq_given
    >>> find_predicted_neq_given([0, 1, 1], np.array([[0.6, 0.4], [0.7, 0.3], [0.2, 0.8]]))
    array([False,  True, False])
    """
    if check_flag(multi_label, "multi_label"):
        if not isinstance(labels, list):
            raise TypeError(
                "labels must be a list of lists of class indices when multi_label=True."
            )
        from ._core.multilabel import onehot

        pred_probs = check_pred_probs(pred_probs, min_classes=1)
        _check_value_range(pred_probs)
        member = onehot(labels, pred_probs.shape[1])
        if len(member) != len(pred_probs):
            raise ValueError(
                f"labels has {len(member)} entries but pred_probs has {len(pred_probs)} rows."
            )
        flagged = np.zeros(len(member), dtype=bool)
        one = pred_probs.dtype.type(1)
        for k in range(pred_probs.shape[1]):
            column = pred_probs[:, k]
            flagged |= (column > one - column) != member[:, k]
        return flagged
    pred_probs = as_pred_probs(pred_probs)
    labels = check_labels(labels, num_classes=pred_probs.shape[1], n_rows=len(pred_probs))
    with num_threads(n_jobs):
        return _confident.row_pass(pred_probs, labels).argmax != labels


def _check_value_range(pred_probs):
    check_values(pred_probs)  # the tolerances of every pass (-1e-6 to 1.001)


def find_label_issues_using_argmax_confusion_matrix(
    labels, pred_probs, *, calibrate=True, filter_by="prune_by_noise_rate", n_jobs=None
):
    """Confident learning with the argmax confusion matrix as the confident joint.

    The joint counts ``C[labels[i], argmax_i]`` over all rows (K x K), is
    calibrated if asked, and is passed to :func:`find_label_issues`.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
    pred_probs : numpy.ndarray, shape (N, K)
    calibrate : bool, default True
        Calibrate the matrix to the label counts first.
    filter_by : str, default "prune_by_noise_rate"
        See :func:`find_label_issues`.
    n_jobs : int or None, default None

    Returns
    -------
    numpy.ndarray of bool, shape (N,)

    Notes
    -----
    cleanlab builds this matrix with ``sklearn.metrics.confusion_matrix``,
    which drops a class that is neither given nor predicted and so misaligns
    the matrix with ``pred_probs``; cleannb always keeps it K x K.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.filter import find_label_issues_using_argmax_confusion_matrix
    >>> labels = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.7, 0.3], [0.2, 0.8],
    ...                        [0.1, 0.9], [0.3, 0.7], [0.2, 0.8], [0.95, 0.05]])
    >>> np.flatnonzero(find_label_issues_using_argmax_confusion_matrix(labels, pred_probs))
    array([3, 7])
    """
    calibrate = check_flag(calibrate, "calibrate")
    pred_probs = as_pred_probs(pred_probs)
    labels = check_labels(labels, num_classes=pred_probs.shape[1], n_rows=pred_probs.shape[0])
    with num_threads(n_jobs):
        joint = _pipeline.argmax_confusion(labels, pred_probs, calibrate)
    return find_label_issues(
        labels, pred_probs, confident_joint=joint, filter_by=filter_by, n_jobs=n_jobs
    )


def _keep_at_least_n_per_class(prune_count_matrix, n, *, frac_noise=1.0):
    """cleanlab 2.x's private helper (see :func:`cleannb.pruning.keep_at_least_n_per_class`)."""
    return _prune.keep_at_least_n_per_class(prune_count_matrix, n, frac_noise)


def _reduce_prune_counts(prune_count_matrix, frac_noise=1.0):
    """cleanlab 2.x's private helper (see :func:`cleannb.pruning.reduce_prune_counts`)."""
    return _prune.reduce_prune_counts(prune_count_matrix, frac_noise)


# Names cleanlab 2.9's cleanlab.filter also exposes (imported there from count,
# rank, multilabel_classification and its internal helpers): re-exported, one
# implementation each.
from ._core.internal import (  # noqa: E402
    assert_valid_inputs,
    get_num_classes,
    get_onehot_num_classes,
    int2onehot,
    round_preserving_row_totals,
    stack_complement,
    value_counts_fill_missing_classes,
)
from .count import calibrate_confident_joint, num_label_issues  # noqa: E402
from .multilabel_classification import filter as multilabel_filter  # noqa: E402
from .multilabel_classification.filter import find_multilabel_issues_per_class  # noqa: E402
from .rank import get_label_quality_scores, order_label_issues  # noqa: E402

__all__ += [
    "assert_valid_inputs",
    "get_num_classes",
    "get_onehot_num_classes",
    "int2onehot",
    "round_preserving_row_totals",
    "stack_complement",
    "value_counts_fill_missing_classes",
    "calibrate_confident_joint",
    "num_label_issues",
    "find_multilabel_issues_per_class",
    "get_label_quality_scores",
    "order_label_issues",
]
