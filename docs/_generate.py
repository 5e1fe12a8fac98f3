"""Pages of the site written from the code at build time (see ``conf.py``).

Nothing these functions write is committed: ``docs/api/``, ``docs/cli.md``,
``docs/guides/_performance_tables.md`` and ``docs/tutorials/notebooks/`` are
rebuilt on every build.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "benchmarks" / "baseline.json"

#: Public modules, in the order of the API index: (module, one-line summary).
MODULES = [
    ("cleannb.filter", "find label issues (cleanlab 2.x)"),
    ("cleannb.rank", "label quality scores and rankings (cleanlab 2.x)"),
    ("cleannb.count", "confident joint, thresholds, noise matrices (cleanlab 2.x)"),
    ("cleannb.dataset", "dataset-level health (cleanlab 2.x)"),
    ("cleannb.classification", "LearningWithNoisyLabels and CleanLearning"),
    ("cleannb.multilabel_classification", "multi-label data (cleanlab 2.x)"),
    ("cleannb.multilabel_classification.filter", "multi-label label issues"),
    ("cleannb.multilabel_classification.rank", "multi-label quality scores"),
    ("cleannb.multilabel_classification.dataset", "multi-label dataset health"),
    ("cleannb.segmentation", "semantic segmentation: every pixel an example (cleanlab 2.x)"),
    ("cleannb.segmentation.filter", "pixels with label issues"),
    ("cleannb.segmentation.rank", "image and pixel label quality scores"),
    ("cleannb.segmentation.summary", "summaries and pictures of segmentation issues"),
    ("cleannb.token_classification", "token classification (cleanlab 2.x)"),
    ("cleannb.token_classification.filter", "token label issues"),
    ("cleannb.token_classification.rank", "token and sentence quality scores"),
    ("cleannb.token_classification.summary", "token issue summaries"),
    ("cleannb.experimental", "row sources for data larger than memory"),
    ("cleannb.experimental.label_issues_batched", "label issues read in batches"),
    ("cleannb.experimental.span_classification", "span classification (cleanlab 2.x)"),
    ("cleannb.benchmarking", "cleanlab 2.x's benchmarking package"),
    ("cleannb.benchmarking.noise_generation", "synthetic label noise (cleanlab 2.x)"),
    ("cleannb.pruning", "label errors (cleanlab 0.1.0 / 1.0)"),
    ("cleannb.latent_estimation", "latent estimates (cleanlab 0.1.0 / 1.0)"),
    ("cleannb.latent_algebra", "algebra between noise matrices and priors"),
    ("cleannb.noise_generation", "synthetic label noise (cleanlab 0.1.0 / 1.0)"),
    ("cleannb.polyplex", "bounds of the joint (cleanlab 0.1.0 / 1.0)"),
    ("cleannb.baseline_methods", "the paper's argmax baselines"),
    ("cleannb.util", "helpers of cleanlab 0.1.0 / 1.0"),
    ("cleannb.datasets", "data shipped with cleannb"),
    ("cleannb.plot", "pictures (needs matplotlib)"),
    ("cleannb", "the package: tie order, warm-up, threads"),
]


def public_names(module_name):
    """The documented names of a module: the functions and classes of its ``__all__``."""
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    names = getattr(module, "__all__", [])
    return [name for name in names if callable(getattr(module, name, None))]


def _title(text, mark="="):
    return f"{text}\n{mark * len(text)}\n"


def write_api(docs):
    """One page per public module with an autosummary of its ``__all__``."""
    folder = docs / "api"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    entries = []
    for module_name, summary in MODULES:
        names = public_names(module_name)
        if names is None:
            continue
        entries.append(f"   {module_name}")
        lines = [_title(f"``{module_name}``"), summary.capitalize() + ".", ""]
        lines += [f".. automodule:: {module_name}", "   :no-members:", ""]
        if names:
            lines += [".. currentmodule:: " + module_name, "", ".. autosummary::"]
            lines += ["   :toctree: generated", "   :nosignatures:", ""]
            lines += [f"   {name}" for name in names]
        (folder / f"{module_name}.rst").write_text("\n".join(lines) + "\n")
    index = [_title("API reference"), "One page per public module, listing every public name.", ""]
    index += [f"- :doc:`{m}`: {s}" for m, s in MODULES if public_names(m) is not None]
    index += ["", ".. toctree::", "   :hidden:", ""] + entries
    (folder / "index.rst").write_text("\n".join(index) + "\n")


def _subcommands(parser):
    for action in parser._actions:  # argparse has no public accessor for subparsers
        if isinstance(action, argparse._SubParsersAction):
            return action.choices
    return {}


def write_cli(docs):
    """The command-line reference: the help text of every (sub)command."""
    from cleannb.cli import build_parser

    parser = build_parser()
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    lines = ["# Command line", "", "Written from the argument parser at build time.", ""]
    lines += ["```text", parser.format_help().rstrip(), "```", ""]
    for name, sub in _subcommands(parser).items():
        lines += [f"## `cleannb {name}`", "", "```text", sub.format_help().rstrip(), "```", ""]
    (docs / "cli.md").write_text("\n".join(lines))


def write_notebooks(docs):
    """Copy the committed notebooks next to the tutorials index (stored outputs)."""
    source = docs.parent / "notebooks"
    target = docs / "tutorials" / "notebooks"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for notebook in sorted(source.glob("*.ipynb")):
        shutil.copy2(notebook, target / notebook.name)
    if (source / "figures").is_dir():
        shutil.copytree(source / "figures", target / "figures")


def load_ratios_module():
    """``benchmarks/ratios.py`` as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("ratios", REPO / "benchmarks" / "ratios.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: The README's summary shows the uniform-noise data models of these shapes.
README_SHAPES = ("100000x1000/", "1000000x10/")


def performance_tables(every=True):
    """The tables of ``benchmarks/baseline.json``, as ``ratios.py --markdown`` prints them.

    Without ``every``: the README's summary, the uniform-noise data models of
    :data:`README_SHAPES` only, under a one-line header (the site shows every
    one, with the data model).
    """
    results = json.loads(BASELINE.read_text())
    if not every:
        results["models"] = {
            name: model
            for name, model in results["models"].items()
            if name.startswith(README_SHAPES) and "/uniform/" in name
        }
    return load_ratios_module().markdown(results, every=every, brief=not every)


def write_performance(docs):
    """``guides/_performance_tables.md``: every ratio of the committed baseline."""
    (docs / "guides" / "_performance_tables.md").write_text(performance_tables() + "\n")


README_TABLE_START = "<!-- performance table:"
README_TABLE_END = "<!-- end of performance table -->"


def write_readme_table(readme=REPO / "README.md"):
    """Put the summary table of ``benchmarks/baseline.json`` between the README's markers."""
    text = readme.read_text(encoding="utf-8")
    start = text.index("\n", text.index(README_TABLE_START)) + 1
    end = text.index(README_TABLE_END)
    readme.write_text(text[:start] + performance_tables(every=False) + "\n" + text[end:])


def write_all(docs):
    """Write every generated page under ``docs``."""
    docs = Path(docs)
    write_api(docs)
    write_cli(docs)
    write_notebooks(docs)
    write_performance(docs)


if __name__ == "__main__":
    # python docs/_generate.py: refresh the README's performance table
    write_readme_table()
