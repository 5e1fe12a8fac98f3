"""The published CIFAR-10 (40 % noise, 40 % sparsity) experiment, seed vocabulary."""

from pathlib import Path

import numpy as np
import pytest

from cleannb import latent_estimation

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "cifar10_4_4.npz"
pytestmark = pytest.mark.skipif(not DATA.exists(), reason="../shared/data is not present")


@pytest.fixture(scope="module")
def cifar():
    return dict(np.load(DATA))


def test_off_diagonal_rows_match_published_mask(cifar):
    pred_probs = cifar["pred_probs"]
    assert pred_probs.dtype == np.float16
    _, indices = latent_estimation.compute_confident_joint(
        cifar["noisy_labels"], pred_probs, return_indices_of_off_diagonals=True
    )
    mask = np.zeros(len(pred_probs), dtype=bool)
    mask[indices] = True
    assert np.count_nonzero(mask != cifar["issues_conf_joint_only"]) <= 5


def test_estimated_joint_rmse_matches_paper(cifar):
    joint = latent_estimation.estimate_joint(cifar["noisy_labels"], cifar["pred_probs"])
    rmse = np.sqrt(np.mean((joint - cifar["noise_matrix"] * 0.1) ** 2))
    assert abs(rmse - 0.00414) <= 0.00002
