"""Closed-form K x K algebra of confident learning, shared by both vocabularies.

cleanlab 0.1.0 and 2.9 run the same formulas with different clipping floors
(and 2.9 guards every denominator with 1e-100); the floors are arguments here
so that each vocabulary is a thin adapter and every formula exists once.
All functions are O(K^2) (O(K^3) for a matrix inverse; O(entries) on
:class:`SparseCounts`) and return new arrays.
"""

from __future__ import annotations

import numpy as np

from .constants import TINY_VALUE

PY_METHODS = ("cnt", "eqn", "marginal", "marginal_ps")


def guard(x, tiny):
    """``x`` clipped below at ``tiny`` (a denominator guard); unchanged if ``tiny`` is 0."""
    return np.clip(x, tiny, None) if tiny else x


def clip_noise_rates(noise_matrix, tiny=TINY_VALUE):
    """Clip off-diagonal rates to [0, 0.9999], keep the diagonal, renormalise columns.

    Float matrices keep their dtype, as in cleanlab (others become float64).
    """
    noise_matrix = np.asarray(noise_matrix)
    if noise_matrix.dtype.kind != "f":
        noise_matrix = noise_matrix.astype(float)
    diagonal = noise_matrix.diagonal().copy()
    clipped = np.clip(noise_matrix, 0.0, 0.9999)
    np.fill_diagonal(clipped, diagonal)
    return clipped / guard(clipped.sum(axis=0), tiny)


def clip_values(x, low=0.0, high=1.0, new_sum=None, tiny=TINY_VALUE):
    """Clip ``x`` to [low, high] and rescale it to sum to ``new_sum`` (default: its old sum)."""
    x = np.asarray(x)
    if x.ndim > 1:
        raise TypeError(f"clip_values needs a 1-D array, got shape {x.shape}.")
    previous = np.sum(x) if new_sum is None else new_sum
    clipped = np.clip(x, low, high)
    return clipped * previous / guard(np.sum(clipped), tiny)


def normalized_joint(counts, tiny=TINY_VALUE):
    """The joint distribution of a (calibrated) confident joint: ``counts`` over their total.

    The total is guarded below by ``tiny`` (cleanlab 2.x); ``tiny=0`` divides
    unguarded, as cleanlab 0.1.0 does.

    Examples
    --------
    >>> import numpy as np
    >>> normalized_joint(np.array([[3, 1], [0, 4]]))
    array([[0.375, 0.125],
           [0.   , 0.5  ]])
    """
    return counts / max(float(np.sum(counts)), tiny)


def compute_py(
    ps,
    noise_matrix,
    inverse_noise_matrix,
    py_method="cnt",
    true_labels_class_counts=None,
    floor=1e-6,
    tiny=TINY_VALUE,
):
    """Prior of the true labels p(y) by one of four estimators (see ``PY_METHODS``)."""
    if py_method not in PY_METHODS:
        raise ValueError(f"py_method={py_method!r} is not supported; use one of {PY_METHODS}.")
    if py_method == "cnt":
        py = inverse_noise_matrix.diagonal() / guard(noise_matrix.diagonal(), tiny) * ps
    elif py_method == "eqn":
        py = np.linalg.inv(noise_matrix).dot(ps)
    elif py_method == "marginal":
        if true_labels_class_counts is None:
            raise ValueError(
                "py_method='marginal' needs the true-label class counts (the column sums of "
                "the confident joint); pass true_labels_class_counts (y_count in 0.1.0)."
            )
        counts = np.asarray(true_labels_class_counts, dtype=float)
        py = counts / guard(float(np.sum(counts)), tiny)
    else:
        py = np.dot(inverse_noise_matrix, ps)
    return clip_values(py, low=floor, high=1.0, new_sum=1.0, tiny=tiny)


def compute_inv_noise_matrix(py, noise_matrix, ps=None, tiny=TINY_VALUE):
    """P(y | s) from p(y) and P(s | y); columns sum to 1."""
    joint = noise_matrix * py
    ps = joint.sum(axis=1) if ps is None else ps
    return clip_noise_rates(joint.T / guard(ps, tiny), tiny)


def compute_noise_matrix_from_inverse(ps, inverse_noise_matrix, py=None, tiny=TINY_VALUE):
    """P(s | y) from p(s) and P(y | s); columns sum to 1."""
    joint = (inverse_noise_matrix * ps).T
    py = joint.sum(axis=0) if py is None else py
    return clip_noise_rates(joint / guard(py, tiny), tiny)


def compute_py_inv_noise_matrix(ps, noise_matrix, floor=1e-6, tiny=TINY_VALUE):
    """p(y) and P(y | s) from p(s) and P(s | y)."""
    py = np.linalg.inv(noise_matrix).dot(ps)
    py = clip_values(py, low=floor, high=1.0, new_sum=1.0, tiny=tiny)
    return py, compute_inv_noise_matrix(py, noise_matrix, ps=ps, tiny=tiny)


def compute_pyx(pred_probs, noise_matrix, inverse_noise_matrix, tiny=TINY_VALUE):
    """p(y | x) from p(s | x): rescale columns, clip to [0, 1], renormalise rows."""
    pred_probs = np.asarray(pred_probs)
    if pred_probs.ndim != 2:
        raise ValueError(f"pred_probs must have shape (N, K), got {pred_probs.shape}.")
    pyx = pred_probs * inverse_noise_matrix.diagonal() / guard(noise_matrix.diagonal(), tiny)
    pyx = np.clip(pyx, 0.0, 1.0)
    return pyx / guard(pyx.sum(axis=1, keepdims=True), tiny)


def converge_estimates(
    ps,
    py,
    noise_matrix,
    inverse_noise_matrix,
    inv_iterations=5,
    nm_iterations=3,
    floor=1e-6,
    tiny=TINY_VALUE,
):
    """Alternate the closed-form relations between p(y), P(s|y) and P(y|s)."""
    for _ in range(nm_iterations):
        for _ in range(inv_iterations):
            inverse_noise_matrix = compute_inv_noise_matrix(py, noise_matrix, ps=ps, tiny=tiny)
            py = compute_py(ps, noise_matrix, inverse_noise_matrix, floor=floor, tiny=tiny)
        noise_matrix = compute_noise_matrix_from_inverse(ps, inverse_noise_matrix, py=py, tiny=tiny)
    return py, noise_matrix, inverse_noise_matrix


def estimate_latent(
    confident_joint,
    label_counts,
    py_method="cnt",
    converge=False,
    floor=1e-6,
    converged_floor=1e-5,
    tiny=TINY_VALUE,
):
    """p(y), P(s|y) and P(y|s) from a confident joint and the label counts."""
    confident_joint = np.asarray(confident_joint)
    label_counts = np.asarray(label_counts)
    ps = label_counts / float(np.sum(label_counts))
    s_counts = confident_joint.sum(axis=1).astype(float)
    y_counts = confident_joint.sum(axis=0).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        noise_matrix = confident_joint / guard(y_counts, tiny)
        inverse = confident_joint.T / guard(s_counts, tiny)
        py = compute_py(ps, noise_matrix, inverse, py_method, y_counts, floor=floor, tiny=tiny)
        noise_matrix = clip_noise_rates(noise_matrix, tiny)
        inverse = clip_noise_rates(inverse, tiny)
        if converge:
            py, noise_matrix, inverse = converge_estimates(
                ps, py, noise_matrix, inverse, floor=floor, tiny=tiny
            )
            py = clip_values(py, low=converged_floor, high=1.0, new_sum=1.0, tiny=tiny)
            noise_matrix = clip_noise_rates(noise_matrix, tiny)
            inverse = clip_noise_rates(inverse, tiny)
    return py, noise_matrix, inverse
