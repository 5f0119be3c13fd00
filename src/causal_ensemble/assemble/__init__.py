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
    additive_leads,
    orient_by_score,
    score_model,
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
    "additive_leads",
    "assemble",
    "orient_by_score",
    "score_model",
    "settle_by_score",
]
