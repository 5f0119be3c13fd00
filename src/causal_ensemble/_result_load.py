"""Reading a graph.json back into an :class:`EnsembleResult`.

The report, the exports and ``cea report`` work from a saved graph.json, so a result must survive the round
trip. Fields added to the schema after a file was written are optional here (older files still load), and
unknown fields are ignored (newer files still load); only what the contract requires is required.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from causal_ensemble._errors import InputError
from causal_ensemble._result import (
    SCHEMA,
    ContestedRecord,
    DecisionRecord,
    Edge,
    EnsembleResult,
    ExpertOpinion,
    ExpertReport,
    PairBelief,
    RefereeReport,
    RefereeVerdictRecord,
    Variable,
)
from causal_ensemble.assemble import AssemblyAction, EdgeType, SettledBy
from causal_ensemble.experts import FitStatus, StopReason
from causal_ensemble.pooling import Level

E = TypeVar("E", bound=StrEnum)


def _f(x: Any, default: float = 0.0) -> float:
    return default if x is None else float(x)


def _opt_f(x: Any) -> float | None:
    return None if x is None else float(x)


def _enum(cls: type[E], value: Any, field: str) -> E:
    """A closed-set field read back; an unknown value (a newer writer, a hand edit) is an error naming it."""
    try:
        return cls(str(value))
    except ValueError:
        known = ", ".join(m.value for m in cls)
        raise ValueError(f"{field} {value!r} is not one of {known}") from None


def _verdict(r: Mapping[str, Any]) -> RefereeVerdictRecord:
    return RefereeVerdictRecord(
        by=str(r.get("by", "")),
        level=_enum(Level, r.get("level", ""), "referee level"),
        weights={str(k): float(v) for k, v in (r.get("weights") or {}).items()},
        before=_f(r.get("before")),
        after=_f(r.get("after")),
        rationale=str(r.get("rationale") or ""),
    )


def _edge(e: Mapping[str, Any]) -> Edge:
    ref = e.get("referee")
    records: tuple[RefereeVerdictRecord, ...] = ()
    if ref:
        decisions = ref.get("decisions")
        records = tuple(_verdict(r) for r in decisions) if decisions else (_verdict(ref),)
    return Edge(
        source=str(e["source"]),
        target=str(e["target"]),
        type=_enum(EdgeType, e.get("type", "directed"), "edge type"),
        probability=_f(e["probability"]),
        adjacency=_f(e.get("adjacency"), _f(e["probability"])),
        orientation=_opt_f(e.get("orientation")),
        experts={
            str(k): ExpertOpinion(_f(v.get("adjacency")), _opt_f(v.get("orientation")))
            for k, v in (e.get("experts") or {}).items()
        },
        referee=records,
        ancestral=_opt_f(e.get("ancestral")),
        settled_by=_enum(SettledBy, e.get("settled_by") or ("referee" if records else "pool"), "settled_by"),
    )


def _expert(x: Mapping[str, Any]) -> ExpertReport:
    return ExpertReport(
        name=str(x["name"]),
        family=str(x.get("family") or ""),
        weight=_f(x.get("weight")),
        status=_enum(FitStatus, x.get("status") or "ok", "expert status"),
        error=None if x.get("error") is None else str(x["error"]),
        seconds=_f(x.get("seconds")),
        n_fits=int(x.get("n_fits") or 0),
        n_ok=int(x.get("n_ok") or 0),
        stability=_f(x.get("stability")),
        fit_gain=_f(x.get("fit_gain")),
        assumptions=tuple(str(a) for a in x.get("assumptions") or ()),
        params=dict(x.get("params") or {}),
        resamples_planned=(x.get("resampling") or {}).get("planned"),
        weight_orientation=_opt_f((x.get("weights") or {}).get("orientation")),
        weight_ancestral=_opt_f((x.get("weights") or {}).get("ancestral")),
        resampling_stopped=_enum(
            StopReason, (x.get("resampling") or {}).get("stopped") or "complete", "stopped"
        ),
    )


def read_pair_beliefs(block: Any) -> tuple[PairBelief, ...]:
    """graph.json's ``pair_beliefs`` table (columns named in the block itself); () when absent."""
    if not block:
        return ()
    cols = list(block["columns"])
    out = []
    for row in block["rows"]:
        r = dict(zip(cols, row, strict=True))
        out.append(
            PairBelief(
                str(r["source"]),
                str(r["target"]),
                float(r["adjacency"]),
                float(r["orientation"]),
                float(r.get("ancestral", 0.5)),
            )
        )
    return tuple(out)


def result_from_dict(obj: Mapping[str, Any], *, source: str = "graph.json") -> EnsembleResult:
    """The inverse of :meth:`EnsembleResult.to_dict`; ``source`` names the file in error messages."""
    if not isinstance(obj, Mapping):
        raise InputError(f"{source}: not a causal-ensemble graph.json (top level is not an object)")
    schema = obj.get("schema", SCHEMA)
    if not str(schema).startswith("causal-ensemble/graph@"):
        raise InputError(f"{source}: unknown schema {schema!r} (expected {SCHEMA!r})")
    try:
        ref = obj.get("referee") or {}
        agreement = obj.get("expert_agreement") or {}
        return EnsembleResult(
            variables=tuple(
                Variable(str(v["name"]), v.get("description"), str(v.get("type") or "continuous"))
                for v in obj.get("variables", [])
            ),
            edges=tuple(_edge(e) for e in obj["edges"]),
            experts=tuple(_expert(x) for x in obj.get("experts", [])),
            referee=RefereeReport(
                kind=str(ref.get("kind") or "none"),
                model=ref.get("model"),
                queries=int(ref.get("queries") or 0),
                cache_hits=int(ref.get("cache_hits") or 0),
                seconds=_f(ref.get("seconds")),
                failures=tuple(str(f) for f in ref.get("failures") or ()),
                model_calls=int(ref.get("model_calls") or 0),
                prompt_tokens=int(ref.get("prompt_tokens") or 0),
                completion_tokens=int(ref.get("completion_tokens") or 0),
                fallbacks=int(ref.get("fallbacks") or 0),
                unreviewed=int(ref.get("unreviewed") or 0),
            ),
            contested=tuple(
                ContestedRecord(
                    str(c["source"]),
                    str(c["target"]),
                    _enum(Level, c["level"], "contested level"),
                    _f(c["pooled"]),
                    _f(c["threshold"]),
                )
                for c in obj.get("contested", [])
            ),
            decisions=tuple(
                DecisionRecord(
                    str(d["source"]),
                    str(d["target"]),
                    _enum(AssemblyAction, d["action"], "assembly action"),
                    str(d.get("reason") or ""),
                )
                for d in obj.get("assembly_decisions", [])
            ),
            settings=dict(obj.get("settings") or {}),
            seed=int(obj.get("seed") or 0),
            version=str(obj.get("version") or "unknown"),
            notes=tuple(str(n) for n in obj.get("notes") or ()),
            expert_agreement={
                str(a): {str(b): float(v) for b, v in row.items()} for a, row in agreement.items()
            },
            pair_beliefs=read_pair_beliefs(obj.get("pair_beliefs")),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"{source}: not a causal-ensemble graph.json ({type(exc).__name__}: {exc})") from exc


def read_result(path: str | Path) -> EnsembleResult:
    """Load a graph.json written by ``cea discover`` (or :func:`write_outputs`)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    try:
        obj = json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{p}: not valid JSON ({exc})") from exc
    return result_from_dict(obj, source=str(p))
