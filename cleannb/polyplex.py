"""The polyplex: the range of trace(P(s, y)) for a given p(y) and trace(P(s|y)).

cleanlab 0.1.0's ``polyplex`` (not part of cleanlab 2.x). For a noise matrix
whose diagonal d (entries in [0, 1]) sums to t, trace(P(s, y)) = sum_k d_k p(y=k)
is smallest when the diagonal mass sits on the rarest classes and largest when
it sits on the most common ones. Both bounds are piecewise linear in t with
vertices at t = 0, 1, ..., K: the sums of the t smallest and of the t largest
priors. Plain numpy: O(K log K).

Differences from 0.1.0, all where it returned garbage or crashed: a ``py``
that is not a distribution raises ``ValueError`` (0.1.0 returned minima
above the maxima); a trace outside [0, K] raises ``ValueError`` (0.1.0
extrapolated below 0 and raised ``IndexError`` above K), and a bool trace
``TypeError``; a vertical line in ``slope_intercept`` raises ``ValueError``
(0.1.0: ``ZeroDivisionError``).
"""

from __future__ import annotations

from numbers import Real

import numpy as np

__all__ = ["joint_bounds", "joint_min_max", "slope_intercept"]


def slope_intercept(point1, point2):
    """Slope and intercept of the line through two points.

    Parameters
    ----------
    point1, point2 : tuple of float
        ``(x, y)`` pairs with different x.

    Returns
    -------
    tuple of float
        ``(slope, intercept)``.

    Raises
    ------
    ValueError
        If the two x values are equal (0.1.0 raised ZeroDivisionError).

    Examples
    --------
    >>> slope_intercept((0, 1), (2, 5))
    (2.0, 1.0)
    """
    (x0, y0), (x1, y1) = point1, point2
    if x1 == x0:
        raise ValueError(f"point1 and point2 share x = {x0}; the line is vertical.")
    slope = (y1 - y0) / float(x1 - x0)
    return slope, y1 - slope * x1


def _prior(py):
    array = np.asarray(py)
    if array.ndim != 1 or array.size == 0 or array.dtype.kind not in "iuf":
        raise ValueError(
            f"py must be a non-empty 1-D array of probabilities, got shape {array.shape}."
        )
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)) or array.min() < 0:
        raise ValueError("py must hold finite probabilities >= 0.")
    total = float(array.sum())
    if abs(total - 1.0) > 1e-6:
        raise ValueError(f"py must sum to 1 (got {total:.6g}); normalise it with py / py.sum().")
    return array


def joint_bounds(py):
    """Vertices of the polyplex of ``py``.

    Parameters
    ----------
    py : array_like, shape (K,)
        The prior p(y); must sum to 1.

    Returns
    -------
    noise_matrix_trace : numpy.ndarray of int, shape (K + 1,)
        0, 1, ..., K.
    joint_trace_min, joint_trace_max : numpy.ndarray of float, shape (K + 1,)
        The least and greatest trace(P(s, y)) at each of those noise-matrix
        traces. As in 0.1.0 the minima are 1 minus the largest priors,
        subtracted one at a time in descending order (so the first can be a
        rounding residue such as -2.8e-17), and the maxima are 1 minus the
        minima reversed.

    Examples
    --------
    >>> x, lo, hi = joint_bounds([0.1, 0.2, 0.2, 0.5])
    >>> x.tolist(), lo.round(12).tolist(), hi.round(12).tolist()
    ([0, 1, 2, 3, 4], [-0.0, 0.1, 0.3, 0.5, 1.0], [0.0, 0.5, 0.7, 0.9, 1.0])
    """
    prior = _prior(py)
    descending = np.sort(prior)[::-1]
    remaining = np.subtract.accumulate(np.concatenate(([1.0], descending)))
    joint_trace_min = remaining[::-1].copy()
    joint_trace_max = 1 - joint_trace_min[::-1]
    return np.arange(prior.size + 1), joint_trace_min, joint_trace_max


def joint_min_max(noise_matrix_trace, py):
    """Least and greatest trace(P(s, y)) for a noise-matrix trace and ``py``.

    Parameters
    ----------
    noise_matrix_trace : float
        trace(P(s|y)), in [0, K].
    py : array_like, shape (K,)
        The prior p(y); must sum to 1.

    Returns
    -------
    tuple of numpy.float64
        ``(y_min, y_max)``: the vertices of :func:`joint_bounds` for an
        integer trace, linear interpolation between the two neighbouring
        vertices otherwise.

    Raises
    ------
    ValueError
        If the trace is outside [0, K] (0.1.0 raised IndexError above K and
        extrapolated below 0).

    Examples
    --------
    >>> lo, hi = joint_min_max(1.5, [0.1, 0.2, 0.2, 0.5])
    >>> round(float(lo), 12), round(float(hi), 12)
    (0.2, 0.6)
    """
    _, mins, maxs = joint_bounds(py)
    k = mins.size - 1
    if isinstance(noise_matrix_trace, bool | np.bool_) or not isinstance(noise_matrix_trace, Real):
        raise TypeError(f"noise_matrix_trace must be a real number, got {noise_matrix_trace!r}.")
    t = float(noise_matrix_trace)
    if not 0 <= t <= k:
        raise ValueError(f"noise_matrix_trace must be between 0 and K = {k}, got {t}.")
    i = int(t)
    if i == t:
        return mins[i], maxs[i]
    frac = t - i
    return frac * (mins[i + 1] - mins[i]) + mins[i], frac * (maxs[i + 1] - maxs[i]) + maxs[i]
