"""What each referee does to the final graph, with the expert panel fitted once per dataset.

For every dataset: fit the panel (full data + B resamples) once, pool, find the contested decisions,
then settle them with each referee variant — none, stats, llm (embedded Qwen model, or any ``--llm``
spec), and llm with the column names disguised as V1..Vd (descriptions kept) — and assemble. Prints a
Markdown table: contested decisions, referee queries (questions to the model) as a fraction of all
variable pairs d(d-1)/2, cache hits, model seconds, and SHD / directed F1 / skeleton F1 of each final graph.

    python benchmarks/bench_referees.py [--datasets sachs,bn-asia,bn-child,bn-insurance,bn-alarm]
        [--n 2000] [--bootstrap 5] [--llm local] [--referees none,stats,llm,llm-disguised]
"""

from __future__ import annotations

import argparse
import pickle
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt

from causal_ensemble import from_frame
from causal_ensemble.assemble import assemble
from causal_ensemble.beliefs import ExpertBeliefs, beliefs_from_graphs
from causal_ensemble.data.datasets import load_dataset
from causal_ensemble.evaluate import structure_scores
from causal_ensemble.experts import (
    BootstrapResult,
    Expert,
    KnowledgeMasks,
    make_panel,
    resample_indices,
    resampling_scheme,
    run_panel,
)
from causal_ensemble.experts._base import data_kind
from causal_ensemble.experts._scaling import plan_panel
from causal_ensemble.pooling import Pool, PoolSettings, apply_verdicts, find_contested, reliability_weights
from causal_ensemble.referee import (
    LLMReferee,
    NoReferee,
    Referee,
    RefereeContext,
    StatsReferee,
)


def _referee(kind: str, llm: str) -> Referee:
    if kind == "none":
        return NoReferee()
    if kind == "stats":
        return StatsReferee()
    return LLMReferee.from_spec(llm, max_queries=100_000, disguise_names=kind == "llm-disguised")


def _fit(
    panel: list[Expert], X: npt.NDArray[np.float64], disc: npt.NDArray[np.bool_], args: argparse.Namespace
) -> tuple[list[BootstrapResult], float]:
    d = X.shape[1]
    resamples = resample_indices(len(X), args.bootstrap, args.seed, scheme=resampling_scheme(disc))
    start = time.perf_counter()
    runs = run_panel(
        panel,
        X,
        discrete=disc,
        knowledge=KnowledgeMasks.none(d),
        n_bootstrap=args.bootstrap,
        seed=args.seed,
        n_jobs=args.jobs,
        resamples=resamples,
        time_limit_s=args.time_limit,
    )
    return runs, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="sachs,bn-asia,bn-child,bn-insurance,bn-alarm")
    parser.add_argument("--n", type=int, default=2000, help="rows for the bnlearn samples")
    parser.add_argument("--bootstrap", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--experts", default=None, help="comma-separated panel (default: as cea discover)")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds per fit")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--llm", default="local")
    parser.add_argument("--referees", default="none,stats,llm,llm-disguised")
    parser.add_argument(
        "--panel-cache",
        type=Path,
        default=None,
        help="directory to keep fitted panels between runs of this script",
    )
    args = parser.parse_args()
    settings = PoolSettings(0.5, 0.1)

    print(
        "| dataset | d | pairs | contested | referee | queries | queries/pairs | cache hits | "
        "model s | SHD | dirF1 | skelF1 |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name in args.datasets.split(","):
        data = load_dataset(name, n=None if name == "sachs" else args.n, seed=args.seed)
        ds = from_frame(data.frame, source=name).with_descriptions(dict(data.descriptions))
        truth = data.truth_matrix()
        X, disc = ds.values, ds.discrete_mask
        kind = data_kind(disc)
        d = ds.n_vars
        # The panel `cea discover` would use by default for this table (scaled with d), unless named.
        panel = make_panel(args.experts.split(",") if args.experts else plan_panel(kind, d).experts)
        tag = "-".join(e.name for e in panel)
        cached = (
            args.panel_cache / f"{name}-n{args.n}-b{args.bootstrap}-s{args.seed}-{tag}.pkl"
            if args.panel_cache
            else None
        )
        if cached is not None and cached.is_file():
            with cached.open("rb") as fh:
                runs, fit_s = pickle.load(fh)
        else:
            runs, fit_s = _fit(panel, X, disc, args)
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                with cached.open("wb") as fh:
                    pickle.dump((runs, fit_s), fh)
        resamples = resample_indices(len(X), args.bootstrap, args.seed, scheme=resampling_scheme(disc))
        beliefs: list[ExpertBeliefs | None] = [
            beliefs_from_graphs(r.name, r.graphs) if r.graphs else None for r in runs
        ]
        weights_all = reliability_weights(runs, beliefs, X, resamples, discrete=kind.value == "discrete")
        alive = [k for k, b in enumerate(beliefs) if b is not None]
        pool = Pool([b for b in beliefs if b is not None], weights_all.subset(alive))
        pooled = pool.pooled()
        contested = find_contested(pooled, settings)
        context = RefereeContext(ds.names, dict(ds.descriptions), pool, {e.name: e for e in panel}, X, disc)
        pairs = d * (d - 1) // 2
        print(
            f"<!-- {name}: {ds.n_rows} rows, panel fitted once in {fit_s:.0f} s "
            f"({', '.join(r.name + ':' + r.status.value for r in runs)}) -->"
        )
        for kind_name in args.referees.split(","):
            ref = _referee(kind_name, args.llm)
            verdicts = ref.referee(contested, context) if contested else []
            rep = ref.report()
            final, _ = apply_verdicts(pool, pooled, verdicts)
            graph = assemble(final, settings)
            D, U = graph.directed_matrix(), graph.undirected_matrix()
            s = structure_scores(D, U, truth)
            queries = (
                rep.queries if kind_name.startswith("llm") else (len(verdicts) if kind_name != "none" else 0)
            )
            print(
                f"| {name} | {d} | {pairs} | {len(contested)} | {kind_name} | {queries} | "
                f"{queries / pairs:.2f} | {rep.cache_hits} | {rep.seconds:.1f} | {s.shd} | "
                f"{s.directed_f1:.2f} | {s.skeleton_f1:.2f} |",
                flush=True,
            )
            if rep.failures:
                print(f"<!-- {name} {kind_name}: {len(rep.failures)} failures, e.g. {rep.failures[0]} -->")


if __name__ == "__main__":
    main()
