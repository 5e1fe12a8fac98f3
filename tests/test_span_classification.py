"""cleannb.experimental.span_classification against cleanlab 2.9 (live)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cleannb.experimental import span_classification as span
from cleannb.token_classification import summary as ts

cl_span = pytest.importorskip("cleanlab.experimental.span_classification")

RANKINGS = ["self_confidence", "normalized_margin", "confidence_weighted_entropy"]
DTYPES = [np.float16, np.float32, np.float64]


def span_corpus(seed, n_sentences=150, dtype=np.float32, ties=False):
    """Sentences of 1..60 tokens: spans of 1s, 15 % of labels flipped, a noisy model."""
    rng = np.random.default_rng(seed)
    labels, pred_probs = [], []
    for i in range(n_sentences):
        length = 1 if i % 25 == 0 else int(rng.integers(1, 61))
        truth = (rng.random(length) < 0.3).astype(int)
        given = np.where(rng.random(length) < 0.15, 1 - truth, truth)
        p = np.clip(truth * 0.7 + 0.15 + rng.normal(0, 0.2, length), 0.001, 0.999)
        if ties:
            p = np.round(p * 8) / 8
        labels.append(given.tolist())
        pred_probs.append(p.astype(dtype))
    return labels, pred_probs


def assert_same_scores(ours, theirs):
    assert ours[0].dtype == theirs[0].dtype
    np.testing.assert_array_equal(ours[0], theirs[0])
    for a, b in zip(ours[1], theirs[1], strict=True):
        pd.testing.assert_series_equal(a, b, check_exact=True)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ties", [False, True])
def test_find_label_issues_equals_cleanlab(dtype, ties):
    labels, pred_probs = span_corpus(1, dtype=dtype, ties=ties)
    ours = span.find_label_issues(labels, pred_probs)
    assert len(ours) > 50
    assert ours == cl_span.find_label_issues(labels, pred_probs)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("token_method", RANKINGS)
@pytest.mark.parametrize("sentence_method", ["min", "softmin"])
def test_scores_equal_cleanlab(dtype, token_method, sentence_method):
    labels, pred_probs = span_corpus(2, dtype=dtype)
    kwargs = dict(token_score_method=token_method, sentence_score_method=sentence_method)
    assert_same_scores(
        span.get_label_quality_scores(labels, pred_probs, **kwargs),
        cl_span.get_label_quality_scores(labels, pred_probs, **kwargs),
    )


def test_flat_form_equals_list_form():
    labels, pred_probs = span_corpus(3, dtype=np.float64)
    lengths = [len(p) for p in pred_probs]
    flat_labels, flat = np.concatenate(labels), np.concatenate(pred_probs)
    expected = span.find_label_issues(labels, pred_probs)
    assert span.find_label_issues(flat_labels, flat, sentence_lengths=lengths) == expected
    assert span.find_label_issues(labels, flat) == expected
    assert_same_scores(
        span.get_label_quality_scores(flat_labels, flat, sentence_lengths=lengths),
        span.get_label_quality_scores(labels, pred_probs),
    )


def test_get_pred_prob_token_equals_cleanlab():
    _, pred_probs = span_corpus(4, n_sentences=20, dtype=np.float16)
    ours = span._get_pred_prob_token(pred_probs)
    for a, b in zip(ours, cl_span._get_pred_prob_token(pred_probs), strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_display_issues_with_labels_prints_as_cleanlab(capsys):
    labels, pred_probs = span_corpus(5, n_sentences=40)
    rng = np.random.default_rng(0)
    tokens = [[f"w{int(k)}" for k in rng.integers(0, 30, len(p))] for p in pred_probs]
    issues = span.find_label_issues(labels, pred_probs)
    for kwargs in ({}, dict(labels=labels), dict(labels=labels, class_names=["O", "SPAN"])):
        cl_span.display_issues(issues, tokens, **kwargs)
        theirs = capsys.readouterr().out
        span.display_issues(issues, tokens, **kwargs)
        assert capsys.readouterr().out == theirs


def test_display_issues_prints_the_prediction(capsys):
    """cleanlab 2.9 prints 0 as every prediction (argmax of one number); cleannb the argmax of
    [1 - p, p]."""
    labels = [[0, 0, 1], [1, 0]]
    pred_probs = [np.array([0.9, 0.8, 0.1]), np.array([0.3, 0.95])]
    tokens = [["a", "b", "c"], ["d", "e"]]
    issues = [(0, 2), (1, 1)]
    span.display_issues(issues, tokens, labels=labels, pred_probs=pred_probs)
    ours = capsys.readouterr().out
    two_class = [np.stack([1 - p, p], axis=1) for p in pred_probs]
    ts.display_issues(issues, tokens, labels=labels, pred_probs=two_class)
    assert capsys.readouterr().out == ours
    assert "Given label: 1, predicted label according to provided pred_probs: 0" in ours
    assert "Given label: 0, predicted label according to provided pred_probs: 1" in ours
    cl_span.display_issues(issues, tokens, labels=labels, pred_probs=pred_probs)
    assert "pred_probs: 1" not in capsys.readouterr().out  # the finding above


def test_bad_input_names_the_sentence():
    labels, pred_probs = span_corpus(6, n_sentences=10)
    labels[4] = [*labels[4], 0]
    with pytest.raises(ValueError, match=r"sentence 4: labels\[4\] has"):
        span.find_label_issues(labels, pred_probs)
    with pytest.raises(ValueError, match=r"pred_probs\[2\] \(sentence 2\) must be 1-D"):
        span.find_label_issues(labels, [*pred_probs[:2], np.ones((3, 2)), *pred_probs[3:]])
