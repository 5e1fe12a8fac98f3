"""cleannb.pruning and cleannb.baseline_methods against cleanlab 0.1.0's golden fixtures."""

from __future__ import annotations

import os

import numpy as np
import pytest

from cleannb import baseline_methods, pruning

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = np.load(os.path.join(HERE, "golden", "v010_cases.npz"))
MULTI = np.load(os.path.join(HERE, "golden", "v010_multilabel.npz"))
N_CASES = int(CASES["n_cases"])

# Small inputs select with numpy's partitions, larger ones with the kernels: both are checked.
pytestmark = pytest.mark.usefixtures("kernel_input")


def _noise_keys(case):
    prefix = f"case{case}/"
    return [f for f in CASES.files if f.startswith(prefix + "noise") and "__raised" not in f]


@pytest.mark.parametrize("case", range(N_CASES))
def test_get_noise_indices_matches_golden(case):
    prefix = f"case{case}/"
    s, psx = CASES[prefix + "s"], CASES[prefix + "psx"]
    keys = _noise_keys(case)
    assert len(keys) >= 6
    for key in keys:
        kind, method, *rest = key[len(prefix) :].split("/")
        kwargs = {}
        if kind == "noise_frac05":
            kwargs["frac_noise"] = 0.5
        elif kind == "noise_sorted":
            kwargs["sorted_index_method"] = rest[0]
        elif kind == "noise_ntr":
            kwargs["num_to_remove_per_class"] = CASES[prefix + "num_to_remove_per_class"]
        elif kind == "noise_given_cj_uncalibrated":
            kwargs["confident_joint"] = CASES[prefix + "cj_uncalibrated"]
        got = pruning.get_noise_indices(s, psx, prune_method=method, n_jobs=1, **kwargs)
        if kind == "noise_sorted":
            _assert_ranked_as_v010(got, CASES[key], CASES[f"{prefix}noise/{method}"], s, psx, key)
        else:
            np.testing.assert_array_equal(got, CASES[key], err_msg=key)


def _v010_sort_keys(rows, s, psx, method):
    """The array 0.1.0's ``order_label_errors`` passes to ``np.argsort``, one row at a time."""
    given = np.array([np.mean(psx[i][s[i]]) for i in rows])
    if method == "prob_given_label":
        return given
    others = np.array([max(np.delete(psx[i], s[i])) for i in rows])
    return given - others


def _assert_ranked_as_v010(got, golden, mask, s, psx, key):
    """``got`` is 0.1.0's ranking on this machine, and the golden one up to ties.

    0.1.0 ranks with numpy's default (unstable) argsort, whose order among
    equal keys depends on the CPU's sort routine (numpy 2.4 picks AVX-512 or
    AVX2 code at run time), so the golden order holds exactly only on a CPU
    like the one that made it. On any CPU: the golden order sorts the
    reference keys (which checks them against 0.1.0), cleannb returns the
    same rows with the same key sequence, and exactly the order numpy's
    argsort gives here on those keys, which is what 0.1.0 returns here.
    """
    rows = np.flatnonzero(mask)
    keys = _v010_sort_keys(rows, s, psx, key.rsplit("/", 1)[1])
    key_of = dict(zip(rows.tolist(), keys.tolist(), strict=True))
    golden_keys = np.array([key_of[i] for i in golden.tolist()])
    assert np.all(np.diff(golden_keys) >= 0), key
    np.testing.assert_array_equal(np.sort(got), rows, err_msg=key)
    np.testing.assert_array_equal([key_of[i] for i in got.tolist()], golden_keys, err_msg=key)
    np.testing.assert_array_equal(got, rows[np.argsort(keys)], err_msg=key)


@pytest.mark.parametrize("case", range(N_CASES))
def test_prune_count_helpers_and_baselines_match_golden(case):
    prefix = f"case{case}/"
    s, psx = CASES[prefix + "s"], CASES[prefix + "psx"]
    joint = CASES[prefix + "cj_calibrated"]
    for tag, frac in (("f10", 1.0), ("f05", 0.5)):
        np.testing.assert_array_equal(
            pruning.keep_at_least_n_per_class(joint.T, 5, frac_noise=frac),
            CASES[f"{prefix}keep_at_least_n_per_class/{tag}"],
        )
        np.testing.assert_array_equal(
            pruning.reduce_prune_counts(joint.T, frac), CASES[f"{prefix}reduce_prune_counts/{tag}"]
        )
    np.testing.assert_array_equal(
        baseline_methods.baseline_argmax(psx, s), CASES[prefix + "baseline_argmax"]
    )
    np.testing.assert_array_equal(
        baseline_methods.baseline_argmax_confusion_matrix(psx, s),
        CASES[prefix + "baseline_argmax_cm"],
    )
    np.testing.assert_array_equal(
        baseline_methods.baseline_argmax_confusion_matrix(psx, s, calibrate=True),
        CASES[prefix + "baseline_argmax_cm_cal"],
    )
    np.testing.assert_array_equal(
        baseline_methods.baseline_argmax_calibrated_confusion_matrix(psx, s),
        CASES[prefix + "baseline_argmax_calibrated_cm"],
    )


@pytest.mark.parametrize("case", range(2))
def test_multilabel_matches_golden(case):
    prefix = f"ml{case}/"
    labels = [[int(v) for v in row] for row in MULTI[prefix + "labels"]]
    psx = MULTI[prefix + "psx"]
    np.testing.assert_array_equal(
        pruning.multiclass_crossval_predict(psx, labels),
        MULTI[prefix + "multiclass_crossval_predict"],
    )
    for method in pruning.PRUNE_METHODS:
        got = pruning.get_noise_indices(labels, psx, prune_method=method, multi_label=True)
        np.testing.assert_array_equal(got, MULTI[f"{prefix}noise/{method}"])


@pytest.mark.parametrize("case", range(2))
def test_multiclass_crossval_predict_ragged(case):
    prefix = f"mcp{case}/"
    flat, offsets = MULTI[prefix + "labels_flat"], MULTI[prefix + "labels_offsets"]
    labels = [[int(v) for v in flat[a:b]] for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
    got = pruning.multiclass_crossval_predict(MULTI[prefix + "pyx"], labels)
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, MULTI[prefix + "out"])


def test_seed_one_liner_runs_as_written():
    s, psx = CASES["case3/s"], CASES["case3/psx"]
    ranked = pruning.get_noise_indices(s=s, psx=psx, sorted_index_method="normalized_margin")
    assert ranked.dtype == np.int64
    np.testing.assert_array_equal(
        np.sort(ranked), np.flatnonzero(pruning.get_noise_indices(s, psx))
    )


def test_frac_noise_subset_and_threads():
    s, psx = CASES["case18/s"], CASES["case18/psx"]
    for method in pruning.PRUNE_METHODS:
        full = pruning.get_noise_indices(s, psx, prune_method=method, n_jobs=1)
        half = pruning.get_noise_indices(s, psx, prune_method=method, frac_noise=0.5, n_jobs=2)
        assert half.sum() < full.sum() and not np.any(half & ~full)


def test_bad_arguments_raise_value_errors_and_unknown_orders_warn():
    s, psx = CASES["case0/s"], CASES["case0/psx"]
    with pytest.raises(ValueError, match="prune_method"):
        pruning.get_noise_indices(s, psx, prune_method="prune_by_margin")
    with pytest.warns(UserWarning, match="sorted_index_method='margin'"):  # 0.1.0: the margin
        ranked = pruning.get_noise_indices(s, psx, sorted_index_method="margin")
    np.testing.assert_array_equal(
        ranked, pruning.get_noise_indices(s, psx, sorted_index_method="normalized_margin")
    )
    with pytest.raises(ValueError, match="n_jobs"):
        pruning.get_noise_indices(s, psx, n_jobs=0)
    counts = np.bincount(s)
    with pytest.raises(ValueError, match="class"):
        pruning.get_noise_indices(
            s, psx, prune_method="prune_by_class", num_to_remove_per_class=counts
        )
