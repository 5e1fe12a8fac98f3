"""The warm-up compiles what ``find_label_issues`` needs (``cleannb/_cli/warmup.py``,
``cleannb warmup``).

A fresh interpreter with ``NUMBA_CACHE_DIR`` set to an empty folder runs
:func:`cleannb.warmup` for float64; a second fresh interpreter on the same
folder then calls ``find_label_issues`` (small input: the serial twins; an
input over ``PARALLEL_MIN_BYTES`` on two threads: the parallel twins) and
records Numba's compile events (``numba:compile``, which fire only when a
kernel is compiled, not when it is loaded from the cache): there must be
none. A function compiled on purpose afterwards shows that the recorder does
see compilations, and the kernels' cache-hit counters that they were loaded.
The warm-up compiles every kernel once, so these tests are marked slow.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from cleannb import cli
from cleannb._cli.warmup import DEFAULT_DTYPES, _check_dtypes

TIMEOUT = 1200

WARM = """
import json
import cleannb
summary = cleannb.warmup(dtypes=["float64"])
print("RESULT " + json.dumps({
    "dtypes": summary.dtypes,
    "compiled": list(summary.compiled),
    "loaded": summary.loaded,
    "kernels": summary.kernels,
    "cache_dirs": list(summary.cache_dirs),
    "steps": list(summary.steps),
}))
"""

CHECK = """
import json
import numpy as np
from numba import njit
from numba.core import event

def data(n, k, seed):
    rng = np.random.default_rng(seed)
    true = np.arange(n) % k
    logits = rng.normal(size=(n, k)) + 2.0 * np.eye(k)[true]
    pred_probs = np.exp(logits)
    pred_probs /= pred_probs.sum(axis=1, keepdims=True)
    labels = np.where(rng.random(n) < 0.2, rng.integers(0, k, n), true)
    return labels, pred_probs

with event.install_recorder("numba:compile") as recorder:
    from cleannb import filter, rank
    from cleannb._core.parallel import PARALLEL_MIN_BYTES
    from cleannb._cli.warmup import kernel_dispatchers

    small = data(500, 6, 1)  # not the warm-up's shape
    filter.find_label_issues(*small)
    filter.find_label_issues(*small, filter_by="both", return_indices_ranked_by="normalized_margin")
    rank.get_label_quality_scores(*small)
    large = data(20_000, 10, 2)
    assert large[1].nbytes >= PARALLEL_MIN_BYTES
    filter.find_label_issues(*large, n_jobs=2)
    seen = len(recorder.buffer)

    @njit(cache=False)
    def probe(x):
        return x + 1

    probe(1)  # control: a compilation the recorder must see

compiled = [
    ev.data["dispatcher"].py_func.__qualname__ + str(ev.data["args"])
    for _, ev in recorder.buffer[:seen] if ev.is_start
]
dispatchers, _ = kernel_dispatchers()
hits = {name: sum(d.stats.cache_hits.values()) for name, d in dispatchers.items()}
print("RESULT " + json.dumps({
    "compiled": compiled,
    "control": len(recorder.buffer) - seen,
    "parallel_hits": sum(v for name, v in hits.items() if name.endswith(".parallel")),
    "serial_hits": sum(v for name, v in hits.items() if not name.endswith(".parallel")),
}))
"""


def _env(cache):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache), NUMBA_NUM_THREADS="2")
    env.pop("NUMBA_DISABLE_JIT", None)
    return env


def _python(args, cache):
    run = subprocess.run(
        [sys.executable, *args], env=_env(cache), capture_output=True, text=True, timeout=TIMEOUT
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def _result(run):
    line = next(x for x in run.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


@pytest.fixture(scope="module")
def warmed(tmp_path_factory):
    """An empty cache folder, warmed for float64 in a fresh interpreter."""
    cache = tmp_path_factory.mktemp("numba-cache")
    return cache, _result(_python(["-c", WARM], cache))


@pytest.mark.slow
def test_warmup_compiles_into_the_given_cache(warmed):
    cache, summary = warmed
    assert summary["dtypes"] == ["float64"]
    assert summary["steps"] == ["float64", "parallel twins"]
    # An empty cache: everything compiled, nothing loaded, all of it cached there.
    assert summary["loaded"] == 0
    assert len(summary["compiled"]) == summary["kernels"] > 0
    assert any(".parallel(" in name for name in summary["compiled"])
    assert any("row_pass.serial(" in name for name in summary["compiled"])
    assert summary["cache_dirs"]
    assert all(path.startswith(str(cache)) for path in summary["cache_dirs"])
    assert any(name.endswith(".nbc") for _, _, files in os.walk(cache) for name in files)


@pytest.mark.slow
def test_find_label_issues_compiles_nothing_after_warmup(warmed):
    cache, _ = warmed
    got = _result(_python(["-c", CHECK], cache))
    assert got["compiled"] == []
    assert got["control"] > 0  # the recorder works: a new function was seen compiling
    assert got["serial_hits"] > 0  # the kernels ran, loaded from the warm cache
    assert got["parallel_hits"] > 0  # and the large input ran the parallel twins


FURTHER_KINDS = """
import json
import numpy as np
from numba.core import event
from cleannb import filter, rank

rng = np.random.default_rng(0)
pred_probs = rng.dirichlet(np.ones(7), 900)
labels = np.where(rng.random(900) < 0.2, rng.integers(0, 7, 900), pred_probs.argmax(1))

def run(probs):
    ranked = "normalized_margin"
    filter.find_label_issues(labels, probs, filter_by="both", return_indices_ranked_by=ranked)
    rank.get_label_quality_scores(labels, probs)

with event.install_recorder("numba:compile") as first:
    run(pred_probs)
readonly = pred_probs.copy()
readonly.flags.writeable = False
kinds = {
    "float32": pred_probs.astype(np.float32),
    "float16": pred_probs.astype(np.float16),
    "fortran": np.asfortranarray(pred_probs.astype(np.float32)),
    "strided": np.repeat(pred_probs, 2, axis=0)[::2],
    "read-only": readonly,
}
compiled = {}
for name, probs in kinds.items():
    with event.install_recorder("numba:compile") as recorder:
        run(probs)
    events = [ev for _, ev in recorder.buffer if ev.is_start]
    compiled[name] = [ev.data["dispatcher"].py_func.__qualname__ for ev in events]
print("RESULT " + json.dumps({"first": len(first.buffer), "compiled": compiled}))
"""


@pytest.mark.slow
def test_small_inputs_of_any_dtype_and_layout_share_one_compilation(tmp_path):
    """After one small float64 run, small float32, float16, Fortran-ordered, strided and
    read-only inputs compile nothing: they reach the kernels as a float64 copy."""
    got = _result(_python(["-c", FURTHER_KINDS], tmp_path))
    assert got["first"] > 0  # an empty cache: the first run compiled
    assert got["compiled"] == {name: [] for name in got["compiled"]}


WARM_FLOAT16 = """
import json
import cleannb
summary = cleannb.warmup(dtypes=["float16"], parallel=False)
print("RESULT " + json.dumps({"steps": list(summary.steps)}))
"""

AFTER_FLOAT16 = """
import json
import numpy as np
from numba.core import event
from cleannb import filter

rng = np.random.default_rng(3)
def data(n, k, dtype):
    pred_probs = rng.dirichlet(np.ones(k), n).astype(dtype)
    return np.where(rng.random(n) < 0.2, rng.integers(0, k, n), pred_probs.argmax(1)), pred_probs

with event.install_recorder("numba:compile") as recorder:
    for dtype in (np.float16, np.float32):  # small: the float64 kernels
        labels, pred_probs = data(700, 5, dtype)
        filter.find_label_issues(labels, pred_probs, return_indices_ranked_by="normalized_margin")
        filter.find_label_issues(labels, pred_probs, filter_by="both")
    labels, pred_probs = data(150_000, 5, np.float16)  # large: float16's own serial kernels
    filter.find_label_issues(labels, pred_probs, n_jobs=1)
compiled = [ev.data["dispatcher"].py_func.__qualname__ for _, ev in recorder.buffer if ev.is_start]
print("RESULT " + json.dumps({"compiled": compiled}))
"""


@pytest.mark.slow
def test_warmup_without_float64_also_warms_small_inputs(tmp_path):
    """A warm-up for float16 alone compiles float16's own kernels (large inputs) and
    the float64 kernels that small inputs of every dtype share."""
    steps = _result(_python(["-c", WARM_FLOAT16], tmp_path))["steps"]
    assert steps == ["float16", "small inputs"]
    assert _result(_python(["-c", AFTER_FLOAT16], tmp_path))["compiled"] == []


@pytest.mark.slow
def test_cli_warmup_reports_cache_and_time(warmed):
    cache, summary = warmed
    run = _python(["-m", "cleannb", "warmup", "--dtypes", "float64"], cache)
    lines = run.stdout.strip().splitlines()
    assert lines[0].startswith("Warmed cleannb's kernels for float64 in ")
    assert " s (float64 " in lines[0] and ", parallel twins " in lines[0]
    # The cache is warm: kernels load, none compiles (the helpers that a cold
    # run compiles on the way are inside the loaded kernels).
    match = re.fullmatch(
        r"0 kernel signatures compiled and cached, (\d+) loaded from the cache, (\d+) in memory\.",
        lines[1],
    )
    assert match, lines[1]
    assert 0 < int(match[1]) == int(match[2]) <= summary["kernels"]
    assert lines[2].startswith(f"Numba cache: {cache}")
    assert "compiling the kernels for float64" in run.stderr
    quiet = _python(["-m", "cleannb", "warmup", "--dtypes", "float64", "--quiet"], cache)
    assert quiet.stderr == ""
    assert quiet.stdout.splitlines()[1] == lines[1]


def test_cli_warmup_rejects_unknown_dtype(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["warmup", "--dtypes", "int8"])
    assert exit_info.value.code == cli.EXIT_BAD_INPUT
    assert "invalid choice: 'int8'" in capsys.readouterr().err


def test_cli_warmup_defaults_and_help():
    args = cli.build_parser().parse_args(["warmup"])
    assert args.dtypes == list(DEFAULT_DTYPES) == ["float32", "float64"]
    assert (args.readonly, args.noise_generation, args.serial_only) == (False, False, False)
    assert args.run is cli._run_warmup


@pytest.mark.parametrize(
    "given, expected",
    [
        ("float32", ("float32",)),
        ([np.float64, "float64", np.dtype("float16")], ("float64", "float16")),
    ],
)
def test_dtypes_are_normalised(given, expected):
    assert _check_dtypes(given) == expected


@pytest.mark.parametrize("bad", [["int8"], [], ["float32", "complex64"], [object]])
def test_bad_dtypes_fail_before_compiling(bad):
    with pytest.raises(ValueError, match="dtypes"):
        _check_dtypes(bad)


def test_warmup_is_exported_lazily():
    code = (
        "import sys, cleannb; loaded = 'cleannb._cli.warmup' in sys.modules; "
        "from cleannb._cli.warmup import warmup; "
        "print(loaded, cleannb.warmup is warmup, 'warmup' in cleannb.__all__, "
        "'warmup' in dir(cleannb))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "True", "True", "True"]
