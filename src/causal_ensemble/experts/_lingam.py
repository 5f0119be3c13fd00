"""DirectLiNGAM via the ``lingam`` package, the reference implementation by the method's authors."""

from __future__ import annotations

import functools
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from causal_ensemble.experts._base import DataKind, Expert, Family, FloatMatrix, KnowledgeMasks, check_choice
from causal_ensemble.experts._graph import EndpointGraph


class DirectLiNGAM(Expert):
    """DirectLiNGAM (Shimizu et al. 2011): identifies a full DAG when mechanisms are linear and noise is
    non-Gaussian; on Gaussian noise its orientations are unreliable, which a referee should know.

    Unlike the least-squares experts it needs no standardising here: ``lingam`` (1.13) z-scores each pair
    before its entropy-based ordering measure (and the whole table for ``measure='kernel'``), residuals
    are scale-equivariant, and its adaptive-lasso pruning runs on standardised columns, so units cannot
    change the graph (``tests/experts/test_scale_invariance.py`` checks it).
    """

    name: ClassVar[str] = "directlingam"
    family = Family.FUNCTIONAL
    assumptions = (
        "linear mechanisms",
        "non-Gaussian, independent noise (orientation is unidentifiable under Gaussian noise)",
        "causal sufficiency (no hidden confounders)",
    )
    supports = frozenset({DataKind.CONTINUOUS})
    native_knowledge = True

    def __init__(self, measure: str = "pwling", random_state: int | None = None) -> None:
        self.measure = measure
        self.random_state = random_state

    def _fit(
        self, X: FloatMatrix, discrete: npt.NDArray[np.bool_], kind: DataKind, knowledge: KnowledgeMasks
    ) -> EndpointGraph:
        check_choice("measure", self.measure, ("pwling", "kernel"), expert=self.name)
        prior = _prior_knowledge(knowledge)
        model = _fast_direct_lingam_class()(
            random_state=self.random_state, prior_knowledge=prior, measure=self.measure
        )
        model.fit(X)
        # lingam's B[i, j] != 0 means j -> i.
        b = np.asarray(model.adjacency_matrix_)
        return EndpointGraph.from_dag(b.T != 0)


def _prior_knowledge(knowledge: KnowledgeMasks) -> npt.NDArray[np.int64] | None:
    """lingam's prior knowledge speaks of *paths* (``pk[i, j] = 0``: no path j -> i), so only the
    path constraints implied by tiers go in; single forbidden edges are enforced after fitting."""
    if knowledge.no_path is None or not knowledge.no_path.any():
        return None
    d = knowledge.no_path.shape[0]
    pk = -np.ones((d, d), dtype=np.int64)
    pk[knowledge.no_path.T] = 0
    np.fill_diagonal(pk, -1)
    return pk


@functools.cache
def _fast_direct_lingam_class() -> type[Any]:
    """``lingam.DirectLiNGAM`` with a causal-order search that does each pair's work once.

    lingam's pairwise measure (``measure='pwling'``) visits every ordered pair (i, j) of the remaining
    variables and, for each, standardises both columns, regresses each on the other and takes four
    entropies. Both the standardised columns and their entropies are the same for every pair, and the
    pair (j, i) needs the very residuals and entropies that (i, j) computed, its difference of mutual
    informations being ``B - A`` where (i, j)'s is ``A - B``. Computing each of them once, with lingam's
    own methods on the same arrays, gives the same floating-point numbers, so the same causal order.
    When prior knowledge gives lingam's search a non-empty ``Vj`` (variables whose residuals it replaces
    by the raw column), the pairs are no longer symmetric and lingam's own search runs.
    """
    import lingam

    class FastDirectLiNGAM(lingam.DirectLiNGAM):  # type: ignore[misc]  # lingam is untyped
        def _search_causal_order(self, X: Any, U: Any) -> Any:
            Uc, Vj = self._search_candidate(U)
            if len(Uc) == 1:
                return Uc[0]
            if len(Vj) > 0:
                return super()._search_causal_order(X, U)
            std: dict[int, Any] = {}
            entropy: dict[int, Any] = {}
            for k in U:
                xs = (X[:, k] - np.mean(X[:, k])) / np.std(X[:, k])
                std[int(k)] = xs
                entropy[int(k)] = self._entropy(xs)
            # (a, b) -> (A, B) with lingam's _diff_mutual_info(a, b) = A - B, computed once per pair
            halves: dict[tuple[int, int], tuple[Any, Any]] = {}

            def diff(i: int, j: int) -> Any:
                if (j, i) in halves:
                    a, b = halves[(j, i)]
                    return b - a
                if (i, j) not in halves:
                    ri_j = self._residual(std[i], std[j])
                    rj_i = self._residual(std[j], std[i])
                    halves[(i, j)] = (
                        entropy[j] + self._entropy(ri_j / np.std(ri_j)),
                        entropy[i] + self._entropy(rj_i / np.std(rj_i)),
                    )
                a, b = halves[(i, j)]
                return a - b

            M_list = []
            for i in Uc:
                M = 0
                for j in U:
                    if i != j:
                        M += np.min([0, diff(int(i), int(j))]) ** 2
                M_list.append(-1.0 * M)
            return Uc[np.argmax(M_list)]

    return FastDirectLiNGAM
