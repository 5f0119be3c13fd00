"""End to end through the Python API: accuracy on easy cases, determinism, fault isolation."""

from __future__ import annotations

import json
from typing import ClassVar

import numpy as np
import pytest

from causal_ensemble import EdgeType, InputError, Knowledge, discover, from_frame
from causal_ensemble.experts import PC, EndpointGraph, default_panel, resample_indices, resampling_scheme
from causal_ensemble.experts._base import DataKind, Family

from .conftest import chain_collider_fork


def _skeleton(result: object) -> set[frozenset[str]]:
    return {frozenset((e.source, e.target)) for e in result.edges}  # type: ignore[attr-defined]


def test_default_panel_recovers_skeleton_and_collider() -> None:
    frame, truth = chain_collider_fork(2000, 0)
    result = discover(frame, n_bootstrap=4, seed=0, n_jobs=2)
    assert _skeleton(result) == {frozenset(p) for p in truth}
    directed = set(result.directed_edges())
    assert ("B", "D") in directed and ("C", "D") in directed, result.edges
    assert [x.status for x in result.experts] == ["ok"] * len(default_panel(DataKind.CONTINUOUS))
    assert sum(x.weight for x in result.experts) == pytest.approx(1.0)
    for e in result.edges:
        assert 0.5 <= e.adjacency <= 1.0 and 0.0 <= e.probability <= 1.0
        assert set(e.experts) == {x.name for x in result.experts}


def test_same_seed_same_graph_json_whatever_the_number_of_jobs() -> None:
    frame, _ = chain_collider_fork(500, 3)

    def run(jobs: int) -> dict[str, object]:
        out = discover(
            frame, experts=["pc", "ges", "directlingam"], n_bootstrap=3, seed=11, n_jobs=jobs
        ).to_dict()
        for x in out["experts"]:  # type: ignore[union-attr]
            x.pop("seconds")
        out["referee"].pop("seconds")  # type: ignore[union-attr]
        out["settings"].pop("jobs")  # type: ignore[union-attr]
        return out

    assert json.dumps(run(1)) == json.dumps(run(2))


class _Exploding(PC):
    name: ClassVar[str] = "exploding"

    def _fit(self, X: object, discrete: object, kind: DataKind, knowledge: object) -> EndpointGraph:
        raise RuntimeError("numerical blow-up")


class _Sleepy(PC):
    name: ClassVar[str] = "sleepy"
    family = Family.CONSTRAINT

    def _fit(self, X: object, discrete: object, kind: DataKind, knowledge: object) -> EndpointGraph:
        import time

        time.sleep(30)
        raise AssertionError("unreachable")


def test_a_failing_and_a_hanging_expert_do_not_sink_the_run() -> None:
    frame, _ = chain_collider_fork(400, 4)
    result = discover(
        frame, experts=["pc", "ges", _Exploding(), _Sleepy()], n_bootstrap=2, seed=0, n_jobs=1, time_limit=1.0
    )
    status = {x.name: (x.status, x.error or "") for x in result.experts}
    assert status["pc"][0] == "ok" and status["ges"][0] == "ok"
    assert status["exploding"][0] == "failed" and "numerical blow-up" in status["exploding"][1]
    assert status["sleepy"][0] == "timeout" and "time limit" in status["sleepy"][1]
    assert {x.name: x.weight for x in result.experts}["exploding"] == 0.0
    assert result.edges


def test_knowledge_is_honoured_end_to_end() -> None:
    frame, _ = chain_collider_fork(1000, 5)
    know = Knowledge(tiers=(("E",), ("A", "B", "C", "D")), forbidden=(("A", "B"), ("B", "A")))
    result = discover(frame, experts=["pc", "ges", "directlingam"], knowledge=know, n_bootstrap=2)
    pairs = _skeleton(result)
    assert frozenset(("A", "B")) not in pairs
    touching_e = [e for e in result.edges if "E" in (e.source, e.target)]
    assert touching_e, "the strong D - E dependence must survive as an edge"
    for e in touching_e:
        # E is in the first tier: nothing points into it from later tiers, so its edges are directed out
        assert e.type is EdgeType.DIRECTED and e.source == "E", e
    de = result.edge("D", "E")
    assert de is not None and (de.source, de.target) == ("E", "D") and de.settled_by == "knowledge"


def test_discrete_data_uses_discrete_experts(small_discrete: object) -> None:
    ds = from_frame(small_discrete)  # type: ignore[arg-type]
    result = discover(ds, n_bootstrap=2)
    assert {x.name for x in result.experts} == {"pc", "fci", "ges", "grasp", "boss"}
    assert all(x.status == "ok" for x in result.experts)
    assert frozenset(("A", "B")) in _skeleton(result)
    assert result.settings["resampling"] == "subsample"


def test_every_column_type_is_subsampled_by_default() -> None:
    """Duplicated rows inflate χ², BDeu, Fisher-z and BIC alike (tests/experts/test_resampling.py)."""
    assert resampling_scheme(np.array([True, True])) == "subsample"
    assert resampling_scheme(np.array([True, False])) == "subsample"
    assert resampling_scheme(np.array([False, False])) == "subsample"
    boot = resample_indices(1000, 3, seed=5, scheme="bootstrap")
    sub = resample_indices(1000, 3, seed=5)
    assert all(len(r) == 1000 and len(np.unique(r)) < 700 for r in boot)  # ~632 distinct rows expected
    assert all(len(r) == len(np.unique(r)) == 632 for r in sub)
    assert [r.tolist() for r in sub] == [r.tolist() for r in resample_indices(1000, 3, 5, scheme="subsample")]
    with pytest.raises(InputError, match="resampling scheme"):
        resample_indices(10, 1, 0, scheme="jackknife")  # type: ignore[arg-type]


def test_bootstrap_duplicates_would_inflate_discrete_ci_tests() -> None:
    """Why all-discrete data are subsampled: χ² tests on bootstrap resamples find dependence the data lack."""
    rng = np.random.default_rng(0)
    n = 600
    X = rng.integers(0, 4, size=(n, 6)).astype(float)  # six independent 4-level variables: no edges
    disc = np.ones(6, dtype=bool)
    boot, sub = (resample_indices(n, 5, 1, scheme=s) for s in ("bootstrap", "subsample"))
    edges = {
        name: sum(int(np.triu(PC().fit(X[r], discrete=disc).graph_.adjacency(), 1).sum()) for r in rows)
        for name, rows in (("bootstrap", boot), ("subsample", sub))
    }
    # Measured: 33 false edges over the 5 bootstrap resamples, 2 over the 5 subsamples.
    assert edges["subsample"] <= 5 and edges["bootstrap"] >= 15


def test_result_serialises_to_the_contract_schema() -> None:
    frame, _ = chain_collider_fork(400, 6)
    out = json.loads(discover(frame, experts=["pc", "ges"], n_bootstrap=2).to_json())
    assert out["schema"] == "causal-ensemble/graph@1"
    assert {"variables", "edges", "experts", "referee", "settings", "seed", "version"} <= set(out)
    for e in out["edges"]:
        assert {
            "source",
            "target",
            "type",
            "probability",
            "adjacency",
            "orientation",
            "experts",
            "referee",
        } <= set(e)
        assert e["type"] in {"directed", "undirected", "bidirected"}
        if e["type"] == "undirected":
            assert e["source"] < e["target"] and e["orientation"] is None
    for x in out["experts"]:
        assert {"name", "weight", "status", "error", "seconds"} <= set(x)
    assert {"kind", "model", "queries", "cache_hits", "seconds"} <= set(out["referee"])
    assert np.isclose(sum(x["weight"] for x in out["experts"]), 1.0)
