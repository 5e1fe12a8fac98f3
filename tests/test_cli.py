"""Tests of the ``cleannb`` command line (cleannb/cli.py, cleannb/_cli/io.py).

Most tests call :func:`cleannb.cli.main` in this process, so the Numba kernels
compile once; two tests start the real console script / ``python -m cleannb``.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import cleannb
from cleannb import cli
from cleannb._cli.io import read_pred_probs
from cleannb._core.rows import RowSource
from cleannb.count import estimate_joint
from cleannb.filter import find_label_issues
from cleannb.rank import get_label_quality_scores

REPO = Path(__file__).resolve().parents[1]


def make_data(n=400, k=4, seed=0, dtype=np.float64):
    """Continuous pred_probs and labels with about 20 % of them flipped."""
    rng = np.random.default_rng(seed)
    true = rng.integers(0, k, n)
    logits = rng.normal(size=(n, k)) + 2.5 * np.eye(k)[true]
    pred_probs = np.exp(logits)
    pred_probs /= pred_probs.sum(axis=1, keepdims=True)
    labels = true.copy()
    flip = rng.random(n) < 0.2
    labels[flip] = rng.integers(0, k, flip.sum())
    return labels, pred_probs.astype(dtype)


def expected_table(labels, pred_probs, filter_by="prune_by_noise_rate", rank_by="self_confidence"):
    issues = find_label_issues(
        labels, pred_probs, filter_by=filter_by, return_indices_ranked_by=rank_by
    )
    scores = get_label_quality_scores(labels, pred_probs, method=rank_by)
    return {
        "index": np.asarray(issues),
        "label_quality": np.asarray(scores, dtype=np.float64)[issues],
        "given_label": labels[issues],
        "predicted_label": pred_probs.argmax(axis=1)[issues],
    }


def write_labels(path, labels, fmt):
    path = path.with_suffix("." + fmt.split("-")[0])
    if fmt == "npy":
        np.save(path, labels)
    elif fmt == "csv":
        np.savetxt(path, labels, fmt="%d")
    elif fmt == "csv-header":
        path.write_text("label\n" + "\n".join(map(str, labels)) + "\n")
    elif fmt == "csv-columns":
        rows = [f"{i},{v}" for i, v in enumerate(labels)]
        path.write_text("id,given_label\n" + "\n".join(rows) + "\n")
    elif fmt == "txt":
        np.savetxt(path, labels, fmt="%d")
    elif fmt == "txt-one-line":
        path.write_text(" ".join(map(str, labels)) + "\n")
    return path


def write_pred_probs(path, pred_probs, fmt):
    path = path.with_suffix("." + fmt.split("-")[0])
    if fmt == "npy":
        np.save(path, pred_probs)
    elif fmt == "npz":
        np.savez(path, pred_probs=pred_probs, other=np.arange(3))
    elif fmt == "npz-single":
        np.savez_compressed(path, pred_probs)
    elif fmt == "csv":
        np.savetxt(path, pred_probs, fmt="%.17g", delimiter=",")
    elif fmt == "csv-header":
        header = ",".join(f"class_{j}" for j in range(pred_probs.shape[1]))
        np.savetxt(path, pred_probs, fmt="%.17g", delimiter=",", header=header, comments="")
    return path


def read_output(path, captured_out):
    if path is None:
        lines = captured_out.split("\n\n")[0].strip().splitlines()
        header = lines[0].split()
        rows = [line.split() for line in lines[1:]]
        columns = {name: [row[j] for row in rows] for j, name in enumerate(header)}
        return {
            "index": np.array(columns["index"], dtype=np.int64),
            "label_quality": np.array(columns["label_quality"], dtype=np.float64),
            "given_label": np.array(columns["given_label"], dtype=np.int64),
            "predicted_label": np.array(columns["predicted_label"], dtype=np.int64),
        }
    if path.suffix == ".json":
        records = json.loads(path.read_text())
        return {
            name: np.array([r[name] for r in records])
            for name in ("index", "label_quality", "given_label", "predicted_label")
        }
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        "index": np.array([int(r["index"]) for r in rows], dtype=np.int64),
        "label_quality": np.array([float(r["label_quality"]) for r in rows]),
        "given_label": np.array([int(r["given_label"]) for r in rows], dtype=np.int64),
        "predicted_label": np.array([int(r["predicted_label"]) for r in rows], dtype=np.int64),
    }


def assert_same_table(got, want, exact=True):
    assert list(got) == list(want) or set(got) == set(want)
    np.testing.assert_array_equal(got["index"], want["index"])
    np.testing.assert_array_equal(got["given_label"], want["given_label"])
    np.testing.assert_array_equal(got["predicted_label"], want["predicted_label"])
    if exact:
        np.testing.assert_array_equal(got["label_quality"], want["label_quality"])
    else:
        np.testing.assert_allclose(got["label_quality"], want["label_quality"], rtol=1e-5)


@pytest.fixture(scope="module")
def data():
    return make_data()


@pytest.mark.parametrize(
    "label_fmt", ["npy", "csv", "csv-header", "csv-columns", "txt", "txt-one-line"]
)
@pytest.mark.parametrize("probs_fmt", ["npy", "npz", "npz-single", "csv", "csv-header"])
@pytest.mark.parametrize("out_fmt", ["csv", "json", "stdout"])
def test_round_trip_equals_find_label_issues(tmp_path, capsys, data, label_fmt, probs_fmt, out_fmt):
    labels, pred_probs = data
    labels_path = write_labels(tmp_path / "labels", labels, label_fmt)
    probs_path = write_pred_probs(tmp_path / "pred_probs", pred_probs, probs_fmt)
    out = None if out_fmt == "stdout" else tmp_path / f"issues.{out_fmt}"
    argv = [
        "--quiet",
        "find-issues",
        "--labels",
        str(labels_path),
        "--pred-probs",
        str(probs_path),
    ] + ([] if out is None else ["--output", str(out)])
    assert cli.main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    want = expected_table(labels, pred_probs)
    assert len(want["index"]) > 20
    assert_same_table(read_output(out, captured.out), want, exact=out is not None)


@pytest.mark.parametrize(
    "filter_by, rank_by",
    [
        ("prune_by_noise_rate", "normalized_margin"),
        ("prune_by_class", "self_confidence"),
        ("both", "confidence_weighted_entropy"),
        ("confident_learning", "self_confidence"),
        ("predicted_neq_given", "normalized_margin"),
        ("low_normalized_margin", "self_confidence"),
        ("low_self_confidence", "confidence_weighted_entropy"),
    ],
)
def test_filter_and_rank_options(tmp_path, capsys, data, filter_by, rank_by):
    labels, pred_probs = data
    np.save(tmp_path / "labels.npy", labels)
    np.save(tmp_path / "pred_probs.npy", pred_probs)
    out = tmp_path / "issues.json"
    argv = [
        "find-issues",
        "--labels",
        str(tmp_path / "labels.npy"),
        "--pred-probs",
        str(tmp_path / "pred_probs.npy"),
        "--filter-by",
        filter_by,
        "--rank-by",
        rank_by,
        "--output",
        str(out),
        "--quiet",
    ]
    assert cli.main(argv) == 0
    capsys.readouterr()
    assert_same_table(read_output(out, ""), expected_table(labels, pred_probs, filter_by, rank_by))


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_dtypes_pass_through(tmp_path, capsys, dtype):
    labels, pred_probs = make_data(n=500, k=5, seed=3, dtype=dtype)
    np.save(tmp_path / "labels.npy", labels)
    np.savez(tmp_path / "pred_probs.npz", pred_probs=pred_probs)
    out = tmp_path / "issues.csv"
    argv = [
        "-q",
        "find-issues",
        "--labels",
        str(tmp_path / "labels.npy"),
        "--pred-probs",
        str(tmp_path / "pred_probs.npz"),
        "-o",
        str(out),
    ]
    assert cli.main(argv) == 0
    capsys.readouterr()
    assert_same_table(read_output(out, ""), expected_table(labels, pred_probs))


def test_npy_is_memory_mapped_copy_on_write(tmp_path):
    """Mapped, not copied, and read in ranges; each range writable to numpy (so the
    ordinary kernels serve it), and a write would never reach the file."""
    _, pred_probs = make_data(n=1000, k=3, dtype=np.float32)
    np.save(tmp_path / "p.npy", pred_probs)
    before = (tmp_path / "p.npy").read_bytes()
    loaded = read_pred_probs(tmp_path / "p.npy", batch_size=300)
    assert isinstance(loaded, RowSource)
    assert list(loaded.ranges()) == [(0, 300), (300, 600), (600, 900), (900, 1000)]
    block = loaded.read(300, 600)
    assert type(block) is np.ndarray
    assert block.flags.writeable and not block.flags.owndata
    base = block
    while not isinstance(base, np.memmap):
        base = base.base
    assert base.mode == "c"
    np.testing.assert_array_equal(block, pred_probs[300:600])
    block[0, 0] = 0.5
    assert (tmp_path / "p.npy").read_bytes() == before


@pytest.mark.parametrize("suffix", [".npy", ".zarr"])
@pytest.mark.parametrize("filter_by", ["prune_by_noise_rate", "both", "low_self_confidence"])
def test_npy_and_zarr_read_in_ranges_equal_the_loaded_arrays(tmp_path, capsys, suffix, filter_by):
    labels, pred_probs = make_data(n=2000, k=5, dtype=np.float16)
    np.save(tmp_path / "labels.npy", labels)
    path = tmp_path / f"pred_probs{suffix}"
    if suffix == ".npy":
        np.save(path, pred_probs)
    else:
        import zarr

        stored = zarr.open_array(
            str(path), mode="w", shape=pred_probs.shape, chunks=(128, 5), dtype=pred_probs.dtype
        )
        stored[:] = pred_probs
    out = tmp_path / "issues.csv"
    for batch_size in ("1", "77", "5000"):
        argv = [
            "find-issues",
            "--labels",
            str(tmp_path / "labels.npy"),
            "--pred-probs",
            str(path),
            "--filter-by",
            filter_by,
            "--batch-size",
            batch_size,
            "-o",
            str(out),
        ]
        assert cli.main(argv) == 0
        capsys.readouterr()
        assert_same_table(read_output(out, ""), expected_table(labels, pred_probs, filter_by))


def test_pass_bars_count_rows_per_pass():
    from cleannb._cli.io import _pass_bars

    assert _pass_bars(quiet=True) is None
    seen = []

    class Bar:
        def __init__(self, number, total):
            self.number, self.total, self.rows = number, total, 0

        def update(self, rows):
            self.rows += rows

        def close(self):
            seen.append((self.number, self.total, self.rows))

    labels, pred_probs = make_data(n=500, k=3)
    source = RowSource(pred_probs, batch_size=64, progress=Bar)
    find_label_issues(labels, source)
    assert len(seen) >= 3  # thresholds, confident joint, selection
    assert seen == [(i + 1, 500, 500) for i in range(len(seen))]
    bar = _pass_bars(quiet=False)(2, 500)
    assert bar.total == 500 and "pass 2" in bar.desc
    bar.close()


def test_bad_zarr_and_batch_size(tmp_path, capsys):
    labels, _ = make_data(n=50, k=3)
    np.save(tmp_path / "labels.npy", labels)
    (tmp_path / "bad.zarr").write_text("not a folder")
    argv = ["find-issues", "--labels", str(tmp_path / "labels.npy"), "--pred-probs"]
    assert cli.main([*argv, str(tmp_path / "bad.zarr")]) == cli.EXIT_BAD_INPUT
    assert "is a folder" in capsys.readouterr().err
    (tmp_path / "empty.zarr").mkdir()
    assert cli.main([*argv, str(tmp_path / "empty.zarr")]) == cli.EXIT_BAD_INPUT
    assert "not a readable zarr array" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main([*argv, str(tmp_path / "empty.zarr"), "--batch-size", "0"])


def test_memory_mapped_input_same_for_1_and_2_threads(tmp_path, capsys):
    # 40,000 x 8 float64 = 2.6 MB: above PARALLEL_MIN_BYTES, so the parallel
    # twins run on the memory map; the file is left untouched.
    labels, pred_probs = make_data(n=40_000, k=8, seed=5)
    np.save(tmp_path / "labels.npy", labels)
    np.save(tmp_path / "pred_probs.npy", pred_probs)
    before = (tmp_path / "pred_probs.npy").read_bytes()
    outputs = []
    for n_jobs in ("1", "2"):
        out = tmp_path / f"issues_{n_jobs}.csv"
        argv = [
            "find-issues",
            "--labels",
            str(tmp_path / "labels.npy"),
            "--pred-probs",
            str(tmp_path / "pred_probs.npy"),
            "--n-jobs",
            n_jobs,
            "-o",
            str(out),
            "--quiet",
        ]
        assert cli.main(argv) == 0
        outputs.append(out.read_bytes())
    capsys.readouterr()
    assert outputs[0] == outputs[1]
    assert_same_table(
        read_output(tmp_path / "issues_1.csv", ""), expected_table(labels, pred_probs)
    )
    assert (tmp_path / "pred_probs.npy").read_bytes() == before


def test_summary_reports_counts_noise_rate_and_classes(tmp_path, capsys, data):
    labels, pred_probs = data
    np.save(tmp_path / "labels.npy", labels)
    np.save(tmp_path / "pred_probs.npy", pred_probs)
    out = tmp_path / "issues.csv"
    assert (
        cli.main(
            [
                "find-issues",
                "--labels",
                str(tmp_path / "labels.npy"),
                "--pred-probs",
                str(tmp_path / "pred_probs.npy"),
                "-o",
                str(out),
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    want = expected_table(labels, pred_probs)
    n_issues = len(want["index"])
    noise_rate = 1 - np.trace(estimate_joint(labels, pred_probs))
    counts = np.bincount(want["given_label"])
    top = np.argsort(-counts, kind="stable")[0]
    assert f"{n_issues} label issues in {len(labels)} examples" in text
    assert f"Estimated noise rate: {100 * noise_rate:.1f} %" in text
    assert f"most issues: {top} ({counts[top]})" in text


def test_no_issues_gives_empty_outputs(tmp_path, capsys):
    labels = np.array([0, 1, 2, 0, 1, 2])
    pred_probs = np.eye(3)[labels] * 0.9 + 0.1 / 3
    np.save(tmp_path / "labels.npy", labels)
    np.save(tmp_path / "pred_probs.npy", pred_probs)
    base = [
        "-q",
        "find-issues",
        "--labels",
        str(tmp_path / "labels.npy"),
        "--pred-probs",
        str(tmp_path / "pred_probs.npy"),
    ]
    assert cli.main([*base, "-o", str(tmp_path / "i.json")]) == 0
    assert cli.main([*base, "-o", str(tmp_path / "i.csv")]) == 0
    assert json.loads((tmp_path / "i.json").read_text()) == []
    assert (
        tmp_path / "i.csv"
    ).read_text().strip() == "index,label_quality,given_label,predicted_label"
    assert "0 label issues in 6 examples" in capsys.readouterr().out


def test_quiet_is_accepted_before_and_after_the_command(tmp_path, capsys, data):
    labels, pred_probs = data
    np.save(tmp_path / "labels.npy", labels)
    np.save(tmp_path / "pred_probs.npy", pred_probs)
    files = [
        "--labels",
        str(tmp_path / "labels.npy"),
        "--pred-probs",
        str(tmp_path / "pred_probs.npy"),
        "-o",
        str(tmp_path / "o.csv"),
    ]
    parser = cli.build_parser()
    assert parser.parse_args(["--quiet", "find-issues", *files]).quiet is True
    assert parser.parse_args(["find-issues", *files, "--quiet"]).quiet is True
    assert parser.parse_args(["find-issues", *files]).quiet is False


def _bad_inputs(tmp_path):
    labels, pred_probs = make_data(n=50, k=3)
    good_labels, good_probs = tmp_path / "labels.npy", tmp_path / "pred_probs.npy"
    np.save(good_labels, labels)
    np.save(good_probs, pred_probs)

    def save(name, array):
        np.save(tmp_path / name, array)
        return str(tmp_path / name)

    nan_probs = pred_probs.copy()
    nan_probs[7, 1] = np.nan
    out_of_range = labels.copy()
    out_of_range[3] = 3
    negative = labels.copy()
    negative[0] = -1
    (tmp_path / "text_labels.csv").write_text("label\ncat\ndog\n")
    (tmp_path / "bad_probs.csv").write_text("0.5,0.5\n0.3,x\n")
    (tmp_path / "probs.parquet").write_text("")
    return {
        "missing labels": ([str(tmp_path / "nope.npy"), str(good_probs)], "no such file"),
        "missing pred_probs": ([str(good_labels), str(tmp_path / "nope.npy")], "no such file"),
        "1-D pred_probs": ([str(good_labels), save("p1.npy", pred_probs[:, 0])], "shape"),
        "3-D pred_probs": ([str(good_labels), save("p3.npy", pred_probs[:, :, None])], "shape"),
        "length mismatch": ([save("short.npy", labels[:-1]), str(good_probs)], "49 entries"),
        "2-D labels": ([save("l2.npy", np.stack([labels, labels], 1)), str(good_probs)], "shape"),
        "label out of range": ([save("l3.npy", out_of_range), str(good_probs)], "class 3"),
        "negative label": ([save("l4.npy", negative), str(good_probs)], "-1"),
        "NaN in pred_probs": ([str(good_labels), save("nan.npy", nan_probs)], "nan"),
        "text labels": ([str(tmp_path / "text_labels.csv"), str(good_probs)], "integer"),
        "text in pred_probs": ([str(good_labels), str(tmp_path / "bad_probs.csv")], "number"),
        "unknown extension": ([str(good_labels), str(tmp_path / "probs.parquet")], "extension"),
    }


BAD_CASES = [
    "missing labels",
    "missing pred_probs",
    "1-D pred_probs",
    "3-D pred_probs",
    "length mismatch",
    "2-D labels",
    "label out of range",
    "negative label",
    "NaN in pred_probs",
    "text labels",
    "text in pred_probs",
    "unknown extension",
]


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, case):
    (labels_path, probs_path), fragment = _bad_inputs(tmp_path)[case]
    status = cli.main(
        [
            "find-issues",
            "--labels",
            labels_path,
            "--pred-probs",
            probs_path,
            "-o",
            str(tmp_path / "out.csv"),
        ]
    )
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    message = captured.err.strip()
    assert "\n" not in message and message.startswith("cleannb find-issues: error: ")
    assert fragment.lower() in message.lower()
    assert not (tmp_path / "out.csv").exists()


def test_bad_output_and_n_jobs_exit_2(tmp_path, capsys, data):
    labels, pred_probs = data
    np.save(tmp_path / "labels.npy", labels)
    np.save(tmp_path / "pred_probs.npy", pred_probs)
    base = [
        "find-issues",
        "--labels",
        str(tmp_path / "labels.npy"),
        "--pred-probs",
        str(tmp_path / "pred_probs.npy"),
    ]
    assert cli.main([*base, "-o", str(tmp_path / "out.xlsx")]) == 2
    assert "extension" in capsys.readouterr().err
    assert cli.main([*base, "-o", str(tmp_path / "no_dir" / "out.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert cli.main([*base, "--n-jobs", "0", "-o", str(tmp_path / "o.csv")]) == 2
    assert "n_jobs" in capsys.readouterr().err


def test_module_entry_point_bad_input_has_no_traceback(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cleannb",
            "find-issues",
            "--labels",
            str(tmp_path / "x.npy"),
            "--pred-probs",
            str(tmp_path / "y.npy"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no such file" in result.stderr and "Traceback" not in result.stderr


def test_console_script_is_installed():
    script = shutil.which("cleannb")
    assert script is not None, "run `pip install -e .` to install the cleannb console script"
    result = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == f"cleannb {cleannb.__version__}"


def test_demo_exits_0_with_precision_and_recall_above_0_6(capsys):
    assert cli.main(["demo"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("precision"))
    precision, recall = float(line.split()[1]), float(line.split()[3])
    assert precision > 0.6 and recall > 0.6
    assert "Noise matrix" in out and "Time per step" in out


def test_run_demo_scores_match_its_issues():
    from cleannb.demo import run_demo

    result = run_demo(seed=1, noise=0.2, quiet=True, out=None)
    flipped = result.noisy_labels != result.true_labels
    assert abs(flipped.mean() - 0.2) < 0.03
    hits = flipped[result.issues].sum()
    assert result.precision == hits / len(result.issues)
    assert result.recall == hits / flipped.sum()
    assert result.precision > 0.6 and result.recall > 0.6
    np.testing.assert_array_equal(
        result.issues,
        find_label_issues(
            result.noisy_labels, result.pred_probs, return_indices_ranked_by="self_confidence"
        ),
    )
    np.testing.assert_allclose(result.true_noise_matrix.sum(axis=0), 1.0)
    assert np.abs(result.true_noise_matrix - result.estimated_noise_matrix).mean() < 0.05


def test_default_output_matches_cleanlab_2_9(tmp_path, capsys):
    cleanlab_filter = pytest.importorskip("cleanlab.filter")
    cleanlab_rank = pytest.importorskip("cleanlab.rank")
    # Ties: probabilities rounded to 2 decimals, so scores and margins repeat.
    labels, pred_probs = make_data(n=600, seed=7)
    pred_probs = np.round(pred_probs, 2)
    pred_probs /= pred_probs.sum(axis=1, keepdims=True)
    own = pred_probs[np.arange(len(labels)), labels]
    assert len(np.unique(own)) < len(own) // 2
    np.save(tmp_path / "labels.npy", labels)
    np.save(tmp_path / "pred_probs.npy", pred_probs)
    out = tmp_path / "issues.csv"
    argv = [
        "-q",
        "find-issues",
        "--labels",
        str(tmp_path / "labels.npy"),
        "--pred-probs",
        str(tmp_path / "pred_probs.npy"),
        "-o",
        str(out),
    ]
    assert cli.main(argv) == 0
    capsys.readouterr()
    got = read_output(out, "")
    want = cleanlab_filter.find_label_issues(
        labels, pred_probs, return_indices_ranked_by="self_confidence", n_jobs=1
    )
    np.testing.assert_array_equal(got["index"], want)
    scores = cleanlab_rank.get_label_quality_scores(labels, pred_probs)
    np.testing.assert_allclose(got["label_quality"], scores[want], rtol=1e-12)


def test_demo_cifar10_prints_scores_of_find_label_issues_on_the_bundled_data(capsys):
    from cleannb.datasets import load_cifar10_noisy

    assert cli.main(["demo", "--data", "cifar10", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""  # --quiet: no progress bars
    out = captured.out
    data = load_cifar10_noisy()
    issues = find_label_issues(data.labels, data.pred_probs)
    wrong = data.labels != data.true_labels
    hits = np.count_nonzero(issues & wrong)
    precision, recall = hits / issues.sum(), hits / wrong.sum()
    f1 = 2 * precision * recall / (precision + recall)
    line = next(x for x in out.splitlines() if x.startswith("precision"))
    assert line.split() == [
        "precision",
        f"{precision:.5f}",
        "recall",
        f"{recall:.5f}",
        "F1",
        f"{f1:.5f}",
    ]
    assert f"Label issues found: {issues.sum()}, of which {hits} are wrong labels" in out
    for name, score in data.published_scores.items():
        assert f"  {name:<22}{score['flagged']:8d}{score['precision']:11.5f}" in out
    assert "CIFAR-10" in out and "Time per step" in out and "Noise matrix" in out
    assert "airplane" in out  # issues are shown with class names


def test_demo_default_data_is_digits():
    parser = cli.build_parser()
    assert parser.parse_args(["demo"]).data == "digits"
    assert parser.parse_args(["demo", "--data", "cifar10"]).data == "cifar10"


def test_demo_bad_data_exits_2_with_a_clear_message(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["demo", "--data", "mnist"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --data: invalid choice: 'mnist'" in err
    assert "digits" in err and "cifar10" in err


def test_demo_cifar10_rejects_seed_and_noise(capsys):
    for extra in (["--seed", "1"], ["--noise", "0.3"]):
        assert cli.main(["demo", "--data", "cifar10", *extra]) == 2
        err = capsys.readouterr().err
        assert err.startswith("cleannb demo: error: --seed and --noise apply to --data digits")
        assert err.count("\n") == 1


def test_find_issues_passes_over_a_npy(tmp_path, capsys):
    """Thresholds, confident joint, selection (and a second selection pass for the cells
    with fewer positive margins than their count, as here): the noise rate comes from
    the same passes, and self-confidence scores from the values kept per row. Another
    ranking reads the file twice more (the order, then the scores)."""
    labels, pred_probs = make_data(n=3000, k=100, dtype=np.float32)
    np.save(tmp_path / "labels.npy", labels)
    np.save(tmp_path / "pred_probs.npy", pred_probs)
    out = tmp_path / "issues.csv"
    passes = {}
    for rank_by in ("self_confidence", "normalized_margin"):
        argv = ["find-issues", "--labels", str(tmp_path / "labels.npy"), "--pred-probs"]
        argv += [str(tmp_path / "pred_probs.npy"), "--rank-by", rank_by, "-o", str(out), "-q"]
        assert cli.main(argv + ["--batch-size", "700"]) == 0
        printed = capsys.readouterr().out
        passes[rank_by] = int(printed.split(" passes over its rows")[0].split()[-1])
        expected = expected_table(labels, pred_probs, "prune_by_noise_rate", rank_by)
        assert_same_table(read_output(out, ""), expected)
    assert passes["self_confidence"] == 4
    assert passes["normalized_margin"] == passes["self_confidence"] + 2
