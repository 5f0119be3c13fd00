"""The embedded backend: a GGUF model run in-process by llama.cpp (``llama-cpp-python``).

Output is constrained by llama.cpp's JSON-schema grammar, so even a 135M-parameter model can only emit
text of the requested shape. The time limit is enforced between tokens by a stopping criterion, since an
in-process call cannot be interrupted otherwise.

Token probabilities are read from the logits of the answer's first token through a logits processor:
llama-cpp-python's own ``logprobs`` option needs ``logits_all=True``, which keeps a vocabulary-sized row
per context token (about 1.2 GB at 2048 tokens for Qwen's 152k vocabulary) and slows every prompt.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from causal_ensemble.llm._client import (
    Completion,
    JsonSchema,
    LLMError,
    LLMTimeoutError,
    Message,
    ModelNotInstalledError,
)


class LlamaCppModel:
    backend = "llama.cpp"

    def __init__(
        self,
        path: str | Path,
        *,
        model: str | None = None,
        n_ctx: int = 4096,
        n_threads: int = 2,
        seed: int = 0,
    ) -> None:
        self.path = Path(path)
        self.model = model if model is not None else self.path.name
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.seed = seed
        self._llm: Any = None

    def _load(self) -> Any:
        if self._llm is None:
            # llama.cpp's OpenMP threads spin while waiting by default; on a shared machine that turns
            # into a 10-40x slowdown (measured here). Passive waiting costs nothing when the cores are free.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            try:
                import llama_cpp
            except ImportError:
                raise ModelNotInstalledError(
                    "--llm local needs llama-cpp-python: pip install 'causal-ensemble[llm]'"
                ) from None
            if not self.path.is_file():
                raise ModelNotInstalledError(f"--llm: model file {self.path} does not exist")
            self._llm = llama_cpp.Llama(
                model_path=str(self.path),
                n_ctx=self.n_ctx,
                n_threads=self.n_threads,
                seed=self.seed,
                verbose=False,
            )
        return self._llm

    def complete(
        self,
        messages: Sequence[Message],
        *,
        schema: JsonSchema | None,
        max_tokens: int,
        timeout_s: float,
        top_logprobs: int = 0,
    ) -> Completion:
        if top_logprobs > 0:
            return self._graded(messages, max_tokens=max_tokens, top_logprobs=top_logprobs)
        llm = self._load()
        deadline = time.monotonic() + timeout_s
        fmt: dict[str, Any] | None = None
        if schema is not None:
            fmt = {"type": "json_object", "schema": dict(schema)}
        pieces: list[str] = []
        n_out = 0
        try:
            # streamed, so that the time limit is checked between tokens
            for chunk in llm.create_chat_completion(
                messages=[asdict(m) for m in messages],
                response_format=fmt,
                temperature=0.0,
                max_tokens=max_tokens,
                seed=self.seed,
                stream=True,
            ):
                delta = chunk["choices"][0].get("delta", {}).get("content")
                if delta:
                    pieces.append(delta)
                    n_out += 1
                if time.monotonic() > deadline:
                    raise LLMTimeoutError(f"llama.cpp passed the {timeout_s:g} s limit")
        except LLMError:
            raise
        except (RuntimeError, ValueError) as exc:
            raise LLMError(f"llama.cpp failed: {exc}") from None
        n_prompt = max(int(getattr(llm, "n_tokens", 0)) - n_out, 0)
        return Completion("".join(pieces), n_prompt, n_out)

    def _graded(self, messages: Sequence[Message], *, max_tokens: int, top_logprobs: int) -> Completion:
        """One short unconstrained answer plus the distribution of its first token."""
        llm = self._load()
        import llama_cpp

        first: list[npt.NDArray[np.float64]] = []

        def capture(input_ids: Any, scores: Any) -> Any:
            if not first:
                first.append(np.array(scores, dtype=np.float64))
            return scores

        try:
            out = llm.create_chat_completion(
                messages=[asdict(m) for m in messages],
                temperature=0.0,
                max_tokens=max_tokens,
                seed=self.seed,
                logits_processor=llama_cpp.LogitsProcessorList([capture]),
            )
        except (RuntimeError, ValueError) as exc:
            raise LLMError(f"llama.cpp failed: {exc}") from None
        if not first:
            raise LLMError("llama.cpp returned no token scores")
        logits = first[0]
        shifted = logits - logits.max()
        logp = shifted - np.log(np.exp(shifted).sum())
        top = np.argsort(-logp, kind="stable")[:top_logprobs]
        alternatives = tuple(
            (llm.detokenize([int(k)]).decode("utf-8", errors="replace"), float(logp[k])) for k in top
        )
        usage = out.get("usage") or {}
        text = out["choices"][0]["message"].get("content") or ""
        return Completion(
            str(text),
            int(usage.get("prompt_tokens", 0) or 0),
            int(usage.get("completion_tokens", 0) or 0),
            alternatives,
        )
