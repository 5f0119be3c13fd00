"""Experts: established causal-discovery algorithms behind one scikit-learn style contract."""

from causal_ensemble.experts._base import (
    DataKind,
    Expert,
    Family,
    KnowledgeMasks,
    data_kind,
    enforce_knowledge,
)
from causal_ensemble.experts._cache import FitCache, default_cache_dir, resolve_cache
from causal_ensemble.experts._cam import CAM
from causal_ensemble.experts._causallearn import BOSS, FCI, GES, PC, GRaSP
from causal_ensemble.experts._continuous import DAGMA, NOTEARS, AdaptiveNOTEARS
from causal_ensemble.experts._execution import (
    BootstrapResult,
    FitRecord,
    FitStatus,
    StopReason,
    connect,
    run_panel,
)
from causal_ensemble.experts._graph import EndpointGraph, Mark
from causal_ensemble.experts._lingam import DirectLiNGAM
from causal_ensemble.experts._registry import (
    DEFAULT_PANELS,
    EXPERTS,
    ExpertInfo,
    available_experts,
    default_panel,
    describe_experts,
    make_expert,
    make_panel,
)
from causal_ensemble.experts._resampling import ResamplingScheme, resample_indices, resampling_scheme
from causal_ensemble.experts._scaling import PanelPlan, plan_panel
from causal_ensemble.experts._stopping import EarlyStopping

__all__ = [
    "BOSS",
    "CAM",
    "DAGMA",
    "DEFAULT_PANELS",
    "EXPERTS",
    "FCI",
    "GES",
    "NOTEARS",
    "PC",
    "AdaptiveNOTEARS",
    "BootstrapResult",
    "DataKind",
    "DirectLiNGAM",
    "EarlyStopping",
    "EndpointGraph",
    "Expert",
    "ExpertInfo",
    "Family",
    "FitCache",
    "FitRecord",
    "FitStatus",
    "GRaSP",
    "KnowledgeMasks",
    "Mark",
    "PanelPlan",
    "ResamplingScheme",
    "StopReason",
    "available_experts",
    "connect",
    "data_kind",
    "default_cache_dir",
    "default_panel",
    "describe_experts",
    "enforce_knowledge",
    "make_expert",
    "make_panel",
    "plan_panel",
    "resample_indices",
    "resampling_scheme",
    "resolve_cache",
    "run_panel",
]
