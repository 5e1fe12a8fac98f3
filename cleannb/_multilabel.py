"""One-vs-rest reduction of multi-label data to K binary problems."""

from __future__ import annotations

import numpy as np

from ._validation import check_pred_probs


def check_multilabel_labels(labels, num_classes=None, name="labels"):
    """Return ``labels`` as a list of int arrays (ragged lists allowed)."""
    if isinstance(labels, np.ndarray) and labels.ndim == 2:
        raise TypeError(
            f"{name} must be a list of lists of class indices for multi_label=True; "
            "to convert a one-hot matrix use [np.flatnonzero(row) for row in onehot]."
        )
    try:
        rows = [np.asarray(row, dtype=np.int64).reshape(-1) for row in labels]
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a list of lists of integer class indices for multi_label=True."
        ) from None
    if not rows:
        raise ValueError(f"{name} is empty: pass at least one example.")
    present = np.concatenate(rows) if any(r.size for r in rows) else np.zeros(0, np.int64)
    if present.size and present.min() < 0:
        raise ValueError(f"{name} must hold class indices 0..K-1 but contains {present.min()}.")
    if num_classes is not None and present.size and present.max() >= num_classes:
        raise ValueError(
            f"{name} contains class {present.max()} but pred_probs has only {num_classes} columns."
        )
    return rows


def onehot(labels, num_classes):
    """(N, K) bool matrix: ``onehot[i, k]`` is whether ``k`` is among ``labels[i]``."""
    rows = check_multilabel_labels(labels, num_classes)
    matrix = np.zeros((len(rows), num_classes), dtype=bool)
    for i, row in enumerate(rows):
        matrix[i, row] = True
    return matrix


def binary_labels(labels, num_classes):
    """For each class k, the 0/1 labels "k is among the example's labels"."""
    return [column.astype(np.int64) for column in onehot(labels, num_classes).T]


def stack_complement(column):
    """(N, 2) float64 ``[1 - p, p]`` for one class's probabilities."""
    column = np.asarray(column, dtype=np.float64)
    return np.column_stack([1.0 - column, column])


def binary_tasks(labels, pred_probs):
    """Yield (binary labels, (N, 2) probabilities) for each class."""
    pred_probs = check_pred_probs(pred_probs, min_classes=1)
    num_classes = pred_probs.shape[1]
    matrix = onehot(labels, num_classes)
    if len(matrix) != len(pred_probs):
        raise ValueError(
            f"labels has {len(matrix)} entries but pred_probs has {len(pred_probs)} rows."
        )
    for k in range(num_classes):
        yield matrix[:, k].astype(np.int64), stack_complement(pred_probs[:, k])
