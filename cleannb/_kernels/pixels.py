"""Kernels for per-pixel confident learning: one read of a batch of images.

The probabilities of a batch of images are an (n, K, H, W) array read in
place, with the class stride of the caller's array: for each row of pixels
(image ``i``, row ``h``) the kernel walks the K class planes in order and,
within a plane, the W pixels of the row in memory order, so the inner loop
is contiguous for C-ordered input and vectorises. Nothing of size
(pixels, K) is allocated.

float16 input arrives as its int16 bit patterns (``half=True``) and is
decoded by :func:`cleannb._kernels._prefetch.half_to_float`; comparisons are
made in float64, which is exact for every dtype. Outputs that hold input
values (the label's probability, the largest probability) are copied as raw
elements, so they keep the input's bits.

Each row of pixels depends on that row alone, so results are identical for
any thread count.
"""

import numpy as np
from numba import prange

from ._compile import inline, twins
from ._prefetch import half_to_float


@inline
def _as_float(x, half):
    """One element as float64 (``half``: ``x`` holds float16 bits)."""
    if half:
        return np.float64(half_to_float(x))
    return np.float64(x)


def _pixel_pass(probs, labels, half, own, best, arg, low, high, bad):
    """Label probability, argmax and maximum of every pixel of a batch of images.

    Parameters
    ----------
    probs : (n, K, H, W) array, any strides (float32/float64, or float16 bits as int16)
    labels : (n, H, W) integer array, values in 0..K-1 (checked by the caller)
    half : bool, whether ``probs`` holds float16 bit patterns
    own : (n, H, W) output, ``probs[i, labels[i, h, w], h, w]`` (raw element)
    best : (n, H, W) output, the first largest element over the K classes (raw)
    arg : (n, H, W) int32 output, its class (numpy's argmax: the first maximum)
    low, high : (n * H,) float64 outputs, each pixel row's smallest and largest value
    bad : (n * H,) int64 output, each pixel row's count of NaN values
    """
    n, num_classes, height, width = probs.shape
    for row in prange(n * height):
        i = row // height
        h = row - i * height
        smallest = np.inf
        largest = -np.inf
        nans = 0
        for w in range(width):
            best[i, h, w] = probs[i, 0, h, w]
            arg[i, h, w] = 0
        for k in range(num_classes):
            for w in range(width):
                value = _as_float(probs[i, k, h, w], half)
                if value > _as_float(best[i, h, w], half):
                    best[i, h, w] = probs[i, k, h, w]
                    arg[i, h, w] = k
                if value != value:
                    nans += 1
                else:
                    smallest = min(smallest, value)
                    largest = max(largest, value)
        for w in range(width):
            own[i, h, w] = probs[i, labels[i, h, w], h, w]
        low[row] = smallest
        high[row] = largest
        bad[row] = nans


pixel_pass = twins(_pixel_pass)
