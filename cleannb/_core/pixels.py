"""Confident learning over the pixels of (N, K, H, W) predicted probabilities.

The shared machinery of :mod:`cleannb.segmentation`: input checks, reading
images in ranges from any source, cleanlab's block-mean downsampling, and
the one pass over the probabilities that the label issues need.

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

The pass (:func:`scan`) reads each batch of images once, in place with the
class stride of the caller's array (:mod:`cleannb._kernels.pixels`), and
keeps per pixel its label probability (the input's dtype) and compact label,
the full-resolution "label differs from the argmax" bit (the size of the
output mask), and, for the pixels whose label differs from their argmax
only, that argmax and its probability. No (pixels, K) array is formed.
"""

from __future__ import annotations

from numbers import Integral
from typing import NamedTuple

import numpy as np

from .._kernels.pixels import (
    RUN,
    group_by_class,
    image_pass,
    kth_smallest_bits,
    pixel_pass,
)
from . import confident as _confident
from . import pipeline as _pipeline
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


# ------------------------------------------------------------------------ pass


class Pixels(NamedTuple):
    """What one block of images yields (:func:`block_pixels`)."""

    own: np.ndarray  # (n, h, w) label probability, input dtype
    best: np.ndarray  # (n, h, w) largest probability, input dtype
    argmax: np.ndarray  # (n, h, w) int32
    disagree: np.ndarray  # (n, h, w) bool: argmax != label


def block_pixels(probs, labels, own=None, disagree=None, compact=None):
    """Label probability, largest probability, argmax and disagreement of every pixel of a block.

    ``own`` and ``disagree`` (C-ordered, the shape of ``labels``; ``own`` of
    the input's dtype) receive those results when given (the caller's slices
    of whole-dataset arrays), else they are allocated; ``compact`` (flat)
    receives a copy of the labels in its own dtype. C-ordered blocks
    (numpy arrays, memmaps, zarr and h5py reads) go to the
    vectorised :func:`~cleannb._kernels.pixels.image_pass`; other strides
    (Fortran order, views) are read in place by
    :func:`~cleannb._kernels.pixels.pixel_pass`. Both give the same bits.
    """
    half = probs.dtype == np.float16
    values = probs.view(np.int16) if half else probs
    shape = labels.shape
    own = np.empty(shape, dtype=values.dtype) if own is None else own.view(values.dtype)
    best = np.empty(shape, dtype=values.dtype)
    argmax = np.empty(shape, dtype=np.int32)
    if disagree is None:
        disagree = np.empty(shape, dtype=bool)
    if compact is None:
        compact = np.empty(labels.size, dtype=compact_dtype(probs.shape[1]))
    if values.flags.c_contiguous and labels.flags.c_contiguous:
        n, num_classes, pixels = shape[0], values.shape[1], shape[1] * shape[2]
        flagged = np.empty(n * -(-pixels // RUN), dtype=np.int64)
        image_pass(
            values.reshape(n, num_classes, pixels),
            labels.reshape(n, pixels),
            RUN,
            VALUE_LOW,
            VALUE_HIGH,
            own.reshape(n, pixels),
            best.reshape(n, pixels),
            argmax.reshape(n, pixels),
            disagree.reshape(n, pixels),
            compact.reshape(n, pixels),
            flagged,
            nbytes=probs.nbytes,
        )
        if flagged.any():  # the strided pass finds the values to name in the error
            strided_pass(values, labels, own, best, argmax)
    else:
        strided_pass(values, labels, own, best, argmax)
        np.not_equal(argmax, labels, out=disagree)
        compact[:] = labels.reshape(-1)
    if half:
        own, best = own.view(np.float16), best.view(np.float16)
    return Pixels(own, best, argmax, disagree)


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


class Scan(NamedTuple):
    """The per-pixel results of one pass (:func:`scan`), on the (downsampled) grid."""

    own: np.ndarray  # (M,) label probabilities, input dtype, pixel order
    labels: np.ndarray  # (M,) labels, compact integers
    disagree: np.ndarray  # (N, H, W) bool at full resolution: label != argmax
    candidates: np.ndarray  # int64 pixels (of M) whose label != argmax
    candidate_class: np.ndarray  # their argmax, compact integers
    candidate_best: np.ndarray  # their largest probability
    shape: tuple  # (N, h, w) of the grid the issues are found on


def compact_dtype(num_classes):
    """The smallest integer dtype that holds the labels 0..K-1."""
    return np.uint8 if num_classes <= 256 else np.int32


class BlockScan(NamedTuple):
    """What :func:`scan_block` finds in one batch of images (all small but the per-pixel arrays)."""

    own: np.ndarray  # label probabilities on the grid, input dtype, flat
    labels: np.ndarray  # labels on the grid, compact, flat
    disagree: np.ndarray  # (n, H, W) bool, full resolution
    off: np.ndarray  # grid pixels (of this batch) whose label != argmax
    off_class: np.ndarray  # their argmax, compact integers
    off_best: np.ndarray  # their largest probability


def scan_block(probs, block_labels, downsample, label_dtype, out=None):
    """The per-pixel results of one batch of images (runs on dask workers too).

    ``out``: ``(own, labels, disagree)``, slices of the whole-dataset arrays
    of :func:`scan` that receive the per-pixel results in place (else they
    are allocated).
    """
    probs = np.asarray(probs)
    block_labels = np.ascontiguousarray(block_labels)
    n, _, height, width = probs.shape
    grid_shape = (n, height // downsample, width // downsample)
    if out is None:
        size = int(np.prod(grid_shape))
        out = (
            np.empty(size, probs.dtype),
            np.empty(size, label_dtype),
            np.empty((n, height, width), bool),
        )
    own, grid_labels_out, disagree = out
    own = own.reshape(grid_shape)
    if downsample == 1:
        full = grid = block_pixels(probs, block_labels, own, disagree, grid_labels_out)
    else:
        full = block_pixels(probs, block_labels, disagree=disagree)
        grid_labels, small_probs = downsample_block(block_labels, probs, downsample)
        grid = block_pixels(small_probs, grid_labels, own, compact=grid_labels_out)
    off = np.flatnonzero(grid.disagree)
    return BlockScan(
        own.reshape(-1),
        grid_labels_out,
        full.disagree,
        off,
        grid.argmax.reshape(-1)[off].astype(label_dtype),
        grid.best.reshape(-1)[off],
    )


def local_blocks(labels, pred_probs, per_batch, downsample, outputs):
    """``(start, stop, BlockScan)`` of each image batch, read and scanned in this process into
    slices of ``outputs`` (:func:`scan`'s whole-dataset arrays)."""
    own, flat_labels, disagree = outputs
    pixels_per_image = len(own) // len(disagree)
    for start, stop in image_ranges(int(pred_probs.shape[0]), per_batch):
        probs = read_images(pred_probs, start, stop)
        lo, hi = start * pixels_per_image, stop * pixels_per_image
        out = (own[lo:hi], flat_labels[lo:hi], disagree[start:stop])
        block = scan_block(probs, labels[start:stop], downsample, flat_labels.dtype, out)
        yield start, stop, block


def dask_blocks(labels, pred_probs, downsample, label_dtype):
    """``(start, stop, BlockScan)`` of each chunk of images of a dask array, scanned where
    the chunks are (on the workers of a distributed client); only the per-pixel results
    (a few bytes a pixel, not K values) come back."""
    import dask
    from dask import delayed

    array = pred_probs.rechunk({1: -1, 2: -1, 3: -1})
    bounds = np.cumsum((0,) + array.chunks[0]).tolist()
    chunks = array.to_delayed().reshape(-1)
    tasks = [
        delayed(scan_block, pure=True)(
            chunk, labels[start:stop].astype(label_dtype), downsample, label_dtype
        )
        for chunk, start, stop in zip(chunks, bounds[:-1], bounds[1:], strict=True)
    ]
    results = dask.compute(*tasks)
    yield from zip(bounds[:-1], bounds[1:], results, strict=True)


def scan(labels, pred_probs, *, per_batch, downsample=1, n_jobs=None, verbose=False):
    """One pass over ``pred_probs`` in image batches: the per-pixel results (:class:`Scan`).

    A dask array is read by its own chunks of images (``per_batch`` does not
    apply), on the workers when a distributed client is active.
    """
    num_images, num_classes, height, width = (int(x) for x in pred_probs.shape)
    small = (num_images, height // downsample, width // downsample)
    pixels_per_image = small[1] * small[2]
    label_dtype = compact_dtype(num_classes)
    own = np.empty(num_images * pixels_per_image, dtype=pred_probs.dtype)
    flat_labels = np.empty(num_images * pixels_per_image, dtype=label_dtype)
    disagree = np.empty((num_images, height, width), dtype=bool)
    found = ([], [], [])
    bar = progress_bar(verbose, num_images, "images read")
    from_dask = is_dask_array(pred_probs)
    with num_threads(n_jobs):
        if from_dask:
            blocks = dask_blocks(labels, pred_probs, downsample, label_dtype)
        else:
            outputs = (own, flat_labels, disagree)
            blocks = local_blocks(labels, pred_probs, per_batch, downsample, outputs)
        for start, stop, block in blocks:
            lo, hi = start * pixels_per_image, stop * pixels_per_image
            if from_dask:  # local blocks were written in place
                own[lo:hi] = block.own
                flat_labels[lo:hi] = block.labels
                disagree[start:stop] = block.disagree
            found[0].append(block.off + lo)
            found[1].append(block.off_class)
            found[2].append(block.off_best)
            if bar is not None:
                bar.update(stop - start)
    if bar is not None:
        bar.close()
    candidates, classes, best = (np.concatenate(parts) for parts in found)
    return Scan(own, flat_labels, disagree, candidates, classes, best, small)


# ------------------------------------------------------------------- the rule


def thresholds(own, labels, num_classes):
    """cleanlab's per-class thresholds over all pixels (its LabelInspector with one batch).

    Each present class's ``np.mean`` of its label probabilities in the input
    dtype, taken through cleanlab's float64 weighted-mean update (which
    returns it unchanged but for the last bit of a float64 mean), absent
    classes 0; all clipped below at 2e-6.
    """
    means, counts = class_means(own, labels, num_classes)
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


#: Pixels per task when the label probabilities are grouped by class.
GROUP_BLOCK = 1 << 16


def class_means(own, labels, num_classes):
    """``np.mean`` of each class's label probabilities in pixel order (NaN if absent), and the
    counts: what :func:`cleannb._core.confident.grouped_means` returns, grouped by a parallel
    kernel."""
    bits = own.view(f"u{own.dtype.itemsize}")
    grouped = np.empty_like(bits)
    counts = np.empty(num_classes, dtype=np.int64)
    group_by_class(bits, labels, num_classes, GROUP_BLOCK, grouped, counts, nbytes=bits.nbytes)
    return _confident.means_of_groups(grouped.view(own.dtype), counts), counts


def issue_count(found, class_thresholds):
    """Pixels whose argmax differs from the label and reaches its threshold (less 1e-6)."""
    adjusted = class_thresholds - TOLERANCE
    return int(np.count_nonzero(found.candidate_best >= adjusted[found.candidate_class]))


def kth_smallest(scores, rank):
    """``np.partition(scores, rank)[rank]`` as a value (0.0 for a -0.0), without a copy."""
    width = scores.dtype.itemsize * 8
    bits = kth_smallest_bits(scores.view(f"u{scores.dtype.itemsize}"), rank, width)
    return np.array([bits], dtype=f"u{scores.dtype.itemsize}").view(scores.dtype)[0]


def lowest(scores, count):
    """Mask of ``np.argsort(scores)[:count]``: the ``count`` lowest scores, ties as numpy's.

    The cut value comes from a radix select (:func:`kth_smallest`); only when equal scores
    straddle the cut are they ordered as numpy's sort orders them.
    """
    mask = np.zeros(len(scores), dtype=bool)
    if count <= 0:
        return mask
    if count >= len(scores):
        mask[:] = True
        return mask
    cut = kth_smallest(scores, count - 1)
    mask = scores < cut
    tied = scores == cut
    if np.count_nonzero(tied) == count - np.count_nonzero(mask):
        return mask | tied
    mask[:] = False
    mask[_pipeline.lowest_scores(scores, count)] = True
    return mask


def issue_mask(found, num_classes, downsample):
    """The (N, H, W) label issue mask of a :class:`Scan`: cleanlab 2.9's answer."""
    class_thresholds = thresholds(found.own, found.labels, num_classes)
    count = issue_count(found, class_thresholds)
    mask = lowest(found.own, count).reshape(found.shape)
    if downsample != 1:
        mask = mask.repeat(downsample, axis=1).repeat(downsample, axis=2)
    mask &= found.disagree
    return mask


def label_probabilities(labels, pred_probs, *, per_batch, verbose=False, description=""):
    """Each image's pixels' label probabilities, batch by batch: ``(start, stop, values)``."""
    num_images = int(pred_probs.shape[0])
    bar = progress_bar(verbose, num_images, description)
    try:
        for start, stop in image_ranges(num_images, per_batch):
            probs = read_images(pred_probs, start, stop)
            block_labels = np.asarray(labels[start:stop])
            values = np.take_along_axis(probs, block_labels[:, None].astype(np.intp), axis=1)[:, 0]
            yield start, stop, values
            if bar is not None:
                bar.update(stop - start)
    finally:
        if bar is not None:
            bar.close()
