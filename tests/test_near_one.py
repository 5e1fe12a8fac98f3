"""Probabilities a little outside [0, 1]: accepted within a tolerance, refused beyond.

Published probabilities are rounded: the IMDB test-set probabilities of the
label-errors study hold values up to 1.00001. Values in [-1e-6, 1 + 1e-6] are
silent, values in (1 + 1e-6, 1 + 1e-3] give one ``UserWarning`` per public
call, and beyond is a ``ValueError`` that prints the value in full (see
``cleannb._core.validation.raise_for_value_stats``).

Results use the values as given and equal cleanlab's on the same values:
cleanlab 2.9 live, and cleanlab 0.1.0 through the golden fixture
``golden/v010_near_one.npz``. cleanlab 2.9's ``count.compute_confident_joint``
and ``count.estimate_joint`` accept these values; its ``filter`` and ``rank``
check refuses values beyond 1 + 1e-6 (a deliberate difference: cleannb
answers), so :func:`lenient_cleanlab` lets that check see clipped values while
cleanlab's algorithms read the values as given.

The kernels read values as integer keys, which order negative floats in
reverse; the cases below put negative values where that matters: every other
value of a row negative (the normalized margin), a negative threshold limit,
and chunks of columns with only negative values (the selection's bounds).
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
import test_row_sums
from naive_rank import multilabel_per_class
from test_row_sums import MULTILABEL_CALLS, PUBLIC_CALLS, K, N, _multilabel_data, make_data

from cleannb import count, filter, latent_estimation, pruning, rank
from cleannb._core import confident as _confident
from cleannb.multilabel_classification import rank as ml_rank

pytestmark = pytest.mark.usefixtures("kernel_input")

ABOVE_ONE = re.compile(r"(\d+) values of (pred_probs|psx)\S* are above 1 \(max ([0-9.e-]+)\)")
DTYPES = [np.float64, np.float32, np.float16]


def near_one(seed=0, dtype=np.float64, n=N, k=K, share=0.4):
    """Rows as ``make_data`` draws them (labels 20 % flipped), a ``share`` of them
    replaced by rounded one-hot rows: the top value in (1 + 1e-6, 1.001], the others
    in [-0.9e-6, 1e-6] (a third of them exactly 0)."""
    rng = np.random.default_rng(seed)
    true = np.arange(n) % k
    rows = rng.dirichlet(np.ones(k), n) + 3.0 * np.eye(k)[true]
    pred_probs = rows / rows.sum(axis=1, keepdims=True)
    labels = true.copy()
    flip = rng.random(n) < 0.2
    labels[flip] = (labels[flip] + rng.integers(1, k, int(flip.sum()))) % k
    rows = np.flatnonzero(rng.random(n) < share)
    top = np.where(rng.random(len(rows)) < 0.8, labels[rows], rng.integers(0, k, len(rows)))
    near = rng.uniform(-0.9e-6, 1e-6, (len(rows), k))
    near[rng.random(near.shape) < 1 / 3] = 0.0
    near[np.arange(len(rows)), top] = 1.0 + rng.uniform(2e-6, 0.9e-3, len(rows))
    pred_probs[rows] = near
    return labels, pred_probs.astype(dtype)


def imdb_like(seed=0, n=1000):
    """Two classes rounded to 5 decimals, as published; some rows read 1.00001."""
    rng = np.random.default_rng(seed)
    true = rng.integers(0, 2, n)
    positive = np.clip(rng.beta(0.3, 0.3, n) * 0.6 + 0.4 * true - 0.2, 0, 1)
    pred_probs = np.round(np.stack([1 - positive, positive], axis=1), 5)
    sure = rng.random(n) < 0.05
    pred_probs[sure] = np.where(pred_probs[sure] > 0.5, 1.00001, 0.0)
    labels = np.where(rng.random(n) < 0.1, 1 - true, true)
    return labels, pred_probs


def _value_warnings(call, *args):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call(*args)
    return [w for w in caught if ABOVE_ONE.search(str(w.message))], caught, result


@pytest.fixture
def lenient_cleanlab(monkeypatch):
    """cleanlab 2.9 whose input check sees ``pred_probs`` clipped to [0, 1]: only the
    check; its algorithms read the values as given."""
    import cleanlab.count
    import cleanlab.filter
    import cleanlab.internal.validation
    import cleanlab.multilabel_classification.rank
    import cleanlab.rank

    check = cleanlab.internal.validation.assert_valid_inputs

    def assert_valid_inputs(X, y, pred_probs=None, *args, **kwargs):
        clipped = None if pred_probs is None else np.clip(pred_probs, 0, 1)
        return check(X, y, clipped, *args, **kwargs)

    modules = (
        cleanlab.count,
        cleanlab.filter,
        cleanlab.rank,
        cleanlab.multilabel_classification.rank,
    )
    for module in modules:
        monkeypatch.setattr(module, "assert_valid_inputs", assert_valid_inputs)
    return cleanlab


def test_the_data_reach_the_tolerances():
    for dtype in DTYPES:
        _, pred_probs = near_one(0, dtype)
        assert 1 + 1e-6 < pred_probs.max() <= dtype(1.001)
        assert -1e-6 <= pred_probs.min() < 0
        assert np.sum(pred_probs > 1 + 1e-6) > 50 and np.sum(pred_probs < 0) > 50
    assert imdb_like()[1].max() == 1.00001


# --- warnings and errors, for every public function that reads pred_probs


@pytest.mark.parametrize("name", PUBLIC_CALLS)
def test_values_up_to_1_001_give_one_warning_per_call(name):
    labels, pred_probs = near_one()
    pred_probs.setflags(write=False)
    before = pred_probs.copy()
    for _ in range(2):  # every call warns, not only the first one
        found, caught, _ = _value_warnings(PUBLIC_CALLS[name], labels, pred_probs)
        assert len(found) == 1, [str(w.message) for w in caught]
        (warning,) = found
        assert warning.category is UserWarning
        count_above, _, highest = ABOVE_ONE.search(str(warning.message)).groups()
        assert int(count_above) == np.sum(pred_probs > 1 + 1e-6)
        assert float(highest) == pred_probs.max()
        assert "np.clip(" in str(warning.message)
        # attributed to the caller (here or test_row_sums' lambdas), not to cleannb
        assert warning.filename in (__file__, test_row_sums.__file__)
    np.testing.assert_array_equal(pred_probs, before)


@pytest.mark.parametrize("name", MULTILABEL_CALLS)
def test_multilabel_values_up_to_1_001_give_one_warning_per_call(name):
    labels, pred_probs = _multilabel_data()
    pred_probs[::9, 1] = 1.0005
    pred_probs[::11, 2] = -5e-7
    found, caught, _ = _value_warnings(MULTILABEL_CALLS[name], labels, pred_probs)
    assert len(found) == 1, [str(w.message) for w in caught]
    assert warnings_count(found[0]) == np.sum(pred_probs > 1 + 1e-6)


def warnings_count(warning):
    return int(ABOVE_ONE.search(str(warning.message)).group(1))


@pytest.mark.parametrize("name", PUBLIC_CALLS)
def test_values_within_1e_6_of_0_and_1_are_silent(name):
    labels, pred_probs = make_data(0.0)
    rows = np.arange(0, N, 5)
    pred_probs[rows] = 0.0
    pred_probs[rows, labels[rows]] = 1 + 1e-6
    pred_probs[rows, (labels[rows] + 1) % K] = -1e-7
    pred_probs[rows[::2], (labels[rows[::2]] + 2) % K] = -1e-6
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.filterwarnings("ignore", "estimate_confident_joint_from_probabilities")
        PUBLIC_CALLS[name](labels, pred_probs)


OUT_OF_RANGE = {
    # value, its repr in the message, whether it reads as logits or scores
    "1.01": (1.01, r"values above 1 \(max 1\.01\), beyond the tolerance of 0\.001", False),
    "1.0012345678": (1.0012345678, r"above 1 \(max 1\.0012345678\)", False),
    "5.0": (5.0, r"values above 1 \(max 5\.0\)", True),
    "-0.01": (-0.01, r"negative values \(min -0\.01\), beyond the tolerance of 1e-06", False),
    "-1.5e-06": (-1.5e-6, r"negative values \(min -1\.5e-06\)", False),
    "-5.0": (-5.0, r"negative values \(min -5\.0\)", True),
}


@pytest.mark.parametrize("case", OUT_OF_RANGE)
@pytest.mark.parametrize(
    "name",
    [
        "count.compute_confident_joint",
        "count.estimate_joint",
        "filter.find_label_issues_prune_by_noise_rate",
        "filter.find_label_issues_low_normalized_margin",
        "rank.get_label_quality_scores_normalized_margin",
        "rank.get_label_quality_scores_adjusted",
        "dataset.health_summary",
        "pruning.get_noise_indices_both",
        "latent_estimation.estimate_py_and_noise_matrices_from_probabilities",
        "CleanLearning.find_label_issues",
    ],
)
def test_values_beyond_the_tolerance_raise_with_the_value(name, case):
    value, message, logits = OUT_OF_RANGE[case]
    labels, pred_probs = near_one()
    pred_probs[7, 2] = value
    with pytest.raises(ValueError, match=message) as error:
        PUBLIC_CALLS[name](labels, pred_probs)
    text = str(error.value)
    if logits:
        assert "look like logits or scores: apply a softmax" in text
    else:  # near misses are probabilities off by a little: clip, never a softmax
        assert "logit" not in text and "softmax" not in text
        assert re.search(r"np\.clip\((pred_probs|psx), 0, 1\)", text)
        assert ".sum(axis=1, keepdims=True)" in text


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_tolerances_are_values_of_the_dtype(dtype):
    """float32(1.001) is a little above 1.001 and float16(-1e-6) a little below -1e-6:
    both accepted; the next value of the dtype is not."""
    labels, pred_probs = near_one(0, dtype)
    for limit, toward in ((1.001, np.inf), (-1e-6, -np.inf)):
        at = pred_probs.copy()
        at[5] = [0, 0, 0, 1] if limit < 0 else 0
        at[5, 0] = dtype(limit)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            count.compute_confident_joint(labels, at)
        at[5, 0] = np.nextafter(dtype(limit), dtype(toward))
        with pytest.raises(ValueError, match=repr(float(at[5, 0]))):
            count.compute_confident_joint(labels, at)


# --- results on the values as given: cleanlab 2.9 live


def test_cleanlab_2_9_count_accepts_them_and_its_filter_does_not():
    """The premise of the lenient comparisons below (and the documented difference)."""
    cl_count = pytest.importorskip("cleanlab.count")
    cl_filter = pytest.importorskip("cleanlab.filter")
    labels, pred_probs = near_one()
    cl_count.compute_confident_joint(labels, pred_probs)
    cl_count.estimate_joint(labels, pred_probs)
    with pytest.raises(ValueError, match="between 0 and 1"):
        cl_filter.find_label_issues(labels, pred_probs)
    _, caught, mask = _value_warnings(filter.find_label_issues, labels, pred_probs)
    assert len(caught) == 1 and mask.sum() > 0


def _quiet(call, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call(*args, **kwargs)


DATA = {
    **{f"near_one_{np.dtype(d).name}_{s}": (s, d) for d in DTYPES for s in (0, 1)},
    "imdb_like": None,
}


@pytest.fixture(params=DATA)
def data(request):
    if DATA[request.param] is None:
        return imdb_like()
    seed, dtype = DATA[request.param]
    return near_one(seed, dtype, n=600 if seed else N)


@pytest.mark.parametrize("calibrate", [True, False])
def test_confident_joint_is_cleanlabs(data, calibrate):
    from cleanlab import count as cl_count

    labels, pred_probs = data
    got = _quiet(count.compute_confident_joint, labels, pred_probs, calibrate=calibrate)
    np.testing.assert_array_equal(
        got, cl_count.compute_confident_joint(labels, pred_probs, calibrate=calibrate)
    )
    got, rows = _quiet(
        count.compute_confident_joint,
        labels,
        pred_probs,
        calibrate=calibrate,
        return_indices_of_off_diagonals=True,
    )
    expected, expected_rows = cl_count.compute_confident_joint(
        labels, pred_probs, calibrate=calibrate, return_indices_of_off_diagonals=True
    )
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(rows, expected_rows)


def test_joint_is_cleanlabs(data):
    from cleanlab import count as cl_count

    labels, pred_probs = data
    np.testing.assert_allclose(
        _quiet(count.estimate_joint, labels, pred_probs),
        cl_count.estimate_joint(labels, pred_probs),
        rtol=1e-12,
        atol=0,
    )


@pytest.mark.parametrize(
    ("method", "adjust"),
    [
        ("self_confidence", False),
        ("normalized_margin", False),
        ("self_confidence", True),
        ("normalized_margin", True),
    ],
)
def test_scores_are_cleanlabs(data, method, adjust, kernel_input, lenient_cleanlab):
    labels, pred_probs = data
    got = _quiet(
        rank.get_label_quality_scores, labels, pred_probs, method=method, adjust_pred_probs=adjust
    )
    expected = lenient_cleanlab.rank.get_label_quality_scores(
        labels, pred_probs, method=method, adjust_pred_probs=adjust
    )
    assert got.dtype == expected.dtype
    if adjust and pred_probs.dtype == np.float64 and kernel_input == "as given":
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-13)  # the kernel's float64
    else:
        np.testing.assert_array_equal(got, expected)


def naive_entropy_scores(labels, pred_probs):
    """cleanlab's confidence-weighted entropy, in float64 loops: terms of values at or
    below 0 add 0, and the normalized entropy is at least 0 (values above 1 add
    positive terms ``p * log(p)``)."""
    out = []
    for row, label in zip(pred_probs.astype(np.float64), labels, strict=True):
        entropy = -sum(p * math.log(p) for p in row if p > 0) / math.log(len(row))
        ratio = max(entropy, 0.0) / max(row[label], 1e-6)
        out.append(math.log(ratio + 1.0) / max(ratio, 1e-6))
    return np.array(out)


def test_entropy_scores_on_values_outside_0_1(data):
    """cleanlab 2.9 refuses any value outside [0, 1] for this score (its entropy checks
    strictly): a documented difference. In every path of cleannb, values at or below 0
    add nothing and the entropy is at least 0, so that no score is NaN."""
    labels, pred_probs = data
    got = _quiet(
        rank.get_label_quality_scores, labels, pred_probs, method="confidence_weighted_entropy"
    )
    assert np.all(np.isfinite(got))
    expected = naive_entropy_scores(labels, pred_probs)
    rtol = 1e-12 if pred_probs.dtype == np.float64 else 50 * np.finfo(pred_probs.dtype).eps
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=1e-300)


FILTERS = [*filter.FILTERS]


@pytest.mark.parametrize("filter_by", FILTERS)
def test_label_issues_are_cleanlabs(data, filter_by, lenient_cleanlab):
    labels, pred_probs = data
    got = _quiet(filter.find_label_issues, labels, pred_probs, filter_by=filter_by)
    expected = lenient_cleanlab.filter.find_label_issues(labels, pred_probs, filter_by=filter_by)
    np.testing.assert_array_equal(got, expected)


def test_ranked_label_issues_are_cleanlabs(data, lenient_cleanlab):
    labels, pred_probs = data
    for ranked_by in ("self_confidence", "normalized_margin"):
        got = _quiet(
            filter.find_label_issues, labels, pred_probs, return_indices_ranked_by=ranked_by
        )
        expected = lenient_cleanlab.filter.find_label_issues(
            labels, pred_probs, return_indices_ranked_by=ranked_by
        )
        np.testing.assert_array_equal(got, expected)
    got = _quiet(count.num_label_issues, labels, pred_probs)
    assert got == lenient_cleanlab.count.num_label_issues(labels, pred_probs)


def test_multilabel_scores_are_cleanlabs(lenient_cleanlab):
    labels, pred_probs = _multilabel_data()
    rng = np.random.default_rng(5)
    pred_probs[rng.random(pred_probs.shape) < 0.15] = 1.0 + 8e-4
    pred_probs[rng.random(pred_probs.shape) < 0.15] = -7e-7
    cl_rank = lenient_cleanlab.multilabel_classification.rank
    for method in ("self_confidence", "normalized_margin", "confidence_weighted_entropy"):
        per_class = _quiet(
            ml_rank.get_label_quality_scores_per_class, labels, pred_probs, method=method
        )
        if method == "confidence_weighted_entropy":
            # cleanlab 2.9 refuses values outside [0, 1] for the entropy
            for k in range(pred_probs.shape[1]):
                binary = np.stack([1 - pred_probs[:, k], pred_probs[:, k]], axis=1)
                has_k = np.array([k in row for row in labels], dtype=np.int64)
                expected = naive_entropy_scores(has_k, binary)
                np.testing.assert_allclose(per_class[:, k], expected, rtol=1e-12, atol=1e-300)
            continue
        naive = multilabel_per_class(labels, pred_probs, method)
        np.testing.assert_allclose(per_class, naive, rtol=1e-12, atol=1e-15)
        got = _quiet(ml_rank.get_label_quality_scores, labels, pred_probs, method=method)
        expected = cl_rank.get_label_quality_scores(labels, pred_probs, method=method)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


# --- the kernels' integer keys and negative values


def test_normalized_margin_when_every_other_value_is_negative(lenient_cleanlab):
    """The largest other value is the least negative: its integer key is the least."""
    rng = np.random.default_rng(0)
    n, k = 400, 6
    pred_probs = -rng.uniform(1e-8, 0.9e-6, (n, k))
    labels = rng.integers(0, k, n)
    top = np.where(rng.random(n) < 0.5, labels, (labels + 1) % k)
    pred_probs[np.arange(n), top] = 1.0 + rng.uniform(0, 1e-3, n)
    got = _quiet(rank.get_label_quality_scores, labels, pred_probs, method="normalized_margin")
    expected = lenient_cleanlab.rank.get_label_quality_scores(
        labels, pred_probs, method="normalized_margin"
    )
    np.testing.assert_array_equal(got, expected)


def test_adjusted_scores_above_1_are_kept(lenient_cleanlab):
    """An adjusted self-confidence above 1 comes from a negative value, not rounding."""
    labels, pred_probs = near_one(2, n=600, k=2)
    for method in ("self_confidence", "normalized_margin"):
        got = _quiet(
            rank.get_label_quality_scores,
            labels,
            pred_probs,
            method=method,
            adjust_pred_probs=True,
        )
        expected = lenient_cleanlab.rank.get_label_quality_scores(
            labels, pred_probs, method=method, adjust_pred_probs=True
        )
        assert expected.max() > 1 + 1e-9
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-13)


def _below_limit(dtype):
    """Rows with a negative value in a column whose given threshold is 0 or tiny."""
    labels, pred_probs = near_one(3, np.float64, n=600)
    rng = np.random.default_rng(3)
    rows = (rng.random(600) < 0.5) & (pred_probs[:, 3] < 0.01)  # the row sums stay near 1
    pred_probs[rows, 3] = -rng.uniform(0, 0.9e-6, rows.sum())
    return labels, pred_probs.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("rule", ["row_argmax", "confident_argmax"])
def test_negative_threshold_limits(dtype, rule):
    """``p >= threshold - 1e-6`` with a threshold below 1e-6: small negative values
    reach it or not by their value, which no integer key separates."""
    from cleanlab import count as cl_count

    labels, pred_probs = _below_limit(dtype)
    for last in (0.0, 5e-7, 1e-6, -1e-7):
        thresholds = np.array([0.9, 0.95, 0.9, last])
        for calibrate in (True, False):
            got = _quiet(
                count.compute_confident_joint,
                labels,
                pred_probs,
                thresholds=thresholds,
                calibrate=calibrate,
                collision_rule=rule,
            )
            if rule == "row_argmax":
                expected = cl_count.compute_confident_joint(
                    labels, pred_probs, thresholds=thresholds, calibrate=calibrate
                )
            else:  # the paper's rule is not cleanlab's: the naive reference
                from naive import confident_joint

                expected = confident_joint(
                    labels, pred_probs, thresholds, calibrate=calibrate, collision_rule=rule
                )[0]
            np.testing.assert_array_equal(got, expected)


def test_chunks_of_negative_values(monkeypatch, lenient_cleanlab):
    """More than 128 classes, chunk maxima kept: with negative values the row pass keeps
    no chunk maxima (the largest key of a chunk of negatives is its least value). A
    guard: no data were found where the wrong bound changes the result (this test
    passes without the fix too)."""
    monkeypatch.setattr(_confident, "KEEP_CHUNKS_MIN_ROWS_PER_CLASS", 1)
    rng = np.random.default_rng(0)
    n, k = 3000, 130
    labels = rng.integers(0, k, n)
    labels[:k] = np.arange(k)
    pred_probs = -rng.uniform(1e-8, 0.9e-6, (n, k))
    top = np.where(rng.random(n) < 0.6, labels, rng.integers(0, k, n))
    pred_probs[np.arange(n), top] = 1.0 + rng.uniform(0, 1e-3, n)
    soft = rng.random(n) < 0.3  # not confident: the calibration raises the prune counts
    pred_probs[soft] = rng.dirichlet(np.full(k, 0.02), soft.sum())
    for filter_by in ("prune_by_noise_rate", "both"):
        got = _quiet(filter.find_label_issues, labels, pred_probs, filter_by=filter_by)
        expected = lenient_cleanlab.filter.find_label_issues(
            labels, pred_probs, filter_by=filter_by
        )
        np.testing.assert_array_equal(got, expected)


# --- cleanlab 0.1.0: golden fixture (made by golden/make_golden_near_one.py)


def _golden():
    import pathlib

    path = pathlib.Path(__file__).parent / "golden" / "v010_near_one.npz"
    with np.load(path, allow_pickle=False) as stored:
        return dict(stored)


def _cases():
    stored = _golden()
    return sorted({key.split("/")[0] for key in stored if key.startswith("case")})


@pytest.mark.parametrize("case", _cases())
def test_seed_vocabulary_is_cleanlab_0_1_0s(case):
    stored = _golden()
    s, psx = stored[f"{case}/s"], stored[f"{case}/psx"]
    expected = {
        key.split("/", 1)[1]: value for key, value in stored.items() if key.startswith(case + "/")
    }
    got = _quiet(latent_estimation.compute_confident_joint, s, psx)
    np.testing.assert_array_equal(got, expected["cj"])
    got, rows = _quiet(
        latent_estimation.compute_confident_joint,
        s,
        psx,
        calibrate=False,
        return_indices_of_off_diagonals=True,
    )
    np.testing.assert_array_equal(got, expected["cj_raw"])
    np.testing.assert_array_equal(np.sort(rows), np.sort(expected["cj_raw_rows"]))
    if "thresholds" in expected:
        got = _quiet(
            latent_estimation.compute_confident_joint, s, psx, thresholds=expected["thresholds"]
        )
        np.testing.assert_array_equal(got, expected["cj_given_thresholds"])
    py, nm, inv = _quiet(
        latent_estimation.estimate_py_and_noise_matrices_from_probabilities, s, psx
    )[:3]
    np.testing.assert_allclose(py, expected["py"], rtol=1e-12, atol=0)
    np.testing.assert_allclose(nm, expected["noise_matrix"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(inv, expected["inverse_noise_matrix"], rtol=1e-12, atol=1e-15)
    for method in ("prune_by_noise_rate", "prune_by_class", "both"):
        got = _quiet(pruning.get_noise_indices, s, psx, prune_method=method)
        np.testing.assert_array_equal(got, expected[f"noise_{method}"])
    got = _quiet(pruning.get_noise_indices, s, psx, sorted_index_method="normalized_margin")
    np.testing.assert_array_equal(got, expected["noise_sorted_margin"])
