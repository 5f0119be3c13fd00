"""One DAG inside a partially directed graph: how a CPDAG or PAG is turned into parents to score.

Model scores need parent sets, and an equivalence class has many DAGs; the one chosen must not invent
v-structures, or experts that return classes (PC, GES, GRaSP) would be scored below experts that return
DAGs for a model they never proposed.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from causal_ensemble.beliefs import reachability
from causal_ensemble.experts import EndpointGraph


def consistent_extension(adj: npt.NDArray[np.bool_], directed: npt.NDArray[np.bool_]) -> list[int] | None:
    """A topological order of a DAG that extends the partially directed graph without creating new
    v-structures (Dor & Tarsi 1992), or None when there is none (the graph is not a valid CPDAG/PDAG).

    Why: orienting the undirected edges of a CPDAG along an arbitrary order can create unshielded
    colliders the CPDAG does not have, i.e. a different, worse-fitting model; experts that return
    equivalence classes (PC, GES, GRaSP) would then be scored below experts that return DAGs.
    """
    d = adj.shape[0]
    left = list(range(d))
    removed: list[int] = []
    while left:
        for x in left:
            others = [v for v in left if v != x]
            if any(directed[x, v] for v in others):  # x must be a sink among the directed edges
                continue
            und = [y for y in others if adj[x, y] and not directed[y, x]]
            nbrs = [v for v in others if adj[x, v]]
            if all(adj[y, v] for y in und for v in nbrs if v != y):
                removed.append(x)
                left.remove(x)
                break
        else:
            return None
    return removed[::-1]


def topological_order(dag: npt.NDArray[np.bool_]) -> list[int]:
    """Kahn's algorithm, smallest index first, so the order of an acyclic graph is deterministic."""
    indeg = dag.sum(axis=0).astype(int)
    order: list[int] = []
    ready = sorted(np.flatnonzero(indeg == 0).tolist())
    while ready:
        v = ready.pop(0)
        order.append(v)
        for w in np.flatnonzero(dag[v]):
            indeg[w] -= 1
            if indeg[w] == 0:
                ready.append(int(w))
        ready.sort()
    return order


def dag_parents(graph: EndpointGraph) -> list[list[int]]:
    """Parents in one DAG consistent with the graph's directed edges: a consistent extension of the
    partially directed graph where one exists, else undirected edges follow a topological order of the
    directed part (or the column order when that part is cyclic)."""
    d = graph.n_nodes
    directed = graph.directed()
    adj = graph.adjacency()
    order = consistent_extension(adj, directed)
    if order is None:
        r = reachability(directed)
        # a cyclic directed part falls back to column order
        order = list(range(d)) if np.any(np.diag(r)) else topological_order(directed)
    pos = np.empty(d, dtype=int)
    pos[order] = np.arange(d)
    parents: list[list[int]] = []
    for j in range(d):
        ps = [
            i for i in np.flatnonzero(adj[:, j]) if directed[i, j] or (not directed[j, i] and pos[i] < pos[j])
        ]
        parents.append([int(i) for i in ps])
    return parents
