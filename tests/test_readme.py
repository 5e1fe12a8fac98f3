"""Run the code blocks of README.md and of the documentation's Markdown pages.

Each document's steps run in order in a fresh temporary directory: every
```python block is executed in one namespace per document (later blocks use
the variables of earlier ones), and every line of a ```bash (or ```sh) block
that starts with ``cleannb `` is run through :func:`cleannb.cli.main` and must
exit 0. Installation and test commands (``pip ...``, ``python -m pytest ...``)
and ```console blocks (illustrations, ``$ `` prompts) are not run. A test per
step, so a failure names the block.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from threadpoolctl import threadpool_limits

from cleannb import cli

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
#: README.md and the pages of the documentation site that hold code.
DOCUMENTS = [README, *sorted((REPO / "docs").glob("**/*.md"))]
DOCUMENTS = [path for path in DOCUMENTS if "_build" not in path.parts]
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)


def code_blocks(text):
    """(language, code) of each fenced block, in order."""
    return [(match.group(1).lower(), match.group(2)) for match in FENCE.finditer(text)]


def commands(code):
    """The non-empty, non-comment lines of a shell block."""
    lines = [line.strip() for line in code.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def steps(path):
    """What to run from the file ``path``, in order."""
    return steps_in(path.read_text(encoding="utf-8"))


def steps_in(text):
    """("python", code) and ("cleannb", argv) steps of a Markdown text, in order."""
    found = []
    for language, code in code_blocks(text):
        if language == "python":
            found.append(("python", code))
        elif language in ("bash", "sh", "shell"):
            for line in commands(code):
                if line.startswith("cleannb "):
                    found.append(("cleannb", shlex.split(line, comments=True)[1:]))
    return found


class _Runner:
    """Runs one document's steps in order, in one namespace and directory."""

    def __init__(self, path, directory):
        self.steps = steps(path)
        self.directory = directory
        self.namespace = {"__name__": "__readme__"}
        self.done = 0

    def run_through(self, index, monkeypatch, capsys):
        monkeypatch.chdir(self.directory)
        # One BLAS thread: the examples' small logistic regressions spin for
        # far longer than they compute with a threaded BLAS on a busy machine.
        with threadpool_limits(limits=1, user_api="blas"):
            while self.done <= index:
                kind, payload = self.steps[self.done]
                self.done += 1
                if kind == "python":
                    exec(compile(payload, f"<block {self.done - 1}>", "exec"), self.namespace)
                else:
                    status = cli.main(["--quiet", *payload])
                    assert status == 0, capsys.readouterr().err


_RUNNERS = {}


def _runner(path, tmp_path_factory):
    if path not in _RUNNERS:
        _RUNNERS[path] = _Runner(path, tmp_path_factory.mktemp(path.stem))
    return _RUNNERS[path]


def _all_steps():
    params = []
    for path in DOCUMENTS:
        for index, (kind, _) in enumerate(steps(path) if path.exists() else []):
            name = path.relative_to(REPO).as_posix()
            params.append(pytest.param(path, index, id=f"{name}-{index}-{kind}"))
    return params


def test_readme_has_runnable_examples():
    found = steps(README)
    kinds = {kind for kind, _ in found}
    assert "python" in kinds, "README.md has no ```python examples"
    assert "cleannb" in kinds, "README.md shows no `cleannb find-issues` command"


def test_readme_starts_with_install_demo_and_test_commands():
    blocks = code_blocks((REPO / "README.md").read_text(encoding="utf-8"))
    assert blocks, "README.md has no code blocks"
    first = commands(blocks[0][1])
    assert len(first) >= 2, "the first block should hold the install+demo and test commands"
    assert "pip install" in first[0] and "cleannb demo" in first[0]
    assert "pytest" in first[1]


@pytest.mark.parametrize("path, index", _all_steps())
def test_example_runs(path, index, tmp_path_factory, monkeypatch, capsys):
    _runner(path, tmp_path_factory).run_through(index, monkeypatch, capsys)


def test_fence_parser():
    text = "x\n```python\na = 1\n```\n```bash\ncleannb demo  # run it\npip install x\n```\n"
    text += "```console\n$ cleannb find-issues --labels a.npy\n```\n"
    assert code_blocks(text) == [
        ("python", "a = 1\n"),
        ("bash", "cleannb demo  # run it\npip install x\n"),
        ("console", "$ cleannb find-issues --labels a.npy\n"),
    ]
    assert steps_in(text) == [("python", "a = 1\n"), ("cleannb", ["demo"])]
