"""The bundled CIFAR-10 set (cleannb/datasets) and its loader.

The published masks must come out of the seed vocabulary to the row from the
float16 probabilities as published.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import cleannb
from cleannb import latent_estimation, pruning
from cleannb.datasets import load_cifar10_noisy

N, K = 50000, 10
CLASS_NAMES = [
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
]
MASKS = ("argmax", "conf_joint_only", "cl_pbc", "cl_pbnr", "cl_both")
PRUNE_METHODS = {
    "prune_by_class": "cl_pbc",
    "prune_by_noise_rate": "cl_pbnr",
    "both": "cl_both",
}
#: sha256 of /work/shared/data/cifar10_4_4.npz, which the package ships unchanged.
SHA256 = "5f8699aa72c82c1d9ffcd9308928565567db6a476c0d9389b3ae9f416db91a53"


@pytest.fixture(scope="module")
def cifar():
    return load_cifar10_noisy()


def test_arrays_shapes_dtypes_and_class_names(cifar):
    assert set(cifar) == {
        "pred_probs",
        "labels",
        "true_labels",
        "noise_matrix",
        "published_masks",
        "class_names",
        "published_scores",
        "DESCR",
        "filename",
    }
    assert cifar.pred_probs.shape == (N, K) and cifar.pred_probs.dtype == np.float16
    for labels in (cifar.labels, cifar.true_labels):
        assert labels.shape == (N,) and labels.dtype == np.int64
        assert labels.min() == 0 and labels.max() == K - 1
    np.testing.assert_array_equal(np.bincount(cifar.true_labels), np.full(K, N // K))
    assert np.count_nonzero(cifar.labels != cifar.true_labels) == 19974  # 39.948 %
    assert cifar.noise_matrix.shape == (K, K) and cifar.noise_matrix.dtype == np.float64
    np.testing.assert_allclose(cifar.noise_matrix.sum(axis=0), 1.0)
    row_sums = cifar.pred_probs.astype(np.float64).sum(axis=1)
    assert 0.997 < row_sums.min() and row_sums.max() < 1.0025
    assert list(cifar.published_masks) == list(MASKS)
    for mask in cifar.published_masks.values():
        assert mask.shape == (N,) and mask.dtype == np.bool_
    assert cifar.class_names == CLASS_NAMES
    assert sorted(cifar.published_scores) == sorted(MASKS)


def test_file_is_the_published_one_and_inside_the_package(cifar):
    path = Path(cifar.filename)
    assert path.name == "cifar10_4_4.npz"
    assert path.parent.parent == Path(cleannb.__file__).parent / "datasets"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == SHA256
    for name in ("README.md", "LICENSE"):
        assert (path.parent / name).is_file()
    assert cifar.DESCR == (path.parent / "README.md").read_text(encoding="utf-8")
    assert "cgnorthcutt/confidentlearning-reproduce" in cifar.DESCR
    licence = (path.parent / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "Curtis G. Northcutt" in licence


def test_as_float32_gives_equal_values():
    half, single = load_cifar10_noisy().pred_probs, load_cifar10_noisy(as_float32=True).pred_probs
    assert single.dtype == np.float32 and single.shape == (N, K)
    np.testing.assert_array_equal(single, half.astype(np.float32))
    assert single.flags.owndata and single.flags.writeable


def _scribble(array):
    """Overwrite ``array`` in place if it may be written; say whether it could."""
    if not array.flags.writeable:
        with pytest.raises(ValueError):
            array[...] = 0
        return False
    array[...] = array.flat[0] if array.dtype == np.bool_ else 0
    array.flat[0] = not array.flat[0] if array.dtype == np.bool_ else 7
    return True


def test_returned_arrays_cannot_corrupt_the_next_load():
    first = load_cifar10_noisy()
    arrays = [first.pred_probs, first.labels, first.true_labels, first.noise_matrix]
    arrays += list(first.published_masks.values())
    for array in arrays:
        _scribble(array)
    first.published_masks.clear()
    first.class_names[0] = "plane"
    first.published_scores["cl_pbnr"]["precision"] = 1.0
    again = load_cifar10_noisy()
    with np.load(again.filename) as raw:
        np.testing.assert_array_equal(again.pred_probs, raw["pred_probs"])
        np.testing.assert_array_equal(again.labels, raw["noisy_labels"])
        np.testing.assert_array_equal(again.true_labels, raw["true_labels"])
        np.testing.assert_array_equal(again.noise_matrix, raw["noise_matrix"])
        for name in MASKS:
            np.testing.assert_array_equal(again.published_masks[name], raw["issues_" + name])
    assert again.class_names == CLASS_NAMES
    assert again.published_scores["cl_pbnr"]["precision"] == 0.81111
    assert again.pred_probs.std() > 0.1  # not the zeros written above


@pytest.mark.parametrize("prune_method", sorted(PRUNE_METHODS))
def test_get_noise_indices_gives_the_published_masks_exactly(cifar, prune_method):
    mask = pruning.get_noise_indices(cifar.labels, cifar.pred_probs, prune_method=prune_method)
    published = cifar.published_masks[PRUNE_METHODS[prune_method]]
    assert np.count_nonzero(mask != published) == 0


def test_argmax_mask_is_argmax_not_equal_to_label(cifar):
    # 7 rows have a tied maximum in float16; argmax (first maximum) agrees on them too
    top2 = np.sort(cifar.pred_probs, axis=1)[:, -2:]
    assert np.count_nonzero(top2[:, 0] == top2[:, 1]) == 7
    mask = cifar.pred_probs.argmax(axis=1) != cifar.labels
    assert np.count_nonzero(mask != cifar.published_masks["argmax"]) == 0


def test_conf_joint_only_mask_is_off_diagonal_of_confident_joint(cifar):
    _, indices = latent_estimation.compute_confident_joint(
        cifar.labels, cifar.pred_probs, return_indices_of_off_diagonals=True
    )
    assert len(np.unique(indices)) == len(indices)
    mask = np.zeros(N, dtype=bool)
    mask[indices] = True
    assert np.count_nonzero(mask != cifar.published_masks["conf_joint_only"]) == 0


def _readme_table(descr):
    """Method -> (flagged, precision, recall, F1) from the README's figures table."""
    rows = re.findall(r"^\| (\w+) \| (\d+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|$", descr, re.M)
    return {m: (int(n), float(p), float(r), float(f)) for m, n, p, r, f in rows}


def test_published_scores_recomputed_from_masks(cifar):
    errors = cifar.labels != cifar.true_labels
    table = _readme_table(cifar.DESCR)
    assert sorted(table) == sorted(MASKS)
    for name, mask in cifar.published_masks.items():
        hits = np.count_nonzero(mask & errors)
        precision, recall = hits / mask.sum(), hits / errors.sum()
        f1 = 2 * precision * recall / (precision + recall)
        got = (int(mask.sum()), *(round(float(x), 5) for x in (precision, recall, f1)))
        assert got == table[name], name
        scores = cifar.published_scores[name]
        assert got == (scores["flagged"], scores["precision"], scores["recall"], scores["f1"])


def test_datasets_is_a_lazy_submodule_and_imports_sklearn_only_when_loading():
    assert "datasets" in dir(cleannb) and "datasets" in cleannb.__all__
    script = (
        "import json, sys, cleannb\n"
        "from cleannb.datasets import load_cifar10_noisy\n"
        "before = 'sklearn' in sys.modules\n"
        "load_cifar10_noisy()\n"
        "print(json.dumps([before, 'sklearn.utils' in sys.modules]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [False, True]
