"""Tune and check the pooling rules offline: fit the panel once per dataset, then re-pool in seconds.

Steps:

    python benchmarks/tune_pool.py fit [--datasets ...] [--bootstrap 10] [--jobs 1]
        fits every expert of the default panel on the full data and on B shared resamples and pickles the
        results (with the data, resamples and truth) under ``results/panels/`` (git-ignored);
    python benchmarks/tune_pool.py lookalike [--datasets ...] [--tables 1]
        runs the look-alike simulation rule's refits (the panel's full-data fits on simulated tables)
        and caches what it measured beside the panels, so the tournament can vary its sharpness freely;
    python benchmarks/tune_pool.py tournament [--datasets ...] [--no-lookalike]
        every candidate weight rule on every cached panel, with ``--referee none``: SHD / directed F1 /
        skeleton F1, ECE and Brier of the pooled adjacency against the true skeleton, each rule's
        weights per level, how far they move when only half the resamples are used, and the look-alike
        rule's cost as a share of the panel's fitting time; rows for every single expert (full-data graph
        and bagged alone) and an oracle scored against the truth (the ceiling of per-expert weighting);
    python benchmarks/tune_pool.py table [--datasets ...]
        the earlier summary: single experts, CEA with the default rule, ``--referee none`` and ``stats``;
    python benchmarks/tune_pool.py compare [--datasets ...] [--rules default,fit] [--drop cam]
                                           [--resamples-only] [--no-propagation]
                                           [--orientations auto|cpdag|dag]
        the current default panel (less ``--drop``) against its best single expert, table by table, under
        each rule of ``--rules``; ``--resamples-only`` forms beliefs without the full-data fit and
        ``--no-propagation`` assembles without Meek's rules (the ablations of this round's changes);
        ``--orientations`` reads the experts' DAGs as a run with that setting would (default ``auto``);
    python benchmarks/tune_pool.py add --expert NAME [--datasets ...]
        fits one more expert on a cached panel's own resamples and adds it to the cache.

``name@seed`` picks a dataset and seed; ``scaled-<name>`` multiplies each column by 10**U(-2, 2). The
cached panels make the later steps independent of expert run time, so a rule can be changed and re-checked
on every dataset (and held-out seeds) in seconds.
"""

from __future__ import annotations

import argparse
import json
import logging
import pickle
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from causal_ensemble.assemble import (
    AssembledGraph,
    additive_leads,
    assemble,
    score_model,
    settle_by_score,
)
from causal_ensemble.beliefs import (
    ExpertBeliefs,
    OrientationScope,
    graph_levels,
    panel_beliefs,
)
from causal_ensemble.benchmarks import DatasetSpec
from causal_ensemble.data import Dataset, from_frame
from causal_ensemble.data.datasets import load_dataset
from causal_ensemble.evaluate import brier_score, expected_calibration_error, shd_cpdag, structure_scores
from causal_ensemble.experts import (
    BootstrapResult,
    FitCache,
    KnowledgeMasks,
    make_panel,
    resample_indices,
    resampling_scheme,
    run_panel,
)
from causal_ensemble.experts._base import data_kind
from causal_ensemble.experts._scaling import plan_panel
from causal_ensemble.pooling import (
    CorrectedFitRule,
    CrossFitRule,
    ExpertWeights,
    HeldOutWinsRule,
    LatentTruthRule,
    LookalikeRule,
    MixtureRule,
    OutOfBagPValueRule,
    OutOfBagRowsRule,
    PanelData,
    Pool,
    PooledBeliefs,
    PoolSettings,
    ProductRule,
    UniformRule,
    WeightRule,
    apply_verdicts,
    default_rule,
    find_contested,
    reliability_weights,
)
from causal_ensemble.pooling._lookalike import LookalikeEvidence, measure
from causal_ensemble.referee import RefereeContext, make_referee

CACHE = Path(__file__).resolve().parent.parent / "results" / "panels"
DEFAULT_DATASETS = (
    "sachs,synth-linear-gaussian-er-d20@0,synth-linear-gaussian-er-d20@1,synth-linear-gaussian-er-d20@2,"
    "synth-linear-nongaussian-er-d20@0,synth-nonlinear-er-d20@0,bn-asia@0,bn-child@0"
)


@dataclass
class CachedPanel:
    name: str
    names: list[str]
    X: npt.NDArray[np.float64]
    discrete: npt.NDArray[np.bool_]
    truth: npt.NDArray[np.bool_]
    resamples: list[npt.NDArray[np.int64]]
    results: list[BootstrapResult]
    seconds: float


def _split(spec: str) -> tuple[str, int]:
    name, _, seed = spec.partition(":")[0].partition("@")
    return name, int(seed or 0)


def _rows(spec: str) -> int:
    """``name@seed:rows`` draws that many rows; otherwise ``--rows``."""
    _, _, rows = spec.partition(":")
    return int(rows) if rows else ROWS


ROWS = 2000
"""Rows drawn from a synthetic or bnlearn table (``--rows``); Sachs is always used whole."""


def _stem(spec: str) -> str:
    rows = _rows(spec)
    suffix = "" if rows == 2000 else f"_n{rows}"
    return f"{spec.partition(':')[0].replace('@', '_s')}{suffix}"


def cache_path(spec: str, bootstrap: int) -> Path:
    return CACHE / f"{_stem(spec)}_B{bootstrap}.pkl"


SCALED = "scaled-"


def load_table(spec: str) -> tuple[Dataset, npt.NDArray[np.bool_]]:
    """The table of ``spec`` and its true graph; ``scaled-<name>`` multiplies each column of ``<name>`` by
    10**U(-2, 2) (seeded by the spec's seed), so that a rule reading raw likelihoods or variances meets
    columns on arbitrary units."""
    name, seed = _split(spec)
    base = name.removeprefix(SCALED)
    n = None if base == "sachs" else _rows(spec)
    data = load_dataset(base, n=n, seed=seed)
    frame = data.frame
    if name.startswith(SCALED):
        rng = np.random.default_rng([seed, 7919])
        frame = frame * (10.0 ** rng.uniform(-2.0, 2.0, size=frame.shape[1]))
    return from_frame(frame, source=name), data.truth_matrix()


def fit(
    spec: str, bootstrap: int, jobs: int, time_limit: float, fit_cache: FitCache | None = None
) -> CachedPanel:
    _, seed = _split(spec)
    ds, truth = load_table(spec)
    X = ds.values
    kind = data_kind(ds.discrete_mask)
    resamples = resample_indices(len(X), bootstrap, seed, scheme=resampling_scheme(ds.discrete_mask))
    start = time.perf_counter()
    # the panel a default run plans for this kind and d (the full default panel up to d = 20)
    planned = plan_panel(kind, X.shape[1], scale_panel=True, scale_bootstrap=False)
    results = run_panel(
        make_panel(planned.experts),
        X,
        discrete=ds.discrete_mask,
        n_bootstrap=bootstrap,
        seed=seed,
        n_jobs=jobs,
        time_limit_s=time_limit,
        resamples=resamples,
        cache=fit_cache,
    )
    return CachedPanel(
        spec,
        list(ds.names),
        X,
        ds.discrete_mask,
        truth,
        resamples,
        results,
        time.perf_counter() - start,
    )


def load(spec: str, bootstrap: int) -> CachedPanel:
    """The cached fits of ``spec`` with ``bootstrap`` resamples, or else with the most resamples cached."""
    path = cache_path(spec, bootstrap)
    if not path.exists():
        found = sorted(CACHE.glob(f"{_stem(spec)}_B*.pkl"), key=lambda q: int(q.stem.rsplit("B", 1)[1]))
        if not found:
            raise SystemExit(f"{spec}: no cached fits; run the 'fit' step first")
        path = found[-1]
    with path.open("rb") as fh:
        fields = pickle.load(fh)
    return CachedPanel(**fields)


@dataclass(frozen=True)
class Row:
    method: str
    shd: int
    dir_f1: float
    skel_f1: float


def _scores(
    method: str,
    directed: npt.NDArray[np.bool_],
    undirected: npt.NDArray[np.bool_],
    truth: npt.NDArray[np.bool_],
) -> Row:
    s = structure_scores(directed, undirected, truth)
    return Row(method, s.shd, s.directed_f1, s.skeleton_f1)


def single_rows(panel: CachedPanel) -> list[Row]:
    rows = []
    for r in panel.results:
        g = r.full.graph
        if g is None:
            continue
        unoriented = g.adjacency() & ~g.directed() & ~g.directed().T
        rows.append(_scores(r.name, g.directed(), unoriented, panel.truth))
    return rows


def refereed(panel: CachedPanel, pool: Pool, referee: str) -> PooledBeliefs:
    """The pool's beliefs after ``referee`` settled its contested decisions (``none``: as pooled), as
    ``discover`` does between pooling and assembly."""
    pooled = pool.pooled()
    if referee == "none":
        return pooled
    contested = find_contested(pooled, PoolSettings())
    if not contested:
        return pooled
    experts = {r.expert.name: r.expert for r in panel.results}
    context = RefereeContext(tuple(panel.names), {}, pool, experts, panel.X, panel.discrete)
    final, _ = apply_verdicts(pool, pooled, make_referee(referee).referee(contested, context))
    return final


def ensemble(panel: CachedPanel, referee: str) -> tuple[Row, dict[str, float]]:
    """CEA on cached expert fits: the same stages as ``discover`` after ``run_panel``."""
    kind = data_kind(panel.discrete)
    beliefs = panel_beliefs(panel.results, panel.X, panel.discrete, names=panel.names).beliefs
    weights_all = reliability_weights(
        panel.results, beliefs, panel.X, panel.resamples, discrete=kind.value == "discrete"
    )
    alive = [k for k, b in enumerate(beliefs) if b is not None]
    pool = Pool([b for b in beliefs if b is not None], weights_all.subset(alive))
    final = refereed(panel, pool, referee)
    graph = assembled(panel, final, beliefs=beliefs)
    D, U = graph.directed_matrix(), graph.undirected_matrix()
    return _scores(f"CEA {referee}", D, U, panel.truth), weights_all.as_dict()


BEFORE = CACHE.parent / "tune_pool_before.json"


def print_tables(panels: list[CachedPanel], save_before: bool) -> None:
    before: dict[str, dict[str, list[float]]] = json.loads(BEFORE.read_text()) if BEFORE.exists() else {}
    claims = []
    for panel in panels:
        singles = single_rows(panel)
        none, w = ensemble(panel, "none")
        stats, _ = ensemble(panel, "stats")
        n, d = panel.X.shape
        b = len(panel.resamples)
        print(f"\n## {panel.name} ({n} x {d}, {int(panel.truth.sum())} true edges, B = {b})\n")
        print("| method | SHD | dirF1 | skelF1 |\n|---|---|---|---|")
        rows = list(singles)
        old = before.get(panel.name, {})
        rows += [Row(f"{k} (before)", int(v[0]), v[1], v[2]) for k, v in old.items()]
        rows += [none, stats]
        for r in rows:
            print(f"| {r.method} | {r.shd} | {r.dir_f1:.2f} | {r.skel_f1:.2f} |")
        print("\nweights: " + ", ".join(f"{k} {v:.2f}" for k, v in w.items()))
        best_f1 = max(singles, key=lambda r: r.dir_f1)
        best_shd = min(singles, key=lambda r: r.shd)
        claims.append((panel.name, stats, best_f1, best_shd))
        if save_before:
            before[panel.name] = {r.method: [r.shd, r.dir_f1, r.skel_f1] for r in (none, stats)}
    print("\n## claims: CEA stats vs the best single expert\n")
    print("| dataset | CEA stats SHD / dirF1 | best SHD (expert) | best dirF1 (expert) | met |")
    print("|---|---|---|---|---|")
    for name, s, bf, bs in claims:
        ok = s.dir_f1 >= bf.dir_f1 - 1e-9 and s.shd <= bs.shd
        print(
            f"| {name} | {s.shd} / {s.dir_f1:.2f} | {bs.shd} ({bs.method}) | {bf.dir_f1:.2f} ({bf.method}) | "
            f"{'yes' if ok else 'no'} |"
        )
    if save_before:
        BEFORE.write_text(json.dumps(before, indent=1))


# --- the weight-rule tournament ------------------------------------------------------------------------


def assembled(
    panel: CachedPanel,
    pooled: PooledBeliefs,
    propagate: bool = True,
    beliefs: Sequence[ExpertBeliefs | None] = (),
) -> AssembledGraph:
    """The graph a run assembles from these pooled beliefs: on a continuous table, with what the score
    step settles (``assemble.settle_by_score``, given the experts' ``beliefs`` as a run does; no referee
    verdicts are protected here, as the cached panels' referee is re-run on the pooled beliefs)."""
    graph = assemble(pooled, PoolSettings(), propagate=propagate)
    model = score_model(panel_scope(panel), panel.discrete)
    if model is None:
        return graph
    masks = KnowledgeMasks.none(panel.X.shape[1])
    alive = [b for b in beliefs if b is not None]
    leads = additive_leads(pooled.weights, {r.name: r.expert.family for r in panel.results})
    return settle_by_score(graph, pooled, panel.X, masks, model, beliefs=alive, additive_leads=leads)[0]


def panel_scope(panel: CachedPanel) -> OrientationScope:
    """How an ``auto`` run reads this panel's expert graphs (memoised by panel name)."""
    if panel.name not in _SCOPES:
        read = panel_beliefs(panel.results, panel.X, panel.discrete, OrientationScope.AUTO, names=panel.names)
        _SCOPES[panel.name] = read.scope
    return _SCOPES[panel.name]


_SCOPES: dict[str, OrientationScope] = {}


def panel_data(
    panel: CachedPanel,
    bootstrap: int | None = None,
    jobs: int = 1,
    orientations: OrientationScope = OrientationScope.AUTO,
) -> PanelData:
    """The rule's view of a cached panel, optionally with only its first ``bootstrap`` resamples (to
    check that the weights do not move with B), its beliefs read in ``orientations`` as a run would."""
    results, resamples = list(panel.results), list(panel.resamples)
    if bootstrap is not None and bootstrap < len(resamples):
        resamples = resamples[:bootstrap]
        results = [
            replace(r, resamples=tuple(x for x in r.resamples if x.resample < bootstrap)) for r in results
        ]
    beliefs = panel_beliefs(results, panel.X, panel.discrete, orientations, names=panel.names).beliefs
    _, seed = _split(panel.name)
    return PanelData(results, beliefs, panel.X, resamples, panel.discrete, seed, 60.0, jobs)


def lookalike_path(spec: str, bootstrap: int, n_tables: int) -> Path:
    return CACHE / f"{_stem(spec)}_B{bootstrap}_lookalike{n_tables}.pkl"


def lookalike_evidence(panel: CachedPanel, bootstrap: int, n_tables: int, jobs: int) -> LookalikeEvidence:
    path = lookalike_path(panel.name, bootstrap, n_tables)
    if path.exists():
        with path.open("rb") as fh:
            ev: LookalikeEvidence = pickle.load(fh)
        return ev
    ev = measure(panel_data(panel, jobs=jobs), n_tables)
    with path.open("wb") as fh:
        pickle.dump(ev, fh)
    return ev


@dataclass(frozen=True)
class Scored:
    row: Row
    ece: float
    brier: float
    weights: ExpertWeights


def pool_and_score(panel: CachedPanel, data: PanelData, weights: ExpertWeights, label: str) -> Scored:
    """CEA with ``--referee none`` under ``weights``, and the calibration of its pooled adjacency belief
    over all pairs against the true skeleton."""
    alive = [k for k, b in enumerate(data.beliefs) if b is not None]
    pool = Pool([b for b in data.beliefs if b is not None], weights.subset(alive))
    pooled = pool.pooled()
    graph = assembled(panel, pooled, beliefs=data.beliefs)
    D, U = graph.directed_matrix(), graph.undirected_matrix()
    skel = panel.truth | panel.truth.T
    return Scored(
        _scores(label, D, U, panel.truth),
        expected_calibration_error(np.clip(pooled.adjacency, 0.0, 1.0), skel),
        brier_score(np.clip(pooled.adjacency, 0.0, 1.0), skel),
        weights,
    )


RuleFn = Callable[[CachedPanel, PanelData], ExpertWeights]


def candidate_rules(bootstrap: int, n_tables: int, jobs: int, lookalike: bool) -> dict[str, RuleFn]:
    def plain(rule: WeightRule) -> RuleFn:
        return lambda panel, data: rule.weights(data)

    rules: dict[str, RuleFn] = {
        "today (oob p-value)": plain(OutOfBagPValueRule()),
        "uniform": plain(UniformRule()),
        "corrected fit": plain(CorrectedFitRule()),
    }
    for g in (1.0, 2.0, 4.0):
        rules[f"latent truth ^{g:g}"] = plain(LatentTruthRule(sharpness=g))
    rules["latent truth ^2, no redundancy"] = plain(LatentTruthRule(sharpness=2.0, redundancy=False))
    rules["cross fit"] = plain(CrossFitRule())
    rules["oob rows"] = plain(OutOfBagRowsRule())
    rules["corrected fit, ties 0.03"] = plain(CorrectedFitRule(tie=0.03))
    rules["DEFAULT: 0.5 corrected fit (se x3) + 0.5 latent truth ^1"] = plain(default_rule())
    rules["0.5 corrected fit + 0.5 latent truth ^1"] = plain(
        MixtureRule([CorrectedFitRule(), LatentTruthRule(1.0)], [0.5, 0.5])
    )
    rules["latent truth adj ^2 orient ^1"] = plain(LatentTruthRule(sharpness=2.0, orientation_sharpness=1.0))
    for g, og, pw in ((1.0, 1.0, 0.5), (2.0, 1.0, 0.5)):
        rules[f"latent truth ^{g:g}/{og:g} x cross fit ^{pw:g}"] = plain(
            ProductRule(
                [LatentTruthRule(sharpness=g, orientation_sharpness=og), CrossFitRule()],
                [1.0, pw],
                [True, False],
            )
        )
    if lookalike:
        for g in (1.0, 2.0, 4.0):
            rule = LookalikeRule(sharpness=g, n_tables=n_tables)

            def run(panel: CachedPanel, data: PanelData, rule: LookalikeRule = rule) -> ExpertWeights:
                ev = lookalike_evidence(panel, bootstrap, n_tables, jobs)
                return rule.from_evidence(data, ev)

            rules[f"look-alike ^{g:g}"] = run

        def combo(panel: CachedPanel, data: PanelData) -> ExpertWeights:
            """Latent-truth adjacency weights with look-alike orientation weights."""
            lt = LatentTruthRule(sharpness=2.0).weights(data)
            la = LookalikeRule(sharpness=2.0, n_tables=n_tables).from_evidence(
                data, lookalike_evidence(panel, bootstrap, n_tables, jobs)
            )
            return replace(
                lt,
                rule="latent truth adjacency + look-alike orientation",
                orientation=la.orientation,
                ancestral=la.orientation,
            )

        rules["latent adj + look-alike orient"] = combo
    rules["ORACLE truth-scored ^2 (not a rule)"] = oracle
    return rules


def oracle(panel: CachedPanel, data: PanelData) -> ExpertWeights:
    """What per-expert weighting could reach at best: each expert scored against the *true* graph (its
    full-data skeleton F1 and orientation accuracy), as the look-alike rule scores it on a simulation."""
    k = len(panel.results)
    f1, acc = np.zeros(k), np.full(k, 0.5)
    skel = panel.truth | panel.truth.T
    iu = np.triu_indices(len(panel.names), 1)
    for e, r in enumerate(panel.results):
        g = r.full.graph
        if g is None:
            continue
        lv = graph_levels(g)
        found = lv.adjacency > 0
        tp = float((found & skel)[iu].sum())
        f1[e] = 2 * tp / (found[iu].sum() + skel[iu].sum())
        hit = panel.truth & found
        acc[e] = float(lv.orientation[hit].mean()) if hit.any() else 0.5
    ev = LookalikeEvidence(f1, acc, np.zeros((k, 0)), 0.0, 0.0)
    return LookalikeRule(sharpness=2.0).from_evidence(data, ev)


def tournament(panels: list[CachedPanel], bootstrap: int, n_tables: int, jobs: int, lookalike: bool) -> None:
    rules = candidate_rules(bootstrap, n_tables, jobs, lookalike)
    summary: dict[str, list[tuple[Row, float, float, bool]]] = {k: [] for k in rules}
    drift: dict[str, list[float]] = {k: [] for k in rules}
    best_single: list[str] = []
    for panel in panels:
        singles = single_rows(panel)
        data = panel_data(panel)
        half = panel_data(panel, bootstrap=max(len(panel.resamples) // 2, 1))
        n, d = panel.X.shape
        print(
            f"\n## {panel.name} ({n} x {d}, {int(panel.truth.sum())} true edges, B = {len(panel.resamples)}, "
            f"panel fit {panel.seconds:.0f} s)\n"
        )
        print("| method | SHD | dirF1 | skelF1 | ECE adj | Brier adj | weights adjacency / orientation |")
        print("|---|---|---|---|---|---|---|")
        for r in singles:
            print(f"| {r.method} | {r.shd} | {r.dir_f1:.2f} | {r.skel_f1:.2f} | | | |")
        for e, b in enumerate(data.beliefs):
            if b is None:
                continue
            one = np.zeros(len(data.beliefs))
            one[e] = 1.0
            wb = replace(UniformRule().weights(data), values=one, orientation=one, ancestral=one)
            sb = pool_and_score(panel, data, wb, f"{b.expert} bagged alone")
            r = sb.row
            print(
                f"| {r.method} | {r.shd} | {r.dir_f1:.2f} | {r.skel_f1:.2f} | {sb.ece:.3f} | {sb.brier:.3f} "
                "| |"
            )
        best_shd = min(r.shd for r in singles)
        best_f1 = max(r.dir_f1 for r in singles)
        bs = min(singles, key=lambda r: r.shd)
        bf = max(singles, key=lambda r: r.dir_f1)
        best_single.append(f"{bs.shd} {bs.method}; {bf.dir_f1:.2f} {bf.method}")
        for label, fn in rules.items():
            t0 = time.perf_counter()
            w = fn(panel, data)
            secs = time.perf_counter() - t0
            sc = pool_and_score(panel, data, w, label)
            wstr = " ".join(
                f"{nm[:5]} {a:.2f}/{o:.2f}" for nm, a, o in zip(w.names, w.values, w.orientation, strict=True)
            )
            r = sc.row
            print(
                f"| {label} | {r.shd} | {r.dir_f1:.2f} | {r.skel_f1:.2f} | {sc.ece:.3f} | {sc.brier:.3f} | "
                f"{wstr} |"
            )
            met = r.shd <= best_shd and r.dir_f1 >= best_f1 - 1e-9
            summary[label].append((r, sc.ece, sc.brier, met))
            w_half = (
                fn(panel, half) if not label.startswith("look-alike") and "look-alike" not in label else w
            )
            drift[label].append(
                float(
                    max(
                        np.abs(w.values - w_half.values).max(),
                        np.abs(w.orientation - w_half.orientation).max(),
                    )
                )
            )
            logging.info("%s %s: %.2f s", panel.name, label, secs)
        if lookalike:
            ev = lookalike_evidence(panel, bootstrap, n_tables, jobs)
            print(
                f"\nlook-alike cost: {ev.seconds:.0f} s ({ev.fit_seconds:.0f} s fitting), "
                f"{ev.seconds / panel.seconds:.2f} of the panel's fitting time"
            )
    names = [p.name for p in panels]
    print("\n## rule x dataset: SHD / dirF1 / skelF1 (ECE / Brier of the pooled adjacency)\n")
    print("| rule | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    print("| best single (SHD; dirF1) | " + " | ".join(best_single) + " |")
    for label, rows in summary.items():
        cells = [
            f"{x[0].shd} / {x[0].dir_f1:.2f} / {x[0].skel_f1:.2f} ({x[1]:.2f} / {x[2]:.2f})" for x in rows
        ]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print(
        "\n## summary over datasets (mean SHD / dirF1 / skelF1 / ECE / Brier; times at least as good as the "
        "best single expert on both SHD and dirF1; max weight change from B/2 to B)\n"
    )
    print(
        "| rule | mean SHD | mean dirF1 | mean skelF1 | mean ECE | mean Brier | reached best expert | "
        "max drift B/2 -> B |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, rows in summary.items():
        if not rows:
            continue
        shd = np.mean([x[0].shd for x in rows])
        f1 = np.mean([x[0].dir_f1 for x in rows])
        sk = np.mean([x[0].skel_f1 for x in rows])
        ece = np.mean([x[1] for x in rows])
        br = np.mean([x[2] for x in rows])
        n_met = sum(int(x[3]) for x in rows)
        print(
            f"| {label} | {shd:.1f} | {f1:.3f} | {sk:.3f} | {ece:.3f} | {br:.3f} | {n_met}/{len(rows)} | "
            f"{max(drift[label]):.2f} |"
        )


COMPARE_RULES: dict[str, Callable[[], WeightRule]] = {
    "default": default_rule,
    "fit": CorrectedFitRule,
    "latent": lambda: LatentTruthRule(sharpness=1.0),
    "pvalue": OutOfBagPValueRule,
    "uniform": UniformRule,
    "wins": HeldOutWinsRule,
    "wins-latent": lambda: MixtureRule([HeldOutWinsRule(), LatentTruthRule(sharpness=1.0)], [0.5, 0.5]),
    "wins-fit-latent": lambda: MixtureRule(
        [HeldOutWinsRule(), CorrectedFitRule(), LatentTruthRule(sharpness=1.0)], [1 / 3, 1 / 3, 1 / 3]
    ),
}


def current_panel(panel: CachedPanel, drop: set[str]) -> CachedPanel:
    """The cached fits of the experts a default run plans for this table today, less ``drop``."""
    kind = data_kind(panel.discrete)
    names = set(plan_panel(kind, panel.X.shape[1]).experts) - drop
    missing = names - {r.name for r in panel.results}
    if missing:
        logging.warning(
            "%s: no cached fits of %s (run the 'add' step)", panel.name, ", ".join(sorted(missing))
        )
    return replace(panel, results=[r for r in panel.results if r.name in names])


def compare(
    panels: list[CachedPanel],
    rules: list[str],
    drop: set[str],
    resamples_only: bool,
    propagate: bool,
    orientations: OrientationScope = OrientationScope.AUTO,
) -> None:
    """Each table's default panel: its best single expert and the pool under each rule."""
    totals = {k: [0.0, 0.0, 0.0, 0.0, 0] for k in rules}
    drift = dict.fromkeys(rules, 0.0)  # the largest weight change when B is halved, over tables
    best_total = [0.0, 0.0]
    head = " | ".join(f"{k} SHD / dirF1 / ECE" for k in rules)
    print(f"| table | best single SHD | best single dirF1 | {head} |")
    print("|---|---|---|" + "---|" * len(rules))
    for full_panel in panels:
        panel = current_panel(full_panel, drop)
        singles = single_rows(panel)
        bs = min(singles, key=lambda r: (r.shd, -r.dir_f1))
        bf = max(singles, key=lambda r: r.dir_f1)
        best_total[0] += bs.shd
        best_total[1] += bf.dir_f1
        data = panel_data(panel, orientations=orientations)
        if resamples_only:
            beliefs = panel_beliefs(
                panel.results, panel.X, panel.discrete, orientations, names=panel.names, include_full=False
            ).beliefs
            data = replace(data, beliefs=beliefs)
        cells = []
        half = panel_data(panel, bootstrap=max(len(panel.resamples) // 2, 1), orientations=orientations)
        for k in rules:
            w = COMPARE_RULES[k]().weights(data)
            wh = COMPARE_RULES[k]().weights(half)
            drift[k] = max(
                drift[k],
                float(np.abs(w.values - wh.values).max()),
                float(np.abs(w.orientation - wh.orientation).max()),
            )
            alive = [e for e, b in enumerate(data.beliefs) if b is not None]
            pooled = Pool([b for b in data.beliefs if b is not None], w.subset(alive)).pooled()
            graph = assembled(panel, pooled, propagate, data.beliefs)
            r = _scores(k, graph.directed_matrix(), graph.undirected_matrix(), panel.truth)
            ece = expected_calibration_error(np.clip(pooled.adjacency, 0.0, 1.0), panel.truth | panel.truth.T)
            t = totals[k]
            t[0] += r.shd
            t[1] += r.dir_f1
            t[2] += ece
            t[3] += brier_score(np.clip(pooled.adjacency, 0.0, 1.0), panel.truth | panel.truth.T)
            t[4] += int(r.shd <= bs.shd and r.dir_f1 >= bf.dir_f1 - 1e-9)
            cells.append(f"{r.shd} / {r.dir_f1:.2f} / {ece:.3f}")
        print(
            f"| {panel.name} | {bs.shd} ({bs.method}) | {bf.dir_f1:.2f} ({bf.method}) | "
            + " | ".join(cells)
            + " |",
            flush=True,
        )
    n = len(panels)
    print(
        f"\nmean best single (per table, in hindsight): SHD {best_total[0] / n:.2f}, "
        f"dirF1 {best_total[1] / n:.3f}"
    )
    for k, t in totals.items():
        print(
            f"{k}: mean SHD {t[0] / n:.2f}, dirF1 {t[1] / n:.3f}, ECE {t[2] / n:.3f}, Brier {t[3] / n:.3f}, "
            f"reached the best single expert on {t[4]} of {n}; weights moved by at most {drift[k]:.2f} "
            "when B was halved"
        )


def families(panels: list[CachedPanel], rules: list[str], out: Path, referee: str = "none") -> None:
    """The suite's family table from cached suite panels (``fit --rows 1000``): one runs.csv row per single
    expert (its full-data graph) and per rule (``cea-<rule>``, with ``referee``), which
    ``benchmarks/family_table.py`` reads as it reads a benchmark's."""
    fields = "dataset,family,seed,method,status,shd,shd_cpdag,directed_f1,ece,brier"
    lines = [fields]
    for panel in panels:
        panel = current_panel(panel, set())
        name, seed = _split(panel.name)
        label = name if name == "sachs" else f"{name}@n{len(panel.X)}"
        head = f"{label},{DatasetSpec(name.removeprefix(SCALED), None, ()).family},{seed}"

        def row(
            method: str,
            D: npt.NDArray[np.bool_],
            U: npt.NDArray[np.bool_],
            ece: float,
            brier: float,
            truth: npt.NDArray[np.bool_] = panel.truth,
            head: str = head,
        ) -> str:
            sc = structure_scores(D, U, truth)
            cp = shd_cpdag(D, U, truth)
            return f"{head},{method},ok,{sc.shd},{cp},{sc.directed_f1},{ece},{brier}"

        for r in panel.results:
            g = r.full.graph
            if g is None:
                continue
            D = g.directed()
            lines.append(row(r.name, D, g.adjacency() & ~D & ~D.T, float("nan"), float("nan")))
        data = panel_data(panel)
        alive = [e for e, b in enumerate(data.beliefs) if b is not None]
        for k in rules:
            w = COMPARE_RULES[k]().weights(data)
            pooled = refereed(
                panel, Pool([b for b in data.beliefs if b is not None], w.subset(alive)), referee
            )
            graph = assembled(panel, pooled, beliefs=data.beliefs)
            skel = panel.truth | panel.truth.T
            adj = np.clip(pooled.adjacency, 0.0, 1.0)
            lines.append(
                row(
                    f"cea-{k}",
                    graph.directed_matrix(),
                    graph.undirected_matrix(),
                    expected_calibration_error(adj, skel),
                    brier_score(adj, skel),
                )
            )
        print(f"{panel.name}: done", flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out}; python benchmarks/family_table.py {out} --seed 2 --method cea-{rules[0]}")


def add_expert(spec: str, bootstrap: int, expert: str, jobs: int) -> None:
    """Fit ``expert`` on a cached panel's full data and own resamples and store it with the panel."""
    path = cache_path(spec, bootstrap)
    panel = load(spec, bootstrap)
    if any(r.name == expert for r in panel.results):
        return
    kind = data_kind(panel.discrete)
    if kind not in make_panel([expert])[0].supports:
        return
    _, seed = _split(spec)
    (res,) = run_panel(
        make_panel([expert]),
        panel.X,
        discrete=panel.discrete,
        n_bootstrap=len(panel.resamples),
        seed=seed,
        n_jobs=jobs,
        resamples=panel.resamples,
    )
    panel.results.append(res)
    with path.open("wb") as fh:
        pickle.dump(panel.__dict__, fh)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "step", choices=("fit", "table", "lookalike", "tournament", "compare", "add", "families")
    )
    parser.add_argument("--rules", default="default", help=f"compare: any of {','.join(COMPARE_RULES)}")
    parser.add_argument("--drop", default="", help="compare: experts to leave out of the default panel")
    parser.add_argument("--resamples-only", action="store_true", help="compare: beliefs without the full fit")
    parser.add_argument(
        "--no-propagation", action="store_true", help="compare: assembly without Meek's rules"
    )
    parser.add_argument(
        "--orientations",
        default="auto",
        choices=[o.value for o in OrientationScope],
        help="compare: read expert DAGs as CPDAGs (cpdag), as drawn (dag), or cpdag on Gaussian tables",
    )
    parser.add_argument("--expert", default="cam", help="add: the expert to fit on cached panels")
    parser.add_argument("--datasets", default=DEFAULT_DATASETS, help="name[@seed],... (default: all)")
    parser.add_argument("--bootstrap", type=int, default=10)
    parser.add_argument("--out", default="results/families.csv", help="families: the runs.csv to write")
    parser.add_argument("--referee", default="none", help="families: the referee after the pool")
    parser.add_argument(
        "--rows", type=int, default=2000, help="rows of synthetic and bnlearn tables (the suite's: 1000)"
    )
    parser.add_argument(
        "--fit-cache", default=None, help="fit: a fit cache directory (e.g. a benchmark's --fit-cache)"
    )
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--tables", type=int, default=1, help="look-alike tables per dataset")
    parser.add_argument("--no-lookalike", action="store_true", help="leave the look-alike rules out")
    parser.add_argument(
        "--save-before", action="store_true", help="store the CEA rows as the 'before' reference"
    )
    args = parser.parse_args()
    specs = [s.strip() for s in args.datasets.split(",") if s.strip()]
    global ROWS
    ROWS = args.rows
    if args.step == "fit":
        fit_cache = FitCache(args.fit_cache) if args.fit_cache else None
        CACHE.mkdir(parents=True, exist_ok=True)
        for spec in specs:
            path = cache_path(spec, args.bootstrap)
            if path.exists():
                print(f"{spec}: cached at {path}")
                continue
            panel = fit(spec, args.bootstrap, args.jobs, args.time_limit, fit_cache)
            with path.open("wb") as fh:
                pickle.dump(panel.__dict__, fh)
            status = ", ".join(f"{r.name}:{r.status.value}" for r in panel.results)
            hits = f" (fit cache: {fit_cache.hits} hits)" if fit_cache else ""
            print(f"{spec}: {panel.seconds:.0f} s{hits}; {status}", flush=True)
        return
    if args.step == "lookalike":
        for spec in specs:
            panel = load(spec, args.bootstrap)
            ev = lookalike_evidence(panel, args.bootstrap, args.tables, args.jobs)
            print(
                f"{spec}: look-alike {ev.seconds:.0f} s, {ev.seconds / panel.seconds:.2f} of the panel",
                flush=True,
            )
        return
    if args.step == "add":
        for spec in specs:
            add_expert(spec, args.bootstrap, args.expert, args.jobs)
        return
    if args.step == "compare":
        rules = [r.strip() for r in args.rules.split(",") if r.strip()]
        unknown = [r for r in rules if r not in COMPARE_RULES]
        if unknown:
            raise SystemExit(f"--rules: unknown {unknown}; known: {', '.join(COMPARE_RULES)}")
        drop = {x.strip() for x in args.drop.split(",") if x.strip()}
        compare(
            [load(s, args.bootstrap) for s in specs],
            rules,
            drop,
            args.resamples_only,
            not args.no_propagation,
            OrientationScope(args.orientations),
        )
        return
    if args.step == "families":
        rules = [r.strip() for r in args.rules.split(",") if r.strip()]
        families([load(s, args.bootstrap) for s in specs], rules, Path(args.out), args.referee)
        return
    if args.step == "tournament":
        tournament(
            [load(s, args.bootstrap) for s in specs],
            args.bootstrap,
            args.tables,
            args.jobs,
            not args.no_lookalike,
        )
        return
    print_tables([load(s, args.bootstrap) for s in specs], args.save_before)


if __name__ == "__main__":
    main()
