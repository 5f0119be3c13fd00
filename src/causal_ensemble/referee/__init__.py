"""Referees settle contested decisions by re-weighting the experts; they never invent edges."""

from causal_ensemble.referee._base import (
    NoReferee,
    Referee,
    RefereeContext,
    RefereeRecord,
    RefereeSummary,
    Verdict,
    apply_verdicts,
    make_referee,
)
from causal_ensemble.referee._human import HumanReferee
from causal_ensemble.referee._knowledge import KnowledgeReferee
from causal_ensemble.referee._llm import LLMReferee
from causal_ensemble.referee._reading import Reading, reading_weights
from causal_ensemble.referee._stats import PairDiagnostics, StatsReferee, diagnose_pair

__all__ = [
    "HumanReferee",
    "KnowledgeReferee",
    "LLMReferee",
    "NoReferee",
    "PairDiagnostics",
    "Reading",
    "Referee",
    "RefereeContext",
    "RefereeRecord",
    "RefereeSummary",
    "StatsReferee",
    "Verdict",
    "apply_verdicts",
    "diagnose_pair",
    "make_referee",
    "reading_weights",
]
