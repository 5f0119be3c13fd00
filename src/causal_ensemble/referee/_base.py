"""The referee contract: what a referee may read, what it returns, and what it reports.

A referee sees only the contested decisions and returns, per decision, a :class:`Verdict` (new expert
weights with a rationale). Applying verdicts is the pool's job (``pooling.apply_verdicts``), which is
why a referee cannot add an edge: the pool is recomputed from the experts' own beliefs.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from causal_ensemble.data import Knowledge
from causal_ensemble.experts import Expert
from causal_ensemble.pooling import Contested, Level, Pool, Verdict


class RefereeKind(StrEnum):
    """The built-in referees, by their ``--referee`` name (a custom referee may report its own kind)."""

    AUTO = "auto"  # the embedded LLM where its model is installed, else the statistical referee
    NONE = "none"
    STATS = "stats"
    LLM = "llm"
    HUMAN = "human"
    KNOWLEDGE = "knowledge"


@dataclass(frozen=True)
class RefereeContext:
    """What a referee may read: names, descriptions, the pool (expert beliefs, weights), the experts and
    the data (for diagnostics)."""

    names: tuple[str, ...]
    descriptions: Mapping[str, str]
    pool: Pool
    experts: Mapping[str, Expert]
    values: npt.NDArray[np.float64]
    discrete: npt.NDArray[np.bool_]
    knowledge: Knowledge | None = None
    deadline: float | None = None  # time.monotonic() after which no decision is reviewed

    @property
    def n_rows(self) -> int:
        return int(self.values.shape[0])

    def out_of_time(self) -> bool:
        """Whether the run's budget is spent: the decisions not reviewed yet stay with the pool."""
        return self.deadline is not None and time.monotonic() >= self.deadline


def level_weights(pool: Pool, level: Level) -> dict[str, float]:
    """The pool's weights for the level a decision is on: an orientation decision starts from the
    orientation weights the pool used for it, not from the adjacency weights."""
    vector = pool.weights.level(level.value)
    return {n: float(w) for n, w in zip(pool.weights.names, vector, strict=True)}


@dataclass
class RefereeSummary:
    kind: str
    model: str | None = None
    queries: int = 0
    cache_hits: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    model_calls: int = 0  # calls that reached a model (re-asks and retries included); LLM referee only
    prompt_tokens: int = 0
    completion_tokens: int = 0
    fallbacks: int = 0  # decisions an LLM referee handed to the statistical referee
    unreviewed: int = 0  # contested decisions left to the pool because the run's time was spent


@runtime_checkable
class Referee(Protocol):
    kind: str
    model: str | None

    def referee(self, contested: Sequence[Contested], context: RefereeContext) -> list[Verdict]:
        """Return verdicts for (some of) the contested decisions."""
        ...

    def report(self) -> RefereeSummary:
        """What this referee did in the run: queries, cache hits, tokens, failures."""
        ...


class NoReferee:
    """``--referee none``: contested decisions are settled by the pool alone."""

    kind: str = RefereeKind.NONE
    model: str | None = None

    def referee(self, contested: Sequence[Contested], context: RefereeContext) -> list[Verdict]:
        return []

    def report(self) -> RefereeSummary:
        return RefereeSummary(kind=self.kind)
