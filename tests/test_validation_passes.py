"""Each public call checks the values of ``pred_probs`` at most once (issue 28).

DESIGN: "``pred_probs`` is validated once, as a pass first reads each block,
and the validated views flow down; no layer goes back up to re-check." This
file runs every public function that takes ``pred_probs`` (or ``psx``) with
the value checks instrumented and counts, per call, how many times the
values were checked, in units of the whole input: a check of every block of
a ``RowSource`` counts 1 in all, two passes that each check the whole array
count 2.

What counts as a check: every value check of the package ends in one of

- ``cleannb._core.validation.raise_for_value_stats``, fed by the statistics
  of a kernel pass (``_core.confident.row_pass``, ``_core.scores.score_all``),
  by a numpy read (``validation.check_values``, ``_core.multilabel.checked``),
  or by each range of a ``RowSource``;
- the pixel passes of segmentation (``_core.pixels``: the ``image_pass``
  kernel, which flags values out of range, and ``strided_pass``).

(``_core.internal.get_normalized_entropy``, cleanlab's helper, keeps cleanlab's own
numpy check inline and is not counted; it checks once.) The spies replace these
names in every cleannb module that binds them and
count the elements of the array checked. Arrays cleannb derives from values
it has checked already and marks so (``validation.mark_checked``: the
one-vs-rest problems ``[1 - p, p]`` of multi-label data) are not reads of
``pred_probs`` and are counted apart. A check that rides along a pass the
call needs anyway costs no extra read, but a second one is still a layer
re-checking (and its rare paths, such as negative values, read the array
again), so every check counts.

Cases that still check twice are marked ``xfail(strict=True)`` with the
change they need (:data:`PENDING`, open work of issue 28): once that change
lands they pass, and strict mode turns the pass into a failure that asks for
the mark to go.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import pkgutil
import sys
import warnings

import numpy as np
import pytest
import registry
import test_registry
from conftest import make_dataset

import cleannb
from cleannb._core import pixels as _pixels
from cleannb._core import validation
from cleannb._core.rows import RowSource
from cleannb._core.validation import large_input_paths
from cleannb.experimental.label_issues_batched import LabelInspector

#: Parameter names under which public functions take the probabilities.
PROBABILITY_PARAMETERS = ("pred_probs", "psx", "pred_probs_list")
#: Tolerance on the count (sums of block fractions).
EPS = 1e-9


# ------------------------------------------------------------------------ the spies


def _cleannb_modules():
    for info in pkgutil.walk_packages(cleannb.__path__, "cleannb."):
        if info.name.startswith(("cleannb.plot", "cleannb._cli", "cleannb.cli")):
            continue
        importlib.import_module(info.name)
    return [m for name, m in sys.modules.items() if name.startswith("cleannb") and m]


class Checks:
    """Counts the values of ``pred_probs`` that the value checks read during a block.

    ``checked`` accumulates the number of elements of non-derived arrays whose
    values a check read; ``derived`` the elements of arrays marked by
    ``validation.mark_checked``; ``where`` the call sites (for messages).
    """

    def __init__(self):
        self.checked = 0
        self.derived = 0
        self.where = []
        self._patches = []

    def _record(self, array, site):
        if validation._derived.get(id(array)) is array:
            self.derived += array.size
            return
        self.checked += array.size
        caller, frame = [], sys._getframe(2)
        while frame is not None and len(caller) < 4:
            if "cleannb" in frame.f_code.co_filename:
                caller.append(frame.f_code.co_name)
            frame = frame.f_back
        where = f"{site} via {'<'.join(caller[:4])}"
        if where not in self.where:
            self.where.append(where)

    def _patch(self, name, spy, original):
        for module in _cleannb_modules():
            if getattr(module, name, None) is original:
                self._patches.append((module, name, original))
                setattr(module, name, spy)

    def __enter__(self):
        stats = validation.raise_for_value_stats
        image_pass = _pixels.image_pass
        strided = _pixels.strided_pass

        def value_stats_spy(pred_probs, *args, **kwargs):
            self._record(pred_probs, "raise_for_value_stats")
            return stats(pred_probs, *args, **kwargs)

        def image_pass_spy(values, *args, **kwargs):
            self._record(values, "image_pass")
            return image_pass(values, *args, **kwargs)

        def strided_spy(values, *args, **kwargs):
            self._record(values, "strided_pass")
            return strided(values, *args, **kwargs)

        self._patch("raise_for_value_stats", value_stats_spy, stats)
        self._patch("image_pass", image_pass_spy, image_pass)
        self._patch("strided_pass", strided_spy, strided)
        return self

    def __exit__(self, *exc):
        for module, name, original in reversed(self._patches):
            setattr(module, name, original)
        self._patches.clear()
        return False

    def reset(self):
        self.checked, self.derived, self.where = 0, 0, []


def _quiet_call(fn, *args, **kwargs):
    """``fn``'s result, or the exception it raised; warnings and printing silenced."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            return fn(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - a call that raises checks at most once too
            return error


def count_checks(total, fn, *args, **kwargs):
    """How many times ``fn(*args, **kwargs)`` checked the values, in units of ``total``
    elements, and the call sites of the checks."""
    with Checks() as checks:
        _quiet_call(fn, *args, **kwargs)
    return checks.checked / total, checks.where


# --------------------------------------------------------------- the registry sweep

ENTRIES = registry.entries()
#: The kind each entry runs on: the first of these it lists, else its first kind.
PREFERRED_KINDS = ("float32", "ml_float32", "v10_case0", "v010_case0")
PATHS = ("small", "kernels", "source")

#: Why a check is still repeated, and where the fix lies.
SCORES_RECHECK = (
    "_core/scores.py: score_all checks the values again when scores_in_dtype or "
    "quality_scores score inputs a pass has checked; needs a validate=False path"
)
ARGMAX_CONFUSION = (
    "_core/pipeline.py: argmax_confusion's row pass and the row pass find makes for "
    "a given joint both check; find should reuse the first pass's RowPass"
)
ESTIMATOR_PASSES = (
    "_core/label_issues.py + _core/pipeline.py: the estimators' confident pass (which also "
    "gives the quality scores) checks, then find_label_issues given that joint runs a "
    "validating row_pass (pipeline._pruned) and get_noise_indices another "
    "(pruning.py); both need to take the pass's RowPass (rows=) instead"
)
PIXEL_DOWNSAMPLE = (
    "_core/pixels.py: with downsample > 1 the downsampled copy of each checked block "
    "is checked again"
)

#: Cases that still check more than once:
#: ``(name, path)`` (path None: every path) -> the change they need.
PENDING = {
    ("filter.find_label_issues", "kernels"): SCORES_RECHECK,
    ("experimental.label_issues_batched.find_label_issues_batched", "kernels"): SCORES_RECHECK,
    ("LabelInspector", "kernels"): SCORES_RECHECK,
    ("rank.get_label_quality_ensemble_scores", "kernels"): SCORES_RECHECK,
    ("filter.find_label_issues_using_argmax_confusion_matrix", None): ARGMAX_CONFUSION,
    ("baseline_methods.baseline_argmax_confusion_matrix", None): ARGMAX_CONFUSION,
    ("baseline_methods.baseline_argmax_calibrated_confusion_matrix", None): ARGMAX_CONFUSION,
    ("estimators", None): ESTIMATOR_PASSES,
    ("segmentation.filter.find_label_issues|downsample", None): PIXEL_DOWNSAMPLE,
}


def _marks(name, path):
    """``xfail(strict=True)`` with the reason if ``(name, path)`` is :data:`PENDING`."""
    reason = PENDING.get((name, path)) or PENDING.get((name, None))
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


def _kind(entry):
    return next((k for k in PREFERRED_KINDS if k in entry.kinds), entry.kinds[0])


def _probabilities(c):
    return c.pred_probs if c.pred_probs is not None else c.ml_pred_probs


def _takes_probabilities(entry, c):
    """Whether the entry's arguments hold the case's probabilities (as given)."""
    p = _probabilities(c)
    if p is None:
        return False
    args, kwargs = entry.build(c)
    return any(value is p for value in (*args, *kwargs.values()))


def _sweep_params():
    out = []
    for entry in ENTRIES:
        c = registry.case(_kind(entry))
        if not _takes_probabilities(entry, c):
            continue
        for path in PATHS:
            if path == "source" and not entry.sources:
                continue
            marks = _marks(entry.name, path)
            out.append(pytest.param(entry, path, id=f"{entry.name}|{path}", marks=marks))
    return out


def _runs(entry, c, path):
    """``(label, args, kwargs)`` of every option assignment of the entry, on ``c``."""
    p = _probabilities(c)
    for assign in test_registry.assignments(entry, c):
        if any(k.startswith("@") for k in assign):
            continue  # the paths are run by this file's own parameter
        args, kwargs = entry.build(c)
        kwargs = {**kwargs, **{k: test_registry.resolve(v, c) for k, v in assign.items()}}
        if path == "source":
            source = RowSource(p, batch_size=128)
            args = tuple(source if a is p else a for a in args)
            kwargs = {k: source if v is p else v for k, v in kwargs.items()}
        yield assign, args, kwargs


@pytest.mark.parametrize("entry, path", _sweep_params())
def test_every_public_function_checks_pred_probs_at_most_once(entry, path):
    c = registry.case(_kind(entry))
    total = _probabilities(c).size
    fn = entry.callable()
    too_many = []
    context = large_input_paths if path == "kernels" else contextlib.nullcontext
    with context():
        for assign, args, kwargs in _runs(entry, c, path):
            checks, where = count_checks(total, fn, *args, **kwargs)
            if checks > 1 + EPS:
                too_many.append(f"{assign or 'defaults'}: {checks:.3g} checks: {where}")
    assert not too_many, f"{entry.name} ({path}) checks pred_probs more than once:\n" + (
        "\n".join(too_many)
    )


# ----------------------------------------------------------- functions off the table


def _single(seed=3, n=300, k=5, dtype=np.float32):
    return make_dataset(seed, n, k, dtype)


#: Every score, adjusted or not, with each way of counting issues, and without counting.
INSPECTOR_OPTIONS = [
    dict(method=m, adjust=a, estimation=e, update=u)
    for m in ("self_confidence", "normalized_margin", "confidence_weighted_entropy")
    for a in (False, True)
    for e, u in (("off_diagonal", True), ("off_diagonal_calibrated", True), ("off_diagonal", False))
    if not (a and m == "confidence_weighted_entropy")
]


@pytest.mark.parametrize(
    "path, dtype",
    [
        pytest.param("small", np.float32, id="small-float32"),
        pytest.param(
            "kernels", np.float64, id="kernels-float64", marks=_marks("LabelInspector", "kernels")
        ),
    ],
)
def test_label_inspector_checks_each_batch_at_most_once(path, dtype):
    labels, pred_probs = _single(n=200, dtype=dtype)
    batches = [(0, 80), (80, 200)]
    too_many = []
    context = large_input_paths if path == "kernels" else contextlib.nullcontext
    with context():
        for options in INSPECTOR_OPTIONS:
            inspector = LabelInspector(
                num_class=5,
                verbose=False,
                quality_score_kwargs={
                    "method": options["method"],
                    "adjust_pred_probs": options["adjust"],
                },
                num_issue_kwargs={"estimation_method": options["estimation"]},
            )
            for lo, hi in batches:
                checks, where = count_checks(
                    pred_probs[lo:hi].size,
                    inspector.update_confident_thresholds,
                    labels[lo:hi],
                    pred_probs[lo:hi],
                )
                if checks > 1 + EPS:
                    too_many.append(f"update {options}: {checks:.3g}: {where}")
            for lo, hi in batches:
                checks, where = count_checks(
                    pred_probs[lo:hi].size,
                    inspector.score_label_quality,
                    labels[lo:hi],
                    pred_probs[lo:hi],
                    update_num_issues=options["update"],
                )
                if checks > 1 + EPS:
                    too_many.append(f"score {options}: {checks:.3g}: {where}")
    assert not too_many, "\n".join(too_many)


def _segmentation_calls():
    from cleannb.segmentation import filter as seg_filter
    from cleannb.segmentation import rank as seg_rank
    from cleannb.segmentation import summary as seg_summary

    rng = np.random.default_rng(5)
    probs = rng.dirichlet(np.ones(4), size=(6, 8, 8)).transpose(0, 3, 1, 2).astype(np.float32)
    labels = probs.argmax(1)
    flip = rng.random(labels.shape) < 0.2
    labels[flip] = rng.integers(0, 4, int(flip.sum()))
    issues = probs.max(1) < 0.5
    return [
        (
            "segmentation.filter.find_label_issues",
            seg_filter.find_label_issues,
            (labels, probs),
            {"verbose": False},
        ),
        (
            "segmentation.filter.find_label_issues|downsample",
            seg_filter.find_label_issues,
            (labels, probs),
            {"verbose": False, "downsample": 2},
        ),
        (
            "segmentation.rank.get_label_quality_scores",
            seg_rank.get_label_quality_scores,
            (labels, probs),
            {"verbose": False},
        ),
        (
            "segmentation.rank.get_label_quality_scores|num_pixel_issues",
            seg_rank.get_label_quality_scores,
            (labels, probs),
            {"verbose": False, "method": "num_pixel_issues"},
        ),
        (
            "segmentation.summary.common_label_issues",
            seg_summary.common_label_issues,
            (issues, labels, probs),
            {"verbose": False},
        ),
        (
            "segmentation.summary.filter_by_class",
            seg_summary.filter_by_class,
            (1, issues, labels, probs),
            {},
        ),
    ], probs.size


def _token_calls():
    from cleannb.experimental import span_classification as span
    from cleannb.token_classification import filter as tok_filter
    from cleannb.token_classification import rank as tok_rank
    from cleannb.token_classification import summary as tok_summary

    flat_labels, flat = make_dataset(7, 900, 4, np.float32)
    cuts = np.arange(30, 900, 30)
    labels = [part.tolist() for part in np.split(flat_labels, cuts)]
    pred_probs = np.split(flat, cuts)
    issues = [(0, 1), (3, 2)]
    tokens = [["w"] * len(given) for given in labels]
    spans = [(given > 0).astype(int).tolist() for given in np.split(flat_labels, cuts)]
    span_probs = [p[:, 1:].sum(axis=1) for p in pred_probs]
    return (
        [
            (
                "token_classification.filter.find_label_issues",
                tok_filter.find_label_issues,
                (labels, pred_probs),
                {},
            ),
            (
                "token_classification.filter.find_label_issues|ranked",
                tok_filter.find_label_issues,
                (labels, pred_probs),
                {"return_indices_ranked_by": "normalized_margin"},
            ),
            (
                "token_classification.rank.get_label_quality_scores",
                tok_rank.get_label_quality_scores,
                (labels, pred_probs),
                {},
            ),
            (
                "token_classification.rank.get_label_quality_scores|entropy",
                tok_rank.get_label_quality_scores,
                (labels, pred_probs),
                {"token_score_method": "confidence_weighted_entropy"},
            ),
            (
                "token_classification.summary.common_label_issues",
                tok_summary.common_label_issues,
                (issues, tokens),
                {"labels": labels, "pred_probs": pred_probs, "verbose": False},
            ),
            (
                "experimental.span_classification.find_label_issues",
                span.find_label_issues,
                (spans, span_probs),
                {},
            ),
            (
                "experimental.span_classification.get_label_quality_scores",
                span.get_label_quality_scores,
                (spans, span_probs),
                {},
            ),
        ],
        flat.size,
        2 * flat.shape[0],
    )


def _segmentation_and_token_params():
    calls, size = _segmentation_calls()
    sized = [(*call, size) for call in calls]
    calls, size, span_size = _token_calls()
    sized += [(*call, span_size if "span" in call[0] else size) for call in calls]
    return [
        pytest.param(
            name, fn, args, kwargs, total, path, id=f"{name}|{path}", marks=_marks(name, path)
        )
        for name, fn, args, kwargs, total in sized
        for path in ("small", "kernels")
    ]


@pytest.mark.parametrize("name, fn, args, kwargs, total, path", _segmentation_and_token_params())
def test_segmentation_and_tokens_check_at_most_once(name, fn, args, kwargs, total, path):
    context = large_input_paths if path == "kernels" else contextlib.nullcontext
    with context():
        checks, where = count_checks(total, fn, *args, **kwargs)
    assert checks <= 1 + EPS, f"{name}: {checks:.3g} checks: {where}"


@pytest.mark.xfail(strict=True, reason=ESTIMATOR_PASSES)
def test_estimators_check_given_pred_probs_at_most_once():
    from sklearn.linear_model import LogisticRegression

    from cleannb.classification import CleanLearning, LearningWithNoisyLabels

    labels, pred_probs = _single(seed=11, n=240, k=3, dtype=np.float64)
    features = pred_probs + np.random.default_rng(0).normal(0, 0.05, pred_probs.shape)
    calls = [
        (
            "CleanLearning.find_label_issues",
            CleanLearning(LogisticRegression()).find_label_issues,
            (features, labels),
            {"pred_probs": pred_probs},
        ),
        (
            "CleanLearning.fit",
            CleanLearning(LogisticRegression()).fit,
            (features, labels),
            {"pred_probs": pred_probs},
        ),
        (
            "LearningWithNoisyLabels.fit",
            LearningWithNoisyLabels(LogisticRegression()).fit,
            (features, labels),
            {"psx": pred_probs},
        ),
    ]
    too_many = []
    for name, fn, args, kwargs in calls:
        checks, where = count_checks(pred_probs.size, fn, *args, **kwargs)
        if checks > 1 + EPS:
            too_many.append(f"{name}: {checks:.3g} checks: {where}")
    assert not too_many, "\n".join(too_many)


ENSEMBLE_OPTIONS = [
    {"weight_ensemble_members_by": w, "method": m}
    for w in ("accuracy", "uniform", "log_loss_search")
    for m in ("self_confidence", "normalized_margin", "confidence_weighted_entropy")
] + [
    {"adjust_pred_probs": True},
    {"weight_ensemble_members_by": "uniform", "adjust_pred_probs": True},
    {"weight_ensemble_members_by": "custom", "custom_weights": [1, 2]},
]
#: The accuracy weights need each member's argmax: a row pass, which scores the
#: self-confidence and the normalized margin as it reads; the other scores take a
#: checking pass of their own (``scores.quality_scores``).
ENSEMBLE_SCORES_PASS = (
    "_core/scores.py: quality_scores checks values the accuracy's row pass has "
    "checked; needs a validate=False path"
)


def _ensemble_params():
    out = []
    for options in ENSEMBLE_OPTIONS:
        accuracy = options.get("weight_ensemble_members_by", "accuracy") == "accuracy"
        own_pass = accuracy and (
            options.get("adjust_pred_probs")
            or options.get("method") == "confidence_weighted_entropy"
        )
        for path in ("small", "kernels"):
            marks = _marks("rank.get_label_quality_ensemble_scores", path) if accuracy else []
            if own_pass and not marks:
                marks = [pytest.mark.xfail(strict=True, reason=ENSEMBLE_SCORES_PASS)]
            label = ",".join(f"{k}={v}" for k, v in options.items())
            out.append(pytest.param(options, path, id=f"{label}|{path}", marks=marks))
    return out


@pytest.mark.parametrize("options, path", _ensemble_params())
def test_ensemble_scores_check_each_model_at_most_once(options, path):
    from cleannb.rank import get_label_quality_ensemble_scores

    labels, first = _single(seed=13)
    second = np.ascontiguousarray(first[:, ::-1]) * 0.5 + first * 0.5
    total = first.size + second.size
    context = large_input_paths if path == "kernels" else contextlib.nullcontext
    with context():
        checks, where = count_checks(
            total, get_label_quality_ensemble_scores, labels, [first, second], **options
        )
    assert checks <= 1 + EPS, f"{options}: {checks:.3g} checks: {where}"


def _off_table_calls():
    from cleannb import count, latent_estimation, util

    labels, pred_probs = _single(seed=17)
    features = np.zeros((len(labels), 2))
    return [
        (
            "util.assert_inputs_are_valid",
            util.assert_inputs_are_valid,
            (features, labels, pred_probs),
        ),
        (
            "latent_estimation.estimate_confident_joint_from_probabilities",
            latent_estimation.estimate_confident_joint_from_probabilities,
            (labels, pred_probs),
        ),
        ("count.get_num_classes", count.get_num_classes, (labels, pred_probs)),
        ("count.get_onehot_num_classes", count.get_onehot_num_classes, (labels, pred_probs)),
    ], pred_probs.size


def test_functions_off_the_table_check_at_most_once():
    calls, total = _off_table_calls()
    too_many = []
    for name, fn, args in calls:
        checks, where = count_checks(total, fn, *args)
        if checks > 1 + EPS:
            too_many.append(f"{name}: {checks:.3g} checks: {where}")
    assert not too_many, "\n".join(too_many)


# ------------------------------------------------------------------------- coverage

#: Public functions taking probabilities that the tests above call outside the
#: table, and those no test here needs to call (with the reason).
CALLED_HERE = {
    "util.assert_inputs_are_valid",
    "latent_estimation.estimate_confident_joint_from_probabilities",
    "count.get_num_classes",
    "count.get_onehot_num_classes",
    "rank.get_label_quality_ensemble_scores",
    "segmentation.filter.find_label_issues",
    "segmentation.rank.get_label_quality_scores",
    "segmentation.summary.common_label_issues",
    "segmentation.summary.filter_by_class",
    "token_classification.filter.find_label_issues",
    "token_classification.rank.get_label_quality_scores",
    "token_classification.summary.common_label_issues",
    "experimental.span_classification.find_label_issues",
    "experimental.span_classification.get_label_quality_scores",
}
NOT_CALLED = {
    "segmentation.summary.display_issues": "plots (matplotlib) what common_label_issues found",
    "token_classification.summary.display_issues": "prints the issues it is given",
    "experimental.span_classification.display_issues": "prints the issues it is given",
}
EXTRA_MODULES = (
    "segmentation.filter",
    "segmentation.rank",
    "segmentation.summary",
    "token_classification.filter",
    "token_classification.rank",
    "token_classification.summary",
    "experimental.span_classification",
)


def _public_functions_taking_probabilities():
    out = {}
    for module in (*test_registry.MODULES, *EXTRA_MODULES):
        mod = importlib.import_module(f"cleannb.{module}")
        for name in getattr(mod, "__all__", ()):
            obj = getattr(mod, name)
            if inspect.isfunction(obj) and set(inspect.signature(obj).parameters) & set(
                PROBABILITY_PARAMETERS
            ):
                out[f"{module}.{name}"] = obj
    return out


def test_every_function_taking_pred_probs_is_counted():
    swept = {id(p.values[0].callable()) for p in _sweep_params()}
    named = {
        id(
            importlib.import_module(f"cleannb.{n.rpartition('.')[0]}").__dict__[
                n.rpartition(".")[2]
            ]
        )
        for n in (*CALLED_HERE, *NOT_CALLED)
    }
    missing = sorted(
        name
        for name, fn in _public_functions_taking_probabilities().items()
        if id(fn) not in swept | named
    )
    assert not missing, f"not counted by tests/test_validation_passes.py: {missing}"
