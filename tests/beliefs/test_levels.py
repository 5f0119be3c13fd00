from __future__ import annotations

import numpy as np
import pytest

from causal_ensemble import InputError
from causal_ensemble.beliefs import beliefs_from_graphs, graph_levels, reachability
from causal_ensemble.experts import EndpointGraph, Mark


def _graph(d: int, edges: dict[tuple[int, int], tuple[Mark, Mark]]) -> EndpointGraph:
    """edges[(i, j)] = (mark at i, mark at j)."""
    m = np.zeros((d, d), dtype=np.int8)
    for (i, j), (mi, mj) in edges.items():
        m[j, i], m[i, j] = mi, mj
    return EndpointGraph(m)


def test_orientation_reads_marks_honestly() -> None:
    g = _graph(
        6,
        {
            (0, 1): (Mark.TAIL, Mark.ARROW),  # 0 -> 1
            (1, 2): (Mark.TAIL, Mark.TAIL),  # 1 - 2 (CPDAG undirected)
            (2, 3): (Mark.ARROW, Mark.ARROW),  # 2 <-> 3
            (3, 4): (Mark.CIRCLE, Mark.ARROW),  # 3 o-> 4
            (4, 5): (Mark.CIRCLE, Mark.CIRCLE),  # 4 o-o 5
        },
    )
    lv = graph_levels(g)
    assert lv.orientation[0, 1] == 1.0 and lv.orientation[1, 0] == 0.0
    assert lv.orientation[1, 2] == lv.orientation[2, 1] == 0.5  # undecided, not both ways
    assert lv.orientation[2, 3] == 0.5
    assert lv.orientation[3, 4] == 0.75 and lv.orientation[4, 3] == 0.25
    assert lv.orientation[4, 5] == 0.5
    np.testing.assert_allclose(lv.adjacency, lv.adjacency.T)


def test_ancestral_level_follows_directed_paths_only() -> None:
    g = _graph(
        4, {(0, 1): (Mark.TAIL, Mark.ARROW), (1, 2): (Mark.TAIL, Mark.ARROW), (2, 3): (Mark.TAIL, Mark.TAIL)}
    )
    anc = graph_levels(g).ancestral
    assert anc[0, 2] == 1.0 and anc[2, 0] == 0.0  # via 0 -> 1 -> 2
    assert anc[2, 3] == 0.5  # undirected: no ancestry claimed
    np.testing.assert_allclose(anc + anc.T - np.diag(np.diag(anc + anc.T)), 1 - np.eye(4))


def test_bootstrap_beliefs_average_and_condition_orientation_on_adjacency() -> None:
    fwd = _graph(3, {(0, 1): (Mark.TAIL, Mark.ARROW)})
    und = _graph(3, {(0, 1): (Mark.TAIL, Mark.TAIL)})
    empty = EndpointGraph.empty(3)
    b = beliefs_from_graphs("x", [fwd, fwd, und, empty])
    assert b.adjacency[0, 1] == pytest.approx(0.75)
    assert b.orientation[0, 1] == pytest.approx((1 + 1 + 0.5) / 3)  # empty graph has no say on direction
    assert b.orientation[0, 2] == 0.5  # never adjacent: undecided
    assert b.n_graphs == 4
    with pytest.raises(InputError):
        beliefs_from_graphs("x", [])


def test_reachability() -> None:
    a = np.zeros((4, 4), dtype=bool)
    a[0, 1] = a[1, 2] = True
    r = reachability(a)
    assert r[0, 2] and not r[2, 0] and not r[0, 3]


def test_graph_weights_set_each_graphs_share_and_bad_weights_name_the_expert() -> None:
    a = np.zeros((2, 2), dtype=int)
    a[0, 1] = 1
    edge, empty = EndpointGraph.from_dag(a), EndpointGraph.empty(2)
    b = beliefs_from_graphs("pc", [edge, empty, empty], [2.0, 1.0, 1.0])
    assert b.adjacency[0, 1] == pytest.approx(0.5)
    assert b.orientation[0, 1] == 1.0
    assert beliefs_from_graphs("pc", [edge, empty]).adjacency[0, 1] == pytest.approx(0.5)
    with pytest.raises(InputError, match="pc"):
        beliefs_from_graphs("pc", [edge, empty], [1.0])
    with pytest.raises(InputError, match="pc"):
        beliefs_from_graphs("pc", [edge, empty], [-1.0, 2.0])


def test_undirected_marks_abstain_on_the_direction_only_when_asked() -> None:
    a = np.zeros((2, 2), dtype=int)
    a[0, 1] = 1
    arrow = EndpointGraph.from_dag(a)
    m = np.zeros((2, 2), dtype=np.int8)
    m[0, 1] = m[1, 0] = Mark.TAIL
    undirected = EndpointGraph(m)
    votes = beliefs_from_graphs("pc", [arrow, undirected, undirected, undirected])
    assert votes.orientation[0, 1] == pytest.approx(0.625) and votes.decided is None
    abstains = beliefs_from_graphs("pc", [arrow, undirected, undirected, undirected], abstain_undirected=True)
    assert abstains.adjacency[0, 1] == 1.0
    assert abstains.orientation[0, 1] == 1.0  # over the one graph that oriented the pair
    assert abstains.decided is not None and abstains.decided[0, 1] == pytest.approx(0.25)
    never = beliefs_from_graphs("pc", [undirected], abstain_undirected=True)
    assert never.orientation[0, 1] == 0.5 and never.decided is not None and never.decided[0, 1] == 0.0
