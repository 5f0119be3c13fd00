"""Report: a result written as graph.json, graph.dot and a self-contained report.html."""

from causal_ensemble.report._dot import to_dot
from causal_ensemble.report._html import to_html
from causal_ensemble.report._write import write_outputs

__all__ = ["to_dot", "to_html", "write_outputs"]
