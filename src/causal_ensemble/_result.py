"""The run's result: the assembled graph with every edge's provenance, and its graph.json form.

It sits at the top of the package, beside the pipeline that builds it, so that no stage has to import the
report to hand its output on; the report reads this module, never the other way round (the conveniences
below import the report lazily, at call time).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from causal_ensemble.assemble import AssemblyAction, EdgeType, SettledBy
from causal_ensemble.experts import FitStatus, StopReason
from causal_ensemble.pooling import Level

SCHEMA = "causal-ensemble/graph@1"


@dataclass(frozen=True)
class Variable:
    name: str
    description: str | None
    type: str


@dataclass(frozen=True)
class ExpertOpinion:
    adjacency: float
    orientation: float | None


@dataclass(frozen=True)
class RefereeVerdictRecord:
    by: str
    level: Level
    weights: Mapping[str, float]
    before: float
    after: float
    rationale: str


@dataclass(frozen=True)
class Edge:
    """One edge of the result; for undirected edges ``source``/``target`` are in name order."""

    source: str
    target: str
    type: EdgeType
    probability: float
    adjacency: float
    orientation: float | None
    experts: Mapping[str, ExpertOpinion]
    referee: tuple[RefereeVerdictRecord, ...] = ()
    settled_by: SettledBy = SettledBy.POOL
    ancestral: float | None = None  # P(source precedes target) in the pooled ancestral beliefs


@dataclass(frozen=True)
class ExpertReport:
    name: str
    family: str
    weight: float
    status: FitStatus
    error: str | None
    seconds: float
    n_fits: int
    n_ok: int
    stability: float
    fit_gain: float
    assumptions: tuple[str, ...]
    params: Mapping[str, Any]
    resamples_planned: int | None = None  # what the run allowed it (None: files before budgets)
    # Weights per graph level (adjacency is ``weight``); None in files written before per-level weights.
    weight_orientation: float | None = None
    weight_ancestral: float | None = None
    resampling_stopped: StopReason = StopReason.COMPLETE


@dataclass(frozen=True)
class ContestedRecord:
    source: str
    target: str
    level: Level
    pooled: float
    threshold: float


@dataclass(frozen=True)
class PairBelief:
    """The final pooled beliefs about one pair (after the referee), whether or not it became an edge:
    ``orientation`` is P(source -> target | adjacent), ``ancestral`` P(source precedes target).

    Kept for every pair the pool gives a non-zero adjacency belief (the rest are 0), so that calibration
    (Brier, ECE, AUPRC) can be computed over all pairs, not only over the kept edges."""

    source: str
    target: str
    adjacency: float
    orientation: float
    ancestral: float


PAIR_COLUMNS = ("source", "target", "adjacency", "orientation", "ancestral")


@dataclass(frozen=True)
class DecisionRecord:
    """A choice the assembly made that the pooled numbers alone do not explain (graph.json
    ``assembly_decisions``)."""

    source: str
    target: str
    action: AssemblyAction
    reason: str


@dataclass(frozen=True)
class RefereeReport:
    kind: str
    model: str | None
    queries: int
    cache_hits: int
    seconds: float
    failures: tuple[str, ...] = ()
    model_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    fallbacks: int = 0
    unreviewed: int = 0


@dataclass(frozen=True)
class EnsembleResult:
    """What ``cea discover`` learned. Plain data: metrics and writers are separate functions."""

    variables: tuple[Variable, ...]
    edges: tuple[Edge, ...]
    experts: tuple[ExpertReport, ...]
    referee: RefereeReport
    contested: tuple[ContestedRecord, ...]
    decisions: tuple[DecisionRecord, ...]
    settings: Mapping[str, Any]
    seed: int
    version: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Pairwise agreement of the experts' adjacency beliefs over all variable pairs (1 = identical).
    expert_agreement: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    pair_beliefs: tuple[PairBelief, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables)

    def directed_edges(self) -> list[tuple[str, str]]:
        return [(e.source, e.target) for e in self.edges if e.type is EdgeType.DIRECTED]

    def undirected_edges(self) -> list[tuple[str, str]]:
        return [(e.source, e.target) for e in self.edges if e.type is EdgeType.UNDIRECTED]

    def __repr__(self) -> str:
        n_dir, n_und = len(self.directed_edges()), len(self.undirected_edges())
        ok = sum(e.status == "ok" for e in self.experts)
        return (
            f"<EnsembleResult {len(self.variables)} variables, {n_dir} directed + {n_und} undirected edges, "
            f"{ok}/{len(self.experts)} experts ok, {len(self.contested)} contested, "
            f"referee={self.referee.kind}>"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "variables": [
                {"name": v.name, "description": v.description, "type": v.type} for v in self.variables
            ],
            "edges": [_edge_dict(e) for e in self.edges],
            "experts": [
                {
                    "name": x.name,
                    "weight": _r(x.weight),
                    "status": x.status.value,
                    "error": x.error,
                    "seconds": _r(x.seconds, 3),
                    "family": x.family,
                    "n_fits": x.n_fits,
                    "n_ok": x.n_ok,
                    "stability": _r(x.stability),
                    "fit_gain": _r(x.fit_gain),
                    "assumptions": list(x.assumptions),
                    "params": dict(x.params),
                    **(
                        {}
                        if x.weight_orientation is None
                        else {
                            "weights": {
                                "adjacency": _r(x.weight),
                                "orientation": _r(x.weight_orientation),
                                "ancestral": _r(
                                    x.weight_ancestral if x.weight_ancestral is not None else 0.0
                                ),
                            }
                        }
                    ),
                    **(
                        {}  # a file written before budgets has no such block, and keeps none
                        if x.resamples_planned is None
                        else {
                            "resampling": {
                                "planned": x.resamples_planned,
                                "kept": max(x.n_fits - 1, 0),
                                "stopped": x.resampling_stopped.value,
                            }
                        }
                    ),
                }
                for x in self.experts
            ],
            "referee": {
                "kind": self.referee.kind,
                "model": self.referee.model,
                "queries": self.referee.queries,
                "cache_hits": self.referee.cache_hits,
                "seconds": _r(self.referee.seconds, 3),
                "failures": list(self.referee.failures),
                "model_calls": self.referee.model_calls,
                "prompt_tokens": self.referee.prompt_tokens,
                "completion_tokens": self.referee.completion_tokens,
                "fallbacks": self.referee.fallbacks,
                "unreviewed": self.referee.unreviewed,
            },
            "contested": [
                {
                    "source": c.source,
                    "target": c.target,
                    "level": c.level.value,
                    "pooled": _r(c.pooled),
                    "threshold": c.threshold,
                }
                for c in self.contested
            ],
            "assembly_decisions": [
                {"source": d.source, "target": d.target, "action": d.action.value, "reason": d.reason}
                for d in self.decisions
            ],
            "settings": dict(self.settings),
            "seed": self.seed,
            "version": self.version,
            "notes": list(self.notes),
            "expert_agreement": {
                a: {b: _r(v) for b, v in row.items()} for a, row in self.expert_agreement.items()
            },
            **({"pair_beliefs": self._pairs_block()} if self.pair_beliefs else {}),
        }

    def _pairs_block(self) -> dict[str, Any]:
        """One row per pair the pool believes in at all, as a table (compact for large d)."""
        return {
            "columns": list(PAIR_COLUMNS),
            "rows": [
                [p.source, p.target, _r(p.adjacency, 4), _r(p.orientation, 4), _r(p.ancestral, 4)]
                for p in self.pair_beliefs
            ],
        }

    def to_json(self, path: str | Path | None = None) -> str:
        text = json.dumps(self.to_dict(), indent=2, sort_keys=False) + "\n"
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    # --- Python API conveniences (implemented in causal_ensemble._result_views; see docs/python-api.md) ---

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> EnsembleResult:
        """The inverse of :meth:`to_dict` (older and newer graph@1 files load too)."""
        from causal_ensemble._result_load import result_from_dict

        return result_from_dict(obj)

    @classmethod
    def read_json(cls, path: str | Path) -> EnsembleResult:
        """Load a graph.json written by ``cea discover``."""
        from causal_ensemble._result_load import read_result

        return read_result(path)

    def edge(self, source: str, target: str) -> Edge | None:
        """The edge between two variables in either direction, or None when they are not adjacent."""
        for e in self.edges:
            if {e.source, e.target} == {source, target}:
                return e
        return None

    def edge_table(self) -> Any:
        """One row per edge (a pandas DataFrame), with each expert's beliefs and the referee's verdict."""
        from causal_ensemble._result_views import edge_table

        return edge_table(self)

    def to_pandas(self) -> Any:
        """Same as :meth:`edge_table`."""
        return self.edge_table()

    def to_networkx(self) -> Any:
        """A ``networkx.DiGraph``; undirected edges appear as two arcs with ``type`` set."""
        from causal_ensemble._result_views import to_networkx

        return to_networkx(self)

    def summary(self) -> str:
        """A few lines of plain text: edges by confidence, the expert panel, contested decisions."""
        from causal_ensemble._result_views import summary_text

        return summary_text(self)

    def _repr_html_(self) -> str:
        from causal_ensemble._result_views import summary_html

        return summary_html(self)


def _r(x: float, digits: int = 6) -> float:
    return round(float(x), digits) if math.isfinite(x) else 0.0


def _edge_dict(e: Edge) -> dict[str, Any]:
    ref: dict[str, Any] | None = None
    if e.referee:
        main = e.referee[0]
        ref = {
            "by": main.by,
            "level": main.level.value,
            "weights": {k: _r(v) for k, v in main.weights.items()},
            "before": _r(main.before),
            "after": _r(main.after),
            "rationale": main.rationale,
            "decisions": [
                {
                    "by": r.by,
                    "level": r.level.value,
                    "weights": {k: _r(v) for k, v in r.weights.items()},
                    "before": _r(r.before),
                    "after": _r(r.after),
                    "rationale": r.rationale,
                }
                for r in e.referee
            ],
        }
    return {
        "source": e.source,
        "target": e.target,
        "type": e.type.value,
        "probability": _r(e.probability),
        "adjacency": _r(e.adjacency),
        "orientation": None if e.orientation is None else _r(e.orientation),
        "experts": {
            k: {
                "adjacency": _r(v.adjacency),
                "orientation": None if v.orientation is None else _r(v.orientation),
            }
            for k, v in e.experts.items()
        },
        "referee": ref,
        "settled_by": e.settled_by.value,
        **({} if e.ancestral is None else {"ancestral": _r(e.ancestral)}),  # older files have none
    }
