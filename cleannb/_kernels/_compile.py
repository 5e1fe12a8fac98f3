"""Compile options shared by every kernel.

Each kernel is compiled twice from one Python function: a parallel version
(``prange`` spread over Numba's thread pool) and a serial one (``prange``
runs as ``range``). Waking a thread pool costs far more than a small input
takes to process, so :func:`choose` picks the serial twin below
:data:`PARALLEL_MIN_BYTES` of input or with one thread.
Compilation is lazy (no signatures), so ``import cleannb`` compiles nothing,
and cached on disk (``cache=True``: next to the sources, or in Numba's
user-wide cache directory when that is read-only), so only the first call in
the first process pays for it. The two twins are compiled from copies of the
function under different names: Numba keys its cache by name, and a serial
build loaded for a parallel call crashes.

Numba checks a cached kernel against its own source file only: after editing
an inlined helper that lives in another module, delete the ``*.nbi``/``*.nbc``
files under ``cleannb/_kernels/__pycache__``.
"""

from __future__ import annotations

import types

import numba
from numba import njit

#: Below this many bytes of input a parallel region costs more than it saves
#: (waking the thread pool takes milliseconds with some threading layers), so
#: kernels have a serial twin that is used for small inputs.
PARALLEL_MIN_BYTES = 1 << 20

_OPTIONS = {"nogil": True, "error_model": "numpy", "boundscheck": False, "cache": True}


def _renamed(fn, suffix):
    """A copy of ``fn`` whose name (and so whose cache entry) ends in ``suffix``."""
    copy = types.FunctionType(
        fn.__code__, fn.__globals__, fn.__name__ + suffix, fn.__defaults__, fn.__closure__
    )
    copy.__qualname__ = fn.__qualname__ + suffix
    copy.__module__ = fn.__module__
    copy.__doc__ = fn.__doc__
    return copy


class Twins:
    """A kernel compiled as a parallel and as a serial function."""

    def __init__(self, fn, **options):
        options = {**_OPTIONS, **options}
        self.parallel = njit(parallel=True, **options)(_renamed(fn, "_parallel"))
        self.serial = njit(parallel=False, **options)(_renamed(fn, "_serial"))
        self.__doc__ = fn.__doc__

    def choose(self, nbytes):
        """Return the parallel twin for inputs of ``nbytes`` or more with >1 thread."""
        if nbytes >= PARALLEL_MIN_BYTES and numba.get_num_threads() > 1:
            return self.parallel
        return self.serial

    def __call__(self, *args, nbytes):
        return self.choose(nbytes)(*args)


def twins(fn=None, **options):
    """Compile ``fn`` as a :class:`Twins` pair (parallel and serial).

    Extra Numba ``options`` (e.g. ``fastmath``) apply to both twins; use as
    ``twins(fn)`` or ``twins(fn, fastmath=...)``.
    """
    return Twins(fn, **options)


def inline(fn):
    """Compile a small helper that Numba inlines into its callers."""
    return njit(inline="always", **_OPTIONS)(fn)


def called(fn):
    """Compile a helper once per signature, for its callers to call.

    For code off the hot path of its callers: an inlined helper is compiled
    again inside every caller and every twin, a called one only once.
    """
    return njit(**_OPTIONS)(fn)
