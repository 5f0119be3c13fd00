"""Networks wider than the standard suite's, through the public command line: the default `cea discover`
against plain single experts.

The standard suite stops at d = 50; users bring wider tables. This script samples pgmpy's bundled example
networks (discrete hepar2, win95pts and andes; Gaussian arth150), writes each as a CSV and a truth file,
and runs, per network, the whole command a user would run:

* ``cea discover DATA --referee stats`` (the default panel, budget and resampling), and
* ``cea discover DATA --experts NAME --bootstrap 0`` for each single expert of ``--singles`` (one plain fit),

then prints one markdown row per run: whole-command wall seconds, SHD, SHD against the true CPDAG and
directed F1 (``cea evaluate``). Run it on an idle machine; each network takes 1-5 minutes:

    python benchmarks/wide_networks.py [--networks hepar2,win95pts,andes,arth150] [--rows 2000]
                                       [--seed 1] [--singles ges,pc] [--work results/wide-networks]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import warnings
from inspect import signature
from pathlib import Path

import pandas as pd

NETWORKS = ("hepar2", "win95pts", "andes", "arth150")


def sample(name: str, rows: int, seed: int, work: Path) -> tuple[Path, Path, int, int]:
    """The network's table and truth files (sampled once per rows and seed); (data, truth, d, edges)."""
    from pgmpy.utils import get_example_model

    data, truth = work / f"{name}_n{rows}_s{seed}.csv", work / f"{name}_truth.csv"
    with warnings.catch_warnings():  # its successor, pgmpy.example_models.load_model, downloads the model
        warnings.simplefilter("ignore", FutureWarning)
        model = get_example_model(name)
    edges = list(model.edges())
    if not data.exists():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            takes_progress = "show_progress" in signature(model.simulate).parameters
            quiet = {"show_progress": False} if takes_progress else {}
            frame = model.simulate(rows, seed=seed, **quiet)
        frame.to_csv(data, index=False)
    pd.DataFrame(edges, columns=["source", "target"]).to_csv(truth, index=False)
    return data, truth, len(model.nodes()), len(edges)


def run(label: str, data: Path, truth: Path, out: Path, extra: list[str]) -> str:
    """One whole `cea discover` command, timed, and its scores as a markdown row."""
    cea = [sys.executable, "-m", "causal_ensemble"]
    start = time.perf_counter()
    done = subprocess.run(
        [*cea, "discover", str(data), "--out", str(out), "--quiet", "--no-cache", *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        return f"| {label} | failed ({done.stderr.strip().splitlines()[-1:]}) | | | |"
    scores = subprocess.run(
        [*cea, "evaluate", str(out / "graph.json"), "--truth", str(truth), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    m = json.loads(scores.stdout)
    return f"| {label} | {wall:.0f} | {m['shd']} | {m['shd_cpdag']} | {m['directed_f1']:.2f} |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--networks", default=",".join(NETWORKS))
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--singles", default="ges,pc", help="single experts to run alone (empty: none)")
    ap.add_argument("--work", type=Path, default=Path("results/wide-networks"))
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print("| network (d, edges) / method | wall s | SHD | CPDAG SHD | directed F1 |")
    print("|---|---|---|---|---|")
    for name in [n for n in args.networks.split(",") if n]:
        data, truth, d, n_edges = sample(name, args.rows, args.seed, args.work)
        print(f"| **{name}** (d = {d}, {n_edges} edges, n = {args.rows}) | | | | |", flush=True)
        out = args.work / f"{name}-default"
        print(run("cea discover --referee stats", data, truth, out, ["--referee", "stats"]), flush=True)
        for single in [s for s in args.singles.split(",") if s]:
            out = args.work / f"{name}-{single}"
            extra = ["--experts", single, "--bootstrap", "0"]
            print(run(f"{single} alone", data, truth, out, extra), flush=True)


if __name__ == "__main__":
    main()
