"""Kernels cached on disk load correctly, for the parallel and the serial twin.

Numba keys its cache by function name; the twins are compiled under distinct
names, because a serial build loaded for a parallel call crashes. This runs a
fresh interpreter twice on one cache directory (cold, then warm) and checks
that 1 and 2 threads give the same answers both times.
"""

import os
import subprocess
import sys

SCRIPT = """
import hashlib, numpy as np
from cleannb import filter, rank
rng = np.random.default_rng(0)
pred_probs = rng.dirichlet(np.ones(8), 60_000)  # > 1 MB: the parallel twin runs
labels = pred_probs.argmax(1)
labels[:3000] = rng.integers(0, 8, 3000)
out = []
for n_jobs in (1, 2):
    mask = filter.find_label_issues(labels, pred_probs, n_jobs=n_jobs)
    scores = rank.get_label_quality_scores(labels, pred_probs)
    out.append(hashlib.sha1(mask.tobytes() + scores.tobytes()).hexdigest())
assert out[0] == out[1], out
print(out[0])
"""


def test_cold_and_warm_cache_agree_across_thread_counts(tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path), NUMBA_NUM_THREADS="2")
    runs = [
        subprocess.run(
            [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=600
        )
        for _ in range(2)
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr[-2000:]
    assert runs[0].stdout == runs[1].stdout
    assert any(name.endswith(".nbc") for _, _, files in os.walk(tmp_path) for name in files)
