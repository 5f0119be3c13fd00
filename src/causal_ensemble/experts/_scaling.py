"""Scaling the default panel and bootstrap count with the number of variables.

An ensemble costs (B + 1) × the sum of its experts' single-fit times, and some experts grow much faster
with d than others. Single fits measured at n = 2000 on standardised linear-Gaussian ER-2 data on an idle
2-core machine: at d = 50 PC 5 s, FCI 5 s, GRaSP 24 s, DAGMA 10 s; at d = 100 PC 20 s, FCI 12 s, GRaSP
65 s, DAGMA 30 s; at d = 200 GRaSP passed the default 300 s time limit on every fit. On a loaded
machine GES took 10 s at d = 20 and past 300 s at d = 50 before its local scores were cached (now 6-14 s at
d = 50-64), adaptive NOTEARS 14 s → 250 s, NOTEARS
12 s → 85 s, DirectLiNGAM 3 s → 36 s. Discrete data change the picture: the BDeu
permutation searches are the slow ones (alarm, d = 37, 1264 rows: PC 4 s, FCI 3 s, GES 60 s, GRaSP 260 s,
BOSS 440 s, past the default 300 s time limit), while the chi-square tests stay cheap.

So beyond a size, which depends on the data kind, the default panel leaves out the experts whose cost would
dominate the run, and the default number of resamples shrinks: with fewer, more decisive fits the run stays
within minutes, and the result's notes say what was changed. A panel or B the user chose is never changed.
The aim is the default ensemble on d = 50, n = 2000 in about 2 minutes on 2 cores: PC, GRaSP and DAGMA cost
~40 s per round of fits there, so B = 5 (6 rounds) is what fits; FCI, whose skeleton is PC's, is the
first to go after the slow experts. DAGMA leaves beyond d = 30 (see below); beyond d = 100 the continuous
panel is PC, GES and CAM (CAM's regressions all come from one Gram matrix: 2.5 s a fit at d = 100,
n = 2000), and beyond d = 200 PC and CAM. GRaSP stays out beyond d = 100: a synthetic ER-2 table at
d = 150 kept one GRaSP fit busy past 150 s, most of the default budget.
"""

from __future__ import annotations

from dataclasses import dataclass

from causal_ensemble.experts._base import DataKind
from causal_ensemble.experts._registry import DEFAULT_PANELS

# expert -> the largest d at which it stays in the default panel (an expert not named has no limit)
# GES stays up to d = 200: its cached BIC local scores made a fit 5.8 s on bnlearn magic-irri (d = 64,
# n = 2000, a realistic Gaussian network where GES alone was the best expert) and 9-14 s on the suite's
# denser synthetic d = 50 tables; a panel without it lost to GES alone on such networks (SHD 72 against
# 55). Beyond d = 100 it is the one expert that keeps the pool near GES's own accuracy (n = 2000, `cea
# discover --referee stats`, whole-command wall time): pgmpy's arth150 (d = 107) pc, ges, cam SHD 56 / .76
# in 76 s against pc, cam 79 / .65 (GES alone 80 / .71); synthetic ER-2 d = 150: 52 / .87 in 94 s against
# 110 / .76 in 66 s. At d = 200 (ER-2) one GES fit takes about 190 s (SHD 156 against pc, cam's 292), past
# the default budget: there the budget cuts the fit at 110 % and the run reports it, which costs time and
# no accuracy, while on sparser tables of that size the fit ends in time. Where it is slow the budget trims
# the resamples.
# DAGMA leaves beyond d = 30 for another reason than its cost alone: there it answers what the BIC searches
# answer, at a tenth of the weight, for a third of the fitting time (10 s a fit at d = 50, 23 s at d = 107).
# On the standard suite's 18 tables at d = 50 it held the floor weight (0.06-0.08) on every one, and the pool
# without it scored SHD 284 in all against 281 with it (seed 2 alone: 76 both; on the full suite run the
# linear-Gaussian d = 50 tables lost 1-2 edges each and linear non-Gaussian ER gained); on pgmpy's magic-irri
# (d = 64) the graph was the same without it (SHD 40) in 40 s instead of 88 s.
_CONTINUOUS_MAX_D: dict[str, int] = {
    "ges": 200,
    "adaptive_notears": 20,
    "notears": 30,
    "directlingam": 30,
    "fci": 30,
    "grasp": 100,
    "dagma": 30,
}
# On discrete tables GES's BDeu local scores are cached as well and its fits stay cheap far beyond d = 40,
# where PC and FCI alone are a weak panel (pgmpy networks, n = 2000, `python benchmarks/wide_networks.py`):
# hepar2 (d = 70) GES alone SHD 81 against the pc, fci panel's 104; win95pts (d = 76) 46 against 84, one
# GES fit about 8 s; andes (d = 223) 77 against 165, one fit about 100 s, most of the default budget, so
# the limit is there.
_DISCRETE_GES_MAX_D = 225
_WHY: dict[str, str] = {"dagma": "no gain over the BIC searches, a third of the fitting time"}
DEFAULT_MAX_D: dict[DataKind, dict[str, int]] = {
    DataKind.CONTINUOUS: _CONTINUOUS_MAX_D,
    DataKind.MIXED: _CONTINUOUS_MAX_D,
    DataKind.DISCRETE: {"grasp": 30, "boss": 30, "ges": _DISCRETE_GES_MAX_D},
}

# (largest d, default B): the first row whose d covers the table applies. Up to d = 30 the default is 10
# subsamples: on the 17 development tables of the weight tournament the pooled mean SHD was 10.1 at B = 3,
# 9.5 at B = 5 and 9.0 at B = 10, a gain that halves with each doubling, so B = 20 would buy about 0.3 SHD
# (3 %) for twice the fitting time (`python benchmarks/panel_ablation.py` has the cached panels' tooling).
DEFAULT_BOOTSTRAP: tuple[tuple[int, int], ...] = ((30, 10), (50, 5), (100, 3))
WIDE_BOOTSTRAP = 2


@dataclass(frozen=True)
class PanelPlan:
    """The default panel and resample count for a table, with the notes explaining any reduction."""

    experts: tuple[str, ...]
    n_bootstrap: int
    notes: tuple[str, ...]


def default_bootstrap(d: int) -> int:
    for max_d, b in DEFAULT_BOOTSTRAP:
        if d <= max_d:
            return b
    return WIDE_BOOTSTRAP


def plan_panel(
    kind: DataKind, d: int, *, scale_panel: bool = True, scale_bootstrap: bool = True
) -> PanelPlan:
    """The default panel for ``kind`` data with ``d`` variables; ``scale_*=False`` keeps a user's choice."""
    names = DEFAULT_PANELS[kind]
    notes: list[str] = []
    if scale_panel:
        max_d = DEFAULT_MAX_D[kind]
        dropped = [n for n in names if d > max_d.get(n, d)]
        if dropped and len(dropped) < len(names):
            names = tuple(n for n in names if n not in dropped)
            notes.append(
                f"default panel scaled for {kind.value} data with d = {d}: left out "
                + ", ".join(f"{n} ({_WHY.get(n, 'too slow')} beyond d = {max_d[n]})" for n in dropped)
                + "; name them in --experts to include them"
            )
    n_bootstrap = default_bootstrap(d) if scale_bootstrap else -1
    if scale_bootstrap and n_bootstrap < DEFAULT_BOOTSTRAP[0][1]:
        notes.append(
            f"default bootstrap scaled for d = {d}: B = {n_bootstrap} resamples per expert instead of "
            f"{DEFAULT_BOOTSTRAP[0][1]}; set --bootstrap to choose"
        )
    return PanelPlan(tuple(names), n_bootstrap, tuple(notes))
