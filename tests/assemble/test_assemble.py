from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from causal_ensemble.assemble import EdgeType, assemble
from causal_ensemble.beliefs import reachability
from causal_ensemble.experts import KnowledgeMasks
from causal_ensemble.pooling import ExpertWeights, PooledBeliefs, PoolSettings


def _pooled(adj: npt.NDArray[Any], orient: npt.NDArray[Any]) -> PooledBeliefs:
    return PooledBeliefs(adj, orient, np.full(adj.shape, 0.5), ExpertWeights.uniform(["x"]))


def test_thresholds_orients_and_leaves_undecided_edges_undirected() -> None:
    adj = np.zeros((3, 3))
    adj[0, 1] = adj[1, 0] = 0.9
    adj[1, 2] = adj[2, 1] = 0.8
    adj[0, 2] = adj[2, 0] = 0.3
    orient = np.full((3, 3), 0.5)
    orient[0, 1], orient[1, 0] = 0.9, 0.1
    g = assemble(_pooled(adj, orient), PoolSettings(0.5, 0.1))
    kinds = {(e.source, e.target): e.type for e in g.edges}
    assert kinds == {(0, 1): EdgeType.DIRECTED, (1, 2): EdgeType.UNDIRECTED}
    e01 = next(e for e in g.edges if e.source == 0)
    assert e01.probability == 0.9 * 0.9 and e01.orientation == 0.9


def test_an_edge_that_would_close_a_cycle_is_reversed_and_recorded() -> None:
    adj = np.ones((3, 3)) - np.eye(3)
    orient = np.full((3, 3), 0.5)
    for (i, j), o in {(0, 1): 0.95, (1, 2): 0.9, (2, 0): 0.8}.items():  # a 3-cycle, weakest 2 -> 0
        orient[i, j], orient[j, i] = o, 1 - o
    g = assemble(_pooled(adj, orient), PoolSettings(0.5, 0.1))
    assert not np.any(np.diag(reachability(g.directed_matrix())))
    assert g.directed_matrix()[0, 2]
    assert [(d.source, d.target, d.action) for d in g.decisions] == [(2, 0, "reversed")]
    reversed_edge = next(e for e in g.edges if (e.source, e.target) == (0, 2))
    assert reversed_edge.settled_by == "acyclicity"


def test_knowledge_wins_over_the_pool() -> None:
    adj = np.zeros((3, 3))
    adj[0, 1] = adj[1, 0] = 0.9
    orient = np.full((3, 3), 0.5)
    orient[0, 1], orient[1, 0] = 0.9, 0.1
    forbidden = np.zeros((3, 3), dtype=bool)
    required = np.zeros((3, 3), dtype=bool)
    forbidden[0, 1] = True
    required[2, 1] = True
    g = assemble(_pooled(adj, orient), PoolSettings(), KnowledgeMasks(forbidden, required))
    dm = g.directed_matrix()
    assert dm[1, 0] and not dm[0, 1] and dm[2, 1]
    assert {e.settled_by for e in g.edges} == {"knowledge"}
