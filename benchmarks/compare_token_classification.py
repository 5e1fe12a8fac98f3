"""Time cleannb.token_classification against cleanlab 2.9 in one run (not a test).

Run from the repo root::

    python benchmarks/compare_token_classification.py [--sentences 150000]
        [--classes 50] [--max-len 100] [--dtype float32] [--skip-cleanlab]

The corpus: sentences of 1..max-len tokens (uniform), float32 ``pred_probs``
of a model right about 60 % of the time, 20 % of the labels flipped, in
cleanlab's list form (one (T_i, K) array and one list of labels per
sentence; the arrays are views of one flat array). For each call it prints
cleannb's time (list form, and the flat form with ``sentence_lengths=``),
cleanlab 2.9's time in the same process (one call; cleannb's: the best of
``--repeat``), the speed-up, whether the results
are equal (for cleanlab's approximate ``low_memory=True``: the Jaccard
index of its issues and the exact ones), and the peak extra memory of numpy
and Python allocations (tracemalloc, in a second call; cleanlab's only with
``--cleanlab-memory``).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
import warnings

import numpy as np


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
        return np.array_equal(a[0], b[0]) and all(x.equals(y) for x, y in pairs)
    return a == b


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=150_000)
    parser.add_argument("--classes", type=int, default=50)
    parser.add_argument("--max-len", type=int, default=100)
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--repeat", type=int, default=2, help="cleannb: best of this many")
    parser.add_argument("--skip-cleanlab", action="store_true")
    parser.add_argument(
        "--cleanlab-memory", action="store_true", help="also measure cleanlab's peak (slow)"
    )
    args = parser.parse_args()

    from cleannb.token_classification import filter as nb_filter
    from cleannb.token_classification import rank as nb_rank

    labels, pred_probs, flat_labels, flat, lengths = make_corpus(
        args.sentences, args.classes, args.max_len, np.dtype(args.dtype)
    )
    print(
        f"{args.sentences:,} sentences, {len(flat_labels):,} tokens, K={args.classes}, "
        f"{flat.dtype} ({flat.nbytes / 1e9:.2f} GB of pred_probs)"
    )
    # compile outside the timings (above 1 MiB, as the corpus: the same kernels)
    small = make_corpus(2000, args.classes, args.max_len, np.dtype(args.dtype), seed=1)
    for ranked_by in ("self_confidence", "normalized_margin"):
        nb_filter.find_label_issues(small[0], small[1], return_indices_ranked_by=ranked_by)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nb_filter.find_label_issues(small[0], small[1], low_memory=True)
    nb_rank.get_label_quality_scores(small[0], small[1], sentence_score_method="softmin")

    calls = {
        "find_label_issues": (
            lambda m: m.filter.find_label_issues(labels, pred_probs),
            lambda: nb_filter.find_label_issues(flat_labels, flat, sentence_lengths=lengths),
        ),
        "find_label_issues(low_memory=True)": (
            lambda m: m.filter.find_label_issues(labels, pred_probs, low_memory=True),
            None,
        ),
        "get_label_quality_scores(min)": (
            lambda m: m.rank.get_label_quality_scores(labels, pred_probs),
            lambda: nb_rank.get_label_quality_scores(
                flat_labels, flat, sentence_lengths=lengths, flat_token_scores=True
            ),
        ),
        "get_label_quality_scores(softmin)": (
            lambda m: m.rank.get_label_quality_scores(
                labels, pred_probs, sentence_score_method="softmin"
            ),
            lambda: nb_rank.get_label_quality_scores(
                flat_labels,
                flat,
                sentence_lengths=lengths,
                sentence_score_method="softmin",
                flat_token_scores=True,
            ),
        ),
    }
    import cleannb.token_classification as nb_module

    cl_module = None
    if not args.skip_cleanlab:
        import cleanlab.token_classification as cl_module
    header = f"{'call':36s} {'cleannb':>8s} {'flat':>8s} {'cleanlab':>8s} {'speed-up':>8s}"
    print(header + "  equal  peak MB: cleannb / flat form / cleanlab")
    for name, (call, flat_call) in calls.items():
        ours, t_ours = timed(lambda call=call: call(nb_module), args.repeat)
        m_ours = peak_bytes(lambda call=call: call(nb_module))
        t_flat = m_flat = float("nan")
        if flat_call is not None:
            flat_result, t_flat = timed(flat_call, args.repeat)
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
        print(
            f"{name:36s} {t_ours:7.2f}s {t_flat:7.2f}s {t_cl:7.2f}s {t_cl / t_ours:7.1f}x  "
            f"{equal:5s}  {m_ours / 1e6:.0f} / {m_flat / 1e6:.0f} / {m_cl / 1e6:.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
