"""From expert graphs to beliefs at three graph levels.

Levels, for a pair (i, j):

* adjacency ``P(i - j)``: the share of an expert's graphs in which i and j are adjacent;
* orientation ``P(i -> j | adjacent)``: averaged only over the graphs where the pair is adjacent;
* ancestral ``P(i before j)``: 1 when i is a directed ancestor of j, 0 when j is one of i, 1/2 otherwise.

Orientation reads each endpoint mark for what it says about ancestry: a tail at i says i causes j, an
arrowhead at i says it does not, and a circle says nothing. With ``s(i->j) = [tail at i] + [arrow at j]``
the orientation of one graph is ``1/2 + (s(i->j) - s(j->i)) / 4``. So i -> j gives 1, an undirected CPDAG
edge, a bidirected edge and a PAG o-o edge give 1/2 (undecided, *not* both directions), and a PAG
i o-> j gives 3/4 (j cannot cause i, but i may not cause j either).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from causal_ensemble._errors import InputError
from causal_ensemble.experts._graph import EndpointGraph, Mark

FloatMatrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class GraphLevels:
    """One graph seen at the three levels (values in {0, 1/4, 1/2, 3/4, 1})."""

    adjacency: FloatMatrix
    orientation: FloatMatrix
    ancestral: FloatMatrix


@dataclass(frozen=True)
class ExpertBeliefs:
    """An expert's beliefs at every level, averaged over its bootstrap graphs."""

    expert: str
    adjacency: FloatMatrix
    orientation: FloatMatrix
    ancestral: FloatMatrix
    n_graphs: int
    decided: FloatMatrix | None = None
    """Where the expert's undirected marks are abstentions (``abstain_undirected``): the share of its
    graphs holding the pair in which the pair is oriented, its say on the direction; ``orientation`` is
    then taken over those graphs alone. None: an undirected mark is a vote for 1/2."""

    @property
    def n_nodes(self) -> int:
        return int(self.adjacency.shape[0])


def reachability(directed: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Transitive closure of a directed adjacency matrix (R[i, j]: a directed path i -> ... -> j)."""
    r = directed.copy()
    for k in range(r.shape[0]):
        r |= np.outer(r[:, k], r[k, :])
    return r


def graph_levels(graph: EndpointGraph) -> GraphLevels:
    m = graph.marks
    adj = (m != Mark.NONE).astype(np.float64)
    tail = m.T == Mark.TAIL  # tail at i on the edge i-j
    arrow_j = m == Mark.ARROW  # arrowhead at j on the edge i-j
    s_ij = tail.astype(np.float64) + arrow_j
    orient = np.where(adj > 0, 0.5 + (s_ij - s_ij.T) / 4.0, 0.5)
    r = reachability(graph.directed())
    anc = np.full(m.shape, 0.5)
    anc[r & ~r.T] = 1.0
    anc[r.T & ~r] = 0.0
    np.fill_diagonal(anc, 0.5)
    return GraphLevels(adj, orient, anc)


def beliefs_from_graphs(
    expert: str,
    graphs: Sequence[EndpointGraph],
    weights: Sequence[float] | None = None,
    *,
    abstain_undirected: bool = False,
) -> ExpertBeliefs:
    """Average a sequence of graphs (bootstrap fits) into beliefs, each graph with its ``weights`` entry
    (default: equal); orientation is conditional on adjacency. ``abstain_undirected``: a graph that holds
    a pair without orienting it (a CPDAG's undirected edge, a PAG's o-o or <->) has no say on its
    direction, and :attr:`ExpertBeliefs.decided` records how much say the expert has per pair."""
    if not graphs:
        raise InputError(f"expert {expert!r} has no graphs to form beliefs from")
    if weights is None:
        w: npt.NDArray[np.float64] = np.full(len(graphs), 1.0 / len(graphs))
    else:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != (len(graphs),) or np.any(w < 0) or not np.isfinite(w).all() or w.sum() <= 0:
            raise InputError(f"expert {expert!r}: need one non-negative weight per graph, not all zero")
        w = w / w.sum()
    d = graphs[0].n_nodes
    adj = np.zeros((d, d))
    orient_sum = np.zeros((d, d))
    anc = np.zeros((d, d))
    said = np.zeros((d, d))
    said_sum = np.zeros((d, d))
    for g, wg in zip(graphs, w, strict=True):
        if g.n_nodes != d:
            raise InputError(f"expert {expert!r}: graphs over different numbers of variables")
        lv = graph_levels(g)
        adj += wg * lv.adjacency
        orient_sum += wg * lv.adjacency * lv.orientation
        anc += wg * lv.ancestral
        if abstain_undirected:
            oriented = lv.adjacency * (lv.orientation != 0.5)
            said += wg * oriented
            said_sum += wg * oriented * lv.orientation
    if not abstain_undirected:
        orient = np.divide(orient_sum, adj, out=np.full((d, d), 0.5), where=adj > 1e-12)
        return ExpertBeliefs(expert, np.clip(adj, 0.0, 1.0), orient, anc, len(graphs))
    orient = np.divide(said_sum, said, out=np.full((d, d), 0.5), where=said > 1e-12)
    decided = np.divide(said, adj, out=np.zeros((d, d)), where=adj > 1e-12)
    return ExpertBeliefs(expert, np.clip(adj, 0.0, 1.0), orient, anc, len(graphs), np.clip(decided, 0.0, 1.0))
