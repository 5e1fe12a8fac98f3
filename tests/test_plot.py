"""cleannb.plot: what each figure draws, input checks, and life without matplotlib.

Figures are built with ``matplotlib.figure.Figure`` (no pyplot, Agg when
saved) and every one is rendered to PNG in memory, so drawing errors that
only show at render time fail here too.
"""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")

from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from cleannb import plot  # noqa: E402
from cleannb.polyplex import joint_bounds  # noqa: E402


def render(fig):
    """Draw the figure to PNG bytes (fails on any drawing error)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG")
    return fig


def gid_offsets(ax, gid):
    found = [c for c in ax.collections if c.get_gid() == gid]
    assert len(found) == 1, f"expected one collection with gid={gid!r}, got {len(found)}"
    return np.asarray(found[0].get_offsets())


def tick_texts(axis):
    return [t.get_text() for t in axis.get_ticklabels()]


@pytest.fixture
def issue_data():
    rng = np.random.default_rng(3)
    n, k = 40, 3
    pred_probs = rng.dirichlet(np.ones(k), size=n)
    labels = rng.integers(0, k, size=n)
    images = rng.random((n, 5, 6))
    return images, labels, pred_probs


@pytest.fixture
def blobs():
    rng = np.random.default_rng(0)
    centers = np.array([[0.0, 0.0], [4.0, 0.0], [2.0, 4.0]])
    true = np.repeat(np.arange(3), 30)
    X = centers[true] + rng.normal(scale=0.7, size=(90, 2))
    labels = true.copy()
    flipped = np.array([1, 35, 70, 80])
    labels[flipped] = (labels[flipped] + 1) % 3
    return X, labels, flipped


# ------------------------------------------------------------- heatmaps


def test_heatmap_annotations_are_the_formatted_values():
    matrix = np.array([[0.9, 0.25, 0.0], [0.05, 0.7, 0.333], [0.05, 0.05, 0.667]])
    ax = render(plot.plot_noise_matrix(matrix)).axes[0]
    assert [t.get_text() for t in ax.texts] == [f"{v:.2f}" for v in matrix.ravel()]
    positions = [t.get_position() for t in ax.texts]
    assert positions == [(j, i) for i in range(3) for j in range(3)]
    ax = plot.plot_noise_matrix(matrix, fmt=".1%").axes[0]
    assert [t.get_text() for t in ax.texts] == [f"{v:.1%}" for v in matrix.ravel()]


def test_heatmap_of_counts_annotates_integers():
    joint = np.array([[120, 3], [17, 88]], dtype=np.int64)
    ax = render(plot.plot_noise_matrix(joint)).axes[0]
    assert [t.get_text() for t in ax.texts] == ["120", "3", "17", "88"]
    whole = plot.plot_noise_matrix(joint.astype(float), fmt=None).axes[0]
    assert [t.get_text() for t in whole.texts] == ["120", "3", "17", "88"]


def test_heatmap_labels_ticks_and_title():
    fig = plot.plot_noise_matrix(np.eye(3), class_names=["ant", "bee", "cat"], title="P(s|y)")
    ax = render(fig).axes[0]
    assert tick_texts(ax.xaxis) == ["ant", "bee", "cat"]
    assert tick_texts(ax.yaxis) == ["ant", "bee", "cat"]
    assert (ax.get_ylabel(), ax.get_xlabel(), ax.get_title()) == (
        "given label",
        "true label",
        "P(s|y)",
    )
    default = plot.plot_noise_matrix(np.eye(3), row_label="s", col_label="y").axes[0]
    assert tick_texts(default.xaxis) == ["0", "1", "2"]
    assert (default.get_ylabel(), default.get_xlabel()) == ("s", "y")


def test_heatmap_text_is_white_on_dark_cells():
    ax = plot.plot_noise_matrix(np.array([[1.0, 0.0], [0.0, 1.0]])).axes[0]
    colors = [matplotlib.colors.to_hex(t.get_color()) for t in ax.texts]
    assert colors == ["#ffffff", "#000000", "#000000", "#ffffff"]


def test_heatmap_colorbar_is_optional():
    assert len(plot.plot_noise_matrix(np.eye(2)).axes) == 1
    assert len(render(plot.plot_noise_matrix(np.eye(2), colorbar=True)).axes) == 2


def test_two_heatmaps_share_one_scale_and_show_rmse():
    true = np.array([[0.8, 0.3], [0.2, 0.7]])
    estimated = np.array([[0.75, 0.35], [0.25, 0.65]])
    fig = render(plot.plot_noise_matrices(true, estimated, class_names=["a", "b"]))
    assert len(fig.axes) == 2
    assert [ax.get_title() for ax in fig.axes] == ["true", "estimated"]
    rmse = np.sqrt(((true - estimated) ** 2).sum() / true.size)
    assert fig.get_suptitle() == f"RMSE {rmse:.4f}" == "RMSE 0.0500"
    clims = [ax.images[0].get_clim() for ax in fig.axes]
    assert clims[0] == clims[1] == (0.0, 0.8)
    assert [t.get_text() for t in fig.axes[1].texts] == ["0.75", "0.35", "0.25", "0.65"]
    assert tick_texts(fig.axes[1].xaxis) == ["a", "b"]
    plain = plot.plot_noise_matrices(true, true, titles=("x", "y"), show_rmse=False, vmax=2.0)
    assert plain.get_suptitle() == ""
    assert [ax.get_title() for ax in plain.axes] == ["x", "y"]
    assert plain.axes[0].images[0].get_clim() == (0.0, 2.0)


def test_two_heatmaps_draw_into_a_given_figure():
    fig = Figure()
    assert plot.plot_noise_matrices(np.eye(2), np.eye(2), fig=fig) is fig
    assert len(render(fig).axes) == 2


# ----------------------------------------------------------- image grid


def test_label_issue_grid_from_a_mask_ranks_by_self_confidence(issue_data):
    images, labels, pred_probs = issue_data
    mask = np.zeros(len(labels), dtype=bool)
    mask[[2, 5, 9, 11, 30]] = True
    fig = render(plot.plot_label_issues(images, labels, pred_probs, mask))
    assert len(fig.axes) == 5
    conf = {i: pred_probs[i, labels[i]] for i in np.flatnonzero(mask)}
    worst = min(conf, key=conf.get)
    expected = (
        f"given: {labels[worst]}\npred: {pred_probs[worst].argmax()}\nconf: {conf[worst]:.2f}"
    )
    assert fig.axes[0].get_title() == expected
    shown = [float(ax.get_title().rsplit(" ", 1)[1]) for ax in fig.axes]
    assert shown == sorted(round(c, 2) for c in conf.values())
    assert all(ax.get_xticks().size == 0 and ax.get_yticks().size == 0 for ax in fig.axes)
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), images[worst])


def test_label_issue_grid_mask_ties_go_to_the_lower_index():
    pred_probs = np.array([[0.4, 0.6], [0.9, 0.1], [0.4, 0.6], [0.4, 0.6]])
    labels = np.array([0, 0, 0, 0])
    fig = plot.plot_label_issues(
        np.arange(16.0).reshape(4, 4),
        labels,
        pred_probs,
        np.array([False, True, True, True]),
        image_shape=(2, 2),
    )
    firsts = [ax.images[0].get_array()[0, 0] for ax in fig.axes]
    assert firsts == [8.0, 12.0, 4.0]  # rows 2 and 3 tie at 0.4, then row 1


def test_label_issue_grid_keeps_the_given_order_and_limit(issue_data):
    images, labels, pred_probs = issue_data
    order = np.array([17, 3, 25, 8, 0, 12])
    names = ["zero", "one", "two"]
    fig = render(
        plot.plot_label_issues(
            images, labels, pred_probs, order, class_names=names, max_images=4, ncols=3
        )
    )
    assert len(fig.axes) == 4
    for ax, i in zip(fig.axes, order[:4], strict=True):
        given, pred = names[labels[i]], names[pred_probs[i].argmax()]
        assert (
            ax.get_title() == f"given: {given}\npred: {pred}\nconf: {pred_probs[i, labels[i]]:.2f}"
        )
        np.testing.assert_array_equal(ax.images[0].get_array(), images[i])
    assert fig.axes[3].get_subplotspec().get_geometry()[:2] == (2, 3)


def test_label_issue_grid_with_no_issues(issue_data):
    images, labels, pred_probs = issue_data
    for issues in (np.zeros(len(labels), dtype=bool), np.array([], dtype=int), []):
        fig = render(plot.plot_label_issues(images, labels, pred_probs, issues))
        assert len(fig.axes) == 1
        assert fig.axes[0].get_title() == "no label issues"


def test_label_issue_grid_reshapes_flat_and_colour_images(issue_data):
    _, labels, pred_probs = issue_data
    flat = np.arange(40 * 12.0).reshape(40, 12)
    fig = render(plot.plot_label_issues(flat, labels, pred_probs, [7, 1], image_shape=(3, 4)))
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), flat[7].reshape(3, 4))
    square = np.arange(40 * 9.0).reshape(40, 9)
    fig = plot.plot_label_issues(square, labels, pred_probs, [7])
    assert fig.axes[0].images[0].get_array().shape == (3, 3)
    rgb = np.random.default_rng(1).random((40, 4, 4, 3))
    fig = render(plot.plot_label_issues(rgb, labels, pred_probs, [5]))
    assert fig.axes[0].images[0].get_array().shape == (4, 4, 3)


def test_label_issue_grid_draws_into_a_given_figure(issue_data):
    fig = Figure()
    assert plot.plot_label_issues(*issue_data, [1, 2, 3], fig=fig) is fig
    assert len(render(fig).axes) == 3


# --------------------------------------------------------------- scatter


def test_scatter_circles_exactly_the_issues(blobs):
    X, labels, flipped = blobs
    found = np.array([1, 35, 50, 70, 80, 88])
    fig = render(
        plot.plot_issues_scatter(
            X, labels, found, true_errors=flipped, class_names=["a", "b", "c"], title="blobs"
        )
    )
    ax = fig.axes[0]
    circles = gid_offsets(ax, "issues")
    assert len(circles) == found.size
    np.testing.assert_array_equal(circles, X[found])
    np.testing.assert_array_equal(gid_offsets(ax, "true_errors"), X[flipped])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["a", "b", "c", "found issues", "true errors"]
    assert ax.get_title() == "blobs"
    issue_layer = next(c for c in ax.collections if c.get_gid() == "issues")
    assert issue_layer.get_facecolors().size == 0  # hollow
    np.testing.assert_array_equal(issue_layer.get_edgecolors()[0], [0, 0, 0, 1])


def test_scatter_takes_masks_and_no_true_errors(blobs):
    X, labels, flipped = blobs
    mask = np.zeros(len(X), dtype=bool)
    mask[flipped] = True
    ax = plot.plot_issues_scatter(X, labels, mask).axes[0]
    assert len(gid_offsets(ax, "issues")) == mask.sum()
    assert not [c for c in ax.collections if c.get_gid() == "true_errors"]
    ax = plot.plot_issues_scatter(X, labels, [], true_errors=mask).axes[0]
    assert len(gid_offsets(ax, "issues")) == 0
    assert len(gid_offsets(ax, "true_errors")) == mask.sum()


def test_classes_keep_one_colour_across_plots(blobs):
    from sklearn.linear_model import LogisticRegression

    X, labels, _ = blobs
    scatter = plot.plot_issues_scatter(X, labels, []).axes[0]
    model = LogisticRegression().fit(X, labels)
    boundary = plot.plot_decision_boundary(model, X, labels=labels, resolution=30).axes[0]
    tab10 = matplotlib.colors.to_rgba_array(matplotlib.colormaps["tab10"].colors[:3])
    for ax in (scatter, boundary):
        layers = [c for c in ax.collections if c.get_gid() is None]
        np.testing.assert_allclose([c.get_facecolors()[0, :3] for c in layers], tab10[:, :3])


# -------------------------------------------------------------- polyplex


def test_polyplex_region_matches_joint_bounds():
    py = np.array([0.1, 0.2, 0.2, 0.5])
    x, low, high = joint_bounds(py)
    ax = render(plot.plot_polyplex(py, title="polyplex")).axes[0]
    (region,) = [p for p in ax.patches if p.get_gid() == "polyplex"]
    vertices = region.get_xy()
    expected = np.column_stack([np.r_[x, x[::-1]], np.r_[low, high[::-1]]])
    np.testing.assert_allclose(vertices[: len(expected)], expected)
    np.testing.assert_allclose(vertices[len(expected) :], expected[:1])  # closing vertex only
    lines = [np.asarray(line.get_xydata()) for line in ax.lines]
    np.testing.assert_allclose(lines[0], np.column_stack([x, low]))
    np.testing.assert_allclose(lines[1], np.column_stack([x, high]))
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("trace of P(s|y)", "trace of P(s, y)")
    assert tuple(map(float, ax.get_xlim())) == (0.0, 4.0)
    assert ax.get_title() == "polyplex"


def test_polyplex_points():
    ax = plot.plot_polyplex([0.5, 0.5], noise_matrix_trace=[1.0, 1.5], joint_trace=[0.5, 0.7])
    np.testing.assert_allclose(gid_offsets(ax.axes[0], "points"), [[1.0, 0.5], [1.5, 0.7]])
    single = plot.plot_polyplex([0.5, 0.5], noise_matrix_trace=1.2, joint_trace=0.6).axes[0]
    np.testing.assert_allclose(gid_offsets(single, "points"), [[1.2, 0.6]])
    assert not [c for c in plot.plot_polyplex([1.0]).axes[0].collections if c.get_gid()]


# ----------------------------------------------------- decision boundary


def test_decision_boundary_draws_the_predicted_regions(blobs):
    from sklearn.linear_model import LogisticRegression

    X, labels, flipped = blobs
    model = LogisticRegression().fit(X, labels)
    fig = plot.plot_decision_boundary(
        model, X, labels=labels, issues=flipped, resolution=50, title="LR"
    )
    ax = render(fig).axes[0]
    (contour,) = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert contour.get_gid() == "decision_boundary"
    np.testing.assert_allclose(contour.levels, [-0.5, 0.5, 1.5, 2.5])
    filled = [level for level, segs in zip(contour.levels, contour.allsegs, strict=False) if segs]
    assert len(filled) == 3  # every class predicts somewhere on the grid
    np.testing.assert_array_equal(gid_offsets(ax, "issues"), X[flipped])
    low, high = X.min(axis=0), X.max(axis=0)
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    assert xlim[0] < low[0] and xlim[1] > high[0] and ylim[0] < low[1] and ylim[1] > high[1]
    assert ax.get_title() == "LR"


def test_decision_boundary_maps_string_classes_and_needs_no_labels(blobs):
    from sklearn.neighbors import KNeighborsClassifier

    X, labels, _ = blobs
    model = KNeighborsClassifier().fit(X, np.array(["x", "y", "z"])[labels])
    ax = render(plot.plot_decision_boundary(model, X, resolution=20)).axes[0]
    (contour,) = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert len(contour.levels) == 4
    assert not [c for c in ax.collections if c.get_gid() == "issues"]


# -------------------------------------------------------------- shared


def _draw_each(ax, blobs):
    from sklearn.linear_model import LogisticRegression

    X, labels, flipped = blobs
    model = LogisticRegression().fit(X, labels)
    return [
        lambda: plot.plot_noise_matrix(np.eye(3), ax=ax),
        lambda: plot.plot_issues_scatter(X, labels, flipped, ax=ax),
        lambda: plot.plot_polyplex([0.3, 0.7], ax=ax),
        lambda: plot.plot_decision_boundary(model, X, ax=ax, resolution=10),
    ]


@pytest.mark.parametrize("which", range(4), ids=["heatmap", "scatter", "polyplex", "boundary"])
def test_ax_draws_into_the_given_axes(which, blobs):
    fig = Figure()
    left, right = fig.subplots(1, 2)
    returned = _draw_each(right, blobs)[which]()
    assert returned is fig
    assert len(fig.axes) == 2
    assert not (left.images or left.collections or left.lines or left.texts)
    assert right.images or right.collections or right.lines
    render(fig)


def test_no_pyplot_outside_ipython():
    code = textwrap.dedent(
        """
        import sys
        import numpy as np
        from cleannb import plot
        plot.plot_noise_matrices(np.eye(2), np.eye(2))
        plot.plot_label_issues(np.zeros((2, 2, 2)), [0, 1], np.eye(2), [0, 1])
        plot.plot_polyplex([0.5, 0.5])
        assert "matplotlib.pyplot" not in sys.modules, "cleannb.plot used pyplot"
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


BAD_INPUTS = [
    (lambda d: plot.plot_noise_matrix(np.ones((2, 3))), ValueError, "matrix must be a square"),
    (lambda d: plot.plot_noise_matrix(np.eye(2), class_names=["a"]), ValueError, "class_names"),
    (lambda d: plot.plot_noise_matrix(np.eye(2), ax="ax"), TypeError, "ax must be"),
    (lambda d: plot.plot_noise_matrix([[np.nan]]), ValueError, "matrix must hold finite"),
    (lambda d: plot.plot_noise_matrices(np.eye(2), np.eye(3)), ValueError, "estimated_matrix"),
    (lambda d: plot.plot_noise_matrices(np.eye(2), np.eye(2), ax=1), TypeError, "fig= and"),
    (lambda d: plot.plot_label_issues(d[0][:5], *d[1:], [0]), ValueError, "images has 5 rows"),
    (lambda d: plot.plot_label_issues(d[0], d[1][:5], d[2], [0]), ValueError, "labels must be"),
    (lambda d: plot.plot_label_issues(*d, [0, 40]), ValueError, "issues holds indices"),
    (lambda d: plot.plot_label_issues(*d, [0.5]), TypeError, "issues must be integer"),
    (lambda d: plot.plot_label_issues(*d, [True]), ValueError, "issues is a boolean mask"),
    (lambda d: plot.plot_label_issues(*d, [0], max_images=0), ValueError, "max_images"),
    (
        lambda d: plot.plot_label_issues(d[0].reshape(40, 30), *d[1:], [0]),
        ValueError,
        "image_shape",
    ),
    (lambda d: plot.plot_label_issues(*d, [0], image_shape=(4, 4)), ValueError, "image_shape"),
    (lambda d: plot.plot_label_issues(*d, [0], class_names="abc"), TypeError, "class_names"),
    (lambda d: plot.plot_issues_scatter(np.ones((4, 3)), [0] * 4, []), ValueError, "X must.*PCA"),
    (lambda d: plot.plot_issues_scatter(np.ones((4, 2)), [0, 1], []), ValueError, "labels must"),
    (
        lambda d: plot.plot_issues_scatter(np.ones((2, 2)), [0, 2], [], class_names=["a", "b"]),
        ValueError,
        "class_names has only 2",
    ),
    (lambda d: plot.plot_issues_scatter(np.ones((2, 2)), [0, 1], [5]), ValueError, "issues"),
    (
        lambda d: plot.plot_issues_scatter(np.ones((2, 2)), [0, 1], [], true_errors=[3]),
        ValueError,
        "true_errors",
    ),
    (lambda d: plot.plot_polyplex([0.5, 0.6]), ValueError, "py must sum to 1"),
    (lambda d: plot.plot_polyplex([1.0], noise_matrix_trace=1), ValueError, "joint_trace"),
    (
        lambda d: plot.plot_polyplex([1.0], noise_matrix_trace=[0, 1], joint_trace=[0.5]),
        ValueError,
        "noise_matrix_trace has 2 values",
    ),
    (lambda d: plot.plot_decision_boundary(object(), np.ones((2, 2))), TypeError, "estimator"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUTS)
def test_bad_input_names_the_argument(call, error, message, issue_data):
    with pytest.raises(error, match=message):
        call(issue_data)


def test_decision_boundary_rejects_bad_arguments(blobs):
    from sklearn.linear_model import LogisticRegression

    X, labels, _ = blobs
    model = LogisticRegression().fit(X, labels)
    with pytest.raises(ValueError, match="resolution"):
        plot.plot_decision_boundary(model, X, resolution=1)
    with pytest.raises(ValueError, match="X must have 2 columns"):
        plot.plot_decision_boundary(model, np.c_[X, X])
    with pytest.raises(ValueError, match="class_names has only 2"):
        plot.plot_decision_boundary(model, X, class_names=["a", "b"])


def test_inputs_are_not_modified(issue_data, blobs):
    from sklearn.linear_model import LogisticRegression

    images, labels, pred_probs = issue_data
    X, blob_labels, flipped = blobs
    model = LogisticRegression().fit(X, blob_labels)
    matrix, other = np.array([[0.7, 0.2], [0.3, 0.8]]), np.array([[0.6, 0.1], [0.4, 0.9]])
    mask = np.zeros(len(labels), dtype=bool)
    mask[[4, 1, 9]] = True
    order, py, traces = np.array([9, 1, 4]), np.array([0.3, 0.7]), np.array([1.0, 1.5])
    arrays = [images, labels, pred_probs, X, blob_labels, flipped, matrix, other, mask, order]
    arrays += [py, traces]
    copies = [a.copy() for a in arrays]
    for a in arrays:
        a.flags.writeable = False  # any write in place raises
    figures = [
        plot.plot_noise_matrix(matrix),
        plot.plot_noise_matrices(matrix, other),
        plot.plot_label_issues(images, labels, pred_probs, mask),
        plot.plot_label_issues(images, labels, pred_probs, order),
        plot.plot_issues_scatter(X, blob_labels, flipped, true_errors=flipped),
        plot.plot_polyplex(py, noise_matrix_trace=traces, joint_trace=traces / 2),
        plot.plot_decision_boundary(model, X, labels=blob_labels, issues=flipped, resolution=20),
    ]
    for fig in figures:
        render(fig)
    for a, c in zip(arrays, copies, strict=True):
        np.testing.assert_array_equal(a, c)
        assert a.dtype == c.dtype


# ------------------------------------------------- optional dependency


HIDDEN = textwrap.dedent(
    """
    import sys

    class NoMatplotlib:
        def find_spec(self, name, path=None, target=None):
            if name == "matplotlib" or name.startswith("matplotlib."):
                raise ImportError(f"No module named {name!r} (hidden by the test)")
            return None

    sys.meta_path.insert(0, NoMatplotlib())
    import numpy as np
    import cleannb, cleannb.filter, cleannb.count, cleannb.rank

    labels = np.array([0, 0, 0, 1, 1, 1, 0, 1])
    pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.7, 0.3], [0.2, 0.8], [0.1, 0.9],
                           [0.3, 0.7], [0.1, 0.9], [0.95, 0.05]])
    issues = cleannb.filter.find_label_issues(labels, pred_probs)
    assert issues.shape == (8,) and issues[6] and issues[7], issues
    cleannb.count.num_label_issues(labels, pred_probs)
    cleannb.rank.get_label_quality_scores(labels, pred_probs)
    try:
        import cleannb.plot
    except ImportError as error:
        print(error)
    else:
        raise SystemExit("import cleannb.plot worked without matplotlib")
    assert "matplotlib" not in sys.modules
    """
)


def test_everything_but_plot_works_without_matplotlib():
    result = subprocess.run([sys.executable, "-c", HIDDEN], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == 'cleannb.plot needs matplotlib: pip install "cleannb[plot]"'


# ------------------------------------------------------ Jupyter display


NOTEBOOK_CELLS = [
    "import numpy as np\nfrom cleannb.plot import plot_noise_matrix\n"
    "fig = plot_noise_matrix(np.eye(2))",
    "fig",
    "plot_noise_matrix(np.eye(3))",
    "import matplotlib.pyplot as plt\nlen(plt.get_fignums())",
]


@pytest.mark.slow
def test_returned_figures_display_once_in_a_jupyter_kernel():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    kernelspec = pytest.importorskip("jupyter_client.kernelspec")
    if "python3" not in kernelspec.find_kernel_specs():
        pytest.skip("no python3 Jupyter kernel")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in NOTEBOOK_CELLS]
    nbclient.NotebookClient(notebook, kernel_name="python3", timeout=120).execute()
    outputs = [[sorted(o.get("data", {})) for o in cell.outputs] for cell in notebook.cells]
    png = ["image/png", "text/plain"]
    assert outputs == [[], [png], [png], [["text/plain"]]]
    assert notebook.cells[3].outputs[0]["data"]["text/plain"] == "0"  # nothing left open


def test_legend_leaves_out_empty_layers_and_can_be_turned_off():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    fig = plot.plot_issues_scatter(X, [0, 1, 1], [], true_errors=[False, False, True])
    legend_texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "found issues" not in legend_texts and "true errors" in legend_texts
    assert plot.plot_issues_scatter(X, [0, 1, 1], [2], legend=False).axes[0].get_legend() is None
    from sklearn.neighbors import KNeighborsClassifier

    model = KNeighborsClassifier(n_neighbors=1).fit(X, [0, 1, 1])
    fig = plot.plot_decision_boundary(model, X, labels=[0, 1, 1], resolution=10, legend=False)
    assert fig.axes[0].get_legend() is None
