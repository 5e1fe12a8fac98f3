"""Real data: the CIFAR-10 experiment of the confident-learning paper (40 % noise, sparsity 0.4).

The float16 probabilities hold many equal margins: cuts fall on ties, and
cleannb must resolve them as cleanlab does (its ``np.argsort``).
"""

from __future__ import annotations

import warnings

import numba
import numpy as np
import pytest

import cleannb
from cleannb import filter, pruning, rank
from cleannb._core.parallel import num_threads
from cleannb.datasets import load_cifar10_noisy

FILTERS = filter.FILTERS
RANKINGS = (None, *filter.RANKINGS)

# published figures (cleannb/datasets/data/README.md): flagged, precision, recall, F1
PUBLISHED = {
    "prune_by_class": ("issues_cl_pbc", 0.77767, 0.93847, 0.85054),
    "prune_by_noise_rate": ("issues_cl_pbnr", 0.81111, 0.88725, 0.84748),
    "both": ("issues_cl_both", 0.81779, 0.87609, 0.84593),
}


@pytest.fixture(scope="module")
def cifar():
    """The packaged copy (cleannb.datasets), under the key names of the .npz file."""
    data = load_cifar10_noisy()
    masks = {f"issues_{name}": mask for name, mask in data.published_masks.items()}
    return {
        "pred_probs": data.pred_probs,
        "noisy_labels": data.labels,
        "true_labels": data.true_labels,
        "noise_matrix": data.noise_matrix,
        **masks,
    }


@pytest.mark.parametrize("method", sorted(PUBLISHED))
def test_get_noise_indices_reproduces_published_masks(cifar, method):
    key, precision, recall, f1 = PUBLISHED[method]
    pred_probs = cifar["pred_probs"]
    assert pred_probs.dtype == np.float16
    mask = pruning.get_noise_indices(cifar["noisy_labels"], pred_probs, prune_method=method)
    np.testing.assert_array_equal(mask, cifar[key])
    errors = cifar["noisy_labels"] != cifar["true_labels"]
    hits = np.count_nonzero(mask & errors)
    got_precision = hits / mask.sum()
    got_recall = hits / errors.sum()
    got_f1 = 2 * got_precision * got_recall / (got_precision + got_recall)
    assert round(got_precision, 2) == round(precision, 2)
    assert round(got_recall, 2) == round(recall, 2)
    assert round(got_f1, 2) == round(f1, 2)


@pytest.fixture(scope="module", params=["float16", "float32"])
def cifar_probs(cifar, request):
    """The published float16 probabilities, and their exact float32 copy."""
    return cifar["noisy_labels"], cifar["pred_probs"].astype(request.param)


def _all_results(labels, pred_probs):
    out = {}
    for method in FILTERS:
        for ranked_by in RANKINGS:
            out[method, ranked_by] = filter.find_label_issues(
                labels, pred_probs, filter_by=method, return_indices_ranked_by=ranked_by
            )
    mask = out["prune_by_noise_rate", None]
    for ranked_by in RANKINGS[1:]:
        out["order", ranked_by] = rank.order_label_issues(
            mask, labels, pred_probs, rank_by=ranked_by
        )
    out["top"] = rank.find_top_issues(rank.get_label_quality_scores(labels, pred_probs), top=500)
    return out


def test_every_mask_and_order_equals_cleanlab(cifar_probs):
    cleanlab_filter = pytest.importorskip("cleanlab.filter")
    cleanlab_rank = pytest.importorskip("cleanlab.rank")
    labels, pred_probs = cifar_probs
    with cleannb.count_fixups() as fixups:
        got = _all_results(labels, pred_probs)
    assert fixups["cell"] > 0 and fixups["smallest"] > 0  # the fix-up really ran here
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, result in got.items():
            if key[0] in FILTERS:
                expected = cleanlab_filter.find_label_issues(
                    labels, pred_probs, filter_by=key[0], return_indices_ranked_by=key[1], n_jobs=1
                )
            elif key[0] == "order":
                expected = cleanlab_rank.order_label_issues(
                    got["prune_by_noise_rate", None], labels, pred_probs, rank_by=key[1]
                )
            else:
                scores = cleanlab_rank.get_label_quality_scores(labels, pred_probs)
                expected = cleanlab_rank.find_top_issues(scores, top=500)
            np.testing.assert_array_equal(result, expected, err_msg=str(key))


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs 2 Numba threads")
def test_results_are_the_same_for_one_and_two_threads(cifar_probs):
    labels, pred_probs = cifar_probs
    with num_threads(1):
        one = _all_results(labels, pred_probs)
    with num_threads(2):
        two = _all_results(labels, pred_probs)
    for key in one:
        np.testing.assert_array_equal(one[key], two[key], err_msg=str(key))
