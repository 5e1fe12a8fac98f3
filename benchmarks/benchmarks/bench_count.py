"""asv benchmarks for the confident-joint family in ``cleannb.count``.

Thresholds, the confident joint and ``estimate_py_and_noise_matrices_from_probabilities``
on float32 ``pred_probs`` of the sizes in ``common.SIZES`` (the "large" profile
adds the ImageNet shape), each with ``time_`` and ``peakmem_``; plus the cold
cost of ``import cleannb`` and of the first call (JIT compilation).
"""

from __future__ import annotations

import numpy as np

from cleannb import count

from .common import SIZES, make_data, size_id

_SIZE_BY_ID = {size_id(n, k): (n, k) for n, k in SIZES}
_DATA = {}


def _data(size):
    if size not in _DATA:
        _DATA.clear()  # keep one dataset alive at a time (the ImageNet shape is 5.1 GB)
        _DATA[size] = make_data(*_SIZE_BY_ID[size], dtype=np.float32)
    return _DATA[size]


def _warm(n_jobs):
    labels, pred_probs = make_data(300_000, 10, dtype=np.float32)  # > 1 MB: parallel twin
    for rows in (slice(0, 2_000), slice(None)):
        count.estimate_py_and_noise_matrices_from_probabilities(
            labels[rows], pred_probs[rows], n_jobs=n_jobs
        )
        count.get_confident_thresholds(labels[rows], pred_probs[rows], n_jobs=n_jobs)


class _CountBench:
    params = (list(_SIZE_BY_ID), [None, 1])
    param_names = ["size", "n_jobs"]
    timeout = 900
    number = 1
    repeat = (1, 5, 30.0)

    def setup(self, size, n_jobs):
        self.labels, self.pred_probs = _data(size)
        _warm(n_jobs)


class Thresholds(_CountBench):
    def time_get_confident_thresholds(self, size, n_jobs):
        count.get_confident_thresholds(self.labels, self.pred_probs, n_jobs=n_jobs)

    def peakmem_get_confident_thresholds(self, size, n_jobs):
        count.get_confident_thresholds(self.labels, self.pred_probs, n_jobs=n_jobs)


class ConfidentJoint(_CountBench):
    def time_compute_confident_joint(self, size, n_jobs):
        count.compute_confident_joint(self.labels, self.pred_probs, n_jobs=n_jobs)

    def peakmem_compute_confident_joint(self, size, n_jobs):
        count.compute_confident_joint(self.labels, self.pred_probs, n_jobs=n_jobs)


class EstimatePyAndNoiseMatrices(_CountBench):
    def time_estimate_py_and_noise_matrices(self, size, n_jobs):
        count.estimate_py_and_noise_matrices_from_probabilities(
            self.labels, self.pred_probs, n_jobs=n_jobs
        )

    def peakmem_estimate_py_and_noise_matrices(self, size, n_jobs):
        count.estimate_py_and_noise_matrices_from_probabilities(
            self.labels, self.pred_probs, n_jobs=n_jobs
        )


class ColdStart:
    """What a fresh process pays: the import, and the first call per dtype (compilation)."""

    params = (["float32", "float64", "float16"],)
    param_names = ["dtype"]
    timeout = 300
    repeat = (1, 3, 60.0)

    def timeraw_import_cleannb(self, dtype):
        return "import cleannb.count"

    def timeraw_first_compute_confident_joint(self, dtype):
        # Import, data and the first (compiling) call; compare with timeraw_import_cleannb.
        return (
            "import numpy as np\n"
            "from cleannb import count\n"
            "rng = np.random.default_rng(0)\n"
            f"p = rng.dirichlet(np.ones(10), 500).astype('{dtype}')\n"
            "y = rng.integers(0, 10, 500)\n"
            "count.compute_confident_joint(y, p)\n"
        )
