"""Referees settle contested decisions by re-weighting the experts; they never invent edges."""

from causal_ensemble.pooling import RefereeRecord, Verdict
from causal_ensemble.referee._base import NoReferee, Referee, RefereeContext, RefereeKind, RefereeSummary
from causal_ensemble.referee._human import HumanReferee
from causal_ensemble.referee._knowledge import KnowledgeReferee
from causal_ensemble.referee._llm import LLMReferee
from causal_ensemble.referee._make import make_referee, parse_referee_kind, resolve_auto
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
    "RefereeKind",
    "RefereeRecord",
    "RefereeSummary",
    "StatsReferee",
    "Verdict",
    "diagnose_pair",
    "make_referee",
    "parse_referee_kind",
    "reading_weights",
    "resolve_auto",
]
