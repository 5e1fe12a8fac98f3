"""cleannb.token_classification against cleanlab 2.9 (live) and a per-sentence numpy reference.

Corpora are ``make_dataset`` rows cut into sentences of 1..100 tokens
(single-token sentences included); every comparison is exact: the same
issue lists, the same score bits and dtypes, the same printed text and
DataFrames.
"""

from __future__ import annotations

import tracemalloc
import warnings

import numba
import numpy as np
import pandas as pd
import pytest
from conftest import make_dataset

from cleannb._core import tokens as _tokens
from cleannb.experimental import RowSource
from cleannb.token_classification import filter as tf
from cleannb.token_classification import rank as tr
from cleannb.token_classification import summary as ts

cl_filter = pytest.importorskip("cleanlab.token_classification.filter")
cl_rank = pytest.importorskip("cleanlab.token_classification.rank")
cl_summary = pytest.importorskip("cleanlab.token_classification.summary")

RANKINGS = ["self_confidence", "normalized_margin", "confidence_weighted_entropy"]
DTYPES = [np.float16, np.float32, np.float64]
WORDS = ["the", "a", "Apple", "apple", ",", ".", "(", ")", "'s", "-", "New", "York", "x+"]


def sentence_lengths(seed, n_tokens, max_len=100):
    """Ragged lengths 1..max_len summing to n_tokens, with single-token sentences."""
    rng = np.random.default_rng(seed)
    lengths = [1, 1, max_len]
    while sum(lengths) < n_tokens:
        lengths.append(int(rng.integers(1, max_len + 1)))
    lengths[-1] -= sum(lengths) - n_tokens
    if lengths[-1] < 1:
        lengths[-2] += lengths[-1] - 1
        lengths[-1] = 1
    return np.array(rng.permutation(lengths), dtype=np.int64)


def corpus(seed, n_tokens=6000, k=5, dtype=np.float32, kind="plain", max_len=100):
    """``(labels, pred_probs, lengths)`` in the list form, and the flat rows."""
    flat_labels, flat = make_dataset(seed, n_tokens, k, dtype, kind=kind)
    lengths = sentence_lengths(seed, n_tokens, max_len)
    cuts = np.cumsum(lengths)[:-1]
    labels = [part.tolist() for part in np.split(flat_labels, cuts)]
    pred_probs = np.split(flat, cuts)
    return labels, pred_probs, lengths, flat_labels, flat


def tokens_for(lengths, seed=0):
    rng = np.random.default_rng(seed)
    return [[WORDS[w] for w in rng.integers(0, len(WORDS), size=n)] for n in lengths]


def naive_positions(rows, lengths):
    """Flat rows to (sentence, token) by walking the sentences: obviously right."""
    table = [(i, j) for i, n in enumerate(lengths) for j in range(n)]
    return [table[r] for r in rows]


def assert_same_scores(ours, theirs):
    assert len(ours[1]) == len(theirs[1])
    assert ours[0].dtype == theirs[0].dtype
    np.testing.assert_array_equal(ours[0], theirs[0])
    for a, b in zip(ours[1], theirs[1], strict=True):
        pd.testing.assert_series_equal(a, b, check_exact=True)


# find_label_issues


@pytest.mark.parametrize("ranked_by", RANKINGS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_find_label_issues_equals_cleanlab(ranked_by, dtype):
    labels, pred_probs, lengths, flat_labels, flat = corpus(1, dtype=dtype)
    ours = tf.find_label_issues(labels, pred_probs, return_indices_ranked_by=ranked_by)
    theirs = cl_filter.find_label_issues(labels, pred_probs, return_indices_ranked_by=ranked_by)
    assert len(ours) > 100
    assert ours == theirs
    assert all(type(i) is int and type(j) is int for i, j in ours)


@pytest.mark.parametrize("kind", ["tied", "round3", "mixed"])
@pytest.mark.parametrize("ranked_by", RANKINGS)
def test_find_label_issues_with_ties_equals_cleanlab(kind, ranked_by):
    labels, pred_probs, *_ = corpus(2, n_tokens=3000, k=4, kind=kind, max_len=30)
    ours = tf.find_label_issues(labels, pred_probs, return_indices_ranked_by=ranked_by)
    assert ours == cl_filter.find_label_issues(
        labels, pred_probs, return_indices_ranked_by=ranked_by
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(filter_by="prune_by_class"),
        dict(filter_by="both", frac_noise=0.5),
        dict(filter_by="confident_learning"),
        dict(filter_by="predicted_neq_given"),
        dict(filter_by="low_self_confidence"),
        dict(filter_by="low_normalized_margin", return_indices_ranked_by="normalized_margin"),
        dict(min_examples_per_class=400),
    ],
)
def test_find_label_issues_kwargs_equal_cleanlab(kwargs):
    labels, pred_probs, *_ = corpus(3, n_tokens=4000, k=6, dtype=np.float64)
    ours = tf.find_label_issues(labels, pred_probs, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = cl_filter.find_label_issues(labels, pred_probs, **kwargs)
    assert ours == theirs


def test_find_label_issues_equals_naive_mapping():
    from cleannb.filter import find_label_issues as flat_find

    labels, pred_probs, lengths, flat_labels, flat = corpus(4)
    rows = flat_find(flat_labels, flat, return_indices_ranked_by="self_confidence")
    assert tf.find_label_issues(labels, pred_probs) == naive_positions(rows, lengths)


def test_one_token_sentences_and_empty_sentence():
    labels, pred_probs, lengths, flat_labels, flat = corpus(5, n_tokens=500, max_len=1)
    assert set(lengths) == {1}
    assert tf.find_label_issues(labels, pred_probs) == cl_filter.find_label_issues(
        labels, pred_probs
    )
    # an empty sentence shifts nothing (cleanlab accepts it in find_label_issues too)
    labels2 = [*labels[:3], [], *labels[3:]]
    pred_probs2 = [*pred_probs[:3], np.zeros((0, 5), np.float32), *pred_probs[3:]]
    expected = cl_filter.find_label_issues(labels2, pred_probs2)
    assert tf.find_label_issues(labels2, pred_probs2) == expected
    with pytest.warns(UserWarning, match="low_memory"):
        assert tf.find_label_issues(labels2, pred_probs2, low_memory=True) == expected


# offsets form and low_memory


def test_flat_form_equals_list_form():
    labels, pred_probs, lengths, flat_labels, flat = corpus(6, k=7)
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    expected = tf.find_label_issues(
        labels, pred_probs, return_indices_ranked_by="normalized_margin"
    )
    for kwargs in (
        dict(sentence_offsets=offsets),
        dict(sentence_lengths=lengths),
        dict(sentence_lengths=lengths.tolist()),
    ):
        for given in (flat_labels, flat_labels.tolist()):
            assert expected == tf.find_label_issues(
                given, flat, return_indices_ranked_by="normalized_margin", **kwargs
            )
    # nested labels carry the boundaries themselves
    assert expected == tf.find_label_issues(
        labels, flat, return_indices_ranked_by="normalized_margin"
    )
    # a flat source read in ranges
    source = RowSource(flat, batch_size=777)
    assert expected == tf.find_label_issues(
        labels, source, return_indices_ranked_by="normalized_margin"
    )
    for method in ("min", "softmin"):
        listed = tr.get_label_quality_scores(labels, pred_probs, sentence_score_method=method)
        flat_scores = tr.get_label_quality_scores(
            flat_labels, flat, sentence_offsets=offsets, sentence_score_method=method
        )
        assert_same_scores(flat_scores, listed)
        sentence_scores, token_scores = tr.get_label_quality_scores(
            flat_labels,
            flat,
            sentence_lengths=lengths,
            sentence_score_method=method,
            flat_token_scores=True,
        )
        np.testing.assert_array_equal(sentence_scores, listed[0])
        np.testing.assert_array_equal(token_scores, np.concatenate(listed[1]))


@pytest.mark.parametrize("ranked_by", RANKINGS)
@pytest.mark.parametrize("dtype", [np.float16, np.float64])
def test_low_memory_equals_exact(ranked_by, dtype, monkeypatch):
    labels, pred_probs, lengths, flat_labels, flat = corpus(7, n_tokens=5000, dtype=dtype)
    exact = tf.find_label_issues(labels, pred_probs, return_indices_ranked_by=ranked_by)
    monkeypatch.setattr(_tokens, "STREAM_BATCH_ROWS", 97)  # ranges cut sentences
    with pytest.warns(UserWarning, match="same label issues as low_memory=False"):
        low = tf.find_label_issues(
            labels, pred_probs, return_indices_ranked_by=ranked_by, low_memory=True
        )
    assert low == exact
    with pytest.warns(UserWarning, match="low_memory"):
        low_flat = tf.find_label_issues(
            flat_labels,
            flat,
            sentence_lengths=lengths,
            return_indices_ranked_by=ranked_by,
            low_memory=True,
        )
    assert low_flat == exact
    with pytest.warns(UserWarning, match="low_memory"):
        pruned = tf.find_label_issues(
            labels, pred_probs, filter_by="prune_by_class", low_memory=True
        )
    assert pruned == tf.find_label_issues(labels, pred_probs, filter_by="prune_by_class")


def test_range_reader_equals_slices_of_the_concatenation():
    labels, pred_probs, lengths, flat_labels, flat = corpus(23, n_tokens=700, max_len=9)
    pred_probs[4] = pred_probs[4][:0]  # an empty sentence
    labels[4] = []
    tokens = _tokens.as_tokens(labels, pred_probs, stream=True)
    joined = np.concatenate(pred_probs)
    rng = np.random.default_rng(0)
    for start, stop in [(0, 1), (0, len(joined)), *rng.integers(0, len(joined), (200, 2))]:
        start, stop = sorted((int(start), int(stop)))
        stop = max(stop, start + 1)  # a range holds at least one row
        np.testing.assert_array_equal(tokens.pred_probs.read(start, stop), joined[start:stop])


def test_low_memory_does_not_concatenate(monkeypatch):
    labels, pred_probs, *_ = corpus(8, n_tokens=20_000, k=100, dtype=np.float64)
    whole = 20_000 * 100 * 8  # one (total_tokens, K) copy: 16 MB
    tf.find_label_issues(labels, pred_probs)  # compile outside the measurement
    monkeypatch.setattr(_tokens, "STREAM_BATCH_ROWS", 1000)

    def peak(**kwargs):
        tracemalloc.start()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tf.find_label_issues(labels, pred_probs, **kwargs)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    concatenated = peak(low_memory=False)
    assert concatenated > whole
    # O(total_tokens) arrays of the search (about 3 MB here) and two ranges of 1000 rows
    assert peak(low_memory=True) < min(whole, concatenated) / 3


# scores


@pytest.mark.parametrize("token_method", RANKINGS)
@pytest.mark.parametrize("sentence_method", ["min", "softmin"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_scores_equal_cleanlab(token_method, sentence_method, dtype):
    labels, pred_probs, lengths, *_ = corpus(9, n_tokens=4000, dtype=dtype)
    kwargs = dict(token_score_method=token_method, sentence_score_method=sentence_method)
    assert_same_scores(
        tr.get_label_quality_scores(labels, pred_probs, **kwargs),
        cl_rank.get_label_quality_scores(labels, pred_probs, **kwargs),
    )


def test_float64_entropy_scores_of_a_large_corpus_equal_cleanlab():
    """Above 1 MiB cleannb.rank scores float64 entropy in a kernel; here it stays numpy's."""
    labels, pred_probs, *_ = corpus(10, n_tokens=30_000, k=10, dtype=np.float64)
    kwargs = dict(token_score_method="confidence_weighted_entropy")
    assert_same_scores(
        tr.get_label_quality_scores(labels, pred_probs, **kwargs),
        cl_rank.get_label_quality_scores(labels, pred_probs, **kwargs),
    )


@pytest.mark.parametrize("temperature", [0, 1e-9, 0.3, 1, np.float64(0.2), np.float32(2.0), np.inf])
@pytest.mark.parametrize("dtype", DTYPES)
def test_softmin_temperatures_equal_cleanlab(temperature, dtype):
    labels, pred_probs, *_ = corpus(11, n_tokens=2500, dtype=dtype, kind="plain")
    kwargs = dict(
        sentence_score_method="softmin", sentence_score_kwargs={"temperature": temperature}
    )
    assert_same_scores(
        tr.get_label_quality_scores(labels, pred_probs, **kwargs),
        cl_rank.get_label_quality_scores(labels, pred_probs, **kwargs),
    )


@pytest.mark.parametrize("kind", ["tied", "round3"])
def test_scores_with_ties_and_tokens_equal_cleanlab(kind):
    labels, pred_probs, lengths, *_ = corpus(12, n_tokens=3000, kind=kind)
    tokens = tokens_for(lengths)
    for method in ("min", "softmin"):
        ours = tr.get_label_quality_scores(
            labels, pred_probs, tokens=tokens, sentence_score_method=method
        )
        assert_same_scores(
            ours,
            cl_rank.get_label_quality_scores(
                labels, pred_probs, tokens=tokens, sentence_score_method=method
            ),
        )
        assert list(ours[1][5].index) == tokens[5]


def test_sentence_scores_equal_naive_reference():
    from cleannb.rank import get_label_quality_scores as flat_scores

    labels, pred_probs, lengths, flat_labels, flat = corpus(13, dtype=np.float64)
    scores = flat_scores(flat_labels, flat)
    bounds = np.concatenate(([0], np.cumsum(lengths)))
    pieces = [scores[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    naive_min = np.array([min(p) for p in pieces])
    ours_min = tr.get_label_quality_scores(labels, pred_probs)[0]
    np.testing.assert_array_equal(ours_min, naive_min)
    t = 0.05
    naive_soft = []
    for p in pieces:
        w = np.exp((1 - p) / t - np.max((1 - p) / t))
        naive_soft.append(float(np.sum(p * w / np.sum(w))))
    ours_soft = tr.get_label_quality_scores(labels, pred_probs, sentence_score_method="softmin")
    np.testing.assert_allclose(ours_soft[0], naive_soft, rtol=1e-12)
    assert np.all(ours_soft[0] >= naive_min - 1e-12)


@pytest.mark.parametrize("as_series", [True, False])
@pytest.mark.parametrize("threshold", [0.1, 0.7, 0.3])
def test_issues_from_scores_equal_cleanlab(as_series, threshold):
    labels, pred_probs, lengths, *_ = corpus(14, n_tokens=3000, kind="round3")
    sentence_scores, token_scores = tr.get_label_quality_scores(labels, pred_probs)
    if not as_series:
        token_scores = [s.to_numpy() for s in token_scores]
    ours = tr.issues_from_scores(sentence_scores, token_scores=token_scores, threshold=threshold)
    theirs = cl_rank.issues_from_scores(
        sentence_scores, token_scores=token_scores, threshold=threshold
    )
    assert ours == theirs and len(ours) > 10
    lists = [s.tolist() for s in token_scores]
    assert tr.issues_from_scores(
        sentence_scores, token_scores=lists, threshold=threshold
    ) == cl_rank.issues_from_scores(sentence_scores, token_scores=lists, threshold=threshold)
    sentence_threshold = threshold / 3  # some sentences above it (else cleanlab raises)
    ours = tr.issues_from_scores(sentence_scores, threshold=sentence_threshold)
    assert 0 < len(ours) < len(sentence_scores)
    np.testing.assert_array_equal(
        ours, cl_rank.issues_from_scores(sentence_scores, threshold=sentence_threshold)
    )


def test_issues_from_scores_all_below_threshold():
    scores = np.array([0.2, 0.1, 0.3])
    np.testing.assert_array_equal(tr.issues_from_scores(scores, threshold=1.0), [1, 0, 2])
    with pytest.raises(IndexError):  # cleanlab 2.9 runs off the end of its ranking
        cl_rank.issues_from_scores(scores, threshold=1.0)


# summary


def summary_corpus():
    labels, pred_probs, lengths, flat_labels, flat = corpus(15, n_tokens=1500, k=4, max_len=12)
    tokens = tokens_for(lengths, seed=1)
    issues = tf.find_label_issues(labels, pred_probs)
    return issues, tokens, labels, pred_probs, flat_labels, flat


SUMMARY_KWARGS = [
    {},
    dict(labels="labels"),
    dict(pred_probs="pred_probs"),
    dict(labels="labels", pred_probs="pred_probs"),
    dict(labels="labels", pred_probs="pred_probs", class_names=["O", "B", "I", "X"]),
    dict(labels="labels", pred_probs="pred_probs", exclude=[(0, 1), (2, 3)], top=5),
    dict(labels="labels", class_names=["O", "B", "I", "X"], top=1000),
]


def _resolve(kwargs, labels, pred_probs):
    given = dict(labels=labels, pred_probs=pred_probs)
    return {k: given.get(v, v) if isinstance(v, str) else v for k, v in kwargs.items()}


@pytest.mark.parametrize("kwargs", SUMMARY_KWARGS)
def test_display_issues_prints_as_cleanlab(kwargs, capsys):
    issues, tokens, labels, pred_probs, flat_labels, flat = summary_corpus()
    assert len(issues) > 50
    listed = _resolve(kwargs, labels, pred_probs)
    cl_summary.display_issues(issues, tokens, **listed)
    theirs = capsys.readouterr().out
    ts.display_issues(issues, tokens, **listed)
    assert capsys.readouterr().out == theirs
    ts.display_issues(issues, tokens, **_resolve(kwargs, flat_labels, flat))
    assert capsys.readouterr().out == theirs
    assert "\x1b[31m" in theirs


def test_display_sentence_issues_prints_as_cleanlab(capsys):
    _, tokens, *_ = summary_corpus()
    cl_summary.display_issues([4, 0, 2], tokens, top=2)
    theirs = capsys.readouterr().out
    ts.display_issues([4, 0, 2], tokens, top=2)
    assert capsys.readouterr().out == theirs


@pytest.mark.parametrize("verbose", [True, False])
@pytest.mark.parametrize("kwargs", SUMMARY_KWARGS)
def test_common_label_issues_equal_cleanlab(kwargs, verbose, capsys):
    issues, tokens, labels, pred_probs, flat_labels, flat = summary_corpus()
    listed = _resolve(kwargs, labels, pred_probs)
    theirs = cl_summary.common_label_issues(issues, tokens, verbose=verbose, **listed)
    printed = capsys.readouterr().out
    ours = ts.common_label_issues(issues, tokens, verbose=verbose, **listed)
    assert capsys.readouterr().out == printed
    pd.testing.assert_frame_equal(ours, theirs)
    flat_form = ts.common_label_issues(
        issues, tokens, verbose=verbose, **_resolve(kwargs, flat_labels, flat)
    )
    assert capsys.readouterr().out == printed
    pd.testing.assert_frame_equal(flat_form, theirs)


def test_filter_by_token_equals_cleanlab():
    issues, tokens, *_ = summary_corpus()
    for word in ("apple", "APPLE", ",", "x+", "missing"):
        assert ts.filter_by_token(word, issues, tokens) == cl_summary.filter_by_token(
            word, issues, tokens
        )


def test_sentence_text_and_highlight():
    words = ["Hello", ",", "it", "'s", "(", "me", ")", "-", "x+", "."]
    from cleanlab.internal.token_classification_utils import color_sentence, get_sentence

    assert ts.sentence_text(words) == get_sentence(words)
    for word in words:
        assert ts.highlight(ts.sentence_text(words), word) == color_sentence(
            get_sentence(words), word
        )


# bad input


def test_sentence_length_mismatch_names_the_sentence():
    labels, pred_probs, *_ = corpus(16, n_tokens=300, max_len=10)
    labels[7] = labels[7] + [0]
    with pytest.raises(ValueError, match=r"sentence 7: labels\[7\] has .* pred_probs\[7\]"):
        tf.find_label_issues(labels, pred_probs)
    with pytest.raises(ValueError, match="sentence 7"):
        tr.get_label_quality_scores(labels, pred_probs)
    flat = np.concatenate(pred_probs)
    with pytest.raises(ValueError, match="sentence 7"):
        tf.find_label_issues(labels, flat, sentence_lengths=[len(p) for p in pred_probs])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda lab, pp: tf.find_label_issues(lab[:-1], pp), "labels has .* sentences"),
        (lambda lab, pp: tf.find_label_issues(lab, [p[:, :3] for p in pp[:2]] + pp[2:]),
         r"pred_probs\[2\] \(sentence 2\) has 5 columns"),
        (lambda lab, pp: tf.find_label_issues(lab, [pp[0][:, 0], *pp[1:]]), "must be 2-D"),
        (lambda lab, pp: tf.find_label_issues(lab, pp, return_indices_ranked_by=None),
         "return_indices_ranked_by"),
        (lambda lab, pp: tr.get_label_quality_scores(lab, pp, sentence_score_method="max"),
         "sentence_score_method"),
        (lambda lab, pp: tf.find_label_issues(np.concatenate(lab), np.concatenate(pp)),
         "sentence_offsets"),
        (lambda lab, pp: tf.find_label_issues(
            np.concatenate(lab), np.concatenate(pp), sentence_offsets=[0, 5, 3, 300]),
         "must not decrease"),
        (lambda lab, pp: tf.find_label_issues(
            np.concatenate(lab), np.concatenate(pp), sentence_lengths=[3, 4]),
         "hold 7 tokens but pred_probs has"),
        (lambda lab, pp: tr.get_label_quality_scores([[], *lab], [np.zeros((0, 5)), *pp]),
         "sentence 0 has 0 tokens"),
        (lambda lab, pp: tr.get_label_quality_scores(lab, pp, tokens=[["a"]]),
         "tokens has 1 sentences"),
        (lambda lab, pp: tf.find_label_issues([[9] * len(lab[0]), *lab[1:]], pp),
         "contains class 9"),
    ],
)  # fmt: skip
def test_bad_input_messages(call, message):
    labels, pred_probs, *_ = corpus(17, n_tokens=300, max_len=10)
    labels = [np.array(x) for x in labels]
    with pytest.raises(ValueError, match=message):
        call(labels, pred_probs)


def test_memmap_flat_form_equals_list_form(tmp_path):
    labels, pred_probs, lengths, flat_labels, flat = corpus(21, n_tokens=3000)
    np.save(tmp_path / "pred_probs.npy", flat)
    mapped = np.load(tmp_path / "pred_probs.npy", mmap_mode="r")
    assert tf.find_label_issues(flat_labels, mapped, sentence_lengths=lengths) == (
        tf.find_label_issues(labels, pred_probs)
    )
    assert_same_scores(
        tr.get_label_quality_scores(labels, mapped, sentence_score_method="softmin"),
        tr.get_label_quality_scores(labels, pred_probs, sentence_score_method="softmin"),
    )


def test_labels_that_are_not_integers():
    labels, pred_probs, *_ = corpus(22, n_tokens=300, max_len=10)
    labels[3] = [0.5] * len(labels[3])
    with pytest.raises(TypeError, match="integer class indices"):
        tf.find_label_issues(labels, pred_probs)
    labels[3] = ["O"] * len(labels[3])
    with pytest.raises(TypeError, match="integer class indices"):
        tf.find_label_issues(labels, pred_probs)


def test_offsets_with_the_list_form_is_a_type_error():
    labels, pred_probs, lengths, *_ = corpus(18, n_tokens=300, max_len=10)
    with pytest.raises(TypeError, match="sentence_offsets and sentence_lengths describe a flat"):
        tf.find_label_issues(labels, pred_probs, sentence_lengths=lengths)


def test_inputs_are_not_modified():
    labels, pred_probs, *_ = corpus(19, n_tokens=2000)
    before = [p.copy() for p in pred_probs], [list(x) for x in labels]
    tf.find_label_issues(labels, pred_probs, low_memory=False)
    tr.get_label_quality_scores(labels, pred_probs, sentence_score_method="softmin")
    for a, b in zip(pred_probs, before[0], strict=True):
        np.testing.assert_array_equal(a, b)
    assert labels == before[1]


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs 2 Numba threads")
def test_one_and_two_threads_agree():
    labels, pred_probs, lengths, flat_labels, flat = corpus(20, n_tokens=40_000, k=8)
    assert flat.nbytes >= 1 << 20  # the parallel kernels run
    for ranked_by in RANKINGS:
        one = tf.find_label_issues(labels, pred_probs, return_indices_ranked_by=ranked_by, n_jobs=1)
        two = tf.find_label_issues(labels, pred_probs, return_indices_ranked_by=ranked_by, n_jobs=2)
        assert one == two
    one = tr.get_label_quality_scores(labels, pred_probs, n_jobs=1, flat_token_scores=True)
    two = tr.get_label_quality_scores(labels, pred_probs, n_jobs=2, flat_token_scores=True)
    for a, b in zip(one, two, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("temperature", [0.05, 0, np.inf, 1.0])
def test_private_softmin_helper_equals_cleanlab(temperature):
    rng = np.random.default_rng(24)
    scores = [rng.random(rng.integers(1, 40)).astype(np.float32) for _ in range(300)]
    for given in (scores, [s.tolist() for s in scores]):
        ours = tr._softmin_sentence_score(given, temperature=temperature)
        theirs = cl_rank._softmin_sentence_score(given, temperature=temperature)
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)


# the one-read list form, the Python objects of the results, progress bars


def test_joined_list_equals_sentence_by_sentence(monkeypatch):
    labels, pred_probs, lengths, *_ = corpus(25, n_tokens=3000, k=6)
    mixed = [p.astype(np.float64) if i % 7 == 3 else p for i, p in enumerate(pred_probs)]
    as_lists = [p.tolist() for p in pred_probs]
    for given in (pred_probs, mixed, as_lists):
        fast = _tokens.as_tokens(labels, given)
        monkeypatch.setattr(_tokens, "_joined", lambda pred_probs: None)
        slow = _tokens.as_tokens(labels, given)
        monkeypatch.undo()
        assert fast.pred_probs.dtype == slow.pred_probs.dtype
        np.testing.assert_array_equal(fast.pred_probs, slow.pred_probs)
        np.testing.assert_array_equal(fast.labels, slow.labels)
        np.testing.assert_array_equal(fast.offsets, slow.offsets)
    assert _tokens.as_tokens(labels, mixed).pred_probs.dtype == np.float64
    assert tf.find_label_issues(labels, mixed) == cl_filter.find_label_issues(labels, mixed)
    # an empty float64 sentence must not promote float32 sentences (cleanlab's dtype)
    labels2 = [*labels[:2], [], *labels[2:]]
    pred_probs2 = [*pred_probs[:2], np.zeros((0, 6)), *pred_probs[2:]]
    assert _tokens._joined(pred_probs2) is None
    assert _tokens.as_tokens(labels2, pred_probs2).pred_probs.dtype == np.float32
    assert_same_scores(
        tr.get_label_quality_scores(labels, mixed, sentence_score_method="softmin"),
        cl_rank.get_label_quality_scores(labels, mixed, sentence_score_method="softmin"),
    )


@pytest.mark.parametrize("n_rows", [3, 2500])
def test_positions_equal_naive_mapping(n_rows):
    lengths = sentence_lengths(26, 3000, max_len=30)
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    rows = np.random.default_rng(26).permutation(3000)[:n_rows]
    assert _tokens.positions(offsets, rows) == naive_positions(rows, lengths)
    assert _tokens.positions(offsets, rows[:0]) == []


@pytest.mark.parametrize("enabled", [True, False])
def test_cyclic_gc_paused_restores_the_collector(enabled):
    import gc

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with _tokens.cyclic_gc_paused():
            assert not gc.isenabled()
        assert gc.isenabled() == enabled
        with pytest.raises(KeyError), _tokens.cyclic_gc_paused():
            raise KeyError("boom")
        assert gc.isenabled() == enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_series_per_sentence_are_independent():
    labels, pred_probs, *_ = corpus(27, n_tokens=800, max_len=5)
    sentence_scores, token_scores = tr.get_label_quality_scores(labels, pred_probs)
    same_length = [s for s in token_scores if len(s) == len(token_scores[0])]
    assert len(same_length) > 2
    before = [s.copy() for s in token_scores]
    token_scores[0].iloc[:] = -1.0
    for series, copy in zip(token_scores[1:], before[1:], strict=True):
        pd.testing.assert_series_equal(series, copy, check_exact=True)
    again = tr.get_label_quality_scores(labels, pred_probs)[1][0]
    pd.testing.assert_series_equal(again, before[0], check_exact=True)
    theirs = cl_rank.get_label_quality_scores(labels, pred_probs)
    assert_same_scores(tr.get_label_quality_scores(labels, pred_probs), theirs)


def test_issues_from_mixed_token_scores_equal_cleanlab():
    labels, pred_probs, *_ = corpus(28, n_tokens=2000, kind="round3")
    sentence_scores, token_scores = tr.get_label_quality_scores(labels, pred_probs)
    given = [
        s.astype(np.float64) if i % 5 == 1 else s.astype(np.float16) if i % 5 == 2 else s
        for i, s in enumerate(token_scores)
    ]
    given[3] = given[3].iloc[:0]  # an empty sentence
    for scores in (given, [*given[:-1], given[-1].tolist()]):
        ours = tr.issues_from_scores(sentence_scores, token_scores=scores, threshold=0.4)
        theirs = cl_rank.issues_from_scores(sentence_scores, token_scores=scores, threshold=0.4)
        assert ours == theirs and len(ours) > 10


class _Bars:
    """A stand-in for tqdm that records each bar's total and updates."""

    made = []

    def __init__(self, total=None, **kwargs):
        self.total, self.done, self.closed = total, 0, False
        _Bars.made.append(self)

    def update(self, rows):
        self.done += rows

    def close(self):
        self.closed = True


@pytest.mark.parametrize("low_memory", [False, True])
def test_verbose_shows_a_bar_per_pass(low_memory, monkeypatch, capsys):
    tqdm_auto = pytest.importorskip("tqdm.auto")
    labels, pred_probs, lengths, *_ = corpus(29, n_tokens=3000)
    expected = tf.find_label_issues(labels, pred_probs)
    monkeypatch.setattr(tqdm_auto, "tqdm", _Bars)
    monkeypatch.setattr(_Bars, "made", [])
    monkeypatch.setattr(_tokens, "STREAM_BATCH_ROWS", 700)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = tf.find_label_issues(labels, pred_probs, verbose=True, low_memory=low_memory)
    assert found == expected
    assert "Number of label issues found" in capsys.readouterr().out
    assert len(_Bars.made) >= 2
    assert all(bar.total == bar.done == 3000 and bar.closed for bar in _Bars.made)
    # quiet without verbose; a caller's RowSource keeps its own (absent) hook
    monkeypatch.setattr(_Bars, "made", [])
    flat = np.concatenate(pred_probs)
    source = RowSource(flat, batch_size=500)
    assert tf.find_label_issues(labels, source, verbose=True) == expected
    assert tf.find_label_issues(labels, pred_probs) == expected
    assert _Bars.made == [] and source.progress is None
