"""Assembly: from pooled beliefs to one acyclic graph with a probability on every edge.

Edges whose pooled adjacency reaches the threshold are kept. An edge is directed when its pooled
orientation leaves the undecided band ``(1/2 − margin, 1/2 + margin)`` and undirected otherwise.
Directed edges are inserted in order of confidence (required edges first, then by
``adjacency × max(orientation, 1 − orientation)``). An edge ``s -> t`` that would close a directed cycle
meets more certain edges that already place ``t`` before ``s``; the pooled *ancestral* belief (the third
graph level: P(s precedes t) over the experts' graphs) settles what to do with it:

* when the ancestral order does not contradict the placed edges (P(t precedes s) >= 1/2) the edge is
  reversed: the direction both the placed edges and the ancestral order allow;
* when it does (P(s precedes t) > 1/2: the experts' orders agree with the edge, not with the placed path),
  the evidence conflicts and the edge is kept undirected: reversing it would be a guess against the
  experts, and an undirected edge costs no more than a wrong reversal in SHD while scoring half in
  directed precision and recall.

Both are recorded as assembly decisions. Neither can close a cycle (a reversal would need a cycle already
present; undirected edges take no part in directed cycles). Every kept edge carries its ancestral belief.

Last, the directions the placed edges imply are propagated to the edges the pool left undecided, by
Meek's rules (Meek 1995), the step that completes a CPDAG from its v-structures: R1 ``a -> b - c`` with a,
c not adjacent gives ``b -> c`` (``c -> b`` would add a collider at b that the pool did not find); R2
``b -> a -> c`` with ``b - c`` gives ``b -> c`` (the reverse closes a cycle); R3 ``b - a1 -> c``,
``b - a2 -> c``, a1, a2 not adjacent, ``b - c`` gives ``b -> c``. These use nothing but the pool's own
decisions and acyclicity; an undirected edge costs a whole error in SHD and half a match in directed F1,
so leaving implied directions open loses accuracy for no honesty gained. On 19 development tables the
rules moved the pooled mean SHD from 9.74 to 9.32 when they were added, and from 7.16 to 6.84 with today's
panel and judge (6.50 to 5.83 on 6 held-out tables; ``python benchmarks/tune_pool.py compare
--no-propagation`` against ``compare``). Edges
left undirected by the acyclicity rule above and directions knowledge forbids are not propagated to, and
each propagated direction is an assembly decision (``oriented``) with ``settled_by`` "propagation".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from causal_ensemble.experts import KnowledgeMasks
from causal_ensemble.pooling import PooledBeliefs, PoolSettings


class EdgeType(StrEnum):
    """The two kinds of edge an assembled graph holds: the assembly never produces bidirected edges
    (a PAG's ``<->`` is read as "undecided" by the belief levels, not kept as a mark)."""

    DIRECTED = "directed"
    UNDIRECTED = "undirected"


class SettledBy(StrEnum):
    """Who took an edge's final decision, as written to graph.json ``edges[].settled_by``."""

    POOL = "pool"
    REFEREE = "referee"
    KNOWLEDGE = "knowledge"
    ACYCLICITY = "acyclicity"
    PROPAGATION = "propagation"  # a direction implied by the placed edges (Meek's rules)
    SCORE = "score"  # by the score step (Gaussian, linear non-Gaussian or additive noise)


class AssemblyAction(StrEnum):
    """What the assembly did to an edge the pooled numbers alone would not explain."""

    KEPT = "kept"
    DROPPED = "dropped"
    REVERSED = "reversed"
    UNDIRECTED = "undirected"  # a direction that closes a cycle, against the ancestral order
    ORIENTED = "oriented"  # an undecided edge directed by Meek's rules from the placed edges
    ADDED = "added"  # below the threshold, added by the additive-noise score among the experts' edges


@dataclass(frozen=True)
class AssembledEdge:
    """An edge by index; ``orientation`` is P(source -> target | adjacent), None when undirected."""

    source: int
    target: int
    type: EdgeType
    probability: float
    adjacency: float
    orientation: float | None
    settled_by: SettledBy
    ancestral: float = 0.5  # P(source precedes target) in the pooled ancestral beliefs


@dataclass(frozen=True)
class AssemblyDecision:
    """A choice the assembly made that a reader could not infer from the pooled numbers alone."""

    source: int
    target: int
    action: AssemblyAction
    reason: str


@dataclass(frozen=True)
class AssembledGraph:
    n_nodes: int
    edges: tuple[AssembledEdge, ...]
    decisions: tuple[AssemblyDecision, ...]

    def directed_matrix(self) -> npt.NDArray[np.bool_]:
        m = np.zeros((self.n_nodes, self.n_nodes), dtype=bool)
        for e in self.edges:
            if e.type is EdgeType.DIRECTED:
                m[e.source, e.target] = True
        return m

    def undirected_matrix(self) -> npt.NDArray[np.bool_]:
        """Symmetric: both cells of every undirected edge."""
        m = np.zeros((self.n_nodes, self.n_nodes), dtype=bool)
        for e in self.edges:
            if e.type is EdgeType.UNDIRECTED:
                m[e.source, e.target] = m[e.target, e.source] = True
        return m


def _add_reach(reach: npt.NDArray[np.bool_], u: int, v: int) -> None:
    """Update the reflexive-transitive reachability after adding u -> v."""
    reach |= np.outer(reach[:, u], reach[v, :])


def assemble(
    pooled: PooledBeliefs,
    settings: PoolSettings,
    knowledge: KnowledgeMasks | None = None,
    *,
    propagate: bool = True,
) -> AssembledGraph:
    """The acyclic graph the pooled beliefs decide (``propagate=False`` skips Meek's rules, for the
    ablation in ``benchmarks/tune_pool.py compare``)."""
    adj, orient, anc = pooled.adjacency, pooled.orientation, pooled.ancestral
    d = adj.shape[0]
    masks = knowledge if knowledge is not None else KnowledgeMasks.none(d)
    t, m = settings.threshold, settings.margin
    decisions: list[AssemblyDecision] = []
    edges: list[AssembledEdge] = []
    directed: list[tuple[float, int, int, SettledBy]] = []  # (priority, i, j, settled_by)

    for i in range(d):
        for j in range(i + 1, d):
            req_ij, req_ji = bool(masks.required[i, j]), bool(masks.required[j, i])
            a = float(adj[i, j])
            if not (a >= t or req_ij or req_ji):
                continue
            if masks.forbidden[i, j] and masks.forbidden[j, i]:
                decisions.append(
                    AssemblyDecision(i, j, AssemblyAction.DROPPED, "both directions forbidden by knowledge")
                )
                continue
            o = float(orient[i, j])
            if req_ij or req_ji:
                s, tgt = (i, j) if req_ij else (j, i)
                directed.append((2.0, s, tgt, SettledBy.KNOWLEDGE))
            elif masks.forbidden[i, j] or masks.forbidden[j, i]:
                s, tgt = (j, i) if masks.forbidden[i, j] else (i, j)
                directed.append((1.0 + a, s, tgt, SettledBy.KNOWLEDGE))
            elif o >= 0.5 + m:
                directed.append((a * o, i, j, SettledBy.POOL))
            elif o <= 0.5 - m:
                directed.append((a * (1 - o), j, i, SettledBy.POOL))
            else:
                edges.append(
                    AssembledEdge(i, j, EdgeType.UNDIRECTED, a, a, None, SettledBy.POOL, float(anc[i, j]))
                )

    reach = np.eye(d, dtype=bool)
    for _, s, tgt, by in sorted(directed, key=lambda x: (-x[0], x[1], x[2])):
        settled = by
        if reach[tgt, s]:
            if by is SettledBy.KNOWLEDGE and masks.required[s, tgt]:
                decisions.append(
                    AssemblyDecision(
                        s, tgt, AssemblyAction.KEPT, "required by knowledge although it closes a cycle"
                    )
                )
            elif by is SettledBy.KNOWLEDGE:
                decisions.append(
                    AssemblyDecision(
                        s, tgt, AssemblyAction.DROPPED, "the only direction knowledge allows closes a cycle"
                    )
                )
                continue
            elif float(anc[s, tgt]) > 0.5:
                decisions.append(
                    AssemblyDecision(
                        s,
                        tgt,
                        AssemblyAction.UNDIRECTED,
                        "would close a directed cycle with more certain edges, and the pooled ancestral "
                        f"order (P(source precedes target) = {float(anc[s, tgt]):.2f}) opposes the reverse",
                    )
                )
                a = float(adj[s, tgt])
                lo, hi = min(s, tgt), max(s, tgt)
                edges.append(
                    AssembledEdge(
                        lo, hi, EdgeType.UNDIRECTED, a, a, None, SettledBy.ACYCLICITY, float(anc[lo, hi])
                    )
                )
                continue
            else:
                decisions.append(
                    AssemblyDecision(
                        s,
                        tgt,
                        AssemblyAction.REVERSED,
                        "would close a directed cycle with more certain edges; the pooled ancestral order "
                        f"agrees with the reverse (P(target precedes source) = {float(anc[tgt, s]):.2f})",
                    )
                )
                s, tgt, settled = tgt, s, SettledBy.ACYCLICITY
        a = float(adj[s, tgt])
        o = float(orient[s, tgt])
        edges.append(AssembledEdge(s, tgt, EdgeType.DIRECTED, a * o, a, o, settled, float(anc[s, tgt])))
        _add_reach(reach, s, tgt)
    if propagate:
        edges = _propagate(edges, pooled, masks, reach, decisions)
    edges.sort(key=lambda e: (min(e.source, e.target), max(e.source, e.target)))
    return AssembledGraph(d, tuple(edges), tuple(decisions))


def _implied_direction(
    b: int, c: int, D: npt.NDArray[np.bool_], U: npt.NDArray[np.bool_], A: npt.NDArray[np.bool_]
) -> str | None:
    """The Meek rule that orients the undirected edge b - c as b -> c, if any (D directed, U undirected
    and A any adjacency, all as boolean matrices of the current graph)."""
    parents_b = np.flatnonzero(D[:, b])
    if np.any((parents_b != c) & ~A[parents_b, c]):
        return (
            "R1: a parent of the source is not adjacent to the target, so the reverse would add a "
            "collider the pool did not find"
        )
    if np.any(D[b, :] & D[:, c]):
        return "R2: a directed path source -> x -> target exists, so the reverse would close a cycle"
    mids = np.flatnonzero(U[b, :] & D[:, c])
    for x in range(len(mids)):
        for y in range(x + 1, len(mids)):
            if not A[mids[x], mids[y]]:
                return (
                    "R3: two non-adjacent neighbours of the source are both parents of the target, so "
                    "the reverse would force a new collider or a cycle"
                )
    return None


def _propagate(
    edges: list[AssembledEdge],
    pooled: PooledBeliefs,
    masks: KnowledgeMasks,
    reach: npt.NDArray[np.bool_],
    decisions: list[AssemblyDecision],
) -> list[AssembledEdge]:
    """Orient the pool's undecided edges where Meek's rules R1-R3 imply a direction, to a fixpoint."""
    placed = AssembledGraph(pooled.adjacency.shape[0], tuple(edges), ())
    D, U = placed.directed_matrix(), placed.undirected_matrix()
    A = D | D.T | U
    open_edges = {
        (e.source, e.target): k
        for k, e in enumerate(edges)
        if e.type is EdgeType.UNDIRECTED and e.settled_by is not SettledBy.ACYCLICITY
    }
    changed = True
    while changed and open_edges:
        changed = False
        for (i, j), k in sorted(open_edges.items()):
            for b, c in ((i, j), (j, i)):
                if masks.forbidden[b, c] or reach[c, b]:
                    continue
                why = _implied_direction(b, c, D, U, A)
                if why is None:
                    continue
                o = float(pooled.orientation[b, c])
                a = float(pooled.adjacency[b, c])
                edges[k] = AssembledEdge(
                    b, c, EdgeType.DIRECTED, a * o, a, o, SettledBy.PROPAGATION, float(pooled.ancestral[b, c])
                )
                decisions.append(AssemblyDecision(b, c, AssemblyAction.ORIENTED, f"Meek rule {why}"))
                D[b, c] = True
                U[b, c] = U[c, b] = False
                _add_reach(reach, b, c)
                del open_edges[(i, j)]
                changed = True
                break
    return edges
