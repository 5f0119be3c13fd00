"""Exports of a result for other tools: GraphML (Gephi, yEd, igraph), an adjacency CSV (spreadsheets,
R), JSON (graph.json itself) and DOT (Graphviz)."""

from __future__ import annotations

import csv
import io
from enum import StrEnum

import networkx as nx

from causal_ensemble._errors import InputError
from causal_ensemble._result import EnsembleResult
from causal_ensemble._result_views import to_networkx
from causal_ensemble.assemble import EdgeType
from causal_ensemble.report._dot import to_dot


class ExportFormat(StrEnum):
    DOT = "dot"
    GRAPHML = "graphml"
    JSON = "json"
    CSV = "csv"


SUFFIX = {
    ExportFormat.DOT: ".dot",
    ExportFormat.GRAPHML: ".graphml",
    ExportFormat.JSON: ".json",
    ExportFormat.CSV: ".csv",
}


def to_graphml(result: EnsembleResult) -> str:
    """One GraphML edge per graph.json edge (source -> target), with ``type`` telling its mark."""
    g = to_networkx(result, both_directions=False)
    return "\n".join(nx.generate_graphml(g, prettyprint=True)) + "\n"


def to_adjacency_csv(result: EnsembleResult) -> str:
    """A square matrix with a header row and column of names: cell (row i, column j) is the probability of
    an edge i -> j; an undirected edge fills both cells; 0 means no edge."""
    names = list(result.names)
    idx = {n: k for k, n in enumerate(names)}
    m = [[0.0] * len(names) for _ in names]
    for e in result.edges:
        s, t = idx[e.source], idx[e.target]
        m[s][t] = e.probability
        if e.type is not EdgeType.DIRECTED:
            m[t][s] = e.probability
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["", *names])
    for n, row in zip(names, m, strict=True):
        w.writerow([n, *(f"{x:.6g}" for x in row)])
    return buf.getvalue()


def export_text(result: EnsembleResult, fmt: str | ExportFormat) -> str:
    """The result in one of the export formats (``dot``, ``graphml``, ``json``, ``csv``)."""
    try:
        f = ExportFormat(fmt)
    except ValueError:
        raise InputError(
            f"--format: unknown format {fmt!r} (choose from {', '.join(x.value for x in ExportFormat)})"
        ) from None
    if f is ExportFormat.DOT:
        return to_dot(result)
    if f is ExportFormat.GRAPHML:
        return to_graphml(result)
    if f is ExportFormat.CSV:
        return to_adjacency_csv(result)
    return result.to_json()
