"""Arithmetic in the precision of the input's dtype, for keys that numpy sorts.

cleanlab computes its keys (margins, scores) with numpy in the dtype of
``pred_probs``: a float16 margin is a float16 difference, rounded to 11
significant bits. Kernels compute in float64 and call :func:`round_like`
after each operation; for float32 and float16 this gives exactly numpy's
result, because a float64 result rounded once more to the narrower type is
the correctly rounded narrow result (53 >= 2 * 24 + 2 bits: double rounding
is harmless for +, -, * and /). Keys equal in numpy are then equal here, so
ties are seen where numpy sees them.
"""

import math

import numpy as np
from numba import njit

from ._compile import _OPTIONS, inline

#: float16: 11 significant bits; normal numbers from 2**-14, subnormals in steps of 2**-24.
_HALF_MIN_NORMAL = 2.0**-14
_HALF_SUBNORMAL_STEP = 2.0**-24


@njit(**_OPTIONS)
def round_to_half(x):
    """``x`` rounded to the nearest float16 (ties to even), returned as float64.

    Exact for |x| < 65504 (probabilities and their differences): the step of
    float16 numbers at ``x`` is a power of two, so the division and the
    product below are exact and ``np.rint`` (ties to even) does the rounding.
    """
    magnitude = abs(x)
    if magnitude == 0.0 or not math.isfinite(x):
        return x
    if magnitude < _HALF_MIN_NORMAL:
        step = _HALF_SUBNORMAL_STEP
    else:
        exponent = math.frexp(magnitude)[1]  # magnitude = m * 2**exponent, 0.5 <= m < 1
        step = math.ldexp(1.0, exponent - 11)
    rounded = np.rint(magnitude / step) * step
    return rounded if x > 0 else -rounded


#: Codes of the precision that keys are rounded to (:func:`round_like`).
FLOAT64 = 0
FLOAT32 = 1
FLOAT16 = 2
PRECISION = {
    np.dtype(np.float64): FLOAT64,
    np.dtype(np.float32): FLOAT32,
    np.dtype(np.float16): FLOAT16,
}


@inline
def round_like(x, precision):
    """``x`` rounded to the float type of code ``precision`` (:data:`PRECISION`), as float64.

    A run-time argument rather than the dtype of the array read: one compiled
    kernel then serves every dtype whose values reach it as float64.
    """
    if precision == FLOAT32:
        return np.float64(np.float32(x))
    if precision == FLOAT16:
        return round_to_half(np.float64(x))
    return np.float64(x)
