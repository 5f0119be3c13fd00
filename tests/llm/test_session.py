"""LLMSession: validated answers, bounded re-ask, retries, budget, timeouts and the answer cache."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pydantic import BaseModel

from causal_ensemble.llm import (
    AnswerCache,
    DeterministicModel,
    LLMBudgetError,
    LLMError,
    LLMSession,
    LLMTimeoutError,
    LLMTransientError,
    Message,
    SessionSettings,
)


class Causes(BaseModel):
    causes: bool


def _q(text: str) -> list[Message]:
    return [Message("system", "answer in JSON"), Message("user", text)]


def test_invalid_json_then_a_valid_reask() -> None:
    model = DeterministicModel(script=["Sure! I think yes.", '{"causes": true}'])
    session = LLMSession(model)
    assert session.ask(_q("does a cause b?"), Causes, version="v").causes is True
    assert (session.stats.reasks, session.stats.model_calls, len(model.calls)) == (1, 2, 2)
    # the re-ask shows the model its invalid reply and the schema
    assert model.calls[1][-2] == Message("assistant", "Sure! I think yes.")
    assert '"causes"' in model.calls[1][-1].content


def test_invalid_output_after_the_reask_is_an_error_not_free_text() -> None:
    model = DeterministicModel(script=["", '{"causes": "maybe"}'])
    with pytest.raises(LLMError, match="invalid output after 1 re-ask"):
        LLMSession(model).ask(_q("q"), Causes, version="v")


def test_transient_errors_are_retried_with_backoff() -> None:
    slept: list[float] = []
    model = DeterministicModel(
        script=[LLMTransientError("HTTP 503"), LLMTransientError("HTTP 429"), '{"causes": false}']
    )
    session = LLMSession(model, settings=SessionSettings(backoff_s=0.5), sleep=slept.append)
    assert session.ask(_q("q"), Causes, version="v").causes is False
    assert slept == [0.5, 1.0]
    assert session.stats.retries == 2


def test_retries_are_bounded() -> None:
    model = DeterministicModel(script=[LLMTransientError("HTTP 500")] * 10)
    session = LLMSession(model, settings=SessionSettings(max_retries=2), sleep=lambda s: None)
    with pytest.raises(LLMError, match="gave up after 3 attempts"):
        session.ask(_q("q"), Causes, version="v")
    assert len(model.calls) == 3


def test_a_timeout_is_not_retried() -> None:
    model = DeterministicModel(script=[LLMTimeoutError("past 1 s"), '{"causes": true}'])
    with pytest.raises(LLMTimeoutError):
        LLMSession(model).ask(_q("q"), Causes, version="v")
    assert len(model.calls) == 1


def test_budget_exhaustion_stops_model_calls() -> None:
    model = DeterministicModel()
    session = LLMSession(model, settings=SessionSettings(max_queries=2))
    session.ask(_q("one"), Causes, version="v")
    session.ask(_q("two"), Causes, version="v")
    with pytest.raises(LLMBudgetError, match="budget of 2"):
        session.ask(_q("three"), Causes, version="v")
    assert len(model.calls) == 2


def test_rerun_hits_the_cache_and_makes_no_model_call(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "answers.sqlite"
    first = DeterministicModel()
    a1 = LLMSession(first, cache=AnswerCache(db)).ask(_q("does a cause b?"), Causes, version="v1")
    second = DeterministicModel(rule=lambda m, s: "never called")
    rerun = LLMSession(second, cache=AnswerCache(db))
    a2 = rerun.ask(_q("does a cause b?"), Causes, version="v1")
    assert a1 == a2 and second.calls == []
    assert (rerun.stats.queries, rerun.stats.cache_hits, rerun.stats.model_calls) == (1, 1, 0)
    # a new prompt version is a different key
    third = DeterministicModel()
    LLMSession(third, cache=AnswerCache(db)).ask(_q("does a cause b?"), Causes, version="v2")
    assert len(third.calls) == 1


def test_no_model_call_starts_after_the_deadline_but_cached_answers_still_count(tmp_path: Path) -> None:
    from causal_ensemble.llm import AnswerCache, DeterministicModel, LLMBudgetError, LLMSession, Message

    cache = AnswerCache(tmp_path / "c.sqlite")
    model = DeterministicModel(rule=lambda m, s: "Yes", logprobs=lambda m: [("Yes", -0.1), ("No", -2.5)])
    first = LLMSession(model, cache=cache)
    asked = [Message("user", "does a cause b?")]
    first.ask_graded(asked, ("yes", "no"), version="v")
    late = LLMSession(model, cache=cache)
    late.stop_at(time.monotonic() - 1.0)
    assert late.ask_graded(asked, ("yes", "no"), version="v").p("yes") > 0.5  # from the cache
    with pytest.raises(LLMBudgetError, match="time budget"):
        late.ask_graded([Message("user", "does b cause a?")], ("yes", "no"), version="v")
    assert len(model.calls) == 1


def test_no_call_starts_that_would_not_end_by_the_deadline() -> None:
    """The first call is expected to take ``first_call_s`` (a local model's load); later ones what the calls
    so far took: with 5 s left, a model expected to need 10 s for its first call is not started."""
    from causal_ensemble.llm import DeterministicModel, LLMBudgetError, LLMSession, Message, SessionSettings

    model = DeterministicModel(rule=lambda m, s: "Yes", logprobs=lambda m: [("Yes", -0.1), ("No", -2.5)])
    slow_start = LLMSession(model, settings=SessionSettings(first_call_s=10.0))
    slow_start.stop_at(time.monotonic() + 5.0)
    assert slow_start.expected_call_s() == 10.0
    with pytest.raises(LLMBudgetError, match="time budget"):
        slow_start.ask_graded([Message("user", "does a cause b?")], ("yes", "no"), version="v")
    assert model.calls == []
    quick = LLMSession(model, settings=SessionSettings(first_call_s=1.0))
    quick.stop_at(time.monotonic() + 5.0)
    quick.ask_graded([Message("user", "does a cause b?")], ("yes", "no"), version="v")
    assert len(model.calls) == 1
    assert quick.expected_call_s() == quick.stats.seconds  # one call so far: its own duration
