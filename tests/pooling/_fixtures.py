"""Hand-made expert beliefs for pool tests: one pair (0, 1) with a chosen adjacency and direction."""

from __future__ import annotations

import numpy as np

from causal_ensemble.beliefs import ExpertBeliefs


def pair_beliefs(name: str, adj01: float, orient01: float, d: int = 3) -> ExpertBeliefs:
    """Beliefs that see only the pair 0 - 1: adjacency ``adj01``, P(0 -> 1 | adjacent) ``orient01``."""
    adj = np.zeros((d, d))
    adj[0, 1] = adj[1, 0] = adj01
    orient = np.full((d, d), 0.5)
    orient[0, 1], orient[1, 0] = orient01, 1 - orient01
    return ExpertBeliefs(name, adj, orient, np.full((d, d), 0.5), 10)
