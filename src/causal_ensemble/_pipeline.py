"""The Causal Ensemble Agent as one pipeline: data -> experts -> beliefs -> pool -> referee -> assembly.

:class:`Ensemble` is the single path every interface takes: :func:`discover` (the Python API), ``cea
discover`` (which only parses flags) and the benchmark harness (which calls the two stages below to derive
several methods from one set of fits). The stages:

* :meth:`Ensemble.fit_panel` — the panel fitted on the table and on shared resamples, the beliefs each
  expert's graphs give, the experts' weights and the pool (a :class:`PanelFit`); the expensive part;
* :meth:`Ensemble.decide` — contested decisions, the referee's verdicts, assembly into an acyclic graph,
  and the run's :class:`~causal_ensemble.EnsembleResult`; cheap, so it can be repeated with other referees
  on the same fits.

This module composes the stages; each stage lives in its own sub-package and can be used alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator

from causal_ensemble._errors import InputError, ParameterError
from causal_ensemble._result import (
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
from causal_ensemble._version import package_version
from causal_ensemble.assemble import (
    AssembledGraph,
    EdgeType,
    ScoreModel,
    SettledBy,
    additive_leads,
    assemble,
    score_model,
    settle_by_score,
)
from causal_ensemble.beliefs import (
    ExpertBeliefs,
    OrientationScope,
    expert_agreement,
    panel_beliefs,
    parse_orientation_scope,
)
from causal_ensemble.data import Dataset, Knowledge, from_frame, load_table
from causal_ensemble.experts import (
    BootstrapResult,
    DataKind,
    EarlyStopping,
    Expert,
    FitCache,
    FitRecord,
    KnowledgeMasks,
    StopReason,
    connect,
    make_panel,
    plan_panel,
    resample_indices,
    resampling_scheme,
    resolve_cache,
    run_panel,
)
from causal_ensemble.experts import data_kind as kind_of
from causal_ensemble.pooling import (
    ExpertWeights,
    Pool,
    PooledBeliefs,
    PoolSettings,
    RefereeRecord,
    apply_verdicts,
    find_contested,
    reliability_weights,
)
from causal_ensemble.referee import (
    LLMReferee,
    NoReferee,
    Referee,
    RefereeContext,
    RefereeKind,
    make_referee,
    parse_referee_kind,
    resolve_auto,
)

AUTO_REFEREE_SHARE = 1 / 3  # the automatic LLM referee's time, as a share of the experts' wall time
logger = logging.getLogger(__name__)

IntVector = npt.NDArray[np.int64]

# Seconds a default run may take: an interactive wait on two cores. The panel gets most of it; the rest is
# for the weights, the referee and assembly.
DEFAULT_BUDGET = 120.0
PANEL_SHARE = 0.85
REFEREE_END = 0.95  # the referee stops reviewing at this share of the budget; assembly and writing follow


@dataclass(frozen=True)
class RunPlan:
    """What a run will fit: the table the experts see (constant columns removed), the panel, the number of
    resamples, and the notes explaining what was left out or reduced."""

    dataset: Dataset
    kind: DataKind
    panel: tuple[Expert, ...]
    n_bootstrap: int
    notes: tuple[str, ...]

    @property
    def n_fits(self) -> int:
        return len(self.panel) * (self.n_bootstrap + 1)


@dataclass(frozen=True)
class PanelFit:
    """What the expert stage learned on one table, before any referee: the fits, the weights, the pool.

    ``dataset`` is the table the experts saw (constant columns removed); ``weights`` covers every expert
    of the panel (0 for one that failed), ``pool`` only those that produced graphs.
    """

    dataset: Dataset
    kind: DataKind
    panel: tuple[Expert, ...]
    n_bootstrap: int
    resampling: str
    resamples: tuple[IntVector, ...]
    runs: tuple[BootstrapResult, ...]
    weights: ExpertWeights
    pool: Pool
    knowledge: Knowledge | None
    masks: KnowledgeMasks
    notes: tuple[str, ...]
    seconds: float
    pooling_seconds: float
    orientations: OrientationScope = OrientationScope.DAG

    @property
    def beliefs(self) -> tuple[ExpertBeliefs, ...]:
        return tuple(self.pool.beliefs)


_SCORE_NOTE = {
    ScoreModel.GAUSSIAN: "the Gaussian score within the kept edges (compelled in the equivalence class of "
    "their best-fitting DAG)",
    ScoreModel.LINEAR_NON_GAUSSIAN: "the linear non-Gaussian score within the kept edges (a linear model "
    "fits their best-fitting DAG)",
    ScoreModel.MULTINOMIAL: "the BDeu score within the kept edges (compelled in the equivalence class of "
    "their best-fitting DAG)",
    ScoreModel.ADDITIVE: "the additive-noise score (no linear model fits the kept edges; its best-fitting "
    "DAG, which may add an edge that an expert holds in at least half of its graphs)",
}


def _as_dataset(data: Dataset | pd.DataFrame | str | Path) -> Dataset:
    if isinstance(data, Dataset):
        return data
    if isinstance(data, pd.DataFrame):
        return from_frame(data)
    if isinstance(data, str | Path):
        return load_table(data)
    raise ParameterError("data", f"must be a Dataset, a DataFrame or a path; got {type(data).__name__}")


def _masks(knowledge: Knowledge | None, names: Sequence[str]) -> KnowledgeMasks:
    if knowledge is None or knowledge.is_empty:
        return KnowledgeMasks.none(len(names))
    return KnowledgeMasks(
        knowledge.forbidden_matrix(names), knowledge.required_matrix(names), knowledge.tier_matrix(names)
    )


class Ensemble(BaseEstimator):  # type: ignore[misc]
    """The Causal Ensemble Agent, scikit-learn style: parameters here, validation and work in :meth:`fit`.

    ``experts`` are names or :class:`Expert` objects (``None``: the default panel for the data kind, scaled
    with the number of variables); ``referee`` a :class:`RefereeKind` (or its name) or any object with the
    :class:`Referee` protocol; ``llm`` and ``llm_budget`` configure the LLM referee. ``n_bootstrap=None``
    scales the number of resamples with the number of variables. ``scheduler`` (a Dask address or client)
    runs the fits on a cluster; ``cache`` (a directory, ``True`` for the default one, or a
    :class:`FitCache`) reuses fits across runs; ``memory_limit`` caps the megabytes one local fit may add.
    ``margin`` is the undirected band of orientations around 1/2; the referee is offered the decisions
    within ``referee_margin`` of their thresholds, on at most ``referee_share`` of the variable pairs.
    ``budget`` (seconds, ``None`` for none) bounds a run with the default number of resamples: the default
    B becomes a ceiling, resamples are handed to the experts while their measured cost fits, and
    ``early_stopping`` ends an expert's resampling once its beliefs settle. A chosen ``n_bootstrap`` is
    fitted in full, budget or not. ``orientations`` (an :class:`OrientationScope`) reads every expert's
    DAG as its Markov equivalence class (``cpdag``), as drawn (``dag``), or decides by testing whether
    the table is consistent with a joint Gaussian, where only the class is identifiable (``auto``).

    After :meth:`fit`: ``result_`` (the :class:`EnsembleResult`) and ``panel_fit_`` (the expert stage).
    """

    def __init__(
        self,
        experts: Sequence[str | Expert] | None = None,
        *,
        referee: str | RefereeKind | Referee = RefereeKind.AUTO,
        llm: str | None = None,
        llm_budget: int = 200,
        n_bootstrap: int | None = None,
        threshold: float = 0.5,
        margin: float = 0.1,
        referee_margin: float = 0.3,
        referee_share: float = 0.15,
        seed: int = 0,
        n_jobs: int = -1,
        time_limit: float | None = 300.0,
        memory_limit: float | None = None,
        scheduler: Any = None,
        cache: FitCache | str | Path | bool | None = None,
        budget: float | None = DEFAULT_BUDGET,
        early_stopping: EarlyStopping | None = EarlyStopping(),  # noqa: B008 - frozen, never mutated
        orientations: str | OrientationScope = OrientationScope.AUTO,
    ) -> None:
        self.experts = experts
        self.referee = referee
        self.llm = llm
        self.llm_budget = llm_budget
        self.n_bootstrap = n_bootstrap
        self.threshold = threshold
        self.margin = margin
        self.referee_margin = referee_margin
        self.referee_share = referee_share
        self.seed = seed
        self.n_jobs = n_jobs
        self.time_limit = time_limit
        self.memory_limit = memory_limit
        self.scheduler = scheduler
        self.cache = cache
        self.budget = budget
        self.early_stopping = early_stopping
        self.orientations = orientations

    # --- validation -------------------------------------------------------------------------------

    def _check_params(self) -> PoolSettings:
        """Every parameter checked before any work, each error naming its parameter."""
        if self.n_bootstrap is not None and (not isinstance(self.n_bootstrap, int) or self.n_bootstrap < 0):
            raise ParameterError("n_bootstrap", f"must be an integer >= 0, got {self.n_bootstrap!r}")
        if not isinstance(self.n_jobs, int) or self.n_jobs == 0 or self.n_jobs < -1:
            raise ParameterError(
                "n_jobs", f"must be a positive number or -1 (all cores), got {self.n_jobs!r}"
            )
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ParameterError("seed", f"must be an integer >= 0, got {self.seed!r}")
        if self.time_limit is not None and not self.time_limit > 0:
            raise ParameterError("time_limit", f"must be > 0 seconds, got {self.time_limit}")
        if self.budget is not None and not self.budget > 0:
            raise ParameterError("budget", f"must be > 0 seconds (or None for no budget), got {self.budget}")
        if self.early_stopping is not None and not isinstance(self.early_stopping, EarlyStopping):
            raise ParameterError("early_stopping", "must be an EarlyStopping rule or None")
        parse_orientation_scope(self.orientations)
        if self.memory_limit is not None and not self.memory_limit > 0:
            raise ParameterError("memory_limit", f"must be > 0 MB, got {self.memory_limit}")
        if self.experts is not None:
            if isinstance(self.experts, str) or not self.experts:
                raise ParameterError("experts", "must be a non-empty list of expert names or Expert objects")
            names = [e if isinstance(e, str) else e.name for e in self.experts]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ParameterError("experts", f"lists {dupes} more than once")
        return PoolSettings(self.threshold, self.margin, self.referee_margin, self.referee_share)

    def _auto_referee(self) -> bool:
        return isinstance(self.referee, str) and parse_referee_kind(self.referee) is RefereeKind.AUTO

    def make_referee(
        self, knowledge: Knowledge | None = None, dataset: Dataset | None = None
    ) -> tuple[Referee, tuple[str, ...]]:
        """The referee this ensemble will use on ``dataset``'s variables, and a note saying which one
        ``auto`` picked and why (it reads the names and descriptions; ``None``: not known yet)."""
        notes: tuple[str, ...] = ()
        names = dataset.names if dataset is not None else ()
        descriptions = dataset.descriptions if dataset is not None else None
        if isinstance(self.referee, Referee) and not isinstance(self.referee, str):
            ref = self.referee
        else:
            if parse_referee_kind(self.referee) is RefereeKind.AUTO:
                notes = (resolve_auto(names, descriptions)[1],)
            ref = make_referee(
                self.referee, llm=self.llm, llm_budget=self.llm_budget, names=names, descriptions=descriptions
            )
        if isinstance(ref, LLMReferee):
            notes = (*notes, *ref.notes)
        if ref.kind == RefereeKind.KNOWLEDGE and (knowledge is None or knowledge.is_empty):
            raise ParameterError("knowledge", "must be non-empty for the knowledge referee")
        return ref, notes

    def plan(self, dataset: Dataset) -> RunPlan:
        """The panel and number of resamples this ensemble will use on ``dataset``, with the notes that
        explain any reduction (a chosen panel or B is never changed)."""
        self._check_params()
        ds = dataset.informative() if dataset.constant_columns else dataset
        kind = kind_of(ds.discrete_mask)
        plan = plan_panel(
            kind, ds.n_vars, scale_panel=self.experts is None, scale_bootstrap=self.n_bootstrap is None
        )
        if self.experts is None:
            panel = make_panel(plan.experts)
        else:
            named = [e for e in self.experts if isinstance(e, str)]
            objs = [e for e in self.experts if isinstance(e, Expert)]
            panel = make_panel(named) + objs
        b = plan.n_bootstrap if self.n_bootstrap is None else self.n_bootstrap
        return RunPlan(ds, kind, tuple(panel), b, (*dataset.notes, *plan.notes))

    # --- the stages -------------------------------------------------------------------------------

    def fit(
        self,
        data: Dataset | pd.DataFrame | str | Path,
        *,
        descriptions: Mapping[str, str] | None = None,
        knowledge: Knowledge | None = None,
        on_fit: Callable[[FitRecord], None] | None = None,
    ) -> Self:
        """Learn the graph of ``data`` (a :class:`Dataset`, a DataFrame or a CSV/Parquet path).

        ``on_fit`` is called after every single expert fit (a progress bar). Nothing is written to disk
        except the fit cache.
        """
        self._check_params()
        ds = _as_dataset(data)
        if descriptions:
            ds = ds.with_descriptions(descriptions)
        ref, notes = self.make_referee(knowledge, ds)
        self.panel_fit_ = self.fit_panel(ds, knowledge=knowledge, on_fit=on_fit)
        self.result_ = self.decide(self.panel_fit_, ref, variables=ds, notes=notes)
        return self

    def fit_panel(
        self,
        dataset: Dataset,
        *,
        knowledge: Knowledge | None = None,
        on_fit: Callable[[FitRecord], None] | None = None,
        started: float | None = None,
    ) -> PanelFit:
        """Fit the panel on the table and its resamples and pool the experts' beliefs.

        ``started`` is the ``time.perf_counter()`` at which the run's budget began (default: now): a
        command that read the table and loaded its libraries first has spent part of it already.
        """
        start = time.perf_counter() if started is None else min(started, time.perf_counter())
        plan = self.plan(dataset)
        ds, kind, panel, n_boot = plan.dataset, plan.kind, list(plan.panel), plan.n_bootstrap
        X, disc = ds.values, ds.discrete_mask
        masks = _masks(knowledge, ds.names)
        scheme = resampling_scheme(disc)
        resamples = resample_indices(len(X), n_boot, self.seed, scheme=scheme)
        client, owned = connect(self.scheduler) if self.scheduler is not None else (None, False)
        # A chosen B is fitted in full; the default B is a ceiling, spent within the budget.
        planned = self.n_bootstrap is None
        budget_s = None
        if planned and self.budget is not None:
            budget_s = max(self.budget * PANEL_SHARE - (time.perf_counter() - start), 1.0)
        try:
            runs = run_panel(
                panel,
                X,
                discrete=disc,
                knowledge=masks,
                n_bootstrap=n_boot,
                seed=self.seed,
                n_jobs=self.n_jobs,
                time_limit_s=self.time_limit,
                on_fit=on_fit,
                resamples=resamples,
                scheduler=client,
                cache=resolve_cache(self.cache),
                memory_limit_mb=self.memory_limit,
                budget_s=budget_s,
                early_stopping=self.early_stopping if planned else None,
            )
        finally:
            if owned and client is not None:
                client.close()
        pool_start = time.perf_counter()
        read = panel_beliefs(runs, X, disc, self.orientations, names=ds.names)
        beliefs = read.beliefs
        scope_notes = read.notes()
        alive = [k for k, b in enumerate(beliefs) if b is not None]
        if not alive:  # the error says it all: no warning lines before it
            errors = "; ".join(f"{r.name}: {r.error}" for r in runs)
            raise InputError(f"no expert could learn a graph from {ds.source}: {errors}")
        for r in runs:
            if r.error:
                logger.warning("expert %s: %s", r.name, r.error)
        weights = reliability_weights(runs, beliefs, X, resamples, discrete=kind is DataKind.DISCRETE)
        pool = Pool([b for b in beliefs if b is not None], weights.subset(alive))
        return PanelFit(
            dataset=ds,
            kind=kind,
            panel=tuple(panel),
            n_bootstrap=n_boot,
            resampling=str(scheme),
            resamples=tuple(resamples),
            runs=tuple(runs),
            weights=weights,
            pool=pool,
            knowledge=knowledge,
            masks=masks,
            notes=(
                *plan.notes,
                *_resampling_notes(runs, self.budget if planned else None),
                *scope_notes,
            ),
            orientations=read.scope,
            seconds=time.perf_counter() - start,
            pooling_seconds=time.perf_counter() - pool_start,
        )

    def decide(
        self,
        fit: PanelFit,
        referee: Referee | None = None,
        *,
        variables: Dataset | None = None,
        notes: Sequence[str] = (),
    ) -> EnsembleResult:
        """Contested decisions -> referee -> assembly -> the run's result, on the fits of ``fit``.

        ``referee=None`` settles contested decisions by the pool alone. ``variables`` is the table as the
        user gave it (with any constant columns, which become isolated variables); default ``fit.dataset``.
        """
        settings = self._check_params()
        ds = fit.dataset
        names = ds.names
        pool = fit.pool
        pooled = pool.pooled()
        contested = find_contested(pooled, settings)
        ref: Referee = referee if referee is not None else NoReferee()
        if isinstance(ref, LLMReferee) and self._auto_referee():
            # an automatic referee adds at most a third of the experts' wall time, within the budget (what
            # the panel left of it); a chosen --referee llm asks its --llm-budget questions whatever the time.
            # Its measured gain is small (mean SHD 17.50 -> 17.25 on four panels, `python
            # benchmarks/referee_panels.py`): with as much time as the experts a default run on 2 cores took
            # 37 s at d = 10 and 71 s at d = 20, with half of it 28 s and 64 s (`python -m
            # causal_ensemble.benchmarks._scale`; targets 30 and 60), so it gets a third.
            left = AUTO_REFEREE_SHARE * fit.seconds  # fit.seconds includes the weights and the pool
            if self.budget is not None:
                left = min(left, self.budget - fit.seconds)
            ref.session.stop_at(time.monotonic() + max(left, 0.0))
        # Within a budget, no decision is reviewed once the run's time is spent (the rest stay with the
        # pool): the statistical diagnostics cost ~50 ms a pair, and at d = 100 up to 742 pairs are
        # contested. A chosen n_bootstrap runs without a budget, and so does its referee.
        deadline = None
        if self.budget is not None and self.n_bootstrap is None:
            deadline = time.monotonic() + max(self.budget * REFEREE_END - fit.seconds, 0.0)
        start = time.perf_counter()
        context = RefereeContext(
            names, dict(ds.descriptions), pool, {e.name: e for e in fit.panel}, ds.values,
            ds.discrete_mask, fit.knowledge, deadline,
        )  # fmt: skip
        verdicts = ref.referee(contested, context) if contested else []
        summary = ref.report()
        summary.seconds = time.perf_counter() - start
        final, records = apply_verdicts(pool, pooled, verdicts)
        graph = assemble(final, settings, fit.masks)
        score_notes: tuple[str, ...] = ()
        model = score_model(fit.orientations, ds.discrete_mask)
        if model is not None:
            # the kept edges' directions from their best-fitting DAG, not from the experts' own skeletons:
            # its colliders on a table read as Gaussian, every direction where a linear model with
            # non-Gaussian noise fits, else under an additive-noise model (assemble._score_orient)
            graph, settled = settle_by_score(
                graph, final, ds.values, fit.masks, model, beliefs=fit.beliefs,
                additive_leads=additive_leads(fit.weights, {e.name: e.family for e in fit.panel}),
            )  # fmt: skip
            moved = sum(e.settled_by is SettledBy.SCORE for e in graph.edges)
            if settled is not None and moved:
                score_notes = (f"orientations: {moved} edge(s) settled by {_SCORE_NOTE[settled]}",)
        shown = variables if variables is not None else ds
        beliefs = fit.beliefs
        return EnsembleResult(
            variables=tuple(
                Variable(n, shown.descriptions.get(n), shown.types[n].value) for n in shown.names
            ),
            edges=_edges(graph, names, {b.expert: (b.adjacency, b.orientation) for b in beliefs}, records),
            experts=tuple(_expert_report(r, fit.weights, k) for k, r in enumerate(fit.runs)),
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
                summary.unreviewed,
            ),
            contested=tuple(
                ContestedRecord(names[c.i], names[c.j], c.level, c.pooled, c.threshold) for c in contested
            ),
            decisions=tuple(
                DecisionRecord(names[x.source], names[x.target], x.action, x.reason) for x in graph.decisions
            ),
            settings={
                "experts": [e.name for e in fit.panel],
                "bootstrap": fit.n_bootstrap,
                "resampling": fit.resampling,
                "threshold": settings.threshold,
                "margin": settings.margin,
                "referee": str(ref.kind),
                "referee_requested": str(
                    self.referee if isinstance(self.referee, str) else getattr(self.referee, "kind", "custom")
                ),
                "jobs": self.n_jobs,
                "time_limit": self.time_limit,
                "data": shown.source,
                "data_kind": fit.kind.value,
                "n_rows": ds.n_rows,
                "weights_rule": fit.weights.rule,
                "orientations": str(fit.orientations),
                "knowledge": _knowledge_dict(fit.knowledge),
            },
            seed=self.seed,
            version=package_version(),
            notes=(*fit.notes, *notes, *score_notes, *_unreviewed_note(summary.unreviewed, len(contested))),
            expert_agreement=expert_agreement({b.expert: b.adjacency for b in beliefs}),
            pair_beliefs=_pair_beliefs(final, names),
        )


def discover(
    data: Dataset | pd.DataFrame | str | Path,
    *,
    descriptions: Mapping[str, str] | None = None,
    knowledge: Knowledge | None = None,
    on_fit: Callable[[FitRecord], None] | None = None,
    **params: Any,
) -> EnsembleResult:
    """Learn a causal graph with the Causal Ensemble Agent: ``Ensemble(**params).fit(data).result_``.

    ``params`` are :class:`Ensemble`'s parameters (``experts``, ``referee``, ``n_bootstrap``, ``seed``,
    ``n_jobs``, ...); an unknown one is an error naming it.
    """
    known = set(Ensemble._get_param_names())
    unknown = sorted(set(params) - known)
    if unknown:
        raise ParameterError(
            unknown[0], f"is not a parameter of discover(); known: {', '.join(sorted(known))}"
        )
    est = Ensemble(**params).fit(data, descriptions=descriptions, knowledge=knowledge, on_fit=on_fit)
    return est.result_


def _knowledge_dict(knowledge: Knowledge | None) -> dict[str, Any] | None:
    if knowledge is None:
        return None
    return {
        "tiers": [list(t) for t in knowledge.tiers],
        "required": [list(p) for p in knowledge.required],
        "forbidden": [list(p) for p in knowledge.forbidden],
    }


def _edges(
    graph: AssembledGraph,
    names: Sequence[str],
    opinions: Mapping[str, tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]],
    records: Mapping[tuple[int, int], Sequence[RefereeRecord]],
) -> tuple[Edge, ...]:
    """The assembled edges with each expert's beliefs and the referee's provenance attached."""
    out = []
    for e in graph.edges:
        s, t = e.source, e.target
        if e.type is not EdgeType.DIRECTED and names[s] > names[t]:
            s, t = t, s
        experts = {}
        for name, (adj, orient) in opinions.items():
            a = float(adj[s, t])
            experts[name] = ExpertOpinion(a, float(orient[s, t]) if a > 0 else None)
        verdicts = tuple(
            RefereeVerdictRecord(r.by, r.level, r.weights, r.before, r.after, r.rationale)
            for r in records.get((min(s, t), max(s, t)), ())
        )
        # The assembly only knows "pool"; a decision the pool took on refereed beliefs was the referee's.
        settled = SettledBy.REFEREE if verdicts and e.settled_by is SettledBy.POOL else e.settled_by
        orientation = e.orientation if e.type is EdgeType.DIRECTED else None
        ancestral = e.ancestral if (s, t) == (e.source, e.target) else 1.0 - e.ancestral
        out.append(
            Edge(
                names[s],
                names[t],
                e.type,
                e.probability,
                e.adjacency,
                orientation,
                experts,
                verdicts,
                settled,
                ancestral,
            )
        )
    return tuple(out)


def _resampling_notes(runs: Sequence[BootstrapResult], budget: float | None) -> tuple[str, ...]:
    """What early stopping and the budget did, in one line (nothing when every expert got its full B)."""
    short = [
        r for r in runs if r.planned is not None and r.stopped in (StopReason.CONVERGED, StopReason.BUDGET)
    ]
    if not short:
        return ()
    parts = [f"{r.name} {len(r.resamples)} of {r.planned} ({r.stopped.value})" for r in short]
    why = f"time budget {budget:g} s" if budget is not None else "no time budget"
    return (
        f"resamples per expert ({why}; early stopping once beliefs settle): "
        + ", ".join(parts)
        + ". A larger --budget, or --bootstrap B for exactly B resamples, fits more.",
    )


def _unreviewed_note(unreviewed: int, contested: int) -> tuple[str, ...]:
    if not unreviewed:
        return ()
    return (
        f"referee: the time budget ran out with {unreviewed} of {contested} contested decisions "
        "unreviewed; they stay as the pool decided (a larger --budget reviews them)",
    )


def _pair_beliefs(pooled: PooledBeliefs, names: Sequence[str]) -> tuple[PairBelief, ...]:
    adj, orient, anc = pooled.adjacency, pooled.orientation, pooled.ancestral
    d = len(names)
    return tuple(
        PairBelief(names[i], names[j], float(adj[i, j]), float(orient[i, j]), float(anc[i, j]))
        for i in range(d)
        for j in range(i + 1, d)
        if adj[i, j] > 0
    )


def _expert_report(r: BootstrapResult, weights: ExpertWeights, k: int) -> ExpertReport:
    return ExpertReport(
        name=r.name,
        family=r.expert.family.value,
        weight=float(weights.values[k]),
        status=r.status,
        error=r.error,
        seconds=r.seconds,
        n_fits=len(r.records),
        n_ok=sum(rec.graph is not None for rec in r.records),
        stability=float(weights.stability[k]),
        fit_gain=float(weights.fit_gain[k]),
        assumptions=r.expert.assumptions,
        params={k2: v for k2, v in r.expert.get_params().items() if k2 != "random_state"},
        resamples_planned=r.planned,
        resampling_stopped=r.stopped,
        weight_orientation=float(weights.orientation[k]),
        weight_ancestral=float(weights.ancestral[k]),
    )
