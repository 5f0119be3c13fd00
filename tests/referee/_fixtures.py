"""A three-variable referee context built from hand-written expert beliefs (no fitting)."""

from __future__ import annotations

import numpy as np

from causal_ensemble.beliefs import ExpertBeliefs
from causal_ensemble.data import Knowledge
from causal_ensemble.experts import make_panel
from causal_ensemble.pooling import ExpertWeights, Pool
from causal_ensemble.referee import RefereeContext

NAMES = ("A", "B", "C")


def beliefs(name: str, edges: dict[tuple[int, int], tuple[float, float]]) -> ExpertBeliefs:
    """``edges[(i, j)] = (P adjacent, P i -> j | adjacent)``."""
    adj = np.zeros((3, 3))
    orient = np.full((3, 3), 0.5)
    for (i, j), (a, o) in edges.items():
        adj[i, j] = adj[j, i] = a
        orient[i, j], orient[j, i] = o, 1 - o
    return ExpertBeliefs(name, adj, orient, np.full((3, 3), 0.5), 10)


def context(
    pool: Pool, descriptions: dict[str, str] | None = None, knowledge: Knowledge | None = None
) -> RefereeContext:
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (200, 3))
    X[:, 1] += X[:, 0]
    experts = {e.name: e for e in make_panel(["pc", "ges"])}
    return RefereeContext(NAMES, descriptions or {}, pool, experts, X, np.zeros(3, dtype=bool), knowledge)


def split_pool() -> Pool:
    """pc sees A -> B, ges sees no A-B edge: the A-B adjacency and orientation are contested."""
    return Pool(
        [beliefs("pc", {(0, 1): (1.0, 0.9)}), beliefs("ges", {(0, 1): (0.0, 0.5)})],
        ExpertWeights.uniform(["pc", "ges"]),
    )
