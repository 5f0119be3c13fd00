"""Scaling benchmark of the whole ensemble: wall time, peak memory and overhead against the ideal.

For each d (standardised linear-Gaussian ER-2, n rows) the default ensemble (panel and B scaled with d)
runs once on local processes and once on a 2-worker Dask ``LocalCluster``, each in a fresh subprocess so
that peak memory (max RSS of the run and of its worker processes) is that run's own. The ideal wall
time is the sum of the seconds spent inside fits (B + 1 fits per expert, i.e. (B + 1) × the experts'
single-fit times) divided by the cores; ``ratio`` = wall / ideal, the target being ≤ 1.5.

    python -m causal_ensemble.benchmarks._scale [--d 10,20,50,100,200] [--n 2000] [--cores 2]
        [--backends local,dask] [--bootstrap B]

``cea benchmark --suite scale`` can call :func:`scale_benchmark` and print :func:`format_table`.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScaleRow:
    """One ensemble run of the benchmark."""

    d: int
    n: int
    backend: str
    cores: int
    experts: tuple[str, ...]
    n_bootstrap: int
    wall_s: float
    fit_s: float  # seconds inside fits, summed over every expert and resample
    peak_mb: float
    failed: tuple[str, ...]
    panel_s: float = float("nan")  # wall seconds of the expert stage (fits, scheduling, workers)
    pooling_s: float = float("nan")  # the weight rule and the pool
    referee_s: float = float("nan")
    referee: str = ""

    @property
    def ideal_s(self) -> float:
        return self.fit_s / self.cores

    @property
    def ratio(self) -> float:
        return self.wall_s / self.ideal_s if self.ideal_s > 0 else float("nan")


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + kids) / 1024.0  # KiB on Linux


def run_one(d: int, n: int, backend: str, cores: int, n_bootstrap: int | None, seed: int = 0) -> ScaleRow:
    """One ensemble run in this process (the CLI of this module runs it in a fresh subprocess)."""
    from causal_ensemble._pipeline import Ensemble
    from causal_ensemble.data import from_frame
    from causal_ensemble.data.datasets import load_dataset

    data = load_dataset(f"synth-linear-gaussian-er-d{d}", n=n, seed=seed)
    ds = from_frame(data.frame, source=f"er-d{d}")
    client = cluster = None
    if backend == "dask":
        from distributed import Client, LocalCluster

        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=cores, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        )
        client = Client(cluster)  # type: ignore[no-untyped-call]
    try:
        start = time.perf_counter()
        est = Ensemble(n_bootstrap=n_bootstrap, seed=seed, n_jobs=cores, scheduler=client).fit(ds)
        wall = time.perf_counter() - start
        result = est.result_
    finally:
        if client is not None:
            client.close()  # type: ignore[no-untyped-call]
        if cluster is not None:
            cluster.close()  # type: ignore[no-untyped-call]
    return ScaleRow(
        d=d,
        n=n,
        backend=backend,
        cores=cores,
        experts=tuple(x.name for x in result.experts),
        n_bootstrap=int(result.settings["bootstrap"]),
        wall_s=wall,
        fit_s=sum(x.seconds for x in result.experts),
        peak_mb=_peak_mb(),
        failed=tuple(f"{x.name}: {x.status}" for x in result.experts if x.n_ok < x.n_fits),
        panel_s=est.panel_fit_.seconds - est.panel_fit_.pooling_seconds,
        pooling_s=est.panel_fit_.pooling_seconds,
        referee_s=result.referee.seconds,
        referee=str(result.referee.kind),
    )


def scale_benchmark(
    ds: Sequence[int] = (10, 20, 50, 100, 200),
    *,
    n: int = 2000,
    cores: int = 2,
    backends: Sequence[str] = ("local", "dask"),
    n_bootstrap: int | None = None,
    timeout_s: float | None = None,
) -> list[ScaleRow]:
    """Run every (d, backend) in its own subprocess; a run past ``timeout_s`` is skipped and logged."""
    rows = []
    for d in ds:
        for backend in backends:
            cmd = [
                sys.executable,
                "-m",
                "causal_ensemble.benchmarks._scale",
                "--one",
                f"{d},{n},{backend},{cores},{'' if n_bootstrap is None else n_bootstrap}",
            ]
            try:
                done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=True)
            except subprocess.TimeoutExpired:
                logger.warning("d=%d %s: past %s s, skipped", d, backend, timeout_s)
                continue
            except subprocess.CalledProcessError as exc:
                logger.warning("d=%d %s failed: %s", d, backend, exc.stderr.strip().splitlines()[-1:])
                continue
            raw = json.loads(done.stdout.strip().splitlines()[-1])
            raw["experts"] = tuple(raw["experts"])
            raw["failed"] = tuple(raw["failed"])
            rows.append(ScaleRow(**raw))
            logger.info("%s", format_table(rows[-1:]).splitlines()[-1])  # progress, one row per run
    return rows


def format_table(rows: Sequence[ScaleRow]) -> str:
    lines = [
        "| d | backend | experts | B | wall s | fit s | ideal s | wall/ideal | expert stage s | weights s "
        "| referee s | rest s | peak MB | not ok |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        rest = r.wall_s - r.panel_s - r.pooling_s - r.referee_s
        lines.append(
            f"| {r.d} | {r.backend} | {len(r.experts)} | {r.n_bootstrap} | {r.wall_s:.1f} | {r.fit_s:.1f} | "
            f"{r.ideal_s:.1f} | {r.ratio:.2f} | {r.panel_s:.1f} | {r.pooling_s:.1f} | "
            f"{r.referee_s:.1f} ({r.referee}) | {rest:.1f} | {r.peak_mb:.0f} | {'; '.join(r.failed) or '-'} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--d", default="10,20,50,100,200")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--backends", default="local,dask")
    parser.add_argument("--bootstrap", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=None, help="seconds per run before it is skipped")
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one is not None:  # child process: one run, JSON on stdout
        d, n, backend, cores, b = args.one.split(",")
        row = run_one(int(d), int(n), backend, int(cores), int(b) if b else None)
        sys.stdout.write(json.dumps(asdict(row)) + "\n")
        return
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    rows = scale_benchmark(
        [int(x) for x in args.d.split(",")],
        n=args.n,
        cores=args.cores,
        backends=args.backends.split(","),
        n_bootstrap=args.bootstrap,
        timeout_s=args.timeout,
    )
    sys.stdout.write(format_table(rows) + "\n")


if __name__ == "__main__":
    main()
