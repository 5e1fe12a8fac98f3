"""Thread-count control for the Numba kernels, and threads for numpy's sorts.

Every public function that runs a kernel takes ``n_jobs`` and enters
:func:`num_threads`, which maps it to Numba's thread count for the duration of
the call and restores the previous count afterwards, also when the call raises.
:func:`map_in_threads` runs independent pieces of numpy work that release the
GIL (sorts) on that many Python threads.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from numbers import Integral

import numba

from .._kernels._compile import PARALLEL_MIN_BYTES  # noqa: F401  (the pipeline's name for it)


def resolve_n_jobs(n_jobs):
    """Return the number of threads that ``n_jobs`` asks for.

    Parameters
    ----------
    n_jobs : int or None
        ``None`` or ``-1`` means all cores Numba may use; a positive integer
        means that many threads (capped at Numba's maximum).

    Returns
    -------
    int
        A thread count between 1 and ``numba.config.NUMBA_NUM_THREADS``.

    Raises
    ------
    TypeError
        If ``n_jobs`` is not an integer or None.
    ValueError
        If ``n_jobs`` is 0 or below -1.
    """
    limit = numba.config.NUMBA_NUM_THREADS
    if n_jobs is None:
        return limit
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, Integral):
        raise TypeError(f"n_jobs must be an integer or None, got {type(n_jobs).__name__}.")
    n_jobs = int(n_jobs)
    if n_jobs == -1:
        return limit
    if n_jobs < 1:
        raise ValueError(
            f"n_jobs must be a positive integer, -1 or None (all cores), got {n_jobs}."
        )
    return min(n_jobs, limit)


@contextmanager
def num_threads(n_jobs):
    """Run the enclosed kernels with the thread count ``n_jobs`` asks for.

    Parameters
    ----------
    n_jobs : int or None
        See :func:`resolve_n_jobs`.

    Yields
    ------
    int
        The thread count in force inside the block.

    Examples
    --------
    >>> import numba
    >>> from cleannb._core.parallel import num_threads
    >>> before = numba.get_num_threads()
    >>> with num_threads(1) as n:
    ...     print(n, numba.get_num_threads())
    1 1
    >>> numba.get_num_threads() == before
    True
    """
    wanted = resolve_n_jobs(n_jobs)
    previous = numba.get_num_threads()
    numba.set_num_threads(wanted)
    try:
        yield wanted
    finally:
        numba.set_num_threads(previous)


#: One pool of Python threads per thread count, made on first use.
_POOLS = {}


def map_in_threads(function, items):
    """``[function(item) for item in items]``, on as many threads as the kernels use.

    For work that releases the GIL (numpy's sorts): the items run on
    ``numba.get_num_threads()`` Python threads (threads, not processes), and
    the results come back in the order of ``items`` whatever the thread count.

    Examples
    --------
    >>> import numpy as np
    >>> from cleannb._core.parallel import map_in_threads
    >>> [order.tolist() for order in map_in_threads(np.argsort, [[3, 1, 2], [1, 0]])]
    [[1, 2, 0], [1, 0]]
    """
    items = list(items)
    threads = min(numba.get_num_threads(), len(items))
    if threads <= 1:
        return [function(item) for item in items]
    if threads not in _POOLS:
        _POOLS[threads] = ThreadPoolExecutor(threads, thread_name_prefix="cleannb")
    return list(_POOLS[threads].map(function, items))
