"""The small contract every language-model backend meets: chat messages in, text and token counts out.

Backends know nothing about referees, caching, budgets or re-asking; :class:`~causal_ensemble.llm.LLMSession`
adds those once for all of them, so an embedded llama.cpp model, an OpenAI-compatible server and the test
model behave the same way towards the referee.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from causal_ensemble._errors import (
    LLMBudgetError,
    LLMError,
    LLMTimeoutError,
    LLMTransientError,
    ModelNotInstalledError,
)

__all__ = [
    "ChatModel",
    "Completion",
    "JsonSchema",
    "LLMBudgetError",
    "LLMError",
    "LLMTimeoutError",
    "LLMTransientError",
    "Message",
    "ModelNotInstalledError",
    "Role",
]

Role = Literal["system", "user", "assistant"]
JsonSchema = Mapping[str, Any]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True)
class Completion:
    """One model answer. Token counts are the backend's own (0 where it does not report them).

    ``top_logprobs`` holds the most likely first tokens of the answer with their natural-log probabilities,
    when the caller asked for them and the backend can give them (empty otherwise): a yes/no question then
    has a graded answer, P(yes), instead of a bare boolean.
    """

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    top_logprobs: tuple[tuple[str, float], ...] = ()


@runtime_checkable
class ChatModel(Protocol):
    """A chat backend. ``schema`` asks for output constrained to a JSON schema where the backend can;
    ``top_logprobs > 0`` asks for that many alternatives of the answer's first token."""

    backend: str
    model: str

    def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: JsonSchema | None,
        max_tokens: int,
        timeout_s: float,
        top_logprobs: int = 0,
    ) -> Completion: ...
