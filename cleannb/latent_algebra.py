"""cleanlab 0.1.0's ``latent_algebra``: closed-form relations between p(s), p(y),
P(s|y) and P(y|s), with 0.1.0's names, signatures and clipping floors.

All six functions are O(K^2) (O(K^3) for an inverse) and run the formulas
that :mod:`cleannb.count` uses (private module ``cleannb._core.algebra``), with
0.1.0's floors; denominators are guarded as in cleanlab 2.x. As in
0.1.0, ``clip_noise_rates``, ``clip_values`` and ``value_counts`` of
:mod:`cleannb.util` can be imported from here too.
"""

from __future__ import annotations

import numpy as np

from ._core import algebra as _algebra
from ._core.validation import check_labels, check_square
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

    ``ps`` is the fraction of each noisy label; ``py`` and the inverse noise
    matrix then come from :func:`compute_py_inv_noise_matrix`. cleanlab 2.x
    keeps it in ``cleanlab.internal.latent_algebra`` with the same arguments.
    Difference from 0.1.0: ``ps`` has an entry, possibly 0, for every class
    0..K-1 (0.1.0 counted the classes present with ``value_counts``, which
    misaligned ``ps`` when a class had no example). O(N + K^3).

    Parameters
    ----------
    s : array_like of int, shape (N,)
        Noisy labels 0..K-1.
    noise_matrix : array_like of float, shape (K, K)
        P(s|y), columns summing to 1; must be invertible.

    Returns
    -------
    ps : numpy.ndarray of float64, shape (K,)
        p(s), the fraction of examples with each noisy label.
    py : numpy.ndarray of float64, shape (K,)
        p(y), clipped to [0.001, 1] and rescaled to sum to 1.
    inverse_noise_matrix : numpy.ndarray of float64, shape (K, K)
        P(y|s), columns summing to 1.

    Raises
    ------
    numpy.linalg.LinAlgError
        ``noise_matrix`` is singular.

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

    ``py`` is clipped to [0.001, 1] and rescaled to sum to 1 (0.1.0's floor;
    cleanlab 2.x's ``compute_py_inv_noise_matrix`` in
    ``cleanlab.internal.latent_algebra`` clips at 1e-6, so the two differ
    only when a prior falls below 0.001). The inverse noise matrix then comes
    from :func:`compute_inv_noise_matrix`. O(K^3).

    Parameters
    ----------
    ps : array_like of float, shape (K,) or (1, K)
        p(s), the distribution of the noisy labels.
    noise_matrix : array_like of float, shape (K, K)
        P(s|y), columns summing to 1; must be invertible.

    Returns
    -------
    py : numpy.ndarray of float64, shape (K,)
        p(y), summing to 1.
    inverse_noise_matrix : numpy.ndarray of float64, shape (K, K)
        P(y|s), columns summing to 1.

    Raises
    ------
    numpy.linalg.LinAlgError
        ``noise_matrix`` is singular.

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

    Bayes' rule: the joint P(s, y) is ``noise_matrix * py`` (column y scaled
    by p(y)); dividing its transpose by p(s) gives P(y|s), which is then
    passed through :func:`cleannb.util.clip_noise_rates`. The modern
    counterpart is :func:`cleannb.count.compute_inv_noise_matrix` (``ps``
    keyword-only). Difference from 0.1.0: a zero p(s) gives a zero column
    instead of NaN. O(K^2).

    Parameters
    ----------
    py : array_like of float, shape (K,) or (1, K)
        p(y), the distribution of the true labels.
    noise_matrix : array_like of float, shape (K, K)
        P(s|y), columns summing to 1.
    ps : array_like of float, shape (K,) or (1, K), optional
        p(s); default: the row sums of the joint, ``noise_matrix @ py``.

    Returns
    -------
    numpy.ndarray of float64, shape (K, K)
        P(y|s): entry [y, s], each column summing to 1.

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

    Bayes' rule the other way: the joint P(s, y) is the transpose of
    ``inverse_noise_matrix * ps``; dividing it by p(y) gives P(s|y), which is
    then passed through :func:`cleannb.util.clip_noise_rates`. The modern
    counterpart is :func:`cleannb.count.compute_noise_matrix_from_inverse`
    (``py`` keyword-only). Difference from 0.1.0: a zero p(y) gives a zero
    column instead of NaN. O(K^2).

    Parameters
    ----------
    ps : array_like of float, shape (K,) or (1, K)
        p(s), the distribution of the noisy labels.
    inverse_noise_matrix : array_like of float, shape (K, K)
        P(y|s), columns summing to 1.
    py : array_like of float, shape (K,) or (1, K), optional
        p(y); default: the column sums of the joint.

    Returns
    -------
    numpy.ndarray of float64, shape (K, K)
        P(s|y): entry [s, y], each column summing to 1.

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

    The modern counterpart is :func:`cleannb.count.compute_py`, where
    ``py_method`` is keyword-only, ``y_count`` is named
    ``true_labels_class_counts`` and the floor is 1e-6 (0.1.0's, kept here,
    is 1e-5). Denominators are guarded as in 2.x: a zero diagonal entry of
    ``noise_matrix`` gives a finite result where 0.1.0 gave inf or NaN. O(K^2)
    (O(K^3) for ``"eqn"``).

    Parameters
    ----------
    ps : array_like of float, shape (K,) or (1, K)
        p(s), the distribution of the noisy labels.
    noise_matrix : array_like of float, shape (K, K)
        P(s|y), columns summing to 1.
    inverse_noise_matrix : array_like of float, shape (K, K)
        P(y|s), columns summing to 1.
    py_method : {"cnt", "eqn", "marginal", "marginal_ps"}, default "cnt"
        ``"cnt"``: ``ps * diag(P(y|s)) / diag(P(s|y))``; ``"eqn"``:
        ``inv(P(s|y)) @ ps``; ``"marginal"``: ``y_count / sum(y_count)``;
        ``"marginal_ps"``: ``P(y|s) @ ps``.
    y_count : array_like of float, shape (K,), optional
        Count of each true label (the column sums of the confident joint);
        required by ``"marginal"``, ignored otherwise.

    Returns
    -------
    numpy.ndarray of float64, shape (K,)
        p(y), clipped to [1e-5, 1] and rescaled to sum to 1.

    Raises
    ------
    ValueError
        An unknown ``py_method``, or ``"marginal"`` without ``y_count``.

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

    Each entry is clipped to [0, 1] before the rows are rescaled to sum to 1.
    cleanlab 2.x keeps it in ``cleanlab.internal.latent_algebra`` with
    ``pred_probs`` for ``psx``. Differences from 0.1.0: row sums are numpy's
    (0.1.0 summed each row with Python's ``sum``, which can differ in the last
    bit) and an all-zero row stays zero instead of NaN. O(N K).

    Parameters
    ----------
    psx : array_like of float, shape (N, K)
        Out-of-sample predicted probabilities p(s|x); not modified.
    noise_matrix : array_like of float, shape (K, K)
        P(s|y); only its diagonal is used.
    inverse_noise_matrix : array_like of float, shape (K, K)
        P(y|s); only its diagonal is used.

    Returns
    -------
    numpy.ndarray of float64, shape (N, K)
        p(y|x), a new array whose rows sum to 1.

    Raises
    ------
    ValueError
        ``psx`` is not 2-D.

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
