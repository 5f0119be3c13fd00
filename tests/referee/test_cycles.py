"""Refereeing re-weights beliefs before assembly, and assembly keeps the graph acyclic whatever the
referee says."""

from __future__ import annotations

import networkx as nx

from causal_ensemble.assemble import assemble
from causal_ensemble.pooling import (
    Contested,
    ExpertWeights,
    Level,
    Pool,
    PoolSettings,
    Verdict,
    apply_verdicts,
    find_contested,
)

from ._fixtures import beliefs


def test_a_referee_that_would_close_a_cycle_cannot() -> None:
    # both experts: A -> B -> C. On the A-C pair "cyc" says C -> A (closing a cycle), "dag" says A -> C.
    cyc = beliefs("cyc", {(0, 1): (1.0, 1.0), (1, 2): (1.0, 1.0), (0, 2): (1.0, 0.0)})
    dag = beliefs("dag", {(0, 1): (1.0, 1.0), (1, 2): (1.0, 1.0), (0, 2): (1.0, 1.0)})
    pool = Pool([cyc, dag], ExpertWeights.uniform(["cyc", "dag"]))
    pooled = pool.pooled()
    settings = PoolSettings(0.5, 0.1)
    contested = find_contested(pooled, settings)
    assert Contested(0, 2, Level.ORIENTATION, 0.5, 0.5) in contested
    # the referee trusts "cyc" alone: C -> A with certainty
    verdict = Verdict(Contested(0, 2, Level.ORIENTATION, 0.5, 0.5), {"cyc": 1.0, "dag": 0.0}, "cyc", "test")
    final, records = apply_verdicts(pool, pooled, [verdict])
    assert final.orientation[2, 0] == 1.0 and records[(0, 2)][0].after == 0.0
    graph = assemble(final, settings)
    g = nx.DiGraph([(e.source, e.target) for e in graph.edges])
    assert nx.is_directed_acyclic_graph(g)
    assert any(d.action == "reversed" for d in graph.decisions)
    assert {(0, 1), (1, 2)} <= set(g.edges)
