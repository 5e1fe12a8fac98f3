"""cleannb.segmentation on dask arrays on a LocalCluster of 2 worker processes.

The pixels are scanned on the workers, chunk by chunk of images; masks and
scores must equal the in-memory results bit for bit, for uneven chunks,
every dtype, ties and ``downsample``.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_segmentation import DTYPES, H, W, make

from cleannb.segmentation import filter, rank, summary

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")


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


@pytest.mark.parametrize("dtype", DTYPES)
def test_masks_equal_in_memory_on_uneven_chunks(client, dtype):
    labels, probs = make(50, 6, dtype, levels=8)
    array = da.from_array(probs, chunks=((1, 4, 2, 5), 3, H, W))  # classes split too
    expected = filter.find_label_issues(labels, probs, verbose=False)
    assert expected.any()
    found = filter.find_label_issues(labels, array, verbose=False)
    assert np.array_equal(found, expected)
    downsampled = filter.find_label_issues(labels, array, verbose=False, downsample=2)
    assert np.array_equal(
        downsampled, filter.find_label_issues(labels, probs, verbose=False, downsample=2)
    )


def test_scores_and_summaries_equal_in_memory(client):
    labels, probs = make(51, 5, np.float32)
    array = da.from_array(probs, chunks=(3, 5, H, W))
    for method in ("softmin", "num_pixel_issues"):
        found = rank.get_label_quality_scores(labels, array, method=method, verbose=False)
        expected = rank.get_label_quality_scores(labels, probs, method=method, verbose=False)
        assert all(np.array_equal(a, b) for a, b in zip(found, expected, strict=True))
    issues = filter.find_label_issues(labels, probs, verbose=False)
    assert summary.common_label_issues(issues, labels, array, verbose=False).equals(
        summary.common_label_issues(issues, labels, probs, verbose=False)
    )
    assert np.array_equal(
        summary.filter_by_class(2, issues, labels, array),
        summary.filter_by_class(2, issues, labels, probs),
    )
