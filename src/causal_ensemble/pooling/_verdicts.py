"""Applying a referee's verdicts: each contested decision recomputed by the pool under new expert weights.

This is a pooling step, not a refereeing one: it lives beside the pool it recomputes, so the referee
stage only produces :class:`Verdict` objects and never touches pooled numbers itself. Because the pool
is recomputed from the experts' own beliefs, an edge that no expert proposed keeps pooled belief 0
whatever the weights: a referee arbitrates among experts, it cannot invent an edge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from causal_ensemble._errors import InputError
from causal_ensemble.pooling._pool import Contested, Level, Pool, PooledBeliefs


@dataclass(frozen=True)
class Verdict:
    """A referee's answer on one contested decision: new weights of the experts, and why."""

    contested: Contested
    weights: Mapping[str, float]
    rationale: str
    by: str


@dataclass(frozen=True)
class RefereeRecord:
    """The provenance of one refereed decision, as written to graph.json."""

    level: Level
    by: str
    weights: Mapping[str, float]
    before: float
    after: float
    rationale: str


def apply_verdicts(
    pool: Pool, pooled: PooledBeliefs, verdicts: Sequence[Verdict]
) -> tuple[PooledBeliefs, dict[tuple[int, int], list[RefereeRecord]]]:
    """Recompute each refereed decision under its verdict's weights; return new beliefs and provenance.

    A verdict whose weights are all zero is ignored (it would silence every expert). Records are keyed by
    the unordered pair ``(min(i, j), max(i, j))``.
    """
    adj = pooled.adjacency.copy()
    orient = pooled.orientation.copy()
    records: dict[tuple[int, int], list[RefereeRecord]] = {}
    names = pool.weights.names
    for v in verdicts:
        c = v.contested
        unknown = set(v.weights) - set(names)
        if unknown:
            raise InputError(f"referee {v.by!r} weighted unknown experts: {sorted(unknown)}")
        w = np.array([max(float(v.weights.get(n, 0.0)), 0.0) for n in names])
        if w.sum() <= 0:
            continue
        a, o = pool.pair(c.i, c.j, w)
        if c.level is Level.ADJACENCY:
            before, after = float(adj[c.i, c.j]), a
            adj[c.i, c.j] = adj[c.j, c.i] = a
        else:
            before, after = float(orient[c.i, c.j]), o
            orient[c.i, c.j], orient[c.j, c.i] = o, 1.0 - o
        norm = {n: float(x) for n, x in zip(names, w / w.sum(), strict=True)}
        key = (min(c.i, c.j), max(c.i, c.j))
        records.setdefault(key, []).append(RefereeRecord(c.level, v.by, norm, before, after, v.rationale))
    return PooledBeliefs(adj, orient, pooled.ancestral, pooled.weights), records
