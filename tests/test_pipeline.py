"""The pipeline object: scikit-learn's contract, errors that name parameters, one result whatever runs it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from typer.testing import CliRunner

from causal_ensemble import Ensemble, EnsembleResult, ParameterError, RefereeKind, discover
from causal_ensemble.cli import app

from .conftest import chain_collider_fork


def test_ensemble_follows_the_estimator_contract() -> None:
    est = Ensemble(["pc", "ges"], n_bootstrap=3, seed=4, referee=RefereeKind.STATS)
    params = est.get_params(deep=True)
    assert params["experts"] == ["pc", "ges"] and params["n_bootstrap"] == 3 and params["seed"] == 4
    twin = clone(est)
    assert twin is not est and twin.get_params() == est.get_params()
    assert not hasattr(twin, "result_") and not hasattr(twin, "panel_fit_")
    assert est.set_params(seed=5) is est and est.seed == 5


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"n_bootstrap": -1}, "n_bootstrap"),
        ({"n_jobs": 0}, "n_jobs"),
        ({"seed": -3}, "seed"),
        ({"time_limit": 0.0}, "time_limit"),
        ({"memory_limit": -5.0}, "memory_limit"),
        ({"threshold": 1.0}, "threshold"),
        ({"margin": 0.0}, "margin"),
        ({"margin": 0.35, "threshold": 0.3}, "margin"),
        ({"experts": []}, "experts"),
        ({"experts": ["pc", "pc"]}, "experts"),
        ({"referee": "oracle"}, "referee"),
        ({"llm_budget": -1}, "llm_budget"),
        ({"orientations": "sideways"}, "orientations"),
    ],
)
def test_parameter_errors_name_the_parameter_not_a_flag(params: dict[str, object], name: str) -> None:
    frame, _ = chain_collider_fork(100, 0)
    with pytest.raises(ParameterError) as err:
        Ensemble(**params).fit(frame)  # type: ignore[arg-type]
    assert err.value.parameter == name
    assert str(err.value).startswith(f"{name} ") and "--" not in str(err.value)


def test_discover_refuses_an_unknown_parameter_by_name() -> None:
    frame, _ = chain_collider_fork(100, 0)
    with pytest.raises(ParameterError, match=r"^n_boot is not a parameter"):
        discover(frame, n_boot=3)


def test_discover_the_ensemble_and_the_cli_give_the_same_graph(tmp_path: Path) -> None:
    frame, _ = chain_collider_fork(500, 2)
    kw = {"experts": ["pc", "ges"], "n_bootstrap": 3, "seed": 7, "cache": False}
    a = discover(frame, **kw)  # type: ignore[arg-type]
    b = Ensemble(**kw).fit(frame).result_  # type: ignore[arg-type]
    data = tmp_path / "d.csv"
    frame.to_csv(data, index=False)
    res = CliRunner().invoke(
        app,
        [
            *("discover", str(data), "--out", str(tmp_path / "o"), "--experts", "pc,ges"),
            *("--bootstrap", "3", "--seed", "7", "--no-cache", "--quiet"),
        ],
    )
    assert res.exit_code == 0, res.stderr
    c = EnsembleResult.read_json(tmp_path / "o" / "graph.json")
    assert a.edges == b.edges
    assert [(e.source, e.target, e.type) for e in a.edges] == [(e.source, e.target, e.type) for e in c.edges]
    assert a.pair_beliefs == b.pair_beliefs and len(a.pair_beliefs) == len(c.pair_beliefs)


def test_decide_reuses_the_fits_with_another_referee() -> None:
    frame, _ = chain_collider_fork(400, 3)
    est = Ensemble(["pc", "ges"], n_bootstrap=2, cache=False, referee="none").fit(frame)
    fits_before = [r.records for r in est.panel_fit_.runs]
    again = est.decide(est.panel_fit_)
    assert again.edges == est.result_.edges
    assert [r.records for r in est.panel_fit_.runs] == fits_before


def _graph_json(result: EnsembleResult) -> dict[str, object]:
    doc = result.to_dict()
    for x in doc["experts"]:  # wall-clock seconds differ between runs, nothing else may
        x["seconds"] = 0.0
    doc["referee"]["seconds"] = 0.0
    doc["settings"]["jobs"] = 0
    return doc


def test_a_dask_cluster_with_two_threads_per_worker_gives_the_local_graph_json() -> None:
    """GRaSP draws from the global RNG; two threads on one worker must not change any fit."""
    distributed = pytest.importorskip("distributed")
    frame, _ = chain_collider_fork(300, 4)
    kw = {"experts": ["pc", "grasp"], "n_bootstrap": 4, "seed": 2, "cache": False}
    local = discover(frame, **kw)  # type: ignore[arg-type]
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    )
    try:
        client = distributed.Client(cluster)
        try:
            remote = discover(frame, scheduler=client, **kw)  # type: ignore[arg-type]
        finally:
            client.close()
    finally:
        cluster.close()
    assert json.dumps(_graph_json(remote), sort_keys=True) == json.dumps(_graph_json(local), sort_keys=True)


def test_units_of_measurement_do_not_change_the_graph(tmp_path: Path) -> None:
    """A metamorphic test through the CLI: every column multiplied by a random positive factor and shifted
    gives the same edges (NOTEARS and DAGMA would otherwise orient by variance)."""
    frame, _ = chain_collider_fork(500, 6)
    rng = np.random.default_rng(11)
    scaled = pd.DataFrame(
        {c: frame[c] * 10 ** rng.uniform(-3, 3) + rng.uniform(-100, 100) for c in frame.columns}
    )
    edges = []
    for k, table in enumerate((frame, scaled)):
        data = tmp_path / f"t{k}.csv"
        table.to_csv(data, index=False)
        out = tmp_path / f"o{k}"
        res = CliRunner().invoke(
            app,
            [
                *("discover", str(data), "--out", str(out), "--experts", "pc,ges,directlingam,notears,dagma"),
                *("--bootstrap", "2", "--no-cache", "--quiet"),
            ],
        )
        assert res.exit_code == 0, res.stderr
        doc = json.loads((out / "graph.json").read_text())
        edges.append(sorted((e["source"], e["target"], e["type"]) for e in doc["edges"]))
    assert edges[0] == edges[1]


def test_graph_json_records_each_experts_weight_per_level_and_reads_it_back() -> None:
    frame, _ = chain_collider_fork(400, 5)
    result = discover(frame, experts=["pc", "directlingam"], n_bootstrap=3, cache=False, referee="none")
    doc = result.to_dict()
    for x in doc["experts"]:
        assert set(x["weights"]) == {"adjacency", "orientation", "ancestral"}
        assert x["weights"]["adjacency"] == x["weight"] and 0.0 < x["weights"]["orientation"] <= 1.0
    assert sum(x["weights"]["orientation"] for x in doc["experts"]) == pytest.approx(1.0, abs=1e-5)
    assert EnsembleResult.from_dict(doc).to_dict() == doc


def test_a_gaussian_table_is_oriented_only_up_to_equivalence() -> None:
    """On a linear-Gaussian chain, DirectLiNGAM's arrows are guesses: ``auto`` reads them as its CPDAG,
    says so in the notes, and leaves the chain undirected; ``dag`` keeps them."""
    rng = np.random.default_rng(3)
    x0 = rng.standard_normal(1500)
    x1 = 0.9 * x0 + rng.standard_normal(1500)
    frame = pd.DataFrame({"a": x0, "b": x1, "c": 0.9 * x1 + rng.standard_normal(1500)})
    kw = {"experts": ["directlingam"], "n_bootstrap": 2, "cache": False, "referee": "none"}
    auto = discover(frame, **kw)  # type: ignore[arg-type]
    assert auto.settings["orientations"] == "cpdag"
    assert any("joint Gaussian" in n for n in auto.notes)
    assert {e.type for e in auto.edges} == {"undirected"}
    kept = discover(frame, orientations="dag", **kw)  # type: ignore[arg-type]
    assert kept.settings["orientations"] == "dag"
    assert all(e.type == "directed" for e in kept.edges)


def test_the_score_step_takes_the_model_the_table_is_read_in(
    monkeypatch: pytest.MonkeyPatch, small_discrete: pd.DataFrame
) -> None:
    import causal_ensemble._pipeline as pipeline
    from causal_ensemble.assemble import ScoreModel
    from causal_ensemble.assemble import settle_by_score as real

    calls: list[object] = []

    def spy(*args: object, **kwargs: object) -> object:
        out = real(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(out[1])
        return out

    monkeypatch.setattr(pipeline, "settle_by_score", spy)
    gaussian, _ = chain_collider_fork(1500, 3, noise="gaussian")
    result = discover(gaussian, experts=["pc", "ges"], referee="none", n_bootstrap=4)
    assert result.settings["orientations"] == "cpdag" and calls == [ScoreModel.GAUSSIAN]
    directed = {(e.source, e.target) for e in result.edges if e.type == "directed"}
    assert {("B", "D"), ("C", "D")} <= directed  # the collider the class compels
    assert all(e.settled_by != "score" for e in result.edges) or any(
        "Gaussian score" in n for n in result.notes
    )
    # uniform noise: PC and GES see the class only; the linear non-Gaussian score orients the rest
    uniform, truth = chain_collider_fork(1500, 3, noise="uniform")
    calls.clear()
    result = discover(uniform, experts=["pc", "ges"], referee="none", n_bootstrap=4)
    assert result.settings["orientations"] == "dag" and calls == [ScoreModel.LINEAR_NON_GAUSSIAN]
    assert {(e.source, e.target) for e in result.edges if e.type == "directed"} == truth
    assert any("linear non-Gaussian score" in n for n in result.notes)
    calls.clear()
    discover(small_discrete, experts=["pc", "ges"], referee="none", n_bootstrap=2)
    assert calls == [ScoreModel.MULTINOMIAL]
    calls.clear()
    mixed = small_discrete.assign(E=np.random.default_rng(0).normal(size=len(small_discrete)))
    discover(mixed, experts=["pc", "ges"], referee="none", n_bootstrap=2)
    assert calls == []  # no score for a mixed table
