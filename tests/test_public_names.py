"""Every public name of cleanlab 2.9's claimed modules is importable from cleannb's.

The rule for "public name" (applied to each cleanlab module as imported):
every attribute whose name does not start with ``_`` and that is either

- a function or class whose ``__module__`` is inside the ``cleanlab`` package
  (defined in the module or imported into it from another cleanlab module,
  ``cleanlab.internal`` included: user code and cleanlab's own tests import
  them from there, e.g. ``cleanlab.count.compute_inv_noise_matrix``), or
- a number (int or float, not bool): the module's constants.

Left out: modules (``np``, ``pd``, ``warnings``), typing helpers, callables of
other packages (``LogReg``, ``confusion_matrix``), availability flags (bools
such as ``tqdm_exists``) and ``filter.mp_params`` (multiprocessing state).

Each name cleannb re-exports must have cleanlab's signature; each helper that
cleannb newly wrote (:mod:`cleannb._core.internal`) is compared with cleanlab 2.9
on random data here.
"""

from __future__ import annotations

import importlib
import inspect
import types
import warnings

import numpy as np
import pytest
from test_api_parity import equivalent_default

pytest.importorskip("cleanlab")

import cleannb.count as nb_count  # noqa: E402
import cleannb.dataset as nb_dataset  # noqa: E402
import cleannb.filter as nb_filter  # noqa: E402
import cleannb.rank as nb_rank  # noqa: E402
from cleannb._core import internal as _internal  # noqa: E402
from cleannb.benchmarking import noise_generation as nb_noise  # noqa: E402
from cleannb.experimental import label_issues_batched as nb_batched  # noqa: E402

MODULES = (
    "count",
    "filter",
    "rank",
    "dataset",
    "experimental.label_issues_batched",
    "benchmarking.noise_generation",
)


def public_names(module):
    """The public names of ``module`` by the rule in the module docstring."""
    names = {}
    for name, value in vars(module).items():
        if name.startswith("_") or isinstance(value, types.ModuleType):
            continue
        if isinstance(value, int | float) and not isinstance(value, bool):
            names[name] = value
        elif callable(value) and (getattr(value, "__module__", "") or "").startswith("cleanlab"):
            names[name] = value
    return names


def cleanlab_module(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return importlib.import_module(f"cleanlab.{name}")


@pytest.mark.parametrize("module", MODULES)
def test_every_public_name_of_cleanlab_is_importable(module):
    theirs = public_names(cleanlab_module(module))
    ours = importlib.import_module(f"cleannb.{module}")
    missing = sorted(name for name in theirs if not hasattr(ours, name))
    assert not missing, f"cleannb.{module} lacks {missing}"
    assert len(theirs) > 4  # the rule found the module's functions


def test_every_public_name_of_cleanlab_classification_is_importable():
    theirs = public_names(cleanlab_module("classification"))
    ours = importlib.import_module("cleannb.classification")
    assert sorted(name for name in theirs if not hasattr(ours, name)) == []


def _cases():
    for module in MODULES:
        for name, value in public_names(cleanlab_module(module)).items():
            yield module, name, value


CASES = list(_cases())


@pytest.mark.parametrize(
    "module,name", [(m, n) for m, n, _ in CASES], ids=lambda x: x.replace(".", "_")
)
def test_signature_and_constants_match_cleanlab(module, name):
    theirs = public_names(cleanlab_module(module))[name]
    ours = getattr(importlib.import_module(f"cleannb.{module}"), name)
    if not callable(theirs):
        assert ours == theirs and type(ours) is type(theirs)
        return
    if inspect.isclass(theirs):
        theirs, ours = theirs.__init__, ours.__init__
    their_sig, our_sig = inspect.signature(theirs), inspect.signature(ours)
    our_params = list(our_sig.parameters.values())
    for position, param in enumerate(their_sig.parameters.values()):
        assert param.name in our_sig.parameters, f"{module}.{name} lacks {param.name}"
        mine = our_sig.parameters[param.name]
        assert mine.kind == param.kind, f"{module}.{name}({param.name}) is {mine.kind}"
        if param.kind is not param.KEYWORD_ONLY:
            assert our_params[position].name == param.name, f"{module}.{name}: order"
        if param.name == "n_jobs" and mine.default is None:
            continue  # None = all threads (cleannb's default); results never depend on it
        assert equivalent_default(mine.default, param.default), f"{module}.{name}({param.name})"
    for extra in set(our_sig.parameters) - set(their_sig.parameters):
        assert our_sig.parameters[extra].kind is inspect.Parameter.KEYWORD_ONLY, extra
        assert our_sig.parameters[extra].default is not inspect.Parameter.empty, extra


def test_reexports_are_the_one_implementation():
    assert nb_filter.num_label_issues is nb_count.num_label_issues
    assert nb_filter.calibrate_confident_joint is nb_count.calibrate_confident_joint
    assert nb_filter.order_label_issues is nb_rank.order_label_issues
    assert nb_filter.get_label_quality_scores is nb_rank.get_label_quality_scores
    assert nb_dataset.estimate_joint is nb_count.estimate_joint
    assert nb_dataset.num_label_issues is nb_count.num_label_issues
    assert nb_batched.get_confident_thresholds is nb_count.get_confident_thresholds
    assert nb_batched.find_top_issues is nb_rank.find_top_issues
    from cleannb.multilabel_classification import filter as ml_filter

    assert nb_filter.find_multilabel_issues_per_class is ml_filter.find_multilabel_issues_per_class
    for module in (nb_count, nb_filter, nb_rank, nb_batched, nb_noise):
        for name in ("assert_valid_inputs", "value_counts_fill_missing_classes", "value_counts"):
            if hasattr(module, name):
                assert getattr(module, name) is getattr(_internal, name)


# ------------------------------------------------------------ values vs 2.9
DTYPES = (np.float16, np.float32, np.float64)


def _matrices(rng, num_classes, dtype):
    """Column-stochastic noise and inverse noise matrices and two priors."""
    noise = rng.dirichlet(np.full(num_classes, 0.5), size=num_classes).T
    noise[np.arange(num_classes), np.arange(num_classes)] += 1.0  # a dominant diagonal
    noise /= noise.sum(axis=0)
    inverse = rng.dirichlet(np.ones(num_classes), size=num_classes).T
    ps, py = rng.dirichlet(np.ones(num_classes)), rng.dirichlet(np.ones(num_classes))
    if num_classes > 2:  # ties: equal columns of the inverse, equal prior entries
        inverse[:, 1], py[1], ps[2] = inverse[:, 0], py[0], ps[0]
    return [m.astype(dtype) for m in (noise, inverse, ps, py)]


def assert_same(ours, theirs):
    assert np.asarray(ours).dtype == np.asarray(theirs).dtype
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("num_classes", [2, 3, 7])
@pytest.mark.parametrize("seed", range(3))
def test_latent_algebra_equals_cleanlab(dtype, num_classes, seed):
    from cleanlab import count as cl

    rng = np.random.default_rng(seed)
    noise, inverse, ps, py = _matrices(rng, num_classes, dtype)
    counts = rng.integers(0, 50, num_classes)
    calls = [
        lambda m: m.compute_inv_noise_matrix(py, noise),
        lambda m: m.compute_inv_noise_matrix(py, noise, ps=ps),
        lambda m: m.compute_noise_matrix_from_inverse(ps, inverse),
        lambda m: m.compute_noise_matrix_from_inverse(ps, inverse, py=py),
        lambda m: m.clip_noise_rates(noise * 1.3 - 0.1),
        lambda m: m.clip_values(py * 1.5 - 0.1, new_sum=1.0),
        lambda m: m.clip_values(py * 1.5 - 0.1, low=0.05, high=0.7),
    ]
    for method in ("cnt", "marginal", "marginal_ps") + (("eqn",) if dtype != np.float16 else ()):
        calls.append(
            lambda m, method=method: m.compute_py(
                ps, noise, inverse, py_method=method, true_labels_class_counts=counts
            )
        )
    for call in calls:
        assert_same(call(nb_count), call(cl))


def test_compute_py_errors_and_warnings_as_cleanlab():
    noise, inverse, ps, _ = _matrices(np.random.default_rng(0), 3, np.float64)
    with pytest.raises(ValueError, match="true_labels_class_counts"):
        nb_count.compute_py(ps, noise, inverse, py_method="marginal")
    with pytest.raises(ValueError, match="py_method"):
        nb_count.compute_py(ps, noise, inverse, py_method="nope")
    with pytest.warns(UserWarning, match="ps has shape"), pytest.raises(TypeError):
        nb_count.compute_py(ps.reshape(3, 1), noise, inverse)  # as cleanlab: warns, then fails
    with pytest.raises(TypeError):
        nb_count.clip_values(np.ones((2, 2)))


@pytest.mark.parametrize("seed", range(4))
def test_round_preserving_row_totals_equals_cleanlab(seed):
    from cleanlab import count as cl

    rng = np.random.default_rng(seed)
    matrix = rng.random((6, 6)) * 20
    matrix[:, :3] = np.round(matrix[:, :3] * 2) / 2  # residuals of 0.5: ties
    matrix[2] = 0.5
    ours, theirs = (
        nb_count.round_preserving_row_totals(matrix),
        cl.round_preserving_row_totals(matrix),
    )
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed", range(3))
def test_get_normalized_entropy_equals_cleanlab_bit_for_bit(dtype, seed):
    from cleanlab import rank as cl

    rng = np.random.default_rng(seed)
    pred_probs = rng.dirichlet(np.full(5, 0.3), size=200)
    pred_probs[:20] = np.eye(5)[rng.integers(0, 5, 20)]  # zeros and ones
    pred_probs[20:40] = 0.2  # uniform rows: equal entropies
    pred_probs = pred_probs.astype(dtype)
    before = pred_probs.copy()
    assert_same(nb_rank.get_normalized_entropy(pred_probs), cl.get_normalized_entropy(pred_probs))
    with pytest.warns(DeprecationWarning, match="min_allowed_prob"):
        ours = nb_rank.get_normalized_entropy(pred_probs, min_allowed_prob=1e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(ours, cl.get_normalized_entropy(pred_probs, min_allowed_prob=1e-3))
    np.testing.assert_array_equal(pred_probs, before)
    with pytest.raises(ValueError, match="pred_probs"):
        nb_rank.get_normalized_entropy(pred_probs * 2)


@pytest.mark.parametrize(
    "labels,num_classes,multi_label",
    [
        ([0, 0, 1, 1, 3], None, False),
        ([0, 0, 1, 1, 3], 5, False),
        ([0, 0, 1, 1, 3], 3, False),
        (np.array([2, 2, 0]), 4, False),
        (["dog", "cat", "dog"], None, False),
        (["dog", "cat", "dog"], 4, False),
        ([[0, 1], [1], [], [3]], None, True),
        ([[0, 1], [1], [], [3]], 5, True),
        ([], 3, False),
    ],
)
def test_value_counts_equals_cleanlab(labels, num_classes, multi_label):
    from cleanlab.benchmarking import noise_generation as cl

    ours = nb_noise.value_counts(labels, num_classes=num_classes, multi_label=multi_label)
    theirs = cl.value_counts(labels, num_classes=num_classes, multi_label=multi_label)
    assert_same(ours, theirs)
    if num_classes is not None:
        from cleanlab import count as cl_count

        assert_same(
            nb_count.value_counts_fill_missing_classes(
                labels, num_classes, multi_label=multi_label
            ),
            cl_count.value_counts_fill_missing_classes(
                labels, num_classes, multi_label=multi_label
            ),
        )


def test_value_counts_rejects_a_class_beyond_num_classes():
    with pytest.raises(ValueError, match="num_classes"):
        nb_noise.value_counts([0, 4], num_classes=3)


def test_class_helpers_equal_cleanlab():
    from cleanlab import count as cl

    pred_probs = np.full((4, 5), 0.2)
    for kwargs in (
        {"labels": [0, 2, 2]},
        {"labels": [[0, 1], [2], []]},
        {"labels": [0, 2], "pred_probs": pred_probs},
        {"label_matrix": np.eye(3)},
        {"labels": [0, 1], "label_matrix": np.eye(4), "pred_probs": pred_probs},
    ):
        assert nb_count.get_num_classes(**kwargs) == cl.get_num_classes(**kwargs)
    for labels in ([0, 2, 2], [[0, 1], [2], []], np.array([1, 1, 3])):
        assert nb_count.get_unique_classes(labels) == cl.get_unique_classes(labels)
    for error_kwargs in ({}, {"label_matrix": np.ones((2, 3))}):
        with pytest.raises(ValueError):
            nb_count.get_num_classes(**error_kwargs)


def test_labels_to_array_equals_cleanlab():
    import pandas as pd
    from cleanlab import count as cl

    for labels in ([0, 1, 1], np.array([2, 0]), pd.Series([1, 0, 1]), pd.DataFrame({"y": [0, 1]})):
        assert_same(nb_count.labels_to_array(labels), cl.labels_to_array(labels))
    with pytest.raises(ValueError, match="one column"):
        nb_count.labels_to_array(pd.DataFrame({"a": [0], "b": [1]}))


def _outcome(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            call()
            error = None
        except Exception as raised:  # the kind of failure is what is compared
            error = type(raised)
    return error, sorted({w.category.__name__ for w in caught})


def test_assert_valid_inputs_accepts_and_rejects_what_cleanlab_does():
    import pandas as pd
    from cleanlab import count as cl

    good = np.full((4, 2), 0.5)
    cases = [
        (None, np.array([0, 1, 1, 0]), good, {}),
        (np.zeros((4, 3)), np.array([0, 1, 1, 0]), good, {}),  # X and pred_probs: a warning
        (np.zeros((4, 3)), [0, 1, 1, 0], None, {}),
        (pd.DataFrame({"a": range(4)}), pd.Series([0, 1, 1, 0]), None, {}),
        (np.zeros((3, 3)), np.array([0, 1, 1, 0]), None, {}),  # lengths differ
        (None, np.array([0, 1, 1, 0]), None, {}),  # X is None
        (None, (0, 1, 1, 0), good, {}),  # labels of the wrong type
        (None, np.array([0, 1.5, 1, 0]), good, {}),
        (None, np.array([0, -1, 1, 0]), good, {}),
        (None, np.array([0, 0, 0, 0]), good, {}),
        (None, np.array([0, 0, 0, 0]), good, {"allow_one_class": True}),
        (None, np.array([0, 2, 2, 0]), np.full((4, 3), 1 / 3), {}),
        (None, np.array([0, 2, 2, 0]), np.full((4, 3), 1 / 3), {"allow_missing_classes": False}),
        (None, np.array([0, 2, 1, 0]), good, {}),  # too few columns
        (None, np.array([0, 1, 1, 0]), good * 3, {}),  # not probabilities
        (None, np.array([0, 1, 1, 0]), good.tolist(), {}),  # pred_probs not an array
        (None, np.array([0, 1, 1]), good, {}),
        (None, np.array([[0, 1], [1, 0]]), good[:2], {}),
        (None, [[0, 1], [1], [0]], np.full((3, 2), 0.5), {"multi_label": True}),
        (None, [[0, 1], [2], [0]], np.full((3, 2), 0.5), {"multi_label": True}),
    ]
    for args in cases:
        ours = _outcome(lambda a=args: nb_count.assert_valid_inputs(*a[:3], **a[3]))
        theirs = _outcome(lambda a=args: cl.assert_valid_inputs(*a[:3], **a[3]))
        assert ours == theirs, args


@pytest.mark.parametrize("dtype", DTYPES)
def test_multilabel_helpers_equal_cleanlab(dtype):
    from cleanlab import filter as cl

    rng = np.random.default_rng(1)
    column = rng.random(30).astype(dtype)
    column[:5] = [0, 1, 0.5, 0.5, 1]
    assert_same(nb_filter.stack_complement(column), cl.stack_complement(column))
    labels = [[0, 1], [3], [], [1, 2, 3], [0]]
    assert_same(nb_filter.int2onehot(labels, K=4), cl.int2onehot(labels, K=4))
    pred_probs = np.full((5, 6), 0.5, dtype=dtype)
    for kwargs in ({}, {"pred_probs": pred_probs}):
        ours, theirs = (
            nb_filter.get_onehot_num_classes(labels, **kwargs),
            cl.get_onehot_num_classes(labels, **kwargs),
        )
        assert ours[1] == theirs[1]
        assert_same(ours[0], theirs[0])
    with pytest.raises(ValueError, match="labels"):
        nb_filter.get_onehot_num_classes([["a"], ["b"]])


def test_data_helpers_equal_cleanlab():
    import pandas as pd
    import scipy.sparse as sp
    from cleanlab import count as cl
    from cleanlab.experimental import label_issues_batched as cl_batched

    for size, chunk in ((10, 4), (8, 4), (3, 5), (0, 2)):
        arr = np.arange(size * 2).reshape(size, 2)
        ours, theirs = nb_batched.split_arr(arr, chunk), cl_batched.split_arr(arr, chunk)
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs, strict=True):
            np.testing.assert_array_equal(a, b)
    X = np.arange(12).reshape(6, 2)
    labels = np.array([0, 1, 0, 1, 2, 2])
    frame = pd.DataFrame(X, columns=["a", "b"], index=list("uvwxyz"))
    for features in (X, frame, sp.csr_matrix(X)):
        ours = nb_count.train_val_split(features, labels, [0, 2, 4], [1, 3, 5])
        theirs = cl.train_val_split(features, labels, [0, 2, 4], [1, 3, 5])
        for a, b in zip(ours, theirs, strict=True):
            if hasattr(a, "toarray"):
                a, b = a.toarray(), b.toarray()
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
            if hasattr(a, "index"):
                assert list(a.index) == list(b.index)
    for to_data, from_data in ((X[:2], X), (frame.iloc[:2], frame), (frame["a"][:2], frame["a"])):
        ours = nb_count.append_extra_datapoint(to_data, from_data, 4)
        theirs = cl.append_extra_datapoint(to_data, from_data, 4)
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))
        if hasattr(ours, "index"):
            assert list(ours.index) == list(theirs.index)
    sparse_to = sp.csr_matrix(X[:2])
    ours = nb_count.append_extra_datapoint(sparse_to, sp.csr_matrix(X), 4)
    assert sparse_to.shape == (2, 2)  # the argument is not modified (cleanlab's is)
    theirs = cl.append_extra_datapoint(sp.csr_matrix(X[:2]), sp.csr_matrix(X), 4)
    np.testing.assert_array_equal(ours.toarray(), theirs.toarray())
    with pytest.raises(ValueError):
        nb_count.append_extra_datapoint(X, frame, 0)
    assert nb_count.is_torch_dataset(X) is cl.is_torch_dataset(X) is False


# ----------------------------------------------------------- class_names
JOINT = np.array([[0.3, 0.05, 0.0], [0.05, 0.3, 0.05], [0.0, 0.05, 0.2]])


@pytest.mark.parametrize("names", [["a"], ["a", "b"], ["a", "b", "c", "d"]])
def test_class_names_of_the_wrong_length_raise_a_clear_error(names):
    rng = np.random.default_rng(0)
    pred_probs, labels = rng.dirichlet(np.ones(3), size=40), rng.integers(0, 3, 40)
    calls = [
        lambda: nb_dataset.health_summary(labels, pred_probs, class_names=names, verbose=False),
        lambda: nb_dataset.health_summary(
            joint=JOINT, num_examples=100, class_names=names, verbose=False
        ),
        lambda: nb_dataset.rank_classes_by_label_quality(
            joint=JOINT, num_examples=100, class_names=names
        ),
    ]
    if len(names) < 3:  # cleanlab's find_overlapping_classes reads the first K of a longer list
        calls.append(
            lambda: nb_dataset.find_overlapping_classes(
                joint=JOINT, num_examples=100, class_names=names
            )
        )
    for call in calls:
        with pytest.raises(ValueError, match=r"class_names has \d entries .* length 3"):
            call()


def test_class_names_of_the_right_length_are_cleanlabs_columns():
    import pandas as pd
    from cleanlab import dataset as cl

    names = ("cat", "dog", "fox")
    pd.testing.assert_frame_equal(
        nb_dataset.rank_classes_by_label_quality(joint=JOINT, num_examples=100, class_names=names),
        cl.rank_classes_by_label_quality(joint=JOINT, num_examples=100, class_names=names),
    )
    for given in (names, [*names, "owl"]):
        pd.testing.assert_frame_equal(
            nb_dataset.find_overlapping_classes(joint=JOINT, num_examples=100, class_names=given),
            cl.find_overlapping_classes(joint=JOINT, num_examples=100, class_names=given),
        )


@pytest.mark.parametrize(
    "values, num_possible", [([0, 5, 2], 6), ([0, 40_000], 40_001), ([1], 2**40)]
)
def test_compress_int_array_matches_cleanlab(values, num_possible):
    from cleanlab.internal.util import compress_int_array as theirs

    from cleannb.classification import compress_int_array

    array = np.array(values, dtype=np.int64)
    ours = compress_int_array(array, num_possible)
    expected = theirs(array, num_possible)
    assert ours.dtype == expected.dtype
    np.testing.assert_array_equal(ours, expected)
    assert compress_int_array([1, 2], 3) == theirs([1, 2], 3)


@pytest.mark.parametrize("shape", [(5,), (5, 3), (5, 3, 2), (5, 2, 2, 2)])
def test_force_two_dimensions_matches_cleanlab(shape):
    from cleanlab.internal.util import force_two_dimensions as theirs

    from cleannb.classification import force_two_dimensions

    X = np.arange(np.prod(shape)).reshape(shape)
    np.testing.assert_array_equal(force_two_dimensions(X), theirs(X))
    assert force_two_dimensions(None) is None


@pytest.mark.parametrize("kind", ["array", "frame", "sparse", "list_labels"])
def test_subset_X_y_matches_cleanlab(kind):
    import pandas as pd
    import scipy.sparse as sp
    from cleanlab.internal.util import subset_X_y as theirs

    from cleannb.classification import subset_X_y

    rng = np.random.default_rng(0)
    X = rng.random((7, 3))
    labels = rng.integers(0, 3, 7)
    mask = np.array([True, False, True, True, False, False, True])
    if kind == "frame":
        X = pd.DataFrame(X, index=np.arange(10, 17))
    elif kind == "sparse":
        X = sp.csr_matrix(X)
    elif kind == "list_labels":
        labels = [[int(v)] for v in labels]
    X_ours, labels_ours = subset_X_y(X, labels, mask)
    X_theirs, labels_theirs = theirs(X, labels, mask)
    if kind == "frame":
        pd.testing.assert_frame_equal(X_ours, X_theirs)
    elif kind == "sparse":
        np.testing.assert_array_equal(X_ours.toarray(), X_theirs.toarray())
    else:
        np.testing.assert_array_equal(X_ours, X_theirs)
    assert type(labels_ours) is type(labels_theirs)
    np.testing.assert_array_equal(np.asarray(labels_ours), np.asarray(labels_theirs))
