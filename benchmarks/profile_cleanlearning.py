"""Where CleanLearning.fit spends its time: the classifier versus cleannb's own work.

Fits ``CleanLearning(LogisticRegression())`` on 100,000 x 20 data with 10
classes (20 % of the labels flipped) and splits the wall time of ``fit`` into

- the classifier: every ``fit``, ``predict_proba`` and ``predict`` of the
  wrapped LogisticRegression (5 cross-validation folds and the final fit);
- cleannb's own work: everything else (label encoding, fold splitting and
  row selection, the confident joint and noise estimates, the filter, the
  quality scores, the DataFrame, selecting the kept rows).

The JIT is warmed on a small fit first; the cold first call (compilation) is
printed separately. Run: ``python benchmarks/profile_cleanlearning.py
[--rows N] [--classes K] [--features D] [--estimator lnl]``.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from contextlib import contextmanager

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

import cleannb._core.crossval
import cleannb._core.estimator
import cleannb.count
import cleannb.filter
import cleannb.pruning
import cleannb.rank
from cleannb.classification import CleanLearning, LearningWithNoisyLabels

SPENT = defaultdict(float)


class TimedLogisticRegression(ClassifierMixin, BaseEstimator):
    """LogisticRegression that adds the time of its fit/predict calls to SPENT."""

    def __init__(self, max_iter=100):
        self.max_iter = max_iter

    def fit(self, X, y, sample_weight=None):
        start = time.perf_counter()
        self.model_ = LogisticRegression(max_iter=self.max_iter).fit(X, y, sample_weight)
        self.classes_ = self.model_.classes_
        SPENT["classifier fit"] += time.perf_counter() - start
        return self

    def predict_proba(self, X):
        start = time.perf_counter()
        result = self.model_.predict_proba(X)
        SPENT["classifier predict"] += time.perf_counter() - start
        return result

    def predict(self, X):
        start = time.perf_counter()
        result = self.model_.predict(X)
        SPENT["classifier predict"] += time.perf_counter() - start
        return result


def _timed(module, name, label):
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            SPENT[label] += time.perf_counter() - start

    setattr(module, name, wrapper)


@contextmanager
def stopwatch(label):
    start = time.perf_counter()
    yield
    SPENT[label] += time.perf_counter() - start


def make_data(rows, features, classes, seed=0):
    X, y = make_classification(
        n_samples=rows,
        n_features=features,
        n_informative=features - 5,
        n_redundant=2,
        n_classes=classes,
        n_clusters_per_class=1,
        random_state=seed,
    )
    rng = np.random.default_rng(seed)
    labels = y.copy()
    flip = rng.random(rows) < 0.2
    labels[flip] = (y[flip] + rng.integers(1, classes, flip.sum())) % classes
    return X, labels


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--estimator", choices=["cl", "lnl"], default="cl")
    args = parser.parse_args()
    cls = CleanLearning if args.estimator == "cl" else LearningWithNoisyLabels

    # Warm-up: a small fit, then the kernels on pred_probs of the full size (so
    # that every serial/parallel twin the real run needs is compiled).
    X_small, labels_small = make_data(2_000, args.features, args.classes)
    start = time.perf_counter()
    cls(TimedLogisticRegression(), seed=0).fit(X_small, labels_small)
    cold = time.perf_counter() - start
    rng = np.random.default_rng(1)
    fake_probs = rng.dirichlet(np.ones(args.classes), args.rows)
    fake_labels = rng.integers(0, args.classes, args.rows)
    fake_labels[: args.classes] = np.arange(args.classes)
    for _ in range(2):
        cls(TimedLogisticRegression()).fit(X_small[:1].repeat(args.rows, 0), fake_labels,
                                           **{"psx" if cls is LearningWithNoisyLabels
                                              else "pred_probs": fake_probs})  # fmt: skip
    start = time.perf_counter()
    cls(TimedLogisticRegression(), seed=0).fit(X_small, labels_small)
    warm_small = time.perf_counter() - start
    SPENT.clear()

    # Components of cleannb's own time (their sum is part of the residual below).
    _timed(cleannb._core.crossval, "take_rows", "  row selection (CV folds)")
    _timed(cleannb._core.estimator, "take_rows", "  row selection (final fit)")
    _timed(
        cleannb.count,
        "estimate_py_and_noise_matrices_from_probabilities",
        "  confident joint + noise estimates",
    )
    _timed(cleannb.filter, "find_label_issues", "  filter.find_label_issues")
    _timed(cleannb.pruning, "get_noise_indices", "  pruning.get_noise_indices")
    _timed(cleannb.rank, "get_label_quality_scores", "  rank.get_label_quality_scores")

    X, labels = make_data(args.rows, args.features, args.classes)
    start = time.perf_counter()
    estimator = cls(TimedLogisticRegression(), seed=0).fit(X, labels)
    total = time.perf_counter() - start
    classifier = SPENT["classifier fit"] + SPENT["classifier predict"]
    own = total - classifier

    print(
        f"{cls.__name__}(LogisticRegression()).fit on {args.rows:,} x {args.features} "
        f"float64, {args.classes} classes, 5-fold CV"
    )
    mask = estimator.label_issues_mask_ if cls is CleanLearning else estimator.noise_mask_
    print(f"issues flagged: {int(np.count_nonzero(mask)):,}")
    print(f"{'total fit':40s} {total:9.3f} s  100.0 %")
    for name in ("classifier fit", "classifier predict"):
        print(f"{name:40s} {SPENT[name]:9.3f} s  {100 * SPENT[name] / total:5.1f} %")
    print(f"{'cleannb own work (total - classifier)':40s} {own:9.3f} s  {100 * own / total:5.2f} %")
    for name, seconds in SPENT.items():
        if name.startswith("  "):
            print(f"{name:40s} {seconds:9.3f} s  {100 * seconds / total:5.2f} %")
    print(
        f"(first fit in this process, {len(labels_small):,} rows, including Numba "
        f"compilation: {cold:.2f} s; the same fit warm: {warm_small:.3f} s)"
    )


if __name__ == "__main__":
    main()
