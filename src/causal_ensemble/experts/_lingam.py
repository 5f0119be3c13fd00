"""DirectLiNGAM via the ``lingam`` package, the reference implementation by the method's authors."""

from __future__ import annotations

from typing import ClassVar

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
        import lingam

        check_choice("measure", self.measure, ("pwling", "kernel"), expert=self.name)
        prior = _prior_knowledge(knowledge)
        model = lingam.DirectLiNGAM(
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
