"""Two benchmark runs of the same cells side by side, family by family, for one method.

    python benchmarks/compare_runs.py A/runs.csv B/runs.csv [--method cea-stats] [--labels budgeted,B=20]
        [--f1-tolerance 0.02] [--shd-tolerance 0.05]

Only the cells both runs finished are compared (same dataset, rows and seed). For each family it prints the
mean directed F1 and SHD of the method in each run and whether A is within the tolerances of B (directed F1
at most ``--f1-tolerance`` lower, mean SHD at most ``--shd-tolerance`` × B's higher). Used for the
budgeted default against an unbudgeted run with B = 20 (`cea benchmark --budgeted` against
`cea benchmark --bootstrap 20`).
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from pathlib import Path

Key = tuple[str, str, str]


def _load(path: Path, method: str) -> dict[Key, tuple[str, float, float]]:
    rows: dict[Key, tuple[str, float, float]] = {}
    with path.open(newline="") as fh:
        for r in csv.DictReader(fh):
            if r["method"] != method or r["status"] != "ok":
                continue
            rows[(r["dataset"], r["n"], r["seed"])] = (r["family"], float(r["directed_f1"]), float(r["shd"]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    parser.add_argument("--method", default="cea-stats")
    parser.add_argument("--labels", default="A,B")
    parser.add_argument("--f1-tolerance", type=float, default=0.02)
    parser.add_argument("--shd-tolerance", type=float, default=0.05)
    args = parser.parse_args()
    la, lb = (x.strip() for x in args.labels.split(",", 1))
    a, b = _load(args.a, args.method), _load(args.b, args.method)
    shared = sorted(set(a) & set(b))
    if not shared:
        raise SystemExit(f"no {args.method} cells finished in both runs")
    by_family: dict[str, list[Key]] = defaultdict(list)
    for k in shared:
        by_family[a[k][0]].append(k)
    print(
        f"| family | cells | {la} dirF1 | {lb} dirF1 | {la} SHD | {lb} SHD | within "
        f"{args.f1_tolerance} F1 and {args.shd_tolerance:.0%} SHD |"
    )
    print("|---|---|---|---|---|---|---|")
    met = 0
    for fam, keys in sorted(by_family.items()):
        fa = sum(a[k][1] for k in keys) / len(keys)
        fb = sum(b[k][1] for k in keys) / len(keys)
        sa = sum(a[k][2] for k in keys) / len(keys)
        sb = sum(b[k][2] for k in keys) / len(keys)
        ok = fa >= fb - args.f1_tolerance and sa <= sb * (1 + args.shd_tolerance)
        met += ok
        verdict = "yes" if ok else "no"
        print(f"| {fam} | {len(keys)} | {fa:.3f} | {fb:.3f} | {sa:.1f} | {sb:.1f} | {verdict} |")
    n_fam = len(by_family)
    print(f"\n{la} within the tolerances of {lb} on {met} of {n_fam} families ({len(shared)} cells).")


if __name__ == "__main__":
    main()
