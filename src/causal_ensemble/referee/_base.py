"""The referee contract: who may re-weight the experts on a contested decision, and how it is applied.

A referee sees only the contested decisions and returns, per decision, new expert weights with a
rationale. It cannot add an edge: the pool is recomputed from the experts' own beliefs under those
weights, so an edge no expert proposed keeps pooled belief 0 whatever the weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from causal_ensemble._errors import InputError
from causal_ensemble.data import Knowledge
from causal_ensemble.experts import Expert
from causal_ensemble.pooling import Contested, Level, Pool, PooledBeliefs


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

    @property
    def n_rows(self) -> int:
        return int(self.values.shape[0])


@dataclass(frozen=True)
class Verdict:
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

    kind = "none"
    model: str | None = None

    def referee(self, contested: Sequence[Contested], context: RefereeContext) -> list[Verdict]:
        return []

    def report(self) -> RefereeSummary:
        return RefereeSummary(kind=self.kind)


def apply_verdicts(
    pool: Pool, pooled: PooledBeliefs, verdicts: Sequence[Verdict]
) -> tuple[PooledBeliefs, dict[tuple[int, int], list[RefereeRecord]]]:
    """Recompute each refereed decision under its verdict's weights; return new beliefs and provenance."""
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


REFEREE_KINDS = ("none", "stats", "llm", "human", "knowledge")


def make_referee(
    kind: str, *, llm: str | None = None, llm_budget: int = 200, disguise_names: bool = False
) -> Referee:
    """Referee by its ``--referee`` name. ``--referee llm`` defaults to ``--llm local``."""
    key = kind.strip().lower()
    if key not in REFEREE_KINDS:
        raise InputError(f"--referee must be one of {', '.join(REFEREE_KINDS)}; got {kind!r}")
    if llm is not None and key != "llm":
        raise InputError("--llm is only used with --referee llm")
    if key == "none":
        return NoReferee()
    if key == "stats":
        from causal_ensemble.referee._stats import StatsReferee

        return StatsReferee()
    if key == "human":
        from causal_ensemble.referee._human import HumanReferee

        return HumanReferee()
    if key == "knowledge":
        from causal_ensemble.referee._knowledge import KnowledgeReferee

        return KnowledgeReferee()
    from causal_ensemble.referee._llm import LLMReferee

    return LLMReferee.from_spec(llm or "local", max_queries=llm_budget, disguise_names=disguise_names)
