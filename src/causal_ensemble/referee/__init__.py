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

__all__ = [
    "NoReferee",
    "Referee",
    "RefereeContext",
    "RefereeRecord",
    "RefereeSummary",
    "Verdict",
    "apply_verdicts",
    "make_referee",
]

from causal_ensemble.referee._stats import PairDiagnostics, StatsReferee, diagnose_pair

__all__ += ["PairDiagnostics", "StatsReferee", "diagnose_pair"]
