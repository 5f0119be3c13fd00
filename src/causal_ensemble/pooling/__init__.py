"""Pooling: experts' beliefs combined by a weighted linear opinion pool at every graph level, the rules
that weight the experts per level, the decisions the pool leaves contested, and the recomputation of
those decisions under a referee's weights."""

from causal_ensemble.pooling._crossfit import CrossFitRule, OutOfBagRowsRule
from causal_ensemble.pooling._latent_truth import LatentTruthRule
from causal_ensemble.pooling._lookalike import LookalikeRule
from causal_ensemble.pooling._pool import Contested, Level, Pool, PooledBeliefs, PoolSettings, find_contested
from causal_ensemble.pooling._rules import (
    CorrectedFitRule,
    DiscreteOrientationRule,
    HeldOutWinsRule,
    MixtureRule,
    OutOfBagPValueRule,
    PanelData,
    ProductRule,
    UniformRule,
    WeightRule,
    default_rule,
    make_rule,
    reliability_weights,
)
from causal_ensemble.pooling._verdicts import RefereeRecord, Verdict, apply_verdicts
from causal_ensemble.pooling._weights import ExpertWeights, oob_pvalue_weights, stability

__all__ = [
    "Contested",
    "CorrectedFitRule",
    "CrossFitRule",
    "DiscreteOrientationRule",
    "ExpertWeights",
    "HeldOutWinsRule",
    "LatentTruthRule",
    "Level",
    "LookalikeRule",
    "MixtureRule",
    "OutOfBagPValueRule",
    "OutOfBagRowsRule",
    "PanelData",
    "Pool",
    "PoolSettings",
    "PooledBeliefs",
    "ProductRule",
    "RefereeRecord",
    "UniformRule",
    "Verdict",
    "WeightRule",
    "apply_verdicts",
    "default_rule",
    "find_contested",
    "make_rule",
    "oob_pvalue_weights",
    "reliability_weights",
    "stability",
]
