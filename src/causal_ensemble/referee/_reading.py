"""From a referee's reading of a pair ("a causes b", "no edge", ...) to expert weights.

Referees that hold an opinion about the world rather than about the experts (an LLM, a human, the
knowledge file) never set the pooled belief directly: experts whose own beliefs agree with the reading
gain weight, the others lose it, and the pool is recomputed. An edge no expert proposed stays at 0.

Two kinds of reading. A categorical one (a human's answer, a knowledge file's rule) moves weights by a
fixed factor. A graded one (an LLM's calibrated probability q that the decision's "yes" side is true)
moves each expert's weight by the probability that the expert is right if the truth is drawn from q:
``w * (b q + (1 - b)(1 - q))`` for an expert with belief b. That is Bayes' rule with the expert's belief as
its prediction: at q = 1/2 every weight halves and the pool does not move; at q near 1 the weights follow
the experts that saw it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from causal_ensemble.pooling import Contested, Level
from causal_ensemble.referee._base import RefereeContext, level_weights

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


def graded_weights(
    c: Contested, q: float, context: RefereeContext, start: Mapping[str, float] | None = None
) -> dict[str, float] | None:
    """Per-expert weights for decision ``c`` after a graded reading: ``q`` is P(adjacent) for an adjacency
    decision and P(c.i -> c.j) for an orientation one. ``start`` (default: the pool's weights for the
    level) lets a referee chain this after another re-weighting."""
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"a graded reading is a probability, got {q}")
    base = dict(start) if start is not None else level_weights(context.pool, c.level)
    opinions = context.pool.expert_opinions(c.i, c.j)
    k = 0 if c.level is Level.ADJACENCY else 1
    weights = {n: float(base[n]) * (opinions[n][k] * q + (1.0 - opinions[n][k]) * (1.0 - q)) for n in base}
    return weights if sum(weights.values()) > 0 else None
