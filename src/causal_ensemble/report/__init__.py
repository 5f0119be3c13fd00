"""Report: a result written as graph.json, graph.dot and a self-contained report.html; exports to
GraphML, adjacency CSV and networkx; the page frame for other report pages."""

from causal_ensemble._result_load import read_result, result_from_dict
from causal_ensemble._result_views import edge_table, summary_text, to_networkx
from causal_ensemble.report._dot import to_dot
from causal_ensemble.report._export import ExportFormat, export_text, to_adjacency_csv, to_graphml
from causal_ensemble.report._html import TruthOverlay, render_report, to_html
from causal_ensemble.report._page import SORT_SCRIPT, embed_png, esc, html_page, json_island
from causal_ensemble.report._write import write_outputs, write_text_atomic

__all__ = [
    "SORT_SCRIPT",
    "ExportFormat",
    "TruthOverlay",
    "edge_table",
    "embed_png",
    "esc",
    "export_text",
    "html_page",
    "json_island",
    "read_result",
    "render_report",
    "result_from_dict",
    "summary_text",
    "to_adjacency_csv",
    "to_dot",
    "to_graphml",
    "to_html",
    "to_networkx",
    "write_outputs",
    "write_text_atomic",
]
