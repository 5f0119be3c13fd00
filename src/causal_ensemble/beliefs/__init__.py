"""Beliefs: expert graphs read at the adjacency, orientation and ancestral levels."""

from causal_ensemble.beliefs._agreement import expert_agreement
from causal_ensemble.beliefs._levels import (
    ExpertBeliefs,
    GraphLevels,
    beliefs_from_graphs,
    graph_levels,
    reachability,
)

__all__ = [
    "ExpertBeliefs",
    "GraphLevels",
    "beliefs_from_graphs",
    "expert_agreement",
    "graph_levels",
    "reachability",
]
