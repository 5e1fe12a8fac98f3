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
    if kind.startswith("v010_"):
        return _golden_case(kind)
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


def _mask(c):
    return _quiet(_cl("filter.find_label_issues"), c.labels, c.pred_probs, n_jobs=1)


def _scores(c):
    return _quiet(_cl("rank.get_label_quality_scores"), c.labels, c.pred_probs)


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


THRESHOLD_SUMS = Compare(
    "ulp",
    ulps=4,
    reason="cleannb sums each class in float64 in a fixed order (the same for any chunking, "
    "source or thread count) and rounds the mean to the input dtype once; numpy's mean sums "
    "pairwise in the input dtype, so the last bits can differ (DESIGN, semantics 5; "
    "test_count.assert_thresholds allows the same 4 ulps)",
)
#: Kinds on which cleannb may return where the reference raises, and why.
LENIENT = {
    "over1": "values up to 1 + 1e-5: cleanlab 2.9 rejects them in filter/rank/dataset but "
    "accepts them in compute_confident_joint/estimate_joint, and 0.1.0/1.0 accept them "
    "everywhere; cleannb accepts them everywhere (issue 27, finding 4)",
    "ml_over1": "as over1, for multi-label pred_probs",
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
    return _cl("rank.order_label_issues")(mask, labels, pred_probs, rank_by=method)


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
            compare=THRESHOLD_SUMS,
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
                "get_confidence_weighted_entropy_for_each_label",
            )
        ],
        Entry(
            "rank.order_label_issues",
            live("rank.order_label_issues"),
            lambda c: ((_mask(c), c.labels, c.pred_probs), {}),
            SL,
            options={"rank_by": RANKINGS[1:], "rank_by_kwargs": (ADJUSTED,)},
            combos=({"rank_by": "normalized_margin", "rank_by_kwargs": ADJUSTED},),
            sources=True,
        ),
        Entry(
            "rank.find_top_issues",
            live("rank.find_top_issues"),
            lambda c: ((_scores(c),), {}),
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
}


def entries():
    """The whole table."""
    return modern_entries()
