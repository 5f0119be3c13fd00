from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from causal_ensemble import InputError
from causal_ensemble.experts import EndpointGraph
from causal_ensemble.pooling import (
    ExpertWeights,
    Level,
    Pool,
    PooledBeliefs,
    PoolSettings,
    find_contested,
    stability,
)
from causal_ensemble.scoring import heldout_gain

from ._fixtures import pair_beliefs


def test_linear_pool_is_the_weighted_average_and_orientation_ignores_blind_experts() -> None:
    b = [pair_beliefs("a", 1.0, 1.0), pair_beliefs("b", 0.5, 0.0), pair_beliefs("c", 0.0, 0.5)]
    ones = np.ones(3)
    w = ExpertWeights(("a", "b", "c"), np.array([0.5, 0.25, 0.25]), ones, ones, "test")
    pooled = Pool(b, w).pooled()
    assert pooled.adjacency[0, 1] == pytest.approx(0.5 * 1 + 0.25 * 0.5)
    # c never sees the edge, so only a (0.5*1) and b (0.25*0.5) weigh in on direction
    assert pooled.orientation[0, 1] == pytest.approx((0.5 * 1 * 1.0 + 0.125 * 0.0) / 0.625)
    assert pooled.orientation[0, 2] == 0.5


def test_an_expert_that_abstains_on_a_direction_has_no_say_on_it() -> None:
    """An undirected CPDAG expert (orientation 1/2) either votes 1/2 or, with ``decided`` 0, abstains;
    the pair-wise recomputation a referee uses agrees with the pool."""
    orienting = pair_beliefs("lingam", 1.0, 1.0)
    blind = pair_beliefs("pc", 1.0, 0.5)
    w = ExpertWeights.uniform(["lingam", "pc"])
    assert Pool([orienting, blind], w).pooled().orientation[0, 1] == pytest.approx(0.75)
    decided = np.ones_like(blind.adjacency)
    decided[0, 1] = decided[1, 0] = 0.0
    abstaining = replace(blind, decided=decided)
    pool = Pool([orienting, abstaining], w)
    assert pool.pooled().orientation[0, 1] == pytest.approx(1.0)
    assert pool.pooled().adjacency[0, 1] == pytest.approx(1.0)  # it still sees the edge
    assert pool.pair(0, 1, [1.0, 1.0]) == pytest.approx((1.0, 1.0))
    assert pool.pair(0, 1, [0.0, 1.0]) == pytest.approx((1.0, 0.5))  # nobody with a say: undecided


def test_pair_recomputes_a_single_decision_under_new_weights() -> None:
    b = [pair_beliefs("a", 1.0, 1.0), pair_beliefs("b", 0.0, 0.5)]
    pool = Pool(b, ExpertWeights.uniform(["a", "b"]))
    assert pool.pair(0, 1, [0.0, 1.0]) == (0.0, 0.5)  # no expert sees it: no edge, whatever the weights
    assert pool.pair(0, 1, [3.0, 1.0])[0] == pytest.approx(0.75)
    with pytest.raises(InputError):
        pool.pair(0, 1, [0.0, 0.0])


def test_contested_marks_only_decisions_within_the_margin() -> None:
    b = [pair_beliefs("a", 1.0, 1.0), pair_beliefs("b", 0.1, 0.5)]
    pooled = Pool(b, ExpertWeights.uniform(["a", "b"])).pooled()  # adjacency 0.55, orientation ~0.95
    contested = find_contested(pooled, PoolSettings(0.5, 0.1))
    assert [(c.i, c.j, c.level) for c in contested] == [(0, 1, Level.ADJACENCY)]
    assert find_contested(pooled, PoolSettings(0.5, 0.01, referee_margin=0.01)) == []
    with pytest.raises(InputError, match="margin"):
        PoolSettings(0.5, 0.7)
    with pytest.raises(InputError, match="referee_share"):
        PoolSettings(referee_share=0.0)


def test_the_referee_sees_at_most_its_share_of_pairs_undecided_edges_first() -> None:
    """Ten variables (45 pairs, a 15 % share is 6): twenty uncertain pairs, of which two kept edges are
    undecided (orientation 1/2); the cap keeps the two undecided ones plus the four closest others, and
    each kept pair brings every decision it has within the band."""
    d = 10
    adj = np.zeros((d, d))
    orient = np.full((d, d), 0.5)
    pairs = [(i, j) for i in range(d) for j in range(i + 1, d)][:20]
    for k, (i, j) in enumerate(pairs):
        a = 0.52 + 0.01 * k  # all kept, distance 0.02 .. 0.21 from the threshold
        adj[i, j] = adj[j, i] = a
        o = 0.5 if k in (18, 19) else 0.95  # the two farthest pairs are undecided
        orient[i, j], orient[j, i] = o, 1 - o
    pooled = PooledBeliefs(adj, orient, np.full((d, d), 0.5), ExpertWeights.uniform(["x"]))
    got = find_contested(pooled, PoolSettings(0.5, 0.1))
    kept = sorted({(c.i, c.j) for c in got})
    assert len(kept) == 6
    assert set(kept) == {*pairs[:4], pairs[18], pairs[19]}
    undecided = [c for c in got if (c.i, c.j) == pairs[19]]
    assert {c.level for c in undecided} == {Level.ADJACENCY, Level.ORIENTATION}
    wide = find_contested(pooled, PoolSettings(0.5, 0.1, referee_share=1.0))
    assert len({(c.i, c.j) for c in wide}) == 20


def test_stability_rule() -> None:
    assert stability(pair_beliefs("a", 1.0, 1.0)) == 1.0
    assert stability(pair_beliefs("a", 0.5, 1.0)) == 0.0
    assert stability(pair_beliefs("a", 0.0, 1.0)) == 1.0


def test_heldout_gain_prefers_the_true_graph() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=2000)
    y = 2 * x + rng.normal(size=2000)
    z = rng.normal(size=2000)
    X = np.c_[x, y, z]
    true = EndpointGraph.from_dag(np.array([[0, 1, 0], [0, 0, 0], [0, 0, 0]]))
    wrong = EndpointGraph.from_dag(np.array([[0, 0, 1], [0, 0, 0], [0, 0, 0]]))
    g_true = heldout_gain(true, X[:1000], X[1000:], discrete=False)
    g_wrong = heldout_gain(wrong, X[:1000], X[1000:], discrete=False)
    assert g_true > 0.5 > abs(g_wrong)
    Xd = np.c_[(x > 0), (y > 0), (z > 0)].astype(float)
    assert heldout_gain(true, Xd[:1000], Xd[1000:], discrete=True) > heldout_gain(
        wrong, Xd[:1000], Xd[1000:], discrete=True
    )


def test_reliability_weights_rule() -> None:
    """Stable experts whose graphs predict held-out rows get weight; an empty-graph expert gets none."""
    from causal_ensemble.beliefs import beliefs_from_graphs
    from causal_ensemble.experts import PC, BootstrapResult, FitRecord, FitStatus, resample_indices
    from causal_ensemble.pooling import oob_pvalue_weights as reliability_weights

    rng = np.random.default_rng(1)
    n = 600
    x = rng.normal(size=n)
    X = np.c_[x, 2 * x + rng.normal(size=n), rng.normal(size=n)]
    resamples = resample_indices(n, 4, seed=0)
    true = EndpointGraph.from_dag(np.array([[0, 1, 0], [0, 0, 0], [0, 0, 0]]))
    empty = EndpointGraph.empty(3)

    def result(graphs: list[EndpointGraph]) -> BootstrapResult:
        recs = tuple(FitRecord("pc", b, FitStatus.OK, 0.0, g) for b, g in enumerate(graphs))
        return BootstrapResult(PC(), FitRecord("pc", -1, FitStatus.OK, 0.0, graphs[0]), recs)

    good, blind, flaky = result([true] * 4), result([empty] * 4), result([true, true, true, empty])
    beliefs = [beliefs_from_graphs(f"e{k}", r.resample_graphs) for k, r in enumerate((good, blind, flaky))]
    w = reliability_weights([good, blind, flaky], beliefs, X, resamples, discrete=False)
    assert w.values.sum() == pytest.approx(1.0)
    assert w.values[1] == 0.0  # no fit gain over the empty graph
    assert w.values[0] > w.values[2] > 0.0  # less stable, smaller held-out gain
    assert w.stability[0] == 1.0 and w.stability[2] == pytest.approx(0.25)
    assert w.fit_gain[0] > w.fit_gain[2] > 0.0


def test_fit_pvalues_rank_the_best_fitting_expert_first() -> None:
    """Paired out-of-bag gains: a consistently better expert gets p = 1, a consistently worse one ~0,
    and one that is behind by less than the resampling noise keeps a large p-value."""
    from causal_ensemble.pooling._weights import fit_pvalues

    noise = np.array([0.01, -0.02, 0.015, -0.005, 0.0])
    base = np.array([1.0, 1.3, 0.8, 1.1, 0.9])  # gains swing with the rows left out
    gains = np.stack([base, base - 0.2 + noise * 0.1, base + noise, base - 0.05])
    gains[3, 2] = np.nan  # a failed resample is skipped, not counted as a zero gain
    p = fit_pvalues(gains, np.array([True, True, True, False]))
    assert p[0] == 1.0
    assert p[1] < 1e-6
    assert p[2] > 0.5
    assert np.isnan(p[3])


def test_reliability_weights_put_a_clearly_better_expert_first() -> None:
    """A constructed case: the true chain, the chain with its middle edge missing, and a graph with a
    spurious edge instead; the true graph must carry most of the weight, the misspecified ones little."""
    from causal_ensemble.beliefs import beliefs_from_graphs
    from causal_ensemble.experts import PC, BootstrapResult, FitRecord, FitStatus, resample_indices
    from causal_ensemble.pooling import oob_pvalue_weights as reliability_weights

    rng = np.random.default_rng(3)
    n = 1000
    a = rng.normal(size=n)
    b = 0.8 * a + rng.normal(size=n)
    c = 0.8 * b + rng.normal(size=n)
    X = np.c_[a, b, c]
    resamples = resample_indices(n, 6, seed=1)
    chain = EndpointGraph.from_dag(np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]]))
    broken = EndpointGraph.from_dag(np.array([[0, 1, 0], [0, 0, 0], [0, 0, 0]]))
    wrong = EndpointGraph.from_dag(np.array([[0, 1, 1], [0, 0, 0], [0, 0, 0]]))

    def result(g: EndpointGraph) -> BootstrapResult:
        recs = tuple(FitRecord("pc", k, FitStatus.OK, 0.0, g) for k in range(6))
        return BootstrapResult(PC(), FitRecord("pc", -1, FitStatus.OK, 0.0, g), recs)

    runs = [result(broken), result(chain), result(wrong)]
    beliefs = [beliefs_from_graphs(f"e{k}", r.graphs) for k, r in enumerate(runs)]
    w = reliability_weights(runs, beliefs, X, resamples, discrete=False)
    assert int(np.argmax(w.values)) == 1
    assert w.values[1] > 0.9
    assert w.values.sum() == pytest.approx(1.0)
