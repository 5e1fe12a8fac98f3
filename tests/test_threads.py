"""Results do not depend on the thread count; n_jobs is restored, also on error.

Inputs are larger than ``PARALLEL_MIN_BYTES`` so that the parallel twins run
(checked through their compiled signatures), and small enough to stay fast.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest
from conftest import make_dataset

from cleannb import count as nb
from cleannb._core.parallel import PARALLEL_MIN_BYTES, num_threads
from cleannb._kernels import confident as kern

pytestmark = pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs 2 Numba threads")


def outputs(labels, pred_probs, n_jobs):
    cj, off = nb.compute_confident_joint(
        labels, pred_probs, calibrate=False, return_indices_of_off_diagonals=True, n_jobs=n_jobs
    )
    return [
        nb.get_confident_thresholds(labels, pred_probs, n_jobs=n_jobs),
        cj,
        off,
        nb.compute_confident_joint(
            labels, pred_probs, collision_rule="confident_argmax", n_jobs=n_jobs
        ),
        *nb.estimate_py_and_noise_matrices_from_probabilities(labels, pred_probs, n_jobs=n_jobs),
        np.array(nb.num_label_issues(labels, pred_probs, n_jobs=n_jobs)),
    ]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_one_and_two_threads_agree(dtype):
    n = 40_000 if dtype != np.float16 else 70_000
    labels, pred_probs = make_dataset(5, n, 12, dtype, "skewed")
    assert pred_probs.nbytes >= PARALLEL_MIN_BYTES
    serial = outputs(labels, pred_probs, 1)
    before = len(kern.row_pass.parallel.signatures)
    parallel = outputs(labels, pred_probs, 2)
    assert len(kern.row_pass.parallel.signatures) >= max(before, 1)
    for a, b in zip(serial, parallel, strict=False):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)  # bitwise: same blocks, same merge order


def test_parallel_twin_actually_runs_for_large_input():
    labels, pred_probs = make_dataset(6, 40_000, 10, np.float32)
    with num_threads(2):
        assert kern.row_pass.choose(pred_probs.nbytes) is kern.row_pass.parallel
        assert kern.row_pass.choose(1000) is kern.row_pass.serial
    with num_threads(1):
        assert kern.row_pass.choose(pred_probs.nbytes) is kern.row_pass.serial


def test_n_jobs_restored_after_success_and_error():
    labels, pred_probs = make_dataset(7, 40_000, 10, np.float32)
    bad = pred_probs.copy()
    bad[-1, 0] = np.nan
    numba.set_num_threads(2)
    try:
        for n_jobs in (1, 2, -1, None):
            nb.compute_confident_joint(labels, pred_probs, n_jobs=n_jobs)
            assert numba.get_num_threads() == 2
            with pytest.raises(ValueError, match="NaN"):
                nb.compute_confident_joint(labels, bad, n_jobs=n_jobs)
            assert numba.get_num_threads() == 2
        numba.set_num_threads(1)
        with pytest.raises(ValueError, match="NaN"):
            nb.num_label_issues(labels, bad, n_jobs=2)
        assert numba.get_num_threads() == 1
        with pytest.raises(ValueError, match="n_jobs"):
            nb.get_confident_thresholds(labels, pred_probs, n_jobs=-3)
        assert numba.get_num_threads() == 1
    finally:
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)


def test_n_jobs_is_used_inside_the_call(monkeypatch):
    seen = []
    original = kern.row_pass.choose

    def spy(nbytes):
        seen.append(numba.get_num_threads())
        return original(nbytes)

    monkeypatch.setattr(kern.row_pass, "choose", spy)
    labels, pred_probs = make_dataset(8, 2000, 4, np.float64)
    nb.compute_confident_joint(labels, pred_probs, n_jobs=1)
    nb.compute_confident_joint(labels, pred_probs, n_jobs=2)
    assert seen == [1, 2]
