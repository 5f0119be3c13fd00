"""The notebook-facing side of a result: a DataFrame of edges, a networkx graph, short summaries.

These are functions of an :class:`EnsembleResult` (its methods delegate here) so that the result type
stays plain data and pandas/networkx are imported only when asked for.
"""

from __future__ import annotations

from html import escape
from typing import Any

import networkx as nx
import pandas as pd

from causal_ensemble._result import EnsembleResult
from causal_ensemble.assemble import EdgeType

_MARK = {EdgeType.DIRECTED: "->", EdgeType.UNDIRECTED: "--"}


def edge_table(result: EnsembleResult) -> pd.DataFrame:
    """One row per edge, in graph.json order; expert columns are ``adjacency[NAME]``/``orientation[NAME]``."""
    experts = [x.name for x in result.experts]
    rows: list[dict[str, Any]] = []
    for e in result.edges:
        main = e.referee[0] if e.referee else None
        row: dict[str, Any] = {
            "source": e.source,
            "target": e.target,
            "type": e.type.value,
            "probability": e.probability,
            "adjacency": e.adjacency,
            "orientation": e.orientation,
            "settled_by": e.settled_by.value,
            "referee": main.by if main else None,
            "referee_before": main.before if main else None,
            "referee_after": main.after if main else None,
            "rationale": main.rationale if main else None,
        }
        for name in experts:
            op = e.experts.get(name)
            row[f"adjacency[{name}]"] = None if op is None else op.adjacency
            row[f"orientation[{name}]"] = None if op is None else op.orientation
        rows.append(row)
    columns = (
        list(rows[0])
        if rows
        else [
            "source",
            "target",
            "type",
            "probability",
            "adjacency",
            "orientation",
            "settled_by",
            "referee",
            "referee_before",
            "referee_after",
            "rationale",
        ]
    )
    return pd.DataFrame(rows, columns=columns)


def to_networkx(result: EnsembleResult, *, both_directions: bool = True) -> nx.DiGraph:
    """Nodes carry ``description`` and ``type``; edges carry the edge's numbers and ``type``.

    With ``both_directions`` an undirected edge is two arcs (so reachability and
    ``to_undirected()`` see it from both ends); without, one arc from ``source`` to ``target`` per edge
    (what GraphML export writes, so the file has exactly the edges of graph.json).
    """
    g = nx.DiGraph(schema="causal-ensemble/graph@1", version=result.version, seed=result.seed)
    for v in result.variables:
        g.add_node(v.name, description=v.description or "", type=v.type)
    for e in result.edges:
        attrs: dict[str, Any] = {
            "type": e.type.value,
            "probability": e.probability,
            "adjacency": e.adjacency,
            "settled_by": e.settled_by.value,
            "refereed": bool(e.referee),
        }
        if e.orientation is not None:
            attrs["orientation"] = e.orientation
        g.add_edge(e.source, e.target, **attrs)
        if both_directions and e.type is not EdgeType.DIRECTED:
            g.add_edge(e.target, e.source, **attrs)
    return g


def summary_text(result: EnsembleResult, *, max_edges: int = 20) -> str:
    """Plain text for a terminal or a log."""
    lines = [repr(result), "", "edges (by probability):"]
    edges = sorted(result.edges, key=lambda e: -e.probability)
    width = max((len(e.source) for e in edges), default=0)
    for e in edges[:max_edges]:
        ref = f"  [refereed by {e.referee[0].by}]" if e.referee else ""
        lines.append(f"  {e.source:>{width}} {_MARK[e.type]:^3} {e.target}  p={e.probability:.2f}{ref}")
    if len(edges) > max_edges:
        lines.append(f"  ... {len(edges) - max_edges} more (result.edge_table() has them all)")
    lines.append("experts:")
    for x in result.experts:
        err = f"  ({x.error})" if x.error else ""
        lines.append(f"  {x.name:<18} {x.status:<8} weight {x.weight:.3f}  {x.seconds:.1f}s{err}")
    if result.contested:
        lines.append(f"contested decisions: {len(result.contested)} (referee: {result.referee.kind})")
    return "\n".join(lines)


def summary_html(result: EnsembleResult, *, max_edges: int = 15) -> str:
    """A compact notebook view; every user-supplied string is escaped."""
    e_ = escape
    edges = sorted(result.edges, key=lambda e: -e.probability)
    rows = "".join(
        f"<tr><td>{e_(e.source)}</td><td>{e_(_MARK[e.type])}</td><td>{e_(e.target)}</td>"
        f"<td>{e.probability:.2f}</td><td>{e_(e.settled_by)}</td></tr>"
        for e in edges[:max_edges]
    )
    more = f"<p>… {len(edges) - max_edges} more edges</p>" if len(edges) > max_edges else ""
    experts = ", ".join(
        f"{e_(x.name)} ({x.weight:.2f}{'' if x.status == 'ok' else ', ' + e_(x.status)})"
        for x in result.experts
    )
    return (
        f"<div><p><b>{e_(repr(result))}</b></p><table><thead><tr><th>source</th><th></th><th>target</th>"
        f"<th>probability</th><th>settled by</th></tr></thead><tbody>{rows}</tbody></table>{more}"
        f"<p>experts (weight): {experts}</p></div>"
    )
