"""Compile ahead of time, and cache on disk, the kernels a typical run needs.

cleannb's Numba kernels compile on their first call and are cached on disk
(``cache=True``), one compiled body per kernel, argument types (the dtype of
``pred_probs``, its memory layout, whether it is read-only) and twin: every
kernel exists as a serial twin, which small inputs and one thread use, and a
parallel twin, for inputs of ``PARALLEL_MIN_BYTES`` or more with several
threads (``cleannb/_kernels/_compile.py``). :func:`warmup` pays the whole
compile price once, e.g. while a container image is built or in a CI step
that saves the cache, so that later processes only load the kernels.

How it works: the public functions of :mod:`cleannb.count`,
:mod:`cleannb.filter`, :mod:`cleannb.rank`,
:mod:`cleannb.multilabel_classification` and of cleanlab 0.1.0's
:mod:`cleannb.pruning` and :mod:`cleannb.latent_estimation` run on tiny
inputs of each requested dtype, with every option that selects a kernel
(each ``filter_by``, each ranking and score method, both collision rules,
both tie orders, data with and without ties), on one thread, which compiles
the serial twins. The tiny inputs take the paths of large ones
(``_validation.large_input_paths``: their own dtype, the selection kernels);
then, unless float64 is among the dtypes, they run once more as small
inputs, which compiles the float64 kernels those share. Then every
parallel twin is compiled for the argument types its serial twin was
compiled for. That needs neither large inputs nor several cores, so a
one-core image builder warms what a many-core machine will run.
"""

from __future__ import annotations

import importlib
import pkgutil
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from .._core.method_names import FILTERS, RANKINGS
from .._core.validation import large_input_paths

#: dtypes of ``pred_probs`` that the kernels accept.
DTYPES = ("float16", "float32", "float64")
DEFAULT_DTYPES = ("float32", "float64")
#: Shape of the tiny inputs: enough rows for every class to have examples,
#: issues and ties.
_ROWS, _CLASSES = 240, 4
#: (score method, adjust_pred_probs) pairs that the rankings accept.
_RANKED = (
    ("self_confidence", False),
    ("self_confidence", True),
    ("normalized_margin", False),
    ("normalized_margin", True),
    ("confidence_weighted_entropy", False),
)


@dataclass(frozen=True)
class WarmupSummary:
    """What :func:`warmup` did.

    Attributes
    ----------
    dtypes : tuple of str
        The dtypes of ``pred_probs`` warmed.
    compiled : tuple of str
        ``"module.kernel(argument types)"`` of each kernel compiled by this
        call (not found in the disk cache); it is now cached.
    loaded : int
        Kernel signatures loaded from the disk cache instead.
    kernels : int
        Kernel signatures in memory after the call (compiled, loaded, or
        already there before it). With an empty cache this counts the
        helpers compiled on the way; a cached kernel loads with its helpers
        inside, so a warm cache shows fewer.
    cache_dirs : tuple of str
        The directories that hold the cache files of these kernels.
    seconds : float
        Wall-clock time of the whole call.
    steps : dict of str to float
        Seconds per step: one per dtype (serial twins), then ``"parallel twins"``.
    """

    dtypes: tuple
    compiled: tuple
    loaded: int
    kernels: int
    cache_dirs: tuple
    seconds: float
    steps: dict = field(default_factory=dict)

    def lines(self):
        """The summary as lines of text (what ``cleannb warmup`` prints).

        Returns
        -------
        list of str

        Examples
        --------
        >>> summary = WarmupSummary(
        ...     dtypes=("float64",), compiled=(), loaded=24, kernels=24,
        ...     cache_dirs=("/opt/numba-cache/_kernels_0a1b",), seconds=0.61,
        ...     steps={"float64": 0.5, "parallel twins": 0.1},
        ... )
        >>> print("\\n".join(summary.lines()))
        Warmed cleannb's kernels for float64 in 0.6 s (float64 0.5 s, parallel twins 0.1 s).
        0 kernel signatures compiled and cached, 24 loaded from the cache, 24 in memory.
        Numba cache: /opt/numba-cache/_kernels_0a1b
        """
        steps = ", ".join(f"{name} {sec:.1f} s" for name, sec in self.steps.items())
        out = [
            f"Warmed cleannb's kernels for {', '.join(self.dtypes)} "
            f"in {self.seconds:.1f} s ({steps}).",
            f"{len(self.compiled)} kernel signatures compiled and cached, {self.loaded} loaded "
            f"from the cache, {self.kernels} in memory.",
        ]
        places = ", ".join(self.cache_dirs) if self.cache_dirs else "(no kernel cached)"
        out.append(f"Numba cache: {places}")
        return out


def _tiny_data(dtype, tied, seed=0):
    """Labels and ``pred_probs`` of :data:`_ROWS` x :data:`_CLASSES`, about 25 % mislabelled.

    With ``tied``, rows repeat a few distinct rows, so that equal keys fall
    on every cut and the tie-handling code runs too.
    """
    rng = np.random.default_rng(seed)
    true = np.arange(_ROWS) % _CLASSES
    logits = rng.normal(size=(_ROWS, _CLASSES)) + 2.0 * np.eye(_CLASSES)[true]
    pred_probs = np.exp(logits)
    pred_probs /= pred_probs.sum(axis=1, keepdims=True)
    if tied:
        pred_probs = pred_probs[true + _CLASSES * (np.arange(_ROWS) % 3 == 0)]
    labels = true.copy()
    flip = rng.random(_ROWS) < 0.25
    labels[flip] = rng.integers(0, _CLASSES, int(flip.sum()))
    return labels, pred_probs.astype(dtype)


def _dtype_calls(dtype, readonly):
    """Every call below on the tiny inputs of ``dtype``, with and without ties."""
    from .._core import ties as _ties

    for tied in (False, True):
        labels, pred_probs = _tiny_data(dtype, tied)
        for order in _ties.TIE_ORDERS:
            with _ties.tie_order(order):
                _api_calls(labels, pred_probs)
        if readonly:
            _readonly_calls(labels, pred_probs)


def _api_calls(labels, pred_probs):
    """Run what a typical run of count, filter and rank runs, for these inputs."""
    from .. import count, filter, rank

    opts = {"n_jobs": 1}
    count.get_confident_thresholds(labels, pred_probs, **opts)
    for rule in count.COLLISION_RULES:
        for calibrate in (True, False):
            count.compute_confident_joint(
                labels, pred_probs, calibrate=calibrate, collision_rule=rule, **opts
            )
    count.compute_confident_joint(labels, pred_probs, return_indices_of_off_diagonals=True, **opts)
    count.estimate_joint(labels, pred_probs, **opts)
    count.estimate_py_and_noise_matrices_from_probabilities(labels, pred_probs, **opts)
    for method in count.NUM_ISSUE_METHODS:
        joint = count.compute_confident_joint(labels, pred_probs, **opts)
        count.num_label_issues(
            labels,
            pred_probs,
            estimation_method=method,
            confident_joint=joint if method == "off_diagonal_custom" else None,
            **opts,
        )
    for filter_by in filter.FILTERS:
        filter.find_label_issues(labels, pred_probs, filter_by=filter_by, **opts)
    for ranked, adjust in _RANKED:
        filter.find_label_issues(
            labels,
            pred_probs,
            return_indices_ranked_by=ranked,
            rank_by_kwargs={"adjust_pred_probs": adjust},
            **opts,
        )
    filter.find_predicted_neq_given(labels, pred_probs, **opts)
    filter.find_label_issues_using_argmax_confusion_matrix(labels, pred_probs, **opts)
    mask = filter.find_label_issues(labels, pred_probs, filter_by="confident_learning", **opts)
    for method, adjust in _RANKED:
        rank.get_label_quality_scores(
            labels, pred_probs, method=method, adjust_pred_probs=adjust, **opts
        )
    for method in filter.RANKINGS:
        rank.order_label_issues(mask, labels, pred_probs, rank_by=method, **opts)
    rank.get_self_confidence_for_each_label(labels, pred_probs, **opts)
    rank.get_normalized_margin_for_each_label(labels, pred_probs, **opts)
    rank.get_confidence_weighted_entropy_for_each_label(labels, pred_probs, **opts)
    _multilabel_calls(labels, pred_probs)
    _seed_calls(labels, pred_probs)


def _multilabel_calls(labels, pred_probs):
    """The same for :mod:`cleannb.multilabel_classification` (every fifth row has two labels)."""
    from .. import filter
    from ..multilabel_classification import filter as ml_filter
    from ..multilabel_classification import rank as ml_rank

    lists = [[int(k)] if i % 5 else [int(k), (int(k) + 1) % _CLASSES] for i, k in enumerate(labels)]
    for filter_by in filter.FILTERS:
        ml_filter.find_label_issues(lists, pred_probs, filter_by=filter_by, n_jobs=1)
    ml_filter.find_label_issues(
        lists, pred_probs, return_indices_ranked_by="self_confidence", n_jobs=1
    )
    for method, adjust in _RANKED:
        ml_rank.get_label_quality_scores(
            lists, pred_probs, method=method, adjust_pred_probs=adjust, n_jobs=1
        )


def _seed_calls(labels, pred_probs):
    """The same for cleanlab 0.1.0's names (:mod:`cleannb.pruning` and friends)."""
    from .. import latent_estimation, pruning, util

    opts = {"n_jobs": 1}
    latent_estimation.compute_confident_joint(labels, pred_probs, **opts)
    latent_estimation.estimate_py_and_noise_matrices_from_probabilities(labels, pred_probs, **opts)
    for method in pruning.PRUNE_METHODS:
        for order in (None, *pruning.SORTED_INDEX_METHODS):
            pruning.get_noise_indices(
                labels, pred_probs, prune_method=method, sorted_index_method=order, **opts
            )
    util.round_preserving_row_totals(np.array([[0.5, 1.5, 1.0], [2.4, 0.6, 0.0]]))


def _readonly_calls(labels, pred_probs):
    """What ``cleannb find-issues`` runs, on read-only ``pred_probs`` (and labels).

    For arrays the caller made read-only (``np.load(..., mmap_mode="r")``,
    ``flags.writeable = False``): int64 labels reach the kernels read-only
    too. (``cleannb find-issues`` maps ``.npy`` files copy-on-write, which
    the ordinary kernels serve.)
    """
    from .. import count, rank
    from .find_issues import find_issues

    fixed_labels, fixed_probs = labels.copy(), pred_probs.copy()
    fixed_labels.flags.writeable = fixed_probs.flags.writeable = False
    for given in (labels, fixed_labels):
        for filter_by in FILTERS:
            for rank_by in RANKINGS:
                find_issues(given, fixed_probs, filter_by=filter_by, rank_by=rank_by, n_jobs=1)
        count.get_confident_thresholds(given, fixed_probs, n_jobs=1)
        for method, adjust in _RANKED:
            rank.get_label_quality_scores(
                given, fixed_probs, method=method, adjust_pred_probs=adjust, n_jobs=1
            )


def _noise_calls():
    """Run the kernels of :mod:`cleannb.noise_generation`."""
    from .. import noise_generation as ng

    py = np.full(_CLASSES, 1.0 / _CLASSES)
    matrix = ng.generate_noise_matrix_from_trace(
        _CLASSES, 0.7 * _CLASSES, py=py, frac_zero_noise_rates=0.5, seed=0, n_jobs=1
    )
    ng.noise_matrix_is_valid(matrix, py)
    ng.generate_noisy_labels(np.arange(_ROWS) % _CLASSES, matrix, seed=0, n_jobs=1)
    ng.generate_n_rand_probabilities_that_sum_to_m(_CLASSES, 1.0, seed=0)
    ng.randomly_distribute_N_balls_into_K_bins(_ROWS, _CLASSES, seed=0)
    ng.generate_noise_matrix(_CLASSES, max_noise_rate=0.5, seed=0)


def kernel_dispatchers():
    """Every Numba dispatcher of ``cleannb._kernels``, by name, and the twin pairs.

    Returns
    -------
    dispatchers : dict of str to numba dispatcher
        ``"module.name"`` (``.serial``/``.parallel`` for twins) to dispatcher.
    twins : list of (serial, parallel)
        The two dispatchers of each kernel compiled as twins.

    Examples
    --------
    Listing them compiles nothing:

    >>> dispatchers, twins = kernel_dispatchers()
    >>> len(twins) > 0 and all(serial is not parallel for serial, parallel in twins)
    True
    >>> sorted({name.split(".")[0] for name in dispatchers})[:2]
    ['confident', 'dtype']
    """
    from numba.core.registry import CPUDispatcher

    from .. import _kernels
    from .._kernels._compile import Twins

    dispatchers, pairs = {}, []
    for info in pkgutil.iter_modules(_kernels.__path__):
        module = importlib.import_module(f"{_kernels.__name__}.{info.name}")
        short = info.name
        # Each kernel is listed under the module that defines it, not those importing it.
        for name, value in vars(module).items():
            if isinstance(value, Twins) and value.serial.py_func.__module__ == module.__name__:
                dispatchers[f"{short}.{name}.serial"] = value.serial
                dispatchers[f"{short}.{name}.parallel"] = value.parallel
                pairs.append((value.serial, value.parallel))
            elif isinstance(value, CPUDispatcher) and value.__module__ == module.__name__:
                dispatchers[f"{short}.{name}"] = value
    return dispatchers, pairs


def _counts(dispatchers):
    """(signatures in memory, cache hits, cache misses) summed over ``dispatchers``."""
    total = hits = misses = 0
    for dispatcher in dispatchers.values():
        total += len(dispatcher.signatures)
        stats = dispatcher.stats
        hits += sum(stats.cache_hits.values())
        misses += sum(stats.cache_misses.values())
    return total, hits, misses


def _check_dtypes(dtypes):
    if isinstance(dtypes, str | np.dtype | type):
        dtypes = (dtypes,)
    names = []
    for dtype in dtypes:
        try:
            name = np.dtype(dtype).name
        except TypeError:
            name = repr(dtype)
        if name not in DTYPES:
            raise ValueError(f"dtypes: {dtype!r} is not one of {', '.join(DTYPES)}.")
        if name not in names:
            names.append(name)
    if not names:
        raise ValueError(f"dtypes is empty; give one or more of {', '.join(DTYPES)}.")
    return tuple(names)


def warmup(dtypes=DEFAULT_DTYPES, *, parallel=True, readonly=False, noise_generation=False):
    """Compile and cache on disk the kernels that a typical run needs.

    Runs the functions of :mod:`cleannb.count`, :mod:`cleannb.filter`,
    :mod:`cleannb.rank` and :mod:`cleannb.multilabel_classification` (every
    ``filter_by``, ranking and score method), and their cleanlab 0.1.0
    counterparts in :mod:`cleannb.pruning` and :mod:`cleannb.latent_estimation`,
    on tiny inputs of each dtype, then compiles the parallel twin of every
    kernel that ran (see the module docstring). Afterwards, in any process
    that uses the same cache, these functions load their kernels instead of
    compiling them. Run it once where the cache will live: while building
    a container image, or in a CI step whose cache directory is saved.

    Parameters
    ----------
    dtypes : sequence of str or numpy dtype, default ("float32", "float64")
        dtypes of ``pred_probs`` to warm, among "float16", "float32" and
        "float64"; each one compiles its own kernels.
    parallel : bool, default True
        Also compile the parallel twins (used for inputs of 1 MiB or more
        with more than one thread); needs no more than one core.
    readonly : bool, default False
        Also warm the kernels for read-only ``pred_probs`` and labels (such
        as ``np.load(path, mmap_mode="r")`` gives): Numba compiles read-only
        arrays separately. This adds about as much time again.
    noise_generation : bool, default False
        Also warm :mod:`cleannb.noise_generation` (independent of ``dtypes``).

    Returns
    -------
    WarmupSummary
        What was compiled or loaded, where the cache is, and how long it took.

    Raises
    ------
    ValueError
        If a dtype is not one of the three above.

    Notes
    -----
    ``pred_probs`` of 1 MiB or more in another memory layout
    (Fortran-ordered or strided) still compiles its own kernels on first
    use, as do such read-only arrays beyond what ``readonly`` warms; smaller
    inputs of any kind share the kernels of float64 C-ordered arrays, which
    every warm-up compiles. The other public functions (``dataset``, the
    cross-validation helpers of ``count``) run these same kernels.
    A twin compiled but never run costs nothing but the compile time.

    Examples
    --------
    Warming everything takes a while the first time (see the README), so
    this example is not run by the doctests:

    >>> import cleannb
    >>> summary = cleannb.warmup(dtypes=["float32"])  # doctest: +SKIP
    >>> print("\\n".join(summary.lines()))  # doctest: +SKIP
    Warmed cleannb's kernels for float32 in 50.2 s (float32 ...).
    38 kernel signatures compiled and cached, 0 loaded from the cache, 38 in memory.
    Numba cache: .../cleannb/_kernels/__pycache__

    A bad dtype fails at once, before anything compiles:

    >>> cleannb.warmup(dtypes=["int8"])
    Traceback (most recent call last):
    ...
    ValueError: dtypes: 'int8' is not one of float16, float32, float64.
    """
    names = _check_dtypes(dtypes)
    start = time.perf_counter()
    dispatchers, pairs = kernel_dispatchers()
    before = {key: set(d.signatures) for key, d in dispatchers.items()}
    _, hits0, _ = _counts(dispatchers)
    steps = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in names:
            step = time.perf_counter()
            with large_input_paths():  # the kernels of inputs too large to share the float64 ones
                _dtype_calls(name, readonly)
            steps[name] = time.perf_counter() - step
        if "float64" not in names:
            # small inputs of any dtype run the kernels of float64, C-ordered arrays
            step = time.perf_counter()
            _dtype_calls(names[0], readonly=False)
            steps["small inputs"] = time.perf_counter() - step
        if noise_generation:
            step = time.perf_counter()
            _noise_calls()
            steps["noise generation"] = time.perf_counter() - step
        if parallel:
            step = time.perf_counter()
            for serial, twin in pairs:
                for signature in list(serial.signatures):
                    twin.compile(signature)
            steps["parallel twins"] = time.perf_counter() - step
    total, hits, _ = _counts(dispatchers)
    compiled = []
    for key, dispatcher in dispatchers.items():
        misses = dispatcher.stats.cache_misses
        for signature in dispatcher.signatures:
            if signature not in before[key] and misses.get(signature, 0):
                types = ", ".join(str(t) for t in signature)
                compiled.append(f"{key}({types})")
    dirs = sorted(
        {d.stats.cache_path for d in dispatchers.values() if d.signatures and d.stats.cache_path}
    )
    return WarmupSummary(
        dtypes=names,
        compiled=tuple(compiled),
        loaded=hits - hits0,
        kernels=total,
        cache_dirs=tuple(dirs),
        seconds=time.perf_counter() - start,
        steps=steps,
    )
