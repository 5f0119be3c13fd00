"""From a referee's reading of a pair ("a causes b", "no edge", ...) to expert weights.

Referees that hold an opinion about the world rather than about the experts (an LLM, a human, the
knowledge file) never set the pooled belief directly: experts whose own beliefs agree with the reading
gain weight, the others lose it, and the pool is recomputed. An edge no expert proposed stays at 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from causal_ensemble.pooling import Contested, Level
from causal_ensemble.referee._base import RefereeContext

STRENGTH = 4.0  # an expert in full agreement gets 4x its weight, one in full disagreement 1/4


@dataclass(frozen=True)
class Reading:
    """``adjacent`` None: no opinion. ``source``/``target`` set only when the direction is read too."""

    adjacent: bool | None
    source: int | None = None
    target: int | None = None

    def describe(self, names: tuple[str, ...]) -> str:
        if self.adjacent is None:
            return "no opinion"
        if not self.adjacent:
            return f"no direct edge between {names[self.source or 0]} and {names[self.target or 0]}"
        if self.source is None or self.target is None:
            return "adjacent, direction unknown"
        return f"{names[self.source]} -> {names[self.target]}"


def reading_weights(
    c: Contested, reading: Reading, context: RefereeContext, strength: float = STRENGTH
) -> dict[str, float] | None:
    """Per-expert weights for decision ``c`` under ``reading``; None when the reading says nothing
    about this decision (e.g. "adjacent, direction unknown" on an orientation decision)."""
    base = context.pool.weights
    opinions = context.pool.expert_opinions(c.i, c.j)
    if c.level is Level.ADJACENCY:
        if reading.adjacent is None:
            return None
        agree = {n: (a if reading.adjacent else 1.0 - a) for n, (a, _) in opinions.items()}
    else:
        if not reading.adjacent or reading.source is None:
            return None
        forward = (reading.source, reading.target) == (c.i, c.j)
        agree = {n: (o if forward else 1.0 - o) for n, (_, o) in opinions.items()}
    weights = {n: float(base[n]) * strength ** (2.0 * agree[n] - 1.0) for n in base.names}
    return weights if sum(weights.values()) > 0 else None
