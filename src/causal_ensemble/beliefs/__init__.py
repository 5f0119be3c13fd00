"""Beliefs: expert graphs read at the adjacency, orientation and ancestral levels."""

from causal_ensemble.beliefs._agreement import expert_agreement
from causal_ensemble.beliefs._levels import (
    ExpertBeliefs,
    GraphLevels,
    beliefs_from_graphs,
    graph_levels,
    reachability,
)
from causal_ensemble.beliefs._scope import (
    FULL_SHARE,
    MODEL_ALPHA,
    OrientationScope,
    PanelBeliefs,
    equivalence_class,
    linear_model_check,
    panel_beliefs,
    parse_orientation_scope,
)

__all__ = [
    "FULL_SHARE",
    "MODEL_ALPHA",
    "ExpertBeliefs",
    "GraphLevels",
    "OrientationScope",
    "PanelBeliefs",
    "beliefs_from_graphs",
    "equivalence_class",
    "expert_agreement",
    "graph_levels",
    "linear_model_check",
    "panel_beliefs",
    "parse_orientation_scope",
    "reachability",
]
