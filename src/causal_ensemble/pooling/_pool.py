"""The linear opinion pool over experts, at every graph level, and the decisions it leaves contested.

Each level is pooled with that level's expert weights (:meth:`ExpertWeights.level`), because an expert
can be reliable on the skeleton and not on directions. Adjacency and ancestral beliefs are plain weighted
averages. Orientation is a belief *conditional on adjacency*, so an expert that does not see an edge has
no say on its direction: the orientation pool weights each expert by ``orientation weight × its adjacency
belief`` (still a linear pool, with weights renormalised per pair), and, where its undirected marks
are abstentions (:attr:`ExpertBeliefs.decided`, on tables whose arrows are identifiable), by the share of
its graphs that orient the pair. With no expert seeing (or orienting) the edge it stays at 1/2. A
referee's weights for one decision (:meth:`Pool.pair`) replace both levels' weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from causal_ensemble._errors import InputError, ParameterError
from causal_ensemble.beliefs import ExpertBeliefs
from causal_ensemble.pooling._weights import ExpertWeights

FloatMatrix = npt.NDArray[np.float64]


class Level(StrEnum):
    ADJACENCY = "adjacency"
    ORIENTATION = "orientation"


@dataclass(frozen=True)
class PooledBeliefs:
    adjacency: FloatMatrix
    orientation: FloatMatrix
    ancestral: FloatMatrix
    weights: ExpertWeights


@dataclass(frozen=True)
class Contested:
    """A decision the pool leaves within ``margin`` of its threshold: what a referee is asked to settle.

    For ``Level.ORIENTATION`` the pair ``(i, j)`` is ordered so that ``pooled`` is P(i -> j | adjacent).
    """

    i: int
    j: int
    level: Level
    pooled: float
    threshold: float


@dataclass(frozen=True)
class PoolSettings:
    """The decision rule: keep an edge at pooled adjacency >= ``threshold``; an orientation within
    ``margin`` of 1/2 stays undirected; the referee sees the decisions within ``referee_margin`` of their
    thresholds, at most ``referee_share`` of the variable pairs, the least certain first.

    ``0 < margin < min(threshold, 1 - threshold)``: with ``margin = 0`` the undecided orientation band is
    empty (every undecided edge would be oriented by column order); with ``threshold - margin <= 0``
    every non-adjacent pair would be a candidate. The referee's band is wider than the undirected band
    (an effective band of ``max(margin, referee_margin)``) because widening the undirected band itself
    costs accuracy (more undirected edges), while a wider referee band only offers the referee more of the
    pool's errors; the share caps its cost. Measured on 23 cached panels (``python
    benchmarks/contested_errors.py``): margin 0.10 alone contested 41 % of the pool's errors but up to 27 %
    of a table's pairs; band 0.30 capped at 15 %, undecided edges first, contested 44 % and never more
    than 15 % of any table's pairs.
    """

    threshold: float = 0.5
    margin: float = 0.1
    referee_margin: float = 0.3
    referee_share: float = 0.15

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ParameterError("threshold", f"must be in (0, 1), got {self.threshold}")
        bound = min(self.threshold, 1.0 - self.threshold)
        if not 0.0 < self.margin < bound:
            raise ParameterError(
                "margin",
                f"must be in (0, {bound:g}) (below both threshold and 1 - threshold), got {self.margin}",
            )
        if not 0.0 < self.referee_margin <= bound:
            raise ParameterError(
                "referee_margin",
                f"must be in (0, {bound:g}] (threshold and 1 - threshold), got {self.referee_margin}",
            )
        if not 0.0 < self.referee_share <= 1.0:
            raise ParameterError("referee_share", f"must be in (0, 1], got {self.referee_share}")

    @property
    def referee_band(self) -> float:
        return max(self.margin, self.referee_margin)


@dataclass
class Pool:
    """Expert beliefs plus weights; recomputes any single decision under other weights (for referees)."""

    beliefs: Sequence[ExpertBeliefs]
    weights: ExpertWeights
    _stack: dict[str, FloatMatrix] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if tuple(b.expert for b in self.beliefs) != self.weights.names:
            raise InputError("beliefs and weights must list the same experts in the same order")
        if not self.beliefs:
            raise InputError("no expert produced a graph; nothing to pool")
        adjacency = np.stack([b.adjacency for b in self.beliefs])
        decided = np.stack(
            [np.ones_like(b.adjacency) if b.decided is None else b.decided for b in self.beliefs]
        )
        self._stack = {
            "adjacency": adjacency,
            "orientation": np.stack([b.orientation for b in self.beliefs]),
            "ancestral": np.stack([b.ancestral for b in self.beliefs]),
            # each expert's say on a pair's direction: it must see the edge, and orient it where its
            # undirected marks are abstentions
            "say": adjacency * decided,
        }

    def pooled(self) -> PooledBeliefs:
        w = self.weights
        adj = np.asarray(np.tensordot(w.values, self._stack["adjacency"], axes=1), dtype=np.float64)
        anc = np.asarray(np.tensordot(w.ancestral, self._stack["ancestral"], axes=1), dtype=np.float64)
        ow = w.orientation[:, None, None] * self._stack["say"]
        num = np.sum(ow * self._stack["orientation"], axis=0)
        den = ow.sum(axis=0)
        orient = np.divide(num, den, out=np.full(adj.shape, 0.5), where=den > 1e-12)
        return PooledBeliefs(adj, orient, anc, self.weights)

    def pair(self, i: int, j: int, weights: npt.ArrayLike) -> tuple[float, float]:
        """Pooled (adjacency, orientation i -> j) of one pair under ``weights`` (normalised here), which
        stand for every level: a referee judging one decision says whom to trust on it, not per level."""
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != self.weights.values.shape or np.any(w < 0) or w.sum() <= 0:
            raise InputError("referee weights must be non-negative, one per expert, not all zero")
        w = w / w.sum()
        a = self._stack["adjacency"][:, i, j]
        say = self._stack["say"][:, i, j]
        o = self._stack["orientation"][:, i, j]
        adj = float(w @ a)
        den = float(w @ say)
        orient = float((w * say) @ o / den) if den > 1e-12 else 0.5
        return adj, orient

    def expert_opinions(self, i: int, j: int) -> dict[str, tuple[float, float]]:
        return {b.expert: (float(b.adjacency[i, j]), float(b.orientation[i, j])) for b in self.beliefs}


def find_contested(pooled: PooledBeliefs, settings: PoolSettings) -> list[Contested]:
    """The decisions a referee is offered, in pair order: adjacency decisions within the referee band of
    the threshold, and orientation decisions within the band of 1/2 on pairs the pool may keep.

    At most ``referee_share`` of the pairs (at least one) are offered, ranked by: an edge the assembly
    would leave undirected first (it is an error against any DAG unless settled), then the distance of
    the pair's closest decision from its threshold, then pair index (deterministic). Each offered pair
    brings all of its candidate decisions, so that a referee who adds an edge also says its direction.
    """
    t, band = settings.threshold, settings.referee_band
    d = pooled.adjacency.shape[0]
    candidates: list[tuple[tuple[bool, float, int, int], list[Contested]]] = []
    for i in range(d):
        for j in range(i + 1, d):
            a = float(pooled.adjacency[i, j])
            o = float(pooled.orientation[i, j])
            found: list[Contested] = []
            distance = float("inf")
            if abs(a - t) < band:
                found.append(Contested(i, j, Level.ADJACENCY, a, t))
                distance = abs(a - t)
            if a >= t - band and abs(o - 0.5) < band:
                found.append(Contested(i, j, Level.ORIENTATION, o, 0.5))
                distance = min(distance, abs(o - 0.5))
            if found:
                undecided = a >= t and abs(o - 0.5) < settings.margin
                candidates.append(((not undecided, distance, i, j), found))
    cap = max(1, int(settings.referee_share * d * (d - 1) / 2 + 1e-9))
    chosen = sorted(candidates, key=lambda item: item[0])[:cap]
    chosen.sort(key=lambda item: (item[0][2], item[0][3]))
    return [c for _, found in chosen for c in found]
