"""The faster score-based searches give exactly causal-learn's graphs (and lingam's, for DirectLiNGAM).

GES, GRaSP and BOSS run causal-learn's algorithms through our drivers (:mod:`._search`) on our scores
(:mod:`._scores`), and DirectLiNGAM through a subclass whose causal-order search does each pair once.
Each is compared with the plain library call on the same input: the scores to the last bit, the graph
conversions on random graphs, and the experts' graphs mark for mark.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from causallearn.graph.GeneralGraph import GeneralGraph
from causallearn.graph.GraphNode import GraphNode
from causallearn.score.LocalScoreFunction import local_score_BDeu, local_score_BIC_from_cov
from causallearn.search.PermutationBased.BOSS import boss
from causallearn.search.PermutationBased.GRaSP import grasp
from causallearn.search.ScoreBased.GES import ges
from causallearn.utils.DAG2CPDAG import dag2cpdag
from causallearn.utils.PDAG2DAG import pdag2dag

from causal_ensemble.data import from_frame
from causal_ensemble.data.datasets import load_dataset
from causal_ensemble.experts import _scores as scores
from causal_ensemble.experts import make_expert
from causal_ensemble.experts._base import seeded_global_rng
from causal_ensemble.experts._causallearn import from_causallearn
from causal_ensemble.experts._scores import BDeuScore, BICCovScore
from causal_ensemble.experts._search import _reachable, dag_to_cpdag, pdag_to_dag

IntMatrix = npt.NDArray[np.int64]


def _continuous(seed: int, d: int = 10, n: int = 500) -> npt.NDArray[np.float64]:
    data = load_dataset(f"synth-linear-gaussian-er-d{d}", n=n, seed=seed)
    return np.asarray(from_frame(data.frame).values, dtype=np.float64)


def _discrete(n: int = 300, d: int = 8, seed: int = 0) -> npt.NDArray[np.float64]:
    """The first ``d`` columns of bnlearn child: 2-6 levels each."""
    return np.asarray(from_frame(load_dataset("bn-child", n=n, seed=seed).frame).values[:, :d])


def _parent_lists(d: int, rng: np.random.Generator, count: int) -> list[tuple[int, list[int]]]:
    out = []
    for _ in range(count):
        i = int(rng.integers(d))
        k = int(rng.integers(0, 5))
        others = [v for v in range(d) if v != i]
        out.append((i, [int(v) for v in rng.permutation(others)[:k]]))  # unsorted, as GST passes them
    return out


# --- scores ------------------------------------------------------------------------------------------


def test_bdeu_equals_causallearn_to_the_last_bit() -> None:
    X = _discrete(n=250, d=10).astype(np.int64)
    ours = BDeuScore(X)
    rng = np.random.default_rng(0)
    for i, parents in _parent_lists(X.shape[1], rng, 60):
        expected = local_score_BDeu(X, i, parents, None)
        assert ours.score_nocache(i, parents) == expected, (i, parents)
        assert ours.score_nocache(i, parents) == expected  # the memoised answer too
    # score() caches under the sorted parents and computes with the first order it sees, as causal-learn
    assert ours.score(3, [5, 1]) == local_score_BDeu(X, 3, [5, 1], None)
    assert ours.score(3, [1, 5]) == ours.score(3, [5, 1])


def test_bdeu_on_codes_with_gaps_and_many_configurations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Codes that skip values (a resample missing a category) and the row-wise fallback for parent sets
    whose configurations would not fit a mixed-radix int64 code."""
    rng = np.random.default_rng(3)
    X = rng.integers(0, 4, size=(200, 6)) * 3  # values 0, 3, 6, 9
    X[:, 2] = rng.integers(0, 2, size=200) + 7
    ours = BDeuScore(X)
    cases = [(0, [1, 2]), (2, [0]), (5, [4, 3, 1]), (1, [])]
    for i, parents in cases:
        assert ours.score_nocache(i, parents) == local_score_BDeu(X, i, parents, None)
    monkeypatch.setattr(scores, "_MAX_RADIX_CODE", 1)
    fallback = BDeuScore(X)
    for i, parents in cases:
        assert fallback.score_nocache(i, parents) == local_score_BDeu(X, i, parents, None)


@pytest.mark.parametrize("lambda_value", [0.5, 2.0])
def test_bic_from_cov_equals_causallearn_to_the_last_bit(lambda_value: float) -> None:
    X = _continuous(seed=1)
    ours = BICCovScore(X, lambda_value)
    cov = np.cov(X.T, ddof=0)
    rng = np.random.default_rng(1)
    for i, parents in _parent_lists(X.shape[1], rng, 80):
        expected = local_score_BIC_from_cov((cov, len(X)), i, parents, {"lambda_value": lambda_value})
        assert ours.score_nocache(i, parents) == expected, (i, parents)


def test_bic_on_collinear_columns_takes_causallearns_fallback() -> None:
    """A singular parent covariance: causal-learn's inv raises and it uses pinv; so must we."""
    X = _continuous(seed=1, d=10, n=300)
    X[:, 3] = X[:, 2]  # an exact copy
    X[:, 5] = 2.0 * X[:, 4] - X[:, 1]
    ours = BICCovScore(X, 0.5)
    cov = np.cov(X.T, ddof=0)
    with np.errstate(invalid="ignore"):
        for i, parents in ((0, [2, 3]), (6, [1, 4, 5]), (7, [3, 9, 2, 8]), (2, [3])):
            expected = local_score_BIC_from_cov((cov, len(X)), i, parents, {"lambda_value": 0.5})
            assert ours.score_nocache(i, parents) == expected, (i, parents)


def test_bic_without_the_gufunc_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    X = _continuous(seed=3)
    fast = BICCovScore(X, 2.0)
    monkeypatch.setattr(scores, "_GUFUNC_INV", None)
    plain = BICCovScore(X, 2.0)
    for i, parents in _parent_lists(X.shape[1], np.random.default_rng(2), 40):
        assert fast.score_nocache(i, parents) == plain.score_nocache(i, parents)


# --- graph conversions -------------------------------------------------------------------------------


def _random_dag(d: int, p: float, rng: np.random.Generator) -> IntMatrix:
    order = rng.permutation(d)
    D = np.zeros((d, d), dtype=np.int64)
    for a, b in itertools.combinations(range(d), 2):
        if rng.random() < p:
            x, y = int(order[a]), int(order[b])  # x -> y
            D[y, x], D[x, y] = 1, -1
    return D


def _general_graph(M: IntMatrix) -> GeneralGraph:
    g = GeneralGraph([GraphNode(f"X{i + 1}") for i in range(M.shape[0])])
    g.graph = M.copy()
    return g


def test_dag_to_cpdag_matches_causallearn_on_random_dags() -> None:
    rng = np.random.default_rng(5)
    for trial in range(40):
        d = int(rng.integers(2, 12))
        D = _random_dag(d, float(rng.uniform(0.1, 0.7)), rng)
        expected = dag2cpdag(_general_graph(D)).graph
        np.testing.assert_array_equal(dag_to_cpdag(D), expected, err_msg=f"trial {trial}")


def test_pdag_to_dag_matches_causallearn_on_cpdags_and_pdags() -> None:
    rng = np.random.default_rng(6)
    for trial in range(40):
        d = int(rng.integers(2, 12))
        P = dag2cpdag(_general_graph(_random_dag(d, float(rng.uniform(0.1, 0.7)), rng))).graph
        expected = pdag2dag(_general_graph(P)).graph
        np.testing.assert_array_equal(pdag_to_dag(P), expected, err_msg=f"trial {trial}")


def test_a_cyclic_dag_is_refused_like_causallearn() -> None:
    D = np.zeros((3, 3), dtype=np.int64)
    for x, y in ((0, 1), (1, 2), (2, 0)):
        D[y, x], D[x, y] = 1, -1
    with pytest.raises(ValueError, match="acyclic"):
        dag2cpdag(_general_graph(D))
    with pytest.raises(ValueError, match="acyclic"):
        dag_to_cpdag(D)


# --- the experts against the plain library calls -----------------------------------------------------


def _plain(name: str, X: Any, score: str, seed: int) -> IntMatrix:
    with seeded_global_rng(seed):
        if name == "ges":
            return np.asarray(ges(X, score_func=score)["G"].graph)
        if name == "grasp":
            return np.asarray(grasp(X, score_func=score, depth=3, verbose=False).graph)
        return np.asarray(boss(X, score_func=score, verbose=False).graph)


@pytest.mark.parametrize("name", ["ges", "grasp", "boss"])
@pytest.mark.parametrize("seed", [0, 1])
def test_continuous_graphs_match_causallearn(name: str, seed: int) -> None:
    X = _continuous(seed=seed, d=12, n=600)
    expert = make_expert(name, random_state=seed + 10).fit(X)
    expected = from_causallearn(_plain(name, X, "local_score_BIC_from_cov", seed + 10))
    np.testing.assert_array_equal(expert.graph_.marks, expected.marks)


@pytest.mark.parametrize("name", ["ges", "grasp", "boss"])
def test_discrete_graphs_match_causallearn(name: str) -> None:
    X = _discrete()
    expert = make_expert(name, random_state=4).fit(X, discrete=np.ones(X.shape[1], dtype=bool))
    expected = from_causallearn(_plain(name, X.astype(np.int64), "local_score_BDeu", 4))
    np.testing.assert_array_equal(expert.graph_.marks, expected.marks)


def test_ges_matches_causallearn_where_its_search_goes_dense() -> None:
    """linear-Gaussian ER d = 10, n = 1000, seed 1: causal-learn's GES ends at 30 edges for 19 true ones,
    so the forward search meets many semi-directed paths (the cached reachability must answer as the
    path search it replaced)."""
    X = _continuous(seed=1, d=10, n=1000)
    expert = make_expert("ges").fit(X)
    expected = from_causallearn(_plain("ges", X, "local_score_BIC_from_cov", 0))
    assert (expected.adjacency().sum() // 2) > 25
    np.testing.assert_array_equal(expert.graph_.marks, expected.marks)


def test_blocked_reachability_answers_as_a_path_search() -> None:
    """``_reachable(succ, s, blocked)`` contains ``t`` exactly when a path s -> ... -> t exists whose inner
    nodes avoid ``blocked`` (random sparse digraphs, every start, target and small blocked set)."""
    rng = np.random.default_rng(3)

    def path(succ: dict[int, set[int]], s: int, t: int, blocked: set[int]) -> bool:
        seen, stack = {s}, [s]
        while stack:
            v = stack.pop()
            for w in succ.get(v, ()):
                if w == t:
                    return True
                if w not in seen and w not in blocked:
                    seen.add(w)
                    stack.append(w)
        return False

    for _ in range(30):
        d = 8
        succ = {v: {int(w) for w in np.flatnonzero(rng.random(d) < 0.2) if w != v} for v in range(d)}
        for s in range(d):
            blocked = {int(b) for b in rng.choice(d, size=2, replace=False) if b != s}
            got = _reachable(succ, s, frozenset(blocked))
            for t in range(d):
                if t != s and t not in blocked:
                    assert (t in got) == path(succ, s, t, blocked)


def test_ges_max_parents_matches_causallearn() -> None:
    X = _continuous(seed=2, d=12, n=600)
    expert = make_expert("ges", max_parents=1).fit(X)
    expected = from_causallearn(ges(X, score_func="local_score_BIC_from_cov", maxP=1)["G"].graph)
    np.testing.assert_array_equal(expert.graph_.marks, expected.marks)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["ges", "grasp", "boss"])
def test_full_child_subsample_matches_causallearn(name: str) -> None:
    """The real workload: bnlearn child, 1264 rows, d = 20 (causal-learn needs 10-50 s per fit)."""
    X = np.asarray(from_frame(load_dataset("bn-child", n=1264, seed=0).frame).values)
    expert = make_expert(name, random_state=7).fit(X, discrete=np.ones(X.shape[1], dtype=bool))
    expected = from_causallearn(_plain(name, X.astype(np.int64), "local_score_BDeu", 7))
    np.testing.assert_array_equal(expert.graph_.marks, expected.marks)


# --- DirectLiNGAM ------------------------------------------------------------------------------------


def _lingam_data(seed: int) -> npt.NDArray[np.float64]:
    data = load_dataset("synth-linear-nongaussian-er-d12", n=600, seed=seed)
    return np.asarray(from_frame(data.frame).values, dtype=np.float64)


@pytest.mark.parametrize("seed", [0, 1])
def test_direct_lingam_order_and_graph_match_lingam(seed: int) -> None:
    import lingam

    from causal_ensemble.experts._lingam import _fast_direct_lingam_class

    X = _lingam_data(seed)
    plain = lingam.DirectLiNGAM(random_state=seed).fit(X)
    fast = _fast_direct_lingam_class()(random_state=seed).fit(X)
    assert fast.causal_order_ == plain.causal_order_
    np.testing.assert_array_equal(fast.adjacency_matrix_, plain.adjacency_matrix_)


def test_direct_lingam_with_prior_knowledge_matches_lingam() -> None:
    import lingam

    from causal_ensemble.experts._lingam import _fast_direct_lingam_class

    X = _lingam_data(2)
    pk = -np.ones((12, 12), dtype=np.int64)
    pk[0, 5] = pk[3, 7] = 0  # no path 5 -> 0, 7 -> 3
    for soft in (False, True):
        kw: dict[str, Any] = {"random_state": 0, "prior_knowledge": pk, "apply_prior_knowledge_softly": soft}
        plain = lingam.DirectLiNGAM(**kw).fit(X)
        fast = _fast_direct_lingam_class()(**kw).fit(X)
        assert fast.causal_order_ == plain.causal_order_
        np.testing.assert_array_equal(fast.adjacency_matrix_, plain.adjacency_matrix_)
