"""asv benchmarks for cleannb's synthetic label noise (noise_generation).

The ImageNet-sized cases are the speed targets of the noise-generation issue;
``benchmarks/compare_noise.py`` times cleanlab 2.9 on the same inputs in one run.
"""

import numpy as np

from cleannb.benchmarking import noise_generation as ng

IMAGENET_N, IMAGENET_K = 1_281_167, 1_000


def _prior(k):
    return np.full(k, 1.0 / k)


class GenerateNoisyLabels:
    """Flip labels with a given noise matrix (N examples, K classes)."""

    params = ([(20_000, 10), (IMAGENET_N, IMAGENET_K)], [1, None])
    param_names = ["N_K", "n_jobs"]
    timeout = 300

    def setup(self, n_k, n_jobs):
        n, k = n_k
        self.y = np.random.default_rng(0).integers(0, k, n)
        self.y[:k] = np.arange(k)
        self.noise_matrix = ng.generate_noise_matrix_from_trace(
            k, 0.6 * k, py=np.bincount(self.y) / n, frac_zero_noise_rates=0.4, seed=0
        )
        ng.generate_noisy_labels(self.y, self.noise_matrix, seed=0, n_jobs=n_jobs)  # JIT

    def time_generate_noisy_labels(self, n_k, n_jobs):
        ng.generate_noisy_labels(self.y, self.noise_matrix, seed=1, n_jobs=n_jobs)

    def peakmem_generate_noisy_labels(self, n_k, n_jobs):
        ng.generate_noisy_labels(self.y, self.noise_matrix, seed=1, n_jobs=n_jobs)


class GenerateNoiseMatrixFromTrace:
    """Sample a valid K x K noise matrix with trace 0.6 K."""

    params = ([10, 100, IMAGENET_K], [0.0, 0.4], [1, None])
    param_names = ["K", "frac_zero_noise_rates", "n_jobs"]
    timeout = 300

    def setup(self, k, frac, n_jobs):
        self.py = _prior(k)
        self.kw = dict(py=self.py, frac_zero_noise_rates=frac, n_jobs=n_jobs)
        ng.generate_noise_matrix_from_trace(k, 0.6 * k, seed=0, **self.kw)  # JIT

    def time_generate_noise_matrix_from_trace(self, k, frac, n_jobs):
        ng.generate_noise_matrix_from_trace(k, 0.6 * k, seed=1, **self.kw)

    def peakmem_generate_noise_matrix_from_trace(self, k, frac, n_jobs):
        ng.generate_noise_matrix_from_trace(k, 0.6 * k, seed=1, **self.kw)


class NoiseMatrixIsValid:
    """The learnability check on a K x K matrix."""

    params = [10, IMAGENET_K]
    param_names = ["K"]

    def setup(self, k):
        self.py = _prior(k)
        self.noise_matrix = ng.generate_noise_matrix_from_trace(k, 0.6 * k, py=self.py, seed=0)
        ng.noise_matrix_is_valid(self.noise_matrix, self.py)  # JIT

    def time_noise_matrix_is_valid(self, k):
        ng.noise_matrix_is_valid(self.noise_matrix, self.py)
