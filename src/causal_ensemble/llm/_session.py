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
    LLMTimeoutError,
    LLMTransientError,
    Message,
)

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)


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

    @property
    def label(self) -> str:
        return f"{self.model.backend}:{self.model.model}"

    def ask(self, messages: Sequence[Message], answer_type: type[T], *, version: str) -> T:
        """A validated answer of ``answer_type``; raises :class:`LLMError` when none could be had."""
        self.stats.queries += 1
        schema = answer_type.model_json_schema()
        key = prompt_key(messages, schema)
        if self.cache is not None:
            hit = self.cache.get(self.model.backend, self.model.model, version, key)
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
                self.cache.put(self.model.backend, self.model.model, version, key, answer)
            return parsed
        raise LLMError("unreachable")  # pragma: no cover

    def _call(self, messages: Sequence[Message], schema: dict[str, object]) -> Completion:
        s = self.settings
        for attempt in range(s.max_retries + 1):
            if self.stats.model_calls >= s.max_queries:
                raise LLMBudgetError(f"query budget of {s.max_queries} model calls spent")
            self.stats.model_calls += 1
            start = time.perf_counter()
            try:
                answer = self.model.complete(
                    messages, schema=schema, max_tokens=s.max_tokens, timeout_s=s.timeout_s
                )
            except LLMTransientError as exc:
                if attempt == s.max_retries:
                    raise LLMError(f"gave up after {attempt + 1} attempts: {exc}") from None
                self.stats.retries += 1
                delay = s.backoff_s * 2**attempt
                logger.info("model call failed (%s); retrying in %.1f s", exc, delay)
                self._sleep(delay)
                continue
            except LLMTimeoutError:
                raise
            finally:
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
