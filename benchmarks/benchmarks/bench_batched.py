"""asv benchmarks for pred_probs read in row ranges (``RowSource``) against in memory.

One size from ``common.SIZES`` (the (10^5, 1000) shape unless the profile
is smaller); the in-memory array, a ``RowSource`` over a memmap of it, and a
zarr array on disk, for two rules; and ``find_label_issues_batched``. Files
are written to a temporary folder in ``setup`` and removed in ``teardown``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings

import numpy as np

from cleannb import filter
from cleannb.experimental import RowSource
from cleannb.experimental.label_issues_batched import find_label_issues_batched

from .common import SIZES, make_data

FILTERS = ["prune_by_noise_rate", "low_self_confidence"]
SOURCES = ["memory", "memmap", "zarr"]
#: Rows per range: about 64 MB of float32 rows.
RANGE_BYTES = 64 << 20


class FindLabelIssuesInRanges:
    params = (SOURCES, FILTERS)
    param_names = ["source", "filter_by"]
    timeout = 600

    def setup(self, source, filter_by):
        warnings.simplefilter("ignore")
        n, k = max(SIZES, key=lambda size: size[0] * size[1] if size[1] > 100 else 0)
        self.labels, pred_probs = make_data(n, k)
        self.rows = max(1, RANGE_BYTES // (k * pred_probs.itemsize))
        self.folder = tempfile.mkdtemp()
        if source == "memory":
            self.pred_probs = pred_probs
        elif source == "memmap":
            path = os.path.join(self.folder, "p.npy")
            np.save(path, pred_probs)
            self.pred_probs = RowSource(np.load(path, mmap_mode="c"), batch_size=self.rows)
        else:
            import zarr

            stored = zarr.open_array(
                os.path.join(self.folder, "p.zarr"),
                mode="w",
                shape=pred_probs.shape,
                chunks=(self.rows, k),
                dtype=pred_probs.dtype,
            )
            stored[:] = pred_probs
            self.pred_probs = RowSource(stored, batch_size=self.rows)
        filter.find_label_issues(self.labels[:2000], pred_probs[:2000], filter_by=filter_by)

    def teardown(self, source, filter_by):
        shutil.rmtree(self.folder, ignore_errors=True)

    def time_find_label_issues(self, source, filter_by):
        filter.find_label_issues(self.labels, self.pred_probs, filter_by=filter_by)


class FindLabelIssuesBatched(FindLabelIssuesInRanges):
    """cleanlab 2.x's batched API (the low-self-confidence rule, ranked)."""

    params = (SOURCES, ["low_self_confidence"])

    def time_find_label_issues(self, source, filter_by):
        find_label_issues_batched(self.labels, self.pred_probs, verbose=False)
