"""Pooling: experts' beliefs combined by a weighted linear opinion pool at every graph level."""

from causal_ensemble.pooling._pool import Contested, Level, Pool, PooledBeliefs, PoolSettings, find_contested
from causal_ensemble.pooling._weights import ExpertWeights, heldout_gain, reliability_weights, stability

__all__ = [
    "Contested",
    "ExpertWeights",
    "Level",
    "Pool",
    "PoolSettings",
    "PooledBeliefs",
    "find_contested",
    "heldout_gain",
    "reliability_weights",
    "stability",
]
