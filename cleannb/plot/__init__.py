"""Figures for confident learning (optional: needs matplotlib).

Six plots, each returning a :class:`matplotlib.figure.Figure`:

- :func:`plot_noise_matrix`: an annotated heatmap of a K x K matrix (noise
  matrix P(given|true), inverse noise matrix, or a confident joint of counts);
- :func:`plot_noise_matrices`: a true and an estimated matrix side by side on
  one colour scale, with their RMSE;
- :func:`plot_label_issues`: a grid of the images most likely mislabelled;
- :func:`plot_issues_scatter`: 2-D data coloured by given label, found issues
  circled and (optionally) the true errors marked;
- :func:`plot_polyplex`: the range of trace(P(s, y)) over trace(P(s|y))
  (:mod:`cleannb.polyplex`);
- :func:`plot_decision_boundary`: the regions a fitted 2-D classifier
  predicts, with the data and the found issues.

Install with ``pip install "cleannb[plot]"``; ``import cleannb`` and every
other module work without matplotlib. Classes keep one colour across all
plots (tab10 for K <= 10, tab20 for K <= 20, viridis beyond). Every function
draws into ``ax=`` (or ``fig=``) when given one and then returns that
Axes' figure; ``class_names=None`` names the classes "0", "1", ... No
function modifies its input arrays.

Scatter layers carry a ``gid`` so that they can be found again:
``"issues"`` (hollow black circles around the found issues), ``"true_errors"``
(red crosses), ``"points"`` (the points of :func:`plot_polyplex`) and
``"polyplex"`` (its shaded polygon), e.g.
``[c for c in ax.collections if c.get_gid() == "issues"][0].get_offsets()``.

Display. Figures are made with :class:`matplotlib.figure.Figure`, without
pyplot: nothing is registered with pyplot, no figure leaks, and no backend
is selected (saving works headless: ``fig.savefig("issues.png")``). The one
exception is an IPython kernel whose backend is Jupyter's default inline
one: there a pure ``Figure`` would display as text only (``<Figure size
...>``) unless ``%matplotlib inline`` had run, so the figure is created with
``pyplot.figure`` and closed at once. A returned figure then shows once, as
an image, when it is a cell's last expression (``fig`` or the call itself);
``fig = plot_...(...)`` alone shows nothing. When you pass ``ax=`` from your
own ``pyplot.subplots`` the inline backend shows that figure at the end of
the cell anyway: end the cell with ``;`` to avoid seeing it twice.
"""

from . import _base  # noqa: F401  (first: without matplotlib it raises with the install line)
from ._data import plot_decision_boundary, plot_issues_scatter, plot_label_issues
from ._matrices import plot_noise_matrices, plot_noise_matrix, plot_polyplex

__all__ = [
    "plot_decision_boundary",
    "plot_issues_scatter",
    "plot_label_issues",
    "plot_noise_matrices",
    "plot_noise_matrix",
    "plot_polyplex",
]
