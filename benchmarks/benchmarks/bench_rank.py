"""asv benchmarks for cleannb.rank: every label quality score, the ranking, multi-label.

Sizes come from ``common.SIZES`` (``CLEANNB_BENCH_PROFILE=large`` adds the
ImageNet shape, 1,281,167 x 1,000 float32). Data are built and the JIT is
warmed in ``setup``; ``peakmem_`` sits beside each ``time_``.
"""

from __future__ import annotations

import numpy as np

from cleannb import multilabel_classification as ml
from cleannb import rank

from .common import SIZES, make_data, size_id

SCORES = [
    "self_confidence",
    "normalized_margin",
    "confidence_weighted_entropy",
    "self_confidence+adjust",
    "normalized_margin+adjust",
]
_DATA = {}
_BY_ID = {size_id(n, k): (n, k) for n, k in SIZES}


def _data(size):
    if size not in _DATA:
        _DATA.clear()
        _DATA[size] = make_data(*_BY_ID[size])
    return _DATA[size]


def _options(score):
    method, _, adjust = score.partition("+")
    return {"method": method, "adjust_pred_probs": bool(adjust)}


def _warm():
    labels, pred_probs = make_data(3_000, 5)
    mask = np.ones(3_000, dtype=bool)
    for score in SCORES:
        options = _options(score)
        for n_jobs in (1, -1):
            rank.get_label_quality_scores(labels, pred_probs, n_jobs=n_jobs, **options)
            rank.get_label_quality_scores(
                np.tile(labels, 30), np.tile(pred_probs, (30, 1)), n_jobs=n_jobs, **options
            )
        rank.order_label_issues(
            mask,
            labels,
            pred_probs,
            rank_by=options["method"],
            rank_by_kwargs={"adjust_pred_probs": options["adjust_pred_probs"]},
        )


class GetLabelQualityScores:
    params = ([size_id(n, k) for n, k in SIZES], SCORES)
    param_names = ["size", "score"]
    timeout = 600

    def setup(self, size, score):
        self.labels, self.pred_probs = _data(size)
        self.options = _options(score)
        _warm()

    def time_get_label_quality_scores(self, size, score):
        rank.get_label_quality_scores(self.labels, self.pred_probs, **self.options)

    def peakmem_get_label_quality_scores(self, size, score):
        rank.get_label_quality_scores(self.labels, self.pred_probs, **self.options)


class GetLabelQualityScoresThreads:
    """The default score with 1 thread and with all threads (the speed-up)."""

    params = ([size_id(n, k) for n, k in SIZES], [1, -1])
    param_names = ["size", "n_jobs"]
    timeout = 600

    def setup(self, size, n_jobs):
        self.labels, self.pred_probs = _data(size)
        _warm()

    def time_self_confidence(self, size, n_jobs):
        rank.get_label_quality_scores(self.labels, self.pred_probs, n_jobs=n_jobs)

    def time_normalized_margin(self, size, n_jobs):
        rank.get_label_quality_scores(
            self.labels, self.pred_probs, method="normalized_margin", n_jobs=n_jobs
        )


class OrderLabelIssues:
    """Ranking 10% of the rows (the typical share of flagged examples)."""

    params = ([size_id(n, k) for n, k in SIZES], list(rank.METHODS))
    param_names = ["size", "rank_by"]
    timeout = 600

    def setup(self, size, rank_by):
        self.labels, self.pred_probs = _data(size)
        self.mask = np.random.default_rng(0).random(len(self.labels)) < 0.1
        _warm()

    def time_order_label_issues(self, size, rank_by):
        rank.order_label_issues(self.mask, self.labels, self.pred_probs, rank_by=rank_by)

    def peakmem_order_label_issues(self, size, rank_by):
        rank.order_label_issues(self.mask, self.labels, self.pred_probs, rank_by=rank_by)


class FindTopIssues:
    params = ([size_id(n, k) for n, k in SIZES], [10, 1000])
    param_names = ["size", "top"]

    def setup(self, size, top):
        self.scores = np.random.default_rng(0).random(_BY_ID[size][0])

    def time_find_top_issues(self, size, top):
        rank.find_top_issues(self.scores, top=top)


class MultilabelScores:
    """Multi-label scores at (10^5, 20): per class and EMA-aggregated."""

    params = (["self_confidence", "normalized_margin"],)
    param_names = ["method"]

    def setup(self, method):
        rng = np.random.default_rng(0)
        self.pred_probs = rng.random((100_000, 20))
        self.labels = [np.flatnonzero(row > 0.8).tolist() for row in self.pred_probs]
        # warm both twins (this size runs the parallel one)
        ml.get_label_quality_scores(self.labels, self.pred_probs, method=method)
        ml.rank.get_label_quality_scores_per_class(self.labels, self.pred_probs, method=method)

    def time_aggregated(self, method):
        ml.get_label_quality_scores(self.labels, self.pred_probs, method=method)

    def peakmem_aggregated(self, method):
        ml.get_label_quality_scores(self.labels, self.pred_probs, method=method)

    def time_per_class(self, method):
        ml.rank.get_label_quality_scores_per_class(self.labels, self.pred_probs, method=method)
