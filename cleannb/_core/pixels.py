"""Confident learning over the pixels of (N, K, H, W) predicted probabilities.

The shared machinery of :mod:`cleannb.segmentation`: input checks, reading
images in ranges from any source, cleanlab's block-mean downsampling, and
the passes over the probabilities that the label issues need.

What cleanlab 2.9's ``segmentation.filter.find_label_issues`` computes is
confident learning over all pixels as rows, by its ``LabelInspector``:

1. per-class thresholds: the mean label probability of each class
   (``np.mean`` in the input's dtype, in pixel order), absent classes 0,
   clipped below at 2e-6;
2. the number of issues: pixels whose predicted class (argmax) differs from
   the label and whose largest probability reaches that class's threshold
   minus 1e-6;
3. that many pixels of lowest label probability (``np.argsort``'s first ones,
   ties as numpy's sort orders them);
4. of those, the pixels whose label differs from the argmax of their full
   resolution probabilities.

cleanlab runs steps 1 and 2 as running means and counts over image batches;
its thresholds then depend on the batch size in their last bits. Here they
are computed once over all pixels, which is cleanlab's answer when the whole
dataset is one batch, for every ``batch_size``.

Nothing is kept per pixel but the output mask. The passes, each over image
batches (:func:`issue_mask`):

* *thresholds*: each pixel's label probability (a gather: one value of K
  per pixel) summed per class as ``np.mean`` sums it, by
  :func:`~cleannb._kernels.pixels.append_runs` (O(K) state; each batch
  grouped by class in a batch-sized buffer), and the histogram of the
  values' top 16 bits;
* *check*: the one full read; the mask receives "label differs from the
  argmax", and the confident disagreements are counted (step 2);
* *select*: for float32 one more gather (float64: three) refines the
  histogram to the exact value of the cut (a radix select, 2**16 counts);
* *mark*: a last gather clears the mask where the label probability is
  above the cut.

When equal values straddle the cut (some of them in the lowest ``count``,
some not), which of them are in is numpy's sort's choice: then the label
probabilities are gathered once more into one array (4 bytes a pixel for
float32) and sorted as cleanlab sorts them.
"""

from __future__ import annotations

from numbers import Integral
from typing import NamedTuple

import numba
import numpy as np

from .._kernels._compile import PARALLEL_MIN_BYTES
from .._kernels.pixels import (
    LEAF,
    MAX_DEPTH,
    RUN,
    STATE_COLUMNS,
    append_runs,
    digit_histogram,
    gather_own,
    group_by_class,
    image_pass,
    keep_at_most,
    pixel_pass,
    split_at,
)
from . import ties as _ties
from .parallel import num_threads
from .source import is_dask_array

#: cleanlab's default ``batch_size`` (array elements, i.e. images * K * H * W).
CLEANLAB_BATCH_SIZE = 10_000
#: Elements read at a time when the caller does not choose (64 MB of float32).
DEFAULT_BATCH_ELEMENTS = 1 << 24
#: cleanlab's tolerance of threshold comparisons and lower bound on thresholds.
TOLERANCE = 1e-6
THRESHOLD_LOWER_BOUND = 2e-6
#: Values beyond these are refused (probabilities off by more than a rounding error).
VALUE_LOW = -1e-6
VALUE_HIGH = 1.001
#: Beyond these they look like logits or scores.
LOGIT_LOW = -0.1
LOGIT_HIGH = 1.1


# ---------------------------------------------------------------- input checks


def check_shapes(labels, pred_probs):
    """Raise unless ``labels`` is (N, H, W) and ``pred_probs`` (N, K, H, W) of the same N, H, W."""
    label_shape = getattr(labels, "shape", None)
    prob_shape = getattr(pred_probs, "shape", None)
    if label_shape is None or len(label_shape) != 3:
        raise ValueError(
            f"labels must be an (N, H, W) array of integer class labels, got shape {label_shape}."
        )
    if prob_shape is None or len(prob_shape) != 4:
        raise ValueError(
            "pred_probs must be an (N, K, H, W) array of predicted class probabilities, "
            f"got shape {prob_shape}."
        )
    n, height, width = (int(x) for x in label_shape)
    prob_shape = tuple(int(x) for x in prob_shape)
    if prob_shape[0] == n and prob_shape[2:] == (height, width):
        return
    if prob_shape[0] == n and prob_shape[1:3] == (height, width):
        raise ValueError(
            f"pred_probs has shape {prob_shape}, which looks like (N, H, W, K): the class axis "
            "must come second, (N, K, H, W). Move it with "
            "pred_probs = np.moveaxis(pred_probs, -1, 1)."
        )
    raise ValueError(
        f"labels has shape {(n, height, width)} (N, H, W) but pred_probs has shape {prob_shape}; "
        "pred_probs must be (N, K, H, W) with the same N, H and W as labels."
    )


def check_dtype(pred_probs):
    """The float dtype of ``pred_probs`` (float16, float32 or float64), else TypeError."""
    dtype = np.dtype(pred_probs.dtype)
    if dtype not in (np.float16, np.float32, np.float64):
        raise TypeError(
            f"pred_probs has dtype {dtype}; use float16, float32 or float64 probabilities."
        )
    if not dtype.isnative:
        raise TypeError(f"pred_probs is byte-swapped ({dtype.str}); convert it with .astype().")
    return dtype


def check_labels(labels, num_classes):
    """``labels`` as an integer ndarray with values in 0..K-1 (not copied if already one)."""
    labels = np.asarray(labels)
    if labels.dtype.kind == "f":
        if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)):
            raise ValueError("labels must hold integer class labels 0..K-1, got non-integers.")
        labels = labels.astype(np.int64)
    elif labels.dtype.kind not in "iub":
        raise TypeError(f"labels must hold integer class labels, got dtype {labels.dtype}.")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"labels must lie in 0..{num_classes - 1} (K = pred_probs.shape[1] = {num_classes}), "
            f"got values from {labels.min()} to {labels.max()}."
        )
    return labels


def check_downsample(downsample, height, width):
    """``downsample`` as a positive int that divides H and W."""
    if isinstance(downsample, bool) or not isinstance(downsample, Integral) or downsample < 1:
        raise ValueError(f"downsample must be a positive integer, got {downsample!r}.")
    downsample = int(downsample)
    if height % downsample or width % downsample:
        raise ValueError(
            f"Height {height} and width {width} are not divisible by downsample={downsample}; "
            "choose a factor of both, or downsample=1 for none."
        )
    return downsample


def check_kwargs(kwargs, allowed, where):
    """Raise TypeError for keyword arguments that ``where`` does not take."""
    unknown = sorted(set(kwargs) - set(allowed))
    if unknown:
        raise TypeError(f"{where} got unexpected keyword arguments {unknown}; it takes {allowed}.")


def images_per_batch(batch_size, image_elements):
    """Images per batch: cleanlab's rule (``batch_size`` counts array elements)."""
    if batch_size is None:
        return max(DEFAULT_BATCH_ELEMENTS // image_elements, 1)
    if isinstance(batch_size, bool) or not isinstance(batch_size, Integral) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}.")
    return max(int(batch_size) // image_elements, 1)


# --------------------------------------------------------------------- reading


def read_images(pred_probs, start, stop):
    """Images ``start:stop`` of any source as an ndarray (a view for numpy arrays)."""
    block = pred_probs[start:stop]
    if is_dask_array(block):
        block = block.compute()
    return np.asarray(block)


def image_ranges(num_images, per_batch):
    """Consecutive ``(start, stop)`` image ranges of ``per_batch`` images."""
    for start in range(0, num_images, per_batch):
        yield start, min(num_images, start + per_batch)


def progress_bar(verbose, total, description):
    """A tqdm bar over images if ``verbose`` (and tqdm is installed), else None."""
    if not verbose:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm ships with most installs
        return None
    return tqdm(desc=description, total=total)


def downsample_block(labels, probs, factor):
    """cleanlab's block means of a batch: rounded mean labels, renormalised mean probabilities.

    The same numpy operations in the same dtypes as cleanlab 2.9 applies to
    the whole dataset; each output value depends only on its own image, so a
    batch gives the values the whole dataset would.
    """
    n, num_classes, height, width = probs.shape
    small_h, small_w = height // factor, width // factor
    small_labels = np.round(labels.reshape(n, small_h, factor, small_w, factor).mean((4, 2)))
    small_probs = probs.reshape(n, num_classes, small_h, factor, small_w, factor).mean((5, 3))
    sums = small_probs.sum(axis=1)
    return small_labels.astype(np.int64), small_probs / np.expand_dims(sums, 1)


# ------------------------------------------------------------------------ passes

#: Histogram bins of a radix digit (16 bits).
DIGITS = 1 << 16
#: Values numpy's float16 sum casts and sums at a time (its buffer): one pairwise tree each.
HALF_SUM_CHUNK = 8192


def integer_labels(labels):
    """A block of labels as an integer array the kernels take (bool viewed as uint8)."""
    labels = np.ascontiguousarray(labels)
    return labels.view(np.uint8) if labels.dtype == bool else labels


def grid_labels(labels, factor):
    """The labels of a batch on the grid issues are found on: cleanlab's rounded block means."""
    if factor == 1:
        return integer_labels(labels)
    n, height, width = labels.shape
    blocks = labels.reshape(n, height // factor, factor, width // factor, factor)
    return np.round(blocks.mean((4, 2))).astype(np.int64)


def raw(values):
    """float16 arrays as their int16 bits (what the kernels read), others as they are."""
    return values.view(np.int16) if values.dtype == np.float16 else values


def own_values(probs, labels):
    """The label probability of every pixel of a batch, flat, in the input dtype.

    C-ordered blocks go to the parallel gather kernel; others (views,
    Fortran order) to ``np.take_along_axis`` (a temporary of one batch).
    """
    n, num_classes, height, width = probs.shape
    if probs.flags.c_contiguous:
        own = np.empty(n * height * width, dtype=probs.dtype)
        values = raw(probs).reshape(n, num_classes, height * width)
        gather_own(values, labels.reshape(n, -1), RUN, raw(own), nbytes=own.nbytes)
        return own
    index = labels[:, None].astype(np.intp)
    return np.take_along_axis(probs, index, axis=1).reshape(-1)


def grid_own(probs, labels, factor):
    """Label probabilities of a batch on the grid (cleanlab's block means when ``factor > 1``)."""
    if factor == 1:
        return own_values(probs, labels)
    small_labels, small_probs = downsample_block(labels, probs, factor)
    return own_values(np.ascontiguousarray(small_probs), small_labels)


def check_block(probs, labels, adjusted, disagree):
    """Write "label != argmax" of a batch into ``disagree``; the confident disagreements.

    ``adjusted``: each class's threshold less the tolerance (float64, +inf
    to count nothing). Values that are not probabilities raise here: this
    is the pass that reads every value.
    """
    half = probs.dtype == np.float16
    values = raw(probs)
    n, num_classes, height, width = probs.shape
    if values.flags.c_contiguous:
        runs = n * -(-height * width // RUN)
        confident = np.empty(runs, dtype=np.int64)
        flagged = np.empty(runs, dtype=np.int64)
        image_pass(
            values.reshape(n, num_classes, height * width),
            labels.reshape(n, height * width),
            RUN,
            VALUE_LOW,
            VALUE_HIGH,
            adjusted,
            disagree.reshape(n, height * width),
            confident,
            flagged,
            nbytes=probs.nbytes,
        )
        if flagged.any():  # the strided pass finds the values to name in the error
            strided_pass(values, labels, *pixel_buffers(labels.shape, values.dtype))
        return int(confident.sum())
    own, best, argmax = pixel_buffers(labels.shape, values.dtype)
    strided_pass(values, labels, own, best, argmax)
    np.not_equal(argmax, labels, out=disagree)
    if half:
        best = best.view(np.float16)
    reaches = best >= adjusted[argmax]
    return int(np.count_nonzero(reaches & disagree))


def pixel_buffers(shape, dtype):
    """The label probability, largest probability and argmax buffers of :func:`strided_pass`."""
    return np.empty(shape, dtype), np.empty(shape, dtype), np.empty(shape, np.int32)


def check_grid(probs, labels, factor, adjusted):
    """:func:`check_block` of a batch: "label != argmax" at full resolution (a new array), and
    the confident disagreements counted on the grid."""
    disagree = np.empty(labels.shape, dtype=bool)
    return disagree, check_on_grid(probs, labels, factor, adjusted, disagree)


def check_on_grid(probs, labels, factor, adjusted, disagree):
    """:func:`check_block` at full resolution (into ``disagree``) and the count on the grid."""
    if factor == 1:
        return check_block(probs, labels, adjusted, disagree)
    check_block(probs, labels, np.full(len(adjusted), np.inf), disagree)
    small_labels, small_probs = downsample_block(labels, probs, factor)
    small_disagree = np.empty(small_labels.shape, dtype=bool)
    return check_block(np.ascontiguousarray(small_probs), small_labels, adjusted, small_disagree)


def strided_pass(values, labels, own, best, argmax):
    """:func:`~cleannb._kernels.pixels.pixel_pass` over a block; raise for values out of range."""
    rows = labels.shape[0] * labels.shape[1]
    low, high, total = np.empty(rows), np.empty(rows), np.empty(rows)
    pixel_pass(values, labels, own, best, argmax, low, high, total, nbytes=values.nbytes)
    raise_for_values(low, high, total)


def raise_for_values(low, high, total):
    """Raise if a block holds NaN, infinities, or values that are not probabilities."""
    if not np.all(np.isfinite(total)):
        raise ValueError("pred_probs contains NaN or infinite values; fix the model output.")
    smallest, largest = float(low.min()), float(high.max())
    if smallest < VALUE_LOW or largest > VALUE_HIGH:
        hint = (
            "these look like logits or scores; apply a softmax over the class axis (axis=1)"
            if smallest < LOGIT_LOW or largest > LOGIT_HIGH
            else "clip them to [0, 1] and renormalise over the class axis (axis=1)"
        )
        raise ValueError(
            f"pred_probs must hold probabilities in [0, 1], found values from {smallest!r} to "
            f"{largest!r}: {hint}."
        )


# ------------------------------------------------------------------- executors


def local_batches(labels, pred_probs, per_batch, fn, *args):
    """``(start, stop, fn(probs, labels, *args))`` of each batch, read in this process."""
    for start, stop in image_ranges(int(pred_probs.shape[0]), per_batch):
        probs = read_images(pred_probs, start, stop)
        yield start, stop, fn(probs, integer_labels(labels[start:stop]), *args)


#: Chunks of a dask array computed at once (their results are a few bytes a pixel).
DASK_CHUNKS_AT_ONCE = 4


def dask_batches(labels, pred_probs, fn, *args):
    """``(start, stop, fn(chunk, labels, *args))`` of each chunk of images of a dask array,
    computed where the chunks are (on the workers of a distributed client), a few chunks at
    a time; only ``fn``'s results come back."""
    import dask
    from dask import delayed

    array = pred_probs.rechunk({1: -1, 2: -1, 3: -1})
    bounds = np.cumsum((0,) + array.chunks[0]).tolist()
    chunks = array.to_delayed().reshape(-1)
    ranges = list(zip(bounds[:-1], bounds[1:], strict=True))
    for first in range(0, len(ranges), DASK_CHUNKS_AT_ONCE):
        group = range(first, min(len(ranges), first + DASK_CHUNKS_AT_ONCE))
        tasks = [
            delayed(fn, pure=True)(
                chunks[g], integer_labels(labels[ranges[g][0] : ranges[g][1]]), *args
            )
            for g in group
        ]
        for g, result in zip(group, dask.compute(*tasks), strict=True):
            yield ranges[g][0], ranges[g][1], result


def batches(labels, pred_probs, per_batch, fn, *args, bar=None):
    """Each batch's ``fn`` result, from the source as it is read best; a tqdm ``bar`` advanced."""
    if is_dask_array(pred_probs):
        results = dask_batches(labels, pred_probs, fn, *args)
    else:
        results = local_batches(labels, pred_probs, per_batch, fn, *args)
    try:
        for start, stop, result in results:
            yield start, stop, result
            if bar is not None:
                bar.update(stop - start)
    finally:
        if bar is not None:
            bar.close()


# ------------------------------------------------------------------- the rule


class Passes(NamedTuple):
    """What a call needs to run its passes: the source, the labels and how to batch them."""

    labels: np.ndarray
    pred_probs: object
    per_batch: int
    downsample: int
    verbose: bool

    def run(self, description, fn, *args):
        """``(start, stop, result)`` of ``fn`` over every batch, with a progress bar."""
        bar = progress_bar(self.verbose, int(self.pred_probs.shape[0]), description)
        return batches(self.labels, self.pred_probs, self.per_batch, fn, *args, bar=bar)


class ClassSums:
    """Each class's label probabilities summed as ``np.mean`` sums them, batch after batch."""

    def __init__(self, counts, dtype):
        num_classes = len(counts)
        self.dtype = np.dtype(dtype)
        accumulator = np.float64 if self.dtype == np.float64 else np.float32
        self.chunk = HALF_SUM_CHUNK if self.dtype == np.float16 else max(int(counts.sum()), 1)
        self.counts = counts
        self.state = np.zeros((num_classes, STATE_COLUMNS), dtype=np.int64)
        self.state[:, 0] = counts
        self.leaves = np.zeros((num_classes, LEAF), dtype=accumulator)
        self.totals = np.zeros(num_classes, dtype=accumulator)
        self.left_sums = np.zeros((num_classes, MAX_DEPTH), dtype=accumulator)

    def add(self, probs, labels, factor, top, own=None):
        """Add a batch's label probabilities (on the grid), in pixel order, to their classes'
        sums, and count their top 16 bits into ``top``. ``own``: the batch's label
        probabilities if gathered already (``probs`` unused).

        The values are gathered (:func:`own_values`), grouped by class in pixel order
        (:func:`~cleannb._kernels.pixels.group_by_class`, a batch-sized buffer), and each
        class's run appended to its tree (:func:`~cleannb._kernels.pixels.append_runs`,
        the classes on the threads).
        """
        own = grid_own(probs, labels, factor) if own is None else own
        small = grid_labels(labels, factor).reshape(-1)
        values = raw(own)
        bits = own.view(f"u{own.dtype.itemsize}")
        grouped = np.empty_like(bits)
        counts = np.empty(len(self.counts), dtype=np.int64)
        group_by_class(bits, small, len(counts), GROUP_BLOCK, grouped, counts, nbytes=own.nbytes)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        sums = (self.state, self.leaves, self.totals, self.left_sums)
        grouped = grouped.view(values.dtype)
        append_runs(grouped, starts, counts, self.chunk, sums, nbytes=own.nbytes)
        top += own_histogram(own)

    def means(self):
        """``np.mean`` of each class's values (NaN for an absent class), in the input dtype."""
        means = np.full(len(self.counts), np.nan, dtype=self.dtype)
        for k, (total, count) in enumerate(zip(self.totals, self.counts.tolist(), strict=True)):
            if count:  # np.mean: the sum divided by an intp count, in the sum's dtype
                means[k] = total.dtype.type(total / np.intp(count))
        return means


def thresholds(means, counts):
    """cleanlab's per-class thresholds over all pixels (its LabelInspector with one batch).

    Each present class's ``np.mean`` of its label probabilities in the input
    dtype, taken through cleanlab's float64 weighted-mean update (which
    returns it unchanged but for the last bit of a float64 mean), absent
    classes 0; all clipped below at 2e-6.
    """
    num_classes = len(counts)
    batch = np.clip(
        [means[k] if counts[k] else 2 for k in range(num_classes)],
        a_min=THRESHOLD_LOWER_BOUND,
        a_max=None,
    )
    seen = np.zeros(num_classes)
    updated = (seen * np.zeros(num_classes) + counts * batch) / np.clip(
        seen + counts, a_min=1, a_max=None
    )
    return np.clip(updated, a_min=THRESHOLD_LOWER_BOUND, a_max=None)


def grid_counts(passes, num_classes):
    """Pixels of each class on the grid (the labels alone are read)."""
    counts = np.zeros(num_classes, dtype=np.int64)
    for start, stop in image_ranges(len(passes.labels), passes.per_batch):
        small = grid_labels(integer_labels(passes.labels[start:stop]), passes.downsample)
        counts += np.bincount(small.reshape(-1), minlength=num_classes)
    return counts


def signed_view(probs, labels, factor):
    """A batch as the selection kernels read it: (n, K, P) C-ordered values as signed
    integers of their width, (n, P) labels. Downsampled or strided batches become their
    label probabilities, as one plane of label 0."""
    if factor == 1 and probs.flags.c_contiguous:
        n, num_classes, height, width = probs.shape
        values = probs.view(f"i{probs.dtype.itemsize}").reshape(n, num_classes, height * width)
        return values, labels.reshape(n, height * width)
    own = grid_own(probs, labels, factor)
    return own.view(f"i{own.dtype.itemsize}").reshape(1, 1, -1), np.zeros((1, len(own)), np.uint8)


#: Pixels per task when a batch's label probabilities are grouped by class.
GROUP_BLOCK = 1 << 16


def own_histogram(own):
    """Counts of the top 16 bits of the order keys of label probabilities ``own`` (flat)."""
    values = own.view(f"i{own.dtype.itemsize}").reshape(1, 1, -1)
    width = own.dtype.itemsize * 8
    parts = numba.get_num_threads() if own.nbytes >= PARALLEL_MIN_BYTES else 1
    hist = np.empty((parts, DIGITS), dtype=np.int64)
    planes = np.zeros((1, len(own)), dtype=np.uint8)
    digit_histogram(values, planes, width, width - 16, 0, hist, nbytes=own.nbytes)
    return hist.sum(axis=0)


def digit_counts(probs, labels, factor, shift, prefix):
    """Counts of the 16-bit digit at ``shift`` of a batch's label probabilities' order keys
    whose higher digits are ``prefix`` (:func:`~cleannb._kernels.pixels.digit_histogram`)."""
    values, flat_labels = signed_view(probs, labels, factor)
    nbytes = flat_labels.size * values.itemsize
    parts = numba.get_num_threads() if nbytes >= PARALLEL_MIN_BYTES else 1
    hist = np.empty((parts, DIGITS), dtype=np.int64)
    width = values.itemsize * 8
    digit_histogram(values, flat_labels, width, shift, prefix, hist, nbytes=nbytes)
    return hist.sum(axis=0)


def kept(probs, labels, factor, cut):
    """The pixels of a batch (on the grid) whose label probability is at most the cut."""
    values, flat_labels = signed_view(probs, labels, factor)
    keep = np.ones(flat_labels.size, dtype=bool)
    nbytes = flat_labels.size * values.itemsize
    keep_at_most(values, flat_labels, values.itemsize * 8, cut, keep, nbytes=nbytes)
    n, height, width = labels.shape
    return keep.reshape(n, height // factor, width // factor)


def class_thresholds(passes, num_classes, dtype):
    """The thresholds pass: cleanlab's thresholds and the histogram of the top digit."""
    sums = ClassSums(grid_counts(passes, num_classes), dtype)
    top = np.zeros(DIGITS, dtype=np.int64)
    factor = passes.downsample
    for start, stop, own in passes.run("thresholds", grid_own, factor):
        sums.add(None, integer_labels(passes.labels[start:stop]), factor, top, own)
    return thresholds(sums.means(), sums.counts), top


#: Pixels of the cut's bin the marking pass lists at most; beyond, a further 16-bit digit is
#: counted first (float32 rarely needs it, float64 often).
LIST_LIMIT = 1 << 18


class Cut(NamedTuple):
    """The ``count``-th smallest label probability, as its order key, and the values equal to it."""

    key: int
    tied: int  # values equal to the cut
    wanted: int  # of them, those among the ``count`` lowest


class Bin(NamedTuple):
    """The keys ``key >> shift == prefix`` that hold the cut; ``rank`` of it among them."""

    shift: int
    prefix: int
    size: int
    rank: int


def find_bin(passes, count, top, dtype):
    """Radix select of the ``count``-th smallest label probability down to a bin of at most
    :data:`LIST_LIMIT` keys (or one key): the top digit's histogram ``top`` (from the
    thresholds pass), then, while the bin is larger, one gather pass per 16-bit digit."""
    width = np.dtype(dtype).itemsize * 8
    left = count - 1
    hist, shift, prefix = top, width - 16, 0
    while True:
        below = np.cumsum(hist)
        digit = int(np.searchsorted(below, left, side="right"))
        left -= int(below[digit - 1]) if digit else 0
        size = int(hist[digit])
        if shift == width - 16:  # the top digit was offset by 2**15: back to a signed prefix
            digit ^= 0x8000
            prefix = digit - DIGITS if digit >= DIGITS // 2 else digit
        else:
            prefix = (prefix << 16) | digit
        if shift == 0 or size <= LIST_LIMIT:
            return Bin(shift, prefix, size, left)
        shift -= 16
        hist = np.zeros(DIGITS, dtype=np.int64)
        described = f"selecting (bits {width - shift - 15}-{width - shift})"
        for _, _, counts in passes.run(described, digit_counts, passes.downsample, shift, prefix):
            hist += counts


def split_block(probs, labels, factor, shift, prefix, capacity):
    """A batch's pixels (on the grid) sorted against a bin of keys
    (:func:`~cleannb._kernels.pixels.split_at`): the mask of those not above it, and the
    flat indices (in the batch) and keys of those in it."""
    values, flat_labels = signed_view(probs, labels, factor)
    size = flat_labels.size
    nbytes = size * values.itemsize
    parts = numba.get_num_threads() if nbytes >= PARALLEL_MIN_BYTES else 1
    capacity = max(min(capacity, size), 1)
    keep = np.ones(size, dtype=bool)
    positions = np.empty((parts, capacity), dtype=np.int64)
    keys = np.empty((parts, capacity), dtype=np.int64)
    found = np.empty(parts, dtype=np.int64)
    width = values.itemsize * 8
    split_at(values, flat_labels, width, shift, prefix, keep, positions, keys, found, nbytes=nbytes)
    if np.any(found > capacity):  # pragma: no cover - the bin's size bounds every part's
        raise RuntimeError("a part listed more pixels than the bin holds")
    listed = [slice(0, int(k)) for k in found]
    n, height, width_px = labels.shape
    return (
        keep.reshape(n, height // factor, width_px // factor),
        np.concatenate([positions[t, s] for t, s in enumerate(listed)]),
        np.concatenate([keys[t, s] for t, s in enumerate(listed)]),
    )


def clear_grid(mask, positions, factor):
    """Clear the mask at flat grid ``positions`` (each a ``factor x factor`` block)."""
    n, height, width = mask.shape
    if factor == 1:
        mask.reshape(-1)[positions] = False
        return
    small_h, small_w = height // factor, width // factor
    image, rest = np.divmod(positions, small_h * small_w)
    row, column = np.divmod(rest, small_w)
    for dy in range(factor):
        for dx in range(factor):
            mask[image, row * factor + dy, column * factor + dx] = False


def select_and_mark(passes, mask, count, top, dtype):
    """Keep in ``mask`` the pixels among the ``count`` lowest label probabilities (ties as
    numpy's sort): the radix select's bin (:func:`find_bin`), then one pass that clears the
    pixels above the bin and lists those in it, whose exact cut decides the rest."""
    found = find_bin(passes, count, top, dtype)
    factor = passes.downsample
    if found.shift == 0:  # the bin is one value: the cut
        cut = Cut(found.prefix, found.size, found.rank + 1)
        if cut.tied == cut.wanted:
            mark(passes, mask, cut)
        else:
            mark_sorted(passes, mask, count)
        return
    pixels_per_image = mask[0].size // factor**2
    positions, keys = [], []
    args = (factor, found.shift, found.prefix, found.size)
    for start, stop, (keep, where, key) in passes.run("marking issues", split_block, *args):
        mask[start:stop] &= expand(keep, factor)
        positions.append(where + start * pixels_per_image)
        keys.append(key)
    positions, keys = np.concatenate(positions), np.concatenate(keys)
    cut = int(np.partition(keys, found.rank)[found.rank])
    tied = int(np.count_nonzero(keys == cut))
    wanted = found.rank + 1 - int(np.count_nonzero(keys < cut))
    if tied == wanted:
        clear_grid(mask, positions[keys > cut], factor)
    else:
        mark_sorted(passes, mask, count)


def expand(keep, factor):
    """A grid mask at full resolution."""
    if factor == 1:
        return keep
    return keep.repeat(factor, axis=1).repeat(factor, axis=2)


def mark(passes, mask, cut):
    """The mark pass: clear the mask where the label probability is above the cut."""
    factor = passes.downsample
    for start, stop, keep in passes.run("marking issues", kept, factor, cut.key):
        mask[start:stop] &= expand(keep, factor)


def mark_sorted(passes, mask, count):
    """The mark pass when equal values straddle the cut: all label probabilities in one array,
    the lowest ``count`` taken as ``np.argsort`` (cleanlab's ``find_top_issues``) takes them."""
    parts = [
        own for _, _, own in passes.run("marking issues (tied cut)", grid_own, passes.downsample)
    ]
    scores = np.concatenate(parts)
    del parts
    _ties.record("smallest")
    chosen = _ties.argsort(scores)[:count]
    del scores
    keep = np.zeros(mask.size // passes.downsample**2, dtype=bool)
    keep[chosen] = True
    del chosen
    n, height, width = mask.shape
    factor = passes.downsample
    mask &= expand(keep.reshape(n, height // factor, width // factor), factor)


def issue_mask(labels, pred_probs, *, per_batch, downsample=1, n_jobs=None, verbose=False):
    """The (N, H, W) label issue mask: cleanlab 2.9's answer, in the passes of the module."""
    num_images, num_classes, height, width = (int(x) for x in pred_probs.shape)
    dtype = np.dtype(pred_probs.dtype)
    passes = Passes(labels, pred_probs, per_batch, downsample, verbose)
    mask = np.empty((num_images, height, width), dtype=bool)
    with num_threads(n_jobs):
        limits, top = class_thresholds(passes, num_classes, dtype)
        adjusted = limits - TOLERANCE
        count = 0
        for start, stop, (disagree, confident) in passes.run(
            "checking labels", check_grid, downsample, adjusted
        ):
            mask[start:stop] = disagree
            count += confident
        grid_size = mask.size // downsample**2
        if count <= 0:
            mask[:] = False
        elif count < grid_size:
            select_and_mark(passes, mask, count, top, dtype)
    return mask


def label_probabilities(labels, pred_probs, *, per_batch, verbose=False, description=""):
    """Each image's pixels' label probabilities, batch by batch: ``(start, stop, values)``."""
    num_images = int(pred_probs.shape[0])
    bar = progress_bar(verbose, num_images, description)
    try:
        for start, stop in image_ranges(num_images, per_batch):
            probs = read_images(pred_probs, start, stop)
            block_labels = integer_labels(labels[start:stop])
            yield start, stop, own_values(probs, block_labels).reshape(block_labels.shape)
            if bar is not None:
                bar.update(stop - start)
    finally:
        if bar is not None:
            bar.close()
