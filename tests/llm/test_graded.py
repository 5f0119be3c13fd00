"""Graded answers: P(option) from first-token log-probabilities, through the session and its cache."""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from causal_ensemble.llm import (
    AnswerCache,
    DeterministicModel,
    LLMError,
    LLMSession,
    Message,
    OpenAICompatibleModel,
)
from causal_ensemble.llm._graded import option_probabilities


def _lp(p: float) -> float:
    return math.log(p)


def test_option_probabilities_sum_variants_and_renormalise() -> None:
    alts = [("Yes", _lp(0.5)), (" yes", _lp(0.1)), ("No", _lp(0.2)), ("To", _lp(0.2))]
    probs = option_probabilities(alts, ("yes", "no"))
    assert probs is not None
    assert probs["yes"] == pytest.approx(0.75) and probs["no"] == pytest.approx(0.25)
    assert option_probabilities([("Maybe", 0.0)], ("yes", "no")) is None


def _messages(text: str = "does a cause b?") -> list[Message]:
    return [Message("system", "Answer Yes or No."), Message("user", text)]


def test_ask_graded_reads_the_first_token_and_caches_it(tmp_path: Path) -> None:
    model = DeterministicModel(
        rule=lambda m, s: "Yes", logprobs=lambda m: [("Yes", _lp(0.6)), ("No", _lp(0.3))]
    )
    cache = AnswerCache(tmp_path / "c.sqlite")
    got = LLMSession(model, cache=cache).ask_graded(_messages(), ("yes", "no"), version="v")
    assert got.p("yes") == pytest.approx(2 / 3) and got.coverage == pytest.approx(0.9)
    # a second session answers from the cache, logprobs included, without calling the model
    other = DeterministicModel(rule=lambda m, s: "unused")
    session = LLMSession(other, cache=AnswerCache(tmp_path / "c.sqlite"))
    again = session.ask_graded(_messages(), ("yes", "no"), version="v")
    assert again.p("yes") == pytest.approx(2 / 3) and other.calls == [] and session.stats.cache_hits == 1


def test_a_backend_without_logprobs_or_without_the_options_is_an_error() -> None:
    with pytest.raises(LLMError, match="no token log-probabilities"):
        LLMSession(DeterministicModel(rule=lambda m, s: "Yes")).ask_graded(
            _messages(), ("yes", "no"), version="v"
        )
    odd = DeterministicModel(rule=lambda m, s: "Sure", logprobs=lambda m: [("Sure", _lp(0.9))])
    with pytest.raises(LLMError, match="none of yes/no"):
        LLMSession(odd).ask_graded(_messages(), ("yes", "no"), version="v")


def test_a_cache_file_from_before_graded_answers_gains_the_column(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE answers (backend TEXT, model TEXT, prompt_version TEXT, prompt_sha256 TEXT, text TEXT, "
        "prompt_tokens INTEGER, completion_tokens INTEGER, PRIMARY KEY (backend, model, prompt_version, "
        "prompt_sha256))"
    )
    db.execute("INSERT INTO answers VALUES ('test', 'm', 'v', 'k', '{\"causes\": true}', 1, 1)")
    db.commit()
    db.close()
    cache = AnswerCache(path)
    old = cache.get("test", "m", "v", "k")
    assert old is not None and old.text == '{"causes": true}' and old.top_logprobs == ()


def test_the_openai_compatible_backend_asks_for_and_parses_top_logprobs() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        top = [{"token": "No", "logprob": _lp(0.7)}, {"token": "Yes", "logprob": _lp(0.2)}]
        return httpx.Response(
            200,
            json={
                "choices": [
                    {
                        "message": {"content": "No"},
                        "logprobs": {"content": [{"token": "No", "top_logprobs": top}]},
                    }
                ],
                "usage": {"prompt_tokens": 5, "completion_tokens": 1},
            },
        )

    model = OpenAICompatibleModel("http://x/v1", "m", transport=httpx.MockTransport(handler))
    got = LLMSession(model).ask_graded(_messages(), ("yes", "no"), version="v")
    assert seen[0]["logprobs"] is True and seen[0]["top_logprobs"] == 20 and seen[0]["max_tokens"] == 1
    assert got.p("no") == pytest.approx(0.7 / 0.9)
