"""The command line on good input: discover writes the three files; datasets list/export; evaluate."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from causal_ensemble.cli import app
from causal_ensemble.experts import DataKind, describe_experts, plan_panel

from ..conftest import chain_collider_fork

runner = CliRunner()


def test_discover_writes_graph_json_dot_and_report(tmp_path: Path) -> None:
    frame, truth = chain_collider_fork(600, 0)
    data = tmp_path / "data.csv"
    frame.to_csv(data, index=False)
    desc = tmp_path / "desc.yaml"
    desc.write_text("A: first cause\nD: the collider\n")
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "discover",
            str(data),
            "--out",
            str(out),
            "--experts",
            "pc,ges,directlingam",
            "--bootstrap",
            "3",
            "--descriptions",
            str(desc),
            "--seed",
            "1",
        ],
    )
    assert result.exit_code == 0, result.stderr
    graph = json.loads((out / "graph.json").read_text())
    assert graph["schema"] == "causal-ensemble/graph@1"
    assert {v["name"]: v["description"] for v in graph["variables"]}["D"] == "the collider"
    assert (out / "graph.dot").read_text().startswith("digraph")
    html = (out / "report.html").read_text()
    assert "<table" in html and "the collider" in html
    assert "expert panel" in result.stderr  # summary table goes to stderr, stdout stays clean

    truth_csv = tmp_path / "truth.csv"
    truth_csv.write_text("source,target\n" + "".join(f"{s},{t}\n" for s, t in sorted(truth)))
    ev = runner.invoke(app, ["evaluate", str(out / "graph.json"), "--truth", str(truth_csv), "--json"])
    assert ev.exit_code == 0, ev.stderr
    scores = json.loads(ev.stdout)
    assert scores["skeleton_f1"] == 1.0
    ev_dot = runner.invoke(
        app, ["evaluate", str(out / "graph.json"), "--truth", str(out / "graph.dot"), "--json"]
    )
    assert ev_dot.exit_code == 0, ev_dot.stderr
    own = json.loads(ev_dot.stdout)
    assert own["shd"] == 0 and own["skeleton_f1"] == 1.0  # a graph scored against its own DOT export


def test_discover_writes_the_panel_plan_notes_and_maps_parameter_errors_to_flags(tmp_path: Path) -> None:
    """The CLI takes the library's one path: the default panel's scaling notes reach graph.json, and a
    parameter error names the flag the user typed."""
    rng = np.random.default_rng(0)
    X = rng.integers(0, 2, size=(150, 41))  # binary, d = 41: the default discrete panel drops GES and more
    X[:, 1] = X[:, 0] ^ (rng.random(150) < 0.1)
    X[:, 40] = 1  # a constant column: kept as an isolated variable, with a note
    data = tmp_path / "wide.csv"
    pd.DataFrame(X, columns=[f"x{k}" for k in range(41)]).to_csv(data, index=False)
    out = tmp_path / "out"
    args = ["discover", str(data), "--out", str(out), "--quiet", "--no-cache", "--bootstrap", "1"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.stderr
    graph = json.loads((out / "graph.json").read_text())
    plan = plan_panel(DataKind.DISCRETE, 40, scale_panel=True, scale_bootstrap=False)
    assert plan.notes, "d = 40 must scale the default discrete panel, or this test checks nothing"
    for note in plan.notes:
        assert note in graph["notes"]
    assert any("x40" in n and "constant" in n for n in graph["notes"])
    assert graph["settings"]["experts"] == list(plan.experts)
    assert "x40" in [v["name"] for v in graph["variables"]]
    assert not [e for e in graph["edges"] if "x40" in (e["source"], e["target"])]
    assert {frozenset((e["source"], e["target"])) for e in graph["edges"]} >= {frozenset(("x0", "x1"))}

    for flag, value in [("--bootstrap", "-2"), ("--jobs", "0"), ("--time-limit", "0"), ("--margin", "0")]:
        bad = runner.invoke(app, ["discover", str(data), "--out", str(out), flag, value])
        assert bad.exit_code == 2
        lines = bad.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"cea: error: {flag} "), (flag, bad.stderr)


def test_experts_list_prints_every_expert_with_family_data_and_assumptions() -> None:
    res = runner.invoke(app, ["experts", "list"])
    assert res.exit_code == 0, res.stderr
    text = " ".join(res.stdout.split())
    for info in describe_experts():
        assert info.name in text and str(info.family) in text


def test_datasets_list_and_export(tmp_path: Path) -> None:
    listing = runner.invoke(app, ["datasets", "list"])
    assert listing.exit_code == 0
    for name in ("sachs", "bn-asia", "bn-alarm", "synth-linear-gaussian-er-d20"):
        assert name in listing.stdout
    res = runner.invoke(app, ["datasets", "export", "bn-asia", "--out", str(tmp_path), "--n", "300"])
    assert res.exit_code == 0, res.stderr
    assert {p.name for p in tmp_path.iterdir()} >= {"data.csv", "descriptions.json", "truth.csv"}
    bad = runner.invoke(app, ["datasets", "export", "no-such-data", "--out", str(tmp_path)])
    assert bad.exit_code == 2 and "no-such-data" in bad.stderr
