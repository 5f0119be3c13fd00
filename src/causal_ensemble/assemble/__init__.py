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
from causal_ensemble.assemble._score_orient import (
    ScoreModel,
    orient_by_score,
    score_model,
    score_orders,
    score_support,
    settle_by_score,
)

__all__ = [
    "AssembledEdge",
    "AssembledGraph",
    "AssemblyAction",
    "AssemblyDecision",
    "EdgeType",
    "ScoreModel",
    "SettledBy",
    "assemble",
    "orient_by_score",
    "score_model",
    "score_orders",
    "score_support",
    "settle_by_score",
]
