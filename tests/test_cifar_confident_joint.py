"""The published CIFAR-10 (40 % noise, 40 % sparsity) experiment, seed vocabulary."""

import numpy as np
import pytest

from cleannb import latent_estimation
from cleannb.datasets import load_cifar10_noisy


@pytest.fixture(scope="module")
def cifar():
    """The packaged copy (cleannb.datasets), under the key names of the .npz file."""
    data = load_cifar10_noisy()
    return {
        "pred_probs": data.pred_probs,
        "noisy_labels": data.labels,
        "noise_matrix": data.noise_matrix,
        "issues_conf_joint_only": data.published_masks["conf_joint_only"],
    }


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
