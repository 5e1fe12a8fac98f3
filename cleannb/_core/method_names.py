"""The names of the rules and rankings, in a module that imports nothing.

``cleannb.filter`` and ``_pipeline`` run them; the command line offers them
as choices without importing Numba.
"""

FILTERS = (
    "prune_by_noise_rate",
    "prune_by_class",
    "both",
    "confident_learning",
    "predicted_neq_given",
    "low_normalized_margin",
    "low_self_confidence",
)
PRUNE_FILTERS = ("prune_by_noise_rate", "prune_by_class", "both")
RANKINGS = ("self_confidence", "normalized_margin", "confidence_weighted_entropy")
