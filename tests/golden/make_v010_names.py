"""List every public name of cleanlab 0.1.0's modules into ``v010_names.json``.

Run it with the scratch venv that has cleanlab 0.1.0 (never cleannb's own
environment; see README.md in this folder)::

    /tmp/v010/bin/python tests/golden/make_v010_names.py

For the package ``cleanlab`` and each of its eight modules, every name in the
module's namespace that does not start with ``_`` is classified:

- kept, with its kind: ``module`` (a cleanlab submodule), ``function`` or
  ``class`` (defined in a cleanlab module, including those a module imports
  from a sibling, e.g. ``latent_estimation.value_counts``), or ``constant``
  (a plain value such as an int or bool assigned in the module; its value is
  stored, and ``environment`` says what it depends on when it is not fixed);
- left out, with the reason: ``__future__`` features, third-party and
  standard-library modules, and functions, classes or other objects that
  come from outside cleanlab (numpy, scikit-learn, tqdm, multiprocessing).

The output is deterministic (sorted keys, no timestamps).
"""

import importlib
import inspect
import json
import os
import platform
import sys
import types

import cleanlab
import numpy as np

assert cleanlab.__version__ == "0.1.0", cleanlab.__version__

HERE = os.path.dirname(os.path.abspath(__file__))
MODULES = [
    "baseline_methods",
    "classification",
    "latent_algebra",
    "latent_estimation",
    "noise_generation",
    "polyplex",
    "pruning",
    "util",
]
PLAIN = (bool, int, float, str, type(None), tuple, list, dict)
# constants whose value is not a property of cleanlab 0.1.0 itself
ENVIRONMENT = {("pruning", "tqdm_exists"): "whether the tqdm package can be imported"}


def _from_cleanlab(value):
    owner = getattr(value, "__module__", None) or ""
    return owner == "cleanlab" or owner.startswith("cleanlab.")


def classify(module_key, name, value):
    """(kind, None) for a kept name, or (None, reason) for a left-out one."""
    if type(value).__name__ == "_Feature":
        return None, "__future__ feature"
    if isinstance(value, types.ModuleType):
        if value.__name__.startswith("cleanlab."):
            return "module", None
        return None, f"third-party or standard-library module {value.__name__}"
    if inspect.isclass(value):
        if _from_cleanlab(value):
            return "class", None
        return None, f"class from {value.__module__}"
    if callable(value):
        if _from_cleanlab(value):
            return "function", None
        return None, f"callable from {getattr(value, '__module__', None)}"
    if isinstance(value, PLAIN):
        return "constant", None
    return None, f"object of type {type(value).__module__}.{type(value).__qualname__}"


def describe(module_key):
    module = cleanlab if module_key == "" else importlib.import_module(f"cleanlab.{module_key}")
    kept, left_out = {}, {}
    for name in sorted(vars(module)):
        if name.startswith("_"):
            continue
        value = getattr(module, name)
        kind, reason = classify(module_key, name, value)
        if kind is None:
            left_out[name] = reason
            continue
        entry = {"kind": kind}
        if kind in ("function", "class"):
            entry["defined_in"] = value.__module__
        if kind == "constant":
            entry["value"] = value
            entry["type"] = type(value).__name__
            if (module_key, name) in ENVIRONMENT:
                entry["environment"] = ENVIRONMENT[(module_key, name)]
        kept[name] = entry
    return kept, left_out


def main():
    import sklearn

    modules, left_out = {}, {}
    for key in [""] + MODULES:
        label = "cleanlab" if key == "" else f"cleanlab.{key}"
        modules[label], left_out[label] = describe(key)
    out = {
        "about": (
            "Public names of cleanlab 0.1.0's package and modules, made by make_v010_names.py; "
            "cleannb must expose each from the matching module (cleanlab.X -> cleannb.X)."
        ),
        "made_with": {
            "cleanlab": cleanlab.__version__,
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
            "python": platform.python_version(),
        },
        "count": sum(len(names) for names in modules.values()),
        "modules": modules,
        "left_out": left_out,
    }
    path = os.path.join(HERE, "v010_names.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    counts = {label: len(names) for label, names in modules.items()}
    print(f"wrote {path}: {out['count']} names {counts}", file=sys.stderr)


if __name__ == "__main__":
    main()
