"""Assembly: pooled beliefs become one acyclic graph with per-edge probabilities."""

from causal_ensemble.assemble._assemble import (
    AssembledEdge,
    AssembledGraph,
    AssemblyAction,
    AssemblyDecision,
    EdgeType,
    SettledBy,
    assemble,
)
from causal_ensemble.assemble._score_orient import orient_by_score, score_orders, score_step_applies

__all__ = [
    "AssembledEdge",
    "AssembledGraph",
    "AssemblyAction",
    "AssemblyDecision",
    "EdgeType",
    "SettledBy",
    "assemble",
    "orient_by_score",
    "score_orders",
    "score_step_applies",
]
