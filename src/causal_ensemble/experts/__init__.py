"""Experts: established causal-discovery algorithms behind one scikit-learn style contract."""

from causal_ensemble.experts._base import DataKind, Expert, Family, KnowledgeMasks, enforce_knowledge
from causal_ensemble.experts._causallearn import BOSS, FCI, GES, PC, GRaSP
from causal_ensemble.experts._continuous import DAGMA, NOTEARS, AdaptiveNOTEARS
from causal_ensemble.experts._graph import EndpointGraph, Mark
from causal_ensemble.experts._lingam import DirectLiNGAM
from causal_ensemble.experts._registry import (
    DEFAULT_PANELS,
    EXPERTS,
    available_experts,
    default_panel,
    make_expert,
    make_panel,
)

__all__ = [
    "BOSS",
    "DAGMA",
    "DEFAULT_PANELS",
    "EXPERTS",
    "FCI",
    "GES",
    "NOTEARS",
    "PC",
    "AdaptiveNOTEARS",
    "DataKind",
    "DirectLiNGAM",
    "EndpointGraph",
    "Expert",
    "Family",
    "GRaSP",
    "KnowledgeMasks",
    "Mark",
    "available_experts",
    "default_panel",
    "enforce_knowledge",
    "make_expert",
    "make_panel",
]
