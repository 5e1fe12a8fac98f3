"""Time pred_probs read in ranges (memmap, zarr) against in memory, and cleanlab 2.9's batched API.

Run from the repo root: ``python benchmarks/compare_batched.py [--size 1e6x100]
[--batch-mb 64] [--filters ...] [--skip-cleanlab]``. It writes float32 data from
``benchmarks/benchmarks/common.py`` to a temporary ``.npy`` and ``.zarr``
(chunks of ``--batch-mb``), then prints, per filter_by, the best of two runs of
``filter.find_label_issues`` on the in-memory array (and its ratio to the
read-once time), on a ``RowSource`` over the memmap (ranges of ``--batch-mb``;
ratio to in memory) and on the zarr array (ratio to reading the zarr array
once, decompression included), and checks that all three agree. Then
``find_label_issues_batched`` against cleanlab 2.9's (same data, same process),
and how many rows cleanlab's result differs in from the exact one.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from functools import partial

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from benchmarks.common import make_data  # noqa: E402
from readonce import read_once_seconds  # noqa: E402

from cleannb import filter as nb  # noqa: E402
from cleannb._core.rows import RowSource  # noqa: E402
from cleannb.experimental.label_issues_batched import find_label_issues_batched  # noqa: E402


def best_of(fn, repeat=2):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1e6x100")
    parser.add_argument("--batch-mb", type=float, default=64)
    parser.add_argument(
        "--filters", nargs="*", default=["prune_by_noise_rate", "low_self_confidence"]
    )
    parser.add_argument("--skip-cleanlab", action="store_true")
    args = parser.parse_args()
    n, k = (int(float(x)) for x in args.size.split("x"))
    warnings.simplefilter("ignore")
    import zarr

    labels, pred_probs = make_data(n, k)
    rows = max(1, int(args.batch_mb * 2**20) // (k * pred_probs.itemsize))
    with tempfile.TemporaryDirectory() as folder:
        np.save(os.path.join(folder, "p.npy"), pred_probs)
        np.save(os.path.join(folder, "l.npy"), labels)
        stored = zarr.open_array(
            os.path.join(folder, "p.zarr"),
            mode="w",
            shape=pred_probs.shape,
            chunks=(rows, k),
            dtype=pred_probs.dtype,
        )
        stored[:] = pred_probs
        memmap = np.load(os.path.join(folder, "p.npy"), mmap_mode="c")
        floor = read_once_seconds(pred_probs)
        zarr_read, _ = best_of(lambda: [stored[lo : lo + rows] for lo in range(0, n, rows)])
        print(
            f"{n} x {k} float32 ({pred_probs.nbytes / 1e9:.2f} GB), ranges of {rows} rows; "
            f"read-once {floor:.3f} s in memory, {zarr_read:.3f} s from the zarr array"
        )
        nb.find_label_issues(labels[:5000], pred_probs[:5000])  # compile outside the timings
        print(
            f"{'filter_by':>22} {'memory s':>9} {'x read':>7} {'memmap s':>9} {'x mem':>6} "
            f"{'zarr s':>8} {'x zarr read':>12} {'same':>5}"
        )
        for filter_by in args.filters:
            call = partial(nb.find_label_issues, labels, filter_by=filter_by)
            t_mem, in_memory = best_of(lambda call=call: call(pred_probs))
            t_map, mapped = best_of(lambda call=call: call(RowSource(memmap, batch_size=rows)))
            t_zarr, zarred = best_of(lambda call=call: call(RowSource(stored, batch_size=rows)))
            same = np.array_equal(in_memory, mapped) and np.array_equal(in_memory, zarred)
            print(
                f"{filter_by:>22} {t_mem:9.3f} {t_mem / floor:7.1f} {t_map:9.3f} "
                f"{t_map / t_mem:6.2f} {t_zarr:8.3f} {t_zarr / zarr_read:12.2f} {str(same):>5}",
                flush=True,
            )
        exact = nb.find_label_issues(
            labels,
            pred_probs,
            filter_by="low_self_confidence",
            return_indices_ranked_by="self_confidence",
        )
        t_ours, ours = best_of(
            partial(find_label_issues_batched, labels, memmap, batch_size=rows, verbose=False)
        )
        line = (
            f"find_label_issues_batched (memmap): {t_ours:.3f} s, equals in memory: "
            f"{np.array_equal(ours, exact)}"
        )
        if not args.skip_cleanlab:
            from cleanlab.experimental import label_issues_batched as cl

            t_cl, theirs = best_of(
                partial(
                    cl.find_label_issues_batched,
                    labels,
                    np.load(os.path.join(folder, "p.npy"), mmap_mode="r"),
                    batch_size=rows,
                    verbose=False,
                    n_jobs=1,
                ),
                1,
            )
            differ = len(np.setxor1d(theirs, exact))
            line += (
                f"; cleanlab 2.9: {t_cl:.3f} s ({t_cl / t_ours:.1f}x ours), its rows differ "
                f"from the exact set in {differ} of {len(exact)}"
            )
        print(line)


if __name__ == "__main__":
    main()
