"""Does the contested set hold the pool's errors? Band rules compared on the cached panels, no refitting.

For every panel ``tune_pool.py fit`` cached under ``results/panels/`` (the look-alike caches are skipped),
the experts are weighted by the default rule, pooled, and the final graph is assembled by
:meth:`Ensemble.decide` with ``--referee none`` (the product's own path). Each wrong decision against the
true DAG is classified, one per variable pair:

* extra: an edge (directed or undirected) where the truth has none;
* missing: no edge where the truth has one;
* reversed: directed against the true direction;
* undirected: undirected where the truth is directed.

Their sum is the SHD. Then, for each band rule, which pairs are contested (a pair counts once, whether its
adjacency, its orientation or both are contested), which share of the pairs that is, and which errors lie
on contested pairs: the errors a perfect referee could fix if it saw only the contested set (the ceiling of
what a referee can add). A referee cannot invent beliefs: it only re-weights the experts on a decision
(``pooling.apply_verdicts``). So a tighter ceiling is measured too: an oracle referee that puts all the
weight on the expert whose belief is most favourable to the truth, on the decisions the rule lists
("listed") or on both levels of every contested pair ("pairs"), after which the graph is assembled again
under the default settings (acyclicity included) and rescored.

The final graph and the oracle's re-assembly always use the default :class:`PoolSettings` (threshold 1/2,
margin 0.1: the undirected band); only the contested set varies. In the product ``margin`` sets both; the
last table shows what referee-none SHD would become if the margin were changed as a whole.

Band rules:

* ``find_contested`` (the product's rule) with the default margin and margins 0.05 ... 0.30, both levels;
* rank cap: the ``floor(share * d(d-1)/2)`` pairs whose pooled belief is closest to its threshold (the
  adjacency belief to the threshold or, for a kept edge, the orientation belief to 1/2, whichever is
  closer; ties by pair index), each with the decisions ``find_contested`` would list at the distance the
  cap reaches on that table;
* capped margin: ``find_contested`` at the margin, then only the capped number of those pairs, closest
  first;
* "undecided first": the same caps, but the kept edges the assembly would leave undirected (orientation
  within the undirected band: an SHD error against any DAG) are ranked before every other pair.

Usage (a minute on one core; reads only the caches):

    nice python benchmarks/contested_errors.py [--cap 0.15] [--bootstrap 10]
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tune_pool import CACHE, CachedPanel, load

from causal_ensemble import Ensemble, PanelFit, from_frame
from causal_ensemble.assemble import EdgeType, assemble
from causal_ensemble.beliefs import beliefs_from_graphs
from causal_ensemble.experts import DataKind, KnowledgeMasks, data_kind, resampling_scheme
from causal_ensemble.pooling import (
    Contested,
    Level,
    Pool,
    PooledBeliefs,
    PoolSettings,
    Verdict,
    apply_verdicts,
    find_contested,
    reliability_weights,
)
from causal_ensemble.referee import NoReferee

BoolMatrix = npt.NDArray[np.bool_]
Pair = tuple[int, int]
DEFAULT = PoolSettings()
MARGINS = (0.05, 0.10, 0.15, 0.20, 0.25, 0.30)
CAPPED_MARGINS = (0.20, 0.30)


class Kind(StrEnum):
    EXTRA = "extra"
    MISSING = "missing"
    REVERSED = "reversed"
    UNDIRECTED = "undirected"


KINDS = tuple(Kind)


def classify(directed: BoolMatrix, undirected: BoolMatrix, truth: BoolMatrix) -> dict[Pair, Kind]:
    """The wrong decision on each pair ``(i < j)`` of a graph against the true DAG (at most one per pair)."""
    d = truth.shape[0]
    U = undirected | undirected.T
    out: dict[Pair, Kind] = {}
    for i in range(d):
        for j in range(i + 1, d):
            true_adj = bool(truth[i, j] or truth[j, i])
            fwd, bwd, und = bool(directed[i, j]), bool(directed[j, i]), bool(U[i, j])
            if not (fwd or bwd or und):
                if true_adj:
                    out[(i, j)] = Kind.MISSING
            elif not true_adj:
                out[(i, j)] = Kind.EXTRA
            elif und or (fwd and bwd):
                out[(i, j)] = Kind.UNDIRECTED
            elif fwd != bool(truth[i, j]):
                out[(i, j)] = Kind.REVERSED
    return out


@dataclass(frozen=True)
class Table:
    name: str
    truth: BoolMatrix
    pool: Pool
    pooled: PooledBeliefs
    errors: dict[Pair, Kind]

    @property
    def d(self) -> int:
        return int(self.truth.shape[0])

    @property
    def n_pairs(self) -> int:
        return self.d * (self.d - 1) // 2


def graph_of(pooled: PooledBeliefs, settings: PoolSettings = DEFAULT) -> tuple[BoolMatrix, BoolMatrix]:
    g = assemble(pooled, settings)
    return g.directed_matrix(), g.undirected_matrix()


def panel_fit(
    spec: str, bootstrap: int, descriptions: Mapping[str, str] | None = None
) -> tuple[PanelFit, CachedPanel]:
    """The cached panel of ``spec`` as the :class:`PanelFit` that :meth:`Ensemble.fit_panel` would return
    (default weight rule), so that :meth:`Ensemble.decide` can be run on it with any referee."""
    panel = load(spec, bootstrap)
    kind = data_kind(panel.discrete)
    beliefs = [beliefs_from_graphs(r.name, r.graphs) if r.graphs else None for r in panel.results]
    alive = [k for k, b in enumerate(beliefs) if b is not None]
    # exactly what Ensemble.fit_panel does after run_panel
    weights = reliability_weights(
        panel.results, beliefs, panel.X, panel.resamples, discrete=kind is DataKind.DISCRETE
    )
    pool = Pool([b for b in beliefs if b is not None], weights.subset(alive))
    types = {n: "discrete" if dc else "continuous" for n, dc in zip(panel.names, panel.discrete, strict=True)}
    ds = from_frame(pd.DataFrame(panel.X, columns=panel.names), types=types, source=spec)
    if descriptions:
        ds = ds.with_descriptions(descriptions)
    d = len(panel.names)
    fit = PanelFit(
        dataset=ds,
        kind=kind,
        panel=tuple(r.expert for r in panel.results),
        n_bootstrap=len(panel.resamples),
        resampling=str(resampling_scheme(panel.discrete)),
        resamples=tuple(panel.resamples),
        runs=tuple(panel.results),
        weights=weights,
        pool=pool,
        knowledge=None,
        masks=KnowledgeMasks.none(d),
        notes=(),
        seconds=panel.seconds,
        pooling_seconds=0.0,
    )
    return fit, panel


def prepare(spec: str, bootstrap: int) -> Table:
    """The cached panel of ``spec`` pooled with the default weight rule, and the errors of the graph that
    :meth:`Ensemble.decide` assembles from it with no referee."""
    fit, panel = panel_fit(spec, bootstrap)
    pool = fit.pool
    d = len(panel.names)
    est = Ensemble(referee="none", threshold=DEFAULT.threshold, margin=DEFAULT.margin)
    result = est.decide(fit, NoReferee())
    index = {n: k for k, n in enumerate(panel.names)}
    D = np.zeros((d, d), dtype=bool)
    U = np.zeros((d, d), dtype=bool)
    for e in result.edges:
        s, t = index[e.source], index[e.target]
        if e.type is EdgeType.DIRECTED:
            D[s, t] = True
        else:
            U[s, t] = U[t, s] = True
    pooled = pool.pooled()
    # the oracle below re-assembles outside decide(): check that, with no verdicts, that path is decide()'s
    D2, U2 = graph_of(apply_verdicts(pool, pooled, [])[0])
    if not (np.array_equal(D, D2) and np.array_equal(U, U2)):
        raise SystemExit(f"{spec}: assemble(apply_verdicts(...)) differs from Ensemble.decide")
    return Table(spec, panel.truth.astype(bool), pool, pooled, classify(D, U, panel.truth.astype(bool)))


# --- band rules ----------------------------------------------------------------------------------------

BandRule = Callable[[Table], list[Contested]]


def margin_rule(margin: float) -> BandRule:
    settings = PoolSettings(DEFAULT.threshold, margin)
    return lambda table: find_contested(table.pooled, settings)


def pair_distance(pooled: PooledBeliefs, i: int, j: int, t: float) -> float:
    """How close the pair's decision is to its threshold: adjacency to ``t``, or for a kept edge its
    orientation to 1/2, whichever is closer."""
    a = float(pooled.adjacency[i, j])
    dist = abs(a - t)
    if a >= t:
        dist = min(dist, abs(float(pooled.orientation[i, j]) - 0.5))
    return dist


def undecided(pooled: PooledBeliefs, i: int, j: int) -> bool:
    """A kept edge the assembly leaves undirected (orientation inside its band): wrong against any DAG."""
    return bool(
        pooled.adjacency[i, j] >= DEFAULT.threshold
        and abs(float(pooled.orientation[i, j]) - 0.5) < DEFAULT.margin
    )


def capped_rule(share: float, margin: float | None = None, undecided_first: bool = False) -> BandRule:
    """At most ``floor(share * pairs)`` pairs, closest to their threshold first (:func:`pair_distance`;
    with ``undecided_first``, the edges the assembly would leave undirected before all others), ties by
    pair index.

    With ``margin`` only the pairs ``find_contested`` lists at that margin are candidates, and a chosen
    pair keeps the decisions it lists; without, every pair is a candidate and a chosen pair gets the
    decisions ``find_contested`` would list at the distance the cap reaches (inclusive)."""
    t = DEFAULT.threshold

    def rule(table: Table) -> list[Contested]:
        pooled, d = table.pooled, table.d
        k = math.floor(share * table.n_pairs + 1e-9)
        listed = find_contested(pooled, PoolSettings(t, margin)) if margin is not None else []
        if margin is not None:
            candidates = sorted({(min(c.i, c.j), max(c.i, c.j)) for c in listed})
        else:
            candidates = [(i, j) for i in range(d) for j in range(i + 1, d)]
        ranked = sorted(
            (not (undecided_first and undecided(pooled, i, j)), pair_distance(pooled, i, j, t), i, j)
            for i, j in candidates
        )[:k]
        keep = {(i, j) for _, _, i, j in ranked}
        if margin is not None:
            return [c for c in listed if (min(c.i, c.j), max(c.i, c.j)) in keep]
        cut = max((x[1] for x in ranked), default=0.0)
        out: list[Contested] = []
        for i, j in sorted(keep):
            a, o = float(pooled.adjacency[i, j]), float(pooled.orientation[i, j])
            if abs(a - t) <= cut:
                out.append(Contested(i, j, Level.ADJACENCY, a, t))
            if (a >= t - cut and abs(o - 0.5) <= cut) or undecided(pooled, i, j):
                out.append(Contested(i, j, Level.ORIENTATION, o, 0.5))
        return out

    return rule


def every_pair(table: Table) -> list[Contested]:
    """Reference: every pair, both levels (what a referee could do with no band at all)."""
    t, pooled, d = DEFAULT.threshold, table.pooled, table.d
    out: list[Contested] = []
    for i in range(d):
        for j in range(i + 1, d):
            out.append(Contested(i, j, Level.ADJACENCY, float(pooled.adjacency[i, j]), t))
            out.append(Contested(i, j, Level.ORIENTATION, float(pooled.orientation[i, j]), 0.5))
    return out


def band_rules(cap: float) -> dict[str, BandRule]:
    rules: dict[str, BandRule] = {}
    margins = sorted({*MARGINS, DEFAULT.margin})
    for m in margins:
        label = f"margin {m:.2f}" + (" (current default)" if math.isclose(m, DEFAULT.margin) else "")
        rules[label] = margin_rule(m)
    shares = sorted({0.10, cap})
    for share in shares:
        rules[f"rank cap {share:.0%}"] = capped_rule(share)
    for m in CAPPED_MARGINS:
        rules[f"margin {m:.2f}, cap {cap:.0%}"] = capped_rule(cap, m)
    for share in shares:
        rules[f"undecided first, rank cap {share:.0%}"] = capped_rule(share, undecided_first=True)
    for m in CAPPED_MARGINS:
        rules[f"undecided first, margin {m:.2f}, cap {cap:.0%}"] = capped_rule(cap, m, undecided_first=True)
    return rules


REFERENCE = "every pair (reference, no band)"


# --- the oracle referee ----------------------------------------------------------------------------------


def oracle_verdicts(table: Table, contested: Sequence[Contested]) -> list[Verdict]:
    """On each contested decision, all weight on the expert most favourable to the truth: the best any
    referee can do by re-weighting experts (a missing edge no expert proposes stays missing)."""
    names = table.pool.weights.names
    adj = np.stack([b.adjacency for b in table.pool.beliefs])
    orient = np.stack([b.orientation for b in table.pool.beliefs])
    T = table.truth
    out: list[Verdict] = []
    for c in contested:
        i, j = c.i, c.j
        if c.level is Level.ADJACENCY:
            pick = int(np.argmax(adj[:, i, j]) if (T[i, j] or T[j, i]) else np.argmin(adj[:, i, j]))
        else:
            if not (T[i, j] or T[j, i]):
                continue  # orientation of an edge that should not exist is moot
            seen = np.flatnonzero(adj[:, i, j] > 1e-12)
            if seen.size == 0:
                continue
            o = orient[seen, i, j]
            pick = int(seen[np.argmax(o) if T[i, j] else np.argmin(o)])
        weights = {n: (1.0 if k == pick else 0.0) for k, n in enumerate(names)}
        out.append(Verdict(c, weights, "oracle: the expert most favourable to the truth", "oracle"))
    return out


def oracle_errors(table: Table, contested: Sequence[Contested]) -> int:
    final, _ = apply_verdicts(table.pool, table.pooled, oracle_verdicts(table, contested))
    D, U = graph_of(final)
    return len(classify(D, U, table.truth))


def both_levels(table: Table, pairs: set[Pair]) -> list[Contested]:
    """Adjacency and orientation of every pair in ``pairs``: the referee settles the whole pair."""
    pooled, t = table.pooled, DEFAULT.threshold
    out: list[Contested] = []
    for i, j in sorted(pairs):
        out.append(Contested(i, j, Level.ADJACENCY, float(pooled.adjacency[i, j]), t))
        out.append(Contested(i, j, Level.ORIENTATION, float(pooled.orientation[i, j]), 0.5))
    return out


# --- measuring and printing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    pairs: int
    decisions: int
    n_pairs: int
    errors: dict[Kind, int]
    caught: dict[Kind, int]
    oracle_listed: int  # errors left after the oracle settled the listed decisions
    oracle_pairs: int  # errors left after the oracle settled both levels of every contested pair

    @property
    def share(self) -> float:
        return self.pairs / self.n_pairs

    @property
    def n_errors(self) -> int:
        return sum(self.errors.values())

    @property
    def n_caught(self) -> int:
        return sum(self.caught.values())

    @property
    def fixed_listed(self) -> int:
        return self.n_errors - self.oracle_listed

    @property
    def fixed_pairs(self) -> int:
        return self.n_errors - self.oracle_pairs


def measure(table: Table, rule: BandRule) -> Cell:
    contested = rule(table)
    pairs = {(min(c.i, c.j), max(c.i, c.j)) for c in contested}
    errors = {k: 0 for k in KINDS}
    caught = {k: 0 for k in KINDS}
    for pair, kind in table.errors.items():
        errors[kind] += 1
        caught[kind] += pair in pairs
    return Cell(
        len(pairs),
        len(contested),
        table.n_pairs,
        errors,
        caught,
        oracle_errors(table, contested),
        oracle_errors(table, both_levels(table, pairs)),
    )


def add(cells: Sequence[Cell]) -> Cell:
    return Cell(
        sum(c.pairs for c in cells),
        sum(c.decisions for c in cells),
        sum(c.n_pairs for c in cells),
        {k: sum(c.errors[k] for c in cells) for k in KINDS},
        {k: sum(c.caught[k] for c in cells) for k in KINDS},
        sum(c.oracle_listed for c in cells),
        sum(c.oracle_pairs for c in cells),
    )


def pct(x: int, n: int) -> str:
    return f"{x}/{n} ({x / n:.0%})" if n else "0/0"


def frac(x: int, n: int) -> str:
    return f"{x}/{n}" if n else "–"


def error_cells(c: Cell) -> str:
    return " | ".join(frac(c.caught[k], c.errors[k]) for k in KINDS)


HEAD = (
    "extra | missing | reversed | undirected | errors in set | oracle fixes: listed | oracle fixes: pairs |"
)


def print_table(table: Table, cells: dict[str, Cell]) -> None:
    counts = {k: sum(1 for v in table.errors.values() if v is k) for k in KINDS}
    n_true = int(table.truth.sum())
    print(
        f"\n### {table.name} (d = {table.d}, {table.n_pairs} pairs, {n_true} true edges; referee none: "
        f"SHD {len(table.errors)} = " + ", ".join(f"{counts[k]} {k}" for k in KINDS) + ")\n"
    )
    print(f"| band rule | contested pairs | decisions | {HEAD}")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, c in cells.items():
        print(
            f"| {label} | {pct(c.pairs, c.n_pairs)} | {c.decisions} | {error_cells(c)} | "
            f"{pct(c.n_caught, c.n_errors)} | {c.fixed_listed} | {c.fixed_pairs} |"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--cap", type=float, default=0.15, help="the most pairs the LLM may see, as a share")
    ap.add_argument("--bootstrap", type=int, default=10)
    args = ap.parse_args()
    stems = [
        p.stem.removesuffix(f"_B{args.bootstrap}") for p in sorted(CACHE.glob(f"*_B{args.bootstrap}.pkl"))
    ]
    specs = [f"{s.rsplit('_s', 1)[0]}@{s.rsplit('_s', 1)[1]}" for s in stems]
    if not specs:
        raise SystemExit(f"no cached panels under {CACHE}; run 'tune_pool.py fit' first")
    rules = band_rules(args.cap)
    rules[REFERENCE] = every_pair
    tables = [prepare(s, args.bootstrap) for s in specs]
    results: dict[str, list[Cell]] = {label: [] for label in rules}
    print(
        f"# Contested set vs the pool's errors ({len(tables)} cached panels, B = {args.bootstrap}, default "
        f"weight rule, referee none, threshold {DEFAULT.threshold:g}, assembly margin {DEFAULT.margin:g})"
    )
    print(
        "\nError cells are `contested/all` errors of that kind. *errors in set*: errors on contested pairs, "
        "the most a perfect referee seeing only the contested set could fix. *oracle fixes*: net errors "
        "removed when an oracle puts all weight on the expert most favourable to the truth, on the listed "
        "decisions (*listed*) or on both levels of every contested pair (*pairs*), after re-assembly; "
        "a referee only re-weights experts, so this is the ceiling it can reach. *undecided first*: "
        "edges the assembly would leave undirected are ranked before all other pairs."
    )
    for table in tables:
        cells = {label: measure(table, rule) for label, rule in rules.items()}
        for label, c in cells.items():
            results[label].append(c)
        print_table(table, cells)

    over = {label: sum(c.share > args.cap + 1e-12 for c in cs) for label, cs in results.items()}
    worst = {label: max(c.share for c in cs) for label, cs in results.items()}
    totals = {label: add(cs) for label, cs in results.items()}
    print(f"\n## All {len(tables)} tables\n")
    print(f"| band rule | contested pairs | worst table | tables over {args.cap:.0%} | decisions | {HEAD}")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for label, c in totals.items():
        print(
            f"| {label} | {pct(c.pairs, c.n_pairs)} | {worst[label]:.0%} | {over[label]} | {c.decisions} | "
            f"{error_cells(c)} | {pct(c.n_caught, c.n_errors)} | {pct(c.fixed_listed, c.n_errors)} | "
            f"{pct(c.fixed_pairs, c.n_errors)} |"
        )

    print("\n## If the margin also moved the assembly's undirected band (the product couples them today)\n")
    print("| margin | referee-none SHD, all tables | of which undirected-where-directed |")
    print("|---|---|---|")
    for m in MARGINS:
        s = PoolSettings(DEFAULT.threshold, m)
        errs = [classify(*graph_of(t.pooled, s), t.truth) for t in tables]
        n_und = sum(1 for e in errs for v in e.values() if v is Kind.UNDIRECTED)
        print(f"| {m:.2f} | {sum(len(e) for e in errs)} | {n_und} |")

    recommend(totals, worst, args.cap)


def recommend(totals: dict[str, Cell], worst: dict[str, float], cap: float) -> None:
    candidates = [k for k in totals if k != REFERENCE]
    ok = sorted(
        (k for k in candidates if worst[k] <= cap + 1e-12),
        key=lambda k: (-totals[k].n_caught, -totals[k].fixed_pairs, totals[k].pairs),
    )
    default = next(k for k in candidates if "current default" in k)
    dflt = totals[default]
    n = dflt.n_errors
    print("\n## Recommendation\n")
    if not ok:
        print(f"No rule keeps every table at or under {cap:.0%} of the pairs contested.")
        return
    best = ok[0]
    b = totals[best]
    print(
        f"- Within {cap:.0%} of the pairs on every table, **{best}** contests the most errors: "
        f"{pct(b.n_caught, n)}, on {b.share:.1%} of all pairs (worst table {worst[best]:.0%}); an oracle "
        f"referee fixes {b.fixed_listed} on the listed decisions, {b.fixed_pairs} settling whole pairs."
    )
    print(
        f"- The current default ({default}) contests {pct(dflt.n_caught, n)} on {dflt.share:.1%} of the "
        f"pairs, worst table {worst[default]:.0%} "
        f"({'within' if worst[default] <= cap + 1e-12 else 'over'} the cap); oracle fixes "
        f"{dflt.fixed_listed} / {dflt.fixed_pairs}. The winner: {b.n_caught - dflt.n_caught:+d} errors in "
        f"the set, {b.fixed_listed - dflt.fixed_listed:+d} / {b.fixed_pairs - dflt.fixed_pairs:+d} oracle "
        f"fixes, {b.pairs - dflt.pairs:+d} contested pairs."
    )
    near = [k for k in ok if totals[k].n_caught >= b.n_caught - 1]
    cheap = min(near, key=lambda k: (totals[k].pairs, -totals[k].n_caught))
    if cheap != best:
        c = totals[cheap]
        print(
            f"- Within one error of it, **{cheap}** contests the fewest pairs: {pct(c.n_caught, n)} on "
            f"{c.share:.1%} of all pairs ({c.pairs - b.pairs:+d} pairs), oracle fixes {c.fixed_listed} / "
            f"{c.fixed_pairs}."
        )
    print("- Every rule within the cap, best first (errors in set; oracle fixes listed / pairs; pairs):")
    for k in ok:
        c = totals[k]
        print(f"  - {k}: {c.n_caught}; {c.fixed_listed} / {c.fixed_pairs}; {c.pairs}")
    ref = totals[REFERENCE]
    print(
        f"- With every pair shown to the referee, {ref.fixed_pairs} of {n} errors could be fixed by "
        "re-weighting at all: on the rest no expert is on the right side."
    )


if __name__ == "__main__":
    main()
