"""Kernels for per-pixel confident learning: one read of a batch of images.

The probabilities of a batch of images are an (n, K, H, W) array read in
place, with the class stride of the caller's array: for each row of pixels
(image ``i``, row ``h``) the kernel walks the K class planes in order and,
within a plane, the W pixels of the row in memory order, so the inner loop
is contiguous for C-ordered input and vectorises. Nothing of size
(pixels, K) is allocated.

float16 input arrives as its int16 bit patterns and is decoded to float32
by :func:`cleannb._kernels._prefetch.half_to_float`; values are compared in
their own precision, which is exact. Outputs that hold input
values (the label's probability, the largest probability) are copied as raw
elements, so they keep the input's bits.

Each row of pixels depends on that row alone, so results are identical for
any thread count.
"""

import numpy as np
from numba import prange, types
from numba.extending import overload

from ._compile import twins
from ._prefetch import half_to_float


def decode(x):
    """The value of one element: float16 bits (int16) as float32, floats as they are."""
    raise NotImplementedError("only callable from Numba kernels")


@overload(decode, inline="always")
def _decode(x):
    if x == types.int16:
        return lambda x: half_to_float(x)
    return lambda x: x


def _pixel_pass(probs, labels, own, best, arg, low, high, total):
    """Label probability, argmax and maximum of every pixel of a batch of images.

    Parameters
    ----------
    probs : (n, K, H, W) array, any strides: float32, float64, or float16 bits as int16
    labels : (n, H, W) integer array, values in 0..K-1 (checked by the caller)
    own : (n, H, W) output, ``probs[i, labels[i, h, w], h, w]`` (raw element)
    best : (n, H, W) output, the first largest element over the K classes (raw)
    arg : (n, H, W) int32 output, its class (numpy's argmax: the first maximum)
    low, high : (n * H,) float64 outputs, each pixel row's smallest and largest value
    total : (n * H,) float64 output, the sum of each pixel row's values (not finite
        if a value is NaN or infinite)

    Values are compared in their own precision (float16 decoded to float32),
    which is exact. The inner loops run over the W pixels of a row with
    branch-free updates of per-pixel buffers, so that they vectorise.
    """
    n, num_classes, height, width = probs.shape
    for row in prange(n * height):
        i = row // height
        h = row - i * height
        first = decode(probs[i, 0, h, 0])
        top = np.empty(width, dtype=type(first))
        smallest = np.empty(width, dtype=type(first))
        sums = np.empty(width, dtype=type(first))
        where = np.zeros(width, dtype=np.int32)
        for w in range(width):
            value = decode(probs[i, 0, h, w])
            top[w] = value
            smallest[w] = value
            sums[w] = value
        for k in range(1, num_classes):
            code = np.int32(k)
            for w in range(width):
                value = decode(probs[i, k, h, w])
                better = value > top[w]
                top[w] = value if better else top[w]
                where[w] = code if better else where[w]
                lower = value < smallest[w]
                smallest[w] = value if lower else smallest[w]
                sums[w] += value
        row_low = np.inf
        row_high = -np.inf
        row_total = 0.0
        for w in range(width):
            best[i, h, w] = probs[i, where[w], h, w]
            arg[i, h, w] = where[w]
            own[i, h, w] = probs[i, labels[i, h, w], h, w]
            row_low = min(row_low, np.float64(smallest[w]))
            row_high = max(row_high, np.float64(top[w]))
            row_total += np.float64(sums[w])
        low[row] = row_low
        high[row] = row_high
        total[row] = row_total


pixel_pass = twins(_pixel_pass)
