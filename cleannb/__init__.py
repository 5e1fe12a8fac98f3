"""cleannb: find label errors and learn with noisy labels, at memory speed.

Confident learning (Northcutt, Jiang & Chuang, JAIR 2021) with Numba kernels.
Two vocabularies share one implementation:

- modern (cleanlab 2.x): :mod:`cleannb.filter`, :mod:`cleannb.rank`,
  :mod:`cleannb.count`, :mod:`cleannb.dataset`, :mod:`cleannb.multilabel_classification`,
  :mod:`cleannb.benchmarking.noise_generation`,
  :class:`cleannb.classification.CleanLearning`;
- seed (cleanlab 0.1.0): :mod:`cleannb.pruning`,
  :mod:`cleannb.latent_estimation`, :mod:`cleannb.latent_algebra`,
  :mod:`cleannb.noise_generation`, :mod:`cleannb.polyplex`,
  :mod:`cleannb.baseline_methods`, :mod:`cleannb.util`,
  :class:`cleannb.classification.LearningWithNoisyLabels`.

Bundled data: :mod:`cleannb.datasets` (``load_cifar10_noisy``, the paper's
CIFAR-10 experiment with 40 % label noise, no download). Pictures:
:mod:`cleannb.plot` (needs matplotlib: ``pip install "cleannb[plot]"``).

Submodules load on first use, and kernels compile on their first call, so
``import cleannb`` is quick. Equal keys (ties) are ordered as cleanlab's
``np.argsort`` orders them; :func:`tie_order` switches to lower index first.
:func:`warmup` compiles and caches the kernels ahead of time (``cleannb warmup``).
"""

import importlib

from ._core.ties import count_fixups, tie_order

__version__ = "0.1.0"

_SUBMODULES = (
    "baseline_methods",
    "benchmarking",
    "classification",
    "count",
    "dataset",
    "datasets",
    "experimental",
    "filter",
    "latent_algebra",
    "latent_estimation",
    "multilabel_classification",
    "noise_generation",
    "plot",
    "polyplex",
    "pruning",
    "rank",
    "segmentation",
    "token_classification",
    "util",
    "version",
)

#: Functions defined in a private module, loaded on first use.
_LAZY_FUNCTIONS = {"warmup": "_cli.warmup"}

__all__ = ["__version__", "count_fixups", "tie_order", "warmup", *_SUBMODULES]


def __getattr__(name):
    if name in _SUBMODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    if name in _LAZY_FUNCTIONS:
        function = getattr(importlib.import_module(f".{_LAZY_FUNCTIONS[name]}", __name__), name)
        globals()[name] = function
        return function
    raise AttributeError(f"module 'cleannb' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES) | set(_LAZY_FUNCTIONS))
