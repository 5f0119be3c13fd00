"""What each referee does to the final graph, on cached panel fits: the same fits settled by none, stats,
the embedded LLM with real names and with names disguised as V1..Vd (descriptions kept).

Every cell is :meth:`Ensemble.decide` on the cached :class:`PanelFit` (``tune_pool.py fit`` writes the
panels; ``contested_errors.panel_fit`` rebuilds them), so the referees differ and nothing else. Prints
SHD / directed F1 per table and referee, the questions and model-seconds the LLM spent, and the mean SHD
of llm against stats over the tables with descriptions.

    python benchmarks/referee_panels.py [--datasets sachs@0,bn-child@0,bn-insurance@0,bn-alarm@0]
        [--bootstrap 10] [--llm local] [--band default|old]

``--band old`` reproduces the contested set before the referee band was widened and capped
(``referee_margin`` = ``margin`` = 0.1, no share cap).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))

from contested_errors import panel_fit

from causal_ensemble import Ensemble, EnsembleResult
from causal_ensemble.data.datasets import load_dataset
from causal_ensemble.evaluate import structure_scores
from causal_ensemble.referee import Referee, make_referee

DEFAULT_DATASETS = "sachs@0,bn-child@0,bn-insurance@0,bn-alarm@0"
REFEREES = ("none", "stats", "llm", "llm-disguised")


@dataclass
class Cell:
    shd: int
    f1: float
    contested: int
    questions: int = 0
    model_calls: int = 0
    seconds: float = 0.0


def _matrices(
    result: EnsembleResult, names: list[str]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    index = {n: k for k, n in enumerate(names)}
    d = len(names)
    D = np.zeros((d, d), dtype=bool)
    U = np.zeros((d, d), dtype=bool)
    for e in result.edges:
        s, t = index[e.source], index[e.target]
        if e.type.value == "directed":
            D[s, t] = True
        else:
            U[s, t] = U[t, s] = True
    return D, U


def _referee(kind: str, llm: str) -> Referee:
    """The product's referee of that kind ("llm-disguised": the LLM shown V1..Vd), with no question cap."""
    if kind.startswith("llm"):
        return make_referee("llm", llm=llm, llm_budget=100_000, disguise_names=kind == "llm-disguised")
    return make_referee(kind)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=DEFAULT_DATASETS)
    parser.add_argument("--bootstrap", type=int, default=10)
    parser.add_argument("--llm", default="local")
    parser.add_argument("--referees", default=",".join(REFEREES))
    parser.add_argument("--band", choices=("default", "old"), default="default")
    args = parser.parse_args()
    est = Ensemble() if args.band == "default" else Ensemble(referee_margin=0.1, referee_share=1.0)
    kinds = args.referees.split(",")
    rows: dict[str, dict[str, Cell]] = {}
    for spec in args.datasets.split(","):
        name = spec.partition("@")[0]
        descriptions = dict(load_dataset(name, n=20, seed=0).descriptions)
        fit, panel = panel_fit(spec, args.bootstrap, descriptions)
        rows[spec] = {}
        for kind in kinds:
            if kind.startswith("llm") and not descriptions:
                continue
            ref = _referee(kind, args.llm)
            start = time.perf_counter()
            result = est.decide(fit, ref)
            D, U = _matrices(result, list(panel.names))
            s = structure_scores(D, U, panel.truth.astype(bool))
            rep = result.referee
            rows[spec][kind] = Cell(
                int(s.shd), float(s.directed_f1), len(result.contested), rep.queries, rep.model_calls,
                time.perf_counter() - start,
            )  # fmt: skip
            print(f"{spec} {kind}: SHD {s.shd}, dir F1 {s.directed_f1:.2f}", file=sys.stderr, flush=True)
    print(f"# Referees on cached panels (B = {args.bootstrap}, band: {args.band})\n")
    print("| table | contested decisions | " + " | ".join(kinds) + " | LLM questions (names / disguised) |")
    print("|---|---|" + "---|" * len(kinds) + "---|")
    for spec, cells in rows.items():
        first = next(iter(cells.values()))
        vals = [f"{cells[k].shd} / {cells[k].f1:.2f}" if k in cells else "–" for k in kinds]
        q = [
            f"{cells[k].questions} q, {cells[k].seconds:.0f} s"
            for k in ("llm", "llm-disguised")
            if k in cells
        ]
        print(f"| {spec} | {first.contested} | " + " | ".join(vals) + f" | {' / '.join(q) or '–'} |")
    with_llm = [spec for spec, cells in rows.items() if "llm" in cells and "stats" in cells]
    if with_llm:
        mean = {
            k: float(np.mean([rows[s][k].shd for s in with_llm]))
            for k in kinds
            if all(k in rows[s] for s in with_llm)
        }
        print(
            "\nMean SHD over "
            + ", ".join(with_llm)
            + ": "
            + ", ".join(f"{k} {v:.2f}" for k, v in mean.items())
        )
        if "llm" in mean and mean["stats"] > 0:
            print(f"llm vs stats: {100 * (mean['llm'] / mean['stats'] - 1):+.1f} %")
        if "llm-disguised" in mean and mean["stats"] > 0:
            print(f"llm-disguised vs stats: {100 * (mean['llm-disguised'] / mean['stats'] - 1):+.1f} %")


if __name__ == "__main__":
    main()
