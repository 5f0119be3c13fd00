"""Scale and robustness: the fit cache, time and memory limits in every backend, Dask distributed."""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from causal_ensemble import discover
from causal_ensemble.experts import (
    PC,
    DataKind,
    EndpointGraph,
    FitCache,
    FitRecord,
    FitStatus,
    KnowledgeMasks,
    default_cache_dir,
    resolve_cache,
    run_panel,
)
from causal_ensemble.experts._execution import _fit_one
from causal_ensemble.experts._scaling import default_bootstrap, plan_panel
from causal_ensemble.referee import make_referee

from ..conftest import chain_collider_fork


class _Spinning(PC):
    """Hangs in a Python loop (short sleeps), as a solver that never converges would."""

    name: ClassVar[str] = "spinning"

    def _fit(self, X: object, discrete: object, kind: DataKind, knowledge: object) -> EndpointGraph:
        while True:
            time.sleep(0.01)


class _Hungry(PC):
    name: ClassVar[str] = "hungry"

    def _fit(self, X: object, discrete: object, kind: DataKind, knowledge: object) -> EndpointGraph:
        raise MemoryError("cannot allocate 80 GiB")


class _Greedy(PC):
    """Really asks for 4 GiB; only a memory limit turns that into a MemoryError."""

    name: ClassVar[str] = "greedy"

    def _fit(self, X: object, discrete: object, kind: DataKind, knowledge: object) -> EndpointGraph:
        block = np.ones(2**29)  # 4 GiB of float64
        raise AssertionError(f"allocated {block.nbytes} bytes despite the limit")


def _comparable(result: Any) -> str:
    """graph.json without what legitimately differs between runs: measured seconds and the job count."""
    out = result.to_dict()
    for x in out["experts"]:
        x.pop("seconds")
    out["referee"].pop("seconds")
    out["settings"].pop("jobs")
    return json.dumps(out, sort_keys=True)


@pytest.fixture(scope="module")
def frame() -> Any:
    return chain_collider_fork(400, 5)[0]


# -- cache ------------------------------------------------------------------------------------------
def test_rerun_with_another_referee_margin_and_threshold_recomputes_no_expert(
    frame: Any, tmp_path: Path
) -> None:
    seen: list[FitRecord] = []
    kw: dict[str, Any] = {"experts": ["pc", "dagma"], "n_bootstrap": 2, "seed": 3, "cache": tmp_path}
    first = discover(frame, on_fit=seen.append, **kw)
    assert len(seen) == 6 and not any(r.cached for r in seen)
    seen.clear()
    second = discover(
        frame, on_fit=seen.append, referee=make_referee("stats"), margin=0.3, threshold=0.4, **kw
    )
    assert len(seen) == 6 and all(r.cached for r in seen)
    assert [x.n_ok for x in second.experts] == [x.n_ok for x in first.experts]
    assert second.settings["referee"] == "stats"
    # another seed is another set of fits
    seen.clear()
    discover(frame, on_fit=seen.append, **{**kw, "seed": 4})
    assert not any(r.cached for r in seen)


def test_cached_run_gives_the_same_graph(frame: Any, tmp_path: Path) -> None:
    kw: dict[str, Any] = {"experts": ["pc", "grasp"], "n_bootstrap": 2, "seed": 1}
    plain = discover(frame, **kw)
    discover(frame, cache=tmp_path, **kw)
    cached = discover(frame, cache=tmp_path, **kw)
    assert _comparable(cached) == _comparable(plain)


def test_corrupt_and_partial_entries_are_detected_and_recomputed(
    frame: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    X = frame.to_numpy(float)
    cache = FitCache(tmp_path)
    before = run_panel([PC()], X, n_bootstrap=3, seed=0, cache=cache)
    entries = sorted(tmp_path.rglob("*.json"))
    assert len(entries) == 4
    entries[0].write_bytes(entries[0].read_bytes()[:40])  # partial write
    tampered = json.loads(entries[1].read_text())
    tampered["payload"] = tampered["payload"].replace("[0,", "[2,", 1)  # bit rot: checksum no longer fits
    entries[1].write_text(json.dumps(tampered))

    cache = FitCache(tmp_path)
    seen: list[FitRecord] = []
    with caplog.at_level(logging.WARNING, logger="causal_ensemble.experts._cache"):
        after = run_panel([PC()], X, n_bootstrap=3, seed=0, cache=cache, on_fit=seen.append)
    assert cache.recovered == 2 and cache.hits == 2
    assert sum(not r.cached for r in seen) == 2
    assert "corrupt or partial" in caplog.text
    for a, b in zip(before[0].records, after[0].records, strict=True):
        assert a.graph is not None and b.graph is not None
        assert np.array_equal(a.graph.marks, b.graph.marks)
    # the recomputed entries were written again, whole
    assert all(
        FitCache(tmp_path)._decode(p.read_bytes(), p.stem) is not None for p in tmp_path.rglob("*.json")
    )


def test_cache_location_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CEA_CACHE_DIR", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    cache = resolve_cache(True)
    assert cache is not None and cache.root == tmp_path / "c"
    assert resolve_cache(None) is None and resolve_cache(False) is None


def test_timeouts_and_memory_failures_are_not_cached(frame: Any, tmp_path: Path) -> None:
    X = frame.to_numpy(float)
    run_panel([_Hungry(), _Spinning()], X, n_bootstrap=1, cache=FitCache(tmp_path), time_limit_s=0.3)
    assert not list(tmp_path.rglob("*.json"))


# -- limits ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_hanging_expert_is_cut_at_its_limit_and_the_run_completes(frame: Any, n_jobs: int) -> None:
    start = time.perf_counter()
    runs = run_panel(
        [PC(), _Spinning()], frame.to_numpy(float), n_bootstrap=2, n_jobs=n_jobs, time_limit_s=4.0
    )
    assert time.perf_counter() - start < 60
    assert runs[0].status is FitStatus.OK
    assert runs[1].status is FitStatus.TIMEOUT and "time limit of 4 s" in (runs[1].error or "")
    assert all(r.seconds < 30 for r in runs[1].records)


def test_time_limit_outside_the_main_thread(frame: Any) -> None:
    """Dask runs fits in worker threads, where SIGALRM cannot reach; the watchdog must."""
    out: list[FitRecord] = []
    X = frame.to_numpy(float)
    masks = KnowledgeMasks.none(X.shape[1])
    disc = np.zeros(X.shape[1], dtype=bool)
    t = threading.Thread(target=lambda: out.append(_fit_one(_Spinning(), X, None, disc, masks, -1, 0.3)))
    t.start()
    t.join(30)
    assert not t.is_alive()
    assert out[0].status is FitStatus.TIMEOUT and "time limit" in (out[0].error or "")
    # a fit that finishes in time is not hit later by a stray timeout
    t2 = threading.Thread(target=lambda: out.append(_fit_one(PC(), X, None, disc, masks, -1, 5.0)))
    t2.start()
    t2.join(60)
    assert out[1].status is FitStatus.OK


def test_memory_error_is_reported_and_the_run_goes_on(frame: Any) -> None:
    result = discover(frame, experts=["pc", _Hungry()], n_bootstrap=2, seed=0)
    status = {x.name: (x.status, x.error or "") for x in result.experts}
    assert status["pc"][0] == "ok"
    assert status["hungry"][0] == "failed" and "out of memory" in status["hungry"][1]
    assert {x.name: x.weight for x in result.experts}["hungry"] == 0.0


def test_memory_limit_stops_a_runaway_fit(frame: Any) -> None:
    runs = run_panel([_Greedy(), PC()], frame.to_numpy(float), n_bootstrap=0, memory_limit_mb=512)
    assert runs[0].status is FitStatus.FAILED and "out of memory (limit 512 MB)" in (runs[0].error or "")
    assert runs[1].status is FitStatus.OK  # the limit was lifted again


# -- panel scaling -------------------------------------------------------------------------------------
def test_wide_tables_get_a_smaller_default_panel_and_say_so() -> None:
    small = plan_panel(DataKind.CONTINUOUS, 10)
    assert "ges" in small.experts and small.n_bootstrap == default_bootstrap(10) == 10 and not small.notes
    wide = plan_panel(DataKind.CONTINUOUS, 50)
    assert "ges" in wide.experts and "adaptive_notears" not in wide.experts
    assert {"pc", "grasp", "ges", "cam"} <= set(wide.experts) and "dagma" not in wide.experts
    assert any("dagma (no gain over the BIC searches" in n for n in wide.notes)
    assert "dagma" in plan_panel(DataKind.CONTINUOUS, 30).experts
    assert wide.n_bootstrap == default_bootstrap(50) < 20
    assert any("left out" in n and "directlingam" in n for n in wide.notes)
    wider = plan_panel(DataKind.CONTINUOUS, 101)
    assert "ges" in wider.experts and "grasp" not in wider.experts
    widest = plan_panel(DataKind.CONTINUOUS, 201)
    assert "ges" not in widest.experts and any("left out" in n and "ges" in n for n in widest.notes)
    assert any("B = " in n for n in wide.notes)
    kept = plan_panel(DataKind.CONTINUOUS, 50, scale_panel=False, scale_bootstrap=False)
    assert "ges" in kept.experts and not kept.notes


def test_discrete_panels_drop_the_bdeu_permutation_searches_first() -> None:
    """On discrete data the chi-square tests stay cheap and GRaSP/BOSS with BDeu are the slow ones."""
    child = plan_panel(DataKind.DISCRETE, 20)
    assert set(child.experts) == {"pc", "fci", "ges", "grasp", "boss"}
    alarm = plan_panel(DataKind.DISCRETE, 37)
    assert alarm.experts == ("pc", "fci", "ges")
    assert any("boss (too slow beyond d = 30)" in n and "discrete" in n for n in alarm.notes)
    continuous = plan_panel(DataKind.CONTINUOUS, 37)
    assert "grasp" in continuous.experts and "fci" not in continuous.experts
    assert plan_panel(DataKind.CONTINUOUS, 200).experts == ("pc", "ges", "cam")
    assert plan_panel(DataKind.CONTINUOUS, 201).experts == ("pc", "cam")


# -- Dask distributed ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cluster_client() -> Any:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        memory_limit="2GiB",
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_cluster_run_equals_local_run(frame: Any, cluster_client: Any) -> None:
    kw: dict[str, Any] = {"experts": ["pc", "grasp", "dagma"], "n_bootstrap": 3, "seed": 7}
    local = discover(frame, n_jobs=1, **kw)
    remote = discover(frame, scheduler=cluster_client.scheduler.address, **kw)
    assert _comparable(remote) == _comparable(local)
    via_client = discover(frame, scheduler=cluster_client, **kw)
    assert _comparable(via_client) == _comparable(local)


def test_hanging_and_failing_experts_on_the_cluster(frame: Any, cluster_client: Any) -> None:
    runs = run_panel(
        [PC(), _Spinning(), _Hungry()],
        frame.to_numpy(float),
        n_bootstrap=1,
        time_limit_s=4.0,
        scheduler=cluster_client,
    )
    assert [r.status for r in runs] == [FitStatus.OK, FitStatus.TIMEOUT, FitStatus.FAILED]
    assert "out of memory" in (runs[2].error or "")
