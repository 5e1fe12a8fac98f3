"""Time cleannb.token_classification against cleanlab 2.9 in one run (not a test).

Run from the repo root::

    python benchmarks/compare_token_classification.py [--sentences 150000]
        [--classes 50] [--max-len 100] [--dtype float32] [--skip-cleanlab]
        [--low-memory] [--memory] [--only NAME ...]

The corpus: sentences of 1..max-len tokens (uniform), float32 ``pred_probs``
of a model right about 60 % of the time, 20 % of the labels flipped, in
cleanlab's list form (one (T_i, K) array and one list of labels per
sentence; the arrays are views of one flat array). For each call it prints
cleannb's time (list form, and the flat form with ``sentence_lengths=``),
cleanlab 2.9's time in the same process (one call; cleannb's: the best of
``--repeat``), the speed-up, whether the results are equal (issues,
score bits and dtypes, each Series with its index; for cleanlab's
approximate ``low_memory=True``: the Jaccard index of its issues and the
exact ones), and with ``--memory`` the peak extra memory of numpy and
Python allocations (tracemalloc, in a second call; cleanlab's only with
``--cleanlab-memory``). First it prints the floor of the list form, one
read of it (the rows joined into one array, the labels flattened), and
the time of each stage of cleannb's list form as a multiple of it.
"""

from __future__ import annotations

import argparse
import os
import time
import tracemalloc
import warnings
from itertools import chain

import numpy as np

RANKINGS = ("self_confidence", "normalized_margin", "confidence_weighted_entropy")


def make_corpus(n_sentences, num_classes, max_len, dtype, seed=0):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, max_len + 1, size=n_sentences)
    n_tokens = int(lengths.sum())
    truth = rng.integers(0, num_classes, size=n_tokens)
    flat = rng.random((n_tokens, num_classes), dtype=np.float32)
    right = rng.random(n_tokens) < 0.6
    flat[np.flatnonzero(right), truth[right]] += num_classes / 4
    flat /= flat.sum(axis=1, keepdims=True)
    flat = flat.astype(dtype, copy=False)
    given = truth.copy()
    flip = rng.random(n_tokens) < 0.2
    given[flip] = rng.integers(0, num_classes, size=int(flip.sum()))
    cuts = np.cumsum(lengths)[:-1]
    labels = [part.tolist() for part in np.split(given, cuts)]
    pred_probs = np.split(flat, cuts)
    return labels, pred_probs, given, flat, lengths


def timed(fn, repeat=1):
    """``(result, seconds)``: the best of ``repeat`` calls (warnings silenced)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = fn()
        best = min(best, time.perf_counter() - start)
    return result, best


def peak_bytes(fn):
    """Peak of numpy and Python allocations during a second call (tracemalloc slows it)."""
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def same(a, b):
    if isinstance(a, tuple):
        pairs = zip(a[1], b[1], strict=True)
        return (
            a[0].dtype == b[0].dtype
            and np.array_equal(a[0], b[0])
            and all(
                x.dtype == y.dtype and x.index.equals(y.index) and x.equals(y) for x, y in pairs
            )
        )
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b)
    return a == b


def _same_series(x, y):
    return x.dtype == y.dtype and x.index.equals(y.index) and x.equals(y)


def read_floor(labels, pred_probs, repeat):
    """Seconds of one read of the list form: the rows joined, the labels flattened."""
    n_tokens = sum(map(len, labels))

    def read():
        np.concatenate(pred_probs, axis=0)
        np.fromiter(chain.from_iterable(labels), dtype=np.float64, count=n_tokens)

    return timed(read, repeat)[1]


def stages(labels, pred_probs, repeat):
    """Seconds of each stage of cleannb's list form (find_label_issues and the scores)."""
    from cleannb import filter as flat_filter
    from cleannb import rank as flat_rank
    from cleannb._core import tokens as _tokens
    from cleannb.token_classification import rank as nb_rank

    corpus, t_read = timed(lambda: _tokens.as_tokens(labels, pred_probs), repeat)
    rows, t_find = timed(lambda: flat_filter.find_label_issues(corpus.labels, corpus.pred_probs))
    _, t_positions = timed(lambda: corpus.positions(rows), repeat)
    scores, t_scores = timed(
        lambda: flat_rank.get_label_quality_scores(corpus.labels, corpus.pred_probs), repeat
    )
    starts = corpus.offsets[:-1]
    _, t_min = timed(lambda: np.minimum.reduceat(scores, starts), repeat)
    _, t_softmin = timed(lambda: nb_rank.softmin_by_length(scores, corpus.offsets, 0.05), repeat)
    _, t_series = timed(lambda: nb_rank._series_per_sentence(scores, corpus.offsets, None), repeat)
    return {
        "read the list (as_tokens)": t_read,
        "find on the flat rows": t_find,
        "rows -> (sentence, token) tuples": t_positions,
        "token scores": t_scores,
        "sentence min": t_min,
        "sentence softmin": t_softmin,
        "one Series per sentence": t_series,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=150_000)
    parser.add_argument("--classes", type=int, default=50)
    parser.add_argument("--max-len", type=int, default=100)
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--repeat", type=int, default=2, help="cleannb: best of this many")
    parser.add_argument("--skip-cleanlab", action="store_true")
    parser.add_argument("--low-memory", action="store_true", help="also low_memory=True")
    parser.add_argument("--memory", action="store_true", help="peak memory (a second call)")
    parser.add_argument(
        "--cleanlab-memory", action="store_true", help="also measure cleanlab's peak (slow)"
    )
    parser.add_argument("--only", nargs="*", help="time only these calls (names as printed)")
    args = parser.parse_args()

    from cleannb.token_classification import filter as nb_filter
    from cleannb.token_classification import rank as nb_rank

    labels, pred_probs, flat_labels, flat, lengths = make_corpus(
        args.sentences, args.classes, args.max_len, np.dtype(args.dtype)
    )
    print(
        f"{args.sentences:,} sentences, {len(flat_labels):,} tokens, K={args.classes}, "
        f"{flat.dtype} ({flat.nbytes / 1e9:.2f} GB of pred_probs); load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    # compile outside the timings (above 1 MiB, as the corpus: the same kernels)
    small = make_corpus(2000, args.classes, args.max_len, np.dtype(args.dtype), seed=1)
    for ranked_by in RANKINGS:
        nb_filter.find_label_issues(small[0], small[1], return_indices_ranked_by=ranked_by)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nb_filter.find_label_issues(small[0], small[1], low_memory=True)
    nb_rank.get_label_quality_scores(small[0], small[1], sentence_score_method="softmin")

    floor = read_floor(labels, pred_probs, args.repeat)
    print(f"floor: one read of the list form (rows joined, labels flattened) {floor:.2f}s")
    for stage, seconds in stages(labels, pred_probs, args.repeat).items():
        print(f"  stage {stage:34s} {seconds:7.2f}s  {seconds / floor:5.2f} x floor")

    import cleannb.token_classification as nb_module

    cl_module = None
    if not args.skip_cleanlab:
        import cleanlab.token_classification as cl_module
    sentence_scores = token_scores = None

    def issues_from_scores(module, tokens):
        return module.rank.issues_from_scores(
            sentence_scores, token_scores=token_scores if tokens else None
        )

    calls = {
        f"find_label_issues({ranked_by})": (
            lambda m, r=ranked_by: m.filter.find_label_issues(
                labels, pred_probs, return_indices_ranked_by=r
            ),
            lambda r=ranked_by: nb_filter.find_label_issues(
                flat_labels, flat, sentence_lengths=lengths, return_indices_ranked_by=r
            ),
        )
        for ranked_by in RANKINGS
    }
    if args.low_memory:
        calls["find_label_issues(low_memory=True)"] = (
            lambda m: m.filter.find_label_issues(labels, pred_probs, low_memory=True),
            None,
        )
    for method in ("min", "softmin"):
        calls[f"get_label_quality_scores({method})"] = (
            lambda m, s=method: m.rank.get_label_quality_scores(
                labels, pred_probs, sentence_score_method=s
            ),
            lambda s=method: nb_rank.get_label_quality_scores(
                flat_labels,
                flat,
                sentence_lengths=lengths,
                sentence_score_method=s,
                flat_token_scores=True,
            ),
        )
    calls["issues_from_scores(sentences)"] = (lambda m: issues_from_scores(m, False), None)
    calls["issues_from_scores(token_scores)"] = (lambda m: issues_from_scores(m, True), None)
    header = f"{'call':38s} {'cleannb':>8s} {'/floor':>6s} {'flat':>8s} {'cleanlab':>8s}"
    print(header + " speed-up  equal  peak MB: cleannb / flat form / cleanlab")
    for name, (call, flat_call) in calls.items():
        if name.startswith("get_label_quality_scores(min)"):
            sentence_scores, token_scores = nb_rank.get_label_quality_scores(labels, pred_probs)
        if args.only and name not in args.only:
            continue
        ours, t_ours = timed(lambda call=call: call(nb_module), args.repeat)
        m_ours = peak_bytes(lambda call=call: call(nb_module)) if args.memory else float("nan")
        t_flat = m_flat = float("nan")
        if flat_call is not None:
            flat_result, t_flat = timed(flat_call, args.repeat)
            if args.memory:
                m_flat = peak_bytes(flat_call)
            if isinstance(flat_result, tuple):
                assert np.array_equal(flat_result[0], ours[0])
            else:
                assert flat_result == ours
        t_cl = m_cl = float("nan")
        equal = "-"
        if cl_module is not None:
            theirs, t_cl = timed(lambda call=call: call(cl_module))
            if args.cleanlab_memory:
                m_cl = peak_bytes(lambda call=call: call(cl_module))
            equal = str(same(ours, theirs))
            if "low_memory" in name:
                exact = set(nb_filter.find_label_issues(labels, pred_probs))
                jaccard = len(exact & set(theirs)) / len(exact | set(theirs))
                equal = f"J={jaccard:.3f}"
            del theirs
        print(
            f"{name:38s} {t_ours:7.2f}s {t_ours / floor:6.2f} {t_flat:7.2f}s {t_cl:7.2f}s "
            f"{t_cl / t_ours:7.1f}x  {equal:5s}  "
            f"{m_ours / 1e6:.0f} / {m_flat / 1e6:.0f} / {m_cl / 1e6:.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
