"""The tutorial notebooks run in a real Jupyter kernel, ship with outputs, and check themselves.

* every ``notebooks/*.ipynb`` runs top to bottom in a fresh ``python3`` kernel
  (nbclient), in a temporary working directory, within a time budget;
* the committed notebooks hold the outputs of such a run (so GitHub renders
  them): every code cell executed, in order, without errors or timestamps;
* the notebooks the tutorial issue asks for exist;
* the hand-written algorithm of ``confident_learning_numpy_for_loops`` really
  is checked against cleannb: sabotaging one of its steps makes the
  notebook's own assertion fail.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
#: Seconds a whole notebook may take in CI (they take well under a minute with
#: a warm Numba cache; the first run compiles the kernels).
NOTEBOOK_TIMEOUT = 300
EXPECTED_NOTEBOOKS = (
    "confident_learning_numpy_for_loops",
    "visualizing_confident_learning",
    "iris_noisy_labels",
    "classifier_comparison",
    "digits_label_errors",
    "cifar10_label_errors",
    "polyplex",
    "large_scale",
    "segmentation_label_errors",
    "token_classification_label_errors",
)
#: Every notebook saves its main figure as ``figures/<name>.png`` (relative to
#: its working directory); README.md shows them.
FIGURE = "figures/{}.png"
WALKTHROUGH = NOTEBOOK_DIR / "confident_learning_numpy_for_loops.ipynb"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _runner():
    path = NOTEBOOK_DIR / "run_notebooks.py"
    spec = importlib.util.spec_from_file_location("run_notebooks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run_notebooks = _runner()


def _code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


@pytest.fixture(scope="module")
def compiled_kernels():
    """Compile (or load) the Numba kernels once, so that the notebooks' budget is theirs.

    The kernels are cached on disk, and the notebooks' kernels load them from there.
    """
    import cleannb

    cleannb.warmup(noise_generation=True)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_a_kernel(path, tmp_path, compiled_kernels):
    executed = run_notebooks.execute(path, cwd=tmp_path, total_timeout=NOTEBOOK_TIMEOUT)
    cells = _code_cells(executed)
    assert cells, f"{path.name} has no code cells"
    assert all(cell.execution_count is not None for cell in cells)
    saved = tmp_path / FIGURE.format(path.stem)
    assert saved.is_file() and saved.stat().st_size > 0, f"{path.name} did not save {saved.name}"


@pytest.mark.parametrize("name", EXPECTED_NOTEBOOKS)
def test_readme_shows_each_notebook_and_its_committed_figure(name):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    figure = FIGURE.format(name)
    assert (NOTEBOOK_DIR / figure).is_file(), f"notebooks/{figure} is not committed"
    assert f"notebooks/{name}.ipynb" in readme and f"notebooks/{figure}" in readme


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_has_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.get("kernelspec", {}).get("name") == "python3"
    assert notebook.cells and notebook.cells[0].cell_type == "markdown", "start with a title"
    assert notebook.cells[0].source.lstrip().startswith("# "), "the first cell is a title"
    cells = _code_cells(notebook)
    counts = [cell.execution_count for cell in cells]
    assert None not in counts, (
        f"{path.name}: code cells {[i for i, c in enumerate(counts) if c is None]} were not "
        "executed; run python notebooks/run_notebooks.py " + path.stem
    )
    assert counts == list(range(1, len(cells) + 1)), (
        f"{path.name} was not run top to bottom in a fresh kernel (execution counts {counts})"
    )
    for cell in cells:
        errors = [out for out in cell.outputs if out.output_type == "error"]
        assert not errors, f"{path.name} was saved with an error: {errors[0].ename}"
        assert "execution" not in cell.metadata, (
            f"{path.name} holds execution timestamps; save it with notebooks/run_notebooks.py"
        )
    if any("matplotlib" in cell.source or "cleannb.plot" in cell.source for cell in cells):
        images = [
            out
            for cell in cells
            for out in cell.outputs
            if "data" in out and "image/png" in out.data
        ]
        assert images, f"{path.name} draws figures but saved no image/png output"


@pytest.mark.parametrize("name", EXPECTED_NOTEBOOKS)
def test_expected_notebook_exists(name):
    assert (NOTEBOOK_DIR / f"{name}.ipynb").is_file(), f"notebooks/{name}.ipynb is missing"


#: (a marker of the cell, text in it, what to put instead): each breaks one step
#: of the hand-written algorithm without breaking the Python.
SABOTAGES = {
    "threshold-skips-a-row": (
        "def confident_thresholds",
        "for i in range(n_rows):",
        "for i in range(1, n_rows):",
    ),
    "calibration-plain-rounding": (
        "def round_preserving_sum",
        "shortfall = int(target - np.sum(ints))",
        "shortfall = 0",
    ),
    "prune-smallest-margins": (
        "def prune_by_noise_rate",
        "np.argsort(-margin)[:n_ij]",
        "np.argsort(margin)[:n_ij]",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("sabotage", SABOTAGES)
def test_breaking_a_step_fails_the_notebook(sabotage, tmp_path, compiled_kernels):
    marker, old, new = SABOTAGES[sabotage]
    notebook = nbformat.read(WALKTHROUGH, as_version=4)
    targets = [i for i, cell in enumerate(notebook.cells) if marker in cell.source]
    assert len(targets) == 1 and notebook.cells[targets[0]].cell_type == "code"
    cell = notebook.cells[targets[0]]
    assert cell.source.count(old) == 1, f"the walkthrough no longer contains {old!r}"
    cell.source = cell.source.replace(old, new)
    assert new in cell.source

    with pytest.raises(CellExecutionError) as caught:
        run_notebooks.execute(
            WALKTHROUGH, cwd=tmp_path, total_timeout=NOTEBOOK_TIMEOUT, notebook=notebook
        )

    assert caught.value.ename == "AssertionError"
    failed = [
        (i, out)
        for i, c in enumerate(notebook.cells)
        if c.cell_type == "code"
        for out in c.outputs
        if out.output_type == "error"
    ]
    assert [i for i, _ in failed] == targets, "the sabotaged cell itself should fail"
    traceback = ANSI.sub("", "\n".join(failed[0][1].traceback))
    assert "Arrays are not equal" in traceback
    # the statement that failed compares with cleannb (not some incidental check)
    statement = _failing_statement(cell.source, traceback)
    assert "np.testing.assert_array_equal" in statement
    assert re.search(r"\b(count|filter|rank)\.\w+\(", statement), statement


def _failing_statement(source, traceback):
    """The top-level statement of ``source`` at the line IPython's traceback points to."""
    line = int(re.search(r"Cell In\[\d+\], line (\d+)", traceback).group(1))
    for node in ast.parse(source).body:
        if node.lineno <= line <= node.end_lineno:
            return ast.get_source_segment(source, node)
    raise AssertionError(f"no statement at line {line} of the sabotaged cell")
