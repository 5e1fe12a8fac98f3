"""The import structure of cleannb: no cycles, and each layer imports only the layers below it.

The graph is read from the source with :mod:`ast`: every ``import`` and
``from ... import`` of a cleannb module, at module level or inside a
function, is an edge. ``from . import x`` is an edge to the submodule ``x``
when ``x`` is one, else to the package.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cleannb"


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def _resolve(importer, node):
    """The cleannb modules that one import statement names."""
    is_package = MODULES[importer].name == "__init__.py"
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name.split(".")[0] == "cleannb"]
    if node.level:
        base = importer.split(".")
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        if node.module:
            base += node.module.split(".")
        origin = ".".join(base)
    else:
        origin = node.module or ""
    if origin.split(".")[0] != "cleannb":
        return []
    names = [f"{origin}.{alias.name}" for alias in node.names]
    submodules = [name for name in names if name in MODULES]
    return submodules + ([origin] if len(submodules) < len(names) else [])


@cache
def import_graph():
    """``{module: set of cleannb modules it imports}`` (function-level imports included)."""
    graph = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                targets.update(_resolve(name, node))
        graph[name] = {target for target in targets if target in MODULES and target != name}
    return graph


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def is_private(module):
    return any(part.startswith("_") for part in module.split(".")[1:])


def test_the_graph_sees_function_level_imports():
    """A check on the reader itself: edges known to exist are found."""
    graph = import_graph()
    assert "cleannb._core.label_issues" in graph["cleannb.count"]  # inside a function
    assert "cleannb._kernels.scores" in graph["cleannb._core.scores"]
    assert "cleannb._core.pipeline" in graph["cleannb._core.crossval"]  # from . import x as _x


def test_cycles_are_found():
    """A check on the cycle finder: a made-up graph with one cycle of three."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    assert cycles(import_graph()) == []


@pytest.mark.parametrize("module", sorted(name for name in MODULES if not is_private(name)))
def test_public_modules_do_not_drive_kernels(module):
    """Kernels are reached through the private pipeline layer, never from a public module."""
    kernels = sorted(t for t in import_graph()[module] if t.startswith("cleannb._kernels"))
    assert kernels == []


def layer(module):
    """``"kernels"``, ``"core"``, ``"cli"`` or ``"public"``: where a module sits."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ("_kernels", "_core", "_cli"):
        return parts[1].lstrip("_")
    return "public"


#: The layers each layer may import, besides itself. Kernels may read the
#: constants (a module that imports nothing of cleannb) and nothing else above.
ALLOWED = {
    "kernels": {"cleannb._core", "cleannb._core.constants"},
    "core": {"kernels"},
    "public": {"core", "kernels", "public"},
    "cli": {"core", "kernels", "public"},
}


@pytest.mark.parametrize("module", sorted(name for name in MODULES if layer(name) != "public"))
def test_layers_import_only_below(module):
    """``_core`` imports no public module and nothing of ``_cli``; ``_kernels`` only constants."""
    allowed = ALLOWED[layer(module)]
    wrong = sorted(
        target
        for target in import_graph()[module]
        if target != "cleannb"
        and layer(target) != layer(module)
        and layer(target) not in allowed
        and target not in allowed
    )
    assert wrong == []


def test_the_layer_rule_can_fail():
    """A check on the rule: a core module importing a public one is caught."""
    assert layer("cleannb._core.prune") == "core"
    assert layer("cleannb.filter") not in ALLOWED["core"]
    assert layer("cleannb._core.parallel") not in ALLOWED["kernels"]
