"""The pooled graph against single experts on a small synthetic SEM with a known truth."""

from __future__ import annotations

import numpy as np

from causal_ensemble import discover, from_frame
from causal_ensemble.data.datasets import load_dataset
from causal_ensemble.evaluate import structure_scores
from causal_ensemble.experts import make_panel, run_panel


def test_pooled_graph_beats_the_worst_expert_on_a_linear_sem() -> None:
    """PC, GES and DirectLiNGAM on a standardised linear non-Gaussian (uniform noise) ER graph, where
    LiNGAM's assumptions hold and the others miss or add edges: the weights must find the expert whose
    graph predicts held-out rows best, and the pool must beat the worst expert and match the best."""
    data = load_dataset("synth-linear-nongaussian-er-d8", n=1000, seed=4)
    ds = from_frame(data.frame, source="synth")
    truth = data.truth_matrix()
    names = ["pc", "ges", "directlingam"]
    singles = run_panel(make_panel(names), ds.values, n_bootstrap=0, seed=0, n_jobs=1)
    shd = {}
    for r in singles:
        g = r.full.graph
        assert g is not None
        unoriented = g.adjacency() & ~g.directed() & ~g.directed().T
        shd[r.name] = structure_scores(g.directed(), unoriented, truth).shd
    result = discover(ds, experts=names, n_bootstrap=4, seed=0, n_jobs=1)
    idx = {n: k for k, n in enumerate(ds.names)}
    d = len(idx)
    directed = np.zeros((d, d), dtype=bool)
    undirected = np.zeros((d, d), dtype=bool)
    for s, t in result.directed_edges():
        directed[idx[s], idx[t]] = True
    for s, t in result.undirected_edges():
        undirected[idx[s], idx[t]] = True
    pooled = structure_scores(directed, undirected, truth).shd
    assert pooled < max(shd.values()), (pooled, shd)
    assert pooled <= min(shd.values()), (pooled, shd)
    weights = {x.name: x.weight for x in result.experts}
    assert max(weights, key=weights.__getitem__) == "directlingam", weights
