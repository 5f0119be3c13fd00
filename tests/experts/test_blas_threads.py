"""Local workers share the cores out for BLAS, and the graphs do not depend on it."""

from __future__ import annotations

import os
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from causal_ensemble.experts import DirectLiNGAM, make_expert, run_panel
from causal_ensemble.experts._base import DataKind, Expert, Family, FloatMatrix, KnowledgeMasks
from causal_ensemble.experts._execution import _blas_threads, _fit_one
from causal_ensemble.experts._graph import EndpointGraph


def test_the_cores_are_shared_out_among_local_workers() -> None:
    cores = os.cpu_count() or 1
    assert _blas_threads(1) is None  # one process fitting alone keeps the library's default
    assert _blas_threads(2) == max(1, cores // 2)
    assert _blas_threads(10 * cores) == 1


class _SeesThreads(Expert):
    """Records the BLAS thread count its fit runs with."""

    name: ClassVar[str] = "sees_threads"
    family = Family.SCORE
    assumptions = ()
    supports = frozenset({DataKind.CONTINUOUS})
    seen: ClassVar[list[int]] = []

    def __init__(self, random_state: int | None = None) -> None:
        self.random_state = random_state

    def _fit(
        self, X: FloatMatrix, discrete: npt.NDArray[np.bool_], kind: DataKind, knowledge: KnowledgeMasks
    ) -> EndpointGraph:
        from threadpoolctl import threadpool_info

        blas = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
        _SeesThreads.seen.append(min(blas) if blas else 1)
        return EndpointGraph(np.zeros((X.shape[1], X.shape[1]), dtype=np.int8))


def test_a_fit_runs_with_the_threads_it_is_given() -> None:
    X = np.random.default_rng(0).normal(size=(50, 3))
    flags = np.zeros(3, dtype=bool)
    _SeesThreads.seen.clear()
    record = _fit_one(_SeesThreads(), X, None, flags, KnowledgeMasks.none(3), -1, None, None, 1)
    assert record.graph is not None
    assert _SeesThreads.seen == [1]


def test_two_workers_give_the_graphs_of_one_process() -> None:
    """DirectLiNGAM and DAGMA lean on BLAS the most (least squares, d x d solves)."""
    data: Any = np.random.default_rng(3).uniform(-1, 1, size=(400, 6))
    for j in range(1, 6):
        data[:, j] += 0.8 * data[:, j - 1]
    panel = [DirectLiNGAM(), make_expert("dagma")]
    one = run_panel(panel, data, n_bootstrap=1, seed=1, n_jobs=1)
    two = run_panel(panel, data, n_bootstrap=1, seed=1, n_jobs=2)
    for a, b in zip(one, two, strict=True):
        for ra, rb in zip(a.records, b.records, strict=True):
            assert ra.graph is not None and rb.graph is not None
            assert np.array_equal(ra.graph.marks, rb.graph.marks)
