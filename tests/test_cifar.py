"""Real data: the CIFAR-10 experiment of the confident-learning paper (40 % noise, sparsity 0.4)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from cleannb import pruning

PATH = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "cifar10_4_4.npz"
)
# published figures (shared/data/README.md): flagged, precision, recall, F1
PUBLISHED = {
    "prune_by_class": ("issues_cl_pbc", 0.77767, 0.93847, 0.85054),
    "prune_by_noise_rate": ("issues_cl_pbnr", 0.81111, 0.88725, 0.84748),
    "both": ("issues_cl_both", 0.81779, 0.87609, 0.84593),
}


@pytest.fixture(scope="module")
def cifar():
    if not os.path.exists(PATH):
        pytest.skip("../shared/data/cifar10_4_4.npz is not present")
    with np.load(PATH) as data:
        return {key: data[key] for key in data.files}


@pytest.mark.parametrize("method", sorted(PUBLISHED))
def test_get_noise_indices_reproduces_published_masks(cifar, method):
    key, precision, recall, f1 = PUBLISHED[method]
    pred_probs = cifar["pred_probs"]
    assert pred_probs.dtype == np.float16
    mask = pruning.get_noise_indices(cifar["noisy_labels"], pred_probs, prune_method=method)
    assert np.count_nonzero(mask != cifar[key]) <= 5
    errors = cifar["noisy_labels"] != cifar["true_labels"]
    hits = np.count_nonzero(mask & errors)
    got_precision = hits / mask.sum()
    got_recall = hits / errors.sum()
    got_f1 = 2 * got_precision * got_recall / (got_precision + got_recall)
    assert round(got_precision, 2) == round(precision, 2)
    assert round(got_recall, 2) == round(recall, 2)
    assert round(got_f1, 2) == round(f1, 2)
