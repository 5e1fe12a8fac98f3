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
from numba import prange, types
from numba.extending import overload

from ._compile import inline, twins
from ._prefetch import half_to_float, prefetch


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

#: Pixels per run of :func:`image_pass`: its buffers (16 KB each for
#: float32) stay in L1/L2, and each class plane is read 16 KB at a time.
RUN = 4096
#: Pixels ahead whose label probability :func:`gather_own` prefetches.
AHEAD = 64


def _image_pass(probs, labels, run, low_limit, high_limit, adjusted, disagree, confident, flagged):
    """Disagreement of every pixel of C-ordered images, and the confident disagreements.

    Parameters
    ----------
    probs : (n, K, P) C-ordered array (P = H * W): float32, float64, or float16 bits as int16
    labels : (n, P) C-ordered integer array, values in 0..K-1 (checked by the caller)
    run : int, pixels per task (the last run of an image may be shorter)
    low_limit, high_limit : float, the smallest and largest value accepted
    adjusted : (K,) float64, each class's threshold less the tolerance
    disagree : (n, P) bool output, argmax (numpy's: the first maximum) != label
    confident : (n * runs per image,) int64 output, each run's pixels that disagree and
        whose largest probability reaches ``adjusted`` of their argmax (compared in float64)
    flagged : (n * runs per image,) int64 output, each run's pixels with a value below
        ``low_limit`` or above ``high_limit`` (in float64), or whose values do not
        sum to a finite number in their own precision (NaN or infinite values)

    The argmax and maximum are :func:`pixel_pass`'s (the same comparisons in
    the same class order), and a run is flagged exactly when
    :func:`pixel_pass` would report a value out of the limits or a sum that
    is not finite for one of its rows (for float32 and float16; float64 sums
    of finite values beyond 1e300 can overflow in one and not the other, and
    are out of the limits anyway). Nothing per pixel is written but
    ``disagree``.
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
        disagree_out = disagree[i, start : start + length]
        count = 0
        sure = 0
        for j in range(length):
            winner = where[j]
            off = winner != given[j]
            disagree_out[j] = off
            sure += np.int64(off & (np.float64(top[j]) >= adjusted[winner]))
            finite = sums[j] - sums[j] == 0
            inside = (np.float64(smallest[j]) >= low_limit) & (np.float64(top[j]) <= high_limit)
            count += np.int64(not (finite & inside))
        confident[task] = sure
        flagged[task] = count


image_pass = twins(_image_pass)


@inline
def order_key(bits, width):
    """A signed integer that orders as the float whose bits (a signed view) are ``bits``.

    Non-negative floats keep their bits, negative ones have all bits but the
    sign flipped; -0.0 is given the key of 0.0, so equal values have equal
    keys (no NaN). Signed arithmetic throughout: it vectorises where unsigned
    64-bit arithmetic in Numba does not.
    """
    key = np.int64(bits)
    magnitude = (np.int64(1) << np.int64(width - 1)) - np.int64(1)
    key = key if key >= 0 else key ^ magnitude
    return np.int64(0) if key == -1 else key


#: Values a leaf of numpy's pairwise summation holds at most (its PW_BLOCKSIZE).
LEAF = 128
#: Deepest path of a pairwise summation tree (2**64 values need fewer levels).
MAX_DEPTH = 64


#: Columns of :func:`append_runs`'s per-class walk state.
TO_COME, DEPTH, LEAF_SIZE, LEAF_FILL = 0, 1, 2, 3
NODES = 4
FLAGS = NODES + MAX_DEPTH
STATE_COLUMNS = FLAGS + MAX_DEPTH


@inline
def _descend(state, c, depth, size):
    """Walk from a node of ``size`` values at ``depth`` down to its first leaf."""
    while size > LEAF:
        state[c, NODES + depth] = size
        state[c, FLAGS + depth] = 0
        depth += 1
        half = size // 2
        size = half - half % 8
    state[c, DEPTH] = depth
    state[c, LEAF_SIZE] = size


@inline
def _leaf_sum(leaf, size):
    """numpy's sum of a leaf of ``size`` values (at most 128): 8 lanes, then the tail.

    ``leaf``: values in the accumulator's dtype, or float16 bits (int16), decoded."""
    if size < 8:
        total = decode(leaf[0]) - decode(leaf[0])  # 0 in the accumulator's type
        for i in range(size):
            total += decode(leaf[i])
        return total
    r0, r1, r2, r3 = decode(leaf[0]), decode(leaf[1]), decode(leaf[2]), decode(leaf[3])
    r4, r5, r6, r7 = decode(leaf[4]), decode(leaf[5]), decode(leaf[6]), decode(leaf[7])
    body = size - size % 8
    for i in range(8, body, 8):
        r0 += decode(leaf[i])
        r1 += decode(leaf[i + 1])
        r2 += decode(leaf[i + 2])
        r3 += decode(leaf[i + 3])
        r4 += decode(leaf[i + 4])
        r5 += decode(leaf[i + 5])
        r6 += decode(leaf[i + 6])
        r7 += decode(leaf[i + 7])
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for i in range(body, size):
        total += decode(leaf[i])
    return total


@inline
def _carry(state, c, total, totals, left_sum):
    """Carry the sum of class ``c``'s finished leaf up its tree; open the next leaf."""
    state[c, TO_COME] -= state[c, LEAF_SIZE]
    state[c, LEAF_FILL] = 0
    d = state[c, DEPTH] - 1
    while d >= 0:
        if state[c, FLAGS + d] == 0:
            left_sum[c, d] = total
            state[c, FLAGS + d] = 1
            whole = state[c, NODES + d]
            half = whole // 2
            _descend(state, c, d + 1, whole - (half - half % 8))
            return
        total = left_sum[c, d] + total
        d -= 1
    totals[c] += total
    state[c, LEAF_SIZE] = 0


def _append_runs(grouped, starts, counts, chunk, sums):
    """Append each class's values, given grouped by class, to numpy's pairwise sum of the class.

    ``grouped``: a batch's values class after class, each class's in pixel
    order (float32, float64, or float16 bits as int16); class ``c``'s are
    ``grouped[starts[c] : starts[c] + counts[c]]``. ``chunk``: the values
    numpy sums at a time (its cast buffer, 8192, for float16 summed in
    float32; else more than any class's count: one tree). ``sums``: tuple
    ``(state, leaves, totals, left_sum)``: ``state`` (K, STATE_COLUMNS)
    int64, each class's walk (values still to come, depth, size of the open
    leaf, 0 to start a new tree, values in it, then the sizes of the nodes
    on the path and whether the walk is in their right child); ``leaves``
    (K, LEAF), ``totals`` (K,) and ``left_sum`` (K, MAX_DEPTH) in the
    accumulator dtype (float32 for float16/32, float64): each class's open
    leaf, the sum of its finished trees, the left children already summed.

    Called batch after batch, it sums each class's values as
    ``np.add.reduce`` sums them gathered in one array: the same tree (halves
    rounded down to multiples of 8 above 128 values), the same 8-way
    unrolled leaves, the same order of additions, in the same precision, so
    ``totals`` ends bit for bit equal. Whole leaves are summed where the
    values lie; only leaves split between batches are copied into
    ``leaves``. The classes run in parallel (each class's tree on one
    thread); the state is O(K) whatever the number of values.
    """
    state, leaves, totals, left_sum = sums
    for c in prange(counts.shape[0]):
        position = starts[c]
        remaining = counts[c]
        while remaining > 0:
            size = state[c, LEAF_SIZE]
            if size == 0:
                _descend(state, c, 0, min(chunk, state[c, TO_COME]))
                size = state[c, LEAF_SIZE]
            fill = state[c, LEAF_FILL]
            take = min(size - fill, remaining)
            if fill == 0 and take == size:
                total = _leaf_sum(grouped[position : position + size], size)
                _carry(state, c, total, totals, left_sum)
            else:
                for t in range(take):
                    leaves[c, fill + t] = decode(grouped[position + t])
                state[c, LEAF_FILL] = fill + take
                if fill + take == size:
                    _carry(state, c, _leaf_sum(leaves[c], size), totals, left_sum)
            position += take
            remaining -= take


append_runs = twins(_append_runs)


@inline
def _own(planes, given, p, pixels):
    """``planes[given[p], p]``, prefetching the line :data:`AHEAD` pixels on (the class planes
    are read at scattered places that the hardware prefetchers do not follow)."""
    if p + AHEAD < pixels:
        prefetch(planes, given[p + AHEAD], p + AHEAD)
    return planes[given[p], p]


def _digit_histogram(probs, labels, width, shift, prefix, hist):
    """Histogram of a 16-bit digit of the label probabilities' keys, among those under ``prefix``.

    ``probs`` (n, K, P) C-ordered, as signed integers of the float's width
    (int16/32/64 views of float16/32/64; no NaN); ``labels`` (n, P), values
    in 0..K-1; each pixel's key is :func:`order_key` of
    ``probs[i, labels[i, p], p]``. ``width``: 16, 32 or 64. ``prefix``:
    ``key >> (shift + 16)`` of the keys counted (arithmetic shift; ignored for
    the top digit, ``shift == width - 16``, which counts every value and is
    offset by 2**15 so that negative keys come first). ``hist``: (parts,
    65536) int64 output, one row per part of the images (sum the rows).
    """
    n, _, pixels = probs.shape
    parts = hist.shape[0]
    per = (n * pixels + parts - 1) // parts
    top = shift + 16 >= width
    flip = 0x8000 if top else 0
    for t in prange(parts):
        row = hist[t]
        row[:] = 0
        first = t * per
        last = min(n * pixels, first + per)
        for i in range(first // pixels, (last + pixels - 1) // pixels):
            planes = probs[i]
            given = labels[i]
            for p in range(max(first - i * pixels, 0), min(last - i * pixels, pixels)):
                key = order_key(_own(planes, given, p, pixels), width)
                if top or (key >> (shift + 16)) == prefix:
                    row[((key >> shift) & 0xFFFF) ^ flip] += 1


digit_histogram = twins(_digit_histogram)


def _keep_at_most(probs, labels, width, cut, keep):
    """``keep &= label probability <= cut`` for each pixel, ``cut`` given as its :func:`order_key`.

    ``probs`` (n, K, P) and ``labels`` (n, P) as :func:`digit_histogram`'s;
    ``keep`` (n * P,) bool, updated in place.
    """
    n, _, pixels = probs.shape
    runs = (pixels + RUN - 1) // RUN
    for task in prange(n * runs):
        i = task // runs
        start = (task - i * runs) * RUN
        planes = probs[i]
        given = labels[i]
        base = i * pixels
        for p in range(start, min(pixels, start + RUN)):
            value = order_key(_own(planes, given, p, pixels), width)
            keep[base + p] = keep[base + p] & (value <= cut)


keep_at_most = twins(_keep_at_most)


def _gather_own(probs, labels, run, own):
    """The label probability of every pixel of C-ordered images, as raw elements.

    ``probs`` (n, K, P) C-ordered (float16 as int16 bits), ``labels`` (n, P)
    with values in 0..K-1, ``own`` (n * P,) output like ``probs``:
    ``own[i * P + p] = probs[i, labels[i, p], p]``. Runs of ``run`` pixels
    are spread over the threads; the values :data:`AHEAD` pixels on are
    prefetched.
    """
    n, _, pixels = probs.shape
    runs = (pixels + run - 1) // run
    for task in prange(n * runs):
        i = task // runs
        start = (task - i * runs) * run
        planes = probs[i]
        given = labels[i]
        base = i * pixels
        for p in range(start, min(pixels, start + run)):
            own[base + p] = _own(planes, given, p, pixels)


gather_own = twins(_gather_own)


def _split_at(probs, labels, width, shift, prefix, keep, positions, keys, found):
    """Sort each pixel's label probability against a bin of keys: below, in, or above it.

    ``probs`` (n, K, P) and ``labels`` (n, P) as :func:`digit_histogram`'s;
    the bin holds the keys (:func:`order_key`) with ``key >> shift == prefix``.
    ``keep`` (n * P,) bool is cleared, in place, for the pixels above the bin;
    the pixels in it are listed by part of the images: ``positions[t]`` and
    ``keys[t]`` (int64, (parts, capacity)) receive their flat indices and
    keys, ``found[t]`` how many (a part finding more than ``capacity`` stops
    listing and reports ``capacity + 1``).
    """
    n, _, pixels = probs.shape
    parts, capacity = positions.shape
    per = (n * pixels + parts - 1) // parts
    for t in prange(parts):
        first = t * per
        last = min(n * pixels, first + per)
        listed = 0
        for i in range(first // pixels, (last + pixels - 1) // pixels):
            planes = probs[i]
            given = labels[i]
            base = i * pixels
            for p in range(max(first - base, 0), min(last - base, pixels)):
                key = order_key(_own(planes, given, p, pixels), width)
                high = key >> shift
                keep[base + p] = keep[base + p] & (high <= prefix)
                if high == prefix:
                    if listed < capacity:
                        positions[t, listed] = base + p
                        keys[t, listed] = key
                    listed += 1
        found[t] = min(listed, capacity + 1)


split_at = twins(_split_at)


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
