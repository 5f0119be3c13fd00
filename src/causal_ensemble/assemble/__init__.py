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

__all__ = [
    "AssembledEdge",
    "AssembledGraph",
    "AssemblyAction",
    "AssemblyDecision",
    "EdgeType",
    "SettledBy",
    "assemble",
]
