"""cleanlab 0.1.0's ``latent_algebra``: closed-form relations between p(s), p(y),
P(s|y) and P(y|s), with 0.1.0's names, signatures and clipping floors.

All six functions are O(K^2) (O(K^3) for an inverse) and run the formulas in
:mod:`cleannb._algebra`; denominators are guarded as in cleanlab 2.x. As in
0.1.0, ``clip_noise_rates``, ``clip_values`` and ``value_counts`` of
:mod:`cleannb.util` can be imported from here too.
"""

from __future__ import annotations

import numpy as np

from . import _algebra
from ._validation import check_labels, check_square
from .util import clip_noise_rates, clip_values, value_counts

#: 0.1.0 clips p(y) to this in compute_py_inv_noise_matrix (2.x: 1e-6).
INVERSE_PY_FLOOR = 0.001
#: 0.1.0 clips p(y) to this in compute_py (2.x: 1e-6).
PY_FLOOR = 1e-5

__all__ = [
    "clip_noise_rates",
    "clip_values",
    "compute_inv_noise_matrix",
    "compute_noise_matrix_from_inverse",
    "compute_ps_py_inv_noise_matrix",
    "compute_py",
    "compute_py_inv_noise_matrix",
    "compute_pyx",
    "value_counts",
]


def _vector(ps, name):
    ps = np.asarray(ps, dtype=float)
    if ps.ndim == 2 and ps.shape[0] == 1:
        ps = ps[0]
    if ps.ndim != 1:
        raise ValueError(f"{name} must have shape (K,) or (1, K), got {ps.shape}.")
    return ps


def compute_ps_py_inv_noise_matrix(s, noise_matrix):
    """(ps, py, inverse_noise_matrix) from noisy labels and P(s|y).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.latent_algebra import compute_ps_py_inv_noise_matrix
    >>> noise_matrix = np.array([[0.9, 0.2], [0.1, 0.8]])
    >>> ps, py, inv = compute_ps_py_inv_noise_matrix([0, 0, 0, 1], noise_matrix)
    >>> ps
    array([0.75, 0.25])
    """
    noise_matrix = check_square(noise_matrix, "noise_matrix")
    labels = check_labels(s, num_classes=len(noise_matrix), name="s")
    ps = np.bincount(labels, minlength=len(noise_matrix)) / float(len(labels))
    py, inverse = compute_py_inv_noise_matrix(ps, noise_matrix)
    return ps, py, inverse


def compute_py_inv_noise_matrix(ps, noise_matrix):
    """(py, inverse_noise_matrix) from p(s) and P(s|y); py = inv(P(s|y)) p(s), clipped.

    Raises ``numpy.linalg.LinAlgError`` for a singular ``noise_matrix``.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.latent_algebra import compute_py_inv_noise_matrix
    >>> py, inv = compute_py_inv_noise_matrix([0.5, 0.5], np.eye(2))
    >>> py
    array([0.5, 0.5])
    """
    return _algebra.compute_py_inv_noise_matrix(
        _vector(ps, "ps"), check_square(noise_matrix, "noise_matrix"), floor=INVERSE_PY_FLOOR
    )


def compute_inv_noise_matrix(py, noise_matrix, ps=None):
    """P(y|s) from p(y) and P(s|y) (and p(s), computed when not given).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.latent_algebra import compute_inv_noise_matrix
    >>> compute_inv_noise_matrix(np.array([0.5, 0.5]), np.array([[0.8, 0.0], [0.2, 1.0]]))
    array([[1.        , 0.16666667],
           [0.        , 0.83333333]])
    """
    return _algebra.compute_inv_noise_matrix(
        _vector(py, "py"),
        check_square(noise_matrix, "noise_matrix"),
        None if ps is None else _vector(ps, "ps"),
    )


def compute_noise_matrix_from_inverse(ps, inverse_noise_matrix, py=None):
    """P(s|y) from p(s) and P(y|s) (and p(y), computed when not given).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.latent_algebra import compute_noise_matrix_from_inverse
    >>> compute_noise_matrix_from_inverse(np.array([0.4, 0.6]), np.eye(2))
    array([[1., 0.],
           [0., 1.]])
    """
    return _algebra.compute_noise_matrix_from_inverse(
        _vector(ps, "ps"),
        check_square(inverse_noise_matrix, "inverse_noise_matrix"),
        None if py is None else _vector(py, "py"),
    )


def compute_py(ps, noise_matrix, inverse_noise_matrix, py_method="cnt", y_count=None):
    """p(y) by ``py_method`` in {"cnt", "eqn", "marginal", "marginal_ps"}, clipped at 1e-5.

    ``"marginal"`` needs ``y_count`` (the column sums of the confident joint).
    A ``ps`` of shape (1, K) is accepted (0.1.0 raised ``TypeError`` on it).

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.latent_algebra import compute_py
    >>> compute_py(np.array([0.5, 0.5]), np.eye(2), np.eye(2))
    array([0.5, 0.5])
    """
    return _algebra.compute_py(
        _vector(ps, "ps"),
        check_square(noise_matrix, "noise_matrix"),
        check_square(inverse_noise_matrix, "inverse_noise_matrix"),
        py_method,
        y_count,
        floor=PY_FLOOR,
    )


def compute_pyx(psx, noise_matrix, inverse_noise_matrix):
    """p(y|x) from p(s|x): columns rescaled by P(y=k|s=k)/P(s=k|y=k), rows renormalised.

    Returns a new (N, K) float64 array.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb.latent_algebra import compute_pyx
    >>> compute_pyx(np.array([[0.5, 0.5]]), np.eye(2), np.eye(2))
    array([[0.5, 0.5]])
    """
    return _algebra.compute_pyx(
        psx,
        check_square(noise_matrix, "noise_matrix"),
        check_square(inverse_noise_matrix, "inverse_noise_matrix"),
    )
