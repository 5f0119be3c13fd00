"""Running a panel: seeds that belong to the fit, and the same graphs from threads as from one process."""

from __future__ import annotations

import random
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from causal_ensemble.experts import GES, PC, BootstrapResult, FitCache, FitRecord, GRaSP, run_panel
from causal_ensemble.experts._base import _quiet, seeded_global_rng
from causal_ensemble.experts._seeds import job_seed

from ..conftest import chain_collider_fork


@pytest.fixture(scope="module")
def table() -> Any:
    return chain_collider_fork(300, 2)[0].to_numpy(float)


def test_a_fit_seed_depends_on_the_fit_not_on_the_panel() -> None:
    base = job_seed(0, PC(), 3)
    assert 0 <= base < 2**32
    assert job_seed(0, PC(random_state=99), 3) == base  # the seed being replaced is not an input
    assert job_seed(0, PC(), 3) == base  # stable: blake2b, not the per-process salted hash()
    others = {
        job_seed(1, PC(), 3),
        job_seed(0, PC(), 4),
        job_seed(0, PC(alpha=0.01), 3),
        job_seed(0, GES(), 3),
    }
    assert base not in others and len(others) == 4


def test_adding_an_expert_changes_neither_the_others_fits_nor_their_cache_entries(
    table: Any, tmp_path: Path
) -> None:
    (alone,) = run_panel([GRaSP()], table, n_bootstrap=3, seed=5, cache=FitCache(tmp_path))
    seen: list[FitRecord] = []
    _, grasp = run_panel(
        [PC(), GRaSP()], table, n_bootstrap=3, seed=5, cache=FitCache(tmp_path), on_fit=seen.append
    )
    assert all(r.cached for r in seen if r.expert == "grasp")
    uncached = run_panel([PC(), GRaSP()], table, n_bootstrap=3, seed=5)[1]
    for result in (grasp, uncached):
        for a, b in zip(alone.records, result.records, strict=True):
            assert a.graph is not None and b.graph is not None
            assert np.array_equal(a.graph.marks, b.graph.marks)


def test_overlapping_seeded_blocks_in_threads_each_draw_their_own_stream() -> None:
    """The global RNG is shared by threads; the lock keeps two seeded searches from mixing streams."""

    def draw(seed: int) -> list[float]:
        with seeded_global_rng(seed):
            out = []
            for _ in range(20):
                out.append(random.random() + float(np.random.random()))
                time.sleep(0.001)  # let the other thread run in between draws
            return out

    solo = {s: draw(s) for s in (1, 2)}
    got: dict[int, list[float]] = {}
    threads = [threading.Thread(target=lambda s=s: got.__setitem__(s, draw(s))) for s in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert got == solo


def test_overlapping_quiet_blocks_give_stdout_back() -> None:
    """``redirect_stdout`` in two overlapping threads used to leave the other thread's sink in place."""
    before = sys.stdout
    started, release = threading.Event(), threading.Event()

    def first() -> None:
        with _quiet():
            started.set()
            release.wait(10)

    t = threading.Thread(target=first)
    t.start()
    started.wait(10)
    with _quiet():
        assert sys.stdout is not before
        release.set()  # the block that started first ends first
        t.join(10)
        sys.stdout.write("still swallowed\n")
        assert sys.stdout is not before
    assert sys.stdout is before


def _marks(results: list[BootstrapResult]) -> dict[str, list[list[list[int]]]]:
    return {
        r.name: [rec.graph.marks.tolist() if rec.graph is not None else [] for rec in r.records]
        for r in results
    }


def test_threaded_dask_worker_gives_the_same_graphs_as_a_local_run(table: Any) -> None:
    """One worker with two threads runs pc and grasp fits side by side in one process."""
    distributed = pytest.importorskip("distributed")
    kw: dict[str, Any] = {"n_bootstrap": 4, "seed": 11}
    local = run_panel([PC(), GRaSP()], table, n_jobs=1, **kw)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = run_panel([PC(), GRaSP()], table, scheduler=client, **kw)
    assert all(r.status == "ok" and len(r.resample_graphs) == 4 for r in remote)
    assert _marks(remote) == _marks(local)
