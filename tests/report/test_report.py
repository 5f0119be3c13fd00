"""report.html as text, the graph.json round trip, the exports and the Python API of EnsembleResult."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from causal_ensemble import EnsembleResult, InputError
from causal_ensemble.assemble import EdgeType
from causal_ensemble.beliefs import expert_agreement
from causal_ensemble.cli import app
from causal_ensemble.report import (
    TruthOverlay,
    export_text,
    html_page,
    json_island,
    read_result,
    render_report,
    result_from_dict,
    to_adjacency_csv,
    to_graphml,
)

SACHS_GRAPH = Path(__file__).parent / "data" / "sachs_graph.json"
XSS = "<script>alert(1)</script>"
runner = CliRunner()


@pytest.fixture(scope="module")
def sachs() -> EnsembleResult:
    return read_result(SACHS_GRAPH)


def _hostile(result: EnsembleResult) -> EnsembleResult:
    """The Sachs result with one variable renamed everywhere to a script tag (via the JSON document)."""
    text = SACHS_GRAPH.read_text().replace('"PKA"', json.dumps(XSS))
    doc = json.loads(text)
    doc["edges"][0]["referee"] = {
        "by": "llm",
        "level": "orientation",
        "weights": {},
        "before": 0.5,
        "after": 0.9,
        "rationale": "</script><script>alert(2)</script>",
    }
    return result_from_dict(doc)


def test_graph_json_round_trip_is_lossless(sachs: EnsembleResult) -> None:
    doc = json.loads(SACHS_GRAPH.read_text())
    again = sachs.to_dict()
    assert again == doc
    assert EnsembleResult.from_dict(doc) == sachs


def test_older_referee_block_without_llm_counters_still_loads() -> None:
    doc = json.loads(SACHS_GRAPH.read_text())
    for key in ("model_calls", "prompt_tokens", "completion_tokens", "fallbacks"):
        del doc["referee"][key]
    loaded = EnsembleResult.from_dict(doc)
    assert loaded.referee.queries == 9
    assert (loaded.referee.model_calls, loaded.referee.fallbacks) == (0, 0)


def test_loader_accepts_minimal_contract_document_and_rejects_garbage(tmp_path: Path) -> None:
    minimal = {
        "schema": "causal-ensemble/graph@1",
        "variables": [
            {"name": "a", "description": None, "type": "continuous"},
            {"name": "b", "description": None, "type": "continuous"},
        ],
        "edges": [
            {
                "source": "a",
                "target": "b",
                "type": "directed",
                "probability": 0.9,
                "adjacency": 0.95,
                "orientation": 0.9,
                "experts": {"pc": {"adjacency": 1.0, "orientation": 1.0}},
                "referee": None,
            }
        ],
        "experts": [{"name": "pc", "weight": 1.0, "status": "ok", "error": None, "seconds": 0.1}],
        "referee": {"kind": "none", "model": None, "queries": 0, "cache_hits": 0, "seconds": 0.0},
        "settings": {},
        "seed": 0,
        "version": "0.1.0",
    }
    r = result_from_dict(minimal)
    assert r.edges[0].type is EdgeType.DIRECTED and r.edges[0].settled_by == "pool"
    html = render_report(r)  # no expert_agreement: the heatmap falls back to the edges
    assert "the edges of the graph only" in html
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "something/else"}')
    with pytest.raises(InputError, match="unknown schema"):
        read_result(bad)
    bad.write_text('{"edges": [{"source": "a"}]}')
    with pytest.raises(InputError, match=r"not a causal-ensemble graph\.json"):
        read_result(bad)
    bad.write_text("not json")
    with pytest.raises(InputError, match="not valid JSON"):
        read_result(bad)


def test_report_escapes_user_strings_everywhere(sachs: EnsembleResult) -> None:
    html = render_report(_hostile(sachs))
    assert XSS not in html
    assert "alert(2)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # SVG text, table cells, titles
    island = html.split('id="cea-graph">', 1)[1].split("</script>", 1)[0]
    assert "<" not in island and json.loads(island)["variables"][7]["name"] == XSS
    assert html.count("<script") == 2  # the JSON island and the page's own script


def test_page_is_offline_and_allows_only_its_own_script(sachs: EnsembleResult) -> None:
    html = render_report(sachs)
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html and "src=" not in html
    assert "default-src 'none'" in html and "script-src 'sha256-" in html
    page = html_page("t <x>", "<p>body</p>", script="1+1;")
    assert "<title>t &lt;x&gt;</title>" in page


def test_json_island_cannot_be_closed_from_inside() -> None:
    island = json_island("x", {"a": "</script><b>&"})
    assert island.count("</script>") == 1
    assert json.loads(island.split(">", 1)[1].rsplit("<", 1)[0]) == {"a": "</script><b>&"}


def test_report_draws_every_edge_and_the_truth_marks(sachs: EnsembleResult) -> None:
    html = render_report(sachs)
    assert html.count('<g class="edge') == len(sachs.edges)
    assert f"the starting weight ({sachs.settings['weights_rule']})" in html
    assert html.count("<tr class=") >= len(sachs.edges)
    truth = frozenset({(sachs.edges[0].source, sachs.edges[0].target), ("praf", "PIP2"), ("pmek", "praf")})
    overlay = TruthOverlay(sachs.names, truth, frozenset())
    html = render_report(sachs, truth=overlay)
    assert html.count('<g class="truth-missing"') == 1  # praf -> PIP2 is not in the graph
    n_extra = len(sachs.edges) - 2  # edges 0 and praf -> pmek (reversed or correct) are in the truth
    assert html.count("truth-extra") >= n_extra
    assert "truth-reversed" in html  # the graph has praf -> pmek, the truth pmek -> praf


def test_expert_agreement() -> None:
    a = [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    b = [[0, 1, 1], [1, 0, 0], [1, 0, 0]]
    m = expert_agreement({"a": a, "b": b})
    assert m["a"]["a"] == 1.0 and m["a"]["b"] == pytest.approx(2 / 3) and m["b"]["a"] == m["a"]["b"]


def test_exports(sachs: EnsembleResult, tmp_path: Path) -> None:
    g = nx.parse_graphml(to_graphml(sachs))
    assert g.number_of_edges() == len(sachs.edges) and set(g.nodes) == set(sachs.names)
    e = sachs.edges[0]
    assert g.edges[e.source, e.target]["type"] == e.type.value
    assert g.edges[e.source, e.target]["probability"] == pytest.approx(e.probability)
    rows = list(csv.reader(io.StringIO(to_adjacency_csv(sachs))))
    assert rows[0][1:] == list(sachs.names) and len(rows) == len(sachs.names) + 1
    idx = {n: k for k, n in enumerate(sachs.names)}
    nonzero = sum(float(x) > 0 for row in rows[1:] for x in row[1:])
    assert nonzero == sum(1 if x.type is EdgeType.DIRECTED else 2 for x in sachs.edges)
    d = next(x for x in sachs.edges if x.type is EdgeType.DIRECTED)
    assert float(rows[1 + idx[d.source]][1 + idx[d.target]]) == pytest.approx(d.probability)
    assert float(rows[1 + idx[d.target]][1 + idx[d.source]]) == 0.0
    assert json.loads(export_text(sachs, "json")) == sachs.to_dict()
    assert export_text(sachs, "dot").startswith("digraph")
    with pytest.raises(InputError, match="--format"):
        export_text(sachs, "png")


def test_python_api(sachs: EnsembleResult) -> None:
    table = sachs.edge_table()
    assert len(table) == len(sachs.edges)
    assert list(table["source"]) == [e.source for e in sachs.edges]
    assert "adjacency[pc]" in table.columns and "orientation[directlingam]" in table.columns
    assert table["referee"].notna().sum() == sum(bool(e.referee) for e in sachs.edges)
    assert sachs.to_pandas().equals(table)
    g = sachs.to_networkx()
    n_und = sum(e.type is not EdgeType.DIRECTED for e in sachs.edges)
    assert g.number_of_edges() == len(sachs.edges) + n_und
    assert g.nodes["PKA"]["description"].startswith("Protein kinase A")
    e = sachs.edges[0]
    assert sachs.edge(e.target, e.source) is e and sachs.edge("praf", "praf") is None
    text = sachs.summary()
    assert text.startswith("<EnsembleResult 11 variables") and "experts:" in text
    assert f"p={max(x.probability for x in sachs.edges):.2f}" in text
    html = _hostile(sachs)._repr_html_()
    assert "<table>" in html and XSS not in html


def test_cli_report_export_and_evaluate_report(tmp_path: Path) -> None:
    graph = tmp_path / "run" / "graph.json"
    graph.parent.mkdir()
    graph.write_text(SACHS_GRAPH.read_text())
    res = runner.invoke(app, ["report", str(graph)])
    assert res.exit_code == 0, res.stderr
    assert (graph.parent / "report.html").read_text().count('<g class="edge') == 28
    res = runner.invoke(app, ["report", str(graph), "--out", str(tmp_path / "x" / "r.html")])
    assert res.exit_code == 0 and (tmp_path / "x" / "r.html").is_file()
    res = runner.invoke(app, ["report", str(graph), "--out", str(tmp_path / "x")])  # a directory
    assert res.exit_code == 0 and (tmp_path / "x" / "report.html").is_file()
    res = runner.invoke(app, ["export", str(graph), "--format", "graphml"])
    assert res.exit_code == 0 and nx.parse_graphml(res.stdout).number_of_edges() == 28
    res = runner.invoke(app, ["export", str(graph), "--format", "csv", "--out", str(tmp_path / "a.csv")])
    assert res.exit_code == 0 and (tmp_path / "a.csv").read_text().startswith(",praf,")
    truth = tmp_path / "truth.csv"
    truth.write_text("source,target\npraf,pmek\npraf,PIP2\n")
    res = runner.invoke(
        app, ["evaluate", str(graph), "--truth", str(truth), "--report", str(tmp_path / "t.html")]
    )
    assert res.exit_code == 0, res.stderr
    assert '<g class="truth-missing"' in (tmp_path / "t.html").read_text()
    for args, needle in [
        (["report", str(tmp_path / "nope.json")], "nope.json: no such file"),
        (["export", str(graph), "--format", "png"], "--format"),
        (["report", str(truth)], "not valid JSON"),
        (["export", str(graph), "--format", "csv", "--out", str(tmp_path)], "is a directory"),
    ]:
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        assert needle in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_page_helper_for_other_pages() -> None:
    from causal_ensemble.report import SORT_SCRIPT, embed_png

    img = embed_png(b"\x89PNG\r\n", 'plot "a" <b>')
    assert img.startswith('<img alt="plot &quot;a&quot; &lt;b&gt;"') and "data:image/png;base64," in img
    page = html_page("Benchmark", img, script=SORT_SCRIPT)
    assert "img-src data:" in page and page.count("<script>") == 1


def test_truth_with_undirected_pairs(sachs: EnsembleResult) -> None:
    overlay = TruthOverlay(sachs.names, frozenset(), frozenset({frozenset(("praf", "PIP2"))}), "cpdag")
    html = render_report(sachs, truth=overlay)
    missing = html.split('<g class="truth-missing"', 1)[1].split("</g>", 1)[0]
    assert 'data-source="PIP2" data-target="praf"' in missing and "<polygon" not in missing  # no arrowhead
    assert html.count('<g class="truth-missing"') == 1
