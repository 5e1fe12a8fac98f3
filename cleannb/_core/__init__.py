"""The private layer: everything between the public modules and the kernels.

Data flows down this diagram; no module imports one above it, none imports a
public module, and ``tests/test_layers.py`` fails on any import cycle.

.. code-block:: text

    public modules   count, filter, rank, dataset, multilabel_classification,
                     segmentation, token_classification, experimental,
                     classification, and cleanlab 0.1.0's names
         |
    bodies           label_issues       the single-label find_label_issues
                                        (also run per class for multi-label data)
                     internal           cleanlab's helpers that its public
                                        modules re-export
                     multilabel         the one-vs-rest reduction
                     multilabel_scorer  the multi-label quality scores
                     pixels, tokens     segmentation and token classification:
                                        images and sentences as rows
                     noise              the noise generators' kernel calls
                     estimator          what the two estimators share
                     crossval           out-of-sample pred_probs
         |
    pipeline         pipeline           the passes of confident learning, in
                                        order, and the rules built on them
         |
    passes           confident          thresholds, the row pass, pair counts,
                                        per-group means
                     prune              prune counts and the per-cell selection
                     scores             per-row scores and orderings by them
                     calibration        the confident joint as sparse counts, and
                                        its calibration, bit for bit cleanlab's
                     algebra            the K x K algebra (noise matrices, priors)
                     ties               the order of equal keys
         |
    sources          source             what pred_probs is (as_pred_probs), and
                                        the passes' executor for it (as_source)
                     rows               the executors: RowSource (row ranges) and
                                        ArrayRows (an array in memory: one range)
                     dask_rows          the same passes on dask workers (DaskRows)
                     parallel           the kernels' thread count, threads for
                                        numpy's sorts
         |
    checks           validation         argument and value checks, the kernels'
                                        views of pred_probs, once-per-call warnings
                     constants          cleanlab's tolerances, under its names
                     method_names       the names of the filters and rankings
                     seeds              where random functions get randomness
         |
    kernels          cleannb._kernels   Numba code only

The command line's helpers, which call the public modules, are apart in
:mod:`cleannb._cli`.
"""
