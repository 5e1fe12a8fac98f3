"""cleannb.multilabel_classification.dataset against cleanlab 2.9: equal DataFrames.

Frames are compared with ``pandas.testing.assert_frame_equal`` (values,
dtypes, column order, row order, index), on float16, float32 and float64
data with quantised probabilities (equal issue probabilities, so the order
of tied rows is pandas' sort on rows in cleanlab's order), with and without
class names and a given confident joint.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pandas as pd
import pytest
from test_api_parity import equivalent_default
from test_multilabel_parity import make_case

pytest.importorskip("cleanlab")

import cleanlab.count as cl_count  # noqa: E402
import cleanlab.multilabel_classification.dataset as cl_dataset  # noqa: E402

from cleannb import multilabel_classification as ml  # noqa: E402
from cleannb.multilabel_classification import dataset  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

FUNCTIONS = (
    "common_multilabel_issues",
    "rank_classes_by_multilabel_quality",
    "overall_multilabel_health_score",
    "multilabel_health_summary",
)
CASES = [
    (seed, n, k, dtype, quantised)
    for seed, (n, k, quantised) in enumerate([(150, 2, True), (240, 6, False), (300, 15, True)])
    for dtype in (np.float16, np.float32, np.float64)
]


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{np.dtype(c[3]).name}-k{c[2]}")
def case(request):
    return make_case(*request.param)


def quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


@pytest.mark.parametrize("named", [False, True])
def test_frames_equal_cleanlab(case, named):
    labels, pred_probs = case
    names = [f"class {k}" for k in range(pred_probs.shape[1])] if named else None
    for name in ("common_multilabel_issues", "rank_classes_by_multilabel_quality"):
        got = getattr(dataset, name)(labels, pred_probs, class_names=names)
        expected = quiet(getattr(cl_dataset, name), labels, pred_probs, class_names=names)
        pd.testing.assert_frame_equal(got, expected)
    assert got["Label Issues"].sum() > 0  # the data has issues to count


def test_given_joints(case):
    labels, pred_probs = case
    joint = cl_count.compute_confident_joint(labels, pred_probs, multi_label=True)
    joint[:, 1, 0] += 3  # a joint that prunes differently from the estimated one
    pd.testing.assert_frame_equal(
        dataset.common_multilabel_issues(labels, pred_probs, confident_joint=joint),
        quiet(cl_dataset.common_multilabel_issues, labels, pred_probs, confident_joint=joint),
    )
    pd.testing.assert_frame_equal(
        dataset.rank_classes_by_multilabel_quality(labels, pred_probs, joint=joint),
        quiet(cl_dataset.rank_classes_by_multilabel_quality, labels, pred_probs, joint=joint),
    )
    got = dataset.overall_multilabel_health_score(labels, pred_probs, confident_joint=joint)
    expected = quiet(
        cl_dataset.overall_multilabel_health_score, labels, pred_probs, confident_joint=joint
    )
    assert got == expected and type(got) is type(expected)
    summary = dataset.multilabel_health_summary(
        labels, pred_probs, confident_joint=joint, verbose=False
    )
    expected = quiet(
        cl_dataset.multilabel_health_summary,
        labels,
        pred_probs,
        confident_joint=joint,
        verbose=False,
    )
    assert list(summary) == list(expected)
    for key, value in summary.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, expected[key])
        else:
            assert value == expected[key] and type(value) is type(expected[key])


def test_summary_equals_cleanlab_and_prints(case, capsys):
    labels, pred_probs = case
    names = [f"c{k}" for k in range(pred_probs.shape[1])]
    summary = dataset.multilabel_health_summary(labels, pred_probs, class_names=names)
    printed = capsys.readouterr().out
    expected = quiet(
        cl_dataset.multilabel_health_summary, labels, pred_probs, class_names=names, verbose=False
    )
    assert list(summary) == list(expected)
    for key in ("classes_by_multilabel_quality", "common_multilabel_issues"):
        pd.testing.assert_frame_equal(summary[key], expected[key])
    score = summary["overall_multilabel_health_score"]
    assert score == expected["overall_multilabel_health_score"]
    assert f"{len(labels):,} examples" in printed
    assert summary["classes_by_multilabel_quality"].to_string(index=False) in printed
    assert summary["common_multilabel_issues"].to_string(index=False) in printed
    assert f"{score:.4f}" in printed
    assert dataset.multilabel_health_summary(labels, pred_probs, verbose=False).keys() == (
        summary.keys()
    )
    assert capsys.readouterr().out == ""


def test_health_score_is_one_minus_flagged_fraction():
    labels, pred_probs = make_case(5, 200, 5, np.float32, False)
    flagged = ml.filter.find_label_issues(labels, pred_probs)
    score = dataset.overall_multilabel_health_score(labels, pred_probs)
    assert isinstance(score, np.float64)
    assert score == 1.0 - flagged.sum() / len(labels)


def test_counts_truncate_as_cleanlab():
    """Label Issues is int(noise * N): one short when the product falls below the count."""
    num_examples = 7
    for count in range(num_examples + 1):
        frame = pd.DataFrame(
            {
                "Class Index": [0, 0],
                "In Given Label": [True, False],
                "In Suggested Label": [False, True],
                "Num Examples": [count, 0],
                "Issue Probability": [count / num_examples, 0.0],
            }
        )
        issues = dataset._class_quality_frame(frame, num_examples, named=False)
        assert issues["Label Issues"].iloc[0] == int(count / num_examples * num_examples)


def test_bad_input():
    labels, pred_probs = make_case(1, 60, 3, np.float64, False)
    with pytest.raises(ValueError, match="labels is required"):
        dataset.common_multilabel_issues(None, pred_probs)
    with pytest.raises(ValueError, match="class_names has 2 names"):
        dataset.rank_classes_by_multilabel_quality(labels, pred_probs, class_names=["a", "b"])
    with pytest.raises(ValueError, match="class_names has 4 names"):
        dataset.multilabel_health_summary(labels, pred_probs, class_names=list("abcd"))
    with pytest.raises(ValueError, match="labels has 59"):
        dataset.overall_multilabel_health_score(labels[:-1], pred_probs)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_signatures_match_cleanlab(name):
    ours = inspect.signature(getattr(dataset, name)).parameters
    theirs = inspect.signature(getattr(cl_dataset, name)).parameters
    assert list(ours) == list(theirs)
    for parameter, expected in theirs.items():
        assert ours[parameter].kind == expected.kind, parameter
        if expected.default is list:  # cleanlab's labels=list default: None here
            assert ours[parameter].default is None
        else:
            assert equivalent_default(ours[parameter].default, expected.default), parameter


def test_exported():
    import cleannb.multilabel_classification as package

    assert package.dataset is dataset
    assert "dataset" in package.__all__
