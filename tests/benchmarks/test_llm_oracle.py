"""The benchmark's LLM methods on a real session: answers, failures, and the product's LLM referee."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from causal_ensemble.benchmarks import DatasetSpec, SuiteSpec, Vocabulary, llm_pairwise, run_benchmark
from causal_ensemble.benchmarks._llm import LLMOracle
from causal_ensemble.benchmarks._oracle import OracleTally
from causal_ensemble.llm import DeterministicModel, LLMSession, Message, SessionSettings
from causal_ensemble.llm._client import JsonSchema
from causal_ensemble.referee import LLMReferee

NAMES = ("rain", "wet")


def _rain_causes_wet(messages: Sequence[Message], schema: JsonSchema | None) -> str:
    text = messages[-1].content
    key = "answer" if schema is not None and "answer" in json.dumps(schema) else "causes"
    yes = text.index("rain") < text.index("wet")  # "does rain ... cause wet" → yes, the other way → no
    return json.dumps({key: yes})


def _oracle(model: DeterministicModel, budget: int = 100) -> LLMOracle:
    return LLMOracle(LLMSession(model, settings=SessionSettings(max_queries=budget)))


def test_oracle_answers_through_the_session() -> None:
    model = DeterministicModel(_rain_causes_wet)
    tally = OracleTally()
    D, U = llm_pairwise(_oracle(model), Vocabulary.of(NAMES, {}, disguise=False), tally)
    assert D[0, 1] and not D[1, 0] and not U.any()
    assert len(model.calls) == 2


def test_invalid_output_twice_is_a_failed_answer_not_an_error() -> None:
    model = DeterministicModel(script=["no json", "still none"])
    oracle = _oracle(model)
    q = Vocabulary.of(NAMES, {}, disguise=False).direct(0, 1)
    assert oracle.ask(q) is None


def test_referee_is_the_products_llm_referee_on_the_same_model() -> None:
    model = DeterministicModel(_rain_causes_wet)
    ref = _oracle(model).referee(disguise_names=True)
    assert isinstance(ref, LLMReferee) and ref.disguise_names
    assert ref.session.model is model


def test_harness_runs_cea_llm_with_the_llm_referee(tmp_path: Path) -> None:
    suite = SuiteSpec("tiny", (DatasetSpec("bn-asia", 400, (0,)),), ("pc",), ("pc", "ges"), 2, 60.0, "tiny")
    model = DeterministicModel()
    res = run_benchmark(suite, tmp_path, methods=["cea-llm", "cea-none"], oracle=_oracle(model))
    rows = {r.method: r for r in res.rows}
    assert {"cea-llm", "cea-none"} <= set(rows)
    assert rows["cea-llm"].status == "ok"
