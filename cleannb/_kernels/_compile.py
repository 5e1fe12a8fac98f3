"""Compile options shared by every kernel.

Each kernel is compiled twice from one Python function: a parallel version
(``prange`` spread over Numba's thread pool) and a serial one (``prange``
runs as ``range``). Waking a thread pool costs far more than a small input
takes to process, so :func:`choose` picks the serial twin below
:data:`cleannb._parallel.PARALLEL_MIN_BYTES` of input or with one thread.
Compilation is lazy (no signatures), so ``import cleannb`` compiles nothing.
"""

from __future__ import annotations

import numba
from numba import njit

from .._parallel import PARALLEL_MIN_BYTES

_OPTIONS = {"nogil": True, "error_model": "numpy", "boundscheck": False}


class Twins:
    """A kernel compiled as a parallel and as a serial function."""

    def __init__(self, fn):
        self.parallel = njit(parallel=True, **_OPTIONS)(fn)
        self.serial = njit(parallel=False, **_OPTIONS)(fn)
        self.__doc__ = fn.__doc__

    def choose(self, nbytes):
        """Return the parallel twin for inputs of ``nbytes`` or more with >1 thread."""
        if nbytes >= PARALLEL_MIN_BYTES and numba.get_num_threads() > 1:
            return self.parallel
        return self.serial

    def __call__(self, *args, nbytes):
        return self.choose(nbytes)(*args)


def twins(fn):
    """Compile ``fn`` as a :class:`Twins` pair (parallel and serial)."""
    return Twins(fn)


def inline(fn):
    """Compile a small helper that Numba inlines into its callers."""
    return njit(inline="always", **_OPTIONS)(fn)
