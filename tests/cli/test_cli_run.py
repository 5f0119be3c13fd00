"""The command line on good input: discover writes the three files; datasets list/export; evaluate."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from causal_ensemble.cli import app

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
    assert json.loads(ev_dot.stdout)["shd"] >= 0


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
