"""`cea discover --referee llm --llm http://127.0.0.1:PORT/v1#test-model` end to end, against a real
OpenAI-compatible HTTP server the test starts on 127.0.0.1 (``tests/llm/_openai_server.py``).

The whole agent runs through the public command line: the experts fit, the pool finds its contested
decisions, the LLM referee sends each one to the server as the rich prompt (descriptions, every
expert's beliefs and assumptions, the diagnostics line, a JSON-schema response format), and what the
server answers must come back in graph.json — or, when the server fails, be reported there while the
statistical referee settles those decisions instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from causal_ensemble.cli import app

from ..conftest import chain_collider_fork
from ._openai_server import (
    MODEL_NAME,
    Decision,
    Reply,
    answer_weights,
    completion,
    decision_of,
    expert_names,
    rich_reply,
    schema_of,
    serve,
    user_text,
)

runner = CliRunner()

SECRET = "sk-e2e-never-in-output-5678"
EXPERTS = ["pc", "ges"]
# two copies of chain_collider_fork's A..E, under names a prompt can be searched for
NAMES = (
    {"A": "smoking", "B": "tar", "C": "asbestos", "D": "cancer", "E": "cough"},
    {"A": "rain", "B": "sprinkler", "C": "season", "D": "wet_grass", "E": "slippery"},
)
DESCRIPTIONS = {
    "smoking": "cigarettes smoked per day",
    "tar": "tar deposits in the lungs",
    "asbestos": "asbestos exposure at work",
    "cancer": "lung tumour size",
    "cough": "coughing fits per week",
    "rain": "millimetres of rain in the day",
    "sprinkler": "minutes the lawn sprinkler ran",
    "season": "day of the year",
    "wet_grass": "water on the lawn in the morning",
    "slippery": "slips reported on the path",
}


def _discover(tmp_path: Path, url: str) -> tuple[Any, dict[str, Any]]:
    # 10 variables, 100 rows: weak enough that several adjacency and orientation decisions are
    # contested (the referee is offered at most a share of the 45 pairs; at 150 rows the pool settled all
    # but 3), and a run of two experts with three resamples each takes about two seconds
    halves = [
        chain_collider_fork(100, seed)[0].rename(columns=names)
        for seed, names in zip((3, 4), NAMES, strict=True)
    ]
    data = tmp_path / "data.csv"
    pd.concat(halves, axis=1).to_csv(data, index=False)
    desc = tmp_path / "desc.json"
    desc.write_text(json.dumps(DESCRIPTIONS))
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "discover",
            str(data),
            "--out",
            str(out),
            "--descriptions",
            str(desc),
            "--experts",
            ",".join(EXPERTS),
            "--bootstrap",
            "3",
            "--margin",
            "0.3",
            "--jobs",
            "1",
            "--referee",
            "llm",
            "--llm",
            f"{url}#{MODEL_NAME}",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    graph = json.loads((out / "graph.json").read_text())
    return result, graph


def _contested(graph: dict[str, Any]) -> set[tuple[frozenset[str], str]]:
    return {(frozenset((c["source"], c["target"])), c["level"]) for c in graph["contested"]}


def _decisions(graph: dict[str, Any]) -> dict[tuple[frozenset[str], str], dict[str, Any]]:
    """Every referee verdict recorded on an edge of the graph, by (pair, level)."""
    out: dict[tuple[frozenset[str], str], dict[str, Any]] = {}
    for e in graph["edges"]:
        for d in (e["referee"] or {}).get("decisions", []):
            out[(frozenset((e["source"], e["target"])), d["level"])] = d
    return out


def _key(d: Decision) -> tuple[frozenset[str], str]:
    return (d.pair, d.level)


def test_llm_referee_over_http_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CEA_CACHE_DIR", str(tmp_path / "cache"))  # no answer from an earlier run
    monkeypatch.setenv("CEA_LLM_API_KEY", SECRET)
    with serve(rich_reply) as server:
        result, graph = _discover(tmp_path, server.url)

    contested = _contested(graph)
    assert len(contested) >= 3, graph["contested"]  # else the test data no longer exercises the referee
    assert {lvl for _, lvl in contested} == {"adjacency", "orientation"}

    # the server saw one rich question per contested decision, in the OpenAI wire format
    assert set(server.paths) == {"/v1/chat/completions"}
    asked = [decision_of(body) for body in server.requests]
    assert sorted(map(_key, asked), key=repr) == sorted(contested, key=repr)
    for body, decision in zip(server.requests, asked, strict=True):
        assert body["model"] == MODEL_NAME and body["temperature"] == 0
        assert body["response_format"]["type"] == "json_schema"
        assert expert_names(schema_of(body)) == EXPERTS
        roles = [m["role"] for m in body["messages"]]
        assert roles == ["system", "user"]
        assert "referee a panel of causal-discovery algorithms" in body["messages"][0]["content"]
        text = user_text(body)
        for expert in EXPERTS:
            assert f"\n- {expert}: " in text
        assert "Diagnostics: n=100, correlation=" in text and "additive-noise preference" in text
        assert DESCRIPTIONS[decision.a] in text and DESCRIPTIONS[decision.b] in text
    assert server.auth == [f"Bearer {SECRET}"] * len(server.requests)

    ref = graph["referee"]
    assert ref["kind"] == "llm" and MODEL_NAME in ref["model"]
    assert ref["failures"] == [] and ref["fallbacks"] == 0 and ref["cache_hits"] == 0
    assert ref["queries"] == ref["model_calls"] == len(server.requests) == len(contested)
    assert ref["prompt_tokens"] == 120 * len(contested) and ref["completion_tokens"] == 30 * len(contested)
    assert graph["settings"]["referee"] == "llm"

    # every verdict the graph records came from the model, with the rationale the server gave for it
    decisions = _decisions(graph)
    assert decisions, "no contested decision left a verdict on an edge"
    by_key = {_key(d): d for d in asked}
    for key, record in decisions.items():
        assert record["by"] == "llm", record
        d = by_key[key]
        assert record["rationale"] == f"LLM: e2e-rationale for {d.a} and {d.b} ({d.level})"
        # the expert weights are the pool's weights times the model's
        sent = answer_weights(EXPERTS)
        w = record["weights"]
        assert w["pc"] / w["ges"] > 1  # the server trusted pc more
        pool_w = {x["name"]: x["weight"] for x in graph["experts"]}
        assert w["pc"] / w["ges"] == pytest.approx(
            sent["pc"] * pool_w["pc"] / (sent["ges"] * pool_w["ges"]), rel=1e-3
        )
    settled = [e for e in graph["edges"] if e["settled_by"] == "referee"]
    assert settled

    # the API key went in the header only
    out = tmp_path / "out"
    assert SECRET not in (out / "graph.json").read_text()
    assert SECRET not in (out / "report.html").read_text()
    assert SECRET not in result.output


FAILURE_MODES = ("http-500", "body-not-json", "content-not-json", "http-500-once")


class FlakyServer:
    """Gives the first decisions to arrive one way each to fail (or to recover); answers the rest."""

    def __init__(self) -> None:
        self.mode: dict[tuple[frozenset[str], str], str] = {}
        self.calls: dict[tuple[frozenset[str], str], int] = {}

    def __call__(self, body: dict[str, Any]) -> Reply:
        key = _key(decision_of(body))
        n = len(self.mode)
        mode = self.mode.setdefault(key, FAILURE_MODES[n] if n < len(FAILURE_MODES) else "ok")
        self.calls[key] = self.calls.get(key, 0) + 1
        if mode == "http-500" or (mode == "http-500-once" and self.calls[key] == 1):
            return Reply(500, b'{"error": {"message": "internal server error"}}')
        if mode == "body-not-json":
            return Reply(200, b"<html><body>502 Bad Gateway</body></html>")
        if mode == "content-not-json":
            return completion("I would trust pc here, it looks right.")
        return rich_reply(body)


def test_server_failures_are_reported_and_fall_back_to_the_statistical_referee(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CEA_CACHE_DIR", str(tmp_path / "cache"))
    flaky = FlakyServer()
    with serve(flaky) as server:
        _, graph = _discover(tmp_path, server.url)

    assert len(flaky.mode) == len(_contested(graph)) >= len(FAILURE_MODES), flaky.mode
    failed = {k: m for k, m in flaky.mode.items() if m in ("http-500", "body-not-json", "content-not-json")}
    answered = {k for k, m in flaky.mode.items() if m in ("http-500-once", "ok")}
    # 4 tries of a 500 (3 retries); 1 of a body that is no JSON; 2 of invalid content (1 re-ask); 2 of
    # a 500 followed by an answer
    per_mode = {"http-500": 4, "body-not-json": 1, "content-not-json": 2, "http-500-once": 2, "ok": 1}
    assert flaky.calls == {k: per_mode[m] for k, m in flaky.mode.items()}

    ref = graph["referee"]
    assert ref["kind"] == "llm" and MODEL_NAME in ref["model"]
    assert ref["model_calls"] == len(server.requests) == sum(flaky.calls.values())
    assert ref["queries"] == len(flaky.mode) and ref["cache_hits"] == 0
    # tokens are counted from the answers that parsed as chat completions, valid or not
    parsed = {"http-500": 0, "body-not-json": 0, "content-not-json": 2, "http-500-once": 1, "ok": 1}
    assert ref["prompt_tokens"] == 120 * sum(parsed[m] for m in flaky.mode.values())
    assert ref["fallbacks"] == len(failed) == len(ref["failures"])
    expected = {
        "http-500": "gave up after 4 attempts: HTTP 500",
        "body-not-json": "malformed chat-completions response",
        "content-not-json": "invalid output after 1 re-ask(s)",
    }
    for (pair, level), mode in failed.items():
        hits = [f for f in ref["failures"] if f" {level}: " in f and expected[mode] in f]
        hits = [f for f in hits if set(f.split(f" {level}: ")[0].split("-")) == set(pair)]
        assert len(hits) == 1, (pair, level, mode, ref["failures"])

    # failed decisions were settled by the statistical referee, the others by the model
    decisions = _decisions(graph)
    seen_fallback = False
    for key, record in decisions.items():
        if key in failed:
            assert record["by"] == "stats", record
            assert record["rationale"].startswith("LLM failed (LLMError); statistical referee: ")
            seen_fallback = True
        else:
            assert key in answered
            assert record["by"] == "llm" and record["rationale"].startswith("LLM: e2e-rationale for ")
    assert seen_fallback, "no fallback verdict is visible on an edge of the graph"
