"""One table of every public function of cleannb, its reference and its options (issue 27).

Each :class:`Entry` names a cleannb callable, the reference it must equal
(cleanlab 2.9 called live, a cleanlab 0.1.0 golden fixture of ``tests/golden``,
a naive reference of ``tests/naive*.py``, or invariants for random
functions), how its arguments are built from a generated :class:`Case`, the
options that change its result (each value is run on its own, the other
options at their defaults, plus any ``combos``), how results are compared
(type, dtype and bits unless the entry gives a looser comparison and the reason
for it) and which kinds of data apply. ``tests/test_registry.py`` runs the
table and a meta-test checks that every public function and every parameter is
in it (or in an entry's reasoned ``same_result`` / ``no_reference`` list).

The data come from one generator, :func:`case`, built on ``conftest.make_dataset``
and ``test_multilabel.make_multilabel``; see :data:`KINDS`.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import os
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from conftest import make_dataset

HERE = os.path.dirname(os.path.abspath(__file__))

# --------------------------------------------------------------------------- data


@dataclass
class Case:
    """One data set: single-label ``labels``/``pred_probs`` or multi-label ``ml_labels``
    (ragged lists, some empty) / ``ml_pred_probs``; golden cases carry their fixtures."""

    kind: str
    labels: Any = None
    pred_probs: Any = None
    ml_labels: Any = None
    ml_pred_probs: Any = None
    golden: dict = field(default_factory=dict)
    heavy: bool = False  # only the default options run on it

    @property
    def k(self):
        p = self.pred_probs if self.pred_probs is not None else self.ml_pred_probs
        return p.shape[1]


#: Single-label kinds: how ``conftest.make_dataset`` draws them.
#:
#: - ``ties``: float64 with copied rows, tied row maxima, uniform rows and a 0.01 grid;
#: - ``float16`` / ``float32`` / ``float64``: continuous draws in that dtype;
#: - ``singleton``: float64 with two classes of a single example;
#: - ``sum099``: float32, a third of the rows summing to 0.985..0.998 (off by about 1 %);
#: - ``over1``: float64 with rows whose largest value is 1 + 1e-5 (the rest 0), in
#:   rows labelled with it and in rows labelled otherwise;
#: - ``k2``: two classes; ``k1000``: 1,000 classes with 1,200 rows (float32 on a
#:   0.001 grid; only default options run on it).
SL_KINDS = ("ties", "float16", "float32", "float64", "singleton", "sum099", "over1", "k2", "k1000")
#: Multi-label kinds (``make_multilabel``: ragged lists, rows with no label):
#: dtypes, values on a 0.01 grid (ties), values at 1 + 1e-5, K = 2 and K = 40.
ML_KINDS = ("ml_float16", "ml_float32", "ml_float64", "ml_ties", "ml_over1", "ml_k2", "ml_k40")
#: Golden cases of ``golden/v010_cases.npz``: one per kind of values there
#: (f64, f32, round2, tied, float16, round3, sum099, float64 with singletons, mixed).
V010_CASES = (0, 25, 29, 33, 36, 39, 42, 44, 46)
V010_KINDS = tuple(f"v010_case{i}" for i in V010_CASES)
#: Multi-label golden cases of ``golden/v010_multilabel.npz``.
V010_ML_KINDS = ("v010_ml0", "v010_ml1", "v010_ml2")
KINDS = SL_KINDS + ML_KINDS + V010_KINDS + V010_ML_KINDS
#: Kinds every single-label entry runs on (everything but the heavy one runs options).
SL = SL_KINDS
ML = ML_KINDS
#: A cheaper set for slow entries (cross-validation, ensembles).
SL_FEW = ("ties", "float16", "float32", "over1", "k2")


def _over1(rng, labels, rows):
    """Rows whose largest value is 1 + 1e-5 and the others 0 (in place, float64)."""
    n, k = rows.shape
    pick = k + rng.choice(n - k, size=12, replace=False)
    for j, i in enumerate(pick):
        col = labels[i] if j % 2 == 0 else (labels[i] + 1) % k
        rows[i] = 0.0
        rows[i, col] = 1.0 + 1e-5


@functools.cache
def case(kind):
    """The generated :class:`Case` of ``kind`` (deterministic; see :data:`KINDS`)."""
    if kind in ML_KINDS:
        return _ml_case(kind)
    if kind.startswith(("v010_case", "v010_ml")) and not kind.startswith("v010_mlmcp"):
        return _golden_case(kind)
    if kind.startswith(("v10_", "v010")) or kind == "none":
        return _golden_extra(kind)
    spec = {
        "ties": dict(seed=2701, n=300, k=6, kind="tied", confusers=2),
        "float16": dict(seed=2702, n=300, k=5, kind="float16"),
        "float32": dict(seed=2703, n=300, k=7, dtype=np.float32, confusers=2),
        "float64": dict(seed=2704, n=300, k=6, kind="float64", prior="skewed"),
        "singleton": dict(seed=2705, n=300, k=8, kind="float64", singletons=2, confusers=2),
        "sum099": dict(seed=2706, n=300, k=6, kind="sum099"),
        "over1": dict(seed=2707, n=300, k=5, kind="float64"),
        "k2": dict(seed=2708, n=200, k=2, kind="float64"),
        "k1000": dict(seed=2709, n=1200, k=1000, kind="round3", sharpness=400.0, spread=0.3),
    }[kind]
    seed, n, k = spec.pop("seed"), spec.pop("n"), spec.pop("k")
    labels, pred_probs = make_dataset(seed, n, k, **spec)
    if kind == "over1":
        pred_probs = pred_probs.copy()
        _over1(np.random.default_rng(seed), labels, pred_probs)
    return Case(kind, labels, pred_probs, heavy=kind == "k1000")


def _ml_case(kind):
    from test_multilabel import make_multilabel

    dtype = {"ml_float16": np.float16, "ml_float32": np.float32}.get(kind, np.float64)
    k = {"ml_k2": 2, "ml_k40": 40}.get(kind, 5)
    seed = 2710 + ML_KINDS.index(kind)
    labels, pred_probs = make_multilabel(
        seed, 240 if k < 40 else 400, k, dtype=dtype, max_labels=3 if k < 40 else k
    )
    for i in range(0, len(labels), 37):  # rows with no label, in every kind
        labels[i] = []
    if kind == "ml_ties":
        pred_probs = np.round(pred_probs, 2)
    if kind == "ml_over1":
        rng = np.random.default_rng(seed)
        rows = rng.choice(len(labels), size=10, replace=False)
        for j, i in enumerate(rows):
            col = labels[i][0] if labels[i] and j % 2 == 0 else j % k
            pred_probs[i, col] = 1.0 + 1e-5
    # every class occurs at least once and at least one row has no label
    assert any(len(r) == 0 for r in labels), kind
    assert set(range(k)) <= {c for r in labels for c in r}, kind
    return Case(kind, ml_labels=labels, ml_pred_probs=np.ascontiguousarray(pred_probs))


@functools.cache
def golden_file(name):
    return np.load(os.path.join(HERE, "golden", name))


def _golden_case(kind):
    if kind.startswith("v010_case"):
        data = golden_file("v010_cases.npz")
        prefix = f"case{int(kind[len('v010_case') :])}/"
        golden = {k[len(prefix) :]: data[k] for k in data.files if k.startswith(prefix)}
        return Case(kind, golden["s"], golden["psx"], golden=golden)
    data = golden_file("v010_multilabel.npz")
    prefix = f"ml{int(kind[len('v010_ml') :])}/"
    golden = {k[len(prefix) :]: data[k] for k in data.files if k.startswith(prefix)}
    labels = [[int(v) for v in row] for row in golden["labels"]]
    return Case(kind, ml_labels=labels, ml_pred_probs=golden["psx"], golden=golden)


# --------------------------------------------------------------------------- references


@dataclass(frozen=True)
class Live:
    """cleanlab 2.9, called live: ``path`` under ``cleanlab.`` with the same arguments
    (plus ``extra``, e.g. ``n_jobs=1``: cleanlab's multiprocessing is not compared)."""

    path: str
    extra: tuple = ()


@dataclass(frozen=True)
class Golden:
    """A cleanlab 0.1.0 golden: ``fn(case, kwargs)`` returns the stored output for the
    options in ``kwargs`` or :data:`MISSING` when 0.1.0 produced none there (it raised,
    or returned NaN/inf: see ``golden/README.md``); such tests are not generated."""

    fn: Any
    what: str = ""


@dataclass(frozen=True)
class Naive:
    """A naive reference of ``tests/naive*.py`` (or a formula of 0.1.0's inventory):
    ``fn(*args, **kwargs)`` with the entry's arguments."""

    fn: Any
    what: str = ""


@dataclass(frozen=True)
class Invariant:
    """Random functions: the draws need not be cleanlab's (DESIGN, semantics 6), so
    ``summary(result, args, kwargs)`` of cleannb's result is compared with the
    summary of cleanlab 2.9's (``live``) or, without one, with ``expected(args, kwargs)``."""

    summary: Any
    live: str | None = None
    expected: Any = None
    what: str = ""


MISSING = object()


@dataclass(frozen=True)
class Compare:
    """``bits`` (default): same types, dtypes, shapes and bits. ``close``: same types,
    dtypes and shapes, values to ``rtol``/``atol``; ``ulp``: values within ``ulps``
    units in the last place of the reference's dtype. Anything looser than bits
    needs a ``reason``."""

    mode: str = "bits"
    rtol: float = 0.0
    atol: float = 0.0
    reason: str = ""
    ulps: int = 0

    def __post_init__(self):
        if self.mode != "bits" and not self.reason:
            raise ValueError("a comparison looser than bits needs a reason")


BITS = Compare()


@dataclass(frozen=True)
class Dep:
    """An option value (or argument) built from the case: ``fn(case)``, shown as ``label``."""

    fn: Any
    label: str

    def __repr__(self):
        return self.label


@dataclass(frozen=True)
class Entry:
    """One row of the table (see the module docstring).

    ``build(case)`` returns ``(args, kwargs)``; ``options`` maps a parameter to the
    values it is run with besides its default, one at a time; ``combos`` are further
    assignments run together. ``same_result`` and ``no_reference`` map each parameter
    of the cleannb function that is not in ``options`` to the reason it is left out:
    it does not change the result, or it does but no reference exists (a gap, named).
    ``sources``: also run with ``pred_probs`` as a ``RowSource`` and as a dask array.
    ``ref_map(kwargs)``: the keywords the reference gets instead, where cleannb keeps a
    documented difference (``ref_map_reason`` says which and why).
    """

    func: str
    ref: Any
    build: Any
    kinds: tuple
    options: dict = field(default_factory=dict)
    combos: tuple = ()
    compare: Compare = BITS
    same_result: dict = field(default_factory=dict)
    no_reference: dict = field(default_factory=dict)
    variant: str = ""
    sources: bool = False
    ref_map: Any = None
    ref_map_reason: str = ""
    summary: Any = None  # random functions: summary(result, args, kwargs) is compared
    #: how runs with the kernels reading pred_probs as given (``@kernels``) compare,
    #: where those kernels compute in float64 rather than with cleanlab's numpy calls
    kernel_compare: Compare = BITS

    def __post_init__(self):
        if self.ref_map is not None and not self.ref_map_reason:
            raise ValueError(f"{self.func}: ref_map (a documented difference) needs a reason")

    @property
    def name(self):
        return f"{self.func}[{self.variant}]" if self.variant else self.func

    def callable(self):
        import importlib

        module, _, attr = self.func.rpartition(".")
        return getattr(importlib.import_module(f"cleannb.{module}"), attr)


def flag(default):
    """The values a boolean flag is run with besides ``default``: its negation and the
    falsy/truthy stand-ins cleanlab accepts (it tests them with ``if``)."""
    return (not default, None, 0, 1)


#: Parameters that never change a result, wherever they occur.
SAME_EVERYWHERE = {
    "n_jobs": "threads only; results are identical for any thread count (fixed merge order)",
    "verbose": "printing only",
}


# --------------------------------------------------------------------------- arguments


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _cl(path):
    import importlib

    module, _, attr = path.rpartition(".")
    return getattr(importlib.import_module(f"cleanlab.{module}"), attr)


def lp(c):
    return (c.labels, c.pred_probs), {}


def lp_kw(c):
    return (), {"labels": c.labels, "pred_probs": c.pred_probs}


def ml_lp(c):
    return (c.ml_labels, c.ml_pred_probs), {}


def _cj_uncal(c):
    return _quiet(_cl("count.compute_confident_joint"), c.labels, c.pred_probs, calibrate=False)


def _cj_cal(c):
    return _quiet(_cl("count.compute_confident_joint"), c.labels, c.pred_probs)


def _ml_cj(c):
    return _quiet(
        _cl("count.compute_confident_joint"), c.ml_labels, c.ml_pred_probs, multi_label=True
    )


def _thresholds_shifted(c):
    t = _quiet(_cl("count.get_confident_thresholds"), c.labels, c.pred_probs)
    return np.asarray(t, dtype=np.float64) * 0.9


def _num_to_remove(c):
    """A small number of removals per class (at most a quarter of its members)."""
    counts = np.bincount(c.labels, minlength=c.k)
    return np.minimum(counts // 4, 1 + np.arange(c.k) % 3)


def _joint(c):
    return _quiet(_cl("count.estimate_joint"), c.labels, c.pred_probs)


def _class_names(c):
    return [f"class {i}" for i in range(c.k)]


def _ensemble(c):
    """Three members: the case's pred_probs and two perturbed copies in its dtype."""
    rng = np.random.default_rng(len(c.labels))
    members = [c.pred_probs]
    for scale in (0.5, 2.0):
        p = np.asarray(c.pred_probs, dtype=np.float64) ** scale + rng.uniform(
            0, 1e-3, c.pred_probs.shape
        )
        members.append((p / p.sum(axis=1, keepdims=True)).astype(c.pred_probs.dtype))
    return members


def _features(c):
    """Features for cross-validation: log-probabilities plus a little noise."""
    rng = np.random.default_rng(len(c.labels))
    p = np.asarray(c.pred_probs, dtype=np.float64)
    return np.log(p + 1e-3) + rng.normal(0, 0.3, p.shape)


def _naive_cj(labels, pred_probs, calibrate=True, return_indices_of_off_diagonals=False, **kw):
    import naive

    cj, off = naive.confident_joint(
        labels, pred_probs, calibrate=False, collision_rule=kw["collision_rule"]
    )
    if calibrate:  # cleanlab's rounding (its order among equal residuals)
        cj = _quiet(_cl("count.calibrate_confident_joint"), cj, labels)
    return (cj, off) if return_indices_of_off_diagonals else cj


CJ_UNCAL = Dep(_cj_uncal, "cj_uncalibrated")
CJ_CAL = Dep(_cj_cal, "cj_calibrated")
ML_CJ = Dep(_ml_cj, "ml_cj")
THRESHOLDS = Dep(_thresholds_shifted, "0.9*thresholds")
NUM_TO_REMOVE = Dep(_num_to_remove, "num_to_remove")
JOINT = Dep(_joint, "joint")
CLASS_NAMES = Dep(_class_names, "class_names")
NUM_EXAMPLES = Dep(lambda c: len(c.labels), "N")


# ------------------------------------------------------------------ the table: cleanlab 2.9

FILTERS = (
    "prune_by_class",
    "both",
    "confident_learning",
    "predicted_neq_given",
    "low_normalized_margin",
    "low_self_confidence",
)
RANKINGS = ("self_confidence", "normalized_margin", "confidence_weighted_entropy")
ADJUSTED = {"adjust_pred_probs": True}
ML_VIA_MODERN = (
    "the multi-label variant of this entry runs it (multi_label=True on multi-label data)"
)
FIND_OPTIONS = {
    "return_indices_ranked_by": RANKINGS,
    "filter_by": FILTERS,
    "frac_noise": (0.5,),
    "num_to_remove_per_class": (NUM_TO_REMOVE,),
    "min_examples_per_class": (5, 60),
    "confident_joint": (CJ_UNCAL, CJ_CAL),
}
FIND_COMBOS = (
    {"return_indices_ranked_by": "self_confidence", "rank_by_kwargs": ADJUSTED},
    {"return_indices_ranked_by": "normalized_margin", "rank_by_kwargs": ADJUSTED},
    {"return_indices_ranked_by": "normalized_margin", "filter_by": "both", "frac_noise": 0.5},
    {"filter_by": "prune_by_class", "num_to_remove_per_class": NUM_TO_REMOVE},
    {"filter_by": "low_self_confidence", "return_indices_ranked_by": "self_confidence"},
)
ML_FIND_OPTIONS = {
    "return_indices_ranked_by": RANKINGS,
    "filter_by": FILTERS,
    "frac_noise": (0.5,),
    "min_examples_per_class": (5, 60),
    "confident_joint": (ML_CJ,),
    "low_memory": (True,),
}
ML_FIND_COMBOS = (
    {"return_indices_ranked_by": "self_confidence", "rank_by_kwargs": ADJUSTED},
    {"return_indices_ranked_by": "normalized_margin", "filter_by": "both", "frac_noise": 0.5},
)
NTR_ML = (
    "multi-label: cleanlab 2.9 passes it to each class's binary problem; "
    "no well-defined value is in the grid yet"
)


KERNEL_ENTROPY = Compare(
    "close",
    rtol=1e-14,
    atol=1e-15,
    reason="float64 inputs of 1 MiB and more: the scores kernel computes the entropy per "
    "row in float64 with its own log and summation order, not numpy's SIMD log and pairwise "
    "sums over an (N, K) temporary (documented in cleannb.rank; float16/float32 and small "
    "inputs take cleanlab's numpy arithmetic and bits)",
)
#: Kinds on which cleannb may return where the reference raises, and why.
LENIENT = {
    "over1": "values up to 1 + 1e-5: cleanlab 2.9 rejects them in filter/rank/dataset but "
    "accepts them in compute_confident_joint/estimate_joint, and 0.1.0/1.0 accept them "
    "everywhere; cleannb accepts them everywhere (issue 27, finding 4)",
    "ml_over1": "as over1, for multi-label pred_probs",
    **{
        f"v010n:from_trace{i}": "noise-rate bounds a column cannot meet: cleanlab 2.9's "
        "generate_noise_matrix_from_trace raises ValueError from its helper mid-loop; "
        "cleannb counts that attempt as failed and draws again, returning a matrix within "
        "the bounds (a documented difference of cleannb.noise_generation)"
        for i in (5, 7, 9)
    },
}


def _batched_as_filter(
    labels, pred_probs, *, quality_score_kwargs=None, num_issue_kwargs=None, return_mask=False, **_
):
    """What cleannb's batched function documents it returns, from cleanlab 2.9's
    in-memory functions, as cleanlab's ``filter`` builds its low-score rules: the first
    ``num_label_issues`` rows of ``np.argsort(scores)``, ranked by ``order_label_issues``
    (cleanlab's batched function itself also unflags rows whose label the model
    predicts, estimates the thresholds from running means and returns the rows in
    ascending order: see :data:`DOCUMENTED_DIFFERENCES`)."""
    quality = dict(quality_score_kwargs or {})
    method = quality.pop("method", "self_confidence")
    n = _cl("count.num_label_issues")(labels, pred_probs, **(num_issue_kwargs or {}))
    scores = _cl("rank.get_label_quality_scores")(labels, pred_probs, method=method, **quality)
    mask = np.zeros(len(labels), dtype=bool)
    mask[np.argsort(scores)[:n]] = True
    if return_mask:
        return mask
    return _cl("rank.order_label_issues")(
        mask, labels, pred_probs, rank_by=method, rank_by_kwargs=quality
    )


#: Differences from cleanlab 2.9 that cleannb keeps on purpose and documents, with the
#: reference the table uses instead.
DOCUMENTED_DIFFERENCES = {
    "experimental.label_issues_batched.find_label_issues_batched": "cleannb returns "
    "cleanlab's in-memory answer for every batch_size (its docstring: 'the in-memory result, "
    "exactly'), ranked by the score; cleanlab 2.9's batched function estimates thresholds "
    "from running means, unflags rows whose label the model predicts and returns the rows in "
    "ascending order, so it differs on every kind of data here (up to 30 of 300 rows)",
    "multilabel_classification.filter.*(low_memory=True)": "cleannb ignores low_memory "
    "(with a warning: it needs O(N) memory anyway) and returns the low_memory=False answer; "
    "cleanlab 2.9's low_memory=True answer is an approximation that differs",
}


LOW_MEMORY = DOCUMENTED_DIFFERENCES["multilabel_classification.filter.*(low_memory=True)"]


def _low_memory_off(kwargs):
    return {**kwargs, "low_memory": False}


def modern_entries():
    live = Live
    n1 = (("n_jobs", 1),)
    return [
        # ---- count
        Entry(
            "count.get_confident_thresholds",
            live("count.get_confident_thresholds"),
            lp,
            SL,
            sources=True,
            same_result={"multi_label": ML_VIA_MODERN},
        ),
        Entry(
            "count.get_confident_thresholds",
            live("count.get_confident_thresholds"),
            lambda c: ((c.ml_labels, c.ml_pred_probs), {"multi_label": True}),
            ML,
            variant="multi_label",
        ),
        Entry(
            "count.compute_confident_joint",
            live("count.compute_confident_joint"),
            lp,
            SL,
            options={
                "thresholds": (THRESHOLDS,),
                "calibrate": flag(True),
                "return_indices_of_off_diagonals": flag(False),
            },
            combos=({"calibrate": False, "return_indices_of_off_diagonals": True},),
            sources=True,
            same_result={"multi_label": ML_VIA_MODERN},
            no_reference={
                "collision_rule": "cleannb-only; the [paper rule] variant checks it against "
                "tests/naive.py"
            },
        ),
        Entry(
            "count.compute_confident_joint",
            live("count.compute_confident_joint"),
            lambda c: ((c.ml_labels, c.ml_pred_probs), {"multi_label": True}),
            ML,
            variant="multi_label",
            options={"calibrate": flag(True), "return_indices_of_off_diagonals": (True,)},
        ),
        Entry(
            "count.compute_confident_joint",
            Naive(
                lambda labels, pred_probs, **kw: _naive_cj(labels, pred_probs, **kw),
                "tests/naive.py confident_joint",
            ),
            lambda c: ((c.labels, c.pred_probs), {"collision_rule": "confident_argmax"}),
            ("ties", "float16", "float32", "singleton", "over1", "k2"),
            variant="paper rule",
            options={"calibrate": (False,), "return_indices_of_off_diagonals": (True,)},
        ),
        Entry(
            "count.calibrate_confident_joint",
            live("count.calibrate_confident_joint"),
            lambda c: ((_cj_uncal(c), c.labels), {}),
            SL,
            same_result={"multi_label": ML_VIA_MODERN},
        ),
        Entry(
            "count.calibrate_confident_joint",
            live("count.calibrate_confident_joint"),
            lambda c: (
                (
                    _quiet(
                        _cl("count.compute_confident_joint"),
                        c.ml_labels,
                        c.ml_pred_probs,
                        multi_label=True,
                        calibrate=False,
                    ),
                    c.ml_labels,
                ),
                {"multi_label": True},
            ),
            ML,
            variant="multi_label",
        ),
        Entry(
            "count.estimate_joint",
            live("count.estimate_joint"),
            lp,
            SL,
            options={"confident_joint": (CJ_UNCAL, CJ_CAL)},
            sources=True,
            same_result={"multi_label": ML_VIA_MODERN},
        ),
        Entry(
            "count.estimate_joint",
            live("count.estimate_joint"),
            lambda c: ((c.ml_labels, c.ml_pred_probs), {"multi_label": True}),
            ML,
            variant="multi_label",
            options={"confident_joint": (ML_CJ,)},
        ),
        Entry(
            "count.estimate_latent",
            live("count.estimate_latent"),
            lambda c: ((_cj_cal(c), c.labels), {}),
            SL,
            options={
                "py_method": ("eqn", "marginal", "marginal_ps"),
                "converge_latent_estimates": flag(False),
            },
            combos=tuple(
                {"py_method": m, "converge_latent_estimates": True}
                for m in ("cnt", "eqn", "marginal", "marginal_ps")
            ),
        ),
        Entry(
            "count.estimate_py_and_noise_matrices_from_probabilities",
            live("count.estimate_py_and_noise_matrices_from_probabilities"),
            lp,
            SL,
            options={
                "thresholds": (THRESHOLDS,),
                "converge_latent_estimates": flag(True),
                "py_method": ("eqn", "marginal", "marginal_ps"),
                "calibrate": flag(True),
            },
            sources=True,
        ),
        Entry(
            "count.num_label_issues",
            live("count.num_label_issues"),
            lp,
            SL,
            options={
                "confident_joint": (CJ_UNCAL, CJ_CAL),
                "estimation_method": ("off_diagonal_calibrated", "off_diagonal_custom"),
            },
            combos=(
                {"estimation_method": "off_diagonal_custom", "confident_joint": CJ_UNCAL},
                {"estimation_method": "off_diagonal_calibrated", "confident_joint": CJ_UNCAL},
            ),
            sources=True,
            same_result={"multi_label": ML_VIA_MODERN},
        ),
        Entry(
            "count.num_label_issues",
            live("count.num_label_issues"),
            lambda c: ((c.ml_labels, c.ml_pred_probs), {"multi_label": True}),
            ML,
            variant="multi_label",
            options={"confident_joint": (ML_CJ,)},
        ),
        # ---- filter
        Entry(
            "filter.find_label_issues",
            live("filter.find_label_issues", n1),
            lp,
            SL,
            options=FIND_OPTIONS,
            combos=FIND_COMBOS,
            sources=True,
            same_result={"multi_label": ML_VIA_MODERN},
        ),
        Entry(
            "filter.find_label_issues",
            live("filter.find_label_issues", n1),
            lambda c: ((c.ml_labels, c.ml_pred_probs), {"multi_label": True}),
            ML,
            variant="multi_label",
            options={k: v for k, v in ML_FIND_OPTIONS.items() if k != "low_memory"},
        ),
        Entry(
            "filter.find_predicted_neq_given",
            live("filter.find_predicted_neq_given"),
            lp,
            SL,
            sources=True,
            same_result={"multi_label": ML_VIA_MODERN},
        ),
        Entry(
            "filter.find_predicted_neq_given",
            live("filter.find_predicted_neq_given"),
            lambda c: ((c.ml_labels, c.ml_pred_probs), {"multi_label": True}),
            ML,
            variant="multi_label",
        ),
        Entry(
            "filter.find_label_issues_using_argmax_confusion_matrix",
            live("filter.find_label_issues_using_argmax_confusion_matrix"),
            lp,
            SL,
            options={"calibrate": flag(True), "filter_by": ("prune_by_class", "both")},
            sources=True,
        ),
        # ---- rank
        Entry(
            "rank.get_label_quality_scores",
            live("rank.get_label_quality_scores"),
            lp,
            SL,
            options={"method": RANKINGS[1:], "adjust_pred_probs": flag(False)},
            combos=({"method": "normalized_margin", "adjust_pred_probs": True},),
            sources=True,
        ),
        *[
            Entry(f"rank.{name}", live(f"rank.{name}"), lp, SL, sources=True)
            for name in (
                "get_self_confidence_for_each_label",
                "get_normalized_margin_for_each_label",
            )
        ],
        Entry(
            "rank.get_confidence_weighted_entropy_for_each_label",
            live("rank.get_confidence_weighted_entropy_for_each_label"),
            lp,
            SL,
            sources=True,
            kernel_compare=KERNEL_ENTROPY,
        ),
        Entry(
            "rank.order_label_issues",
            live("rank.order_label_issues"),
            lambda c: ((c.pred_probs.argmax(axis=1) != c.labels, c.labels, c.pred_probs), {}),
            SL,
            options={"rank_by": RANKINGS[1:], "rank_by_kwargs": (ADJUSTED,)},
            combos=({"rank_by": "normalized_margin", "rank_by_kwargs": ADJUSTED},),
            sources=True,
        ),
        Entry(
            "rank.find_top_issues",
            live("rank.find_top_issues"),
            # the self-confidence, ties and values above 1 included
            lambda c: ((c.pred_probs[np.arange(len(c.labels)), c.labels].astype(np.float64),), {}),
            SL,
            options={"top": (1, 3, 100000)},
        ),
        Entry(
            "rank.get_label_quality_ensemble_scores",
            live("rank.get_label_quality_ensemble_scores"),
            lambda c: ((c.labels, _ensemble(c)), {"verbose": False}),
            SL_FEW,
            options={
                "method": RANKINGS[1:],
                "adjust_pred_probs": flag(False),
                "weight_ensemble_members_by": ("uniform", "log_loss_search"),
                "log_loss_search_T_values": ((0.5, 2.0),),
            },
            combos=(
                {
                    "weight_ensemble_members_by": "custom",
                    "custom_weights": np.array([0.2, 0.5, 0.3]),
                },
                {
                    "weight_ensemble_members_by": "log_loss_search",
                    "log_loss_search_T_values": (0.5, 2.0),
                },
            ),
        ),
        # ---- dataset
        *[
            Entry(
                f"dataset.{name}",
                live(f"dataset.{name}"),
                (lambda c: ((), {"labels": c.labels, "pred_probs": c.pred_probs, "verbose": False}))
                if name in ("health_summary", "overall_label_health_score")
                else lp_kw,
                SL,
                options={
                    k: v
                    for k, v in {
                        "asymmetric": flag(False),
                        "class_names": (CLASS_NAMES,),
                        "num_examples": (NUM_EXAMPLES,),
                        "joint": (JOINT,),
                        "confident_joint": (CJ_CAL, CJ_UNCAL),
                    }.items()
                    if k in params
                },
                sources=True,
                same_result={"multi_label": ML_VIA_MODERN},
            )
            for name, params in (
                (
                    "health_summary",
                    ("asymmetric", "class_names", "num_examples", "joint", "confident_joint"),
                ),
                (
                    "find_overlapping_classes",
                    ("asymmetric", "class_names", "num_examples", "joint", "confident_joint"),
                ),
                (
                    "rank_classes_by_label_quality",
                    ("class_names", "num_examples", "joint", "confident_joint"),
                ),
                ("overall_label_health_score", ("num_examples", "joint", "confident_joint")),
            )
        ],
        *[
            Entry(
                f"dataset.{name}",
                live(f"dataset.{name}"),
                lambda c, name=name: (
                    (),
                    {
                        "labels": c.ml_labels,
                        "pred_probs": c.ml_pred_probs,
                        "multi_label": True,
                        **(
                            {"verbose": False}
                            if name in ("health_summary", "overall_label_health_score")
                            else {}
                        ),
                    },
                ),
                ML,
                variant="multi_label",
            )
            for name in (
                "health_summary",
                "find_overlapping_classes",
                "rank_classes_by_label_quality",
                "overall_label_health_score",
            )
        ],
        # ---- multi-label
        Entry(
            "multilabel_classification.filter.find_label_issues",
            live("multilabel_classification.filter.find_label_issues", n1),
            ml_lp,
            ML,
            options=ML_FIND_OPTIONS,
            combos=ML_FIND_COMBOS,
            no_reference={"num_to_remove_per_class": NTR_ML},
            ref_map=_low_memory_off,
            ref_map_reason=LOW_MEMORY,
        ),
        Entry(
            "multilabel_classification.filter.find_multilabel_issues_per_class",
            live("multilabel_classification.filter.find_multilabel_issues_per_class", n1),
            ml_lp,
            ML,
            options={k: v for k, v in ML_FIND_OPTIONS.items() if k != "low_memory"}
            | {"low_memory": (True,)},
            combos=({"return_indices_ranked_by": "self_confidence", "rank_by_kwargs": ADJUSTED},),
            no_reference={"num_to_remove_per_class": NTR_ML},
            ref_map=_low_memory_off,
            ref_map_reason=LOW_MEMORY,
        ),
        Entry(
            "multilabel_classification.rank.get_label_quality_scores",
            live("multilabel_classification.rank.get_label_quality_scores"),
            ml_lp,
            ML,
            options={
                "method": RANKINGS[1:],
                "adjust_pred_probs": flag(False),
                "aggregator_kwargs": (
                    {"method": "exponential_moving_average", "alpha": 0.5},
                    {"method": "softmin", "temperature": 0.3},
                ),
            },
            combos=({"method": "normalized_margin", "adjust_pred_probs": True},),
        ),
        Entry(
            "multilabel_classification.rank.get_label_quality_scores_per_class",
            live("multilabel_classification.rank.get_label_quality_scores_per_class"),
            ml_lp,
            ML,
            options={"method": RANKINGS[1:], "adjust_pred_probs": flag(False)},
        ),
        # ---- batched
        Entry(
            "experimental.label_issues_batched.find_label_issues_batched",
            Naive(_batched_as_filter, "cleanlab 2.9's in-memory low-score rule"),
            lambda c: ((), {"labels": c.labels, "pred_probs": c.pred_probs, "verbose": False}),
            SL,
            options={
                "batch_size": (7, 64),
                "quality_score_kwargs": ({"method": "normalized_margin"}, ADJUSTED),
                "num_issue_kwargs": ({"estimation_method": "off_diagonal_calibrated"},),
                "return_mask": flag(False),
            },
            same_result={
                "labels_file": "a file holding labels: the same values as labels=",
                "pred_probs_file": "a file holding pred_probs: the same values as pred_probs=",
            },
            no_reference={
                "filter_by": "cleannb-only; test_batched compares it with filter.find_label_issues"
            },
        ),
    ]


#: Public classes outside the table, and why.
CLASSES_OUTSIDE = {
    "experimental.DaskRows": "a source of pred_probs: entries with sources=True run on dask",
    "experimental.RowSource": "a source of pred_probs: entries with sources=True run on it",
    "experimental.label_issues_batched.LabelInspector": "stateful; find_label_issues_batched "
    "(in the table) runs it, and test_batched compares it with cleanlab's",
    "util.VersionWarning": "a warning class (golden/v010_values.json covers it)",
    "classification.CleanLearning": "estimator: not yet in the table (test_classification)",
    "classification.LearningWithNoisyLabels": "estimator: not yet in the table "
    "(test_classification)",
    **{
        f"multilabel_classification.rank.{name}": "cleanlab 2.9's internal scorer class, "
        "re-exported for its name; the scores it computes are in the table"
        for name in ("Aggregator", "ClassLabelScorer", "MultilabelScorer")
    },
}


def entries():
    """The whole table."""
    return modern_entries() + seed_entries() + noise_entries() + helper_entries()


# ------------------------------------------------------------------ golden cases (0.1.0, 1.0)


def _v10():
    import test_v10_golden as v10

    return v10


V10_KINDS = tuple(f"v10_case{i}" for i in range(12))
V10_NEAR1 = ("v10_near0", "v10_near1")
V10_ML = ("v10_ml0", "v10_ml1")
V010_MCP = ("v010_mcp0", "v010_mcp1", "v010_mlmcp0", "v010_mlmcp1")
V010_ALGEBRA = tuple(f"v010_case{i}" for i in (0, 25, 29, 33, 36, 39))


def _util_groups(prefix):
    data = golden_file("v010_util_polyplex.npz")
    groups = sorted({k.split("/", 1)[0] for k in data.files if k.startswith(prefix)})
    return tuple(f"v010u:{g}" for g in groups if g[len(prefix) :].lstrip("_").isdigit())


def _values_kinds(call):
    import json

    with open(os.path.join(HERE, "golden", "v010_values.json")) as f:
        cases = json.load(f)["cases"]
    return tuple(
        f"v010v:{key}"
        for key, c in sorted(cases.items())
        if c["call"] == call and "python_only" not in c
    )


def _golden_extra(kind):
    """Golden kinds other than ``v010_case``/``v010_ml`` (see :func:`case`)."""
    if kind.startswith("v10_"):
        v10 = _v10()
        for prefix, data in (("case", v10.CASES), ("near", v10.NEAR1), ("ml", v10.MULTI)):
            if kind.startswith(f"v10_{prefix}"):
                golden = v10.case(int(kind[len(f"v10_{prefix}") :]), data, prefix)
                break
        if prefix == "ml":
            labels = [[int(v) for v in row] for row in golden["labels"]]
            return Case(kind, ml_labels=labels, ml_pred_probs=golden["psx"], golden=golden)
        return Case(kind, golden["s"].astype(np.int64), golden["psx"], golden=golden)
    if kind.startswith(("v010_mcp", "v010_mlmcp")):
        data = golden_file("v010_multilabel.npz")
        i = int(kind[-1])
        if kind.startswith("v010_mcp"):
            p = f"mcp{i}/"
            flat, offsets = data[p + "labels_flat"], data[p + "labels_offsets"]
            labels = [
                [int(v) for v in flat[offsets[j] : offsets[j + 1]]] for j in range(len(offsets) - 1)
            ]
            return Case(
                kind,
                ml_labels=labels,
                ml_pred_probs=data[p + "pyx"],
                golden={"out": data[p + "out"]},
            )
        p = f"ml{i}/"
        labels = [[int(v) for v in row] for row in data[p + "labels"]]
        return Case(
            kind,
            ml_labels=labels,
            ml_pred_probs=data[p + "psx"],
            golden={"out": data[p + "multiclass_crossval_predict"]},
        )
    if kind.startswith("v010u:"):
        data = golden_file("v010_util_polyplex.npz")
        group = kind[len("v010u:") :]
        golden = {k[len(group) + 1 :]: data[k] for k in data.files if k.startswith(group + "/")}
        return Case(kind, golden=golden)
    if kind.startswith("v010v:"):
        import json

        import test_v010_values as values

        with open(os.path.join(HERE, "golden", "v010_values.json")) as f:
            c = json.load(f)["cases"][kind[len("v010v:") :]]
        golden = {
            "args": values.decode(c["args"]),
            "kwargs": values.decode(c["kwargs"]),
            "out": values.decode(c["out"]),
            "post": c.get("post"),
            "stdout": c.get("stdout"),
        }
        return Case(kind, golden=golden)
    if kind.startswith("v010n:"):
        data = golden_file("v010_noise_generation.npz")
        group = kind[len("v010n:") :]
        golden = {k[len(group) + 1 :]: data[k] for k in data.files if k.startswith(group + "/")}
        return Case(kind, golden=golden)
    if kind.startswith("v010nmiv:"):
        _, k, j = kind.split(":")
        data = golden_file("v010_noise_generation.npz")
        p = f"noise_matrix_is_valid/{k}/"
        golden = {name: data[p + name][int(j)] for name in ("noise_matrix", "py", "valid")}
        return Case(kind, golden=golden)
    if kind == "none":
        return Case(kind)
    raise KeyError(kind)


def _truthy(kwargs, name, default):
    return bool(kwargs.get(name, default))


def _g(key, convert=None):
    """A golden reference: the stored array ``key`` (MISSING if 0.1.0/1.0 made none)."""

    def fn(c, kwargs):
        if key not in c.golden:
            return MISSING
        value = c.golden[key]
        return convert(value) if convert else value

    return fn


def _indices(value):
    """Row indices as 1.0 returns them (the 1.0 fixtures store them as int16)."""
    return value.astype(np.int64)


def _v10_sort_keys(rows, s, psx, method):
    """The keys 0.1.0/1.0's ``order_label_errors`` sorts (its inventory): the given label's
    probability for 'prob_given_label', else (any other name) that minus the row's max."""
    given = np.array([np.mean(psx[i][s[i]]) for i in rows])
    if method == "prob_given_label":
        return given
    return given - psx[rows].max(axis=1)


def v10_order(label_errors_bool, psx, labels, sorted_index_method="normalized_margin"):
    """0.1.0/1.0's order of the flagged rows: ``np.argsort`` of :func:`_v10_sort_keys` on
    this CPU (the goldens' order among equal keys is their CPU's; see golden/README.md)."""
    rows = np.flatnonzero(label_errors_bool)
    keys = _v10_sort_keys(rows, np.asarray(labels), np.asarray(psx), sorted_index_method)
    return rows[np.argsort(keys)]


def _noise_key(c, pm):
    for key in (f"noise/{pm}/nj1", f"noise/{pm}"):
        if key in c.golden:
            return key
    return None


def _golden_noise(c, kw):
    """1.0's get_noise_indices for the options in ``kw`` (one option at a time, plus
    prune_method with any one of them)."""
    pm = kw.get("prune_method", "prune_by_noise_rate")
    others = {
        k: v
        for k, v in kw.items()
        if k not in ("prune_method", "n_jobs", "verbose", "inverse_noise_matrix", "multi_label")
    }
    if not others:
        key = _noise_key(c, pm)
        return MISSING if key is None else c.golden[key]
    if list(others) == ["sorted_index_method"]:
        key = _noise_key(c, pm)
        if key is None or others["sorted_index_method"] is None:
            return MISSING if key is None else c.golden[key]
        return v10_order(c.golden[key], c.pred_probs, c.labels, others["sorted_index_method"])
    if list(others) == ["frac_noise"] and others["frac_noise"] == 0.5:
        return c.golden.get(f"noise_frac05/{pm}", MISSING)
    if list(others) == ["confident_joint"]:
        return c.golden.get(f"noise_given_cj_uncalibrated/{pm}", MISSING)
    if list(others) == ["num_to_remove_per_class"]:
        return c.golden.get(f"noise_ntr/{pm}", MISSING)
    return MISSING


def _golden_cj(c, kw):
    calibrate = _truthy(kw, "calibrate", True)
    if kw.get("multi_label"):
        tag = "cal" if calibrate else "uncal"
        key = f"cj_thresholds/{tag}" if kw.get("thresholds") is not None else f"cj/{tag}"
        return c.golden[key]
    cj = c.golden["cj_calibrated" if calibrate else "cj_uncalibrated"]
    if _truthy(kw, "return_indices_of_off_diagonals", False):
        return (cj, c.golden["cj_indices"])
    return cj


def _golden_latent(c, kw):
    method = kw.get("py_method", "cnt")
    conv = "conv" if _truthy(kw, "converge_latent_estimates", False) else "noconv"
    p = f"estimate_latent/{method}/{conv}/"
    if p + "py" not in c.golden:
        return MISSING
    return (c.golden[p + "py"], c.golden[p + "nm"], c.golden[p + "inv"])


def _golden_py_noise(c, kw):
    conv = "conv" if _truthy(kw, "converge_latent_estimates", True) else "noconv"
    p = f"estimate_py_and_noise/{conv}/"
    if p + "py" not in c.golden:
        return MISSING
    return tuple(c.golden[p + k] for k in ("py", "nm", "inv", "cj"))


def _golden_joint(c, kw):
    if kw.get("multi_label"):
        return c.golden["estimate_joint_given_cj" if "confident_joint" in kw else "estimate_joint"]
    if "confident_joint" in kw:  # 1.0: calibrate the given joint, divide by its sum
        cal = c.golden["calibrate_confident_joint"]
        return cal / float(np.sum(cal))
    return c.golden["estimate_joint"]


def _numpy_thresholds(c):
    """0.1.0/1.0's thresholds: ``np.mean(psx[:, k][s == k])`` per class."""
    return np.array([np.mean(c.pred_probs[:, k][c.labels == k]) for k in range(c.k)])


def _algebra_inputs(c):
    g = c.golden
    return g.get("algebra/py"), g.get("algebra/nm"), g.get("algebra/inv"), g.get("algebra/ps")


SEED_FLOATS = Compare(
    "close",
    rtol=1e-12,
    atol=1e-15,
    reason="DESIGN, semantics 1: seed-vocabulary floats equal 0.1.0/1.0's to 1e-12 relative; "
    "the fixtures were made on another CPU, whose BLAS (matrix inverses, dot products) "
    "rounds differently",
)
NO_GOLDEN = "changes the result, but the 0.1.0/1.0 fixtures hold only the default"
CV = (
    "cleanlab 0.1.0/1.0's cross-validation is 2.9's (StratifiedKFold(shuffle=True, "
    "random_state=seed), the same default LogisticRegression): compared with 2.9 live"
)


def _values_entries(call, **extra):
    """One entry replaying the ``golden/v010_values.json`` calls of ``call``."""
    return Entry(
        call,
        Golden(lambda c, kw: c.golden["out"], "golden/v010_values.json"),
        lambda c: (tuple(c.golden["args"]), dict(c.golden["kwargs"])),
        _values_kinds(call),
        variant="v010 values",
        **extra,
    )


def _util(group, fn_args, out="out", **extra):
    return dict(
        ref=Golden(lambda c, kw: c.golden[out], "golden/v010_util_polyplex.npz"),
        build=lambda c: (fn_args(c.golden), {}),
        kinds=_util_groups(group),
        **extra,
    )


def seed_entries():
    v10 = V10_KINDS
    golden = Golden
    cj_uncal = Dep(lambda c: c.golden["cj_uncalibrated"], "cj_uncalibrated")
    cj_cal = Dep(lambda c: c.golden["cj_calibrated"], "cj_calibrated")
    s_psx = lp
    return [
        # ---- latent_estimation
        Entry(
            "latent_estimation.compute_confident_joint",
            golden(_golden_cj, "1.0: cj_calibrated, cj_uncalibrated, cj_indices"),
            s_psx,
            v10,
            options={
                "calibrate": flag(True),
                "return_indices_of_off_diagonals": flag(False),
                "K": (Dep(lambda c: c.k, "K"),),
                "thresholds": (Dep(_numpy_thresholds, "np.mean thresholds"),),
            },
            combos=({"calibrate": False, "return_indices_of_off_diagonals": True},),
            same_result={"multi_label": "the [multi_label] variant runs it"},
        ),
        Entry(
            "latent_estimation.compute_confident_joint",
            golden(_golden_cj, "1.0 multi-label: cj, cj_thresholds"),
            lambda c: ((c.ml_labels, c.ml_pred_probs), {"multi_label": True}),
            V10_ML,
            variant="multi_label",
            options={
                "calibrate": flag(True),
                "thresholds": (Dep(lambda c: c.golden["thresholds"], "thresholds"),),
            },
        ),
        Entry(
            "latent_estimation.calibrate_confident_joint",
            golden(_g("calibrate_confident_joint")),
            lambda c: ((c.golden["cj_uncalibrated"], c.labels), {}),
            v10,
            same_result={"multi_label": "the [multi_label] variant runs it"},
        ),
        Entry(
            "latent_estimation.calibrate_confident_joint",
            golden(_g("cj/cal"), "1.0 calibrates cj/uncal into cj/cal (its inventory)"),
            lambda c: ((c.golden["cj/uncal"], c.ml_labels), {"multi_label": True}),
            V10_ML,
            variant="multi_label",
        ),
        Entry(
            "latent_estimation.estimate_joint",
            golden(_golden_joint),
            s_psx,
            v10,
            options={"confident_joint": (cj_uncal,)},
            same_result={"multi_label": "the [multi_label] variant runs it"},
        ),
        Entry(
            "latent_estimation.estimate_joint",
            golden(_golden_joint),
            lambda c: ((c.ml_labels, c.ml_pred_probs), {"multi_label": True}),
            V10_ML,
            variant="multi_label",
            options={"confident_joint": (Dep(lambda c: c.golden["cj/uncal"], "cj/uncal"),)},
        ),
        Entry(
            "latent_estimation.num_label_errors",
            golden(_g("num_label_errors", int), "1.0 returns a Python int"),
            s_psx,
            v10,
            options={"confident_joint": (cj_cal,)},
        ),
        Entry(
            "latent_estimation.estimate_latent",
            golden(_golden_latent),
            lambda c: ((c.golden["cj_calibrated"], c.labels), {}),
            v10,
            options={
                "py_method": ("eqn", "marginal", "marginal_ps"),
                "converge_latent_estimates": flag(False),
            },
            combos=tuple(
                {"py_method": m, "converge_latent_estimates": True}
                for m in ("eqn", "marginal", "marginal_ps")
            ),
            compare=SEED_FLOATS,
        ),
        Entry(
            "latent_estimation.estimate_py_and_noise_matrices_from_probabilities",
            golden(_golden_py_noise),
            s_psx,
            v10 + V10_NEAR1,
            options={"converge_latent_estimates": flag(True)},
            compare=SEED_FLOATS,
            no_reference={"thresholds": NO_GOLDEN, "py_method": NO_GOLDEN, "calibrate": NO_GOLDEN},
        ),
        _values_entries("latent_estimation.converge_estimates", compare=SEED_FLOATS),
        _values_entries(
            "latent_estimation.estimate_confident_joint_from_probabilities",
            no_reference={
                "thresholds": "only the goldens' calls (see v010_values.json)",
                "force_ps": "only the goldens' calls (see v010_values.json)",
                "return_list_of_converging_cj_matrices": "only the goldens' calls",
            },
        ),
        # ---- pruning
        Entry(
            "pruning.get_noise_indices",
            golden(_golden_noise, "1.0; sorted: 1.0's keys, argsorted on this CPU"),
            lambda c: ((c.labels, c.pred_probs), {"n_jobs": 1}),
            v10 + V10_NEAR1,
            options={
                "prune_method": ("prune_by_class", "both"),
                "frac_noise": (0.5,),
                "confident_joint": (cj_uncal,),
                "num_to_remove_per_class": (
                    Dep(lambda c: c.golden["num_to_remove_per_class"], "ntr"),
                ),
                "sorted_index_method": (
                    "prob_given_label",
                    "normalized_margin",
                    "self_confidence",
                    "confidence",
                ),
                "inverse_noise_matrix": (Dep(lambda c: np.eye(c.k), "eye"),),
            },
            combos=(
                *[
                    {"prune_method": pm, **opt}
                    for pm in ("prune_by_class", "both")
                    for opt in (
                        {"frac_noise": 0.5},
                        {"confident_joint": cj_uncal},
                        {"sorted_index_method": "self_confidence"},
                        {"sorted_index_method": "prob_given_label"},
                    )
                ],
                {
                    "prune_method": "prune_by_class",
                    "num_to_remove_per_class": Dep(
                        lambda c: c.golden["num_to_remove_per_class"], "ntr"
                    ),
                },
            ),
            same_result={"multi_label": "the [multi_label] variant runs it"},
        ),
        Entry(
            "pruning.get_noise_indices",
            golden(_golden_noise),
            lambda c: ((c.ml_labels, c.ml_pred_probs), {"multi_label": True, "n_jobs": 1}),
            V10_ML,
            variant="multi_label",
            options={"prune_method": ("prune_by_class", "both")},
        ),
        Entry(
            "pruning.order_label_errors",
            golden(
                lambda c, kw: v10_order(
                    c.golden["noise/prune_by_noise_rate/nj1"],
                    c.pred_probs,
                    c.labels,
                    kw.get("sorted_index_method", "normalized_margin"),
                ),
                "1.0's keys argsorted on this CPU",
            ),
            lambda c: ((c.golden["noise/prune_by_noise_rate/nj1"], c.pred_probs, c.labels), {}),
            v10,
            options={"sorted_index_method": ("prob_given_label", "self_confidence", "confidence")},
        ),
        Entry(
            "pruning.order_label_errors",
            Naive(v10_order, "0.1.0/1.0's formula (inventory), argsorted here"),
            lambda c: ((c.pred_probs.argmax(axis=1) != c.labels, c.pred_probs, c.labels), {}),
            ("ties", "float16", "float32", "float64", "singleton", "sum099", "over1", "k2"),
            variant="formula",
            options={"sorted_index_method": ("prob_given_label", "self_confidence", "confidence")},
        ),
        Entry(
            "pruning.keep_at_least_n_per_class",
            golden(
                lambda c, kw: c.golden[
                    "keep_at_least_n_per_class/" + ("f05" if kw.get("frac_noise") == 0.5 else "f10")
                ]
            ),
            lambda c: ((c.golden["cj_calibrated"].T, 5), {}),
            v10,
            options={"frac_noise": (0.5,)},
        ),
        Entry(
            "pruning.reduce_prune_counts",
            golden(
                lambda c, kw: c.golden[
                    "reduce_prune_counts/" + ("f05" if kw.get("frac_noise") == 0.5 else "f10")
                ]
            ),
            lambda c: ((c.golden["cj_calibrated"].T,), {}),
            v10,
            options={"frac_noise": (0.5,)},
        ),
        Entry(
            "pruning.multiclass_crossval_predict",
            golden(_g("out"), "0.1.0: mcp{i}/out, ml{i}/multiclass_crossval_predict"),
            lambda c: ((c.ml_pred_probs, c.ml_labels), {}),
            V010_MCP,
        ),
        # ---- baseline_methods
        Entry(
            "baseline_methods.baseline_argmax",
            golden(_g("baseline_argmax")),
            lambda c: ((c.pred_probs, c.labels), {}),
            v10,
        ),
        Entry(
            "baseline_methods.baseline_argmax_confusion_matrix",
            golden(
                lambda c, kw: c.golden[
                    "baseline_argmax_cm_cal" if kw.get("calibrate") else "baseline_argmax_cm"
                ]
            ),
            lambda c: ((c.pred_probs, c.labels), {}),
            v10,
            options={"calibrate": flag(False)},
            no_reference={"prune_method": NO_GOLDEN},
        ),
        Entry(
            "baseline_methods.baseline_argmax_calibrated_confusion_matrix",
            golden(_g("baseline_argmax_calibrated_cm")),
            lambda c: ((c.pred_probs, c.labels), {}),
            v10,
            no_reference={"prune_method": NO_GOLDEN},
        ),
        # ---- latent_algebra (0.1.0's algebra/* fixtures)
        Entry(
            "latent_algebra.compute_ps_py_inv_noise_matrix",
            golden(
                lambda c, kw: tuple(c.golden[f"algebra/ps_py_inv/{k}"] for k in ("ps", "py", "inv"))
            ),
            lambda c: ((c.labels, c.golden["algebra/nm"]), {}),
            V010_ALGEBRA,
            compare=SEED_FLOATS,
        ),
        Entry(
            "latent_algebra.compute_py_inv_noise_matrix",
            golden(lambda c, kw: tuple(c.golden[f"algebra/py_inv/{k}"] for k in ("py", "inv"))),
            lambda c: ((c.golden["algebra/ps"], c.golden["algebra/nm"]), {}),
            V010_ALGEBRA,
            compare=SEED_FLOATS,
        ),
        Entry(
            "latent_algebra.compute_inv_noise_matrix",
            golden(
                lambda c, kw: c.golden[
                    "algebra/inv_from_py_ps" if kw.get("ps") is not None else "algebra/inv_from_py"
                ]
            ),
            lambda c: ((c.golden["algebra/py"], c.golden["algebra/nm"]), {}),
            V010_ALGEBRA,
            options={"ps": (Dep(lambda c: c.golden["algebra/ps"], "ps"),)},
            compare=SEED_FLOATS,
        ),
        Entry(
            "latent_algebra.compute_noise_matrix_from_inverse",
            golden(
                lambda c, kw: c.golden[
                    "algebra/nm_from_inv_py" if kw.get("py") is not None else "algebra/nm_from_inv"
                ]
            ),
            lambda c: ((c.golden["algebra/ps"], c.golden["algebra/inv"]), {}),
            V010_ALGEBRA,
            options={"py": (Dep(lambda c: c.golden["algebra/py"], "py"),)},
            compare=SEED_FLOATS,
        ),
        Entry(
            "latent_algebra.compute_py",
            golden(lambda c, kw: c.golden[f"algebra/compute_py/{kw.get('py_method', 'cnt')}"]),
            lambda c: (
                (c.golden["algebra/ps"], c.golden["algebra/nm"], c.golden["algebra/inv"]),
                {"y_count": c.golden["algebra/y_count"]},
            ),
            V010_ALGEBRA,
            options={"py_method": ("eqn", "marginal", "marginal_ps")},
            compare=SEED_FLOATS,
        ),
        Entry(
            "latent_algebra.compute_pyx",
            golden(_g("algebra/pyx")),
            lambda c: ((c.pred_probs, c.golden["algebra/nm"], c.golden["algebra/inv"]), {}),
            V010_ALGEBRA,
            compare=SEED_FLOATS,
        ),
        # ---- util and polyplex (0.1.0's fixtures)
        Entry(
            "util.clip_noise_rates",
            **_util("clip_noise_rates", lambda g: (g["x"],)),
            compare=SEED_FLOATS,
        ),
        Entry(
            "util.clip_values",
            **_util(
                "clip_values",
                lambda g: (
                    g["x"],
                    float(g["low"]),
                    float(g["high"]),
                    None if np.isnan(g["new_sum"]) else float(g["new_sum"]),
                ),
            ),
            compare=SEED_FLOATS,
        ),
        Entry("util.round_preserving_sum", **_util("rps", lambda g: (g["x"],))),
        Entry("util.round_preserving_row_totals", **_util("rprt", lambda g: (g["x"],))),
        Entry(
            "util.value_counts",
            **_util(
                "value_counts",
                lambda g: ([int(v) for v in g["x"]] if g["as_list"] else g["x"],),
                no_reference={"num_classes": "1.0's addition; test_v10_golden covers it"},
            ),
        ),
        Entry(
            "util.confusion_matrix", **_util("confusion_matrix", lambda g: (g["true"], g["pred"]))
        ),
        Entry(
            "util.estimate_pu_f1",
            ref=Golden(lambda c, kw: float(c.golden["out"]), "0.1.0 returns a Python float"),
            build=lambda c: ((c.golden["s"], c.golden["prob_s_eq_1"]), {}),
            kinds=_util_groups("estimate_pu_f1_"),
            compare=SEED_FLOATS,
        ),
        *[
            Entry(
                "util.remove_noise_from_class",
                **_util(
                    "remove_noise_from_class", lambda g, k=k: (g["noise_matrix"], k), f"out{k}"
                ),
                variant=f"class {k}",
            )
            for k in range(2)
        ],
        *[
            _values_entries(
                f"util.{name}",
                no_reference={"round_places": "only the fixtures' calls"}
                if name in ("print_noise_matrix", "print_joint_matrix")
                else {},
            )
            for name in (
                "print_square_matrix",
                "print_noise_matrix",
                "print_joint_matrix",
                "print_inverse_noise_matrix",
            )
        ],
        Entry(
            "util.int2onehot",
            golden(lambda c, kw: c.golden["int2onehot"]),
            lambda c: ((c.ml_labels,), {}),
            V10_ML,
        ),
        Entry(
            "util.onehot2int",
            Naive(lambda onehot: [list(np.flatnonzero(row)) for row in onehot], "its definition"),
            lambda c: ((c.golden["int2onehot"],), {}),
            V10_ML,
        ),
        Entry(
            "util.assert_inputs_are_valid",
            golden(lambda c, kw: None, "returns None on valid input"),
            lambda c: ((np.zeros((len(c.labels), 2)), c.labels), {}),
            v10,
            options={"psx": (Dep(lambda c: c.pred_probs, "psx"),)},
        ),
        Entry(
            "polyplex.joint_bounds",
            golden(lambda c, kw: tuple(c.golden[f"joint_bounds/{k}"] for k in ("x", "min", "max"))),
            lambda c: ((c.golden["py"],), {}),
            _util_groups("polyplex"),
            compare=SEED_FLOATS,
        ),
        _values_entries("polyplex.joint_min_max"),
        _values_entries("polyplex.slope_intercept"),
    ]


# ------------------------------------------------------------------ random functions: invariants


def _nmiv_kinds():
    return tuple(f"v010nmiv:K{k}:{j}" for k in (2, 3, 4, 5, 8) for j in range(0, 50, 5))


def _counts_s_y(result, args, kwargs):
    """#(s == a, y == b): what a noisy-label draw must reproduce exactly."""
    y = np.asarray(args[0] if args else kwargs.get("true_labels", kwargs.get("y")))
    s = np.asarray(result)
    k = int(max(y.max(), s.max())) + 1
    return np.array([[int(np.sum((s == a) & (y == b))) for b in range(k)] for a in range(k)])


def _trace_summary(result, args, kwargs):
    """Shape, trace, column sums, validity for ``py``, and whether the noise rates keep
    to ``max_noise_rate`` (and, where not zero, to ``min_noise_rate``)."""
    if result is False or result is None:
        return repr(result)
    nm = np.asarray(result, dtype=np.float64)
    py = kwargs.get("py")
    valid = None
    if py is not None and kwargs.get("valid_noise_matrix", True):
        valid = bool(_cl("benchmarking.noise_generation.noise_matrix_is_valid")(nm, py))
    off = nm[~np.eye(len(nm), dtype=bool)]
    rates_ok = bool(
        np.all(off <= kwargs.get("max_noise_rate", 0.99999) + 1e-9)
        and np.all(off[off > 0] >= kwargs.get("min_noise_rate", 0.0) - 1e-9)
    )
    return (
        list(nm.shape),
        round(float(np.trace(nm)), 9),
        [round(float(v), 9) for v in nm.sum(axis=0)],
        valid,
        rates_ok,
    )


def _from_trace_call(c):
    g = c.golden
    py = g["py"] if g["py"].size else None
    return (int(g["K"]), float(g["trace"])), {
        "max_trace_prob": float(g["max_trace_prob"]),
        "min_trace_prob": float(g["min_trace_prob"]),
        "py": py,
        "frac_zero_noise_rates": float(g["frac_zero_noise_rates"]),
        "seed": int(g["seed"]),
        "valid_noise_matrix": bool(g["valid_noise_matrix"]),
    }


def _probabilities_summary(result, args, kwargs):
    n, m = args[:2]
    low, high = kwargs.get("min_prob", 0.0), kwargs.get("max_prob", 1.0)
    x = np.asarray(result, dtype=np.float64)
    return (
        len(x),
        round(float(x.sum()), 9) if n else 0.0,
        bool(np.all(x >= low - 1e-9)),
        bool(np.all(x <= high + 1e-9)),
    )


def _probabilities_expected(args, kwargs):
    n, m = args[:2]
    return (n, round(float(m), 9) if n else 0.0, True, True)


def _balls_summary(result, args, kwargs):
    x = np.asarray(result)
    low = kwargs.get("min_balls_per_bin") or 0
    high = kwargs.get("max_balls_per_bin") or args[0]
    return (len(x), int(x.sum()), bool(np.all(x >= low)), bool(np.all(x <= high)))


def _balls_expected(args, kwargs):
    return (args[1], args[0], True, True)


def _noise_matrix_summary(result, args, kwargs):
    nm = np.asarray(result, dtype=np.float64)
    off = nm[~np.eye(len(nm), dtype=bool)]
    return (
        list(nm.shape),
        [round(float(v), 9) for v in nm.sum(axis=0)],
        bool(off.max(initial=0) <= kwargs.get("max_noise_rate", 1.0) + 1e-12),
    )


def _noise_matrix_expected(args, kwargs):
    k = args[0]
    return ([k, k], [1.0] * k, True)


RANDOM = "random draws (DESIGN, semantics 6: draws need not equal cleanlab's); invariants compared"
SEED_DRAW = "changes the draw, not the invariants compared"


def _no_seed(kwargs):
    return {k: v for k, v in kwargs.items() if k != "seed"}


NO_SEED = (
    "cleannb's keyword-only seed= (cleanlab 2.9 draws from numpy's global RNG): the invariants "
    "compared do not depend on the draw"
)


def noise_entries():
    inv = Invariant
    from_trace = tuple(f"v010n:from_trace{i}" for i in range(10))
    noisy = tuple(f"v010n:noisy_labels{i}" for i in range(4))
    out = []
    for module, live in (("noise_generation", None), ("benchmarking.noise_generation", True)):
        lv = (lambda name: f"benchmarking.noise_generation.{name}") if live else (lambda name: None)
        out += [
            Entry(
                f"{module}.noise_matrix_is_valid",
                Live("benchmarking.noise_generation.noise_matrix_is_valid")
                if live
                else Golden(lambda c, kw: bool(c.golden["valid"]), "0.1.0 (Python bool)"),
                lambda c: ((c.golden["noise_matrix"], c.golden["py"]), {}),
                _nmiv_kinds(),
            ),
            Entry(
                f"{module}.generate_noisy_labels",
                inv(_counts_s_y, lv("generate_noisy_labels"), None, RANDOM)
                if live
                else Golden(lambda c, kw: c.golden["counts_s_y"], "0.1.0's counts"),
                lambda c: ((c.golden["y"], c.golden["noise_matrix"]), {}),
                noisy,
                options={"seed": (0, 1)},
                ref_map=_no_seed if live else None,
                ref_map_reason=NO_SEED if live else "",
                summary=None if live else _counts_s_y,
            ),
            Entry(
                f"{module}.generate_noise_matrix_from_trace",
                inv(_trace_summary, lv("generate_noise_matrix_from_trace"), None, RANDOM)
                if live
                else Golden(
                    lambda c, kw: _trace_summary(c.golden["out"], *_from_trace_call(c)),
                    "0.1.0's output, summarised",
                ),
                _from_trace_call,
                from_trace,
                summary=None if live else _trace_summary,
                ref_map=_no_seed if live else None,
                ref_map_reason=NO_SEED if live else "",
                options={"max_noise_rate": (0.5,), "min_noise_rate": (0.01,)} if live else {},
                no_reference={
                    "max_iter": "golden/v010_values.json's max_iter calls ([v010 values])",
                    **(
                        {}
                        if live
                        else {
                            "max_noise_rate": "only the fixtures' calls (the 2.9 twin runs it)",
                            "min_noise_rate": "only the fixtures' calls (the 2.9 twin runs it)",
                        }
                    ),
                },
            ),
            Entry(
                f"{module}.generate_n_rand_probabilities_that_sum_to_m",
                inv(
                    _probabilities_summary,
                    lv("generate_n_rand_probabilities_that_sum_to_m"),
                    _probabilities_expected,
                    RANDOM,
                ),
                lambda c: ((7, 1.0), {"seed": 3}),
                ("none",),
                options={"max_prob": (0.3,), "min_prob": (0.05,)},
                ref_map=_no_seed if live else None,
                ref_map_reason=NO_SEED if live else "",
                combos=({"max_prob": 0.3, "min_prob": 0.05},),
            ),
            Entry(
                f"{module}.randomly_distribute_N_balls_into_K_bins",
                inv(
                    _balls_summary,
                    lv("randomly_distribute_N_balls_into_K_bins"),
                    _balls_expected,
                    RANDOM,
                ),
                lambda c: ((40, 6), {"seed": 3}),
                ("none",),
                options={"max_balls_per_bin": (9,), "min_balls_per_bin": (4,)},
                ref_map=_no_seed if live else None,
                ref_map_reason=NO_SEED if live else "",
                combos=({"max_balls_per_bin": 9, "min_balls_per_bin": 4},),
            ),
        ]
    out += [
        Entry(
            "noise_generation.generate_noise_matrix",
            Invariant(_noise_matrix_summary, None, _noise_matrix_expected, RANDOM),
            lambda c: ((4,), {"seed": 5}),
            ("none",),
            options={"max_noise_rate": (0.3,), "frac_zero_noise_rates": (0.5,)},
        ),
        _values_entries("noise_generation.noise_matrix_is_valid"),
        _values_entries("noise_generation.generate_noise_matrix_from_trace"),
        _values_entries("noise_generation.randomly_distribute_N_balls_into_K_bins"),
        _values_entries("noise_generation.generate_n_rand_probabilities_that_sum_to_m"),
    ]
    return out


# ------------------------------------------------- cleanlab 2.9's helpers, re-exported


def _estimates(c):
    """(py, noise_matrix, inv_noise_matrix, ps, y_count) from cleanlab 2.9 on the case."""
    py, nm, inv, cj = _quiet(
        _cl("count.estimate_py_and_noise_matrices_from_probabilities"), c.labels, c.pred_probs
    )
    ps = np.bincount(c.labels, minlength=c.k) / float(len(c.labels))
    return py, nm, inv, ps, cj.sum(axis=0).astype(float)


SEED_THRESHOLDS = (
    "0.1.0/1.0 keep a zero diagonal in the confident joint where 2.9 clips it to 1, which "
    "given thresholds produce here: 2.9 is no reference, and no 0.1.0/1.0 fixture holds it"
)
HELPER_KINDS = ("ties", "float16", "float32", "singleton", "k2")


def helper_entries():
    live = Live
    est = _estimates
    out = [
        Entry(
            "count.value_counts_fill_missing_classes",
            live("count.value_counts_fill_missing_classes"),
            lambda c: ((c.labels, c.k + 2), {}),
            HELPER_KINDS,
            same_result={"multi_label": "the [multi_label] variant runs it"},
        ),
        Entry(
            "count.value_counts_fill_missing_classes",
            live("count.value_counts_fill_missing_classes"),
            lambda c: ((c.ml_labels, c.k + 1), {"multi_label": True}),
            ("ml_float32", "ml_k2"),
            variant="multi_label",
        ),
        Entry(
            "benchmarking.noise_generation.value_counts",
            live("benchmarking.noise_generation.value_counts"),
            lambda c: ((c.labels,), {}),
            HELPER_KINDS,
            options={"num_classes": (Dep(lambda c: c.k + 2, "K+2"),)},
            same_result={"multi_label": "the [multi_label] variant runs it"},
        ),
        Entry(
            "benchmarking.noise_generation.value_counts",
            live("benchmarking.noise_generation.value_counts"),
            lambda c: ((c.ml_labels,), {"multi_label": True}),
            ("ml_float32", "ml_k2"),
            variant="multi_label",
        ),
        Entry(
            "count.append_extra_datapoint",
            live("count.append_extra_datapoint"),
            lambda c: ((_features(c)[:3], _features(c), 5), {}),
            ("float64",),
        ),
        Entry(
            "count.assert_valid_inputs",
            live("count.assert_valid_inputs"),
            lambda c: ((_features(c), c.labels), {}),
            SL,
            options={
                "pred_probs": (Dep(lambda c: c.pred_probs, "pred_probs"),),
                "allow_missing_classes": flag(True),
                "allow_one_class": flag(False),
            },
            same_result={"multi_label": "the [multi_label] variant runs it"},
        ),
        Entry(
            "count.assert_valid_inputs",
            live("count.assert_valid_inputs"),
            lambda c: (
                (np.zeros((len(c.ml_labels), 2)), c.ml_labels),
                {"pred_probs": c.ml_pred_probs, "multi_label": True},
            ),
            ML,
            variant="multi_label",
        ),
        Entry(
            "count.clip_noise_rates",
            live("count.clip_noise_rates"),
            lambda c: ((est(c)[1] * 1.2,), {}),
            HELPER_KINDS,
        ),
        Entry(
            "count.clip_values",
            live("count.clip_values"),
            lambda c: ((est(c)[0] * 1.5,), {}),
            HELPER_KINDS,
            options={"low": (0.1,), "high": (0.4,), "new_sum": (1.0,)},
            combos=({"low": 0.05, "high": 0.5, "new_sum": 1.0},),
        ),
        Entry(
            "count.compute_inv_noise_matrix",
            live("count.compute_inv_noise_matrix"),
            lambda c: ((est(c)[0], est(c)[1]), {}),
            HELPER_KINDS,
            options={"ps": (Dep(lambda c: est(c)[3], "ps"),)},
        ),
        Entry(
            "count.compute_noise_matrix_from_inverse",
            live("count.compute_noise_matrix_from_inverse"),
            lambda c: ((est(c)[3], est(c)[2]), {}),
            HELPER_KINDS,
            options={"py": (Dep(lambda c: est(c)[0], "py"),)},
        ),
        Entry(
            "count.compute_py",
            live("count.compute_py"),
            lambda c: ((est(c)[3], est(c)[1], est(c)[2]), {}),
            HELPER_KINDS,
            options={"py_method": ("eqn", "marginal", "marginal_ps")},
            combos=(
                {
                    "py_method": "marginal",
                    "true_labels_class_counts": Dep(lambda c: est(c)[4], "y"),
                },
            ),
            no_reference={"true_labels_class_counts": "used by py_method='marginal' (a combo)"},
        ),
        Entry(
            "count.get_num_classes",
            live("count.get_num_classes"),
            lambda c: ((), {"labels": c.labels}),
            HELPER_KINDS,
            options={
                "pred_probs": (Dep(lambda c: c.pred_probs, "pred_probs"),),
                "label_matrix": (Dep(lambda c: np.eye(c.k)[c.labels], "onehot"),),
            },
            same_result={"multi_label": "the [multi_label] variant runs it"},
        ),
        Entry(
            "count.get_num_classes",
            live("count.get_num_classes"),
            lambda c: ((), {"labels": c.ml_labels, "multi_label": True}),
            ("ml_float32", "ml_k2", "ml_k40"),
            variant="multi_label",
            options={"pred_probs": (Dep(lambda c: c.ml_pred_probs, "pred_probs"),)},
        ),
        Entry(
            "count.get_onehot_num_classes",
            live("count.get_onehot_num_classes"),
            lambda c: ((c.ml_labels,), {}),
            ("ml_float32", "ml_k2", "ml_k40"),
            options={"pred_probs": (Dep(lambda c: c.ml_pred_probs, "pred_probs"),)},
        ),
        Entry(
            "count.get_unique_classes",
            live("count.get_unique_classes"),
            lambda c: ((c.labels,), {}),
            HELPER_KINDS,
            same_result={"multi_label": "the [multi_label] variant runs it"},
        ),
        Entry(
            "count.get_unique_classes",
            live("count.get_unique_classes"),
            lambda c: ((c.ml_labels,), {"multi_label": True}),
            ("ml_float32", "ml_k2"),
            variant="multi_label",
        ),
        Entry(
            "count.is_torch_dataset",
            live("count.is_torch_dataset"),
            lambda c: ((_features(c),), {}),
            ("float64",),
        ),
        Entry(
            "count.labels_to_array",
            live("count.labels_to_array"),
            lambda c: ((c.labels,), {}),
            HELPER_KINDS,
        ),
        Entry(
            "count.labels_to_array",
            live("count.labels_to_array"),
            lambda c: ((c.labels.tolist(),), {}),
            ("k2",),
            variant="list",
        ),
        Entry(
            "count.round_preserving_row_totals",
            live("count.round_preserving_row_totals"),
            lambda c: ((_cj_uncal(c) * 1.37,), {}),
            HELPER_KINDS,
        ),
        Entry(
            "count.stack_complement",
            live("count.stack_complement"),
            lambda c: ((c.ml_pred_probs[:, 0],), {}),
            ML,
        ),
        Entry(
            "count.train_val_split",
            live("count.train_val_split"),
            lambda c: ((_features(c), c.labels, np.arange(0, 300, 2), np.arange(1, 300, 2)), {}),
            ("float64",),
        ),
        Entry(
            "experimental.label_issues_batched.split_arr",
            live("experimental.label_issues_batched.split_arr"),
            lambda c: ((c.pred_probs, 37), {}),
            HELPER_KINDS,
        ),
        Entry(
            "filter.int2onehot",
            live("filter.int2onehot"),
            lambda c: ((c.ml_labels, c.k), {}),
            ML,
        ),
        Entry(
            "classification.compress_int_array",
            live("classification.compress_int_array"),
            lambda c: ((c.labels, c.k), {}),
            HELPER_KINDS,
        ),
        Entry(
            "classification.force_two_dimensions",
            live("classification.force_two_dimensions"),
            lambda c: ((np.repeat(_features(c)[:, :, None], 2, axis=2),), {}),
            ("float64",),
        ),
        Entry(
            "classification.subset_X_y",
            live("classification.subset_X_y"),
            lambda c: ((_features(c), c.labels, c.labels % 3 != 0), {}),
            ("float64",),
        ),
        Entry(
            "rank.get_normalized_entropy",
            live("rank.get_normalized_entropy"),
            lambda c: ((c.pred_probs,), {}),
            SL,
            options={"min_allowed_prob": (1e-3,)},
        ),
    ]
    for name, options in (
        ("estimate_cv_predicted_probabilities", {"seed": (1,)}),
        (
            "estimate_confident_joint_and_cv_pred_proba",
            {"calibrate": (False,), "thresholds": (THRESHOLDS,)},
        ),
        (
            "estimate_noise_matrices",
            {"converge_latent_estimates": (False,), "thresholds": (THRESHOLDS,)},
        ),
        (
            "estimate_py_noise_matrices_and_cv_pred_proba",
            {
                "py_method": ("marginal",),
                "thresholds": (THRESHOLDS,),
                "converge_latent_estimates": (True,),
            },
        ),
    ):
        for module in ("count", "latent_estimation"):
            seed = module == "latent_estimation"
            params = inspect.signature(
                getattr(importlib.import_module(f"cleannb.{module}"), name)
            ).parameters
            out.append(
                Entry(
                    f"{module}.{name}",
                    live(f"count.{name}"),
                    # two folds on two classes: each fit costs about 0.1 s here
                    lambda c: ((_features(c), c.labels), {"seed": 0, "cv_n_folds": 2}),
                    ("k2",),
                    options={k: v for k, v in options.items() if not (seed and k == "thresholds")},
                    variant="2.9" if seed else "",
                    same_result={
                        k: CV for k in ("clf", "clf_kwargs", "validation_func") if k in params
                    },
                    no_reference={"thresholds": SEED_THRESHOLDS}
                    if seed and "thresholds" in params
                    else {},
                )
            )
    return out
