"""Typed questions to a model: validation, a bounded re-ask, retries with backoff, a budget, a cache.

Everything a referee needs from a model goes through :meth:`LLMSession.ask`, which either returns a
validated pydantic object or raises :class:`LLMError` — it never returns free text, so nothing a variable
description says can change what the caller receives.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from causal_ensemble.llm._cache import AnswerCache, prompt_key
from causal_ensemble.llm._client import (
    ChatModel,
    Completion,
    LLMBudgetError,
    LLMError,
    LLMTransientError,
    Message,
)
from causal_ensemble.llm._graded import GradedAnswer, coverage_of, option_probabilities

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)

TOP_LOGPROBS = 20  # first-token alternatives asked for on a graded question (OpenAI's ceiling)
GRADED_MAX_TOKENS = 1  # the answer is read from the first token; generating more only costs time


@dataclass
class SessionStats:
    """Counters of one run, reported in graph.json's ``referee`` block."""

    queries: int = 0  # questions asked (answered from the cache or by the model)
    cache_hits: int = 0
    model_calls: int = 0  # calls that reached the model, re-asks and retries included
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    reasks: int = 0
    retries: int = 0
    failures: list[str] = field(default_factory=list)


@dataclass
class SessionSettings:
    max_queries: int = 200  # model calls per run; cache hits are free
    max_reasks: int = 1
    max_retries: int = 3
    backoff_s: float = 1.0  # doubles per retry
    timeout_s: float = 60.0
    max_tokens: int = 256
    # Seconds the first model call is expected to take (a local model's load included); later calls are
    # expected to take what the calls so far took on average. Before a deadline, no call starts that
    # would not end by it.
    first_call_s: float = 0.0


class LLMSession:
    """A model plus the per-run policy around it. One session per run: the budget is per session."""

    def __init__(
        self,
        model: ChatModel,
        *,
        settings: SessionSettings | None = None,
        cache: AnswerCache | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.model = model
        self.settings = settings if settings is not None else SessionSettings()
        self.cache = cache
        self.stats = SessionStats()
        self._sleep = sleep
        self.deadline: float | None = None  # time.monotonic() after which no model call starts

    def stop_at(self, deadline: float | None) -> None:
        """No model call starts that would not end by ``deadline`` (``time.monotonic()``), by
        :meth:`expected_call_s`; cached answers still count."""
        self.deadline = deadline

    def expected_call_s(self) -> float:
        """How long the next model call is expected to take: the mean of this session's calls so far, or
        ``settings.first_call_s`` before the first."""
        calls = self.stats.model_calls
        return self.stats.seconds / calls if calls else self.settings.first_call_s

    @property
    def _cache_model(self) -> str:
        """The model's name in the answer cache: with the server's address where there is one, since two
        servers may serve different weights under one name (llama-server ignores the name)."""
        url = getattr(self.model, "base_url", None)
        return f"{self.model.model}@{url}" if url else self.model.model

    @property
    def label(self) -> str:
        return f"{self.model.backend}:{self.model.model}"

    def ask(self, messages: Sequence[Message], answer_type: type[T], *, version: str) -> T:
        """A validated answer of ``answer_type``; raises :class:`LLMError` when none could be had."""
        self.stats.queries += 1
        schema = answer_type.model_json_schema()
        key = prompt_key(messages, schema)
        if self.cache is not None:
            hit = self.cache.get(self.model.backend, self._cache_model, version, key)
            if hit is not None:
                try:
                    parsed = _parse(hit.text, answer_type)
                except ValueError:
                    pass  # a stale or corrupt entry: ask again
                else:
                    self.stats.cache_hits += 1
                    return parsed
        convo = list(messages)
        for attempt in range(self.settings.max_reasks + 1):
            answer = self._call(convo, schema)
            try:
                parsed = _parse(answer.text, answer_type)
            except ValueError as exc:
                if attempt == self.settings.max_reasks:
                    raise LLMError(f"invalid output after {attempt} re-ask(s): {exc}") from None
                self.stats.reasks += 1
                convo += [
                    Message("assistant", answer.text[:2000]),
                    Message(
                        "user",
                        "That reply was not valid. Reply with one JSON object only, matching this schema: "
                        + json.dumps(schema),
                    ),
                ]
                continue
            if self.cache is not None:
                self.cache.put(self.model.backend, self._cache_model, version, key, answer)
            return parsed
        raise LLMError("unreachable")  # pragma: no cover

    def ask_graded(
        self, messages: Sequence[Message], options: Sequence[str], *, version: str
    ) -> GradedAnswer:
        """P(each of ``options``) for a question answered with one of them (lower-case words, e.g. yes/no),
        from the model's first-token log-probabilities; raises :class:`LLMError` when the backend gives no
        log-probabilities or none of the options is among its likely first tokens."""
        self.stats.queries += 1
        key = prompt_key(messages, {"graded": list(options)})
        if self.cache is not None:
            hit = self.cache.get(self.model.backend, self._cache_model, version, key)
            if hit is not None:
                probs = option_probabilities(hit.top_logprobs, options)
                if probs is not None:
                    self.stats.cache_hits += 1
                    return GradedAnswer(probs, coverage_of(hit.top_logprobs, options), hit.text)
        answer = self._call(messages, None, max_tokens=GRADED_MAX_TOKENS, top_logprobs=TOP_LOGPROBS)
        if not answer.top_logprobs:
            raise LLMError(f"{self.label} returned no token log-probabilities for a graded question")
        probs = option_probabilities(answer.top_logprobs, options)
        if probs is None:
            seen = ", ".join(repr(t) for t, _ in answer.top_logprobs[:5])
            raise LLMError(f"none of {'/'.join(options)} among the likely first tokens ({seen})")
        if self.cache is not None:
            self.cache.put(self.model.backend, self._cache_model, version, key, answer)
        return GradedAnswer(probs, coverage_of(answer.top_logprobs, options), answer.text)

    def _call(
        self,
        messages: Sequence[Message],
        schema: dict[str, object] | None,
        *,
        max_tokens: int | None = None,
        top_logprobs: int = 0,
    ) -> Completion:
        s = self.settings
        for attempt in range(s.max_retries + 1):
            if self.stats.model_calls >= s.max_queries:
                raise LLMBudgetError(f"query budget of {s.max_queries} model calls spent")
            if self.deadline is not None and time.monotonic() + self.expected_call_s() > self.deadline:
                raise LLMBudgetError("the run's time budget is spent")
            self.stats.model_calls += 1
            start = time.perf_counter()
            try:
                # top_logprobs only when asked: a backend written before it still gets the call it knows
                extra = {"top_logprobs": top_logprobs} if top_logprobs > 0 else {}
                answer = self.model.complete(
                    messages,
                    schema=schema,
                    max_tokens=max_tokens if max_tokens is not None else s.max_tokens,
                    timeout_s=s.timeout_s,
                    **extra,
                )
            except LLMTransientError as exc:
                self.stats.seconds += time.perf_counter() - start  # the call, not the back-off below
                if attempt == s.max_retries:
                    raise LLMError(f"gave up after {attempt + 1} attempts: {exc}") from None
                self.stats.retries += 1
                delay = s.backoff_s * 2**attempt
                logger.info("model call failed (%s); retrying in %.1f s", exc, delay)
                self._sleep(delay)
                continue
            except LLMError:
                self.stats.seconds += time.perf_counter() - start
                raise
            self.stats.seconds += time.perf_counter() - start
            self.stats.prompt_tokens += answer.prompt_tokens
            self.stats.completion_tokens += answer.completion_tokens
            return answer
        raise LLMError("unreachable")  # pragma: no cover


def _parse(text: str, answer_type: type[T]) -> T:
    """Strict: one JSON object, nothing else (whitespace and a code fence aside), valid for the type."""
    body = text.strip()
    if body.startswith("```"):
        body = body.strip("`").removeprefix("json").strip()
    if not body:
        raise ValueError("empty reply")
    try:
        return answer_type.model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ValueError(f"{first['type']} at {'.'.join(map(str, first['loc'])) or 'top level'}") from None
