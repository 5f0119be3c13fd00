"""Single-fit seconds of the default experts on their real workload, before and after the fast paths.

A resample fit is what the ensemble runs B times per expert, so the workload is one 0.632·n subsample
(the first resample of seed 0, 1264 of 2000 rows, as ``run_panel`` draws it) of

* ``continuous``: standardised linear-Gaussian ER-2 data, d = 20 by default (``--d``), fitted by the
  default panel for that d (at d ≤ 20: pc, fci, ges, grasp, directlingam, dagma; at d = 50: pc, grasp,
  dagma);
* ``discrete``: bnlearn child, d = 20 (pc, fci, ges, grasp, boss).

"before" is the library call the expert made before the fast paths (causal-learn's ``pc``/``fci``
with its chi-square test, ``ges``/``grasp``/``boss`` with its own score; ``lingam.DirectLiNGAM``); on
continuous data PC and FCI already used our Fisher-z test and DAGMA is our own code, so there both
columns run the same code. "after" is ``make_expert(name).fit``. Each repeat runs before and after back
to back (the machine may be shared, so compare within a row), the table shows medians, and ``same``
says whether the two graphs are identical mark for mark.

    nice python benchmarks/bench_expert_fits.py [--kinds continuous,discrete] [--d 20]
        [--experts ges,grasp] [--repeats 3] [--blas-threads 1]

``--blas-threads`` runs every fit with that many BLAS threads (the executor gives each of two local
workers on two cores one thread).
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from causal_ensemble.data import from_frame
from causal_ensemble.data.datasets import load_dataset
from causal_ensemble.experts import make_expert
from causal_ensemble.experts._base import DataKind, seeded_global_rng
from causal_ensemble.experts._causallearn import from_causallearn
from causal_ensemble.experts._execution import _blas_limit
from causal_ensemble.experts._fisherz import FAST_FISHERZ
from causal_ensemble.experts._graph import EndpointGraph, Mark
from causal_ensemble.experts._resampling import resample_indices
from causal_ensemble.experts._scaling import plan_panel

DATASETS = {"continuous": "synth-linear-gaussian-er-d{d}", "discrete": "bn-child"}
SEED = 0
RANDOM_STATE = 1  # the seeded experts' random_state


def workload(kind: str, d: int = 20, n: int = 2000) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    name = DATASETS[kind].format(d=d)
    ds = from_frame(load_dataset(name, n=n, seed=SEED).frame, source=name)
    rows = resample_indices(len(ds.values), 1, SEED)[0]
    return np.asarray(ds.values[rows], dtype=np.float64), np.asarray(ds.discrete_mask, dtype=bool)


def _expert(name: str) -> Any:
    seeded = name in ("grasp", "boss", "directlingam", "dagma")
    return make_expert(name, random_state=RANDOM_STATE) if seeded else make_expert(name)


def after(name: str, X: npt.NDArray[np.float64], disc: npt.NDArray[np.bool_]) -> EndpointGraph:
    graph: EndpointGraph = _expert(name).fit(X, discrete=disc).graph_
    return graph


def before(name: str, X: npt.NDArray[np.float64], disc: npt.NDArray[np.bool_]) -> EndpointGraph:
    """What the expert computed before the fast paths (the same parameters as its defaults)."""
    discrete = bool(disc.all())
    codes: Any = X.astype(np.int64) if discrete else X
    test = "chisq" if discrete else FAST_FISHERZ
    score = "local_score_BDeu" if discrete else "local_score_BIC_from_cov"
    if name == "pc":
        from causallearn.search.ConstraintBased.PC import pc

        cg = pc(codes, alpha=0.05, indep_test=test, stable=True, show_progress=False)
        return from_causallearn(cg.G.graph)
    if name == "fci":
        from causallearn.search.ConstraintBased.FCI import fci

        g, _ = fci(codes, independence_test_method=test, alpha=0.05, show_progress=False, verbose=False)
        return from_causallearn(g.graph)
    if name == "ges":
        from causallearn.search.ScoreBased.GES import ges

        return from_causallearn(ges(codes, score_func=score, maxP=None)["G"].graph)
    if name in ("grasp", "boss"):
        from causallearn.search.PermutationBased.BOSS import boss
        from causallearn.search.PermutationBased.GRaSP import grasp

        with seeded_global_rng(RANDOM_STATE):
            if name == "grasp":
                g = grasp(codes, score_func=score, depth=3, verbose=False)
            else:
                g = boss(codes, score_func=score, verbose=False)
        return from_causallearn(g.graph)
    if name == "directlingam":
        import lingam

        model = lingam.DirectLiNGAM(random_state=RANDOM_STATE, prior_knowledge=None, measure="pwling")
        model.fit(X)
        return EndpointGraph.from_dag(np.asarray(model.adjacency_matrix_).T != 0)
    return after(name, X, disc)  # dagma: unchanged


Fit = Callable[[str, npt.NDArray[np.float64], npt.NDArray[np.bool_]], EndpointGraph]


def _run(fn: Fit, name: str, X: npt.NDArray[np.float64], disc: npt.NDArray[np.bool_]) -> tuple[float, Any]:
    """Seconds and marks of one fit; stdout is dropped (causal-learn's FCI prints its orientations,
    which Expert.fit silences for the expert path)."""
    import io

    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        graph = fn(name, X, disc)
    return time.perf_counter() - start, graph.marks


def bench_one(name: str, X: npt.NDArray[np.float64], disc: npt.NDArray[np.bool_], repeats: int) -> str:
    for fn in (before, after):  # imports and first-call costs, outside the timing
        _run(fn, name, X[:200, :6], disc[:6])
    t_before, t_after = [], []
    same = True
    marks: Any = None
    for _ in range(repeats):
        tb, mb = _run(before, name, X, disc)
        ta, marks = _run(after, name, X, disc)
        t_before.append(tb)
        t_after.append(ta)
        same = same and bool(np.array_equal(mb, marks))
    b, a = statistics.median(t_before), statistics.median(t_after)
    edges = int(np.triu(marks != Mark.NONE).sum())
    kind = "discrete" if disc.all() else "continuous"
    cells = [kind, X.shape[1], name, f"{b:.2f}", f"{a:.2f}", f"{b / a:.1f}x", "yes" if same else "NO", edges]
    return "| " + " | ".join(str(c) for c in cells) + " |"


def bench(
    kinds: list[str], d: int, experts: list[str] | None, repeats: int, threads: int | None
) -> list[str]:
    rows = [
        "| data | d | expert | before s | after s | speed-up | same graph | edges |",
        "|---|---:|---|---:|---:|---:|---|---:|",
    ]
    for kind in kinds:
        X, disc = workload(kind, d)
        panel = plan_panel(DataKind(kind), X.shape[1]).experts
        for name in panel:
            if experts is not None and name not in experts:
                continue
            with _blas_limit(threads):
                rows.append(bench_one(name, X, disc, repeats))
            print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kinds", default="continuous,discrete")
    parser.add_argument("--d", type=int, default=20, help="variables of the continuous table")
    parser.add_argument("--experts", default=None, help="comma-separated subset of each panel")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--blas-threads", type=int, default=None)
    args = parser.parse_args()
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    experts = None if args.experts is None else [e.strip() for e in args.experts.split(",")]
    threads = "library default" if args.blas_threads is None else str(args.blas_threads)
    print(
        f"single fits on 1264-row subsamples, median of {args.repeats}, BLAS threads: {threads}, "
        f"{platform.node()}\n",
        flush=True,
    )
    rows = bench(kinds, args.d, experts, args.repeats, args.blas_threads)
    print("\n" + "\n".join(rows))


if __name__ == "__main__":
    main()
