"""Any OpenAI-compatible chat-completions server: OpenAI, vLLM, Ollama, llama.cpp's server.

The API key lives only in the request header: it is never part of ``repr``, a log line, an error
message or the answer cache.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import httpx

from causal_ensemble.llm._client import (
    Completion,
    JsonSchema,
    LLMError,
    LLMTimeoutError,
    LLMTransientError,
    Message,
)


class OpenAICompatibleModel:
    """``POST {base_url}/chat/completions`` with a JSON-schema response format."""

    backend = "openai-compatible"

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._api_key = api_key
        self._client = httpx.Client(transport=transport)

    def __repr__(self) -> str:
        key = "***" if self._api_key else None
        return f"OpenAICompatibleModel({self.base_url!r}, {self.model!r}, api_key={key})"

    def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: JsonSchema | None,
        max_tokens: int,
        timeout_s: float,
        top_logprobs: int = 0,
    ) -> Completion:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [asdict(m) for m in messages],
            "temperature": 0,
            "max_tokens": max_tokens,
        }
        if schema is not None:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": dict(schema)},
            }
        if top_logprobs > 0:
            body["logprobs"] = True
            body["top_logprobs"] = min(top_logprobs, 20)  # OpenAI's ceiling
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        try:
            resp = self._client.post(
                f"{self.base_url}/chat/completions", json=body, headers=headers, timeout=timeout_s
            )
        except httpx.TimeoutException:
            raise LLMTimeoutError(f"no answer from {self.base_url} within {timeout_s:g} s") from None
        except httpx.TransportError as exc:
            raise LLMTransientError(f"cannot reach {self.base_url}: {type(exc).__name__}") from None
        if resp.status_code == 429 or resp.status_code >= 500:
            raise LLMTransientError(f"HTTP {resp.status_code} from {self.base_url}")
        if resp.status_code >= 400:
            raise LLMError(f"HTTP {resp.status_code} from {self.base_url}")
        try:
            data = resp.json()
            text = data["choices"][0]["message"]["content"] or ""
            usage = data.get("usage") or {}
        except (json.JSONDecodeError, KeyError, IndexError, TypeError, AttributeError):
            raise LLMError(f"malformed chat-completions response from {self.base_url}") from None
        return Completion(
            str(text),
            int(usage.get("prompt_tokens", 0) or 0),
            int(usage.get("completion_tokens", 0) or 0),
            _first_token_alternatives(data) if top_logprobs > 0 else (),
        )


def _first_token_alternatives(data: Any) -> tuple[tuple[str, float], ...]:
    """``choices[0].logprobs.content[0].top_logprobs`` as (token, logprob) pairs; empty where a server
    does not support log-probabilities (many ignore the option rather than refuse it)."""
    try:
        first = data["choices"][0]["logprobs"]["content"][0]["top_logprobs"]
        return tuple((str(t["token"]), float(t["logprob"])) for t in first)
    except (KeyError, IndexError, TypeError, ValueError):
        return ()
