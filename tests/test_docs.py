"""docs/python-api.md's Python examples run as written and produce what the text says."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

from ._markdown import run_python_blocks

DOC = Path(__file__).resolve().parents[1] / "docs" / "python-api.md"


def test_python_api_page_runs(tmp_path: Path) -> None:
    n_blocks, namespace = run_python_blocks(DOC, tmp_path)
    assert n_blocks >= 4
    out = tmp_path / "out" / "api-demo"
    names = {p.name for p in out.iterdir()}
    assert {
        "graph.json",
        "graph.dot",
        "report.html",
        "graph.graphml",
        "adjacency.csv",
        "report-truth.html",
    } <= names
    again, result = namespace["again"], namespace["result"]
    assert again.to_dict() == result.to_dict()  # type: ignore[attr-defined]
    assert isinstance(namespace["table"], pd.DataFrame) and isinstance(namespace["g"], nx.DiGraph)
    assert "truth-missing" in (out / "report-truth.html").read_text()
