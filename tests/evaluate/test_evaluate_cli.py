"""`cea evaluate` on a hand-written graph.json: every metric, beliefs read from the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from causal_ensemble.cli import app
from causal_ensemble.evaluate import evaluate_graph, load_graph_file

runner = CliRunner()


def _edge(s: str, t: str, kind: str, adj: float, orient: float | None) -> dict[str, object]:
    p = adj if orient is None else adj * orient
    return {"source": s, "target": t, "type": kind, "probability": p, "adjacency": adj, "orientation": orient}


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    graph = {
        "schema": "causal-ensemble/graph@1",
        "variables": [{"name": n, "description": None, "type": "continuous"} for n in "ABC"],
        "edges": [
            _edge("A", "B", "directed", 0.9, 0.8),  # right
            _edge("B", "C", "undirected", 0.6, None),  # true B -> C, left undecided
            _edge("A", "C", "directed", 0.7, 1.0),  # extra
        ],
    }
    g = tmp_path / "graph.json"
    g.write_text(json.dumps(graph))
    truth = tmp_path / "truth.csv"
    truth.write_text("source,target\nA,B\nB,C\n")
    return g, truth


def test_evaluate_json_has_every_metric_with_hand_values(files: tuple[Path, Path]) -> None:
    g, truth = files
    res = runner.invoke(app, ["evaluate", str(g), "--truth", str(truth), "--json"])
    assert res.exit_code == 0, res.stderr
    s = json.loads(res.stdout)
    assert s["shd"] == 2  # undirected B-C and extra A-C
    assert s["skeleton_precision"] == pytest.approx(2 / 3) and s["skeleton_recall"] == 1.0
    assert s["directed_precision"] == pytest.approx(1.5 / 3) and s["directed_recall"] == pytest.approx(0.75)
    assert s["directed_recall_strict"] == pytest.approx(0.5)
    assert s["orientation_accuracy"] == pytest.approx(0.75)
    # P(A->B)=.72, P(B->A)=.18, P(B->C)=P(C->B)=.3, P(A->C)=.7, P(C->A)=0; truth A->B, B->C
    brier = (0.28**2 + 0.18**2 + 0.7**2 + 0.3**2 + 0.7**2 + 0.0) / 6
    assert s["brier"] == pytest.approx(brier)
    for key in ("ece", "auprc_directed", "auprc_skeleton", "aid", "sid"):
        assert s[key] is not None
    graph_spec = load_graph_file(g)
    assert graph_spec.probabilities[("B", "A")] == pytest.approx(0.18)
    assert evaluate_graph(graph_spec, load_graph_file(truth)).shd == 2


def test_evaluate_table_output(files: tuple[Path, Path]) -> None:
    g, truth = files
    res = runner.invoke(app, ["evaluate", str(g), "--truth", str(truth)])
    assert res.exit_code == 0, res.stderr
    for key in ("shd", "directed_f1_strict", "orientation_accuracy", "aid", "brier", "auprc_directed"):
        assert key in res.stdout


def test_evaluate_missing_truth_exits_2(files: tuple[Path, Path], tmp_path: Path) -> None:
    g, _ = files
    res = runner.invoke(app, ["evaluate", str(g), "--truth", str(tmp_path / "nope.csv")])
    assert res.exit_code == 2 and "nope.csv" in res.stderr
