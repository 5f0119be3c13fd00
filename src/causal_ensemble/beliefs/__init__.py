"""Beliefs: expert graphs read at the adjacency, orientation and ancestral levels."""

from causal_ensemble.beliefs._levels import (
    ExpertBeliefs,
    GraphLevels,
    beliefs_from_graphs,
    graph_levels,
    reachability,
)

__all__ = ["ExpertBeliefs", "GraphLevels", "beliefs_from_graphs", "graph_levels", "reachability"]
