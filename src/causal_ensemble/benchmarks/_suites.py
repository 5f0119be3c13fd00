"""The benchmark suites: which datasets, sample sizes, seeds, experts and bootstrap count each one runs.

``quick`` is sized for CI (a few minutes on 2 cores: d = 10, n = 500, B = 3, three fast experts);
``standard`` is the table the README shows; ``full`` runs every setting (d up to 100, B = 20, the default
panels). Synthetic data are always standardised (the registry's default) so that varsortability cannot
leak the causal order; real and discrete data are used as measured. ``docs/benchmarks.md`` describes the
suites, methods and metrics for users.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from causal_ensemble._errors import ParameterError

MECHANISMS = ("linear-gaussian", "linear-nongaussian", "nonlinear")
GRAPHS = ("er", "sf")
BN_NETWORKS = ("asia", "child", "insurance", "alarm")


@dataclass(frozen=True)
class DatasetSpec:
    """One dataset of a suite: a registry name, the rows to draw (None: all) and the seeds to run."""

    name: str
    n: int | None
    seeds: tuple[int, ...]

    @property
    def label(self) -> str:
        """Unique within a suite: the same network at two sample sizes gives two labels."""
        return self.name if self.n is None else f"{self.name}@n{self.n}"

    @property
    def family(self) -> str:
        """The group a plot or summary puts this dataset in (mechanism/graph for synthetic data)."""
        if self.name.startswith("synth-"):
            parts = self.name.split("-")
            return "-".join(parts[1:-1])
        return self.name


@dataclass(frozen=True)
class SuiteSpec:
    name: str
    datasets: tuple[DatasetSpec, ...]
    continuous_experts: tuple[str, ...] | None
    discrete_experts: tuple[str, ...] | None
    n_bootstrap: int | None  # None: as `cea discover` plans it (B within the default budget, early stopping)
    time_limit_s: float
    description: str


def _synthetic(ds: tuple[int, ...], n: int, seeds: tuple[int, ...]) -> list[DatasetSpec]:
    return [DatasetSpec(f"synth-{m}-{g}-d{d}", n, seeds) for d in ds for m in MECHANISMS for g in GRAPHS]


def _bnlearn(ns: tuple[int, ...], seeds: tuple[int, ...]) -> list[DatasetSpec]:
    return [DatasetSpec(f"bn-{net}", n, seeds) for n in ns for net in BN_NETWORKS]


class SuiteName(StrEnum):
    """The suites ``cea benchmark --suite`` runs; ``scale`` times the whole ensemble against d instead."""

    QUICK = "quick"
    STANDARD = "standard"
    FULL = "full"
    SCALE = "scale"


SUITES: dict[str, SuiteSpec] = {
    "quick": SuiteSpec(
        "quick",
        (
            DatasetSpec("synth-linear-gaussian-er-d10", 500, (0, 1)),
            DatasetSpec("synth-linear-nongaussian-sf-d10", 500, (0, 1)),
            DatasetSpec("synth-nonlinear-er-d10", 500, (0, 1)),
            DatasetSpec("sachs", 1000, (0,)),
            DatasetSpec("bn-asia", 1000, (0,)),
        ),
        ("pc", "ges", "directlingam"),
        ("pc", "ges"),
        3,
        60.0,
        "CI smoke suite: d=10 synthetic (3 mechanisms, n=500, 2 seeds), Sachs (1000 rows), asia (n=1000)",
    ),
    "standard": SuiteSpec(
        "standard",
        (
            DatasetSpec("sachs", None, (0,)),
            *_synthetic((10, 20), 1000, (0, 1, 2)),
            *_bnlearn((1000, 5000), (0,)),
            *_synthetic((50,), 1000, (0, 1, 2)),
        ),
        # None: the panel a default `cea discover` plans for the table's kind and d, so the table the
        # README shows scores the product's own panel (GRaSP and BOSS included where it runs them)
        None,
        None,
        10,
        120.0,
        "Sachs (all rows); synthetic d=10, 20, 50 (n=1000, 3 seeds); bnlearn at n=1000 and 5000 (seed 0); "
        "default panels",
    ),
    "full": SuiteSpec(
        "full",
        (
            DatasetSpec("sachs", None, (0,)),
            *_synthetic((10, 20, 50, 100), 1000, (0, 1, 2)),
            *_bnlearn((1000, 5000), (0, 1, 2)),
        ),
        ("pc", "fci", "ges", "grasp", "directlingam", "cam", "notears", "adaptive_notears", "dagma"),
        ("pc", "fci", "ges", "grasp", "boss"),
        20,
        300.0,
        "Sachs; synthetic d=10..100 (n=1000, 3 seeds); bnlearn at n=1000 and 5000 (3 seeds); default panels",
    ),
}


def get_suite(name: str | SuiteName) -> SuiteSpec:
    try:
        return SUITES[str(name).strip().lower()]
    except KeyError:
        raise ParameterError("suite", f"must be one of {', '.join(SUITES)}; got {name!r}") from None
