"""Time cleannb.segmentation against cleanlab 2.9 and against one read of pred_probs.

Run from the repo root: ``python benchmarks/compare_segmentation.py
[--size 100x21x128x128] [--big 1000x21x256x256] [--zarr] [--skip-cleanlab]
[--cleanlab-defaults]``. Makes float32 (N, K, H, W) probabilities of a noisy
model and labels with 10 % of pixels flipped, then prints:

* on ``--size``: ``find_label_issues`` of cleannb (best of two, after one
  call that loads the kernels) and of cleanlab 2.9 with all images in one
  batch and ``n_jobs=1`` (one run), and whether the masks are equal; with
  ``--cleanlab-defaults`` also cleanlab with its defaults (``batch_size``
  10000 elements, so one image per batch, and a pool of processes per
  batch: on 100x21x128x128 that took 386 s on a 2-core machine). With the
  peak memory each allocated beyond its inputs (numpy's allocations, traced
  by tracemalloc; cleanlab's worker processes are not seen);
* on ``--big`` (if given): cleannb alone against the read-once floor
  (``np.sum`` of the array, best of three), and with ``--zarr`` against one
  read of a zarr store chunked by 8 images.

With both sizes, cleannb with ``n_jobs=1`` and ``n_jobs=2`` (best of
``--repeat``) against ``np.sum`` and against the vectorised parallel read of
``benchmarks/ratios.py``'s ``Floor``, and the machine's load average; then
each pass of ``find_label_issues`` timed alone (through the private
``cleannb._core.pixels``, the one place this script looks inside) as a
multiple of the same floor: the labels' class counts, the thresholds
(a gather of each pixel's label probability), the check (the one full
read), the selection's extra digits (none on this data) and the marking
(a gather).

Not a test: the numbers depend on the machine and on what else runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
import warnings

import numpy as np

from cleannb.segmentation.filter import find_label_issues

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ratios import Floor  # noqa: E402


def make_data(num_images, num_classes, height, width, seed=0):
    """float32 pred_probs (softmax of smooth noise plus a true class) and noisy labels."""
    rng = np.random.default_rng(seed)
    pred_probs = np.empty((num_images, num_classes, height, width), dtype=np.float32)
    labels = np.empty((num_images, height, width), dtype=np.int64)
    for i in range(num_images):
        truth = rng.integers(0, num_classes, (height // 8, width // 8)).repeat(8, 0).repeat(8, 1)
        logits = rng.normal(size=(num_classes, height, width)).astype(np.float32)
        logits += 3 * (np.arange(num_classes)[:, None, None] == truth)
        np.exp(logits, out=logits)
        logits /= logits.sum(axis=0, keepdims=True)
        pred_probs[i] = logits
        flip = rng.random((height, width)) < 0.1
        labels[i] = np.where(flip, rng.integers(0, num_classes, (height, width)), truth)
    return labels, pred_probs


def timed(fn, repeat=1):
    """Best seconds of ``repeat`` calls, the result, and the peak traced allocation (bytes)."""
    best, result, peak = float("inf"), None, 0
    for _ in range(repeat):
        tracemalloc.start()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return best, result, peak


def mb(nbytes):
    return f"{nbytes / 2**20:,.0f} MB"


def compare_with_cleanlab(labels, pred_probs, skip_cleanlab, with_defaults):
    find_label_issues(labels[:2], pred_probs[:2], verbose=False)  # load the kernels
    seconds, mask, peak = timed(lambda: find_label_issues(labels, pred_probs, verbose=False), 2)
    floor, _, _ = timed(lambda: np.sum(pred_probs), 3)
    print(f"pred_probs {pred_probs.shape} float32, {mb(pred_probs.nbytes)}")
    print(f"read-once floor (np.sum): {floor:.3f} s")
    print(
        f"cleannb: {seconds:.3f} s ({seconds / floor:.1f}x floor), peak extra {mb(peak)}, "
        f"{mask.sum():,} issue pixels"
    )
    if skip_cleanlab:
        return
    from cleanlab.segmentation.filter import find_label_issues as cleanlab_issues

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if with_defaults:
            cl_seconds, cl_mask, cl_peak = timed(lambda: cleanlab_issues(labels, pred_probs))
            print(
                f"cleanlab 2.9 (defaults): {cl_seconds:.2f} s, peak extra {mb(cl_peak)}: "
                f"{cl_seconds / seconds:.0f}x cleannb; equal masks: "
                f"{np.array_equal(mask, cl_mask)} ({int(np.sum(mask != cl_mask))} pixels differ)"
            )
        one_seconds, one_mask, one_peak = timed(
            lambda: cleanlab_issues(
                labels, pred_probs, batch_size=pred_probs.size, n_jobs=1, verbose=False
            )
        )
        print(
            f"cleanlab 2.9 (one batch, n_jobs=1): {one_seconds:.2f} s, peak extra "
            f"{mb(one_peak)}: {one_seconds / seconds:.0f}x cleannb; equal masks: "
            f"{np.array_equal(mask, one_mask)}"
        )


def big_run(labels, pred_probs, use_zarr):
    find_label_issues(labels[:2], pred_probs[:2], verbose=False)
    seconds, mask, peak = timed(lambda: find_label_issues(labels, pred_probs, verbose=False))
    floor, _, _ = timed(lambda: np.sum(pred_probs), 3)
    print(f"pred_probs {pred_probs.shape} float32, {mb(pred_probs.nbytes)}")
    print(f"read-once floor (np.sum): {floor:.2f} s")
    print(
        f"cleannb: {seconds:.2f} s ({seconds / floor:.1f}x floor), peak extra {mb(peak)} "
        f"(output mask {mb(mask.nbytes)})"
    )
    if not use_zarr:
        return
    import zarr

    with tempfile.TemporaryDirectory() as folder:
        store = zarr.open_array(
            f"{folder}/p.zarr",
            mode="w",
            shape=pred_probs.shape,
            chunks=(8, *pred_probs.shape[1:]),
            dtype=pred_probs.dtype,
        )
        store[:] = pred_probs
        batch = 8 * int(np.prod(pred_probs.shape[1:]))
        read, _, _ = timed(
            lambda: sum(float(np.sum(store[i : i + 8])) for i in range(0, store.shape[0], 8))
        )
        z_seconds, z_mask, z_peak = timed(
            lambda: find_label_issues(labels, store, batch_size=batch, verbose=False)
        )
        print(
            f"zarr store: one read {read:.2f} s; cleannb {z_seconds:.2f} s "
            f"({z_seconds / read:.1f}x), peak extra {mb(z_peak)}, equal: "
            f"{np.array_equal(z_mask, mask)}"
        )


def thread_ratios(labels, pred_probs, repeat):
    """cleannb with 1 and 2 threads against np.sum and the vectorised parallel read."""
    floor = Floor(pred_probs)
    read = floor.seconds()
    numpy_sum, _, _ = timed(lambda: np.sum(pred_probs), repeat)
    print(
        f"load average {os.getloadavg()[0]:.2f}; np.sum {numpy_sum:.3f} s, "
        f"vectorised read ({floor.kind}) {read:.3f} s"
    )
    for n_jobs in (1, 2):
        seconds, _, peak = timed(
            lambda n_jobs=n_jobs: find_label_issues(
                labels, pred_probs, n_jobs=n_jobs, verbose=False
            ),
            repeat,
        )
        print(
            f"  n_jobs={n_jobs}: {seconds:.3f} s = {seconds / numpy_sum:.1f}x np.sum, "
            f"{seconds / read:.1f}x the vectorised read; peak extra {mb(peak)} "
            f"({peak / labels.size:.1f} bytes a pixel)"
        )


def pass_ratios(labels, pred_probs, repeat):
    """Each pass of find_label_issues alone, as a multiple of the vectorised read."""
    from cleannb._core import pixels

    num_classes = pred_probs.shape[1]
    per_batch = pixels.images_per_batch(None, int(np.prod(pred_probs.shape[1:])))
    passes = pixels.Passes(labels, pred_probs, per_batch, 1, False)
    dtype = pred_probs.dtype

    def check():
        mask, count = np.empty(labels.shape, dtype=bool), 0
        for start, stop, (disagree, confident) in passes.run(
            "", pixels.check_grid, 1, limits - pixels.TOLERANCE
        ):
            mask[start:stop] = disagree
            count += confident
        return mask, count

    floor = Floor(pred_probs)
    counts_seconds, _, _ = timed(lambda: pixels.grid_counts(passes, num_classes), repeat)
    thresholds_seconds, (limits, top), _ = timed(
        lambda: pixels.class_thresholds(passes, num_classes, dtype), repeat
    )
    check_seconds, (mask, count), _ = timed(check, repeat)
    bin_seconds, _, _ = timed(lambda: pixels.find_bin(passes, count, top, dtype), repeat)
    mark_seconds, _, _ = timed(
        lambda: pixels.select_and_mark(passes, mask.copy(), count, top, dtype), repeat
    )
    read = floor.seconds()
    print(f"  passes (vectorised read {read:.3f} s, load {os.getloadavg()[0]:.2f}):")
    for name, seconds in (
        ("class counts (labels only)", counts_seconds),
        ("thresholds (gather)", thresholds_seconds),
        ("check (full read)", check_seconds),
        ("selection digits (gathers)", bin_seconds),
        ("marking (gather)", mark_seconds),
    ):
        print(f"    {name:28s} {seconds:.3f} s = {seconds / read:.2f}x")


def shape_of(text):
    return tuple(int(float(x)) for x in text.split("x"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100x21x128x128")
    parser.add_argument("--big", default=None, help="e.g. 1000x21x256x256 (5.5 GB)")
    parser.add_argument("--zarr", action="store_true")
    parser.add_argument("--skip-cleanlab", action="store_true")
    parser.add_argument("--cleanlab-defaults", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    labels, pred_probs = make_data(*shape_of(args.size))
    compare_with_cleanlab(labels, pred_probs, args.skip_cleanlab, args.cleanlab_defaults)
    thread_ratios(labels, pred_probs, args.repeat)
    pass_ratios(labels, pred_probs, args.repeat)
    del labels, pred_probs
    if args.big:
        labels, pred_probs = make_data(*shape_of(args.big))
        big_run(labels, pred_probs, args.zarr)
        thread_ratios(labels, pred_probs, args.repeat)
        pass_ratios(labels, pred_probs, args.repeat)


if __name__ == "__main__":
    main()
