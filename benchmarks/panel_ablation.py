"""Which experts earn their place in the default panel: re-pool cached panels without some experts.

Reads the panels ``tune_pool.py fit`` cached under ``results/panels/`` (no expert is refitted), drops the
named experts, re-weights the rest with the default rule, and prints SHD / directed F1 per table, with the
dropped experts' share of the panel's fitting time. Usage:

    python benchmarks/panel_ablation.py --drop notears,adaptive_notears [--seeds 0,1]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tune_pool import CACHE, load, panel_data, pool_and_score

from causal_ensemble.pooling import reliability_weights


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--drop", required=True, help="comma-separated experts to leave out")
    ap.add_argument("--seeds", default="0,1")
    args = ap.parse_args()
    drop = set(args.drop.split(","))
    seeds = {int(s) for s in args.seeds.split(",")}
    specs = sorted(p.name.removesuffix("_B10.pkl").replace("_s", "@") for p in CACHE.glob("*_B10.pkl"))
    print("| table | full panel SHD / dirF1 | without | share of fit time dropped |")
    print("|---|---|---|---|")
    tot = [0.0, 0.0, 0.0, 0.0, 0]
    for spec in specs:
        if int(spec.rsplit("@", 1)[1]) not in seeds:
            continue
        panel = load(spec, 10)
        rows = []
        for keep in (None, drop):
            p = (
                panel
                if keep is None
                else replace(panel, results=[r for r in panel.results if r.name not in keep])
            )
            data = panel_data(p)
            w = reliability_weights(
                data.results, data.beliefs, data.X, data.resamples, discrete=bool(data.discrete_mask.all())
            )
            rows.append(pool_and_score(p, data, w, "x").row)
        secs = {r.name: r.seconds for r in panel.results}
        share = sum(v for k, v in secs.items() if k in drop) / max(sum(secs.values()), 1e-9)
        a, b = rows
        print(f"| {spec} | {a.shd} / {a.dir_f1:.2f} | {b.shd} / {b.dir_f1:.2f} | {share:.2f} |")
        tot[0] += a.shd
        tot[1] += b.shd
        tot[2] += a.dir_f1
        tot[3] += b.dir_f1
        tot[4] += 1
    n = max(int(tot[4]), 1)
    print(f"| mean ({n}) | {tot[0] / n:.1f} / {tot[2] / n:.2f} | {tot[1] / n:.1f} / {tot[3] / n:.2f} | |")


if __name__ == "__main__":
    main()
