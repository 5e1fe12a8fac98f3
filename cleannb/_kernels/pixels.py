"""Kernels for per-pixel confident learning: one read of a batch of images.

:func:`image_pass` reads C-ordered probabilities as (n, K, H * W): each image
is cut into runs of :data:`RUN` pixels, and for each run the K class planes
are read in order, each a contiguous stretch of memory, updating per-pixel
buffers (running maximum, its class, smallest value, sum) that stay in the
L1 cache, with branch-free selects; the inner loop vectorises (AVX2 on
x86-64). The runs are independent, so they are spread over the threads.

:func:`pixel_pass` reads any strides (Fortran order, views), in place with
the class stride of the caller's array: for each row of pixels
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
from llvmlite import ir
from numba import prange, types
from numba.extending import intrinsic, overload

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


@intrinsic
def _float_to_half(typingctx, value):
    """The int16 bit pattern of the float16 nearest a float32 (exact for decoded float16)."""
    sig = types.int16(types.float32)

    def codegen(context, builder, signature, args):
        half = builder.fptrunc(args[0], ir.HalfType())
        return builder.bitcast(half, ir.IntType(16))

    return sig, codegen


def encode(x, like):
    """A decoded value back as an element like ``like``: float32 to float16 bits (int16)."""
    raise NotImplementedError("only callable from Numba kernels")


@overload(encode, inline="always")
def _encode(x, like):
    if like == types.int16:
        return lambda x, like: _float_to_half(x)
    return lambda x, like: x


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

#: Pixels per run of :func:`image_pass`: its four buffers (16 KB each for
#: float32) stay in L1/L2, and each class plane is read 16 KB at a time.
RUN = 4096


def _image_pass(
    probs, labels, run, low_limit, high_limit, own, best, arg, disagree, compact, flagged
):
    """Label probability, argmax, maximum and disagreement of every pixel of C-ordered images.

    Parameters
    ----------
    probs : (n, K, P) C-ordered array (P = H * W): float32, float64, or float16 bits as int16
    labels : (n, P) C-ordered integer array, values in 0..K-1 (checked by the caller)
    run : int, pixels per task (the last run of an image may be shorter)
    low_limit, high_limit : float, the smallest and largest value accepted
    own : (n, P) output, ``probs[i, labels[i, p], p]`` (raw element)
    best : (n, P) output, the first largest element over the K classes (raw)
    arg : (n, P) int32 output, its class (numpy's argmax: the first maximum)
    disagree : (n, P) bool output, ``arg != labels``
    compact : (n, P) integer output, the labels again (in a narrower dtype)
    flagged : (n * runs per image,) int64 output, each run's pixels with a value below
        ``low_limit`` or above ``high_limit`` (in float64), or whose values do not
        sum to a finite number in their own precision (NaN or infinite values)

    ``own``, ``best`` and ``arg`` equal :func:`pixel_pass`'s bit for bit (the
    same comparisons in the same class order), and a run is flagged exactly
    when :func:`pixel_pass` would report a value out of the limits or a sum
    that is not finite for one of its rows (for float32 and float16; float64
    sums of finite values beyond 1e300 can overflow in one and not the other,
    and are out of the limits anyway).
    """
    n, num_classes, pixels = probs.shape
    runs = (pixels + run - 1) // run
    for task in prange(n * runs):
        i = task // runs
        start = (task - i * runs) * run
        length = min(run, pixels - start)
        plane = probs[i, 0, start : start + length]
        first = decode(plane[0])
        top = np.empty(length, dtype=type(first))
        smallest = np.empty(length, dtype=type(first))
        sums = np.empty(length, dtype=type(first))
        where = np.zeros(length, dtype=np.int32)
        next_top = np.empty_like(top)
        next_smallest = np.empty_like(smallest)
        next_where = np.empty_like(where)
        for j in range(length):
            value = decode(plane[j])
            top[j] = value
            smallest[j] = value
            sums[j] = value
        for k in range(1, num_classes):
            plane = probs[i, k, start : start + length]
            code = np.int32(k)
            # every buffer is written in full each class (from the other one), so the
            # selects compile to blends and plain stores, not masked stores (slow on AMD)
            for j in range(length):
                value = decode(plane[j])
                current_top = top[j]
                current_where = where[j]
                current_smallest = smallest[j]
                better = value > current_top
                next_top[j] = value if better else current_top
                next_where[j] = code if better else current_where
                next_smallest[j] = value if value < current_smallest else current_smallest
                sums[j] += value
            top, next_top = next_top, top
            where, next_where = next_where, where
            smallest, next_smallest = next_smallest, smallest
        given = labels[i, start : start + length]
        own_out = own[i, start : start + length]
        best_out = best[i, start : start + length]
        arg_out = arg[i, start : start + length]
        disagree_out = disagree[i, start : start + length]
        compact_out = compact[i, start : start + length]
        count = 0
        for j in range(length):
            winner = where[j]
            arg_out[j] = winner
            disagree_out[j] = winner != given[j]
            compact_out[j] = given[j]
            best_out[j] = encode(top[j], best_out[j])  # the element's own bits, -0.0 kept
            finite = sums[j] - sums[j] == 0
            inside = (np.float64(smallest[j]) >= low_limit) & (np.float64(top[j]) <= high_limit)
            count += np.int64(not (finite & inside))
        for j in range(length):
            own_out[j] = probs[i, given[j], start + j]
        flagged[task] = count


image_pass = twins(_image_pass)


def _group_by_class(bits, labels, num_classes, block, grouped, counts):
    """The values of each class, class after class, each class's in pixel order.

    Parameters
    ----------
    bits : (M,) unsigned-integer view of the values (any float dtype, moved bit for bit)
    labels : (M,) integer array, values in 0..K-1
    num_classes : int, K
    block : int, pixels per task
    grouped : (M,) output like ``bits``: ``bits[np.argsort(labels, kind="stable")]``
    counts : (K,) int64 output, ``np.bincount(labels, minlength=K)``

    Two parallel passes over blocks of pixels: each block's class counts, then
    (after a prefix sum that gives each block its place within each class)
    each block's values written out.
    """
    size = labels.shape[0]
    blocks = (size + block - 1) // block
    places = np.zeros((blocks, num_classes), dtype=np.int64)
    for b in prange(blocks):
        start = b * block
        given = labels[start : min(size, start + block)]
        length = given.shape[0]
        tallies = np.zeros((4, num_classes), dtype=np.int64)  # 4 tables: no store-load chain
        quads = length // 4
        for q in range(quads):
            tallies[0, given[4 * q]] += 1
            tallies[1, given[4 * q + 1]] += 1
            tallies[2, given[4 * q + 2]] += 1
            tallies[3, given[4 * q + 3]] += 1
        for j in range(4 * quads, length):
            tallies[0, given[j]] += 1
        for k in range(num_classes):
            places[b, k] = tallies[0, k] + tallies[1, k] + tallies[2, k] + tallies[3, k]
    total = 0
    for k in range(num_classes):
        counts[k] = 0
        for b in range(blocks):
            count = places[b, k]
            places[b, k] = total
            counts[k] += count
            total += count
    for b in prange(blocks):
        start = b * block
        stop = min(size, start + block)
        given = labels[start:stop]
        values = bits[start:stop]
        place = places[b]
        for j in range(stop - start):
            k = given[j]
            grouped[place[k]] = values[j]
            place[k] += 1


group_by_class = twins(_group_by_class)


def _kth_smallest_bits(bits, rank, width):
    """The bit pattern of the ``rank``-th smallest (0-based) of floats given as unsigned bits.

    ``bits``: (M,) uint16/uint32/uint64 view of float16/32/64 values (no NaN);
    ``width``: 16, 32 or 64. A radix select on keys that order as the values
    do (sign bit flipped for positives, all bits for negatives), 16 bits a
    pass, so the values are read ``width / 16`` times and nothing of size M is
    allocated. ``-0.0`` orders before ``0.0`` here; the caller compares by value.
    """
    sign = np.uint64(1) << np.uint64(width - 1)
    ones = (sign << np.uint64(1)) - np.uint64(1)  # all ones for 64 too (wraps)
    digit_mask = np.uint64(0xFFFF)
    passes = width // 16
    prefix = np.uint64(0)
    left = np.int64(rank)
    hist = np.empty(1 << 16, dtype=np.int64)
    for p in range(passes):
        shift = np.uint64(16 * (passes - 1 - p))
        hist[:] = 0
        for j in range(bits.shape[0]):
            x = np.uint64(bits[j])
            key = x ^ ones if x & sign else x | sign
            if p == 0 or (key >> (shift + np.uint64(16))) == prefix:
                hist[np.intp((key >> shift) & digit_mask)] += 1
        digit = 0
        while left >= hist[digit]:
            left -= hist[digit]
            digit += 1
        prefix = (prefix << np.uint64(16)) | np.uint64(digit)
    return prefix ^ sign if prefix & sign else prefix ^ ones


kth_smallest_bits = twins(_kth_smallest_bits).serial
