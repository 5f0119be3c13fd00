"""causal-learn's GES, GRaSP and BOSS drivers, run on our scores and with matrix graph operations.

Profiling GES on its real workload (d = 20, 1264-row subsample, BIC) put 0.3 s of a 10-19 s fit in the
score and the rest in graph bookkeeping: ``insert_vc2_fast`` enumerates *every* simple semi-directed path
from j to i to check that each passes through NA ∪ T (~45 %), and each of the ~130 accepted steps
converts the PDAG to a DAG and back with ``pdag2dag``/``dag2cpdag`` on ``GeneralGraph`` objects, whose
topological sort first runs a breadth-first cycle check from every node (~45 %). GRaSP and BOSS
construct causal-learn's ``LocalScoreClass`` themselves, which rules out a faster score.

So the drivers here follow causal-learn 0.1.4.8's ``ges``, ``grasp`` and ``boss`` step for step (the same
loops in the same order, the same strict comparisons and tie-breaking, the same score arithmetic through
causal-learn's own ``insert_changed_score_fast``/``delete_changed_score_fast``, ``Order``, ``dfs``,
``GST`` and ``better_mutation``) with four replacements that compute the same things:

* the validity test "every semi-directed path from j to i meets NA ∪ T" as "i is unreachable from j
  along semi-directed edges once NA ∪ T is removed", a single graph search;
* ``pdag2dag`` and ``dag2cpdag`` on the endpoint matrix with sets instead of ``GeneralGraph`` objects, the
  same algorithms with the same visiting order (the same topological order, edge order and labels);
* the score object, passed in (see :mod:`._scores`);
* for a target j without undirected neighbours, whose only insert operator is T = {} with NA = {}, the
  gain ``score(j, Pa_j + i) − score(j, Pa_j)`` read from the same record of local scores, with one
  reachability search from j shared by every i (a d = 50 fit 11 -> 5 s; ``Pa_j`` and the test per j are
  computed once per iteration instead of once per pair).

The loops follow causal-learn's code (MIT licence, Copyright (c) 2022 cmu-phil) where the same visiting
order and tie-breaking require it. The graph is causal-learn's endpoint matrix throughout (``M[a, b]`` is
the mark at a's end: -1 tail, 1 arrow), so the result converts with
:func:`._causallearn.from_causallearn`. Tests compare every graph with the plain causal-learn call.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

IntMatrix = npt.NDArray[np.int64]

_TAIL = -1
_ARROW = 1


class _Graph:
    """What causal-learn's matrix-only helpers read from a ``GeneralGraph``: its ``graph`` matrix."""

    def __init__(self, graph: IntMatrix) -> None:
        self.graph = graph


# --- PDAG <-> DAG <-> CPDAG on endpoint matrices ----------------------------------------------------


def _undirected_neighbours(P: IntMatrix, i: int) -> list[int]:
    return np.flatnonzero((P[:, i] == _TAIL) & (P[i, :] == _TAIL)).tolist()


def pdag_to_dag(P: IntMatrix) -> IntMatrix:
    """causallearn.utils.PDAG2DAG.pdag2dag on a matrix: a consistent extension of the PDAG, found by
    removing sinks in the same order (Dor & Tarsi, as causal-learn implements it)."""
    N = P.shape[0]
    directed = ((P == _TAIL) & (P.T == _ARROW)) | ((P == _ARROW) & (P.T == _TAIL))
    D = np.where(directed, P, 0).astype(np.int64)
    undirected = [_undirected_neighbours(P, i) for i in range(N)]
    children = [set(np.flatnonzero(P[:, i] == _ARROW).tolist()) for i in range(N)]  # i -> k
    parents = [set(np.flatnonzero(P[i, :] == _ARROW).tolist()) for i in range(N)]  # k -> i
    removed = [False] * N
    left = N
    while left:
        progressed = False
        for i in range(N):
            if removed[i]:
                continue
            if any(not removed[k] for k in children[i]):
                continue  # i still has an outgoing edge among the remaining nodes
            nx = [k for k in undirected[i] if not removed[k]]
            if nx:
                ax = sorted({k for k in children[i] | parents[i] if not removed[k]} | set(nx))
                if not all(all(P[a, b] != 0 for b in ax if b != a) for a in nx):
                    continue
            for k in undirected[i]:  # orient every undirected edge k - i of the PDAG as k -> i
                if D[i, k] == 0 and D[k, i] == 0:  # unless k was removed earlier and took it as i -> k
                    D[i, k], D[k, i] = _ARROW, _TAIL
            removed[i] = True
            left -= 1
            progressed = True
        if not progressed:  # causal-learn would loop for ever here: the PDAG has no consistent extension
            raise ValueError("the PDAG admits no consistent extension")
    return D


def _causal_order(D: IntMatrix) -> list[int]:
    """causallearn.utils.GraphUtils.get_causal_order on a DAG matrix (the same tiered pass)."""
    N = D.shape[0]
    parents = [np.flatnonzero((D[:, v] == _TAIL) & (D[v, :] == _ARROW)).tolist() for v in range(N)]
    indegree = [len(p) for p in parents]
    children: list[list[int]] = [[] for _ in range(N)]
    for v in range(N):
        for p in parents[v]:
            children[p].append(v)
    queue = [v for v in range(N) if indegree[v] == 0]
    seen = 0
    while queue:  # Kahn's algorithm, only to reject a cycle as causal-learn does
        v = queue.pop()
        seen += 1
        for c in children[v]:
            indegree[c] -= 1
            if indegree[c] == 0:
                queue.append(c)
    if seen < N:
        raise ValueError("Graph must be acyclic.")
    found: list[int] = []
    done = [False] * N
    not_found = list(range(N))
    while not_found:
        taken = []
        for v in not_found:
            if all(done[p] for p in parents[v]):
                found.append(v)
                done[v] = True
                taken.append(v)
        taken_set = set(taken)
        not_found = [v for v in not_found if v not in taken_set]
    return found


def dag_to_cpdag(D: IntMatrix) -> IntMatrix:
    """causallearn.utils.DAG2CPDAG.dag2cpdag on a matrix: Chickering's edge ordering and compelled-edge
    labelling, with causal-learn's visiting order."""
    N = D.shape[0]
    order = _causal_order(D)
    parents = [set(np.flatnonzero(D[j, :] == _ARROW).tolist()) for j in range(N)]  # k -> j
    M = sum(len(p) for p in parents)
    edges: list[tuple[int, int]] = []
    ordered_into: list[set[int]] = [set() for _ in range(N)]
    i = j = 0
    while len(edges) < M:
        for ny in range(N - 1, -1, -1):  # the lowest node with an unordered edge into it
            j = order[ny]
            if parents[j] - ordered_into[j]:
                break
        for nx in range(N):  # its highest unordered parent
            i = order[nx]
            if i not in ordered_into[j] and i in parents[j]:  # D[j, i] == _ARROW
                break
        edges.append((i, j))
        ordered_into[j].add(i)

    index = {e: m for m, e in enumerate(edges)}
    into: list[list[int]] = [[] for _ in range(N)]
    for m, (_, b) in enumerate(edges):
        into[b].append(m)
    sign = [0] * M  # 1 compelled, -1 reversible
    unknown = M
    last_unknown = M - 1

    def label(m: int, value: int) -> None:
        nonlocal unknown
        if sign[m] == 0:
            unknown -= 1
        sign[m] = value

    while unknown:
        while sign[last_unknown] != 0:  # the lowest-ordered edge x -> y still unknown
            last_unknown -= 1
        x, y = edges[last_unknown]
        compelled_all = False
        for m in into[x]:  # each w -> x ...
            if sign[m] == 1:
                w = edges[m][0]
                if w not in parents[y]:  # ... compelled, with w not a parent of y: all into y compelled
                    for m2 in into[y]:
                        label(m2, 1)
                    compelled_all = True
                    break
                label(index[(w, y)], 1)
        if compelled_all:
            continue
        # z -> y with z != x and z not a parent of x (not adjacent to x, or a child of x)
        compelled = any(z != x and z not in parents[x] for z in parents[y])
        value = 1 if compelled else -1
        label(index[(x, y)], value)
        for m in into[y]:
            if sign[m] == 0:
                label(m, value)

    C = np.zeros((N, N), dtype=np.int64)
    for m, (a, b) in enumerate(edges):
        if sign[m] == 1:
            C[b, a], C[a, b] = _ARROW, _TAIL
        else:
            C[a, b] = C[b, a] = _TAIL
    return C


def _dag_from_parents(parents: dict[int, list[int]], p: int) -> IntMatrix:
    D = np.zeros((p, p), dtype=np.int64)
    for y in range(p):
        for x in parents[y]:
            D[y, x], D[x, y] = _ARROW, _TAIL
    return D


# --- GES ---------------------------------------------------------------------------------------------


def _reachable(succ: dict[int, set[int]], start: int, blocked: frozenset[int] = frozenset()) -> set[int]:
    """Every node a semi-directed path from ``start`` reaches without passing through ``blocked`` (a blocked
    node can end a path, not continue one). GES's insert operator is valid only if no such path leads from
    ``j`` to ``i`` avoiding NA ∪ T; the forward search asks it of many (i, T) per ``j`` and graph, and the
    blocked sets, all subsets of ``j``'s neighbours, repeat, so one search per (start, blocked) answers them
    all (a GES fit at d = 50 took 40 s with one search per question, 24 s so, the same graphs)."""
    seen = {start}
    stack = [start]
    out: set[int] = set()
    while stack:
        v = stack.pop()
        for w in succ.get(v, ()):
            out.add(w)
            if w not in seen and w not in blocked:
                seen.add(w)
                stack.append(w)
    return out


def _is_clique(G: IntMatrix, nodes: Iterable[int]) -> bool:
    ns = list(nodes)
    for a in range(len(ns)):
        for b in range(a + 1, len(ns)):
            if G[ns[a], ns[b]] == 0 and G[ns[b], ns[a]] == 0:
                return False
    return True


def _supersets(s0: Any, subsets: list[Any]) -> list[int]:
    """causallearn.utils.GESUtils.find_subset_include: indices of the subsets containing ``s0``."""
    if len(s0) == 0 or len(subsets) == 0:
        return list(range(len(subsets)))
    base = set(s0)
    return [k for k, s in enumerate(subsets) if base <= set(s)]


def _insert(G: IntMatrix, i: int, j: int, T: Any) -> None:
    """GESUtils.insert: add i -> j and orient each t - j (t in T) as t -> j."""
    G[j, i], G[i, j] = _ARROW, _TAIL
    for t in T:
        G[j, t], G[t, j] = _ARROW, _TAIL


def _delete(G: IntMatrix, i: int, j: int, H: Any) -> None:
    """GESUtils.delete: remove the edge i - j and orient j - h and i - h (h in H) as j -> h, i -> h."""
    G[i, j] = G[j, i] = 0
    for h in H:
        G[h, j], G[j, h] = _ARROW, _TAIL
        G[h, i], G[i, h] = _ARROW, _TAIL


def _local(record: dict[Any, Any], score: Any, j: int, ps: list[int]) -> Any:
    """The local score of ``j`` given the sorted parents ``ps``, through causal-learn's record of local
    scores with its keys, as ``insert_changed_score_fast`` reads and fills it (its ``feval`` is
    ``score.score(j, parents)``)."""
    key = (j, tuple(ps))
    if key in record:
        return record[key]
    value = score.score(j, list(ps))
    record[key] = value
    return value


def ges_search(score: Any, n_features: int, max_parents: int | None = None) -> IntMatrix:
    """causallearn.search.ScoreBased.GES.ges with ``score`` (a ``LocalScoreClass``-like object); returns
    the CPDAG's endpoint matrix, ``Record["G"].graph``."""
    from causallearn.utils.GESUtils import (
        Combinatorial,
        delete_changed_score_fast,
        insert_changed_score_fast,
        precompute_graph_info,
    )

    N = n_features
    maxP: float = N if max_parents is None else max_parents
    parameters = score.parameters
    data = score.data
    total: Any = 0
    for i in range(N):  # score_g on the empty graph
        total = total + score.score(i, [])
    G = dag_to_cpdag(pdag_to_dag(np.zeros((N, N), dtype=np.int64)))
    record: dict[Any, Any] = {}

    # forward greedy search
    score_new = total
    while True:
        total = score_new
        max_chscore = -1e7
        max_desc: list[Any] = []
        nbrs, adj, pa, semi = precompute_graph_info(_Graph(G), N)
        reach: dict[tuple[int, frozenset[int]], set[int]] = {}  # (start, blocked), this iteration's graph
        lone: dict[int, tuple[set[int], list[int], Any]] = {}  # j without undirected neighbours: see below
        for i in range(N):
            for j in range(N):
                if i == j or j in adj[i] or len(pa[j]) > maxP:  # j in adj[i]: G[i, j] or G[j, i] != 0
                    continue
                if not nbrs[j]:
                    # The only operator is Insert(i, j, T = {}) with NA = {}: the empty set is a clique,
                    # the path test is "i unreachable from j", and the gain is
                    # score(j, Pa_j + i) - score(j, Pa_j), as insert_changed_score_fast computes it,
                    # without its per-call set unions and sorts (most pairs of a sparse CPDAG at d = 50).
                    if j not in lone:
                        ps = sorted(int(x) for x in pa[j])
                        lone[j] = (_reachable(semi, j), ps, _local(record, score, j, ps))
                    unreachable, ps, base = lone[j]
                    if i not in unreachable:
                        with_i = sorted([*ps, i])
                        chscore = _local(record, score, j, with_i) - base
                        if chscore > max_chscore:
                            max_chscore = chscore
                            max_desc = [i, j, ()]
                    continue
                NA = nbrs[j] & adj[i]
                sub = Combinatorial(sorted(nbrs[j] - adj[i]))
                S = [0] * len(sub)
                for k in range(len(sub)):
                    if S[k] >= 2:
                        continue
                    NAT = NA | set(sub[k])
                    if _is_clique(G, NAT):
                        if S[k]:
                            valid = True
                        else:
                            key = (j, frozenset(NAT))
                            if key not in reach:
                                reach[key] = _reachable(semi, j, key[1])
                            valid = i not in reach[key]
                        if valid:
                            for m in _supersets(sub[k], sub):
                                S[m] = 1
                            chscore, desc, record = insert_changed_score_fast(
                                data, i, j, sub[k], NA, pa[j], record, score, parameters
                            )
                            if chscore > max_chscore:
                                max_chscore = chscore
                                max_desc = desc
                    else:
                        for m in _supersets(sub[k], sub):
                            S[m] = 2
        if len(max_desc) == 0:
            score_new = total
            break
        score_new = total + max_chscore
        if score_new - total <= 0:
            break
        _insert(G, max_desc[0], max_desc[1], max_desc[2])
        G = dag_to_cpdag(pdag_to_dag(G))

    # backward greedy search
    score_new = total
    while True:
        total = score_new
        max_chscore = -1e7
        max_desc = []
        nbrs, adj, pa, semi = precompute_graph_info(_Graph(G), N)
        for i in range(N):
            for j in range(N):
                if not ((j in nbrs[i]) or (i in pa[j])):
                    continue
                NA = nbrs[j] & adj[i]
                sub = Combinatorial(sorted(NA))
                S = [1] * len(sub)
                for k in range(len(sub)):
                    if S[k] == 1:
                        valid = _is_clique(G, NA - set(sub[k]))
                        if valid:
                            for m in _supersets(sub[k], sub):
                                S[m] = 2
                    else:
                        valid = True
                    if valid:
                        chscore, desc, record = delete_changed_score_fast(
                            data, i, j, sub[k], NA, pa[j], record, score, parameters
                        )
                        if chscore > max_chscore:
                            max_chscore = chscore
                            max_desc = desc
        if len(max_desc) == 0:
            break
        score_new = total + max_chscore
        if score_new - total <= 0:
            break
        _delete(G, max_desc[0], max_desc[1], max_desc[2])
        G = dag_to_cpdag(pdag_to_dag(G))
    return G


# --- permutation searches ----------------------------------------------------------------------------


def grasp_search(score: Any, n_features: int, depth: int = 3) -> IntMatrix:
    """causallearn.search.PermutationBased.GRaSP.grasp with ``score``; draws from global ``random`` in
    the same sequence, so seed it as for causal-learn's call."""
    from causallearn.search.PermutationBased.GRaSP import Order, dfs
    from causallearn.search.PermutationBased.gst import GST

    p = n_features
    gsts = [GST(i, score) for i in range(p)]
    order = Order(p, score)
    for i in range(p):
        y = order.get(i)
        y_parents = order.get_parents(y)
        candidates = [order.get(j) for j in range(0, i)]
        local_score = gsts[y].trace(candidates, y_parents)
        order.set_local_score(y, local_score)
        order.bump_edges(len(y_parents))
    while dfs(depth - 1, set(), [], order, gsts):
        pass
    return dag_to_cpdag(_dag_from_parents({y: order.get_parents(y) for y in range(p)}, p))


def boss_search(score: Any, n_features: int) -> IntMatrix:
    """causallearn.search.PermutationBased.BOSS.boss with ``score``; draws from global ``random`` in the
    same sequence, so seed it as for causal-learn's call."""
    import random

    from causallearn.search.PermutationBased.BOSS import better_mutation
    from causallearn.search.PermutationBased.gst import GST

    p = n_features
    order = list(range(p))
    gsts = [GST(v, score) for v in order]
    parents: dict[int, list[int]] = {v: [] for v in order}
    variables = list(order)
    while True:
        improved = False
        random.shuffle(variables)
        for v in variables:
            improved |= better_mutation(v, order, gsts)
        if not improved:
            break
    for i, v in enumerate(order):
        parents[v].clear()
        gsts[v].trace(order[:i], parents[v])
    return dag_to_cpdag(_dag_from_parents(parents, p))
