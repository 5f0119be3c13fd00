"""Experts backed by causal-learn: PC, FCI (constraint-based), GES (score-based), GRaSP and BOSS
(permutation-based). causal-learn is the field's reference implementation of these, so we wrap rather
than rewrite them; the wrapper's job is to pick the test or score that fits the data kind, pass
background knowledge where the algorithm takes it, and translate its endpoint encoding honestly."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from causal_ensemble.experts._base import (
    DataKind,
    Expert,
    Family,
    FloatMatrix,
    KnowledgeMasks,
    check_choice,
    check_in_range,
    seeded_global_rng,
)
from causal_ensemble.experts._graph import EndpointGraph, Mark

# causal-learn stores at graph[a, b] the endpoint mark at a's end of the edge a-b.
_CL_TO_MARK = {0: Mark.NONE, -1: Mark.TAIL, 1: Mark.ARROW, 2: Mark.CIRCLE}

_CONTINUOUS_TESTS = ("fisherz",)
_DISCRETE_TESTS = ("chisq", "gsq")


def from_causallearn(graph: npt.NDArray[Any]) -> EndpointGraph:
    """Convert a causal-learn ``GeneralGraph.graph`` matrix into our endpoint marks."""
    cl = np.asarray(graph).astype(int)
    marks = np.zeros(cl.shape, dtype=np.int8)
    for code, mark in _CL_TO_MARK.items():
        marks[code == cl.T] = mark
    return EndpointGraph(marks)


def _background_knowledge(knowledge: KnowledgeMasks) -> Any:
    """causal-learn's BackgroundKnowledge over its default node names X1..Xd."""
    from causallearn.graph.GraphNode import GraphNode
    from causallearn.utils.PCUtils.BackgroundKnowledge import BackgroundKnowledge

    if knowledge.is_empty:
        return None
    d = knowledge.forbidden.shape[0]
    nodes = [GraphNode(f"X{i + 1}") for i in range(d)]
    bk = BackgroundKnowledge()
    for i, j in np.argwhere(knowledge.forbidden):
        bk.add_forbidden_by_node(nodes[i], nodes[j])
    for i, j in np.argwhere(knowledge.required):
        bk.add_required_by_node(nodes[i], nodes[j])
    return bk


def _ci_test(requested: str, kind: DataKind) -> str:
    if requested != "auto":
        return requested
    return "chisq" if kind is DataKind.DISCRETE else "fisherz"


def _check_test_fits(name: str, test: str, kind: DataKind) -> None:
    from causal_ensemble._errors import UnsupportedDataError

    if kind is DataKind.DISCRETE and test in _CONTINUOUS_TESTS:
        raise UnsupportedDataError(
            f"expert {name!r}: ci_test={test!r} needs continuous data; use chisq or gsq"
        )
    if kind is not DataKind.DISCRETE and test in _DISCRETE_TESTS:
        raise UnsupportedDataError(f"expert {name!r}: ci_test={test!r} needs discrete data; use fisherz")


def _causallearn_test(test: str) -> str:
    """The name causal-learn should run for ``test``: our faster Fisher-z, chi-square and G-square tests
    (same p-values, see ._fisherz and ._chisq) stand in for its own."""
    if test == "fisherz":
        from causal_ensemble.experts._fisherz import FAST_FISHERZ

        return FAST_FISHERZ
    if test in ("chisq", "gsq"):
        from causal_ensemble.experts._chisq import FAST_CHISQ, FAST_GSQ

        return FAST_CHISQ if test == "chisq" else FAST_GSQ
    return test


def _as_codes(X: FloatMatrix, kind: DataKind) -> npt.NDArray[Any]:
    return X.astype(np.int64) if kind is DataKind.DISCRETE else X


class PC(Expert):
    """PC (Spirtes & Glymour): CI tests prune a complete graph, then v-structures and Meek rules orient."""

    name: ClassVar[str] = "pc"
    family = Family.CONSTRAINT
    assumptions = (
        "causal sufficiency (no hidden confounders)",
        "faithfulness",
        "the CI test fits the data: Fisher-z assumes linear-Gaussian, chi-square needs enough rows per cell",
    )
    supports = frozenset({DataKind.CONTINUOUS, DataKind.DISCRETE, DataKind.MIXED})
    native_knowledge = True

    def __init__(
        self, alpha: float = 0.05, ci_test: str = "auto", stable: bool = True, random_state: int | None = None
    ) -> None:
        self.alpha = alpha
        self.ci_test = ci_test
        self.stable = stable
        self.random_state = random_state

    def _fit(
        self, X: FloatMatrix, discrete: npt.NDArray[np.bool_], kind: DataKind, knowledge: KnowledgeMasks
    ) -> EndpointGraph:
        from causal_ensemble.experts._skeleton import pc_search

        check_in_range("alpha", self.alpha, 1e-12, 0.5, expert=self.name)
        check_choice(
            "ci_test", self.ci_test, ("auto", *_CONTINUOUS_TESTS, *_DISCRETE_TESTS), expert=self.name
        )
        test = _ci_test(self.ci_test, kind)
        _check_test_fits(self.name, test, kind)
        # causallearn's pc(X, alpha, indep_test, stable, background_knowledge), step for step
        cg = pc_search(
            _as_codes(X, kind),
            alpha=self.alpha,
            indep_test=_causallearn_test(test),
            stable=self.stable,
            background_knowledge=_background_knowledge(knowledge),
        )
        return from_causallearn(cg.G.graph)


class FCI(Expert):
    """FCI: like PC but allows hidden confounders, so it returns a PAG with circle and bidirected marks."""

    name: ClassVar[str] = "fci"
    family = Family.CONSTRAINT
    assumptions = (
        "faithfulness",
        "allows hidden confounders and selection bias (output is a PAG)",
        "the CI test fits the data: Fisher-z assumes linear-Gaussian, chi-square needs enough rows per cell",
    )
    supports = frozenset({DataKind.CONTINUOUS, DataKind.DISCRETE, DataKind.MIXED})
    native_knowledge = True

    def __init__(
        self, alpha: float = 0.05, ci_test: str = "auto", depth: int = -1, random_state: int | None = None
    ) -> None:
        self.alpha = alpha
        self.ci_test = ci_test
        self.depth = depth
        self.random_state = random_state

    def _fit(
        self, X: FloatMatrix, discrete: npt.NDArray[np.bool_], kind: DataKind, knowledge: KnowledgeMasks
    ) -> EndpointGraph:
        from causallearn.search.ConstraintBased.FCI import fci

        check_in_range("alpha", self.alpha, 1e-12, 0.5, expert=self.name)
        check_choice(
            "ci_test", self.ci_test, ("auto", *_CONTINUOUS_TESTS, *_DISCRETE_TESTS), expert=self.name
        )
        test = _ci_test(self.ci_test, kind)
        _check_test_fits(self.name, test, kind)
        g, _ = fci(
            _as_codes(X, kind),
            independence_test_method=_causallearn_test(test),
            alpha=self.alpha,
            depth=self.depth,
            background_knowledge=_background_knowledge(knowledge),
            show_progress=False,
            verbose=False,
        )
        return from_causallearn(g.graph)


def _score(requested: str, kind: DataKind, *, bic: str) -> str:
    if requested == "auto":
        return "local_score_BDeu" if kind is DataKind.DISCRETE else bic
    return requested


_SCORES = ("auto", "local_score_BIC", "local_score_BIC_from_cov", "local_score_BDeu")

# The BIC penalty causal-learn's drivers default to: 0.5 (standard BIC) in GES, 2 in GRaSP and BOSS.
_GES_BIC_LAMBDA = 0.5
_PERMUTATION_BIC_LAMBDA = 2.0


def _local_score(score: str, data: npt.NDArray[Any], *, bic_lambda: float) -> Any:
    """The score object causal-learn's driver would build for ``score`` (both BIC names run
    ``local_score_BIC_from_cov`` there), as one of our faster equivalents (see ._scores)."""
    from causal_ensemble.experts._scores import BDeuScore, BICCovScore

    if score == "local_score_BDeu":
        return BDeuScore(data)
    return BICCovScore(data, bic_lambda)


def _check_score_fits(name: str, score: str, kind: DataKind) -> None:
    from causal_ensemble._errors import UnsupportedDataError

    if kind is not DataKind.DISCRETE and score == "local_score_BDeu":
        raise UnsupportedDataError(f"expert {name!r}: the BDeu score needs discrete data; use a BIC score")
    if kind is DataKind.DISCRETE and score != "local_score_BDeu":
        raise UnsupportedDataError(f"expert {name!r}: {score} assumes continuous data; use local_score_BDeu")


class GES(Expert):
    """GES (Chickering 2002): greedy forward/backward search over equivalence classes of a
    decomposable score."""

    name: ClassVar[str] = "ges"
    family = Family.SCORE
    assumptions = (
        "causal sufficiency (no hidden confounders)",
        "the score fits the data: BIC assumes linear-Gaussian, BDeu assumes multinomial",
        "output is a CPDAG: directions within an equivalence class stay undecided",
    )
    supports = frozenset({DataKind.CONTINUOUS, DataKind.DISCRETE, DataKind.MIXED})

    def __init__(self, score: str = "auto", max_parents: int | None = None, random_state: int | None = None):
        self.score = score
        self.max_parents = max_parents
        self.random_state = random_state

    def _fit(
        self, X: FloatMatrix, discrete: npt.NDArray[np.bool_], kind: DataKind, knowledge: KnowledgeMasks
    ) -> EndpointGraph:
        from causal_ensemble.experts._search import ges_search

        check_choice("score", self.score, _SCORES, expert=self.name)
        score = _score(self.score, kind, bic="local_score_BIC_from_cov")
        _check_score_fits(self.name, score, kind)
        # causallearn's ges(X, score_func=score, maxP=max_parents), step for step (see ._search)
        local = _local_score(score, _as_codes(X, kind), bic_lambda=_GES_BIC_LAMBDA)
        return from_causallearn(ges_search(local, X.shape[1], self.max_parents))


class _Permutation(Expert):
    """Shared fitting of causal-learn's permutation searches, which shuffle with global ``random``.

    :func:`seeded_global_rng` makes them reproducible and, because threads share that state, runs one
    such search at a time per process: a Dask worker with several threads gives the graphs a local run
    gives, at the cost of GRaSP and BOSS fits not overlapping inside one worker process.
    """

    family = Family.PERMUTATION
    assumptions = (
        "causal sufficiency (no hidden confounders)",
        "the score fits the data: BIC assumes linear-Gaussian, BDeu assumes multinomial",
        "sparsest-permutation faithfulness (weaker than faithfulness)",
        "output is a CPDAG: directions within an equivalence class stay undecided",
    )
    supports = frozenset({DataKind.CONTINUOUS, DataKind.DISCRETE, DataKind.MIXED})
    score: str

    def _search(self, score: Any, n_features: int) -> npt.NDArray[np.int64]:
        raise NotImplementedError

    def _fit(
        self, X: FloatMatrix, discrete: npt.NDArray[np.bool_], kind: DataKind, knowledge: KnowledgeMasks
    ) -> EndpointGraph:
        check_choice("score", self.score, _SCORES, expert=self.name)
        score = _score(self.score, kind, bic="local_score_BIC_from_cov")
        _check_score_fits(self.name, score, kind)
        local = _local_score(score, _as_codes(X, kind), bic_lambda=_PERMUTATION_BIC_LAMBDA)
        with seeded_global_rng(self.random_state):
            graph = self._search(local, X.shape[1])
        return from_causallearn(graph)


class GRaSP(_Permutation):
    """GRaSP (Lam, Andrews & Ramsey 2022): greedy relaxations of the sparsest permutation."""

    name: ClassVar[str] = "grasp"

    def __init__(self, score: str = "auto", depth: int = 3, random_state: int | None = None) -> None:
        self.score = score
        self.depth = depth
        self.random_state = random_state

    def _search(self, score: Any, n_features: int) -> npt.NDArray[np.int64]:
        from causal_ensemble.experts._search import grasp_search

        # causallearn's grasp(X, score_func=score, depth=depth), step for step (see ._search)
        return grasp_search(score, n_features, depth=self.depth)


class BOSS(_Permutation):
    """BOSS (Andrews et al. 2023): best order score search, a faster relative of GRaSP."""

    name: ClassVar[str] = "boss"

    def __init__(self, score: str = "auto", random_state: int | None = None) -> None:
        self.score = score
        self.random_state = random_state

    def _search(self, score: Any, n_features: int) -> npt.NDArray[np.int64]:
        from causal_ensemble.experts._search import boss_search

        # causallearn's boss(X, score_func=score), step for step (see ._search)
        return boss_search(score, n_features)
