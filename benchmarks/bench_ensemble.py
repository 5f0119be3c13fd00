"""Accuracy and time of every single expert, the baselines and the ensemble: a thin wrapper over the
benchmark harness (``cea benchmark``), kept so that ``make bench`` prints a table.

    python benchmarks/bench_ensemble.py [--suite quick|standard|full] [--out DIR] [--jobs N]
        [--datasets NAME,...] [--methods single,vote,...]

Results (runs.csv, results.md, plots, report.html) go to ``results/benchmark-SUITE`` by default; finished
cells are cached there, so an interrupted run resumes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from causal_ensemble.benchmarks import get_suite, markdown_report, run_benchmark, write_results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", default="quick")
    parser.add_argument("--out", default=None)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--datasets", default=None, help="comma-separated datasets of the suite")
    parser.add_argument("--methods", default=None, help="comma-separated methods (default: all)")
    args = parser.parse_args()
    suite = get_suite(args.suite)
    out = Path(args.out) if args.out else Path("results") / f"benchmark-{suite.name}"
    results = run_benchmark(
        suite,
        out,
        methods=args.methods.split(",") if args.methods else None,
        datasets=args.datasets.split(",") if args.datasets else None,
        n_jobs=args.jobs,
    )
    write_results(results)
    print(markdown_report(results))


if __name__ == "__main__":
    main()
