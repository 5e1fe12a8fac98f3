"""benchmarks/ratios.py: ``--compare`` flags what is worse, ``--markdown`` prints it.

Nothing here times anything: the comparisons read synthetic result files.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "ratios.py"


@pytest.fixture(scope="module")
def ratios():
    spec = importlib.util.spec_from_file_location("ratios", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MODEL = "100000x1000/float32/uniform/s60"


def result_file(path, items, models=(MODEL,)):
    """A results file as ``ratios.py --out`` writes it, with the given ratios per entry."""
    results = {
        "created": "2026-01-01 00:00:00",
        "machine": {"cpu": "test cpu", "cores": 2, "numba_threads": 2},
        "versions": {"numpy": "2", "numba": "0", "cleannb": "0", "cleannb_commit": "abc"},
        "data_model": "synthetic",
        "floor": "a read",
        "ratio": "median",
        "models": {
            name: {
                "n": 100_000,
                "k": 1000,
                "dtype": "float32",
                "noise": "uniform",
                "strength": 0.6,
                "argmax_is_true": 0.6,
                "argmax_is_label": 0.5,
                "floor_seconds": 0.012,
                "items": {
                    item: {"ratio": ratio, "seconds": ratio * 0.012, "rounds": 5}
                    for item, ratio in items.items()
                },
            }
            for name in models
        },
    }
    path.write_text(json.dumps(results))
    return path


def test_compare_flags_an_entry_more_than_20_percent_worse(ratios, tmp_path, capsys):
    base = result_file(
        tmp_path / "base.json",
        {"filter.both": 10.0, "kernel.row_pass": 2.0, "rank.self_confidence": 4.0},
    )
    slower = result_file(
        tmp_path / "now.json",
        # 25 % worse, 19 % worse (within 20 %), better
        {"filter.both": 12.5, "kernel.row_pass": 2.38, "rank.self_confidence": 3.0},
    )
    status = ratios.main(["--compare", "--baseline", str(base), "--results", str(slower)])
    out = capsys.readouterr().out
    assert status == 1
    assert "WORSE 100000x1000/float32/uniform/s60 filter.both" in out
    assert "kernel.row_pass" not in out
    assert "rank.self_confidence" not in out


def test_compare_passes_entries_within_20_percent(ratios, tmp_path, capsys):
    base = result_file(tmp_path / "base.json", {"filter.both": 10.0, "kernel.row_pass": 2.0})
    same = result_file(tmp_path / "now.json", {"filter.both": 11.9, "kernel.row_pass": 1.0})
    status = ratios.main(["--compare", "--baseline", str(base), "--results", str(same)])
    out = capsys.readouterr().out
    assert status == 0
    assert "WORSE" not in out
    assert "no entry more than 20% worse" in out


def test_compare_only_the_entries_asked_for(ratios, tmp_path, capsys):
    base = result_file(tmp_path / "base.json", {"filter.both": 10.0, "kernel.row_pass": 2.0})
    now = result_file(tmp_path / "now.json", {"kernel.row_pass": 3.0})
    argv = ["--compare", "--baseline", str(base), "--results", str(now), "--items", "kernel."]
    assert ratios.main(argv) == 1
    out = capsys.readouterr().out
    assert "WORSE 100000x1000/float32/uniform/s60 kernel.row_pass" in out
    assert "filter.both" not in out


def test_compare_tolerance_and_missing_entries(ratios, tmp_path):
    base = json.loads(
        result_file(tmp_path / "b.json", {"a": 10.0, "b": 10.0, "gone": 1.0}).read_text()
    )
    now = json.loads(
        result_file(tmp_path / "n.json", {"a": 10.6, "b": 11.5, "new": 1.0}).read_text()
    )
    worse, missing = ratios.compare(base, now, tolerance=0.05)
    assert [(item, old, new) for _, item, old, new in worse] == [
        ("a", 10.0, 10.6),
        ("b", 10.0, 11.5),
    ]
    assert sorted(item for _, item, _ in missing) == ["gone", "new"]
    # a data model timed on one side only is not compared
    other = json.loads(
        result_file(
            tmp_path / "o.json", {"a": 99.0}, models=("10000x10/float16/sparse/s20",)
        ).read_text()
    )
    assert ratios.compare(base, other) == ([], [])


def test_markdown_prints_every_model_and_the_data_model(ratios, tmp_path, capsys):
    models = (MODEL, "10000x10/float16/sparse/s20")
    path = result_file(tmp_path / "r.json", {"filter.prune_by_noise_rate": 5.25}, models)
    assert ratios.main(["--markdown", "--results", str(path)]) == 0
    table = capsys.readouterr().out
    assert "Data model: synthetic" in table
    assert table.count("| 5.25 |") == 2
    assert ratios.main(["--markdown", "--all", "--results", str(path)]) == 0
    assert "`filter.prune_by_noise_rate`" in capsys.readouterr().out


@pytest.mark.parametrize("strength", [0.2, 0.6, 0.9])
@pytest.mark.parametrize("noise", ["uniform", "neighbour", "sparse"])
def test_data_model_strength_and_noise(ratios, noise, strength):
    name = ratios.model_name(20_000, 10, "float32", noise, strength)
    labels, pred_probs, true = ratios.make_data(name)
    assert abs(np.mean(pred_probs.argmax(axis=1) == true) - strength) < 0.02
    assert abs(np.mean(labels != true) - {"uniform": 0.18}.get(noise, 0.2)) < 0.02
    np.testing.assert_allclose(pred_probs.sum(axis=1), 1, atol=1e-5)
    again = ratios.make_data(name)
    np.testing.assert_array_equal(again[0], labels)
    np.testing.assert_array_equal(again[1], pred_probs)
