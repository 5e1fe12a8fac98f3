"""Peak anonymous memory (RssAnon) of ``cleannb find-issues`` on a .npy and a .zarr.

Run from the repo root: ``python benchmarks/cli_memory.py [--size 2e6x100]
[--filter-by prune_by_noise_rate]``. It writes float32 data to a temporary
folder, runs the command in a subprocess on a tiny copy (the baseline: the
interpreter, numpy, Numba and the compiled kernels) and on the full data,
samples ``/proc/<pid>/status`` every 5 ms, and prints each peak RssAnon, the
growth over the baseline as a share of ``pred_probs``, and the growth per row
(the O(N) part: labels, per-row results, the mask and the issues table).
Pages of the memory-mapped .npy are file-backed (RssFile), not anonymous.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from benchmarks.common import make_data  # noqa: E402


def rss_anon_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    return 0


def peak_rss_anon(argv):
    """(peak RssAnon in bytes, seconds) of a subprocess, sampled every 5 ms."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        try:
            peak = max(peak, rss_anon_kb(process.pid))
        except (FileNotFoundError, ProcessLookupError):
            break
        time.sleep(0.005)
    if process.wait() != 0:
        raise RuntimeError(process.stderr.read().decode())
    return peak * 1024, time.perf_counter() - start


def write(folder, name, labels, pred_probs, rows):
    import zarr

    np.save(os.path.join(folder, f"{name}_labels.npy"), labels)
    np.save(os.path.join(folder, f"{name}.npy"), pred_probs)
    stored = zarr.open_array(
        os.path.join(folder, f"{name}.zarr"),
        mode="w",
        shape=pred_probs.shape,
        chunks=(rows, pred_probs.shape[1]),
        dtype=pred_probs.dtype,
    )
    stored[:] = pred_probs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="2e6x100")
    parser.add_argument("--filter-by", default="prune_by_noise_rate")
    args = parser.parse_args()
    n, k = (int(float(x)) for x in args.size.split("x"))
    labels, pred_probs = make_data(n, k)
    rows = max(1, (64 << 20) // (k * pred_probs.itemsize))
    with tempfile.TemporaryDirectory() as folder:
        write(folder, "tiny", labels[:2000], pred_probs[:2000], rows)
        write(folder, "full", labels, pred_probs, rows)
        print(f"{n} x {k} float32: pred_probs {pred_probs.nbytes / 1e6:.0f} MB, N = {n}")
        for suffix in (".npy", ".zarr"):
            peaks = {}
            for name in ("tiny", "full"):
                argv = [
                    sys.executable,
                    "-m",
                    "cleannb",
                    "find-issues",
                    "--quiet",
                    "--labels",
                    os.path.join(folder, f"{name}_labels.npy"),
                    "--pred-probs",
                    os.path.join(folder, name + suffix),
                    "--filter-by",
                    args.filter_by,
                    "--output",
                    os.path.join(folder, f"{name}.csv"),
                ]
                peaks[name] = peak_rss_anon(argv)
            growth = peaks["full"][0] - peaks["tiny"][0]
            print(
                f"{suffix:>5}: peak RssAnon {peaks['tiny'][0] / 1e6:.0f} MB (tiny) -> "
                f"{peaks['full'][0] / 1e6:.0f} MB (full, {peaks['full'][1]:.1f} s); growth "
                f"{growth / 1e6:.0f} MB = {100 * growth / pred_probs.nbytes:.1f} % of pred_probs "
                f"= {growth / n:.0f} bytes a row",
                flush=True,
            )


if __name__ == "__main__":
    main()
