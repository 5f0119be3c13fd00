"""Evaluation: metrics of a learned graph against a known truth, as plain functions."""

from causal_ensemble.evaluate._io import GraphSpec, load_graph_file, score_against
from causal_ensemble.evaluate._metrics import StructureScores, structure_scores

__all__ = ["GraphSpec", "StructureScores", "load_graph_file", "score_against", "structure_scores"]
