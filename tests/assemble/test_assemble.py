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
    adj[0, 2] = adj[2, 0] = 0.7  # a triangle: no direction is implied by 0 -> 1
    orient = np.full((3, 3), 0.5)
    orient[0, 1], orient[1, 0] = 0.9, 0.1
    g = assemble(_pooled(adj, orient), PoolSettings(0.5, 0.1))
    kinds = {(e.source, e.target): e.type for e in g.edges}
    assert kinds == {(0, 1): EdgeType.DIRECTED, (0, 2): EdgeType.UNDIRECTED, (1, 2): EdgeType.UNDIRECTED}
    U = g.undirected_matrix()
    assert U[1, 2] and U[2, 1] and int(U.sum()) == 4 and not (U & g.directed_matrix()).any()
    assert g.decisions == ()
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


def _pooled_anc(adj: npt.NDArray[Any], orient: npt.NDArray[Any], anc: npt.NDArray[Any]) -> PooledBeliefs:
    return PooledBeliefs(adj, orient, anc, ExpertWeights.uniform(["x"]))


def _cycle(orients: dict[tuple[int, int], float], d: int) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    adj = np.zeros((d, d))
    orient = np.full((d, d), 0.5)
    for (i, j), o in orients.items():
        adj[i, j] = adj[j, i] = 0.9
        orient[i, j], orient[j, i] = o, 1 - o
    return adj, orient


def test_a_cycle_closed_by_the_last_edge_against_the_ancestral_order_stays_undirected() -> None:
    """0 -> 1 -> 2 -> 3 placed first; 3 -> 0 (weakest) would close the cycle. The experts' ancestral order
    puts 3 before 0, so reversing it would go against them: it is kept, undirected, and recorded."""
    adj, orient = _cycle({(0, 1): 0.95, (1, 2): 0.93, (2, 3): 0.91, (3, 0): 0.8}, 4)
    anc = np.full((4, 4), 0.5)
    anc[3, 0], anc[0, 3] = 0.7, 0.3
    g = assemble(_pooled_anc(adj, orient, anc), PoolSettings(0.5, 0.1))
    assert not np.any(np.diag(reachability(g.directed_matrix())))
    e03 = next(e for e in g.edges if {e.source, e.target} == {0, 3})
    assert e03.type is EdgeType.UNDIRECTED and e03.settled_by == "acyclicity"
    assert [(d.source, d.target, d.action) for d in g.decisions] == [(3, 0, "undirected")]
    assert len(g.edges) == 4  # nothing dropped


def test_a_cycle_closed_by_the_last_edge_is_reversed_when_the_ancestral_order_agrees() -> None:
    adj, orient = _cycle({(0, 1): 0.95, (1, 2): 0.93, (2, 3): 0.91, (3, 0): 0.8}, 4)
    anc = np.full((4, 4), 0.5)
    anc[0, 3], anc[3, 0] = 0.8, 0.2  # 0 precedes 3, as the placed path says
    g = assemble(_pooled_anc(adj, orient, anc), PoolSettings(0.5, 0.1))
    assert g.directed_matrix()[0, 3] and not g.directed_matrix()[3, 0]
    e03 = next(e for e in g.edges if {e.source, e.target} == {0, 3})
    assert e03.ancestral == 0.8 and e03.orientation is not None and e03.orientation < 0.5


def test_ties_are_broken_by_index_so_the_graph_is_deterministic() -> None:
    """A 3-cycle whose edges are all equally certain: the insertion order falls back to the indices, so
    the same beliefs give the same acyclic graph every time, and exactly one edge gives way."""
    adj, orient = _cycle({(0, 1): 0.9, (1, 2): 0.9, (2, 0): 0.9}, 3)
    graphs = [assemble(_pooled(adj, orient), PoolSettings(0.5, 0.1)) for _ in range(3)]
    assert all(g == graphs[0] for g in graphs)
    g = graphs[0]
    assert not np.any(np.diag(reachability(g.directed_matrix())))
    assert len(g.decisions) == 1 and (g.decisions[0].source, g.decisions[0].target) == (2, 0)


def test_the_threshold_is_inclusive_and_the_orientation_band_is_open() -> None:
    adj, orient = _cycle({(0, 1): 0.6, (1, 2): 0.59999}, 3)
    adj[0, 1] = adj[1, 0] = 0.5  # exactly at the threshold: kept
    adj[1, 2] = adj[2, 1] = 0.49999  # just below: dropped
    g = assemble(_pooled(adj, orient), PoolSettings(0.5, 0.1))
    assert [(e.source, e.target, e.type) for e in g.edges] == [(0, 1, EdgeType.DIRECTED)]


def test_knowledge_against_a_confident_pool() -> None:
    """The pool is sure of 0 -> 1 and 1 -> 2; knowledge requires 1 -> 0 and forbids 1 - 2 both ways: the
    knowledge wins on both, and the dropped edge is recorded."""
    adj, orient = _cycle({(0, 1): 0.99, (1, 2): 0.99}, 3)
    forbidden = np.zeros((3, 3), dtype=bool)
    required = np.zeros((3, 3), dtype=bool)
    required[1, 0] = True
    forbidden[1, 2] = forbidden[2, 1] = True
    g = assemble(_pooled(adj, orient), PoolSettings(), KnowledgeMasks(forbidden, required))
    assert [(e.source, e.target, e.settled_by) for e in g.edges] == [(1, 0, "knowledge")]
    assert [(d.source, d.target, d.action) for d in g.decisions] == [(1, 2, "dropped")]


def test_a_required_edge_goes_in_first_and_the_pool_edge_that_would_close_a_cycle_gives_way() -> None:
    """The pool is sure of 0 -> 1 -> 2; knowledge requires 2 -> 0. The required edge is placed first, so the
    last pool edge (1 -> 2) is the one that would close the cycle, and it gives way, recorded."""
    adj, orient = _cycle({(0, 1): 0.95, (1, 2): 0.9}, 3)
    required = np.zeros((3, 3), dtype=bool)
    required[2, 0] = True
    g = assemble(_pooled(adj, orient), PoolSettings(), KnowledgeMasks(np.zeros((3, 3), dtype=bool), required))
    dm = g.directed_matrix()
    assert dm[2, 0] and dm[0, 1] and not np.any(np.diag(reachability(dm)))
    assert [(d.source, d.target) for d in g.decisions] == [(1, 2)]
    assert next(e for e in g.edges if (e.source, e.target) == (2, 0)).settled_by == "knowledge"


def test_two_required_edges_that_form_a_cycle_are_both_kept_and_recorded() -> None:
    adj, orient = _cycle({(0, 1): 0.5, (1, 2): 0.5, (0, 2): 0.5}, 3)
    required = np.zeros((3, 3), dtype=bool)
    required[0, 1] = required[1, 2] = required[2, 0] = True  # knowledge that contradicts itself
    g = assemble(_pooled(adj, orient), PoolSettings(), KnowledgeMasks(np.zeros((3, 3), dtype=bool), required))
    assert g.directed_matrix().sum() == 3
    assert [d.action for d in g.decisions] == ["kept"]
