"""The referee factory: a built-in referee from its ``--referee`` name.

Kept apart from the contract in ``_base`` because it imports every referee module, and every referee
module imports the contract; with both in one module the package had an import circle.
"""

from __future__ import annotations

from causal_ensemble._errors import ParameterError
from causal_ensemble.referee._base import NoReferee, Referee, RefereeKind


def parse_referee_kind(kind: str | RefereeKind) -> RefereeKind:
    """The :class:`RefereeKind` a user named; the error lists the choices."""
    try:
        return RefereeKind(str(kind).strip().lower())
    except ValueError:
        choices = ", ".join(k.value for k in RefereeKind)
        raise ParameterError("referee", f"must be one of {choices}; got {kind!r}") from None


def make_referee(
    kind: str | RefereeKind,
    *,
    llm: str | None = None,
    llm_budget: int = 200,
    disguise_names: bool = False,
) -> Referee:
    """A built-in referee by kind. ``RefereeKind.LLM`` defaults to the embedded model (``llm="local"``)."""
    key = parse_referee_kind(kind)
    if llm is not None and key is not RefereeKind.LLM:
        raise ParameterError("llm", "is only used with the llm referee")
    if llm_budget < 0:
        raise ParameterError("llm_budget", f"must be >= 0, got {llm_budget}")
    if key is RefereeKind.NONE:
        return NoReferee()
    if key is RefereeKind.STATS:
        from causal_ensemble.referee._stats import StatsReferee

        return StatsReferee()
    if key is RefereeKind.HUMAN:
        from causal_ensemble.referee._human import HumanReferee

        return HumanReferee()
    if key is RefereeKind.KNOWLEDGE:
        from causal_ensemble.referee._knowledge import KnowledgeReferee

        return KnowledgeReferee()
    from causal_ensemble.referee._llm import LLMReferee

    return LLMReferee.from_spec(llm or "local", max_queries=llm_budget, disguise_names=disguise_names)
