"""The method registry and the two method groups that compute them.

The experts are fitted ONCE per dataset and seed (full data + B shared resamples, via ``run_panel``);
every panel method is derived from those same fits, so the comparison is on the same data and the same
randomness:

* ``single``   — each expert's graph on the full data (one row per expert, named after it);
* ``vote``     — majority vote of the experts' full-data graphs (adjacent in more than half; direction by
  majority of those that orient it, undirected on a tie), i.e. the linear pool with equal weights;
* ``bagged``   — each expert alone over its full-data and resample graphs (its beliefs in the pool),
  kept at frequency >= 1/2 (``bagged-NAME``);
* ``cea-none`` / ``cea-stats`` — the ensemble as ``cea discover`` runs it, with either referee;
* ``cea-llm``  — the ensemble with an oracle referee (needs an oracle).

The ``llm`` group needs no fits: ``llm-pairwise`` and ``llm-bfs``. ``memorisation`` repeats every selected
oracle method with disguised names (rows suffixed ``-disguised``). Oracle methods run only on datasets
whose variables have real-world meaning (Sachs, bnlearn).

``seconds`` is single-worker compute: the fits a method needs (summed, whatever ``--jobs``) plus its own
pooling, refereeing and assembly, so methods compare fairly whatever the parallelism.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from causal_ensemble._errors import InputError
from causal_ensemble._pipeline import Ensemble, PanelFit
from causal_ensemble._result import EnsembleResult
from causal_ensemble.assemble import EdgeType, assemble
from causal_ensemble.beliefs import beliefs_from_graphs
from causal_ensemble.benchmarks._llm import LLMOracle
from causal_ensemble.benchmarks._oracle import (
    OracleReferee,
    OracleTally,
    Vocabulary,
    YesNoOracle,
    llm_breadth_first,
    llm_pairwise,
)
from causal_ensemble.data import Dataset
from causal_ensemble.evaluate import hard_probabilities
from causal_ensemble.experts import BootstrapResult, EndpointGraph, FitRecord, KnowledgeMasks
from causal_ensemble.pooling import ExpertWeights, Pool, PooledBeliefs, PoolSettings
from causal_ensemble.referee import NoReferee, Referee, StatsReferee

logger = logging.getLogger(__name__)

BoolMatrix = npt.NDArray[np.bool_]
FloatMatrix = npt.NDArray[np.float64]

CEA_SETTINGS = PoolSettings(0.5, 0.1)  # cea discover's defaults; bagging uses them too
# Strict majority: the smallest step above 1/2 keeps ties out, and orientation needs a strict majority.
VOTE_SETTINGS = PoolSettings(0.5 + 1e-9, 1e-9)


@dataclass(frozen=True)
class MethodSpec:
    """A registry entry: ``group`` says which computation produces it (``panel`` fits experts, ``llm``
    does not); ``needs_oracle`` methods are skipped without an oracle or without real semantics."""

    key: str
    group: str
    needs_oracle: bool
    description: str


METHODS: dict[str, MethodSpec] = {
    m.key: m
    for m in (
        MethodSpec("single", "panel", False, "every expert alone on the full data"),
        MethodSpec("vote", "panel", False, "majority vote of the experts' full-data graphs"),
        MethodSpec("bagged", "panel", False, "each expert bagged over the bootstrap resamples"),
        MethodSpec("cea-none", "panel", False, "CEA, --referee none"),
        MethodSpec("cea-stats", "panel", False, "CEA, --referee stats"),
        MethodSpec("cea-llm", "panel", True, "CEA with the LLM (oracle) referee"),
        MethodSpec("llm-pairwise", "llm", True, "LLM only: both directions of every pair"),
        MethodSpec("llm-bfs", "llm", True, "LLM only: breadth-first (Jiralerspong et al. 2024)"),
        MethodSpec("memorisation", "llm", True, "the LLM methods again with disguised variable names"),
    )
}
DEFAULT_METHODS = (
    "single",
    "vote",
    "bagged",
    "cea-none",
    "cea-stats",
    "cea-llm",
    "llm-pairwise",
    "llm-bfs",
    "memorisation",
)


def parse_methods(spec: Sequence[str] | None) -> tuple[str, ...]:
    if spec is None:
        return DEFAULT_METHODS
    keys = tuple(dict.fromkeys(s.strip().lower() for s in spec if s.strip()))
    unknown = [k for k in keys if k not in METHODS]
    if unknown or not keys:
        raise InputError(f"--methods: unknown {unknown or 'empty list'}; known: {', '.join(METHODS)}")
    return keys


@dataclass(frozen=True)
class MethodOutput:
    """One method's graph on one dataset/seed; ``error`` set (and matrices None) when it produced none."""

    method: str
    seconds: float
    directed: BoolMatrix | None = None
    undirected: BoolMatrix | None = None
    prob_directed: FloatMatrix | None = None
    error: str | None = None
    queries: int = 0
    extra: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class PanelInput:
    """One benchmark cell's table and the ensemble settings of its suite."""

    dataset: Dataset
    experts: tuple[str, ...]
    n_bootstrap: int | None  # None: planned within the default budget, as a default run does
    seed: int
    n_jobs: int
    time_limit_s: float
    fit_cache: Path | None = None

    def ensemble(self) -> Ensemble:
        """The same :class:`Ensemble` ``cea discover`` would build with these settings; without a fit
        cache unless one is given (a cached fit keeps the seconds it took when it was computed)."""
        return Ensemble(
            list(self.experts),
            n_bootstrap=self.n_bootstrap,
            threshold=CEA_SETTINGS.threshold,
            margin=CEA_SETTINGS.margin,
            seed=self.seed,
            n_jobs=self.n_jobs,
            time_limit=self.time_limit_s,
            cache=self.fit_cache if self.fit_cache is not None else False,
        )


def _graph_matrices(g: EndpointGraph) -> tuple[BoolMatrix, BoolMatrix]:
    """Fully directed edges, and every other adjacency (CPDAG undirected, PAG o-o/o->/<->) as undecided."""
    D = g.directed()
    return D, g.adjacency() & ~D & ~D.T


def _beliefs_matrix(pooled: PooledBeliefs) -> FloatMatrix:
    return np.clip(pooled.adjacency * pooled.orientation, 0.0, 1.0)


def _pooled_output(method: str, pool: Pool, settings: PoolSettings, seconds_before: float) -> MethodOutput:
    """A baseline pooled without referee or knowledge (vote, bagging)."""
    start = time.perf_counter()
    pooled = pool.pooled()
    graph = assemble(pooled, settings, KnowledgeMasks.none(pooled.adjacency.shape[0]))
    D, U = graph.directed_matrix(), graph.undirected_matrix()
    seconds = seconds_before + time.perf_counter() - start
    return MethodOutput(method, seconds, D, U, _beliefs_matrix(pooled))


def _result_output(method: str, result: EnsembleResult, seconds: float) -> MethodOutput:
    """A CEA run's graph as matrices over the result's variables; ``prob_directed`` is P(i -> j) =
    P(adjacent) x P(i -> j | adjacent) from the final pooled beliefs of every pair."""
    idx = {n: k for k, n in enumerate(result.names)}
    d = len(idx)
    D = np.zeros((d, d), dtype=bool)
    U = np.zeros((d, d), dtype=bool)
    P = np.zeros((d, d))
    for e in result.edges:
        s, t = idx[e.source], idx[e.target]
        if e.type is EdgeType.DIRECTED:
            D[s, t] = True
        else:
            U[s, t] = U[t, s] = True
    for p in result.pair_beliefs:
        s, t = idx[p.source], idx[p.target]
        P[s, t] = p.adjacency * p.orientation
        P[t, s] = p.adjacency * (1.0 - p.orientation)
    return MethodOutput(method, seconds, D, U, P, queries=result.referee.queries)


def _failed(method: str, seconds: float, error: str) -> MethodOutput:
    return MethodOutput(method, seconds, error=error)


def run_panel_group(
    inp: PanelInput,
    methods: Sequence[str],
    oracle: YesNoOracle | None,
    *,
    on_fit: Callable[[FitRecord], None] | None = None,
) -> list[MethodOutput]:
    """Fit the panel once (``Ensemble.fit_panel``) and derive every selected panel method from the fits."""
    ensemble = inp.ensemble()
    fit = ensemble.fit_panel(inp.dataset, on_fit=on_fit)
    runs = fit.runs
    outputs: list[MethodOutput] = []
    if "single" in methods:
        outputs += [_single(r) for r in runs]
    if "bagged" in methods:
        outputs += [_bagged(r) for r in runs]
    if "vote" in methods:
        outputs.append(_vote(runs))
    cea = [m for m in ("cea-none", "cea-stats", "cea-llm") if m in methods]
    if oracle is None:
        cea = [m for m in cea if m != "cea-llm"]
    if cea:
        outputs += _cea(inp, ensemble, fit, cea, oracle, disguised="memorisation" in methods)
    return outputs


def _single(r: BootstrapResult) -> MethodOutput:
    g = r.full.graph
    if g is None:
        return _failed(r.name, r.full.seconds, r.full.error or r.full.status.value)
    D, U = _graph_matrices(g)
    return MethodOutput(r.name, r.full.seconds, D, U, hard_probabilities(D, U))


def _bagged(r: BootstrapResult) -> MethodOutput:
    name = f"bagged-{r.name}"
    fit_seconds = sum(rec.seconds for rec in r.resamples) if r.resamples else r.full.seconds
    graphs = r.graphs
    if not graphs:
        return _failed(name, fit_seconds, r.error or "no graph")
    b = beliefs_from_graphs(r.name, graphs)
    return _pooled_output(name, Pool([b], ExpertWeights.uniform([r.name])), CEA_SETTINGS, fit_seconds)


def _vote(runs: Sequence[BootstrapResult]) -> MethodOutput:
    fit_seconds = sum(r.full.seconds for r in runs)
    beliefs = [beliefs_from_graphs(r.name, [r.full.graph]) for r in runs if r.full.graph is not None]
    if not beliefs:
        return _failed("vote", fit_seconds, "no expert produced a graph on the full data")
    pool = Pool(beliefs, ExpertWeights.uniform([b.expert for b in beliefs]))
    return _pooled_output("vote", pool, VOTE_SETTINGS, fit_seconds)


def _cea(
    inp: PanelInput,
    ensemble: Ensemble,
    fit: PanelFit,
    methods: Sequence[str],
    oracle: YesNoOracle | None,
    *,
    disguised: bool,
) -> list[MethodOutput]:
    """Each CEA method is ``Ensemble.decide`` on the same panel fit with another referee: the very stage
    ``cea discover`` runs, so the benchmark scores the product, not a copy of it."""
    fit_seconds = sum(r.seconds for r in fit.runs)
    before = fit_seconds + fit.pooling_seconds
    ds = inp.dataset
    referees: list[tuple[str, Callable[[], Referee]]] = []
    for m in methods:
        if m == "cea-none":
            referees.append((m, NoReferee))
        elif m == "cea-stats":
            referees.append((m, StatsReferee))
        elif oracle is not None:
            for disguise in (False, True) if disguised else (False,):
                name = m + ("-disguised" if disguise else "")
                referees.append((name, _oracle_referee(oracle, ds, disguise)))
    outputs = []
    for name, make in referees:
        start = time.perf_counter()
        try:
            result = ensemble.decide(fit, make())
        except Exception as exc:  # a failing referee is a failed row, never a failed benchmark
            logger.warning("%s failed: %s", name, exc)
            outputs.append(_failed(name, before, f"{type(exc).__name__}: {exc}"))
            continue
        outputs.append(_result_output(name, result, before + time.perf_counter() - start))
    return outputs


def _oracle_referee(oracle: YesNoOracle, ds: Dataset, disguise: bool) -> Callable[[], Referee]:
    def make() -> Referee:
        if isinstance(oracle, LLMOracle):
            return oracle.referee(disguise_names=disguise)
        return OracleReferee(oracle, Vocabulary.of(ds.names, dict(ds.descriptions), disguise=disguise))

    return make


def run_llm_group(
    names: Sequence[str], descriptions: Mapping[str, str], methods: Sequence[str], oracle: YesNoOracle
) -> list[MethodOutput]:
    """The LLM-only baselines (and their disguised repeats when ``memorisation`` is selected)."""
    runners = {"llm-pairwise": llm_pairwise, "llm-bfs": llm_breadth_first}
    outputs = []
    for m, fn in runners.items():
        if m not in methods:
            continue
        for disguise in (False, True) if "memorisation" in methods else (False,):
            name = m + ("-disguised" if disguise else "")
            tally = OracleTally()
            start = time.perf_counter()
            try:
                D, U = fn(oracle, Vocabulary.of(names, descriptions, disguise=disguise), tally)
            except Exception as exc:
                outputs.append(_failed(name, time.perf_counter() - start, f"{type(exc).__name__}: {exc}"))
                continue
            outputs.append(
                MethodOutput(
                    name,
                    time.perf_counter() - start,
                    D,
                    U,
                    hard_probabilities(D, U),
                    queries=tally.queries,
                    extra={"failed_queries": float(tally.failures)},
                )
            )
    return outputs
