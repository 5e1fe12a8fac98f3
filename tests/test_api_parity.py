"""The modern vocabulary has cleanlab 2.9's names, parameters, kinds and defaults.

cleannb may add keyword-only parameters (``n_jobs``, ``collision_rule``,
``verbose``) and uses ``None`` where cleanlab has a mutable default (``{}``,
a classifier instance); everything cleanlab accepts, cleannb accepts the same way.
"""

import importlib
import inspect

import pytest

pytest.importorskip("cleanlab")

FUNCTIONS = {
    "count": [
        "get_confident_thresholds",
        "compute_confident_joint",
        "calibrate_confident_joint",
        "estimate_joint",
        "estimate_latent",
        "estimate_py_and_noise_matrices_from_probabilities",
        "num_label_issues",
        "estimate_cv_predicted_probabilities",
        "estimate_confident_joint_and_cv_pred_proba",
        "estimate_py_noise_matrices_and_cv_pred_proba",
        "estimate_noise_matrices",
    ],
    "filter": [
        "find_label_issues",
        "find_predicted_neq_given",
        "find_label_issues_using_argmax_confusion_matrix",
    ],
    "rank": [
        "get_label_quality_scores",
        "get_self_confidence_for_each_label",
        "get_normalized_margin_for_each_label",
        "get_confidence_weighted_entropy_for_each_label",
        "order_label_issues",
        "find_top_issues",
        "get_label_quality_ensemble_scores",
    ],
    "dataset": [
        "health_summary",
        "find_overlapping_classes",
        "rank_classes_by_label_quality",
        "overall_label_health_score",
    ],
    "multilabel_classification.filter": [
        "find_label_issues",
        "find_multilabel_issues_per_class",
    ],
    "multilabel_classification.rank": [
        "get_label_quality_scores",
        "get_label_quality_scores_per_class",
    ],
    "benchmarking.noise_generation": [
        "generate_noise_matrix_from_trace",
        "generate_noisy_labels",
        "noise_matrix_is_valid",
        "generate_n_rand_probabilities_that_sum_to_m",
        "randomly_distribute_N_balls_into_K_bins",
    ],
}
CASES = [(module, name) for module, names in FUNCTIONS.items() for name in names]


def equivalent_default(ours, theirs):
    if theirs is inspect.Parameter.empty:
        return ours is inspect.Parameter.empty
    if isinstance(theirs, list):  # an immutable tuple of the same values is fine
        return ours is None or list(ours) == theirs
    if isinstance(theirs, dict) or hasattr(theirs, "fit"):
        return ours is None or ours == theirs
    if isinstance(theirs, bool | int | float | str | type(None)):
        return ours == theirs and type(ours) is type(theirs)
    return True


@pytest.mark.parametrize("module,name", CASES, ids=lambda x: x)
def test_signature_matches_cleanlab(module, name):
    ours = inspect.signature(getattr(importlib.import_module(f"cleannb.{module}"), name))
    theirs = inspect.signature(getattr(importlib.import_module(f"cleanlab.{module}"), name))
    our_params = list(ours.parameters.values())
    for position, param in enumerate(theirs.parameters.values()):
        assert param.name in ours.parameters, f"{name} lacks parameter {param.name}"
        mine = ours.parameters[param.name]
        assert mine.kind == param.kind, f"{name}({param.name}) is {mine.kind}, not {param.kind}"
        if param.kind is not inspect.Parameter.KEYWORD_ONLY:
            assert our_params[position].name == param.name
        assert equivalent_default(mine.default, param.default), (
            f"{name}({param.name}) defaults to {mine.default!r}, cleanlab to {param.default!r}"
        )
    for extra in set(ours.parameters) - set(theirs.parameters):
        assert ours.parameters[extra].kind is inspect.Parameter.KEYWORD_ONLY, extra
        assert ours.parameters[extra].default is not inspect.Parameter.empty, extra


@pytest.mark.parametrize("cls", ["CleanLearning"])
def test_estimator_methods_match_cleanlab(cls):
    ours = getattr(importlib.import_module("cleannb.classification"), cls)
    theirs = getattr(importlib.import_module("cleanlab.classification"), cls)
    for method in [
        "__init__",
        "fit",
        "find_label_issues",
        "get_label_issues",
        "save_space",
        "predict",
        "predict_proba",
        "score",
    ]:
        mine = inspect.signature(getattr(ours, method)).parameters
        for name, param in inspect.signature(getattr(theirs, method)).parameters.items():
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            assert name in mine, f"{cls}.{method} lacks {name}"
            assert mine[name].kind == param.kind or param.kind is param.POSITIONAL_OR_KEYWORD
