"""report.html in a real headless Chromium: the drawing, the table and the JSON island agree with
graph.json, the page logs no errors, sorting works, and hostile names render as text without running."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from causal_ensemble import discover, write_outputs
from causal_ensemble.data.datasets import load_dataset
from causal_ensemble.report import TruthOverlay, read_result, render_report

from ..conftest import chain_collider_fork
from .browser import chromium, console_errors, full_page_png, no_native_alert, require_browser

SACHS_GRAPH = Path(__file__).parent / "data" / "sachs_graph.json"
XSS = "<script>alert(1)</script>"
XSS_IMG = '<img src=x onerror="alert(2)">'
XSS_DESC = "</script><script>alert(3)</script> & <b>bold</b>"


def _edges_in_page(driver: object) -> list[tuple[str, str]]:
    rows = driver.find_elements("css selector", "#edges tbody tr")  # type: ignore[attr-defined]
    return [(r.get_attribute("data-source"), r.get_attribute("data-target")) for r in rows]


def test_sachs_report_in_chromium(tmp_path: Path) -> None:
    require_browser()
    doc = json.loads(SACHS_GRAPH.read_text())
    result = read_result(SACHS_GRAPH)
    page = tmp_path / "report.html"
    page.write_text(render_report(result), encoding="utf-8")
    with chromium() as driver:
        driver.get(page.as_uri())
        assert driver.title.startswith("Causal Ensemble report")
        svg_edges = driver.find_elements("css selector", "#graph g.edge")
        assert len(svg_edges) == len(doc["edges"]) > 0
        svg_pairs = {(g.get_attribute("data-source"), g.get_attribute("data-target")) for g in svg_edges}
        want = {(e["source"], e["target"]) for e in doc["edges"]}
        assert svg_pairs == want
        assert len(driver.find_elements("css selector", "#graph g.node")) == len(doc["variables"])
        # Arrowheads: one per directed edge, two per bidirected edge.
        heads = sum({"directed": 1, "bidirected": 2, "undirected": 0}[e["type"]] for e in doc["edges"])
        assert len(driver.find_elements("css selector", "#graph g.edge > polygon")) == heads
        refereed = [e for e in doc["edges"] if e["referee"]]
        assert len(driver.find_elements("css selector", "#graph g.edge.refereed")) == len(refereed)

        # The table has one row per graph.json edge, with the same endpoints and probabilities.
        assert sorted(_edges_in_page(driver)) == sorted(want)
        prob = {(e["source"], e["target"]): e["probability"] for e in doc["edges"]}
        for row in driver.find_elements("css selector", "#edges tbody tr"):
            cells = row.find_elements("css selector", "td")
            key = (cells[0].text, cells[2].text)
            assert key in prob
            assert float(cells[3].text) == pytest.approx(prob[key], abs=0.005)

        # Sorting: clicking "probability" sorts ascending, clicking again descending.
        header = driver.find_elements("css selector", "#edges thead th")[3]
        header.click()
        asc = [
            float(r.find_elements("css selector", "td")[3].get_attribute("data-v"))
            for r in driver.find_elements("css selector", "#edges tbody tr")
        ]
        assert asc == sorted(asc)
        header.click()
        desc = [
            float(r.find_elements("css selector", "td")[3].get_attribute("data-v"))
            for r in driver.find_elements("css selector", "#edges tbody tr")
        ]
        assert desc == sorted(asc, reverse=True)

        # The expert panel and the heatmap show every expert; the JSON island is graph.json.
        assert len(driver.find_elements("css selector", "#experts tbody tr")) == len(doc["experts"])
        n_hm = len(doc["expert_agreement"])
        assert len(driver.find_elements("css selector", "#agreement g.hm-cell")) == n_hm * n_hm
        island = driver.execute_script("return JSON.parse(document.getElementById('cea-graph').textContent)")
        assert island["edges"] == doc["edges"]
        assert console_errors(driver) == []
        assert driver.execute_script("return window.__alerts") == []

        shot = Path(os.environ.get("CEA_REPORT_SCREENSHOT", tmp_path / "sachs-report.png"))
        full_page_png(driver, shot)
        assert shot.stat().st_size > 10_000


def test_truth_overlay_in_chromium(tmp_path: Path) -> None:
    require_browser()
    result = read_result(SACHS_GRAPH)
    truth = load_dataset("sachs").truth
    assert truth is not None
    overlay = TruthOverlay(result.names, frozenset(truth), frozenset(), "sachs consensus")
    have = {frozenset((e.source, e.target)) for e in result.edges}
    n_missing = sum(frozenset(p) not in have for p in truth)
    n_reversed = sum(e.type.value == "directed" and (e.target, e.source) in truth for e in result.edges)
    n_extra = sum(frozenset((e.source, e.target)) not in {frozenset(p) for p in truth} for e in result.edges)
    page = tmp_path / "truth.html"
    page.write_text(render_report(result, truth=overlay), encoding="utf-8")
    with chromium() as driver:
        driver.get(page.as_uri())
        assert len(driver.find_elements("css selector", "#graph g.truth-missing")) == n_missing
        assert len(driver.find_elements("css selector", "#graph g.edge.truth-reversed")) == n_reversed
        assert len(driver.find_elements("css selector", "#graph g.edge.truth-extra")) == n_extra
        assert len(driver.find_elements("css selector", "#graph g.edge")) == len(result.edges)
        assert len(driver.find_elements("css selector", "#missing tbody tr")) == n_missing
        marks = [
            r.find_elements("css selector", "td")[-1].get_attribute("data-v")
            for r in driver.find_elements("css selector", "#edges tbody tr")
        ]
        assert marks.count("extra") == n_extra and marks.count("reversed") == n_reversed
        assert console_errors(driver) == []


def test_hostile_names_render_as_text_in_chromium(tmp_path: Path) -> None:
    require_browser()
    frame, _ = chain_collider_fork(300, 3)
    frame = frame.rename(columns={"A": XSS, "B": XSS_IMG})
    result = discover(
        frame,
        descriptions={"D": XSS_DESC, XSS: XSS_DESC},
        experts=["pc", "directlingam"],
        n_bootstrap=1,
        seed=0,
    )
    assert any(XSS in (e.source, e.target) for e in result.edges), "the hostile column should have an edge"
    write_outputs(result, tmp_path)
    with chromium() as driver:
        driver.get((tmp_path / "report.html").as_uri())
        assert no_native_alert(driver)
        assert driver.execute_script("return window.__alerts") == []
        # Shown as text: the node label in the SVG, a cell of the edge table, a cell of the variables table.
        labels = [t.text for t in driver.find_elements("css selector", "#graph g.node > text")]
        assert XSS in labels and XSS_IMG in labels
        cells = [c.text for c in driver.find_elements("css selector", "#edges tbody td")]
        assert XSS in cells
        var_cells = [c.text for c in driver.find_elements("css selector", "#variables tbody td")]
        assert XSS in var_cells and XSS_DESC in var_cells
        # SVG <title> tooltips hold the raw text too.
        titles = driver.execute_script(
            "return Array.from(document.querySelectorAll('#graph g.node > title')).map(t => t.textContent)"
        )
        assert f"{XSS}: {XSS_DESC}" in titles
        # Nothing was parsed as markup: only the page's own two scripts, no <img>, no <b>.
        assert driver.execute_script("return document.scripts.length") == 2
        assert driver.execute_script("return document.querySelectorAll('img, b').length") == 0
        island = driver.execute_script("return JSON.parse(document.getElementById('cea-graph').textContent)")
        assert XSS in [v["name"] for v in island["variables"]]
        assert console_errors(driver) == []
        assert driver.execute_script("return window.__alerts") == []
