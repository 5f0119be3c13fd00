"""The Gaussian score settles the colliders of the kept edges, prunes what it rejects, and leaves alone
what knowledge or the referee settled."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from causal_ensemble.assemble import (
    AssembledEdge,
    AssembledGraph,
    AssemblyAction,
    EdgeType,
    ScoreModel,
    SettledBy,
    orient_by_score,
    settle_by_score,
)
from causal_ensemble.assemble._score_orient import climb
from causal_ensemble.beliefs import ExpertBeliefs, equivalence_class
from causal_ensemble.experts import EndpointGraph, KnowledgeMasks
from causal_ensemble.pooling import ExpertWeights, PooledBeliefs

Pair = tuple[int, int]


def _linear(n: int, d: int, edges: dict[Pair, float], seed: int = 0) -> npt.NDArray[np.float64]:
    """A linear-Gaussian table over d columns, edges (source, target) -> coefficient, in index order."""
    rng = np.random.default_rng(seed)
    X = np.zeros((n, d))
    for j in range(d):
        X[:, j] = rng.normal(size=n)
        for (s, t), b in edges.items():
            if t == j:
                X[:, j] += b * X[:, s]
    return X


def _graph(
    d: int, directed: list[Pair], undirected: list[Pair], by: SettledBy = SettledBy.POOL
) -> AssembledGraph:
    edges = [AssembledEdge(s, t, EdgeType.DIRECTED, 0.6, 0.9, 0.66, by, 0.6) for s, t in directed]
    edges += [
        AssembledEdge(s, t, EdgeType.UNDIRECTED, 0.9, 0.9, None, SettledBy.POOL, 0.5) for s, t in undirected
    ]
    return AssembledGraph(d, tuple(edges), ())


def _pooled(d: int) -> PooledBeliefs:
    half = np.full((d, d), 0.5)
    return PooledBeliefs(np.full((d, d), 0.9), half, half.copy(), ExpertWeights.uniform(["x"]))


def _kinds(g: AssembledGraph) -> dict[Pair, tuple[EdgeType, SettledBy]]:
    return {(e.source, e.target): (e.type, e.settled_by) for e in g.edges}


def test_a_collider_the_pool_left_undirected_is_compelled_by_the_score() -> None:
    X = _linear(2000, 3, {(0, 2): 0.8, (1, 2): 0.8})
    g = orient_by_score(_graph(3, [], [(0, 2), (1, 2)]), _pooled(3), X, KnowledgeMasks.none(3))
    assert _kinds(g) == {
        (0, 2): (EdgeType.DIRECTED, SettledBy.SCORE),
        (1, 2): (EdgeType.DIRECTED, SettledBy.SCORE),
    }
    assert {d.action for d in g.decisions} == {AssemblyAction.ORIENTED}


def test_a_collider_the_data_reject_is_undone() -> None:
    # a chain 0 -> 1 -> 2 read by the pool as the collider 0 -> 1 <- 2: the class of the chain compels
    # nothing, so no collider may remain at 1
    X = _linear(2000, 3, {(0, 1): 0.8, (1, 2): 0.8})
    g = orient_by_score(_graph(3, [(0, 1), (2, 1)], []), _pooled(3), X, KnowledgeMasks.none(3))
    D = g.directed_matrix()
    assert not (D[0, 1] and D[2, 1])
    assert len(g.edges) == 2  # no edge lost: both are real


def test_an_edge_the_score_rejects_is_dropped_unless_required() -> None:
    # 0 -> 1 -> 2 and an independent column 3 that the pool tied to 2
    X = _linear(2000, 4, {(0, 1): 0.8, (1, 2): 0.8})
    graph = _graph(4, [(0, 1), (1, 2), (3, 2)], [])
    g = orient_by_score(graph, _pooled(4), X, KnowledgeMasks.none(4))
    assert (3, 2) not in _kinds(g) and (2, 3) not in _kinds(g)
    dropped = [d for d in g.decisions if d.action is AssemblyAction.DROPPED]
    assert [(d.source, d.target) for d in dropped] == [(3, 2)]
    assert "BIC" in dropped[0].reason
    kept = orient_by_score(graph, _pooled(4), X, KnowledgeMasks.none(4), prune=False)
    assert len(kept.edges) == 3
    masks = KnowledgeMasks.none(4)
    masks.required[3, 2] = True
    assert _kinds(orient_by_score(graph, _pooled(4), X, masks))[(3, 2)][0] is EdgeType.DIRECTED
    # a direction fixed by knowledge (a tier) does not protect the edge's existence; a referee's verdict does
    tiered = (
        *_graph(4, [(0, 1), (1, 2)], []).edges,
        AssembledEdge(3, 2, EdgeType.DIRECTED, 0.6, 0.9, 0.66, SettledBy.KNOWLEDGE, 0.6),
    )
    g = orient_by_score(AssembledGraph(4, tiered, ()), _pooled(4), X, KnowledgeMasks.none(4))
    assert (3, 2) not in _kinds(g)
    refereed = (
        *_graph(4, [(0, 1), (1, 2)], []).edges,
        AssembledEdge(3, 2, EdgeType.DIRECTED, 0.6, 0.9, 0.66, SettledBy.REFEREE, 0.6),
    )
    g = orient_by_score(AssembledGraph(4, refereed, ()), _pooled(4), X, KnowledgeMasks.none(4))
    assert _kinds(g)[(3, 2)] == (EdgeType.DIRECTED, SettledBy.REFEREE)


def test_knowledge_and_referee_directions_are_never_reversed() -> None:
    # the data say 0 -> 2 <- 1; knowledge (or a referee) said 2 -> 0
    X = _linear(2000, 3, {(0, 2): 0.8, (1, 2): 0.8})
    for by in (SettledBy.KNOWLEDGE, SettledBy.REFEREE):
        graph = AssembledGraph(
            3,
            (
                AssembledEdge(2, 0, EdgeType.DIRECTED, 0.9, 0.9, 1.0, by, 0.5),
                AssembledEdge(1, 2, EdgeType.UNDIRECTED, 0.9, 0.9, None, SettledBy.POOL, 0.5),
            ),
            (),
        )
        g = orient_by_score(graph, _pooled(3), X, KnowledgeMasks.none(3))
        assert _kinds(g)[(2, 0)] == (EdgeType.DIRECTED, by)


def test_a_forbidden_direction_is_never_produced() -> None:
    X = _linear(2000, 3, {(0, 2): 0.8, (1, 2): 0.8})
    masks = KnowledgeMasks.none(3)
    masks.forbidden[0, 2] = True
    g = orient_by_score(_graph(3, [], [(0, 2), (1, 2)]), _pooled(3), X, masks)
    assert not g.directed_matrix()[0, 2]


def test_the_climb_keeps_an_equivalent_start_and_stays_acyclic() -> None:
    X = _linear(1000, 4, {(0, 1): 0.7, (1, 2): 0.7, (2, 3): 0.7})
    chain = np.zeros((4, 4), dtype=bool)
    for s, t in ((3, 2), (2, 1), (1, 0)):  # the reversed chain: the same class, the same likelihood
        chain[s, t] = True
    out = climb(chain, X, chain.copy())
    assert np.array_equal(out, chain)
    rng = np.random.default_rng(1)
    for _ in range(5):
        order = rng.permutation(4)
        start = np.zeros((4, 4), dtype=bool)
        for a in range(4):
            for b in range(a + 1, 4):
                start[order[a], order[b]] = True
        D = climb(start, X, start.copy(), start.copy())
        reach = D.copy()
        for _ in range(4):
            reach = reach | (reach.astype(int) @ D.astype(int) > 0)
        assert not np.any(np.diag(reach))


def test_a_climb_past_its_deadline_returns_what_it_has() -> None:
    import time

    X = _linear(1000, 3, {(0, 2): 0.8, (1, 2): 0.8})
    start = np.zeros((3, 3), dtype=bool)
    start[0, 2] = start[2, 1] = True  # a chain; the data want the collider, one reversal away
    assert not np.array_equal(climb(start, X, start.copy()), start)
    assert np.array_equal(climb(start, X, start.copy(), deadline=time.monotonic() - 1.0), start)


def _dense(seed: int, d: int = 7) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """A dense linear-Gaussian DAG in index order and a table drawn from it."""
    rng = np.random.default_rng(seed)
    T = np.triu(rng.random((d, d)) < 0.6, 1)
    W = T * rng.uniform(0.5, 1.0, (d, d)) * rng.choice([-1.0, 1.0], (d, d))
    X = np.zeros((2000, d))
    for j in range(d):
        X[:, j] = X @ W[:, j] + rng.normal(size=2000)
    return T, X


def test_a_climb_stuck_in_the_pools_orientation_is_freed_by_an_experts_order() -> None:
    # every edge of a dense DAG reversed: reversals one at a time cannot leave that local optimum, a start
    # from the causal order an expert believes in can
    T, X = _dense(0)
    d = T.shape[0]
    reversed_edges = [(int(t), int(s)) for s, t in zip(*np.nonzero(T), strict=True)]
    graph = _graph(d, reversed_edges, [])
    masks = KnowledgeMasks.none(d)
    truth = equivalence_class(EndpointGraph.from_dag(T)).directed()
    alone = orient_by_score(graph, _pooled(d), X, masks, prune=False)
    assert not np.all(alone.directed_matrix()[truth])  # a compelled direction missed
    order = np.triu(np.ones((d, d)), 1)  # P(i before j) = 1 for i < j
    freed = orient_by_score(graph, _pooled(d), X, masks, orders=[order.T, order], prune=False)
    assert np.all(freed.directed_matrix()[truth])  # every compelled direction of the truth
    assert len(freed.edges) == int(T.sum())


def test_the_linear_non_gaussian_score_reverses_a_wrong_direction() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, 3000)
    y = 0.8 * x + rng.uniform(-1, 1, 3000)
    X = np.column_stack([x, y])
    graph = _graph(2, [(1, 0)], [])  # the pool's direction is the wrong one
    g = orient_by_score(graph, _pooled(2), X, KnowledgeMasks.none(2), model=ScoreModel.LINEAR_NON_GAUSSIAN)
    assert _kinds(g) == {(0, 1): (EdgeType.DIRECTED, SettledBy.SCORE)}
    assert [d.action for d in g.decisions] == [AssemblyAction.REVERSED]
    # under the Gaussian score the two directions tie, and the pool's stays
    kept = orient_by_score(graph, _pooled(2), X, KnowledgeMasks.none(2))
    assert _kinds(kept) == {(1, 0): (EdgeType.DIRECTED, SettledBy.POOL)}


def _nonlinear(n: int = 2000) -> npt.NDArray[np.float64]:
    """x -> y -> z with y = x^2 + noise and z = sin(2y) + noise, and an independent w."""
    rng = np.random.default_rng(2)
    x = rng.uniform(-2, 2, n)
    y = x**2 + 0.3 * rng.uniform(-1, 1, n)
    z = np.sin(2 * y) + 0.2 * rng.normal(size=n)
    return np.column_stack([x, y, z, rng.normal(size=n)])


def _expert(d: int, held: list[Pair]) -> ExpertBeliefs:
    A = np.zeros((d, d))
    for s, t in held:
        A[s, t] = A[t, s] = 0.8
    half = np.full((d, d), 0.5)
    return ExpertBeliefs("x", A, half, half.copy(), 10)


def test_a_nonlinear_table_is_settled_by_the_additive_noise_score() -> None:
    # no linear model fits y = x^2: the linear non-Gaussian step gives way to the additive-noise one,
    # which reverses the pool's wrong 1 -> 0
    X = _nonlinear()
    graph = _graph(4, [(1, 0), (1, 2)], [])
    g, model = settle_by_score(graph, _pooled(4), X, KnowledgeMasks.none(4), ScoreModel.LINEAR_NON_GAUSSIAN)
    assert model is ScoreModel.ADDITIVE
    assert set(_kinds(g)) == {(0, 1), (1, 2)}
    # unless the pool's most trusted expert is an additive-noise one, no score settles such a table
    kept, none = settle_by_score(
        graph, _pooled(4), X, KnowledgeMasks.none(4), ScoreModel.LINEAR_NON_GAUSSIAN, additive_leads=False
    )
    assert kept is graph and none is None


def test_the_additive_score_adds_only_an_edge_an_expert_holds() -> None:
    X = _nonlinear()
    graph = _graph(4, [(0, 1)], [])  # the pool missed 1 -> 2
    held = [_expert(4, [(0, 1), (1, 2), (2, 3)])]  # an expert holds 1 - 2 (true) and 2 - 3 (false)
    masks = KnowledgeMasks.none(4)
    g, _ = settle_by_score(graph, _pooled(4), X, masks, ScoreModel.LINEAR_NON_GAUSSIAN, beliefs=held)
    assert set(_kinds(g)) == {(0, 1), (1, 2)}
    added = [d for d in g.decisions if d.action is AssemblyAction.ADDED]
    assert [(d.source, d.target) for d in added] == [(1, 2)]
    assert _kinds(g)[(1, 2)] == (EdgeType.DIRECTED, SettledBy.SCORE)
    # without an expert's support nothing is added
    g, _ = settle_by_score(graph, _pooled(4), X, masks, ScoreModel.LINEAR_NON_GAUSSIAN)
    assert set(_kinds(g)) == {(0, 1)}


def test_a_linear_table_keeps_the_linear_non_gaussian_model() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, 3000)
    X = np.column_stack([x, 0.8 * x + rng.uniform(-1, 1, 3000)])
    g, model = settle_by_score(
        _graph(2, [(1, 0)], []), _pooled(2), X, KnowledgeMasks.none(2), ScoreModel.LINEAR_NON_GAUSSIAN
    )
    assert model is ScoreModel.LINEAR_NON_GAUSSIAN and set(_kinds(g)) == {(0, 1)}


def test_the_non_gaussian_score_adds_the_residuals_negentropy() -> None:
    from causal_ensemble.assemble._score_orient import _GaussianScore, _NonGaussianScore

    rng = np.random.default_rng(3)
    for noise, lo, hi in ((rng.normal(size=20000), -0.01, 0.01), (rng.uniform(-1, 1, 20000), 0.03, 0.3)):
        X = noise[:, None]
        gain = (_NonGaussianScore(X).local(0, ()) - _GaussianScore(X).local(0, ())) / len(X)
        assert lo < gain < hi  # about 0 for Gaussian noise; the uniform's negentropy is about 0.18 nats


def test_gaussian_residuals_send_the_linear_non_gaussian_step_back_to_the_gaussian_score() -> None:
    # a Gaussian table that reached the non-Gaussian model (a false alarm of the Gaussianity check):
    # the direction is not identified, and the pool's stays
    rng = np.random.default_rng(4)
    x = rng.normal(size=3000)
    X = np.column_stack([x, 0.8 * x + rng.normal(size=3000)])
    graph = _graph(2, [(1, 0)], [])
    g, model = settle_by_score(graph, _pooled(2), X, KnowledgeMasks.none(2), ScoreModel.LINEAR_NON_GAUSSIAN)
    assert model is ScoreModel.GAUSSIAN
    assert _kinds(g) == {(1, 0): (EdgeType.DIRECTED, SettledBy.POOL)}


def test_the_identifying_models_never_produce_a_forbidden_direction() -> None:
    # x -> y in truth, its direction forbidden by knowledge: neither model may turn the pool's y -> x
    rng = np.random.default_rng(5)
    x = rng.uniform(-1, 1, 3000)
    linear = np.column_stack([x, 0.8 * x + rng.uniform(-1, 1, 3000)])
    masks = KnowledgeMasks.none(2)
    masks.forbidden[0, 1] = True
    graph = _graph(2, [(1, 0)], [])
    g, _ = settle_by_score(graph, _pooled(2), linear, masks, ScoreModel.LINEAR_NON_GAUSSIAN)
    assert not g.directed_matrix()[0, 1]
    g = orient_by_score(graph, _pooled(2), linear, masks, model=ScoreModel.LINEAR_NON_GAUSSIAN)
    assert _kinds(g) == {(1, 0): (EdgeType.DIRECTED, SettledBy.POOL)}
    X = _nonlinear()
    masks4 = KnowledgeMasks.none(4)
    masks4.forbidden[0, 1] = True
    masks4.forbidden[1, 3] = masks4.forbidden[3, 1] = True
    held = [_expert(4, [(1, 3)])]  # an expert holds a pair knowledge forbids both ways: never added
    g, model = settle_by_score(
        _graph(4, [(1, 0)], []), _pooled(4), X, masks4, ScoreModel.LINEAR_NON_GAUSSIAN, beliefs=held
    )
    assert model is ScoreModel.ADDITIVE
    assert not g.directed_matrix()[0, 1] and set(_kinds(g)) <= {(1, 0)}


def _discrete_collider(n: int, seed: int = 0) -> npt.NDArray[np.float64]:
    """0 -> 2 <- 1 on binary columns (2 is a noisy OR of 0 and 1) and 3, a noisy copy of 2."""
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 2, n), rng.integers(0, 2, n)
    c = np.where(rng.random(n) < 0.9, a | b, 1 - (a | b))
    e = np.where(rng.random(n) < 0.85, c, 1 - c)
    return np.column_stack([a, b, c, e]).astype(float)


def test_the_bdeu_score_compels_a_discrete_collider_and_keeps_the_rest_open() -> None:
    X = _discrete_collider(3000)
    # the pool left the collider undirected and read 2 - 3 the wrong way: the class of the best DAG
    # compels 0 -> 2 <- 1 and 2 -> 3 (no new collider at 2)
    g = orient_by_score(
        _graph(4, [(3, 2)], [(0, 2), (1, 2)]), _pooled(4), X, KnowledgeMasks.none(4),
        model=ScoreModel.MULTINOMIAL,
    )  # fmt: skip
    assert {k: v[0] for k, v in _kinds(g).items()} == {
        (0, 2): EdgeType.DIRECTED, (1, 2): EdgeType.DIRECTED, (2, 3): EdgeType.DIRECTED,
    }  # fmt: skip
    assert all("BDeu" in d.reason for d in g.decisions)
    # a chain's class compels nothing: the pool's reversible direction stays, nothing is reversed for a tie
    chain = X[:, [0, 2, 3]]
    g = orient_by_score(
        _graph(3, [(2, 1)], [(0, 1)]), _pooled(3), chain, KnowledgeMasks.none(3), model=ScoreModel.MULTINOMIAL
    )
    D = g.directed_matrix()
    assert not (D[0, 1] and D[2, 1]) and len(g.edges) == 2


def test_the_bdeu_score_drops_a_discrete_edge_the_data_do_not_need() -> None:
    rng = np.random.default_rng(3)
    X = np.column_stack([_discrete_collider(3000)[:, [0, 1, 2]], rng.integers(0, 3, 3000)]).astype(float)
    graph = _graph(4, [(0, 2), (1, 2), (3, 2)], [])
    g = orient_by_score(graph, _pooled(4), X, KnowledgeMasks.none(4), model=ScoreModel.MULTINOMIAL)
    assert set(_kinds(g)) == {(0, 2), (1, 2)}
    dropped = [d for d in g.decisions if d.action is AssemblyAction.DROPPED]
    assert [(d.source, d.target) for d in dropped] == [(3, 2)] and "BDeu" in dropped[0].reason
    masks = KnowledgeMasks.none(4)
    masks.required[3, 2] = True
    assert (3, 2) in _kinds(orient_by_score(graph, _pooled(4), X, masks, model=ScoreModel.MULTINOMIAL))


def test_score_model_follows_the_column_kinds() -> None:
    from causal_ensemble.assemble import score_model
    from causal_ensemble.beliefs import OrientationScope

    assert score_model(OrientationScope.DAG, np.array([True, True])) is ScoreModel.MULTINOMIAL
    assert score_model(OrientationScope.DAG, np.array([True, False])) is None
    assert score_model(OrientationScope.CPDAG, np.array([False, False])) is ScoreModel.GAUSSIAN
    assert score_model(OrientationScope.DAG, np.array([False, False])) is ScoreModel.LINEAR_NON_GAUSSIAN
