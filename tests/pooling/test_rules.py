"""The weight rules' guarantees: wrong experts get little weight, copies share one say, no expert that
produced graphs gets exactly 0, the weights do not move with B, and the pool uses each level's weights."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pytest

from causal_ensemble.beliefs import ExpertBeliefs, beliefs_from_graphs
from causal_ensemble.experts import (
    BootstrapResult,
    EndpointGraph,
    FitRecord,
    FitStatus,
    make_panel,
    resample_indices,
    run_panel,
)
from causal_ensemble.pooling import (
    CorrectedFitRule,
    ExpertWeights,
    HeldOutWinsRule,
    LatentTruthRule,
    LookalikeRule,
    PanelData,
    Pool,
    UniformRule,
    WeightRule,
    default_rule,
    make_rule,
    reliability_weights,
)
from causal_ensemble.pooling._lookalike import consensus_dag, simulate

from ._fixtures import pair_beliefs

D = 7
TRUTH = np.zeros((D, D), dtype=bool)
for s, t in [(0, 1), (1, 2), (0, 3), (3, 4), (2, 5), (4, 5), (5, 6), (1, 6)]:
    TRUTH[s, t] = True


def _noisy(rng: np.random.Generator, flip: float, reverse: float) -> EndpointGraph:
    """The true DAG with each pair's adjacency flipped with probability ``flip`` and each kept edge
    reversed with probability ``reverse``, made acyclic by orienting along a random order when needed."""
    A = TRUTH.copy()
    for i in range(D):
        for j in range(i + 1, D):
            if rng.random() < flip:
                if A[i, j] or A[j, i]:
                    A[i, j] = A[j, i] = False
                else:
                    A[i, j] = True
    for i, j in zip(*np.nonzero(A), strict=True):
        if rng.random() < reverse:
            A[i, j], A[j, i] = False, True
    order = np.arange(D)
    pos = np.argsort(order)
    skel = A | A.T
    if not _acyclic(A):
        A = skel & (pos[:, None] < pos[None, :])
    return EndpointGraph.from_dag(A.astype(int))


def _acyclic(A: npt.NDArray[np.bool_]) -> bool:
    r = A.copy()
    for k in range(len(A)):
        r |= np.outer(r[:, k], r[k, :])
    return not np.diag(r).any()


def _result(name: str, graphs: list[EndpointGraph]) -> BootstrapResult:
    expert = make_panel([name])[0]
    recs = tuple(FitRecord(name, b, FitStatus.OK, 0.0, g) for b, g in enumerate(graphs))
    return BootstrapResult(expert, FitRecord(name, -1, FitStatus.OK, 0.0, graphs[0]), recs)


def _panel(spec: Mapping[str, tuple[float, float] | str], B: int = 10, seed: int = 0) -> PanelData:
    """Hand-made panel: expert name -> (flip, reverse) noise, or ``"wrong"`` (the complement of the true
    skeleton, every resample), or ``"copy:<name>"`` (the same graphs as that expert)."""
    rng = np.random.default_rng(seed)
    graphs: dict[str, list[EndpointGraph]] = {}
    for name, how in spec.items():
        if how == "wrong":
            comp = ~(TRUTH | TRUTH.T) & np.triu(np.ones((D, D), dtype=bool), 1)
            graphs[name] = [EndpointGraph.from_dag(comp.astype(int))] * B
        elif isinstance(how, str):
            graphs[name] = graphs[how.removeprefix("copy:")]
        else:
            graphs[name] = [_noisy(rng, *how) for _ in range(B)]
    results = [_result(n, g) for n, g in graphs.items()]
    beliefs: list[ExpertBeliefs | None] = [beliefs_from_graphs(r.name, r.graphs) for r in results]
    n = 500
    X = rng.normal(size=(n, D))
    for j in range(D):  # columns in topological order: the table follows the true DAG
        X[:, j] += X @ (0.8 * TRUTH[:, j])
    return PanelData(results, beliefs, X, resample_indices(n, B, seed), np.zeros(D, dtype=bool))


GOOD: dict[str, tuple[float, float] | str] = {
    "pc": (0.05, 0.1),
    "ges": (0.05, 0.1),
    "grasp": (0.08, 0.15),
    "directlingam": (0.1, 0.05),
}
TRUTH_RULES: list[WeightRule] = [
    default_rule(),
    LatentTruthRule(),
    LatentTruthRule(sharpness=1.0),
    HeldOutWinsRule(),
]


@pytest.mark.parametrize("rule", TRUTH_RULES, ids=lambda r: r.name[:20])
def test_an_always_wrong_expert_gets_little_weight_but_not_zero(rule: WeightRule) -> None:
    data = _panel({**GOOD, "notears": "wrong"})
    w = rule.weights(data)
    for level in ("adjacency", "orientation"):
        v = w.level(level)
        assert v.sum() == pytest.approx(1.0)
        assert 0.0 < v[-1] < 0.05, level
        assert np.all(v > 0.0)


@pytest.mark.parametrize("rule", TRUTH_RULES, ids=lambda r: r.name[:20])
def test_a_duplicated_expert_does_not_get_double_say(rule: WeightRule) -> None:
    """A copy under another name and family: the pair together weighs about what the original weighed."""
    base: dict[str, tuple[float, float] | str] = {"pc": (0.05, 0.1), "ges": (0.05, 0.1), "grasp": (0.2, 0.3)}
    alone = rule.weights(_panel(base))
    doubled = rule.weights(_panel({**base, "directlingam": "copy:grasp"}))
    for level in ("adjacency", "orientation"):
        a = alone.level(level)[2]
        pair = doubled.level(level)[2] + doubled.level(level)[3]
        assert pair < 1.25 * a, level
        assert doubled.level(level)[2] == pytest.approx(doubled.level(level)[3])


def test_held_out_wins_follow_the_expert_that_predicts_best_and_identical_graphs_share() -> None:
    """On a table drawn from the true DAG, an expert that returns the truth on every resample wins every
    resample against noisy experts; a second copy of it splits the wins evenly."""
    sharp = HeldOutWinsRule().weights(_panel({"pc": (0.0, 0.0), "ges": (0.3, 0.3), "grasp": (0.3, 0.3)}))
    assert sharp.values[0] > 0.9
    both = HeldOutWinsRule().weights(
        _panel({"pc": (0.0, 0.0), "ges": (0.3, 0.3), "grasp": (0.3, 0.3), "fci": "copy:pc"})
    )
    assert both.values[0] == pytest.approx(both.values[3])
    assert both.values[0] + both.values[3] > 0.9


def test_a_panel_the_budget_left_without_resamples_is_judged_on_folds_of_the_full_data_fits() -> None:
    """The budget can leave every expert only its full-data fit. Held-out evidence then scores each full
    graph on shared folds of the rows: the expert that returns the truth wins, where before every rule
    that reads rows fell back to uniform weights. With resample graphs the resamples are the evidence."""
    data = _panel({"pc": (0.0, 0.0), "ges": (0.3, 0.3), "grasp": (0.3, 0.3)})
    assert not data.judges_full_fits and len(data.judged_splits()) == len(data.resamples)
    results = [BootstrapResult(r.expert, r.full, ()) for r in data.results]  # full fits, no resample
    beliefs: list[ExpertBeliefs | None] = [beliefs_from_graphs(r.name, r.graphs) for r in results]
    cut = PanelData(results, beliefs, data.X, data.resamples, data.discrete_mask)
    assert cut.judges_full_fits
    splits = cut.judged_splits()
    assert len(splits) == 5 and all(len(s) == 400 for s in splits)  # 5 folds of 500 rows, each out once
    for rule in (HeldOutWinsRule(), CorrectedFitRule(), default_rule()):
        w = rule.weights(cut)
        assert w.values[0] == max(w.values) > 1.0 / 3.0, rule.name
    assert HeldOutWinsRule().weights(cut).values[0] > 0.6
    one_left = [results[0], *data.results[1:]]  # one expert without resamples: the resamples still judge
    mixed = PanelData(one_left, [beliefs[0], *data.beliefs[1:]], data.X, data.resamples, data.discrete_mask)
    assert not mixed.judges_full_fits


def test_on_a_discrete_table_orientation_weights_come_from_latent_truth_alone() -> None:
    """The default keeps its adjacency weights everywhere; on a wholly discrete table its orientation
    weights are latent truth's (held-out likelihood cannot see directions there), on a continuous one the
    mixture's; graph.json records the whole rule either way."""
    cont = _panel(GOOD)
    rng = np.random.default_rng(1)
    codes = rng.integers(0, 3, size=cont.X.shape).astype(np.float64)
    disc = PanelData(cont.results, cont.beliefs, codes, cont.resamples, np.ones(D, dtype=bool))
    rule = default_rule()
    mixture = rule.base  # type: ignore[attr-defined]
    latent = LatentTruthRule(sharpness=1.0)
    w = rule.weights(disc)
    np.testing.assert_allclose(w.values, mixture.weights(disc).values)
    np.testing.assert_allclose(w.orientation, latent.weights(disc).orientation, atol=1e-12)
    c = rule.weights(cont)
    np.testing.assert_allclose(c.orientation, mixture.weights(cont).orientation)
    assert w.rule == c.rule == rule.name and "discrete" in rule.name


def test_a_family_counts_as_one_say() -> None:
    """NOTEARS and DAGMA optimise the same loss: identical graphs, one family, shared weight."""
    base: dict[str, tuple[float, float] | str] = {
        "pc": (0.05, 0.1),
        "ges": (0.05, 0.1),
        "notears": (0.1, 0.1),
    }
    alone = LatentTruthRule().weights(_panel(base)).values[2]
    doubled = LatentTruthRule().weights(_panel({**base, "dagma": "copy:notears"})).values
    assert doubled[2] + doubled[3] < 1.25 * alone


@pytest.mark.parametrize(
    "name", ["uniform", "latent-truth", "corrected-fit", "held-out-wins", "cross-fit", "oob-rows"]
)
def test_no_expert_that_produced_graphs_gets_zero_and_failed_ones_do(name: str) -> None:
    data = _panel({**GOOD, "notears": "wrong"})
    beliefs = list(data.beliefs)
    beliefs[1] = None  # ges failed
    failed = PanelData(data.results, beliefs, data.X, data.resamples, data.discrete_mask)
    w = make_rule(name).weights(failed)
    for level in ("adjacency", "orientation", "ancestral"):
        v = w.level(level)
        assert v[1] == 0.0
        assert np.all(np.delete(v, 1) > 0.0), level
        assert v.sum() == pytest.approx(1.0)


def test_weights_do_not_move_with_the_number_of_resamples_on_real_fits() -> None:
    """Doubling B on one small linear-Gaussian table (real PC, GES and DirectLiNGAM fits) moves no weight
    of the default rule by more than 0.1 at any level."""
    rng = np.random.default_rng(5)
    n = 400
    a = rng.normal(size=n)
    b = 0.9 * a + rng.normal(size=n)
    c = 0.7 * b + rng.uniform(-1.5, 1.5, size=n)
    d = 0.8 * a - 0.6 * c + rng.normal(size=n)
    X = np.c_[a, b, c, d, rng.normal(size=n)]
    got = []
    for B in (4, 8):
        resamples = resample_indices(n, B, 0)
        runs = run_panel(make_panel(["pc", "ges", "directlingam"]), X, n_bootstrap=B, resamples=resamples)
        beliefs: list[ExpertBeliefs | None] = [beliefs_from_graphs(r.name, r.graphs) for r in runs]
        got.append(reliability_weights(runs, beliefs, X, resamples, discrete=False))
    for level in ("adjacency", "orientation"):
        assert np.abs(got[0].level(level) - got[1].level(level)).max() <= 0.1, level
    assert got[1].rule == default_rule().name


def test_the_pool_uses_each_levels_weights_and_a_referee_overrides_both() -> None:
    b = [pair_beliefs("pc", 1.0, 0.5), pair_beliefs("lingam", 0.5, 1.0)]
    ones = np.ones(2)
    w = ExpertWeights(
        ("pc", "lingam"), np.array([0.8, 0.2]), ones, ones, "test", orientation=np.array([0.1, 0.9])
    )
    pool = Pool(b, w)
    pooled = pool.pooled()
    assert pooled.adjacency[0, 1] == pytest.approx(0.8 * 1.0 + 0.2 * 0.5)
    # orientation weights (0.1, 0.9) times adjacency beliefs (1, 0.5): pc 0.1, lingam 0.45
    assert pooled.orientation[0, 1] == pytest.approx((0.1 * 0.5 + 0.45 * 1.0) / 0.55)
    adj, orient = pool.pair(0, 1, [1.0, 1.0])  # the referee's weights stand for both levels
    assert adj == pytest.approx(0.75)
    assert orient == pytest.approx((1.0 * 0.5 + 0.5 * 1.0) / 1.5)
    sub = w.subset([1])
    assert sub.values[0] == pytest.approx(1.0) and sub.orientation[0] == pytest.approx(1.0)


def test_weights_default_to_one_vector_for_every_level() -> None:
    w = ExpertWeights(("a", "b"), np.array([0.3, 0.7]), np.ones(2), np.ones(2), "test")
    assert np.array_equal(w.orientation, w.values) and np.array_equal(w.ancestral, w.values)
    assert UniformRule().weights(_panel(GOOD)).as_dict("orientation") == pytest.approx(
        {n: 0.25 for n in GOOD}
    )


def test_lookalike_tables_keep_the_data_scale_and_categories() -> None:
    rng = np.random.default_rng(2)
    n = 500
    x = rng.exponential(size=n) * 100.0
    y = np.sin(x / 30.0) * 5.0 + rng.normal(size=n)
    z = (y + rng.normal(size=n) > 0).astype(float) + (x > 100)
    X = np.c_[x, y, z]
    dag = np.zeros((3, 3), dtype=bool)
    dag[0, 1] = dag[1, 2] = dag[0, 2] = True
    Xs = simulate(X, dag, np.array([False, False, True]), n, np.random.default_rng(0))
    assert Xs[:, 0].std() == pytest.approx(X[:, 0].std(), rel=0.25)
    assert Xs[:, 1].std() == pytest.approx(X[:, 1].std(), rel=0.25)
    assert set(np.unique(Xs[:, 2])) <= set(np.unique(X[:, 2]))
    assert np.corrcoef(Xs[:, 0], Xs[:, 2])[0, 1] > 0.2


def test_lookalike_rule_scores_real_fits_and_floors_them() -> None:
    rng = np.random.default_rng(4)
    n = 400
    a = rng.uniform(-1, 1, size=n)
    b = a + 0.5 * rng.uniform(-1, 1, size=n)
    c = b + 0.5 * rng.uniform(-1, 1, size=n)
    X = np.c_[a, b, c]
    resamples = resample_indices(n, 3, 0)
    runs = run_panel(make_panel(["pc", "directlingam"]), X, n_bootstrap=3, resamples=resamples)
    beliefs: list[ExpertBeliefs | None] = [beliefs_from_graphs(r.name, r.graphs) for r in runs]
    data = PanelData(runs, beliefs, X, resamples, np.zeros(3, dtype=bool), seed=1)
    assert consensus_dag([b for b in beliefs if b is not None]).sum() >= 2
    w = LookalikeRule().weights(data)
    assert np.all(w.values > 0) and np.all(w.orientation > 0)
    assert w.values.sum() == pytest.approx(1.0)
    assert np.isfinite(w.evidence["lookalike_f1"]).all()


def test_corrected_fit_rule_is_floored() -> None:
    w = CorrectedFitRule().weights(_panel({**GOOD, "notears": "wrong"}))
    assert np.all(w.values > 0.0)
