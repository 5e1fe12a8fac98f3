"""asv benchmarks of first contact: the cold import and the first ``find_label_issues``.

Each ``timeraw_`` benchmark returns code that asv runs, and times, in a fresh
interpreter (as xarray's ``asv_bench/benchmarks/import.py`` does), so nothing
this process has imported or compiled helps. The first call is timed twice:
with a warm Numba cache (the kernels load from the package's cache, which
``setup`` fills) and with a cold one (``NUMBA_CACHE_DIR`` pointed at a new
empty folder before Numba is imported, so that every kernel compiles).
``benchmarks/cold_start.py`` prints the whole table of the issue
("Fast from the first call"), per kernel too.
"""

from __future__ import annotations

from cleannb import filter

#: The small input of the first call: float64, N x K (the issue's table).
ROWS, CLASSES = 2_000, 10

_DATA = f"""
import numpy as np
rng = np.random.default_rng(0)
true = np.arange({ROWS}) % {CLASSES}
logits = rng.normal(size=({ROWS}, {CLASSES})) + 2.5 * np.eye({CLASSES})[true]
pred_probs = np.exp(logits)
pred_probs /= pred_probs.sum(axis=1, keepdims=True)
labels = np.where(rng.random({ROWS}) < 0.2, rng.integers(0, {CLASSES}, {ROWS}), true)
"""

_COLD_CACHE = """
import atexit, os, shutil, tempfile
os.environ["NUMBA_CACHE_DIR"] = cache = tempfile.mkdtemp(prefix="cleannb-asv-cold-")
atexit.register(shutil.rmtree, cache, True)
"""

_CALL = "filter.find_label_issues(labels, pred_probs)"


def _small_data():
    namespace = {}
    exec(_DATA, namespace)
    return namespace["labels"], namespace["pred_probs"]


class Import:
    """The import of the functional API in a fresh interpreter (kernels load lazily)."""

    timeout = 300
    repeat = (3, 10, 60.0)

    def timeraw_import_numba(self):
        # The floor: cleannb cannot import faster than Numba itself.
        return "import numba"

    def timeraw_import_filter(self):
        return "import cleannb.filter"

    def timeraw_import_filter_count_rank(self):
        return "import cleannb.filter, cleannb.count, cleannb.rank"


class FirstCall:
    """The first ``find_label_issues`` of a fresh process (2,000 x 10 float64).

    The import and the data are the untimed setup of the fresh interpreter;
    the statement timed is the call alone.
    """

    timeout = 900
    number = 1
    repeat = (1, 3, 300.0)

    def setup(self):
        # Fill the package's own cache, from which the warm benchmark loads.
        labels, pred_probs = _small_data()
        filter.find_label_issues(labels, pred_probs)

    def timeraw_find_label_issues_warm_cache(self):
        return _CALL, "from cleannb import filter\n" + _DATA

    def timeraw_find_label_issues_cold_cache(self):
        return _CALL, _COLD_CACHE + "from cleannb import filter\n" + _DATA
