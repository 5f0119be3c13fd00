"""``--llm SPEC``: which model answers the referee's questions.

* ``local`` — the embedded Qwen2.5-Coder-1.5B-Instruct (llama.cpp, offline);
* ``local:/path/model.gguf`` — any GGUF file, run by llama.cpp;
* ``openai:MODEL`` — OpenAI (``OPENAI_API_KEY``; ``OPENAI_BASE_URL`` for a compatible endpoint);
* ``http://host:port/v1#MODEL`` (or https) — any OpenAI-compatible server: vLLM, Ollama, llama.cpp server.

Embedded (small) models get graded yes/no questions (P(Yes) from the first token's log-probabilities);
remote models are assumed capable and get the rich prompt with every expert's opinion and the
diagnostics.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from causal_ensemble._errors import InputError
from causal_ensemble.llm._client import ChatModel


class PromptStyle(StrEnum):
    GRADED = "graded"  # yes/no questions read as P(Yes), calibrated by the judge benchmark
    DIRECTIONAL = "directional"  # "Does X cause Y?" asked both ways, bare {"causes": bool} (no logprobs)
    RICH = "rich"  # all opinions + diagnostics, JSON weights out


@dataclass(frozen=True)
class LLMSpec:
    kind: str  # "local", "openai", "http"
    model: str
    path: Path | None = None
    base_url: str | None = None

    @property
    def style(self) -> PromptStyle:
        return PromptStyle.GRADED if self.kind == "local" else PromptStyle.RICH


def parse_llm_spec(spec: str) -> LLMSpec:
    s = spec.strip()
    if s == "local":
        return LLMSpec("local", "qwen2.5-coder-1.5b-instruct-q4_k_m")
    if s.startswith("local:"):
        path = Path(s.removeprefix("local:")).expanduser()
        if not path.is_file():
            raise InputError(f"--llm {spec}: no such model file {path}")
        return LLMSpec("local", path.name, path=path)
    if s.startswith("openai:"):
        model = s.removeprefix("openai:").strip()
        if not model:
            raise InputError("--llm openai:MODEL: name the model, e.g. openai:gpt-4o-mini")
        base = os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
        return LLMSpec("openai", model, base_url=base)
    if s.startswith(("http://", "https://")):
        url, sep, model = s.partition("#")
        if not sep or not model.strip():
            raise InputError(f"--llm {spec}: expected http://host:port/v1#MODEL")
        return LLMSpec("http", model.strip(), base_url=url)
    raise InputError(
        "--llm must be local, local:/path/model.gguf, openai:MODEL or http://host:port/v1#MODEL; "
        f"got {spec!r}"
    )


def make_chat_model(spec: LLMSpec, *, n_threads: int = 2) -> ChatModel:
    if spec.kind == "local":
        from causal_ensemble.llm._llama import LlamaCppModel
        from causal_ensemble.llm._weights import embedded_model_path

        path = spec.path if spec.path is not None else embedded_model_path()
        return LlamaCppModel(path, model=spec.model, n_threads=n_threads)
    from causal_ensemble.llm._http import OpenAICompatibleModel

    key = os.environ.get("OPENAI_API_KEY") if spec.kind == "openai" else os.environ.get("CEA_LLM_API_KEY")
    if spec.kind == "openai" and not key:
        raise InputError("--llm openai:MODEL needs the OPENAI_API_KEY environment variable")
    if spec.base_url is None:
        raise InputError("--llm: no server address")
    return OpenAICompatibleModel(spec.base_url, spec.model, api_key=key)
