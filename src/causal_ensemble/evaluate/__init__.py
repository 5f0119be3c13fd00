"""Evaluation: metrics of a learned graph against a known truth, as plain functions.

The conventions (undirected edges, pairs the probability metrics range over) are in ``_metrics``'s
docstring and the README's benchmark section.
"""

from causal_ensemble.evaluate._io import GraphSpec, evaluate_graph, load_graph_file, score_against
from causal_ensemble.evaluate._metrics import (
    GraphScores,
    ProbabilityScores,
    StructureScores,
    adjustment_distances,
    average_precision,
    brier_score,
    cpdag,
    directed_prf,
    expected_calibration_error,
    graph_scores,
    hard_probabilities,
    orientation_accuracy,
    probability_scores,
    shd,
    shd_cpdag,
    skeleton_prf,
    structure_scores,
)

__all__ = [
    "GraphScores",
    "GraphSpec",
    "ProbabilityScores",
    "StructureScores",
    "adjustment_distances",
    "average_precision",
    "brier_score",
    "cpdag",
    "directed_prf",
    "evaluate_graph",
    "expected_calibration_error",
    "graph_scores",
    "hard_probabilities",
    "load_graph_file",
    "orientation_accuracy",
    "probability_scores",
    "score_against",
    "shd",
    "shd_cpdag",
    "skeleton_prf",
    "structure_scores",
]
