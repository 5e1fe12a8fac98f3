"""Small real datasets that ship with cleannb (no download).

- :func:`load_cifar10_noisy`: CIFAR-10 with 40 % label noise from the
  confident-learning paper: out-of-sample ResNet-50 ``pred_probs``, noisy and
  true labels, the noise matrix, and the masks of label issues the authors
  published (data/README.md, MIT licence in data/LICENSE).
"""

from __future__ import annotations

from importlib import resources

import numpy as np

__all__ = ["load_cifar10_noisy"]

CIFAR10_FILENAME = "cifar10_4_4.npz"
#: The CIFAR-10 class names; label k is ``CIFAR10_CLASS_NAMES[k]``.
CIFAR10_CLASS_NAMES = (
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
)
#: ``published_masks`` key -> array in the .npz file.
_MASK_KEYS = {
    "argmax": "issues_argmax",
    "conf_joint_only": "issues_conf_joint_only",
    "cl_pbc": "issues_cl_pbc",
    "cl_pbnr": "issues_cl_pbnr",
    "cl_both": "issues_cl_both",
}
#: The table of data/README.md: method -> (flagged, precision, recall, F1).
_PUBLISHED_SCORES = {
    "argmax": (25623, 0.74734, 0.95870, 0.83992),
    "conf_joint_only": (22363, 0.79667, 0.89196, 0.84163),
    "cl_pbc": (24104, 0.77767, 0.93847, 0.85054),
    "cl_pbnr": (21849, 0.81111, 0.88725, 0.84748),
    "cl_both": (21398, 0.81779, 0.87609, 0.84593),
}


def _data(name):
    return resources.files(__name__) / "data" / name


def load_cifar10_noisy(*, as_float32=False):
    """CIFAR-10 with 40 % noisy labels and the label issues published for it.

    The setting "4_4" of the confident-learning paper (Northcutt, Jiang &
    Chuang, JAIR 2021): 40 % of the 50,000 training labels resampled from a
    noise matrix with 40 % of its off-diagonal entries zero, and out-of-sample
    (4-fold cross-validated) ResNet-50 predicted probabilities. The file ships
    with cleannb (about 1 MB); every call reads it again, so the arrays
    returned are fresh: changing them cannot change the next load.

    Parameters
    ----------
    as_float32 : bool, default False
        Return ``pred_probs`` as float32 (an exact copy of the values) instead
        of float16 as published. The published masks were computed from the
        float16 values, which reproduce every one of them to the row. On the
        float32 copy, cleannb (like cleanlab) computes in float32, which
        rounds some margins and thresholds differently: the pruning masks of
        cleanlab 0.1.0 still match, the confident joint's off-diagonal rows
        move by a few.

    Returns
    -------
    sklearn.utils.Bunch
        With the fields:

        pred_probs : numpy.ndarray of float16 (or float32), shape (50000, 10)
            Out-of-sample predicted probabilities; rows sum to 0.997..1.0.
        labels : numpy.ndarray of int64, shape (50000,)
            The noisy labels the model was trained on.
        true_labels : numpy.ndarray of int64, shape (50000,)
            The original CIFAR-10 labels.
        noise_matrix : numpy.ndarray of float64, shape (10, 10)
            P(noisy label = i | true label = j), columns sum to 1.
        published_masks : dict of str to numpy.ndarray of bool, shape (50000,)
            The rows flagged by the authors' run, by method: ``"argmax"``
            (argmax of pred_probs != label), ``"conf_joint_only"`` (off the
            diagonal of the confident joint), ``"cl_pbc"``, ``"cl_pbnr"``,
            ``"cl_both"`` (``prune_method`` "prune_by_class",
            "prune_by_noise_rate", "both" of
            :func:`cleannb.pruning.get_noise_indices`).
        class_names : list of str
            The 10 class names; label k is ``class_names[k]``.
        published_scores : dict of str to dict
            For each method of ``published_masks``: ``flagged`` (int) and
            ``precision``, ``recall``, ``f1`` (float, 5 decimals) of its mask
            against ``labels != true_labels``.
        DESCR : str
            The dataset's README: provenance, arrays, figures, attribution.
        filename : str
            Where the .npz file is.

    Notes
    -----
    The data are from ``cgnorthcutt/confidentlearning-reproduce`` (MIT
    licence, Curtis G. Northcutt); see ``DESCR`` and the LICENSE file beside
    the data.

    Examples
    --------
    >>> from cleannb.datasets import load_cifar10_noisy
    >>> data = load_cifar10_noisy()
    >>> data.pred_probs.shape, data.pred_probs.dtype, data.labels.dtype
    ((50000, 10), dtype('float16'), dtype('int64'))
    >>> data.class_names[:3]
    ['airplane', 'automobile', 'bird']
    >>> sorted(data.published_masks)
    ['argmax', 'cl_both', 'cl_pbc', 'cl_pbnr', 'conf_joint_only']
    >>> float((data.labels != data.true_labels).mean())
    0.39948
    >>> data.published_scores["cl_pbnr"]["precision"]
    0.81111
    >>> load_cifar10_noisy(as_float32=True).pred_probs.dtype
    dtype('float32')
    """
    from sklearn.utils import Bunch

    resource = _data(CIFAR10_FILENAME)
    with resource.open("rb") as file, np.load(file) as npz:
        pred_probs = npz["pred_probs"]
        return Bunch(
            pred_probs=pred_probs.astype(np.float32) if as_float32 else pred_probs,
            labels=npz["noisy_labels"],
            true_labels=npz["true_labels"],
            noise_matrix=npz["noise_matrix"],
            published_masks={name: npz[key] for name, key in _MASK_KEYS.items()},
            class_names=list(CIFAR10_CLASS_NAMES),
            published_scores={
                name: {"flagged": flagged, "precision": p, "recall": r, "f1": f1}
                for name, (flagged, p, r, f1) in _PUBLISHED_SCORES.items()
            },
            DESCR=_data("README.md").read_text(encoding="utf-8"),
            filename=str(resource),
        )
