"""How much the experts agree with one another, over all variable pairs.

Computed from the beliefs at run time because graph.json keeps the experts' beliefs only on the edges
that made it into the graph; the report draws it as a heatmap.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt


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
