"""The benchmark harness: cells of (dataset, seed, method group), cached on disk, turned into rows.

A cell's rows are written to ``OUT/cache/<key>.json`` as soon as it finishes; a later run with the same
settings reads them instead of recomputing (resumable runs: interrupt and start again). The key holds
the dataset, rows, seed, group and a digest of everything else that changes the result (experts, B,
time limit, selected methods, oracle name), so changed settings never reuse stale cells.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import numpy.typing as npt

from causal_ensemble._errors import InputError
from causal_ensemble.benchmarks._methods import (
    METHODS,
    MethodOutput,
    PanelInput,
    parse_methods,
    run_llm_group,
    run_panel_group,
)
from causal_ensemble.benchmarks._oracle import YesNoOracle
from causal_ensemble.benchmarks._suites import DatasetSpec, SuiteSpec
from causal_ensemble.data import from_frame
from causal_ensemble.data.datasets import BenchmarkData, load_dataset, varsortability
from causal_ensemble.evaluate import graph_scores
from causal_ensemble.experts._base import data_kind
from causal_ensemble.experts._scaling import plan_panel

logger = logging.getLogger(__name__)

CACHE_VERSION = 2  # 2: shd_cpdag; CEA beliefs from graph.json pair_beliefs


@dataclass(frozen=True)
class RunRow:
    """One method on one dataset and seed: every metric (NaN when the method failed) and its seconds."""

    suite: str
    dataset: str
    family: str
    n: int
    d: int
    seed: int
    method: str
    status: str
    error: str
    seconds: float
    queries: int
    varsortability: float
    varsortability_raw: float
    shd: float
    shd_cpdag: float
    skeleton_precision: float
    skeleton_recall: float
    skeleton_f1: float
    directed_precision: float
    directed_recall: float
    directed_f1: float
    directed_precision_strict: float
    directed_recall_strict: float
    directed_f1_strict: float
    orientation_accuracy: float
    orientation_accuracy_strict: float
    aid: float
    sid: float
    brier: float
    ece: float
    auprc_directed: float
    auprc_skeleton: float
    n_true: int
    n_predicted: float
    n_undirected: float


ROW_FIELDS = tuple(f.name for f in fields(RunRow))
METRIC_FIELDS = ROW_FIELDS[ROW_FIELDS.index("shd") :]


@dataclass(frozen=True)
class Cell:
    spec: DatasetSpec
    seed: int
    group: str

    @property
    def label(self) -> str:
        return f"{self.spec.label} seed {self.seed} {self.group}"


@dataclass(frozen=True)
class BenchmarkResults:
    suite: SuiteSpec
    rows: tuple[RunRow, ...]
    computed: int
    reused: int
    out_dir: Path


ProgressHook = Callable[[Cell, int, int, bool], None]  # cell, done, total, reused


def _has_semantics(name: str) -> bool:
    return not name.startswith("synth-")


def plan_cells(
    suite: SuiteSpec,
    methods: Sequence[str],
    *,
    datasets: Sequence[str] | None = None,
    n_seeds: int | None = None,
    oracle: YesNoOracle | None = None,
) -> list[Cell]:
    specs = list(suite.datasets)
    if datasets is not None:
        wanted = [x.strip() for x in datasets if x.strip()]
        known = {s.label for s in specs} | {s.name for s in specs}
        unknown = [w for w in wanted if w not in known]
        if unknown or not wanted:
            raise InputError(
                f"--datasets: {unknown or 'empty list'} not in suite {suite.name!r}; "
                f"its datasets: {', '.join(s.label for s in specs)}"
            )
        specs = [s for s in specs if s.label in wanted or s.name in wanted]
    if n_seeds is not None and n_seeds < 1:
        raise InputError(f"--seeds must be >= 1, got {n_seeds}")
    groups = []
    if any(METHODS[m].group == "panel" and not METHODS[m].needs_oracle for m in methods) or (
        oracle is not None and "cea-llm" in methods
    ):
        groups.append("panel")
    if oracle is not None and any(m in methods for m in ("llm-pairwise", "llm-bfs")):
        groups.append("llm")
    cells = []
    for spec in specs:
        seeds = (
            spec.seeds if n_seeds is None else tuple(range(n_seeds)) if len(spec.seeds) > 1 else spec.seeds
        )
        for seed in seeds:
            for g in groups:
                if g == "llm" and not _has_semantics(spec.name):
                    continue
                cells.append(Cell(spec, seed, g))
    return cells


def _digest(suite: SuiteSpec, cell: Cell, methods: Sequence[str], oracle: YesNoOracle | None) -> str:
    uses_oracle = oracle is not None and _has_semantics(cell.spec.name)
    payload = {
        "v": CACHE_VERSION,
        "continuous": suite.continuous_experts,
        "discrete": suite.discrete_experts,
        "B": suite.n_bootstrap,
        "limit": suite.time_limit_s,
        "methods": sorted(methods),
        "oracle": oracle.name if uses_oracle and oracle is not None else None,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:12]


def cache_path(
    out_dir: Path, suite: SuiteSpec, cell: Cell, methods: Sequence[str], oracle: YesNoOracle | None
) -> Path:
    n = "all" if cell.spec.n is None else str(cell.spec.n)
    safe = cell.spec.name.replace("/", "_")
    key = f"{safe}_n{n}_s{cell.seed}_{cell.group}_{_digest(suite, cell, methods, oracle)}.json"
    return out_dir / "cache" / key


def _varsortability(
    data: BenchmarkData, values: npt.NDArray[np.float64], discrete: npt.NDArray[np.bool_]
) -> tuple[float, float]:
    raw = data.meta.get("varsortability_raw")
    raw_vs = float(raw) if isinstance(raw, int | float) else math.nan
    if discrete.any() or data.truth is None:
        return math.nan, raw_vs
    shown = varsortability(values, data.truth_matrix())
    return shown, shown if math.isnan(raw_vs) else raw_vs


def _row(
    suite: str,
    cell: Cell,
    d: int,
    n: int,
    vs: tuple[float, float],
    truth: npt.NDArray[np.bool_],
    out: MethodOutput,
) -> RunRow:
    base = {
        "suite": suite,
        "dataset": cell.spec.label,
        "family": cell.spec.family,
        "n": n,
        "d": d,
        "seed": cell.seed,
        "method": out.method,
        "seconds": float(out.seconds),
        "queries": int(out.queries),
        "varsortability": vs[0],
        "varsortability_raw": vs[1],
    }
    if out.directed is None or out.undirected is None:
        metrics = {f: math.nan for f in METRIC_FIELDS}
        metrics["n_true"] = int(truth.sum())
        return RunRow(status="failed", error=out.error or "no graph", **base, **metrics)  # type: ignore[arg-type]
    scores = asdict(graph_scores(out.directed, out.undirected, truth, out.prob_directed))
    return RunRow(status="ok", error="", **base, **scores)  # type: ignore[arg-type]


def suite_panel(suite: SuiteSpec, discrete: npt.NDArray[np.bool_], d: int) -> tuple[str, ...]:
    """The experts a suite runs on a table: its own list for the table's kind, or (None) the panel a
    default ``cea discover`` plans for that kind and d."""
    experts = suite.discrete_experts if discrete.all() else suite.continuous_experts
    if experts is not None:
        return experts
    return plan_panel(data_kind(discrete), d, scale_bootstrap=False).experts


def _run_cell(
    suite: SuiteSpec,
    cell: Cell,
    methods: Sequence[str],
    oracle: YesNoOracle | None,
    n_jobs: int,
    fit_cache: Path | None = None,
) -> list[RunRow]:
    data = load_dataset(cell.spec.name, n=cell.spec.n, seed=cell.seed)
    ds = from_frame(data.frame, source=cell.spec.label)
    truth = data.truth_matrix()
    values, disc = ds.values, ds.discrete_mask
    vs = _varsortability(data, values, disc)
    use_oracle = oracle if _has_semantics(cell.spec.name) else None
    if cell.group == "panel":
        experts = suite_panel(suite, disc, ds.n_vars)
        described = ds.with_descriptions(dict(data.descriptions)) if data.descriptions else ds
        inp = PanelInput(
            described,
            experts,
            suite.n_bootstrap,
            cell.seed,
            n_jobs,
            suite.time_limit_s,
            fit_cache,
        )
        outputs = run_panel_group(inp, methods, use_oracle)
    elif use_oracle is not None:
        outputs = run_llm_group(ds.names, dict(data.descriptions), methods, use_oracle)
    else:
        outputs = []
    return [_row(suite.name, cell, ds.n_vars, ds.n_rows, vs, truth, o) for o in outputs]


def _load_rows(path: Path) -> list[RunRow] | None:
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
        if obj.get("version") != CACHE_VERSION:
            return None
        return [RunRow(**{k: (math.nan if v is None else v) for k, v in r.items()}) for r in obj["rows"]]  # type: ignore[arg-type]
    except (OSError, ValueError, TypeError, KeyError) as exc:
        logger.warning("ignoring unreadable cache file %s: %s", path, exc)
        return None


def _save_rows(path: Path, rows: Sequence[RunRow]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    clean = [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in asdict(r).items()}
        for r in rows
    ]
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"version": CACHE_VERSION, "rows": clean}, indent=1), encoding="utf-8")
    tmp.replace(path)


def run_benchmark(
    suite: SuiteSpec,
    out_dir: str | Path,
    *,
    methods: Sequence[str] | None = None,
    datasets: Sequence[str] | None = None,
    n_seeds: int | None = None,
    n_jobs: int = 1,
    oracle: YesNoOracle | None = None,
    progress: ProgressHook | None = None,
    fit_cache: str | Path | None = None,
) -> BenchmarkResults:
    """Run (or resume) a suite; returns every row. Output files are written by ``write_results``.

    ``fit_cache`` (a directory) keeps every expert fit, so that a rerun into a fresh ``out_dir`` after a
    change to pooling, referee or assembly refits nothing; cached fits keep their measured seconds, so
    the timing columns stay those of the first run."""
    if n_jobs == 0 or n_jobs < -1:
        raise InputError(f"--jobs must be a positive number or -1 (all cores), got {n_jobs}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} exists and is not a directory")
    keys = parse_methods(methods)
    cells = plan_cells(suite, keys, datasets=datasets, n_seeds=n_seeds, oracle=oracle)
    rows: list[RunRow] = []
    computed = reused = 0
    for k, cell in enumerate(cells):
        path = cache_path(out, suite, cell, keys, oracle)
        cached = _load_rows(path) if path.is_file() else None
        if cached is not None:
            rows += cached
            reused += 1
        else:
            start = time.perf_counter()
            new = _run_cell(suite, cell, keys, oracle, n_jobs, Path(fit_cache) if fit_cache else None)
            logger.info("%s: %d rows in %.1f s", cell.label, len(new), time.perf_counter() - start)
            _save_rows(path, new)
            rows += new
            computed += 1
        if progress is not None:
            progress(cell, k + 1, len(cells), cached is not None)
    return BenchmarkResults(suite, tuple(rows), computed, reused, out)
