"""Tune and check the pooling rules offline: fit the panel once per dataset, then re-pool in seconds.

Two steps:

    python benchmarks/tune_pool.py fit [--datasets ...] [--bootstrap 10] [--jobs 1]
        fits every expert of the default panel on the full data and on B shared resamples and pickles the
        results (with the data, resamples and truth) under ``results/panels/`` (git-ignored);
    python benchmarks/tune_pool.py table [--datasets ...]
        prints, per dataset, SHD / directed F1 / skeleton F1 of every single expert (its full-data graph),
        of CEA with the previous rule ("before": stability x out-of-bag fit, greedy assembly) and of CEA
        with the current rules, with ``--referee none`` and ``stats``, plus a summary of the claims.

The cached panels make the second step independent of expert run time, so a rule can be changed and
re-checked on every dataset (and held-out seeds) in seconds.
"""

from __future__ import annotations

import argparse
import json
import logging
import pickle
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from causal_ensemble.assemble import EdgeType, assemble
from causal_ensemble.beliefs import beliefs_from_graphs
from causal_ensemble.data import from_frame
from causal_ensemble.data.datasets import load_dataset
from causal_ensemble.evaluate import structure_scores
from causal_ensemble.experts import (
    BootstrapResult,
    default_panel,
    resample_indices,
    resampling_scheme,
    run_panel,
)
from causal_ensemble.experts._base import data_kind
from causal_ensemble.pooling import Pool, PoolSettings, apply_verdicts, find_contested, reliability_weights
from causal_ensemble.referee import RefereeContext, make_referee

CACHE = Path(__file__).resolve().parent.parent / "results" / "panels"
DEFAULT_DATASETS = (
    "sachs,synth-linear-gaussian-er-d20@0,synth-linear-gaussian-er-d20@1,synth-linear-gaussian-er-d20@2,"
    "synth-linear-nongaussian-er-d20@0,synth-nonlinear-er-d20@0,bn-asia@0,bn-child@0"
)


@dataclass
class CachedPanel:
    name: str
    names: list[str]
    X: npt.NDArray[np.float64]
    discrete: npt.NDArray[np.bool_]
    truth: npt.NDArray[np.bool_]
    resamples: list[npt.NDArray[np.int64]]
    results: list[BootstrapResult]
    seconds: float


def _split(spec: str) -> tuple[str, int]:
    name, _, seed = spec.partition("@")
    return name, int(seed or 0)


def cache_path(spec: str, bootstrap: int) -> Path:
    return CACHE / f"{spec.replace('@', '_s')}_B{bootstrap}.pkl"


def fit(spec: str, bootstrap: int, jobs: int, time_limit: float) -> CachedPanel:
    name, seed = _split(spec)
    n = None if name == "sachs" else 2000
    data = load_dataset(name, n=n, seed=seed)
    ds = from_frame(data.frame, source=name)
    X = ds.values
    kind = data_kind(ds.discrete_mask)
    resamples = resample_indices(len(X), bootstrap, seed, scheme=resampling_scheme(ds.discrete_mask))
    start = time.perf_counter()
    results = run_panel(
        default_panel(kind),
        X,
        discrete=ds.discrete_mask,
        n_bootstrap=bootstrap,
        seed=seed,
        n_jobs=jobs,
        time_limit_s=time_limit,
        resamples=resamples,
    )
    return CachedPanel(
        spec,
        list(ds.names),
        X,
        ds.discrete_mask,
        data.truth_matrix(),
        resamples,
        results,
        time.perf_counter() - start,
    )


def load(spec: str, bootstrap: int) -> CachedPanel:
    """The cached fits of ``spec`` with ``bootstrap`` resamples, or else with the most resamples cached."""
    path = cache_path(spec, bootstrap)
    if not path.exists():
        found = sorted(
            CACHE.glob(f"{spec.replace('@', '_s')}_B*.pkl"), key=lambda q: int(q.stem.rsplit("B", 1)[1])
        )
        if not found:
            raise SystemExit(f"{spec}: no cached fits; run the 'fit' step first")
        path = found[-1]
    with path.open("rb") as fh:
        fields = pickle.load(fh)
    return CachedPanel(**fields)


@dataclass(frozen=True)
class Row:
    method: str
    shd: int
    dir_f1: float
    skel_f1: float


def _scores(
    method: str,
    directed: npt.NDArray[np.bool_],
    undirected: npt.NDArray[np.bool_],
    truth: npt.NDArray[np.bool_],
) -> Row:
    s = structure_scores(directed, undirected, truth)
    return Row(method, s.shd, s.directed_f1, s.skeleton_f1)


def single_rows(panel: CachedPanel) -> list[Row]:
    rows = []
    for r in panel.results:
        g = r.full.graph
        if g is None:
            continue
        unoriented = g.adjacency() & ~g.directed() & ~g.directed().T
        rows.append(_scores(r.name, g.directed(), unoriented, panel.truth))
    return rows


def ensemble(panel: CachedPanel, referee: str) -> tuple[Row, dict[str, float]]:
    """CEA on cached expert fits: the same stages as ``discover`` after ``run_panel``."""
    kind = data_kind(panel.discrete)
    beliefs = [beliefs_from_graphs(r.name, r.graphs) if r.graphs else None for r in panel.results]
    weights_all = reliability_weights(
        panel.results, beliefs, panel.X, panel.resamples, discrete=kind.value == "discrete"
    )
    alive = [k for k, b in enumerate(beliefs) if b is not None]
    pool = Pool([b for b in beliefs if b is not None], weights_all.subset(alive))
    pooled = pool.pooled()
    settings = PoolSettings()
    contested = find_contested(pooled, settings)
    ref = make_referee(referee)
    experts = {r.expert.name: r.expert for r in panel.results}
    context = RefereeContext(tuple(panel.names), {}, pool, experts, panel.X, panel.discrete)
    verdicts = ref.referee(contested, context) if contested else []
    final, _ = apply_verdicts(pool, pooled, verdicts)
    graph = assemble(final, settings)
    d = len(panel.names)
    D = graph.directed_matrix()
    U = np.zeros((d, d), dtype=bool)
    for e in graph.edges:
        if e.type is not EdgeType.DIRECTED:
            U[e.source, e.target] = True
    return _scores(f"CEA {referee}", D, U, panel.truth), weights_all.as_dict()


BEFORE = CACHE.parent / "tune_pool_before.json"


def print_tables(panels: list[CachedPanel], save_before: bool) -> None:
    before: dict[str, dict[str, list[float]]] = json.loads(BEFORE.read_text()) if BEFORE.exists() else {}
    claims = []
    for panel in panels:
        singles = single_rows(panel)
        none, w = ensemble(panel, "none")
        stats, _ = ensemble(panel, "stats")
        n, d = panel.X.shape
        b = len(panel.resamples)
        print(f"\n## {panel.name} ({n} x {d}, {int(panel.truth.sum())} true edges, B = {b})\n")
        print("| method | SHD | dirF1 | skelF1 |\n|---|---|---|---|")
        rows = list(singles)
        old = before.get(panel.name, {})
        rows += [Row(f"{k} (before)", int(v[0]), v[1], v[2]) for k, v in old.items()]
        rows += [none, stats]
        for r in rows:
            print(f"| {r.method} | {r.shd} | {r.dir_f1:.2f} | {r.skel_f1:.2f} |")
        print("\nweights: " + ", ".join(f"{k} {v:.2f}" for k, v in w.items()))
        best_f1 = max(singles, key=lambda r: r.dir_f1)
        best_shd = min(singles, key=lambda r: r.shd)
        claims.append((panel.name, stats, best_f1, best_shd))
        if save_before:
            before[panel.name] = {r.method: [r.shd, r.dir_f1, r.skel_f1] for r in (none, stats)}
    print("\n## claims: CEA stats vs the best single expert\n")
    print("| dataset | CEA stats SHD / dirF1 | best SHD (expert) | best dirF1 (expert) | met |")
    print("|---|---|---|---|---|")
    for name, s, bf, bs in claims:
        ok = s.dir_f1 >= bf.dir_f1 - 1e-9 and s.shd <= bs.shd
        print(
            f"| {name} | {s.shd} / {s.dir_f1:.2f} | {bs.shd} ({bs.method}) | {bf.dir_f1:.2f} ({bf.method}) | "
            f"{'yes' if ok else 'no'} |"
        )
    if save_before:
        BEFORE.write_text(json.dumps(before, indent=1))


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("step", choices=("fit", "table"))
    parser.add_argument("--datasets", default=DEFAULT_DATASETS, help="name[@seed],... (default: all)")
    parser.add_argument("--bootstrap", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument(
        "--save-before", action="store_true", help="store the CEA rows as the 'before' reference"
    )
    args = parser.parse_args()
    specs = [s.strip() for s in args.datasets.split(",") if s.strip()]
    if args.step == "fit":
        CACHE.mkdir(parents=True, exist_ok=True)
        for spec in specs:
            path = cache_path(spec, args.bootstrap)
            if path.exists():
                print(f"{spec}: cached at {path}")
                continue
            panel = fit(spec, args.bootstrap, args.jobs, args.time_limit)
            with path.open("wb") as fh:
                pickle.dump(panel.__dict__, fh)
            status = ", ".join(f"{r.name}:{r.status.value}" for r in panel.results)
            print(f"{spec}: {panel.seconds:.0f} s; {status}", flush=True)
        return
    print_tables([load(s, args.bootstrap) for s in specs], args.save_before)


if __name__ == "__main__":
    main()
