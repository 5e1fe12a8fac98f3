"""The confident-joint kernels against the slow references in ``naive.py``.

Every kernel runs in both twins (serial and parallel) on float16/32/64 input
in C order, Fortran order and as a strided view, and must equal the reference
exactly (counts, argmax, guesses) or to float64 rounding (sums).
"""

from __future__ import annotations

import naive
import numpy as np
import pytest
from conftest import make_dataset

from cleannb._core import calibration as _calibration
from cleannb._core import confident as _confident
from cleannb._core.validation import pred_probs_views
from cleannb._kernels import confident as kern

DTYPES = [np.float16, np.float32, np.float64]


def layouts(pred_probs):
    """The same values as a C array, a Fortran array and a non-contiguous view."""
    wide = np.zeros((pred_probs.shape[0] * 2, pred_probs.shape[1] + 3), dtype=pred_probs.dtype)
    wide[::2, 1:-2] = pred_probs
    strided = wide[::2, 1:-2]
    assert not strided.flags.c_contiguous and not strided.flags.f_contiguous
    return {
        "C": pred_probs,
        "F": np.asfortranarray(pred_probs),
        "strided": strided,
    }


# (dtype, layout, twin) combinations: every dtype in C order in both twins, and
# the other layouts in a few dtypes (each combination is one more compilation).
COMBOS = [(d, "C", t) for d in DTYPES for t in ("serial", "parallel")] + [
    (np.float32, "F", "serial"),
    (np.float16, "strided", "serial"),
    (np.float64, "strided", "parallel"),
]
COMBO_IDS = [f"{np.dtype(d).name}-{layout}-{t}" for d, layout, t in COMBOS]


def data(dtype, layout):
    labels, pred_probs = make_dataset(11, 700, 9, dtype, "skewed")
    return labels, layouts(pred_probs)[layout]


@pytest.mark.parametrize(("dtype", "layout", "twin"), COMBOS, ids=COMBO_IDS)
@pytest.mark.parametrize("rule", ["row_argmax", "confident_argmax"])
def test_row_pass_equals_reference(dtype, layout, twin, rule):
    labels, pred_probs = data(dtype, layout)
    n, k = pred_probs.shape
    # Uneven thresholds, so that the two collision rules disagree on some rows.
    thresholds = naive.thresholds(labels, pred_probs) * np.linspace(0.5, 1.5, k)
    views = pred_probs_views(pred_probs, share=False)
    block, nblocks = 100, 7
    guess = np.empty(n, np.int32)
    argmax = np.empty(n, np.int32)
    own = np.empty(n)
    row_max = np.empty(n)
    key_min = np.empty(nblocks, np.int64)
    key_max = np.empty(nblocks, np.int64)
    sum_dev = np.empty(nblocks)
    getattr(kern.row_pass, twin)(
        views.keys,
        views.values,
        views.table,
        labels,
        views.ceil_keys(thresholds - 1e-6),
        rule == "confident_argmax",
        True,
        block,
        guess,
        argmax,
        own,
        row_max,
        np.empty((0, 0), views.keys.dtype),  # chunk maxima not kept
        key_min,
        key_max,
        sum_dev,
    )
    np.testing.assert_array_equal(argmax, naive.row_argmax(pred_probs))
    expected = naive.confident_guesses(labels, pred_probs, thresholds, rule)
    np.testing.assert_array_equal(guess, expected)
    as64 = pred_probs.astype(np.float64)
    np.testing.assert_array_equal(own, as64[np.arange(n), labels])
    np.testing.assert_array_equal(row_max, as64.max(axis=1))
    assert int(key_min.min()) == int(np.array(as64.min(), views.dtype).view(views.keys.dtype))
    assert int(key_max.max()) == int(np.array(as64.max(), views.dtype).view(views.keys.dtype))
    # float32 rows are summed in float32 per chunk of 64 values, then in float64
    tolerance = 0 if dtype == np.float16 else 64 * np.finfo(dtype).eps
    np.testing.assert_allclose(
        sum_dev.max(), np.abs(as64.sum(axis=1) - 1).max(), rtol=1e-9, atol=tolerance + 1e-15
    )


def test_collision_rules_differ_somewhere():
    """The two rules must disagree on some rows, or the rule test above proves nothing."""
    labels, pred_probs = make_dataset(3, 2000, 6, np.float64, "uniform", sharpness=0.5)
    # Uneven thresholds make rows whose argmax is not confident but two others are.
    thresholds = np.random.default_rng(3).uniform(0.1, 0.6, 6)
    a = naive.confident_guesses(labels, pred_probs, thresholds, "row_argmax")
    b = naive.confident_guesses(labels, pred_probs, thresholds, "confident_argmax")
    assert np.any(a != b)
    fast = _confident.row_pass(pred_probs, labels, thresholds - 1e-6, paper_rule=True)
    np.testing.assert_array_equal(fast.guess, b)


def reference_pairs(labels, guess, k, min_diagonal):
    expected = np.zeros((k, k), np.int64)
    for y, g in zip(labels, guess, strict=False):
        if g >= 0:
            expected[y, g] += 1
    np.fill_diagonal(expected, np.maximum(expected.diagonal(), min_diagonal))
    return expected


@pytest.mark.parametrize("k", [7, kern.SORT_GUESSES, kern.SORT_GUESSES + 5, 300])
def test_confident_counts_equal_reference(k):
    """Few distinct guesses (insertion sort) and many (a scan) give the same sorted CSR."""
    rng = np.random.default_rng(k)
    labels = rng.integers(0, k, 30 * k)
    guess = rng.integers(-1, k, 30 * k).astype(np.int32)
    guess[labels == 1] = -1  # a label without confident rows
    labels[labels == 3] = 2  # a class without rows
    for min_diagonal in (0, 2):
        got = _confident.confident_counts(labels, guess, k, min_diagonal)
        expected = reference_pairs(labels, guess, k, min_diagonal)
        np.testing.assert_array_equal(got.dense(), expected)
        assert np.all(np.diff(got.columns)[np.diff(got.rows()) == 0] > 0)  # ascending columns
        if min_diagonal == 0:
            for field, wanted in zip(
                got, _calibration.SparseCounts.from_dense(expected), strict=True
            ):
                np.testing.assert_array_equal(field, wanted)  # no explicit zeros
        else:
            assert np.all(got.diagonal() >= min_diagonal)


@pytest.mark.parametrize("dtype", DTYPES)
def test_threshold_boundary_is_exact(dtype):
    """Values exactly at, one ulp below and one ulp above ``threshold - 1e-6``."""
    dtype = np.dtype(dtype)
    limit = 0.3
    at = np.array(limit, dtype)
    if float(at) < limit:
        at = np.nextafter(at, dtype.type(1))
    below = np.nextafter(at, dtype.type(0))
    above = np.nextafter(at, dtype.type(1))
    column = np.array([below, at, above, dtype.type(0.9)], dtype=dtype)
    pred_probs = np.column_stack([column, (1 - column.astype(np.float64)).astype(dtype)])
    labels = np.array([0, 0, 1, 1])
    thresholds = np.array([limit + 1e-6, 2.0])
    rows = _confident.row_pass(pred_probs, labels, thresholds - 1e-6)
    expected = naive.confident_guesses(labels, pred_probs, thresholds)
    np.testing.assert_array_equal(rows.guess, expected)
    assert list(expected) == [-1, 0, 0, 0]


def test_negative_zero_is_a_valid_zero():
    labels, pred_probs = make_dataset(2, 300, 4, np.float64)
    pred_probs[5] = [1.0, 0.0, 0.0, 0.0]
    signed = pred_probs.copy()
    signed[5, 1:] = -0.0
    signed[7, 2] = -0.0
    signed[7] /= signed[7].sum()
    reference = signed + 0.0
    thresholds = naive.thresholds(labels, reference)
    rows = _confident.row_pass(signed, labels, thresholds - 1e-6)
    np.testing.assert_array_equal(rows.argmax, naive.row_argmax(reference))
    expected = naive.confident_guesses(labels, reference, thresholds)
    np.testing.assert_array_equal(rows.guess, expected)
    assert np.signbit(signed[5, 1])  # the caller's array still holds -0.0


@pytest.mark.usefixtures("kernel_input")  # numpy's gather (small inputs) and the kernel's
@pytest.mark.parametrize("dtype", DTYPES)
def test_label_is_predicted_equals_reference(dtype):
    labels, pred_probs = make_dataset(9, 1500, 5, dtype, "uniform")
    # Put some labels within the 1e-6 head start of the row maximum, on both sides.
    as64 = pred_probs.astype(np.float64)
    rows = np.arange(0, 1500, 7)
    top = as64[rows].argmax(axis=1)
    other = (top + 1) % 5
    gap = np.where(np.arange(rows.size) % 2 == 0, 5e-7, 2e-6)  # wins, loses
    pred_probs[rows, other] = (as64[rows, top] - gap).astype(dtype)
    labels[rows] = other
    argmax = naive.row_argmax(pred_probs).astype(np.int32)
    everything = np.arange(1500)
    fast = _confident.label_is_predicted(pred_probs, labels, argmax, everything)
    expected = naive.label_is_predicted(labels, pred_probs)
    np.testing.assert_array_equal(fast, expected)
    assert 0 < expected[rows].sum() < rows.size or dtype == np.float16


def test_float16_decode_table_covers_every_finite_value():
    views = pred_probs_views(np.zeros((1, 2), np.float16), share=False)
    bits = np.arange(1 << 16, dtype=np.uint16)
    values = bits.view(np.float16)
    finite = np.isfinite(values)
    np.testing.assert_array_equal(views.table[finite], values[finite].astype(np.float64))


def test_half_to_float_decodes_every_bit_pattern():
    """The kernels' float16 conversion (an LLVM ``fpext``) is numpy's, for all 65,536 patterns."""
    from numba import njit

    from cleannb._kernels._prefetch import half_to_float

    @njit
    def decode(bits, out):
        for q in range(bits.shape[0]):
            out[q] = half_to_float(bits[q])

    bits = np.arange(-(1 << 15), 1 << 15).astype(np.int16)
    out = np.empty(len(bits), np.float32)
    decode(bits, out)
    expected = bits.view(np.float16).astype(np.float32)
    nan = np.isnan(expected)
    np.testing.assert_array_equal(np.isnan(out), nan)
    np.testing.assert_array_equal(out[~nan].view(np.int32), expected[~nan].view(np.int32))


@pytest.mark.parametrize("twin", ["serial", "parallel"])
@pytest.mark.parametrize("k", [kern.CHUNK - 1, kern.CHUNK, kern.CHUNK + 1, 2 * kern.CHUNK + 22])
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_row_pass_many_classes_and_ties(twin, k, ties, dtype):
    """Rows span several chunks of the kernel; with ties the first maximum must win.

    The maximum of each chunk, which the kernel keeps on request, is checked too;
    the row sums (float16: decoded from the bits) to float64 rounding.
    """
    labels, pred_probs = make_dataset(k, 600, k, dtype, "skewed", sharpness=20.0)
    if ties:
        pred_probs = (np.round(pred_probs.astype(np.float32) * 50) / 50).astype(dtype)
    n = len(labels)
    thresholds = naive.thresholds(labels, pred_probs).astype(np.float64)
    thresholds *= np.random.default_rng(k).uniform(0.3, 1.5, k)
    views = pred_probs_views(pred_probs, share=False)
    nchunks = -(-k // kern.CHUNK)
    chunk_keys = np.empty((n, nchunks), views.keys.dtype)
    for rule in ("row_argmax", "confident_argmax"):
        guess, argmax = np.empty(n, np.int32), np.empty(n, np.int32)
        stats = np.empty(6, np.int64), np.empty(6, np.int64), np.empty(6)
        getattr(kern.row_pass, twin)(
            views.keys,
            views.values,
            views.table,
            labels,
            views.ceil_keys(thresholds - 1e-6),
            rule == "confident_argmax",
            True,
            100,
            guess,
            argmax,
            np.empty(0),  # own and row_max not kept
            np.empty(0),
            chunk_keys,
            *stats,
        )
        deviation = np.abs(pred_probs.astype(np.float64).sum(axis=1) - 1).max()
        np.testing.assert_allclose(stats[2].max(), deviation, rtol=1e-6, atol=k * 1e-7)
        np.testing.assert_array_equal(argmax, naive.row_argmax(pred_probs))
        expected = naive.confident_guesses(labels, pred_probs, thresholds, rule)
        np.testing.assert_array_equal(guess, expected)
        chunk_max = chunk_keys.view(pred_probs.dtype)
        for c in range(nchunks):
            in_chunk = pred_probs[:, c * kern.CHUNK : (c + 1) * kern.CHUNK]
            np.testing.assert_array_equal(chunk_max[:, c], in_chunk.max(axis=1))
    if ties:
        top2 = -np.sort(-pred_probs, axis=1)[:, :2]
        assert np.any(top2[:, 0] == top2[:, 1])  # tied maxima really occur
    assert np.any(argmax >= 64) or k <= 64


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("layout", ["C", "F", "strided", "column"])
def test_group_by_label_is_a_stable_sort_by_label(dtype, layout):
    """The counting-sort kernel gives numpy's stable order of the label probabilities."""
    from cleannb._kernels.confident import group_by_label

    rng = np.random.default_rng(3)
    n, k = 5_000, 7
    pred_probs = rng.random((n, k)).astype(dtype)
    labels = rng.integers(0, k, n)
    labels[labels == 4] = 1  # a class without rows
    counts = np.bincount(labels, minlength=k)
    expected = pred_probs[np.arange(n), labels][np.argsort(labels, kind="stable")]
    if layout == "F":
        pred_probs = np.asfortranarray(pred_probs)
    elif layout == "strided":
        pred_probs = np.repeat(pred_probs, 2, axis=1)[:, ::2]
    width = f"u{np.dtype(dtype).itemsize}"
    if layout == "column":
        own = pred_probs[np.arange(n), labels].view(width).reshape(-1, 1)
        got = group_by_label(own, labels, counts, False)
    else:
        got = group_by_label(pred_probs.view(width), labels, counts, True)
    np.testing.assert_array_equal(got.view(dtype), expected)
