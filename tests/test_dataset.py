"""cleannb.dataset against cleanlab 2.9's dataset module."""

import numpy as np
import pandas as pd
import pytest
from conftest import parity_dataset

cleanlab_dataset = pytest.importorskip("cleanlab.dataset")

import cleannb  # noqa: E402
from cleannb import dataset  # noqa: E402


def noisy_dataset(seed, n, k):
    """conftest's parity data (stream 5): ties of every kind kept, none redrawn."""
    return parity_dataset(seed, stream=5, n=n, k=k)


def assert_same_up_to_ties(ours, theirs, value, ascending, ours_by_index=None):
    """``ours`` equals cleanlab's frame, rows of equal ``value`` in cleanlab's order;
    ``ours_by_index`` (made under ``cleannb.tie_order("index")``) holds them in class order.

    Under ``tie_order("index")`` the calibration may also round tied residuals
    the other way, so that frame's values can differ from cleanlab's: its order
    is checked against itself, sorted by value then class index."""
    pd.testing.assert_frame_equal(ours, theirs, check_dtype=False, rtol=1e-12, atol=1e-15)
    if ours_by_index is not None:
        index = [c for c in ours.columns if c.startswith("Class Index")]
        canonical = ours_by_index.sort_values(
            [value, *index], ascending=[ascending] + [True] * len(index), kind="stable"
        ).reset_index(drop=True)
        pd.testing.assert_frame_equal(ours_by_index, canonical, check_dtype=False)


SHAPES = [(300, 3), (800, 5), (1500, 8), (500, 2), (1200, 25), (900, 50)]
CASES = [(seed, n, k) for seed, (n, k) in enumerate(SHAPES)]


@pytest.mark.parametrize("seed,n,k", CASES)
@pytest.mark.parametrize("asymmetric", [False, True])
def test_health_summary_matches_cleanlab(seed, n, k, asymmetric):
    labels, pred_probs = noisy_dataset(seed, n, k)
    names = [f"c{i}" for i in range(k)]
    ours = dataset.health_summary(
        labels, pred_probs, asymmetric=asymmetric, class_names=names, verbose=False
    )
    with cleannb.tie_order("index"):
        by_index = dataset.health_summary(
            labels, pred_probs, asymmetric=asymmetric, class_names=names, verbose=False
        )
    theirs = cleanlab_dataset.health_summary(
        labels, pred_probs, asymmetric=asymmetric, class_names=names, verbose=False
    )
    assert ours["overall_label_health_score"] == pytest.approx(
        theirs["overall_label_health_score"], abs=1e-12
    )
    np.testing.assert_allclose(ours["joint"], theirs["joint"], rtol=1e-12, atol=1e-15)
    assert_same_up_to_ties(
        ours["classes_by_label_quality"],
        theirs["classes_by_label_quality"],
        "Label Quality Score",
        True,
        by_index["classes_by_label_quality"],
    )
    assert_same_up_to_ties(
        ours["overlapping_classes"],
        theirs["overlapping_classes"],
        "Joint Probability",
        False,
        by_index["overlapping_classes"],
    )


@pytest.mark.parametrize("seed,n,k", CASES)
def test_functions_from_precomputed_estimates_match_cleanlab(seed, n, k):
    labels, pred_probs = noisy_dataset(seed, n, k)
    from cleannb.count import compute_confident_joint, estimate_joint

    cj = compute_confident_joint(labels, pred_probs)
    joint = estimate_joint(labels, pred_probs)
    assert_same_up_to_ties(
        dataset.rank_classes_by_label_quality(joint=joint, num_examples=n),
        cleanlab_dataset.rank_classes_by_label_quality(joint=joint, num_examples=n),
        "Label Quality Score",
        True,
    )
    assert_same_up_to_ties(
        dataset.find_overlapping_classes(confident_joint=cj, labels=labels),
        cleanlab_dataset.find_overlapping_classes(confident_joint=cj, labels=labels),
        "Joint Probability",
        False,
    )
    assert dataset.overall_label_health_score(
        joint=joint, num_examples=n, verbose=False
    ) == pytest.approx(
        cleanlab_dataset.overall_label_health_score(joint=joint, num_examples=n, verbose=False)
    )
    assert dataset.overall_label_health_score(labels, pred_probs, verbose=False) == pytest.approx(
        cleanlab_dataset.overall_label_health_score(labels, pred_probs, verbose=False)
    )


def test_verbose_summary_prints_report(capsys):
    labels, pred_probs = noisy_dataset(0, 300, 3)
    dataset.health_summary(labels, pred_probs, verbose=True)
    out = capsys.readouterr().out
    assert "Classes by label quality" in out and "label health score" in out


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="multi-label"):
        dataset.health_summary([[0]], np.ones((1, 2)) / 2, multi_label=True)
    with pytest.raises(ValueError, match="num_examples"):
        dataset.rank_classes_by_label_quality(joint=np.eye(2) / 2)
