"""causal-learn's PC with its skeleton search's quadratic bookkeeping removed.

Profiling PC at d = 100 (1264 rows, Fisher-z) put more than half of a 12 s fit in the body of
``causallearn.utils.PCUtils.SkeletonDiscovery.skeleton_discovery`` itself rather than in the tests: with
``stable=True`` it collects the edges to remove at a depth in a *list* and asks ``(x, y) in edge_removal``
for every ordered pair it visits, a linear scan of a list that grows to thousands of pairs at depth 0.
(FCI's ``fas`` already keeps a set.) :func:`pc_search` is causal-learn 0.1.4.8's ``pc`` → ``pc_alg`` for
the options our PC expert uses (``uc_rule=0``, ``uc_priority=2``, no missing-value variant), and
:func:`skeleton_discovery` is causal-learn's, line for line, with a set for that list (which is only ever
searched and, at the end of a depth, turned into a set): the same tests in the same order, the same
separating sets, the same removals, so the same graph. It follows causal-learn's code (MIT licence,
Copyright (c) 2022 cmu-phil) where reproducing its exact visiting order and tie-breaking requires it.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np


def _cut(cg: Any, x: int, y: int, sepset: Any) -> None:
    """Remove the x - y edge at once and record its separating set in both directions."""
    from causallearn.utils.PCUtils.Helper import append_value

    for a, b in ((x, y), (y, x)):
        edge = cg.G.get_edge(cg.G.nodes[a], cg.G.nodes[b])
        if edge is not None:
            cg.G.remove_edge(edge)
    append_value(cg.sepset, x, y, sepset)
    append_value(cg.sepset, y, x, sepset)


def skeleton_discovery(
    data: Any, alpha: float, indep_test: Any, stable: bool = True, background_knowledge: Any = None
) -> Any:
    """causallearn.utils.PCUtils.SkeletonDiscovery.skeleton_discovery (no progress bar, no verbose
    output, no ``max_k``, default node names)."""
    from causallearn.graph.GraphClass import CausalGraph
    from causallearn.utils.PCUtils.Helper import append_value

    if not isinstance(data, np.ndarray):
        raise TypeError(f"skeleton_discovery needs a numpy array, got {type(data).__name__}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")

    no_of_var = data.shape[1]
    cg = CausalGraph(no_of_var, None)
    cg.set_ind_test(indep_test)

    depth = -1
    while cg.max_degree() - 1 > depth:
        depth += 1
        # causal-learn's list, only ever asked `(x, y) in` and finally read as a set
        edge_removal: set[tuple[int, int]] = set()
        for x in range(no_of_var):
            Neigh_x = cg.neighbors(x)
            if len(Neigh_x) < depth - 1:
                continue
            for y in Neigh_x:
                knowledge_ban_edge = False
                sepsets: set[Any] = set()
                if background_knowledge is not None and (
                    background_knowledge.is_forbidden(cg.G.nodes[x], cg.G.nodes[y])
                    and background_knowledge.is_forbidden(cg.G.nodes[y], cg.G.nodes[x])
                ):
                    knowledge_ban_edge = True
                if knowledge_ban_edge:
                    if not stable:
                        _cut(cg, x, y, ())
                        break  # as causal-learn: leaves x's remaining neighbours for this depth
                    else:
                        edge_removal.add((x, y))  # removed once the whole depth has been tested
                        edge_removal.add((y, x))

                Neigh_x_noy = np.delete(Neigh_x, np.where(Neigh_x == y))
                for S in combinations(Neigh_x_noy, depth):
                    p = cg.ci_test(x, y, S)
                    if p > alpha:
                        if not stable:
                            _cut(cg, x, y, S)
                            break
                        else:
                            edge_removal.add((x, y))  # removed once the whole depth has been tested
                            edge_removal.add((y, x))
                            for s in S:
                                sepsets.add(s)
                if (x, y) in edge_removal or not cg.G.get_edge(cg.G.nodes[x], cg.G.nodes[y]):
                    append_value(cg.sepset, x, y, tuple(sepsets))
                    append_value(cg.sepset, y, x, tuple(sepsets))

        for x, y in edge_removal:  # distinct edges: the order of removal does not matter
            edge1 = cg.G.get_edge(cg.G.nodes[x], cg.G.nodes[y])
            if edge1 is not None:
                cg.G.remove_edge(edge1)

    return cg


def pc_search(
    data: Any, alpha: float, indep_test: str, stable: bool = True, background_knowledge: Any = None
) -> Any:
    """causallearn.search.ConstraintBased.PC.pc(data, alpha, indep_test, stable, background_knowledge)
    with its defaults (``uc_rule=0``, ``uc_priority=2``); returns the CausalGraph."""
    from causallearn.utils.cit import CIT
    from causallearn.utils.PCUtils import Meek, UCSepset
    from causallearn.utils.PCUtils.BackgroundKnowledgeOrientUtils import orient_by_background_knowledge

    test = CIT(data, indep_test)
    cg_1 = skeleton_discovery(data, alpha, test, stable, background_knowledge=background_knowledge)
    if background_knowledge is not None:
        orient_by_background_knowledge(cg_1, background_knowledge)
    cg_2 = UCSepset.uc_sepset(cg_1, 2, background_knowledge=background_knowledge)
    return Meek.meek(cg_2, background_knowledge=background_knowledge)
