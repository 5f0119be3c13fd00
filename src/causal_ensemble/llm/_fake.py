"""A deterministic stand-in model for tests and offline dry runs: no weights, same answer every time."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence

from causal_ensemble.llm._client import Completion, JsonSchema, Message

Rule = Callable[[Sequence[Message], JsonSchema | None], str]
LogprobRule = Callable[[Sequence[Message]], Sequence[tuple[str, float]]]


def _hash_rule(messages: Sequence[Message], schema: JsonSchema | None) -> str:
    """``{"causes": bool}`` from a hash of the last message: arbitrary but reproducible."""
    digest = hashlib.sha256(messages[-1].content.encode()).digest()
    return json.dumps({"causes": bool(digest[0] & 1)})


class DeterministicModel:
    """Answers by ``rule(messages, schema)`` (default: a hash of the question) and counts its calls.

    ``script`` answers are consumed first, one per call; an ``Exception`` in the script is raised instead,
    which lets tests stage "invalid output, then a valid one" or "timeout" without a server.
    ``logprobs(messages)`` gives the first token's alternatives when a caller asks for them (graded
    questions); without it the model returns none, like a server that does not support log-probabilities.
    """

    backend = "test"

    def __init__(
        self,
        rule: Rule | None = None,
        *,
        script: Sequence[str | Exception] = (),
        model: str = "deterministic",
        logprobs: LogprobRule | None = None,
    ) -> None:
        self.model = model
        self.logprobs = logprobs
        self.rule = rule if rule is not None else _hash_rule
        self.script = list(script)
        self.calls: list[list[Message]] = []

    def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: JsonSchema | None,
        max_tokens: int,
        timeout_s: float,
        top_logprobs: int = 0,
    ) -> Completion:
        self.calls.append(list(messages))
        if self.script:
            item = self.script.pop(0)
            if isinstance(item, Exception):
                raise item
            text = item
        else:
            text = self.rule(messages, schema)
        words = sum(len(m.content.split()) for m in messages)
        alternatives: tuple[tuple[str, float], ...] = ()
        if top_logprobs > 0 and self.logprobs is not None:
            alternatives = tuple(self.logprobs(messages))[:top_logprobs]
        return Completion(text, words, len(text.split()), alternatives)
