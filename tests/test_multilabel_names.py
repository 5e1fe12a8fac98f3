"""Every public name of cleanlab 2.9's multilabel_classification modules, in cleannb's.

The rule for "public name" is tests/test_public_names.py's. Re-exported
functions must be cleannb's one implementation; the scorer objects
(``ClassLabelScorer``, ``Aggregator``, ``MultilabelScorer``) must return
cleanlab's bits.
"""

from __future__ import annotations

import importlib
import inspect

import numpy as np
import pytest
from test_api_parity import equivalent_default
from test_multilabel_parity import assert_identical, make_case
from test_public_names import cleanlab_module, public_names

pytest.importorskip("cleanlab")

from cleanlab.internal import multilabel_scorer as cl_scorer  # noqa: E402

from cleannb._core import internal as _internal  # noqa: E402
from cleannb.multilabel_classification import dataset, filter, rank  # noqa: E402

MODULES = ("filter", "rank", "dataset")


@pytest.mark.parametrize("module", MODULES)
def test_every_public_name_is_importable(module):
    theirs = public_names(cleanlab_module(f"multilabel_classification.{module}"))
    ours = importlib.import_module(f"cleannb.multilabel_classification.{module}")
    assert sorted(name for name in theirs if not hasattr(ours, name)) == []
    assert set(theirs) <= set(ours.__all__)
    assert len(theirs) >= 2


CASES = [
    (module, name)
    for module in MODULES
    for name in public_names(cleanlab_module(f"multilabel_classification.{module}"))
]


@pytest.mark.parametrize("module,name", CASES, ids=lambda x: x)
def test_signatures_match_cleanlab(module, name):
    theirs = public_names(cleanlab_module(f"multilabel_classification.{module}"))[name]
    ours = getattr(importlib.import_module(f"cleannb.multilabel_classification.{module}"), name)
    if inspect.isclass(theirs):
        theirs, ours = theirs.__init__, ours.__init__
    their_sig, our_sig = inspect.signature(theirs), inspect.signature(ours)
    for position, param in enumerate(their_sig.parameters.values()):
        assert param.name in our_sig.parameters, f"{name} lacks {param.name}"
        mine = our_sig.parameters[param.name]
        assert mine.kind == param.kind, (name, param.name)
        if param.kind is not param.KEYWORD_ONLY:
            assert list(our_sig.parameters)[position] == param.name, (name, "order")
        if param.default is list:  # cleanlab's labels=list default: None here
            assert mine.default is None
        elif not (param.name == "n_jobs" and mine.default is None):
            assert equivalent_default(mine.default, param.default), (name, param.name)
    for extra in set(our_sig.parameters) - set(their_sig.parameters):
        assert our_sig.parameters[extra].kind is inspect.Parameter.KEYWORD_ONLY, extra


def test_reexports_are_the_one_implementation():
    assert dataset.find_label_issues is filter.find_label_issues
    assert dataset.find_multilabel_issues_per_class is filter.find_multilabel_issues_per_class
    assert dataset.get_onehot_num_classes is _internal.get_onehot_num_classes
    for name in ("assert_valid_inputs", "get_num_classes", "int2onehot"):
        assert getattr(rank, name) is getattr(_internal, name)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_scorer_objects_equal_cleanlab(dtype):
    labels, pred_probs = make_case(11, 250, 6, dtype, True)
    onehot = _internal.int2onehot(labels, K=6)
    single = np.array([row[0] if row else 0 for row in labels])
    for member in ("SELF_CONFIDENCE", "NORMALIZED_MARGIN", "CONFIDENCE_WEIGHTED_ENTROPY"):
        ours, theirs = rank.ClassLabelScorer[member], cl_scorer.ClassLabelScorer[member]
        assert rank.ClassLabelScorer.from_str(member.lower()) is ours
        binary = np.column_stack([1 - pred_probs[:, 0], pred_probs[:, 0]])
        for adjust in (False, True) if member != "CONFIDENCE_WEIGHTED_ENTROPY" else (False,):
            assert_identical(
                ours(onehot[:, 0], binary, adjust_pred_probs=adjust),
                theirs(onehot[:, 0], binary, adjust_pred_probs=adjust),
            )
        multiclass = pred_probs / pred_probs.sum(axis=1, keepdims=True, dtype=dtype)
        assert_identical(ours(single, multiclass), theirs(single, multiclass))
        for aggregator in (
            ("exponential_moving_average", {"alpha": 0.3}),
            ("softmin", {"temperature": 0.5}),
            (np.max, {}),
        ):
            kwargs = {"base_scorer_kwargs": {"adjust_pred_probs": member == "SELF_CONFIDENCE"}}
            got = rank.MultilabelScorer(ours, rank.Aggregator(aggregator[0], **aggregator[1]))
            expected = cl_scorer.MultilabelScorer(
                theirs, cl_scorer.Aggregator(aggregator[0], **aggregator[1])
            )
            assert_identical(
                got(onehot, pred_probs, **kwargs), expected(onehot, pred_probs, **kwargs)
            )
            assert_identical(
                got.get_class_label_quality_scores(onehot, pred_probs),
                expected.get_class_label_quality_scores(onehot, pred_probs),
            )
    scores = rank.get_label_quality_scores_per_class(labels, pred_probs)
    assert_identical(
        rank.MultilabelScorer().aggregate(scores), cl_scorer.MultilabelScorer().aggregate(scores)
    )
    assert_identical(
        rank.MultilabelScorer().aggregate(scores, alpha=0.5),
        cl_scorer.MultilabelScorer().aggregate(scores, alpha=0.5),
    )


def test_scorer_objects_bad_input():
    with pytest.raises(ValueError, match="Invalid method name"):
        rank.ClassLabelScorer.from_str("margin")
    with pytest.raises(ValueError, match="Invalid aggregation method"):
        rank.Aggregator("mean")
    with pytest.raises(TypeError, match="callable"):
        rank.Aggregator(3)
    with pytest.raises(ValueError, match="2-D"):
        rank.Aggregator("softmin")(np.ones(3))
    with pytest.raises(ValueError, match="alpha"):
        rank.Aggregator("exponential_moving_average", alpha=2)(np.ones((2, 2)))
    with pytest.raises(TypeError, match="numpy array"):
        rank.MultilabelScorer()([[0, 1]], np.ones((1, 2)))
    with pytest.raises(ValueError, match="shape"):
        rank.MultilabelScorer()(np.array([[0, 1]]), np.ones((2, 2)))
    with pytest.raises(ValueError, match="not supported"):
        rank.ClassLabelScorer.CONFIDENCE_WEIGHTED_ENTROPY(
            np.array([0, 1]), np.array([[0.6, 0.4], [0.3, 0.7]]), adjust_pred_probs=True
        )
