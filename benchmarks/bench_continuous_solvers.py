"""Wall-clock seconds of the numpy NOTEARS, adaptive NOTEARS and DAGMA solvers.

Linear-Gaussian SEMs on Erdős–Rényi DAGs (expected degree 2, weights ±U(0.5, 2), unit noise), n = 2000,
d = 10, 20, 50, on the raw scale (varsortable) and standardised. Prints one line per run with the time,
the number of true edges, and the recovered skeleton errors, so speed is never read without accuracy.

    python benchmarks/bench_continuous_solvers.py [--sizes 10 20 50] [--n 2000] [--seed 0]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from causal_ensemble.experts._dagma import dagma_linear
from causal_ensemble.experts._notears import adaptive_notears_linear, is_dag, notears_linear

FloatMatrix = npt.NDArray[np.float64]
BoolMatrix = npt.NDArray[np.bool_]

SOLVERS: dict[str, Callable[..., FloatMatrix]] = {
    "notears": notears_linear,
    "adaptive_notears": adaptive_notears_linear,
    "dagma": dagma_linear,
}


def simulate(d: int, n: int, seed: int, *, degree: float = 2.0) -> tuple[FloatMatrix, BoolMatrix]:
    """Raw-scale data from a random linear-Gaussian SEM and its true adjacency (B[i, j]: i -> j)."""
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.random((d, d)) < degree / (d - 1), k=1)
    perm = rng.permutation(d)
    B = upper[np.ix_(perm, perm)]
    W = B * rng.uniform(0.5, 2.0, (d, d)) * rng.choice([-1.0, 1.0], (d, d))
    X = rng.normal(size=(n, d)) @ np.linalg.inv(np.eye(d) - W)
    return X, B


def errors(W: FloatMatrix, B: BoolMatrix) -> str:
    S = W != 0
    extra = int((S & ~B & ~B.T).sum())
    missing = int((B & ~S & ~S.T).sum())
    reversed_ = int((S & B.T & ~B).sum())
    return f"extra={extra:3d} missing={missing:3d} reversed={reversed_:3d} dag={is_dag(W)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 20, 50])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--solvers", nargs="+", default=list(SOLVERS), choices=list(SOLVERS))
    args = parser.parse_args()
    print(f"{'solver':<17} {'scale':<6} {'d':>3} {'seconds':>8}  edges  errors")
    for d in args.sizes:
        X_raw, B = simulate(d, args.n, args.seed + d)
        X_std = (X_raw - X_raw.mean(axis=0)) / X_raw.std(axis=0)
        for scale, X in (("raw", X_raw), ("std", X_std)):
            for name in args.solvers:
                start = time.perf_counter()
                W = SOLVERS[name](X)
                seconds = time.perf_counter() - start
                print(
                    f"{name:<17} {scale:<6} {d:>3} {seconds:8.2f}  {int(B.sum()):5d}  {errors(W, B)}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
