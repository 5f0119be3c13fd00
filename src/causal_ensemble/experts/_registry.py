"""Expert names, default panels and construction by name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from causal_ensemble._errors import UnknownNameError
from causal_ensemble.experts._base import DataKind, Expert, Family
from causal_ensemble.experts._cam import CAM
from causal_ensemble.experts._causallearn import BOSS, FCI, GES, PC, GRaSP
from causal_ensemble.experts._continuous import DAGMA, NOTEARS, AdaptiveNOTEARS
from causal_ensemble.experts._lingam import DirectLiNGAM

EXPERTS: dict[str, type[Expert]] = {
    cls.name: cls for cls in (PC, FCI, GES, GRaSP, BOSS, DirectLiNGAM, CAM, NOTEARS, AdaptiveNOTEARS, DAGMA)
}

# One panel per data kind: every family that is valid on that kind is represented.
DEFAULT_PANELS: dict[DataKind, tuple[str, ...]] = {
    # NOTEARS and adaptive NOTEARS stay available but leave the default: on the 17 development tables of
    # the weight tournament they took 55-93 % of the continuous panel's fitting time, the pool gave them
    # the floor weight, and re-pooling without them changed the mean SHD by 0.0
    # (`python benchmarks/panel_ablation.py --drop notears,adaptive_notears`).
    # CAM is the one expert that models nonlinear mechanisms; every other continuous expert is linear, so
    # without it the panel shared one blind spot (nonlinear ER tables: CAM alone SHD 1-12, best linear
    # expert 12-31). It costs under a second a fit at d = 50.
    DataKind.CONTINUOUS: ("pc", "fci", "ges", "grasp", "directlingam", "cam", "dagma"),
    DataKind.DISCRETE: ("pc", "fci", "ges", "grasp", "boss"),
    DataKind.MIXED: ("pc", "fci", "ges", "grasp", "dagma"),
}


def available_experts() -> list[str]:
    return sorted(EXPERTS)


@dataclass(frozen=True)
class ExpertInfo:
    """What a user choosing a panel needs to know about one expert, read from the expert's own class
    declarations so that a listing cannot drift from what :meth:`Expert.fit` accepts."""

    name: str
    family: Family
    data_kinds: tuple[DataKind, ...]  # the kinds fit accepts (``Expert.supports``), in DataKind order
    assumptions: tuple[str, ...]
    native_knowledge: bool  # background knowledge enters the search, not only a fix-up of its output
    default_panels: tuple[DataKind, ...]  # the data kinds whose default panel includes this expert


def describe_experts() -> list[ExpertInfo]:
    """Every registered expert, sorted by name."""
    return [
        ExpertInfo(
            name=name,
            family=cls.family,
            data_kinds=tuple(k for k in DataKind if k in cls.supports),
            assumptions=tuple(cls.assumptions),
            native_knowledge=bool(cls.native_knowledge),
            default_panels=tuple(k for k in DataKind if name in DEFAULT_PANELS[k]),
        )
        for name, cls in sorted(EXPERTS.items())
    ]


def make_expert(name: str, **params: object) -> Expert:
    try:
        cls = EXPERTS[name.strip().lower()]
    except KeyError:
        raise UnknownNameError(
            f"unknown expert {name!r}; known experts: {', '.join(available_experts())}"
        ) from None
    return cls(**params)


def default_panel(kind: DataKind) -> list[Expert]:
    return [make_expert(n) for n in DEFAULT_PANELS[kind]]


def make_panel(names: Sequence[str]) -> list[Expert]:
    seen: set[str] = set()
    panel = []
    for raw in names:
        expert = make_expert(raw)
        if expert.name in seen:
            raise UnknownNameError(f"expert {expert.name!r} is listed twice in --experts")
        seen.add(expert.name)
        panel.append(expert)
    return panel
