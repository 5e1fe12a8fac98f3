"""Where the random functions of cleannb get their randomness.

``seed=None`` means numpy's global RNG, as in cleanlab: the call consumes
one 64-bit draw from the legacy ``np.random`` state (or, for the
cross-validation folds, lets scikit-learn shuffle with it), so
``np.random.seed(k)`` before the call reproduces the run, in this process or
any other. An int or a ``numpy.random.Generator`` leaves the global state
untouched: an int always gives the same stream, a Generator gives one draw
of its own.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

__all__ = ["folds_random_state", "stream_key"]

_KEY_BOUND = 2**64  # stream keys are uint64
_SKLEARN_BOUND = 2**32  # scikit-learn seeds a RandomState with an int below this


def stream_key(seed):
    """The 64-bit key of the counter-based streams of :mod:`cleannb._kernels.noise`.

    Parameters
    ----------
    seed : None, int or numpy.random.Generator
        None: one draw from numpy's global RNG (``np.random.randint``).
        A non-negative int: a fixed key (through ``numpy.random.SeedSequence``).
        A Generator: one draw from it.

    Returns
    -------
    numpy.uint64

    Raises
    ------
    TypeError
        If ``seed`` is of another type (a bool, a float, a ``RandomState``).
    ValueError
        If ``seed`` is a negative int.

    Examples
    --------
    >>> import numpy as np
    >>> bool(stream_key(7) == stream_key(7))
    True
    >>> np.random.seed(0)
    >>> a = stream_key(None)
    >>> np.random.seed(0)
    >>> bool(stream_key(None) == a), bool(stream_key(None) == a)
    (True, False)
    """
    if seed is None:
        return np.uint64(np.random.randint(0, _KEY_BOUND, dtype=np.uint64))  # noqa: NPY002
    if isinstance(seed, np.random.Generator):
        return np.uint64(seed.integers(0, _KEY_BOUND, dtype=np.uint64))
    if isinstance(seed, bool | np.bool_) or not isinstance(seed, Integral):
        raise TypeError(f"seed must be None, an int or a numpy Generator, got {seed!r}.")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}.")
    return np.random.SeedSequence(int(seed)).generate_state(1, dtype=np.uint64)[0]


def folds_random_state(seed):
    """``random_state`` for the shuffled ``StratifiedKFold`` of cross-validation.

    None stays None, so that scikit-learn shuffles with numpy's global
    ``RandomState``, as cleanlab does (the folds are then cleanlab's for the
    same ``np.random.seed``). A Generator, which scikit-learn does not take,
    becomes one int drawn from it. Anything else (an int, a ``RandomState``)
    is passed on for scikit-learn to check.

    Examples
    --------
    >>> import numpy as np
    >>> folds_random_state(None) is None, folds_random_state(3)
    (True, 3)
    >>> isinstance(folds_random_state(np.random.default_rng(0)), int)
    True
    """
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, _SKLEARN_BOUND))
    return seed
