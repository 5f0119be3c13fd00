"""Graphviz DOT rendering of a result: pen width and label carry each edge's probability."""

from __future__ import annotations

from causal_ensemble._result import EnsembleResult
from causal_ensemble.assemble import EdgeType


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(result: EnsembleResult) -> str:
    lines = ["digraph causal_ensemble {", "  rankdir=LR;", "  node [shape=box, style=rounded];"]
    for v in result.variables:
        tip = f", tooltip={_q(v.description)}" if v.description else ""
        lines.append(f"  {_q(v.name)} [label={_q(v.name)}{tip}];")
    for e in result.edges:
        attrs = [f"label={_q(f'{e.probability:.2f}')}", f"penwidth={0.5 + 3.0 * e.probability:.2f}"]
        if e.type is EdgeType.UNDIRECTED:
            attrs.append("dir=none")
        if e.referee:
            attrs.append("color=darkorange")
        lines.append(f"  {_q(e.source)} -> {_q(e.target)} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
