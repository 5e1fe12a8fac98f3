"""asv benchmarks for cleannb.filter.find_label_issues (every filter_by) and the seed pruning.

Sizes come from ``common.SIZES`` (``CLEANNB_BENCH_PROFILE=large`` adds the
ImageNet shape). Data are built and the JIT is warmed in ``setup``.
"""

from __future__ import annotations

import warnings

import numba

from cleannb import filter, pruning

from .common import SIZES, make_data, size_id

FILTERS = list(filter.FILTERS)
_DATA = {}


def _data(n, k):
    if (n, k) not in _DATA:
        _DATA.clear()
        _DATA[(n, k)] = make_data(n, k)
    return _DATA[(n, k)]


def _warm():
    labels, pred_probs = make_data(2_000, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for filter_by in FILTERS:
            filter.find_label_issues(labels, pred_probs, filter_by=filter_by)


class FindLabelIssues:
    params = ([size_id(n, k) for n, k in SIZES], FILTERS)
    param_names = ["size", "filter_by"]
    timeout = 600

    def setup(self, size, filter_by):
        n, k = dict((size_id(n, k), (n, k)) for n, k in SIZES)[size]
        self.labels, self.pred_probs = _data(n, k)
        _warm()
        warnings.simplefilter("ignore")

    def time_find_label_issues(self, size, filter_by):
        filter.find_label_issues(self.labels, self.pred_probs, filter_by=filter_by)

    def peakmem_find_label_issues(self, size, filter_by):
        filter.find_label_issues(self.labels, self.pred_probs, filter_by=filter_by)


class FindLabelIssuesThreads:
    """prune_by_noise_rate with 1 thread and with all threads (the speed-up)."""

    params = ([size_id(n, k) for n, k in SIZES], [1, -1])
    param_names = ["size", "n_jobs"]
    timeout = 600

    def setup(self, size, n_jobs):
        n, k = dict((size_id(n, k), (n, k)) for n, k in SIZES)[size]
        self.labels, self.pred_probs = _data(n, k)
        _warm()

    def time_prune_by_noise_rate(self, size, n_jobs):
        filter.find_label_issues(self.labels, self.pred_probs, n_jobs=n_jobs)


class GetNoiseIndices:
    params = ([size_id(n, k) for n, k in SIZES], list(pruning.PRUNE_METHODS))
    param_names = ["size", "prune_method"]
    timeout = 600

    def setup(self, size, prune_method):
        n, k = dict((size_id(n, k), (n, k)) for n, k in SIZES)[size]
        self.s, self.psx = _data(n, k)
        _warm()
        pruning.get_noise_indices(self.s[:2000], self.psx[:2000] / 1.0)

    def time_get_noise_indices(self, size, prune_method):
        pruning.get_noise_indices(self.s, self.psx, prune_method=prune_method)

    def peakmem_get_noise_indices(self, size, prune_method):
        pruning.get_noise_indices(self.s, self.psx, prune_method=prune_method)


def track_threads():
    return numba.get_num_threads()
