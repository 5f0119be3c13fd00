"""Planned execution: a time budget shared by measured cost, and early stopping once beliefs settle.

Fake experts with known costs and known stability make the planner's choices checkable exactly.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

import numpy as np
import pytest

from causal_ensemble import Ensemble
from causal_ensemble.experts import PC, EarlyStopping, EndpointGraph, StopReason, run_panel
from causal_ensemble.experts._base import DataKind, Family
from causal_ensemble.experts._execution import FULL_DATA, _Planner
from causal_ensemble.experts._scaling import default_bootstrap
from causal_ensemble.experts._stopping import ConvergenceMonitor

from ..conftest import chain_collider_fork


class _Fake(PC):
    """Sleeps ``cost`` seconds; returns the same chain every time (stable) or a random graph per seed."""

    name: ClassVar[str] = "fake"
    cost: ClassVar[float] = 0.0
    same_graph: ClassVar[bool] = True

    def _fit(self, X: Any, discrete: Any, kind: DataKind, knowledge: Any) -> EndpointGraph:
        time.sleep(self.cost)
        d = X.shape[1]
        if self.same_graph:
            dag = np.eye(d, k=1, dtype=bool)
        else:
            rng = np.random.default_rng(self.random_state)
            dag = np.triu(rng.random((d, d)) < 0.5, 1)
        return EndpointGraph.from_dag(dag)


class _Cheap(_Fake):
    name: ClassVar[str] = "cheap"
    cost: ClassVar[float] = 0.01


class _Slow(_Fake):
    name: ClassVar[str] = "slow"
    cost: ClassVar[float] = 0.3


class _Search(_Fake):
    name: ClassVar[str] = "search"
    family: ClassVar[Family] = Family.SCORE
    cost: ClassVar[float] = 0.0


class _Noisy(_Fake):
    name: ClassVar[str] = "noisy"
    cost: ClassVar[float] = 0.0
    same_graph: ClassVar[bool] = False


X = np.random.default_rng(0).normal(size=(60, 4))


def test_a_converged_expert_stops_and_a_noisy_one_goes_to_the_end() -> None:
    """A frequency moves by at most 1/(m + 1) per graph, so with tolerance 0.02 a coin-flip expert cannot
    settle within 12 resamples, while one that returns the same graph settles at the minimum."""
    rule = EarlyStopping(tolerance=0.02, window=3, min_resamples=5)
    stable, noisy = run_panel([_Cheap(), _Noisy()], X, n_bootstrap=12, early_stopping=rule)
    assert stable.stopped is StopReason.CONVERGED and len(stable.resamples) == 5
    assert noisy.stopped is StopReason.COMPLETE and len(noisy.resamples) == 12
    assert [r.resample for r in stable.resamples] == list(range(5))  # the first m, in index order


def test_early_stopping_keeps_the_same_resamples_whatever_the_number_of_workers() -> None:
    rule = EarlyStopping(tolerance=0.05, window=3, min_resamples=5)

    def run(jobs: int) -> list[list[int]]:
        res = run_panel([_Cheap(), _Noisy()], X, n_bootstrap=10, early_stopping=rule, n_jobs=jobs, seed=3)
        return [[r.resample for r in x.resamples] for x in res]

    assert run(1) == run(2)


def test_the_budget_gives_every_expert_its_minimum_then_shares_time_by_cost() -> None:
    start = time.perf_counter()
    cheap, slow = run_panel([_Cheap(), _Slow()], X, n_bootstrap=40, budget_s=2.0)
    wall = time.perf_counter() - start
    assert wall <= 2.0 * 1.15 + 0.5
    assert slow.stopped is StopReason.BUDGET and 3 <= len(slow.resamples) < 40
    assert len(cheap.resamples) > 2 * len(slow.resamples)  # the cheap expert is not held back
    assert cheap.planned == slow.planned == 40


def test_an_expert_that_cannot_afford_a_resample_keeps_its_full_data_graph() -> None:
    _, slow = run_panel([_Cheap(), _Slow()], X, n_bootstrap=5, budget_s=0.2)
    assert slow.full.graph is not None and slow.resamples == ()
    assert slow.stopped is StopReason.BUDGET and slow.graphs == [slow.full.graph]


def test_full_data_fits_start_with_the_searches_then_keep_the_panel_order() -> None:
    """A fit's time limit is what is left of the budget when it starts, so the slow searches go first."""
    planner = _Planner([_Cheap(), _Slow(), _Search()], 3, 10.0, None, None)
    order = []
    for _ in range(3):
        job = planner.next_job()
        assert job is not None
        planner.issued[job[0]].add(job[1])  # as the runner marks a job it submits
        order.append(job)
    assert order == [("search", FULL_DATA), ("cheap", FULL_DATA), ("slow", FULL_DATA)]
    assert planner.next_job() is None  # resamples wait for the full fits' measured costs


def test_the_convergence_monitor_measures_the_largest_move() -> None:
    m = ConvergenceMonitor(EarlyStopping(tolerance=0.2, window=2, min_resamples=3))
    full = EndpointGraph.from_dag(np.eye(3, k=1, dtype=bool))
    empty = EndpointGraph.empty(3)
    for g in (full, full, full):
        m.add(g)
    assert m.converged
    m.add(empty)  # one pair's frequency falls from 1 to 3/4: a move of 0.25 > 0.2
    assert not m.converged
    m.add(None)  # a failed fit changes nothing
    assert m.count == 4


@pytest.mark.parametrize("kw", [{"tolerance": 0.0}, {"window": 0}, {"min_resamples": 0}])
def test_the_early_stopping_rule_is_validated(kw: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="early_stopping"):
        EarlyStopping(**kw)  # type: ignore[arg-type]


def test_budget_and_early_stopping_are_reported_in_graph_json() -> None:
    frame, _ = chain_collider_fork(80, 1)
    est = Ensemble([_Cheap(), _Slow()], budget=2.5, cache=False).fit(frame)
    doc = est.result_.to_dict()
    by_name = {x["name"]: x["resampling"] for x in doc["experts"]}
    assert by_name["cheap"]["stopped"] == "converged" and by_name["cheap"]["kept"] == 5
    assert by_name["slow"]["stopped"] in {"budget", "converged"}
    assert by_name["slow"]["planned"] == default_bootstrap(frame.shape[1])
    assert any(n.startswith("resamples per expert (time budget 2.5 s") for n in doc["notes"])


def test_a_chosen_number_of_resamples_is_fitted_in_full_whatever_the_budget() -> None:
    frame, _ = chain_collider_fork(80, 1)
    est = Ensemble([_Cheap(), _Slow()], n_bootstrap=4, budget=0.1, cache=False).fit(frame)
    assert [x.n_fits for x in est.result_.experts] == [5, 5]
    assert all(x.resampling_stopped is StopReason.COMPLETE for x in est.result_.experts)
