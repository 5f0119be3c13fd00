"""How much the experts agree: the heatmap in the report.

Computed over all variable pairs at run time (graph.json only keeps the experts' beliefs on the edges that
made it into the graph, so a file without ``expert_agreement`` falls back to those edges).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from causal_ensemble.assemble import EnsembleResult


def expert_agreement(adjacency: Mapping[str, npt.ArrayLike]) -> dict[str, dict[str, float]]:
    """Agreement of two experts = 1 - mean |P_a(i-j) - P_b(i-j)| over the pairs i < j.

    ``adjacency`` maps expert name to its (symmetric) matrix of adjacency beliefs. 1 means the two experts
    hold the same belief about every pair; 0 means they are certain and opposite everywhere.
    """
    mats = {k: np.asarray(v, dtype=float) for k, v in adjacency.items()}
    out: dict[str, dict[str, float]] = {}
    for a, A in mats.items():
        iu = np.triu_indices(A.shape[0], 1)
        out[a] = {}
        for b, B in mats.items():
            diff = np.abs(A[iu] - B[iu])
            out[a][b] = float(1.0 - diff.mean()) if diff.size else 1.0
    return out


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
