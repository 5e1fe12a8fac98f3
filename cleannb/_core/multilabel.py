"""The one-vs-rest reduction of multi-label data to K binary problems.

Class k of multi-label data becomes the binary problem "is k among the
example's labels": labels 0/1 and probabilities ``[1 - p[:, k], p[:, k]]``,
both columns in the dtype of ``pred_probs`` (``1 - p`` rounded to it, as
numpy rounds it), which is the problem cleanlab 2.9 hands to its
single-label functions. Everything multi-label in cleannb goes through this
module: ``count``'s ``multi_label=True`` branches, and
``multilabel_classification.filter``, ``.rank`` and ``.dataset``.
"""

from __future__ import annotations

from itertools import chain

import numpy as np

from .validation import check_pred_probs, check_values, mark_checked


def flat_labels(labels, num_classes=None, name="labels"):
    """``labels`` (ragged lists of class indices) as row lengths and the classes, both int64.

    The classes of row i are ``classes[offsets[i]:offsets[i + 1]]`` with
    ``offsets = [0, *cumsum(lengths)]``. Checked: integers in 0..K-1.
    """
    if isinstance(labels, np.ndarray) and labels.ndim == 2:
        raise TypeError(
            f"{name} must be a list of lists of class indices for multi_label=True; "
            "to convert a one-hot matrix use [np.flatnonzero(row) for row in onehot]."
        )
    try:  # fast path: rows that are sized iterables of integers
        labels = labels if isinstance(labels, list | tuple) else list(labels)
        lengths = np.fromiter(map(len, labels), dtype=np.int64, count=len(labels))
        classes = np.fromiter(chain.from_iterable(labels), dtype=np.int64, count=int(lengths.sum()))
    except (TypeError, ValueError, OverflowError):
        try:
            rows = [np.asarray(row, dtype=np.int64).reshape(-1) for row in labels]
        except (TypeError, ValueError, OverflowError):
            raise TypeError(
                f"{name} must be a list of lists of integer class indices for multi_label=True."
            ) from None
        lengths = np.array([row.size for row in rows], dtype=np.int64)
        classes = np.concatenate(rows) if lengths.sum() else np.zeros(0, np.int64)
    if not len(lengths):
        raise ValueError(f"{name} is empty: pass at least one example.")
    if classes.size and classes.min() < 0:
        raise ValueError(f"{name} must hold class indices 0..K-1 but contains {classes.min()}.")
    if num_classes is not None and classes.size and classes.max() >= num_classes:
        raise ValueError(
            f"{name} contains class {classes.max()} but pred_probs has only {num_classes} columns."
        )
    return lengths, classes


def check_multilabel_labels(labels, num_classes=None, name="labels"):
    """Return ``labels`` as a list of int64 arrays (ragged lists allowed), checked."""
    lengths, classes = flat_labels(labels, num_classes, name)
    return np.split(classes, np.cumsum(lengths)[:-1])


def onehot(labels, num_classes):
    """(N, K) bool matrix: ``onehot[i, k]`` is whether ``k`` is among ``labels[i]``."""
    lengths, classes = flat_labels(labels, num_classes)
    matrix = np.zeros((len(lengths), num_classes), dtype=bool)
    matrix[np.repeat(np.arange(len(lengths)), lengths), classes] = True
    return matrix


def binary_labels(labels, num_classes):
    """For each class k, the 0/1 labels "k is among the example's labels"."""
    return [column.astype(np.int64) for column in onehot(labels, num_classes).T]


def stack_complement(column):
    """(N, 2) ``[1 - p, p]`` of one class's probabilities ``p``, in the dtype of ``p``.

    ``1 - p`` is rounded to that dtype exactly as numpy rounds it, and the
    result is Fortran-ordered (each column contiguous), as cleanlab 2.9's
    binary problems are.

    Examples
    --------
    >>> import numpy as np
    >>> stack_complement(np.array([0.25, 1.0], dtype=np.float32))
    array([[0.75, 0.25],
           [0.  , 1.  ]], dtype=float32)
    """
    column = np.asarray(column)
    out = np.empty((2, column.shape[0]), dtype=column.dtype)
    np.subtract(1, column, out=out[0])
    out[1] = column
    return out.T


def checked(labels, pred_probs):
    """Checked ``pred_probs`` (values read once) and the (N, K) bool one-hot labels.

    Callers hand both on to :func:`binary_tasks_of` and the scorer's checked-input
    functions, so that a public call checks the values once.
    """
    pred_probs = check_pred_probs(pred_probs, min_classes=1)
    matrix = onehot(labels, pred_probs.shape[1])
    if len(matrix) != len(pred_probs):
        raise ValueError(
            f"labels has {len(matrix)} entries but pred_probs has {len(pred_probs)} rows; "
            "they must describe the same examples in the same order."
        )
    check_values(pred_probs)  # one read: the smallest and largest key, blockwise
    return pred_probs, matrix


def binary_tasks(labels, pred_probs):
    """For each class k, its 0/1 labels (int64) and its (N, 2) probabilities.

    The values of ``pred_probs`` are checked first, once (:func:`checked`),
    here rather than when the first problem is drawn; then
    :func:`binary_tasks_of`.
    """
    pred_probs, matrix = checked(labels, pred_probs)
    return binary_tasks_of(matrix, pred_probs)


def binary_tasks_of(matrix, pred_probs):
    """Yield, for each class k, its 0/1 labels (int64) and its (N, 2) probabilities.

    For inputs :func:`checked` returned: ``matrix`` the (N, K) bool one-hot
    labels, ``pred_probs`` the checked array. The probabilities are
    :func:`stack_complement` of ``pred_probs[:, k]`` (in its dtype), marked as
    derived from checked values (``validation.mark_checked``).

    Examples
    --------
    >>> import numpy as np
    >>> matrix = np.array([[True, False], [False, True]])
    >>> pred_probs = np.array([[0.75, 0.25], [0.5, 1.0]], dtype=np.float32)
    >>> labels, probs = next(binary_tasks_of(matrix, pred_probs))
    >>> labels, probs[:, 1]
    (array([1, 0]), array([0.75, 0.5 ], dtype=float32))
    """
    for k in range(pred_probs.shape[1]):
        yield matrix[:, k].astype(np.int64), mark_checked(stack_complement(pred_probs[:, k]))


def binary_thresholds(binary_labels, binary_pred_probs):
    """The confident thresholds of one binary problem, as cleanlab 2.9 computes them.

    ``np.mean`` of the probabilities of each side (the same values in the
    same order, hence the same bits), 2.0 for a side without examples,
    clipped below at 2e-6; shape (2,), in the dtype numpy gives that list
    (the dtype of ``pred_probs``, or float64 with an absent side).
    """
    from .scores import numpy_thresholds

    return numpy_thresholds(binary_labels, binary_pred_probs)


def confident_thresholds(labels, pred_probs):
    """(K, 2) float64: row k holds :func:`binary_thresholds` of class k's problem."""
    return np.array(
        [binary_thresholds(y, p) for y, p in binary_tasks(labels, pred_probs)], dtype=np.float64
    ).reshape(-1, 2)
