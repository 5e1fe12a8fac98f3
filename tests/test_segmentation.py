"""cleannb.segmentation against cleanlab 2.9 (live) and a naive per-pixel numpy reference.

Masks and scores must be equal bit for bit (np.array_equal, same dtype) for
float16/32/64, K from 2 to 50, tie-rich probabilities (rounded to a few
levels), any batch size on either side, 1 or 2 threads, numpy arrays,
memmaps and zarr/h5py stores, with and without ``downsample``.

cleanlab's thresholds are running means over its image batches; its answer
is compared with ``batch_size`` covering all images (its exact answer) and
with one image per batch. For float16 the latter can differ from its own
one-batch answer (:func:`test_cleanlab_float16_depends_on_its_batch_size`).
"""

from __future__ import annotations

import warnings
from functools import partial

import numpy as np
import pandas as pd
import pytest

from cleannb.segmentation import filter, rank, summary

cl_filter = pytest.importorskip("cleanlab.segmentation.filter")
cl_rank = pytest.importorskip("cleanlab.segmentation.rank")
cl_summary = pytest.importorskip("cleanlab.segmentation.summary")

DTYPES = [np.float16, np.float32, np.float64]
N, H, W = 12, 16, 16
ALL_AT_ONCE = 10**9


def make(seed, k, dtype, levels=None, n=N, h=H, w=W, flip=0.2):
    """Labels (n, h, w) and pred_probs (n, k, h, w): a noisy model, labels with flips.

    ``levels``: probabilities rounded to multiples of 1/levels before
    renormalising, so that many pixels share values (ties at every cut).
    """
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(n, k, h, w)) * 2
    probs = np.exp(logits)
    probs /= probs.sum(1, keepdims=True)
    if levels:
        probs = np.round(probs * levels) / levels + 1e-3
        probs /= probs.sum(1, keepdims=True)
    probs = probs.astype(dtype)
    labels = np.argmax(probs, 1)
    flipped = rng.random((n, h, w)) < flip
    labels[flipped] = rng.integers(0, k, int(flipped.sum()))
    return labels, probs


def cleanlab_mask(labels, probs, batch_size=ALL_AT_ONCE, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cl_filter.find_label_issues(
            labels, probs, batch_size=batch_size, n_jobs=1, verbose=False, **kwargs
        )


def ours(labels, probs, **kwargs):
    return filter.find_label_issues(labels, probs, verbose=False, **kwargs)


def image_batches(k, h=H, w=W):
    """batch_size values giving 1 image, 7 images and all images per batch."""
    return [k * h * w, 7 * k * h * w, None]


def naive_mask(labels, probs):
    """Confident learning per pixel with plain numpy over the flattened pixels."""
    k = probs.shape[1]
    flat = np.moveaxis(probs, 1, -1).reshape(-1, k)
    given = labels.reshape(-1)
    own = flat[np.arange(len(given)), given]
    thresholds = np.full(k, 2e-6)
    for c in range(k):
        if np.any(given == c):
            thresholds[c] = max(np.mean(own[given == c]), 2e-6)
    predicted = np.argmax(flat, axis=1)
    top = flat[np.arange(len(given)), predicted]
    count = np.sum((predicted != given) & (top >= thresholds[predicted] - 1e-6))
    mask = np.zeros(len(given), dtype=bool)
    mask[np.argsort(own)[:count]] = True
    return (mask & (predicted != given)).reshape(labels.shape)


# ------------------------------------------------------------------ filter


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("k", [2, 5, 21, 50])
@pytest.mark.parametrize("levels", [None, 4])
def test_filter_equals_cleanlab_for_every_batch_size(dtype, k, levels):
    labels, probs = make(k + (levels or 0), k, dtype, levels)
    expected = cleanlab_mask(labels, probs)
    assert expected.any()
    for batch_size in image_batches(k):
        assert np.array_equal(ours(labels, probs, batch_size=batch_size), expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("levels", [None, 10])
def test_filter_equals_cleanlab_with_one_image_per_batch(dtype, levels):
    labels, probs = make(3, 7, dtype, levels)
    expected = cleanlab_mask(labels, probs, batch_size=1)
    assert np.array_equal(ours(labels, probs, batch_size=1), expected)
    assert np.array_equal(ours(labels, probs), expected)


def test_cleanlab_float16_depends_on_its_batch_size():
    """cleanlab's running-mean thresholds change its float16 answer; ours is its one-batch one."""
    labels, probs = make(3, 7, np.float16)
    whole = cleanlab_mask(labels, probs)
    per_image = cleanlab_mask(labels, probs, batch_size=1)
    assert whole.sum() != per_image.sum()  # 336 against 335 pixels
    for batch_size in (1, None):
        assert np.array_equal(ours(labels, probs, batch_size=batch_size), whole)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("levels", [None, 4])
def test_filter_equals_naive_reference(dtype, levels):
    for k in (2, 9):
        labels, probs = make(40 + k, k, dtype, levels)
        assert np.array_equal(ours(labels, probs, batch_size=1), naive_mask(labels, probs))


def test_label_dtypes_and_more_than_256_classes():
    labels, probs = make(15, 300, np.float32, n=3, h=8, w=8, flip=0.5)
    expected = cleanlab_mask(labels, probs)
    assert np.array_equal(ours(labels, probs), expected)
    labels, probs = make(16, 5, np.float32)
    expected = cleanlab_mask(labels, probs)
    for dtype in (np.uint8, np.int16, np.int32, np.float64):
        assert np.array_equal(ours(labels.astype(dtype), probs), expected)


def test_tolerance_and_absent_classes_follow_cleanlab():
    """A prediction 5e-7 under its threshold counts; a class nobody labels has threshold 2e-6."""
    probs = np.empty((2, 3, 4, 4))
    probs[:, :, :, :] = np.array([0.9, 0.05, 0.05])[None, :, None, None]
    labels = np.zeros((2, 4, 4), dtype=np.int64)
    labels[0, :2] = 1
    probs[0, :, :2] = np.array([0.35, 0.6, 0.05])[:, None, None]
    probs[1, :, 0, 0] = [0.3999995, 0.5999995, 0.0000010]  # 5e-7 under class 1's threshold
    probs[1, :, 3, 3] = [0.25, 0.25, 0.5]  # class 2: predicted, never given
    expected = cleanlab_mask(labels, probs)
    assert expected[1, 0, 0] and expected[1, 3, 3]
    assert np.array_equal(ours(labels, probs), expected)
    assert np.array_equal(naive_mask(labels, probs), expected)


def test_one_and_two_threads_identical():
    labels, probs = make(5, 50, np.float64)  # 1.2 MB: the parallel kernel runs
    one = ours(labels, probs, n_jobs=1)
    two = ours(labels, probs, n_jobs=2)
    assert np.array_equal(one, two)
    assert np.array_equal(one, cleanlab_mask(labels, probs))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("factor", [2, 4])
def test_downsample_equals_cleanlab(dtype, factor):
    labels, probs = make(7 + factor, 5, dtype, flip=0.3)
    expected = cleanlab_mask(labels, probs, downsample=factor)
    assert expected.any()
    for batch_size in (1, None):
        found = ours(labels, probs, batch_size=batch_size, downsample=factor)
        assert np.array_equal(found, expected)


def test_fortran_order_and_views_are_read_in_place():
    labels, probs = make(11, 6, np.float32)
    expected = cleanlab_mask(labels, probs)
    fortran = np.asfortranarray(probs)
    assert np.array_equal(ours(labels, fortran, batch_size=1), expected)
    doubled = np.concatenate([probs, probs], axis=1)[:, ::2]  # a strided view
    assert np.array_equal(ours(labels, doubled), cleanlab_mask(labels, doubled))


def test_inputs_are_not_modified():
    labels, probs = make(12, 4, np.float32)
    labels_before, probs_before = labels.copy(), probs.copy()
    ours(labels, probs, downsample=2)
    rank.get_label_quality_scores(labels, probs, verbose=False)
    summary.common_label_issues(ours(labels, probs), labels, probs, verbose=False)
    assert np.array_equal(labels, labels_before) and np.array_equal(probs, probs_before)


def test_verbose_shows_a_progress_bar_per_pass(capsys):
    labels, probs = make(39, 3, np.float32)
    filter.find_label_issues(labels, probs, batch_size=3 * H * W, verbose=True)
    shown = capsys.readouterr().err
    for name in ("thresholds", "checking labels", "marking issues"):
        assert name in shown, name
    rank.get_label_quality_scores(labels, probs, verbose=True)
    assert "images scored" in capsys.readouterr().err


# --------------------------------------------------------------- on disk


def test_memmap_zarr_and_h5py_equal_in_memory(tmp_path):
    zarr = pytest.importorskip("zarr")
    h5py = pytest.importorskip("h5py")
    labels, probs = make(13, 8, np.float32, levels=10)
    expected = ours(labels, probs)
    np.save(tmp_path / "p.npy", probs)
    mapped = np.load(tmp_path / "p.npy", mmap_mode="r")
    stored = zarr.open_array(
        str(tmp_path / "p.zarr"), mode="w", shape=probs.shape, chunks=(3, 8, H, W), dtype="f4"
    )
    stored[:] = probs
    with h5py.File(tmp_path / "p.h5", "w") as handle:
        handle.create_dataset("p", data=probs, chunks=(2, 8, H, W))
    with h5py.File(tmp_path / "p.h5", "r") as handle:
        for source in (mapped, stored, handle["p"]):
            for batch_size in (8 * H * W, None):
                assert np.array_equal(ours(labels, source, batch_size=batch_size), expected)
        scores = rank.get_label_quality_scores(labels, handle["p"], verbose=False)
    expected_scores = rank.get_label_quality_scores(labels, probs, verbose=False)
    assert all(np.array_equal(a, b) for a, b in zip(scores, expected_scores, strict=True))


def test_dask_array_read_by_images_equals_in_memory():
    da = pytest.importorskip("dask.array")
    labels, probs = make(14, 5, np.float64)
    array = da.from_array(probs, chunks=(5, 5, H, W))
    assert np.array_equal(ours(labels, array, batch_size=1), ours(labels, probs))


# ------------------------------------------------------------------- rank


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("k", [2, 21])
def test_softmin_scores_equal_cleanlab(dtype, k):
    labels, probs = make(20 + k, k, dtype, levels=8)
    for temperature in (0.1, 0.5):
        expected = cl_rank.get_label_quality_scores(
            labels, probs, verbose=False, n_jobs=1, temperature=temperature
        )
        for batch_size in image_batches(k):
            found = rank.get_label_quality_scores(
                labels, probs, verbose=False, batch_size=batch_size, temperature=temperature
            )
            for got, want in zip(found, expected, strict=True):
                assert got.dtype == want.dtype and np.array_equal(got, want)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("downsample", [1, 2])
def test_num_pixel_issues_scores_equal_cleanlab(dtype, downsample):
    labels, probs = make(30 + downsample, 6, dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = cl_rank.get_label_quality_scores(
            labels,
            probs,
            method="num_pixel_issues",
            verbose=False,
            n_jobs=1,
            batch_size=ALL_AT_ONCE,
            downsample=downsample,
        )
    found = rank.get_label_quality_scores(
        labels, probs, method="num_pixel_issues", verbose=False, downsample=downsample
    )
    for got, want in zip(found, expected, strict=True):
        assert got.dtype == want.dtype and np.array_equal(got, want)


def test_softmin_warns_that_downsample_is_ignored():
    labels, probs = make(31, 3, np.float32)
    with pytest.warns(UserWarning, match="downsample"):
        rank.get_label_quality_scores(labels, probs, verbose=False, downsample=2)


def test_issues_from_scores_equal_cleanlab():
    labels, probs = make(32, 4, np.float32)
    image_scores, pixel_scores = rank.get_label_quality_scores(labels, probs, verbose=False)
    for threshold in (0.0, 0.3, 0.5, 1.0):
        assert np.array_equal(
            rank.issues_from_scores(image_scores, threshold=threshold),
            cl_rank.issues_from_scores(image_scores, threshold=threshold),
        )
        assert np.array_equal(
            rank.issues_from_scores(image_scores, pixel_scores, threshold=threshold),
            cl_rank.issues_from_scores(image_scores, pixel_scores, threshold=threshold),
        )
    with pytest.raises(ValueError, match="threshold"):
        rank.issues_from_scores(image_scores, threshold=1.5)


# ---------------------------------------------------------------- summary


@pytest.mark.parametrize("levels", [None, 4])
def test_common_label_issues_equals_cleanlab(levels, capsys):
    labels, probs = make(33, 6, np.float32, levels)
    issues = ours(labels, probs)
    names = [f"class {k}" for k in range(6)]
    for options in (
        {},
        {"class_names": names},
        {"exclude": [0, 3]},
        {"top": 3, "class_names": names},
    ):
        found = summary.common_label_issues(issues, labels, probs, verbose=True, **options)
        printed = capsys.readouterr().out
        expected = cl_summary.common_label_issues(issues, labels, probs, verbose=True, **options)
        assert printed == capsys.readouterr().out  # the same lines
        pd.testing.assert_frame_equal(found, expected)
    empty = summary.common_label_issues(np.zeros_like(issues), labels, probs, verbose=False)
    pd.testing.assert_frame_equal(
        empty, cl_summary.common_label_issues(np.zeros_like(issues), labels, probs, verbose=False)
    )


def test_filter_by_class_equals_cleanlab():
    labels, probs = make(34, 5, np.float64, levels=4)
    issues = ours(labels, probs)
    for k in range(5):
        assert np.array_equal(
            summary.filter_by_class(k, issues, labels, probs),
            cl_summary.filter_by_class(k, issues, labels, probs),
        )


def test_display_issues_draws_with_agg():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, probs = make(35, 4, np.float32)
    issues = ours(labels, probs)
    plt.close("all")
    shown = []
    original = plt.show
    plt.show = lambda **kwargs: shown.append(len(plt.gcf().axes))
    try:
        summary.display_issues(
            issues, labels=labels, pred_probs=probs, class_names=list("abcd"), top=3, exclude=[1]
        )
        summary.display_issues(issues, top=2)
    finally:
        plt.show = original
        plt.close("all")
    assert shown == [1, 3, 3, 3, 1, 1]  # legend, 3 images of 3 panels, 2 of 1 panel
    with pytest.raises(ValueError, match="labels"):
        summary.display_issues(issues, exclude=[0])


# -------------------------------------------------------------- bad input


def test_class_axis_last_is_named_with_the_fix():
    labels, probs = make(36, 3, np.float32)
    with pytest.raises(ValueError, match=r"np\.moveaxis\(pred_probs, -1, 1\)"):
        ours(labels, np.moveaxis(probs, 1, -1))
    with pytest.raises(ValueError, match=r"np\.moveaxis\(pred_probs, -1, 1\)"):
        rank.get_label_quality_scores(labels, np.moveaxis(probs, 1, -1), verbose=False)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda labels, probs: (labels[:, :8], probs), "same N, H and W"),
        (lambda labels, probs: (labels[:5], probs), "same N, H and W"),
        (lambda labels, probs: (labels[0], probs), r"\(N, H, W\)"),
        (lambda labels, probs: (labels, probs[0]), r"\(N, K, H, W\)"),
        (lambda labels, probs: (labels + 3, probs), r"labels must lie in 0\.\.2"),
        (lambda labels, probs: (labels, np.log(probs)), "softmax"),
        (lambda labels, probs: (labels, np.where(labels[:, None] == 0, np.nan, probs)), "NaN"),
    ],
)
def test_bad_input_is_named(change, message):
    labels, probs = make(37, 3, np.float64)
    bad_labels, bad_probs = change(labels, probs)
    with pytest.raises(ValueError, match=message):
        ours(bad_labels, bad_probs)


def test_bad_options_are_named():
    labels, probs = make(38, 3, np.float32)
    with pytest.raises(ValueError, match="downsample=3"):
        ours(labels, probs, downsample=3)
    with pytest.raises(ValueError, match="batch_size"):
        ours(labels, probs, batch_size=0)
    with pytest.raises(TypeError, match="unexpected keyword"):
        ours(labels, probs, downsampling=2)
    with pytest.raises(TypeError, match="float16, float32 or float64"):
        ours(labels, probs.astype(np.int64))
    with pytest.raises(ValueError, match="method"):
        rank.get_label_quality_scores(labels, probs, method="min", verbose=False)
    with pytest.raises(ValueError, match="temperature"):
        rank.get_label_quality_scores(labels, probs, temperature=0, verbose=False)


# ------------------------------------------------ the passes


def check_of(probs, labels, adjusted, run=None):
    """check_block's disagreement mask and count, by the vectorised kernel with ``run`` pixels."""
    from cleannb._core import pixels as _pixels

    disagree = np.empty(labels.shape, dtype=bool)
    original = _pixels.RUN
    _pixels.RUN = run or original
    try:
        count = _pixels.check_block(probs, labels, adjusted, disagree)
    finally:
        _pixels.RUN = original
    return disagree, count


def numpy_check(probs, labels, adjusted):
    """The disagreement mask and confident count with numpy's argmax and max."""
    argmax = np.argmax(probs, axis=1)
    best = np.max(probs, axis=1)
    disagree = argmax != labels
    return disagree, int(np.count_nonzero(disagree & (best >= adjusted[argmax])))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("k", "levels"), [(2, 3), (7, 4), (50, None), (21, 2)])
def test_check_pass_equals_strided_pass_and_numpy(dtype, k, levels):
    """C-ordered blocks (the vectorised kernel, runs of several sizes, 1 and 2 threads) give
    the disagreements and confident count of the strided kernel and of numpy."""
    labels, probs = make(40 + k, k, dtype, levels=levels, n=3, h=36, w=70)
    probs[0, :, 0, :5] = probs[0, 0, 0, 0]  # every class equal: argmax 0
    probs[1, :, 1, :3] = 0.0
    probs[1, 1, 1, 1] = -0.0  # signed zeros tie
    rng = np.random.default_rng(k)
    adjusted = rng.random(k) * 0.6
    adjusted[0] = float(probs[0, 0, 0, 0])  # a maximum exactly at its threshold counts
    expected = numpy_check(probs, labels, adjusted)
    strided = check_of(np.asfortranarray(probs), labels, adjusted)
    assert np.array_equal(strided[0], expected[0]) and strided[1] == expected[1]
    for threads in (1, 2):
        for run in (None, 1, 100, 2520, 36 * 70):
            found = _threads(threads, partial(check_of, probs, labels, adjusted, run))
            assert np.array_equal(found[0], expected[0]) and found[1] == expected[1], run


def test_check_pass_is_parallel_and_identical_on_a_large_block():
    labels, probs = make(45, 21, np.float32, levels=5, n=4, h=64, w=96)  # 2 MB: parallel twin
    adjusted = np.full(21, 0.3)
    expected = numpy_check(probs, labels, adjusted)
    for n_jobs in (1, 2):
        found = _threads(n_jobs, partial(check_of, probs, labels, adjusted))
        assert np.array_equal(found[0], expected[0]) and found[1] == expected[1]


def _threads(n_jobs, fn):
    from cleannb._core.parallel import num_threads

    with num_threads(n_jobs):
        return fn()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "spoil",
    [
        lambda p: p.__setitem__((1, 0, 5, 7), np.nan),
        lambda p: p.__setitem__((2, 1, 0, 0), np.inf),
        lambda p: p.__setitem__((0, 2, 3, 69), -np.inf),
        lambda p: p.__setitem__((1, 1, 9, 9), 1.01),
        lambda p: p.__setitem__((2, 0, 35, 69), -0.001),
        lambda p: p.__setitem__((2, 0, 35, 69), -1e-7),  # within tolerance: no error
        lambda p: p.__setitem__((0, 0, 0, 0), 1.0009),  # within tolerance: no error
        lambda p: p.__setitem__(slice(None), np.log(p + 1e-3)),
    ],
)
def test_check_pass_names_bad_values_as_the_strided_pass(dtype, spoil):
    labels, probs = make(46, 3, dtype, n=3, h=36, w=70)
    spoil(probs)
    outcomes = []
    for block in (probs, np.asfortranarray(probs)):
        try:
            disagree, count = check_of(block, labels, np.full(3, 0.4), 1000)
            outcomes.append((disagree.tobytes(), count))
        except ValueError as error:
            outcomes.append(str(error))
    assert outcomes[0] == outcomes[1]


def same_bits(a, b):
    return a.dtype == b.dtype and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("dtype", DTYPES)
def test_class_sums_equal_numpy_mean_in_pixel_order(dtype):
    """The thresholds' class means, summed batch by batch in O(K) state: np.mean of each
    class's values in pixel order, bit for bit, for classes of 1 to 300,000 values (numpy's
    float16 sums in 8192-value pieces too), absent classes, 1 and 2 threads."""
    from cleannb._core import pixels as _pixels

    rng = np.random.default_rng(47)
    size = 600_000
    labels = np.repeat(rng.integers(0, 9, size // 5 + 1), 5)[:size]  # runs of 5
    labels[rng.random(size) < 0.3] = 4
    labels[labels == 7] = 6  # class 7 absent
    labels[rng.integers(0, size, 3)] = 8  # class 8 rare
    labels[rng.integers(0, size)] = 9  # class 9 once
    values = (rng.random(size) * rng.random(size)).astype(dtype)
    counts = np.bincount(labels, minlength=10)
    expected = [np.mean(values[labels == k]) if counts[k] else np.nan for k in range(10)]
    expected = np.array(expected, dtype=dtype)
    probs = rng.random((1, 10, 1, size)).astype(dtype)  # each pixel's value in its label's plane
    probs[0, labels, 0, np.arange(size)] = values
    for pieces in (1, 7, 1000):
        for n_jobs in (1, 2):
            for gathered in (False, True):
                sums = _pixels.ClassSums(counts, dtype)
                top = np.zeros(_pixels.DIGITS, dtype=np.int64)
                for part in np.array_split(np.arange(size), pieces):
                    chunk = slice(part[0], part[-1] + 1)
                    given = labels[None, None, chunk]
                    if gathered:  # label probabilities gathered already (downsampled, dask)
                        add = partial(sums.add, None, given, 1, top, values[chunk])
                    else:  # gathered from the class planes by the kernel
                        add = partial(sums.add, probs[:, :, :, chunk].copy(), given, 1, top)
                    _threads(n_jobs, add)
                assert same_bits(sums.means(), expected), (pieces, n_jobs, gathered)
                assert top.sum() == size


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("limit", [0, 3, None])
def test_selection_equals_numpy_argsort_through_every_path(dtype, limit, monkeypatch):
    """The radix select with a bin of at most ``limit`` pixels listed (0: every digit counted
    first) against cleanlab and the naive reference: negative values within the tolerance,
    signed zeros, ties at the cut (numpy's sort decides) and not."""
    from cleannb._core import pixels as _pixels

    if limit is not None:
        monkeypatch.setattr(_pixels, "LIST_LIMIT", limit)
    for seed, levels in ((60, None), (61, 6), (62, 40)):
        labels, probs = make(seed, 4, dtype, levels=levels, n=9, h=12, w=20)
        probs[0, :, 0, :4] = np.array([-1e-7, 0.6, 0.2, 0.2], dtype=dtype)[:, None]
        probs[0, :, 1, :4] = np.array([-0.0, 0.5, 0.5, 0.0], dtype=dtype)[:, None]
        probs[0, :, 2, :4] = np.array([0.0, 0.5, 0.0, 0.5], dtype=dtype)[:, None]
        labels[0, :3, :4] = 0
        expected = cleanlab_mask(labels, probs)
        assert np.array_equal(naive_mask(labels, probs), expected)
        for batch_size in (4 * 12 * 20, None):
            found = ours(labels, probs, batch_size=batch_size)
            assert np.array_equal(found, expected), (seed, batch_size)
        for factor in (2,):
            found = ours(labels, probs, downsample=factor)
            assert np.array_equal(found, cleanlab_mask(labels, probs, downsample=factor))


def test_memory_beyond_the_mask_does_not_grow_with_the_images():
    """Peak traced memory of a call grows by the mask's byte per pixel, nothing more: twice
    the images cost the second half's mask (plus a few percent), whatever the passes keep."""
    import tracemalloc

    labels, probs = make(63, 5, np.float32, n=400, h=64, w=64)
    peaks = []
    for n in (200, 400):
        ours(labels[:n], probs[:n], batch_size=5 * 64 * 64 * 8)  # warm: kernels loaded
        tracemalloc.start()
        ours(labels[:n], probs[:n], batch_size=5 * 64 * 64 * 8)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    added_pixels = 200 * 64 * 64
    assert peaks[1] - peaks[0] <= 1.05 * added_pixels, peaks
