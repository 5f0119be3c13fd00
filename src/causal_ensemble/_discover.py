"""The Causal Ensemble Agent, end to end: data -> experts -> beliefs -> pool -> referee -> assembly.

This module only composes the stages; each stage lives in its own sub-package and can be used alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from causal_ensemble._errors import InputError
from causal_ensemble.assemble import assemble
from causal_ensemble.assemble._result import (
    ContestedRecord,
    EnsembleResult,
    ExpertReport,
    RefereeReport,
    RefereeVerdictRecord,
    Variable,
    build_edges,
    decision_dicts,
)
from causal_ensemble.beliefs import ExpertBeliefs, beliefs_from_graphs
from causal_ensemble.data import Dataset, Knowledge, from_frame, load_table
from causal_ensemble.experts import Expert, KnowledgeMasks, default_panel, make_panel
from causal_ensemble.experts._base import data_kind
from causal_ensemble.experts._bootstrap import (
    BootstrapResult,
    FitRecord,
    resample_indices,
    resampling_scheme,
    run_panel,
)
from causal_ensemble.experts._cache import FitCache, resolve_cache
from causal_ensemble.experts._scaling import plan_panel
from causal_ensemble.pooling import Pool, PoolSettings, find_contested, reliability_weights
from causal_ensemble.referee import NoReferee, Referee, RefereeContext, RefereeSummary, apply_verdicts
from causal_ensemble.report._agreement import expert_agreement

logger = logging.getLogger(__name__)


def package_version() -> str:
    try:
        return version("causal-ensemble")
    except PackageNotFoundError:  # running from a source tree
        return "0+unknown"


@dataclass(frozen=True)
class RunSettings:
    """Every knob of a run; validated here so errors name the option a user typed."""

    n_bootstrap: int = 20
    threshold: float = 0.5
    margin: float = 0.1
    seed: int = 0
    n_jobs: int = 1
    time_limit: float | None = 300.0

    def __post_init__(self) -> None:
        if self.n_bootstrap < 0:
            raise InputError(f"--bootstrap must be >= 0, got {self.n_bootstrap}")
        if self.n_jobs == 0 or self.n_jobs < -1:
            raise InputError(f"--jobs must be a positive number or -1 (all cores), got {self.n_jobs}")
        if self.seed < 0:
            raise InputError(f"--seed must be >= 0, got {self.seed}")
        if self.time_limit is not None and self.time_limit <= 0:
            raise InputError(f"--time-limit must be > 0 seconds, got {self.time_limit}")
        PoolSettings(self.threshold, self.margin)


def _masks(knowledge: Knowledge | None, names: Sequence[str]) -> KnowledgeMasks:
    d = len(names)
    if knowledge is None or knowledge.is_empty:
        return KnowledgeMasks.none(d)
    return KnowledgeMasks(
        knowledge.forbidden_matrix(names), knowledge.required_matrix(names), knowledge.tier_matrix(names)
    )


def _as_dataset(data: Dataset | pd.DataFrame | str | Path) -> Dataset:
    if isinstance(data, Dataset):
        return data
    if isinstance(data, pd.DataFrame):
        return from_frame(data)
    return load_table(data)


def discover(
    data: Dataset | pd.DataFrame | str | Path,
    *,
    descriptions: Mapping[str, str] | None = None,
    knowledge: Knowledge | None = None,
    experts: Sequence[str | Expert] | None = None,
    referee: Referee | None = None,
    n_bootstrap: int | None = None,
    threshold: float = 0.5,
    margin: float = 0.1,
    seed: int = 0,
    n_jobs: int = 1,
    time_limit: float | None = 300.0,
    on_fit: Callable[[FitRecord], None] | None = None,
    scheduler: Any = None,
    cache: FitCache | str | Path | bool | None = None,
    memory_limit: float | None = None,
) -> EnsembleResult:
    """Learn a causal graph with the Causal Ensemble Agent.

    ``data`` is a validated :class:`Dataset`, a DataFrame (validated here) or a CSV/Parquet path.
    ``on_fit`` is called after every single expert fit, e.g. to drive a progress bar.
    ``n_bootstrap=None`` and ``experts=None`` scale with the number of variables (see
    :func:`causal_ensemble.experts._scaling.plan_panel`; the result's notes say what was reduced).
    ``scheduler`` (Dask address or client) runs the fits on a cluster; ``cache`` (a directory, ``True``
    for the default one, or a :class:`FitCache`) reuses fits across runs; ``memory_limit`` caps the
    memory (MB) one local fit may add.
    """
    if referee is not None and referee.kind == "knowledge" and (knowledge is None or knowledge.is_empty):
        raise InputError("--referee knowledge needs a non-empty --knowledge FILE")
    ds = _as_dataset(data)
    if descriptions:
        ds = ds.with_descriptions(descriptions)
    disc = ds.discrete_mask
    kind = data_kind(disc)
    plan = plan_panel(kind, ds.n_vars, scale_panel=experts is None, scale_bootstrap=n_bootstrap is None)
    if n_bootstrap is None:
        n_bootstrap = plan.n_bootstrap
    settings = RunSettings(n_bootstrap, threshold, margin, seed, n_jobs, time_limit)
    if memory_limit is not None and memory_limit <= 0:
        raise InputError(f"--memory-limit must be > 0 MB, got {memory_limit}")
    pool_settings = PoolSettings(threshold, margin)
    names = ds.names
    X = ds.values
    panel = _panel(experts, kind) if experts is not None else make_panel(plan.experts)
    masks = _masks(knowledge, names)

    scheme = resampling_scheme(disc)
    resamples = resample_indices(len(X), settings.n_bootstrap, seed, scheme=scheme)
    runs = run_panel(
        panel,
        X,
        discrete=disc,
        knowledge=masks,
        n_bootstrap=settings.n_bootstrap,
        seed=seed,
        n_jobs=n_jobs,
        time_limit_s=time_limit,
        on_fit=on_fit,
        resamples=resamples,
        scheduler=scheduler,
        cache=resolve_cache(cache),
        memory_limit_mb=memory_limit,
    )
    beliefs: list[ExpertBeliefs | None] = [
        beliefs_from_graphs(r.name, r.graphs) if r.graphs else None for r in runs
    ]
    for r in runs:
        if r.error:
            logger.warning("expert %s: %s", r.name, r.error)
    weights_all = reliability_weights(runs, beliefs, X, resamples, discrete=kind.value == "discrete")
    alive = [k for k, b in enumerate(beliefs) if b is not None]
    if not alive:
        errors = "; ".join(f"{r.name}: {r.error}" for r in runs)
        raise InputError(f"no expert could learn a graph from {ds.source}: {errors}")
    alive_beliefs = [b for b in beliefs if b is not None]
    weights = weights_all.subset(alive)
    pool = Pool(alive_beliefs, weights)
    pooled = pool.pooled()
    contested = find_contested(pooled, pool_settings)

    ref: Referee = referee if referee is not None else NoReferee()
    start = time.perf_counter()
    context = RefereeContext(
        names, dict(ds.descriptions), pool, {e.name: e for e in panel}, X, disc, knowledge
    )
    verdicts = ref.referee(contested, context) if contested else []
    summary: RefereeSummary = ref.report()
    summary.seconds = time.perf_counter() - start
    final, records = apply_verdicts(pool, pooled, verdicts)
    graph = assemble(final, pool_settings, masks)

    opinions = {b.expert: (b.adjacency, b.orientation) for b in alive_beliefs}
    agreement = expert_agreement({b.expert: b.adjacency for b in alive_beliefs})
    ref_records = {
        k: [RefereeVerdictRecord(r.by, r.level.value, r.weights, r.before, r.after, r.rationale) for r in v]
        for k, v in records.items()
    }
    edges = build_edges(graph, names, opinions, ref_records)
    return EnsembleResult(
        variables=tuple(Variable(n, ds.descriptions.get(n), ds.types[n].value) for n in names),
        edges=edges,
        experts=tuple(_expert_report(r, weights_all, k) for k, r in enumerate(runs)),
        referee=RefereeReport(
            summary.kind,
            summary.model,
            summary.queries,
            summary.cache_hits,
            summary.seconds,
            tuple(summary.failures),
            summary.model_calls,
            summary.prompt_tokens,
            summary.completion_tokens,
            summary.fallbacks,
        ),
        contested=tuple(
            ContestedRecord(names[c.i], names[c.j], c.level.value, c.pooled, c.threshold) for c in contested
        ),
        decisions=decision_dicts(graph.decisions, names),
        settings={
            "experts": [e.name for e in panel],
            "bootstrap": settings.n_bootstrap,
            "resampling": scheme,
            "threshold": threshold,
            "margin": margin,
            "referee": ref.kind,
            "jobs": n_jobs,
            "time_limit": time_limit,
            "data": ds.source,
            "data_kind": kind.value,
            "n_rows": ds.n_rows,
            "weights_rule": weights_all.rule,
            "knowledge": None
            if knowledge is None
            else {
                "tiers": [list(t) for t in knowledge.tiers],
                "required": [list(p) for p in knowledge.required],
                "forbidden": [list(p) for p in knowledge.forbidden],
            },
        },
        seed=seed,
        version=package_version(),
        notes=(*ds.notes, *plan.notes),
        expert_agreement=agreement,
    )


def _panel(experts: Sequence[str | Expert] | None, kind: Any) -> list[Expert]:
    if experts is None:
        return default_panel(kind)
    if not experts:
        raise InputError("--experts must name at least one expert")
    named = [e for e in experts if isinstance(e, str)]
    objs = [e for e in experts if isinstance(e, Expert)]
    panel = make_panel(named) + objs
    names = [e.name for e in panel]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise InputError(f"--experts lists {sorted(dupes)} more than once")
    return panel


def _expert_report(r: BootstrapResult, weights: Any, k: int) -> ExpertReport:
    return ExpertReport(
        name=r.name,
        family=r.expert.family.value,
        weight=float(weights.values[k]),
        status=r.status.value,
        error=r.error,
        seconds=r.seconds,
        n_fits=len(r.records),
        n_ok=sum(rec.graph is not None for rec in r.records),
        stability=float(weights.stability[k]),
        fit_gain=float(weights.fit_gain[k]),
        assumptions=r.expert.assumptions,
        params={k2: v for k2, v in r.expert.get_params().items() if k2 != "random_state"},
    )
