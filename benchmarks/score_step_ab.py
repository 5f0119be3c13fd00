"""The score step of assembly on one fit: the default panel fitted once per table, then decided without the
step, with it, and with it but without removals (``orient_by_score(prune=False)``).

Why a separate script: a whole ``cea discover`` run per variant refits the panel, and on a budgeted default
the number of resamples depends on the machine's speed, so two runs differ by more than the step. Here the
three decisions share every expert fit. Tables: pgmpy's bundled discrete networks sampled as in
``benchmarks/wide_networks.py`` (n = 2000, seed 1). Prints one markdown row per table and variant:

    python benchmarks/score_step_ab.py [--networks hepar2,win95pts,andes] [--rows 2000] [--seed 1]
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

import causal_ensemble._pipeline as pipeline
from causal_ensemble import Ensemble
from causal_ensemble.assemble import orient_by_score
from causal_ensemble.assemble._score_orient import score_orders
from causal_ensemble.data import from_frame
from causal_ensemble.evaluate import shd_cpdag, structure_scores


def _without_removals(*args: Any, **kwargs: Any) -> Any:
    graph, pooled, X, masks, model = args
    orders = score_orders(pooled, kwargs.get("beliefs", ()))
    return orient_by_score(graph, pooled, X, masks, orders=orders, model=model, prune=False), model


@contextmanager
def _variant(name: str) -> Iterator[None]:
    """The pipeline with its score step as ``name`` says (restored afterwards)."""
    namespace = vars(pipeline)  # the names the pipeline looks up when it decides
    saved = {k: namespace[k] for k in ("score_model", "settle_by_score")}
    if name == "no score step":
        namespace["score_model"] = lambda *a, **k: None
    elif name == "score step without removals":
        namespace["settle_by_score"] = _without_removals
    try:
        yield
    finally:
        namespace.update(saved)


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--networks", default="hepar2,win95pts,andes")
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    from pgmpy.utils import get_example_model

    print("| table | variant | decide s | SHD | CPDAG SHD | directed F1 | edges |")
    print("|---|---|---|---|---|---|---|")
    for name in args.networks.split(","):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = get_example_model(name)
            frame = model.simulate(args.rows, seed=args.seed, show_progress=False)
        ds = from_frame(frame)
        index = {c: i for i, c in enumerate(ds.names)}
        d = len(index)
        truth = np.zeros((d, d), dtype=bool)
        for s, t in model.edges():
            truth[index[s], index[t]] = True
        ensemble = Ensemble(referee="stats")
        referee, _ = ensemble.make_referee(None, ds)
        start = time.perf_counter()
        fit = ensemble.fit_panel(ds)
        label = f"{name} (d = {d}, {int(truth.sum())} edges; fit {time.perf_counter() - start:.0f} s)"
        for variant in ("no score step", "score step", "score step without removals"):
            with _variant(variant):
                start = time.perf_counter()
                result = ensemble.decide(fit, referee)
                seconds = time.perf_counter() - start
            D = np.zeros((d, d), dtype=bool)
            U = np.zeros((d, d), dtype=bool)
            for e in result.edges:
                (D if e.type == "directed" else U)[index[e.source], index[e.target]] = True
            sc = structure_scores(D, U, truth)
            print(
                f"| {label} | {variant} | {seconds:.1f} | {sc.shd} | {shd_cpdag(D, U, truth)} | "
                f"{sc.directed_f1:.2f} | {len(result.edges)} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
