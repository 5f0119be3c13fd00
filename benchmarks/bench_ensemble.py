"""Time and accuracy of every single expert and of the whole ensemble.

Prints a Markdown table per dataset: seconds of one fit on the full data per expert, the ensemble's
wall time (experts x (B + 1) fits, pooling, assembly) and SHD / directed F1 / skeleton F1 against the
truth for each single expert's full-data graph and for the pooled graph.

    python benchmarks/bench_ensemble.py [--datasets sachs,synth-linear-gaussian-er-d20]
        [--bootstrap 20] [--jobs 2]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from causal_ensemble import discover, from_frame
from causal_ensemble.data.datasets import load_dataset
from causal_ensemble.evaluate import structure_scores
from causal_ensemble.experts import default_panel, make_panel
from causal_ensemble.experts._base import data_kind
from causal_ensemble.experts._bootstrap import run_panel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets", default="sachs,synth-linear-gaussian-er-d20,synth-linear-gaussian-er-d50"
    )
    parser.add_argument("--bootstrap", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--n", type=int, default=2000, help="rows for generated datasets")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--experts", default=None, help="comma-separated panel (default: the data kind's)")
    parser.add_argument("--skip-singles", action="store_true", help="only time the ensemble")
    args = parser.parse_args()

    for name in args.datasets.split(","):
        data = load_dataset(name, n=None if name == "sachs" else args.n, seed=args.seed)
        ds = from_frame(data.frame, source=name)
        truth = data.truth_matrix()
        names = list(ds.names)
        kind = data_kind(ds.discrete_mask)
        panel = make_panel(args.experts.split(",")) if args.experts else default_panel(kind)
        print(
            f"\n## {name}: {ds.n_rows} rows x {ds.n_vars} variables, {int(truth.sum())} true edges, "
            f"B = {args.bootstrap}, jobs = {args.jobs}\n"
        )
        print("| method | seconds | SHD | dirF1 | skelF1 |")
        print("|---|---|---|---|---|")
        singles = (
            []
            if args.skip_singles
            else run_panel(
                panel, ds.values, discrete=ds.discrete_mask, n_bootstrap=0, seed=args.seed, n_jobs=1
            )
        )
        for r in singles:
            g = r.full.graph
            if g is None:
                print(f"| {r.name} | {r.full.seconds:.2f} | {r.status.value}: {r.error} | | |")
                continue
            # PAG marks (o-o, o->, <->) count as adjacencies with undecided direction
            unoriented = g.adjacency() & ~g.directed() & ~g.directed().T
            s = structure_scores(g.directed(), unoriented, truth)
            print(
                f"| {r.name} | {r.full.seconds:.2f} | {s.shd} | {s.directed_f1:.2f} | {s.skeleton_f1:.2f} |"
            )
        start = time.perf_counter()
        result = discover(ds, experts=panel, n_bootstrap=args.bootstrap, seed=args.seed, n_jobs=args.jobs)
        wall = time.perf_counter() - start
        d = len(names)
        idx = {n: k for k, n in enumerate(names)}
        D = np.zeros((d, d), dtype=bool)
        U = np.zeros((d, d), dtype=bool)
        for s_, t_ in result.directed_edges():
            D[idx[s_], idx[t_]] = True
        for s_, t_ in result.undirected_edges():
            U[idx[s_], idx[t_]] = True
        s = structure_scores(D, U, truth)
        fits = sum(x.n_fits for x in result.experts)
        cpu = sum(x.seconds for x in result.experts)
        print(
            f"| **CEA pooled (referee none)** | {wall:.1f} wall ({fits} fits, {cpu:.1f} s in fits) | "
            f"{s.shd} | {s.directed_f1:.2f} | {s.skeleton_f1:.2f} |"
        )
        print("\nexpert weights: " + ", ".join(f"{x.name} {x.weight:.3f}" for x in result.experts))
        print(f"contested decisions: {len(result.contested)}")


if __name__ == "__main__":
    main()
