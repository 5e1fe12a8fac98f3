"""pred_probs as dask arrays on a LocalCluster of 2 worker processes, against in-memory results.

Every function that reads pred_probs must return exactly what it returns on
the numpy array: masks, orders, counts and floats bit for bit, for uneven
chunks, every dtype, ties, K from 2 to 1,000, and a class held by one chunk
only; with pred_probs never computed on the client, a worker killed in the
middle of a pass, and bad chunks that raise the in-memory error with their
row range.
"""

from __future__ import annotations

import concurrent.futures
import os
import signal
import threading
import time

import numpy as np
import pytest
import zarr
from conftest import make_dataset
from test_batched import DTYPES, RANKINGS, assert_same, everything, tied

from cleannb import count, filter, rank
from cleannb._core.dask_rows import DaskRows, tree

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

#: Bound on any one cluster call, so that a lost worker cannot hang the suite.
CALL_TIMEOUT = 300


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=40,
    )
    with cluster, distributed.Client(cluster) as connected:
        yield connected


@pytest.fixture
def no_gather(monkeypatch):
    """Fail if any pass reads the chunks through the client instead of on the workers."""

    def gathered(self):
        raise AssertionError("pred_probs was computed on the client")

    monkeypatch.setattr(DaskRows, "blocks", gathered)


def from_zarr(tmp_path, pred_probs, row_chunks):
    """``pred_probs`` written to a zarr store in row chunks of the given (uneven) sizes."""
    stored = zarr.open_array(
        str(tmp_path / "p.zarr"),
        mode="w",
        shape=pred_probs.shape,
        chunks=(max(row_chunks), pred_probs.shape[1]),
        dtype=pred_probs.dtype,
    )
    stored[:] = pred_probs
    return da.from_zarr(str(tmp_path / "p.zarr")).rechunk((tuple(row_chunks), -1))


def uneven(n, seed=0):
    """Row chunk sizes that sum to n, of very different sizes (one of a single row)."""
    rng = np.random.default_rng(seed)
    cuts = np.sort(rng.choice(np.arange(2, n - 1), size=6, replace=False))
    sizes = np.diff(np.concatenate([[0], [1], cuts, [n]]))
    return [int(s) for s in sizes if s > 0]


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_function_equals_in_memory(client, no_gather, tmp_path, dtype):
    labels, pred_probs = tied(2, 2500, 5, dtype)
    array = from_zarr(tmp_path, pred_probs, uneven(len(labels)))
    assert_same(everything(labels, array), everything(labels, pred_probs))
    assert_same(
        everything(da.from_array(labels, chunks=300), array), everything(labels, pred_probs)
    )


@pytest.mark.parametrize(
    ("dtype", "chunking"), [(np.float16, "uneven"), (np.float32, "uneven"), (np.float32, "many")]
)
def test_every_rule_and_ranking_equals_in_memory(client, no_gather, tmp_path, dtype, chunking):
    labels, pred_probs = tied(1, 3000, 6, dtype)
    # "many": 25 chunks, so the selection's fold tree has five levels
    sizes = uneven(len(labels), seed=1) if chunking == "uneven" else [120] * 25
    array = from_zarr(tmp_path, pred_probs, sizes)
    for filter_by in filter.FILTERS:
        for ranked_by in RANKINGS:
            assert_same(
                filter.find_label_issues(
                    labels, array, filter_by=filter_by, return_indices_ranked_by=ranked_by
                ),
                filter.find_label_issues(
                    labels, pred_probs, filter_by=filter_by, return_indices_ranked_by=ranked_by
                ),
            )


@pytest.mark.parametrize(("n", "k", "chunk"), [(300, 2, 7), (2500, 1000, 400)])
def test_two_and_a_thousand_classes(client, no_gather, tmp_path, n, k, chunk):
    labels, pred_probs = make_dataset(3, n, k, np.float32, kind="mixed")
    array = from_zarr(tmp_path, pred_probs, [chunk] * (n // chunk) + [n % chunk])
    for filter_by in ("prune_by_noise_rate", "both", "low_normalized_margin"):
        assert_same(
            filter.find_label_issues(
                labels, array, filter_by=filter_by, return_indices_ranked_by="self_confidence"
            ),
            filter.find_label_issues(
                labels, pred_probs, filter_by=filter_by, return_indices_ranked_by="self_confidence"
            ),
        )
    assert_same(
        count.compute_confident_joint(labels, array),
        count.compute_confident_joint(labels, pred_probs),
    )


def test_a_class_that_only_one_chunk_holds(client, no_gather, tmp_path):
    labels, pred_probs = tied(4, 2000, 5, np.float32)
    order = np.argsort(labels == 0, kind="stable")  # class 0's rows last, together
    labels, pred_probs = labels[order], pred_probs[order]
    first = int(np.count_nonzero(labels != 0))
    array = from_zarr(tmp_path, pred_probs, [first // 2, first - first // 2, len(labels) - first])
    assert_same(everything(labels, array), everything(labels, pred_probs))


def test_column_chunks_are_merged(client, no_gather):
    labels, pred_probs = tied(5, 900, 6, np.float64)
    array = da.from_array(pred_probs, chunks=(250, 4))
    assert_same(
        filter.find_label_issues(labels, array, filter_by="both"),
        filter.find_label_issues(labels, pred_probs, filter_by="both"),
    )


@pytest.mark.parametrize("scheduler", ["sync", "threads"])
def test_dask_s_local_schedulers_give_the_same(client, no_gather, scheduler):
    import dask

    from cleannb._core.dask_rows import _client

    labels, pred_probs = tied(6, 1200, 4, np.float32)
    array = da.from_array(pred_probs, chunks=(250, 4))
    assert _client() is client
    with dask.config.set(scheduler=scheduler):
        assert _client() is None
        assert_same(everything(labels, array), everything(labels, pred_probs))


def test_the_fold_tree_depends_on_the_number_of_states_alone():
    assert tree(list("abcde"), lambda a, b: f"({a}{b})") == ["(((ab)(cd))e)"]
    assert tree(["a"], lambda a, b: a + b) == ["a"]


def test_client_memory_grows_far_less_than_pred_probs(client, tmp_path):
    labels, pred_probs = make_dataset(7, 400_000, 50, np.float32, kind="mixed")
    array = from_zarr(tmp_path, pred_probs, [50_000] * 8)
    filter.find_label_issues(labels, array, filter_by="both")  # compile, connect
    del pred_probs
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")  # resets VmHWM to the current RSS
    before = peak_rss()
    issues = filter.find_label_issues(
        labels, array, filter_by="both", return_indices_ranked_by="self_confidence"
    )
    grown = peak_rss() - before
    assert len(issues) > 1000
    assert grown < 0.25 * array.nbytes, (grown, array.nbytes)


def peak_rss():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc/self/status")


def test_a_worker_killed_during_a_pass_changes_nothing(client, tmp_path):
    labels, pred_probs = tied(8, 4000, 5, np.float32)
    stored = from_zarr(tmp_path, pred_probs, [200] * 20)

    def slow(block):
        time.sleep(0.15)
        return block

    array = stored.map_blocks(slow, dtype=stored.dtype)
    expected = filter.find_label_issues(
        labels, pred_probs, filter_by="both", return_indices_ranked_by="normalized_margin"
    )
    pids = list(client.run(os.getpid).values())
    killer = threading.Timer(1.0, os.kill, (pids[0], signal.SIGKILL))
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        running = pool.submit(
            filter.find_label_issues,
            labels,
            array,
            filter_by="both",
            return_indices_ranked_by="normalized_margin",
        )
        killer.start()
        got = running.result(timeout=CALL_TIMEOUT)
    killer.join()
    assert_same(got, expected)
    client.wait_for_workers(2, timeout=60)
    assert pids[0] not in client.run(os.getpid).values()


def test_bad_chunks_in_the_middle_name_their_range_and_leave_the_cluster_usable(client):
    labels, pred_probs = tied(9, 1000, 3, np.float64)
    broken = pred_probs.copy()
    broken[517, 1] = np.nan
    with pytest.raises(ValueError, match=r"pred_probs\[500:600\] contains NaN"):
        filter.find_label_issues(labels, da.from_array(broken, chunks=(100, 3)))
    with pytest.raises(ValueError, match=r"pred_probs\[500:600\] contains NaN"):
        rank.get_label_quality_scores(labels, da.from_array(broken, chunks=(100, 3)))

    def narrow(block, block_info=None):
        start = block_info[0]["array-location"][0][0]
        return block[:, :2] if start == 600 else block

    array = da.from_array(pred_probs, chunks=(100, 3)).map_blocks(narrow, dtype=np.float64)
    with pytest.raises(ValueError, match=r"pred_probs\[600:700\] has shape \(100, 2\)"):
        count.compute_confident_joint(labels, array)
    with pytest.raises(ValueError, match="labels has 999 entries but pred_probs has 1000 rows"):
        count.compute_confident_joint(labels[:999], da.from_array(pred_probs, chunks=100))
    assert_same(
        filter.find_label_issues(labels, da.from_array(pred_probs, chunks=(100, 3))),
        filter.find_label_issues(labels, pred_probs),
    )


def test_rows_off_by_a_little_warn_once_for_the_whole_array(client):
    labels, pred_probs = tied(11, 1000, 4, np.float64)
    pred_probs[::10] *= 0.95  # 100 rows off by 5 %, spread over every chunk
    array = da.from_array(pred_probs, chunks=(64, 4))
    with pytest.warns(UserWarning, match="100 of 1000 rows of pred_probs are off") as caught:
        filter.find_label_issues(labels, array)
    assert sum("off from summing" in str(w.message) for w in caught) == 1
    assert caught[0].filename == __file__


def test_inputs_are_not_modified(client):
    labels, pred_probs = tied(12, 800, 4, np.float16)
    before = (labels.copy(), pred_probs.copy())
    filter.find_label_issues(labels, da.from_array(pred_probs, chunks=(33, 4)), filter_by="both")
    np.testing.assert_array_equal(labels, before[0])
    np.testing.assert_array_equal(pred_probs, before[1])


def test_progress_advances_as_chunks_finish(client):
    labels, pred_probs = tied(13, 1000, 4, np.float32)
    seen = []

    class Bar:
        def __init__(self, number, rows):
            seen.append([number, rows, 0])

        def update(self, rows):
            seen[-1][2] += rows

        def close(self):
            pass

    source = DaskRows(da.from_array(pred_probs, chunks=(128, 4)), progress=Bar)
    filter.find_label_issues(labels, source, filter_by="prune_by_noise_rate")
    assert [number for number, _, _ in seen] == list(range(1, len(seen) + 1))
    assert len(seen) >= 3
    assert all(rows == done == 1000 for _, rows, done in seen)


def test_too_old_a_dask_is_refused(monkeypatch):
    import dask

    monkeypatch.setattr(dask, "__version__", "2.30.0")
    with pytest.raises(ImportError, match=r"dask >= 2024\.1"):
        DaskRows(da.zeros((4, 2), chunks=2))
