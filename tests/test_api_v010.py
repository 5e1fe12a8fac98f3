"""The seed vocabulary has cleanlab 0.1.0's parameter names, order and defaults.

The expected signatures are transcribed from cleanlab 0.1.0's source (see
``shared/reference/api_v010.md``); cleannb may add keyword-only parameters
with defaults (``n_jobs``, ``seed``) and uses None for a default classifier.
"""

import importlib
import inspect

import pytest

E = inspect.Parameter.empty
CLF = "<classifier>"
SIGNATURES = {
    "latent_estimation": {
        "num_label_errors": [("labels", E), ("psx", E), ("confident_joint", None)],
        "calibrate_confident_joint": [("confident_joint", E), ("s", E), ("multi_label", False)],
        "estimate_joint": [
            ("s", E),
            ("psx", None),
            ("confident_joint", None),
            ("multi_label", False),
        ],
        "compute_confident_joint": [
            ("s", E),
            ("psx", E),
            ("K", None),
            ("thresholds", None),
            ("calibrate", True),
            ("multi_label", False),
            ("return_indices_of_off_diagonals", False),
        ],
        "estimate_latent": [
            ("confident_joint", E),
            ("s", E),
            ("py_method", "cnt"),
            ("converge_latent_estimates", False),
        ],
        "estimate_py_and_noise_matrices_from_probabilities": [
            ("s", E),
            ("psx", E),
            ("thresholds", None),
            ("converge_latent_estimates", True),
            ("py_method", "cnt"),
            ("calibrate", True),
        ],
        "estimate_confident_joint_and_cv_pred_proba": [
            ("X", E),
            ("s", E),
            ("clf", CLF),
            ("cv_n_folds", 5),
            ("thresholds", None),
            ("seed", None),
            ("calibrate", True),
        ],
        "estimate_py_noise_matrices_and_cv_pred_proba": [
            ("X", E),
            ("s", E),
            ("clf", CLF),
            ("cv_n_folds", 5),
            ("thresholds", None),
            ("converge_latent_estimates", False),
            ("py_method", "cnt"),
            ("seed", None),
        ],
        "estimate_cv_predicted_probabilities": [
            ("X", E),
            ("labels", E),
            ("clf", CLF),
            ("cv_n_folds", 5),
            ("seed", None),
        ],
        "estimate_noise_matrices": [
            ("X", E),
            ("s", E),
            ("clf", CLF),
            ("cv_n_folds", 5),
            ("thresholds", None),
            ("converge_latent_estimates", True),
            ("seed", None),
        ],
        "converge_estimates": [
            ("ps", E),
            ("py", E),
            ("noise_matrix", E),
            ("inverse_noise_matrix", E),
            ("inv_noise_matrix_iterations", 5),
            ("noise_matrix_iterations", 3),
        ],
        "estimate_confident_joint_from_probabilities": [
            ("s", E),
            ("psx", E),
            ("thresholds", None),
            ("force_ps", False),
            ("return_list_of_converging_cj_matrices", False),
        ],
    },
    "latent_algebra": {
        "compute_ps_py_inv_noise_matrix": [("s", E), ("noise_matrix", E)],
        "compute_py_inv_noise_matrix": [("ps", E), ("noise_matrix", E)],
        "compute_inv_noise_matrix": [("py", E), ("noise_matrix", E), ("ps", None)],
        "compute_noise_matrix_from_inverse": [("ps", E), ("inverse_noise_matrix", E), ("py", None)],
        "compute_py": [
            ("ps", E),
            ("noise_matrix", E),
            ("inverse_noise_matrix", E),
            ("py_method", "cnt"),
            ("y_count", None),
        ],
        "compute_pyx": [("psx", E), ("noise_matrix", E), ("inverse_noise_matrix", E)],
    },
    "pruning": {
        "get_noise_indices": [
            ("s", E),
            ("psx", E),
            ("inverse_noise_matrix", None),
            ("confident_joint", None),
            ("frac_noise", 1.0),
            ("num_to_remove_per_class", None),
            ("prune_method", "prune_by_noise_rate"),
            ("sorted_index_method", None),
            ("multi_label", False),
            ("n_jobs", None),
            ("verbose", 0),
        ],
        "keep_at_least_n_per_class": [("prune_count_matrix", E), ("n", E), ("frac_noise", 1.0)],
        "reduce_prune_counts": [("prune_count_matrix", E), ("frac_noise", 1.0)],
        "order_label_errors": [
            ("label_errors_bool", E),
            ("psx", E),
            ("labels", E),
            ("sorted_index_method", "normalized_margin"),
        ],
        "multiclass_crossval_predict": [("pyx", E), ("labels", E)],
    },
    "baseline_methods": {
        "baseline_argmax": [("psx", E), ("s", E)],
        "baseline_argmax_confusion_matrix": [
            ("psx", E),
            ("s", E),
            ("calibrate", False),
            ("prune_method", "prune_by_noise_rate"),
        ],
        "baseline_argmax_calibrated_confusion_matrix": [
            ("psx", E),
            ("s", E),
            ("prune_method", "prune_by_noise_rate"),
        ],
    },
    "noise_generation": {
        "noise_matrix_is_valid": [("noise_matrix", E), ("py", E), ("verbose", False)],
        "generate_noisy_labels": [("y", E), ("noise_matrix", E), ("verbose", False)],
        "generate_noise_matrix_from_trace": [
            ("K", E),
            ("trace", E),
            ("max_trace_prob", 1.0),
            ("min_trace_prob", 1e-5),
            ("max_noise_rate", 1 - 1e-5),
            ("min_noise_rate", 0.0),
            ("valid_noise_matrix", True),
            ("py", None),
            ("frac_zero_noise_rates", 0.0),
            ("seed", 0),
            ("max_iter", 10000),
        ],
        "generate_n_rand_probabilities_that_sum_to_m": [
            ("n", E),
            ("m", E),
            ("max_prob", 1.0),
            ("min_prob", 0.0),
        ],
        "randomly_distribute_N_balls_into_K_bins": [
            ("N", E),
            ("K", E),
            ("max_balls_per_bin", None),
            ("min_balls_per_bin", None),
        ],
        "generate_noise_matrix": [
            ("K", E),
            ("max_noise_rate", 1.0),
            ("frac_zero_noise_rates", 0.0),
            ("verbose", False),
        ],
    },
    "polyplex": {
        "joint_bounds": [("py", E)],
        "joint_min_max": [("noise_matrix_trace", E), ("py", E)],
        "slope_intercept": [("point1", E), ("point2", E)],
    },
    "util": {
        "assert_inputs_are_valid": [("X", E), ("s", E), ("psx", None)],
        "remove_noise_from_class": [("noise_matrix", E), ("class_without_noise", E)],
        "clip_noise_rates": [("noise_matrix", E)],
        "clip_values": [("x", E), ("low", 0.0), ("high", 1.0), ("new_sum", None)],
        "value_counts": [("x", E)],
        "round_preserving_sum": [("iterable", E)],
        "round_preserving_row_totals": [("confident_joint", E)],
        "estimate_pu_f1": [("s", E), ("prob_s_eq_1", E)],
        "confusion_matrix": [("true", E), ("pred", E)],
        "print_square_matrix": [
            ("matrix", E),
            ("left_name", "s"),
            ("top_name", "y"),
            ("title", " A square matrix"),
            ("short_title", "s,y"),
            ("round_places", 2),
        ],
        "print_noise_matrix": [("noise_matrix", E), ("round_places", 2)],
        "print_inverse_noise_matrix": [("inverse_noise_matrix", E), ("round_places", 2)],
        "print_joint_matrix": [("joint_matrix", E), ("round_places", 2)],
    },
}
CASES = [(m, f) for m, functions in SIGNATURES.items() for f in functions]


@pytest.mark.parametrize("module,name", CASES, ids=lambda x: x)
def test_seed_signature(module, name):
    signature = inspect.signature(getattr(importlib.import_module(f"cleannb.{module}"), name))
    params = list(signature.parameters.values())
    expected = SIGNATURES[module][name]
    for param, (want_name, want_default) in zip(params, expected, strict=False):
        assert param.name == want_name, f"{name}: {param.name} where 0.1.0 has {want_name}"
        assert param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD, f"{name}({want_name})"
        if want_default is CLF:
            assert param.default is None or hasattr(param.default, "fit")
        elif want_default is E:
            assert param.default is E, f"{name}({want_name}) should be required"
        else:
            assert param.default == want_default, f"{name}({want_name}) = {param.default!r}"
    for extra in params[len(expected) :]:
        assert extra.default is not E, f"{name}: extra parameter {extra.name} needs a default"


def test_learning_with_noisy_labels_signature():
    from cleannb.classification import LearningWithNoisyLabels

    init = list(inspect.signature(LearningWithNoisyLabels.__init__).parameters)
    assert init[1:7] == [
        "clf",
        "seed",
        "cv_n_folds",
        "prune_method",
        "converge_latent_estimates",
        "pulearning",
    ]
    fit = list(inspect.signature(LearningWithNoisyLabels.fit).parameters)
    assert fit[1:7] == ["X", "s", "psx", "thresholds", "noise_matrix", "inverse_noise_matrix"]
