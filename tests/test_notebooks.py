"""Every notebook's code cells run top to bottom without error."""

import json
import os
from pathlib import Path

import numpy as np
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, monkeypatch):
    monkeypatch.chdir(path.parent)
    cells = json.loads(path.read_text())["cells"]
    namespace = {"__name__": "__notebook__"}
    with np.printoptions():  # notebooks may set print options; keep them out of other tests
        for cell in cells:
            if cell["cell_type"] == "code":
                exec(compile("".join(cell["source"]), f"{path.name}", "exec"), namespace)


def test_there_is_a_notebook():
    assert NOTEBOOKS, "notebooks/ should hold at least one example notebook"
    assert os.path.isdir(NOTEBOOKS[0].parent)
