"""Time cleannb on a dask LocalCluster against the in-memory path, from the same zarr store.

Run from the repo root: ``python benchmarks/compare_dask.py [--rows 1000000]
[--classes 1000] [--chunk-rows 10000] [--workers 2] [--filter-by both]
[--folder DIR] [--keep]``. It writes ``pred_probs`` (float32, uncompressed,
one zarr chunk per row chunk) and the labels into ``DIR`` (default
``cleannb_dask_<rows>x<classes>`` in the repo root), then in one run prints:

- the in-memory path: the read of the store into numpy, then
  ``find_label_issues`` on the array;
- the cluster (``--workers`` processes of one thread): one plain read of the
  store on the workers (a sum per chunk); each pass of ``find_label_issues``
  (wall time, and the bytes it sent back to the client); the workers' busy
  time by kind of task (reading chunks, running the parts, folding, moving
  data), from dask's task stream; and the overhead ratios;
- whether the two answers are equal.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from benchmarks.common import make_data  # noqa: E402

import cleannb._core.dask_rows as nb_dask  # noqa: E402
from cleannb import filter as nb  # noqa: E402


def write_store(folder, rows, classes, chunk_rows):
    import zarr

    path = os.path.join(folder, "pred_probs.zarr")
    if os.path.exists(path):
        return path, np.load(os.path.join(folder, "labels.npy"))
    os.makedirs(folder, exist_ok=True)
    stored = zarr.create_array(
        path,
        shape=(rows, classes),
        chunks=(chunk_rows, classes),
        dtype=np.float32,
        compressors=None,
    )
    labels = np.empty(rows, dtype=np.int64)
    step = 100_000
    for lo in range(0, rows, step):
        hi = min(rows, lo + step)
        part_labels, part = make_data(hi - lo, classes, seed=lo)
        stored[lo:hi] = part
        labels[lo:hi] = part_labels
    np.save(os.path.join(folder, "labels.npy"), labels)
    return path, labels


class PassTimer:
    """Wraps ``DaskRows._run`` to time each pass and size what comes back."""

    def __init__(self):
        self.passes = []
        self.original = nb_dask.DaskRows._run

    def __enter__(self):
        timer = self

        def timed(source, tasks, folding=None):
            start = time.perf_counter()
            states = timer.original(source, tasks, folding)
            timer.passes.append((time.perf_counter() - start, returned_bytes(states)))
            return states

        nb_dask.DaskRows._run = timed
        return self

    def __exit__(self, *exc):
        nb_dask.DaskRows._run = self.original


def returned_bytes(value):
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, list | tuple):
        return sum(returned_bytes(v) for v in value)
    if hasattr(value, "_asdict"):
        return returned_bytes(list(value._asdict().values()))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--classes", type=int, default=1000)
    parser.add_argument("--chunk-rows", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--filter-by", default="both")
    parser.add_argument("--folder")
    parser.add_argument("--keep", action="store_true", help="keep the store for the next run")
    args = parser.parse_args()

    import dask.array as da
    import zarr
    from dask.utils import key_split
    from distributed import Client, LocalCluster, get_task_stream

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    folder = args.folder or os.path.join(root, f"cleannb_dask_{args.rows}x{args.classes}")
    path, labels = write_store(folder, args.rows, args.classes, args.chunk_rows)
    gigabytes = args.rows * args.classes * 4 / 1e9
    print(f"pred_probs: {args.rows:,} x {args.classes:,} float32 ({gigabytes:.1f} GB) in {path}")

    start = time.perf_counter()
    in_memory = zarr.open_array(path, mode="r")[:]
    read = time.perf_counter() - start
    nb.find_label_issues(labels[:20_000], in_memory[:20_000], filter_by=args.filter_by)  # compile
    start = time.perf_counter()
    expected = nb.find_label_issues(labels, in_memory, filter_by=args.filter_by)
    compute = time.perf_counter() - start
    del in_memory
    print(f"in memory: read {read:.2f} s + find_label_issues {compute:.2f} s")

    with (
        LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=40,
        ) as cluster,
        Client(cluster) as client,
    ):
        array = da.from_zarr(path)
        small = da.from_array(np.asarray(array[:20_000]), chunks=(5_000, -1))
        nb.find_label_issues(labels[:20_000], small, filter_by=args.filter_by)  # workers compile
        start = time.perf_counter()
        array.map_blocks(lambda b: np.float64(b.sum(dtype=np.float64)).reshape(1, 1)).compute()
        plain = time.perf_counter() - start
        print(f"cluster: {args.workers} workers, {array.numblocks[0]} chunks")
        print(f"  one plain read on the workers: {plain:.2f} s")
        with PassTimer() as timer, get_task_stream(client) as stream:
            start = time.perf_counter()
            got = nb.find_label_issues(labels, array, filter_by=args.filter_by)
            total = time.perf_counter() - start
        for number, (seconds, size) in enumerate(timer.passes, 1):
            print(f"  pass {number}: {seconds:.2f} s, {size / 1e6:.1f} MB back to the client")
        on_passes = sum(seconds for seconds, _ in timer.passes)
        print(
            f"  find_label_issues: {total:.2f} s ({len(timer.passes)} passes, "
            f"{on_passes:.2f} s in them, {total - on_passes:.2f} s on the client between them)"
        )
        busy = {}
        for task in stream.data:
            kind = key_split(task["key"])
            for piece in task["startstops"]:
                name = kind if piece["action"] == "compute" else piece["action"]
                busy[name] = busy.get(name, 0.0) + piece["stop"] - piece["start"]
        for name, seconds in sorted(busy.items(), key=lambda item: -item[1]):
            each = seconds / args.workers
            print(f"  workers busy on {name}: {seconds:.2f} s ({each:.2f} s each)")
        print(f"  against in memory (read + compute): {total / (read + compute):.2f}x")
        print(f"  against one plain read on the cluster: {total / plain:.2f}x")
        per_task = total / len(timer.passes) / array.numblocks[0]
        print(f"  wall time per chunk and pass: {per_task * 1e3:.1f} ms")
        del client
    print(f"equal to in memory: {np.array_equal(got, expected)} ({int(expected.sum()):,} issues)")
    if not args.keep and not args.folder:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
