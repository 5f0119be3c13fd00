"""Scoring an equivalence class by one of its DAGs: the DAG must not invent v-structures."""

from __future__ import annotations

import numpy as np
import pytest

from causal_ensemble.experts import EndpointGraph
from causal_ensemble.experts._graph import Mark
from causal_ensemble.scoring import heldout_gain


def test_undirected_chain_is_scored_like_its_dags_not_like_a_collider() -> None:
    """The CPDAG a - b - c (a chain's class). Orienting it by column order without care can give
    a -> b <- c for other labelings; the consistent extension must score exactly like the chain."""
    rng = np.random.default_rng(0)
    n = 3000
    b = rng.normal(size=n)
    a = 0.9 * b + rng.normal(size=n)
    c = 0.9 * b + rng.normal(size=n)
    # columns ordered (a, c, b): the index order a < c < b would make b a collider a -> b <- c
    X = np.c_[a, c, b]
    cpdag = EndpointGraph.empty(3)
    cpdag = cpdag.with_edge(0, 2, Mark.TAIL, Mark.TAIL).with_edge(1, 2, Mark.TAIL, Mark.TAIL)
    fork = EndpointGraph.from_dag(np.array([[0, 0, 0], [0, 0, 0], [1, 1, 0]]))
    collider = EndpointGraph.from_dag(np.array([[0, 0, 1], [0, 0, 1], [0, 0, 0]]))
    g_cpdag = heldout_gain(cpdag, X[:2000], X[2000:], discrete=False)
    g_fork = heldout_gain(fork, X[:2000], X[2000:], discrete=False)
    g_collider = heldout_gain(collider, X[:2000], X[2000:], discrete=False)
    assert g_cpdag == pytest.approx(g_fork, abs=1e-9)
    assert g_fork > g_collider + 0.05
