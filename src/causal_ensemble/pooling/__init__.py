"""Pooling: experts' beliefs combined by a weighted linear opinion pool at every graph level, the
decisions it leaves contested, and the recomputation of those decisions under a referee's weights."""

from causal_ensemble.pooling._pool import Contested, Level, Pool, PooledBeliefs, PoolSettings, find_contested
from causal_ensemble.pooling._verdicts import RefereeRecord, Verdict, apply_verdicts
from causal_ensemble.pooling._weights import ExpertWeights, reliability_weights, stability

__all__ = [
    "Contested",
    "ExpertWeights",
    "Level",
    "Pool",
    "PoolSettings",
    "PooledBeliefs",
    "RefereeRecord",
    "Verdict",
    "apply_verdicts",
    "find_contested",
    "reliability_weights",
    "stability",
]
