"""The report's agreement heatmap: the run's all-pairs agreement, or an estimate from the kept edges.

A graph.json without ``expert_agreement`` (an older file) falls back to the edges it holds.
"""

from __future__ import annotations

import numpy as np

from causal_ensemble._result import EnsembleResult


def agreement_for_report(result: EnsembleResult) -> tuple[dict[str, dict[str, float]], str]:
    """The agreement matrix and what it was computed over (for the heatmap's caption)."""
    if result.expert_agreement:
        return {a: dict(r) for a, r in result.expert_agreement.items()}, "all variable pairs"
    names = [x.name for x in result.experts if any(x.name in e.experts for e in result.edges)]
    out: dict[str, dict[str, float]] = {}
    for a in names:
        out[a] = {}
        for b in names:
            d = [
                abs(e.experts[a].adjacency - e.experts[b].adjacency)
                for e in result.edges
                if a in e.experts and b in e.experts
            ]
            out[a][b] = 1.0 - float(np.mean(d)) if d else 1.0
    return out, "the edges of the graph only (this graph.json has no expert_agreement)"
