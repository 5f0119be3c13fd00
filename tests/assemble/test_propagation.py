"""Meek's rules complete the directions the pool's own decisions imply, and nothing else."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from causal_ensemble.assemble import AssemblyAction, EdgeType, SettledBy, assemble
from causal_ensemble.experts import KnowledgeMasks
from causal_ensemble.pooling import ExpertWeights, PooledBeliefs, PoolSettings

Edges = dict[tuple[int, int], float]  # (i, j) -> pooled P(i -> j | adjacent)


def _pooled(d: int, edges: Edges) -> PooledBeliefs:
    adj = np.zeros((d, d))
    orient = np.full((d, d), 0.5)
    for (i, j), o in edges.items():
        adj[i, j] = adj[j, i] = 0.9
        orient[i, j], orient[j, i] = o, 1.0 - o
    return PooledBeliefs(adj, orient, np.full((d, d), 0.5), ExpertWeights.uniform(["x"]))


def _kinds(pooled: PooledBeliefs, knowledge: KnowledgeMasks | None = None) -> dict[tuple[int, int], str]:
    g = assemble(pooled, PoolSettings(0.5, 0.1), knowledge)
    return {(e.source, e.target): e.type.value for e in g.edges}


def test_r1_orients_away_from_a_parent_that_is_not_adjacent() -> None:
    # 0 -> 1 - 2, 0 and 2 not adjacent: 2 -> 1 would be a collider nobody found
    pooled = _pooled(3, {(0, 1): 0.95, (1, 2): 0.5})
    g = assemble(pooled, PoolSettings(0.5, 0.1))
    kinds = {(e.source, e.target): (e.type, e.settled_by) for e in g.edges}
    assert kinds[(1, 2)] == (EdgeType.DIRECTED, SettledBy.PROPAGATION)
    (decision,) = g.decisions
    assert (decision.source, decision.target, decision.action) == (1, 2, AssemblyAction.ORIENTED)
    assert decision.reason.startswith("Meek rule R1")


def test_r1_chains_to_a_fixpoint() -> None:
    pooled = _pooled(4, {(0, 1): 0.95, (1, 2): 0.5, (2, 3): 0.5})
    assert _kinds(pooled) == {(0, 1): "directed", (1, 2): "directed", (2, 3): "directed"}


def test_r2_orients_along_a_directed_path() -> None:
    # 0 -> 1 -> 2 and 0 - 2: 2 -> 0 would close a cycle
    pooled = _pooled(3, {(0, 1): 0.95, (1, 2): 0.95, (0, 2): 0.5})
    assert _kinds(pooled)[(0, 2)] == "directed"


def test_r3_orients_into_a_collider_of_two_undirected_neighbours() -> None:
    # 1 -> 3 <- 2 (1, 2 not adjacent), 0 - 1, 0 - 2, 0 - 3: R3 gives 0 -> 3
    pooled = _pooled(4, {(1, 3): 0.95, (2, 3): 0.95, (0, 1): 0.5, (0, 2): 0.5, (0, 3): 0.5})
    kinds = _kinds(pooled)
    assert kinds[(0, 3)] == "directed"
    assert kinds[(0, 1)] == kinds[(0, 2)] == "undirected"


def test_nothing_is_implied_without_directed_edges_or_inside_a_triangle() -> None:
    assert set(_kinds(_pooled(3, {(0, 1): 0.5, (1, 2): 0.5})).values()) == {"undirected"}
    tri = _pooled(3, {(0, 1): 0.95, (1, 2): 0.5, (0, 2): 0.5})
    assert _kinds(tri)[(1, 2)] == "undirected"


def test_a_forbidden_direction_is_never_propagated() -> None:
    forbidden: npt.NDArray[np.bool_] = np.zeros((3, 3), dtype=bool)
    forbidden[1, 2] = True
    masks = KnowledgeMasks(forbidden=forbidden, required=np.zeros((3, 3), dtype=bool))
    # knowledge alone settles 1 - 2 as 2 -> 1 here; propagation must not overrule it
    kinds = _kinds(_pooled(3, {(0, 1): 0.95, (1, 2): 0.5}), masks)
    assert (2, 1) in kinds and (1, 2) not in kinds
