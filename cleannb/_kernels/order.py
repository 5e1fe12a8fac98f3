"""A stable argsort for kernels, quick to compile.

Numba's own ``np.argsort`` and ``ndarray.sort`` compile generic quicksort and
merge sort implementations that take seconds each on a cold cache; the
kernels need only a stable order of short runs.
"""

import numpy as np

from ._compile import called


@called
def stable_argsort(values, count, descending):
    """Positions of ``values[:count]`` in ascending (or descending) order, ties in position order.

    ``np.argsort(values[:count], kind="stable")``, or for ``descending``
    ``np.argsort(-values[:count], kind="stable")``, for values without NaN:
    a bottom-up merge sort.

    Examples
    --------
    >>> import numpy as np
    >>> stable_argsort(np.array([0.5, 0.2, 0.5, 0.9]), 4, True).tolist()
    [3, 0, 2, 1]
    """
    order = np.arange(count)
    merged = np.empty(count, dtype=np.int64)
    width = 1
    while width < count:
        for lo in range(0, count, 2 * width):
            middle = min(lo + width, count)
            hi = min(lo + 2 * width, count)
            left = lo
            right = middle
            for out in range(lo, hi):
                if right < hi and left < middle:
                    a = values[order[left]]
                    b = values[order[right]]
                    take_right = b > a if descending else b < a
                else:
                    take_right = right < hi
                if take_right:
                    merged[out] = order[right]
                    right += 1
                else:
                    merged[out] = order[left]
                    left += 1
        order, merged = merged, order
        width *= 2
    return order
