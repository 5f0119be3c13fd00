"""LLM methods against the deterministic fake oracle: baselines, the referee adapter, memorisation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from causal_ensemble.benchmarks import (
    DatasetSpec,
    FakeOracle,
    SuiteSpec,
    Vocabulary,
    llm_breadth_first,
    llm_pairwise,
    run_benchmark,
)
from causal_ensemble.benchmarks._oracle import CausalQuestion, OracleTally, QuestionKind

NAMES = ("rain", "sprinkler", "wet", "slippery")
EDGES = frozenset({("rain", "wet"), ("sprinkler", "wet"), ("wet", "slippery")})
DESC = {n: f"whether it is {n}" for n in NAMES}


def _truth() -> npt.NDArray[Any]:
    idx = {n: k for k, n in enumerate(NAMES)}
    T = np.zeros((4, 4), dtype=bool)
    for s, t in EDGES:
        T[idx[s], idx[t]] = True
    return T


def test_pairwise_with_a_perfect_oracle_recovers_the_graph() -> None:
    tally = OracleTally()
    D, U = llm_pairwise(FakeOracle(EDGES), Vocabulary.of(NAMES, DESC, disguise=False), tally)
    assert (_truth() == D).all() and not U.any()
    assert tally.queries == 4 * 3


def test_breadth_first_is_acyclic_and_asks_fewer_questions() -> None:
    tally = OracleTally()
    D, _ = llm_breadth_first(FakeOracle(EDGES), Vocabulary.of(NAMES, DESC, disguise=False), tally)
    assert (_truth() == D).all()
    assert tally.queries < 4 * 3 + 4


def test_breadth_first_never_closes_a_cycle() -> None:
    cyclic = frozenset({("rain", "wet"), ("wet", "slippery"), ("slippery", "rain")})
    D, _ = llm_breadth_first(FakeOracle(cyclic), Vocabulary.of(NAMES, DESC, disguise=False), OracleTally())
    reach = D.copy()
    for k in range(4):
        reach |= np.outer(reach[:, k], reach[k, :])
    assert not np.diag(reach).any()


def test_disguised_names_keep_descriptions_and_defeat_a_memorising_oracle() -> None:
    vocab = Vocabulary.of(NAMES, DESC, disguise=True)
    q = vocab.direct(0, 2)
    assert q.cause == "V1" and "whether it is rain" in q.prompt and "rain (" not in q.prompt
    D, U = llm_pairwise(FakeOracle(EDGES), vocab, OracleTally())
    assert not D.any() and not U.any()


def test_fake_oracle_errors_are_deterministic() -> None:
    a, b = FakeOracle(EDGES, accuracy=0.5, seed=3), FakeOracle(EDGES, accuracy=0.5, seed=3)
    qs = [CausalQuestion(QuestionKind.DIRECT_CAUSE, s, t, None, None) for s in NAMES for t in NAMES if s != t]
    answers = [a.ask(q) for q in qs]
    assert answers == [b.ask(q) for q in qs]
    truth = [(q.cause, q.effect) in EDGES for q in qs]
    assert answers != truth  # with accuracy 1/2 some answers are wrong


class _Broken:
    name = "broken"

    def ask(self, question: CausalQuestion) -> bool | None:
        raise RuntimeError("connection refused")


def test_failing_oracle_calls_are_counted_not_raised() -> None:
    tally = OracleTally()
    D, _ = llm_pairwise(_Broken(), Vocabulary.of(NAMES, DESC, disguise=False), tally)
    assert not D.any() and tally.failures == tally.queries == 12


def test_llm_methods_in_the_harness(tmp_path: Path) -> None:
    suite = SuiteSpec(
        "tiny",
        (DatasetSpec("bn-asia", 400, (0,)), DatasetSpec("synth-linear-gaussian-er-d5", 300, (0,))),
        ("pc", "ges"),
        ("pc",),
        2,
        60.0,
        "tiny",
    )
    from causal_ensemble.data.datasets import load_dataset

    truth = frozenset(load_dataset("bn-asia", n=10).truth or ())
    res = run_benchmark(suite, tmp_path, oracle=FakeOracle(truth))
    asia = {r.method: r for r in res.rows if r.dataset == "bn-asia@n400"}
    expected = {"cea-llm", "cea-llm-disguised", "llm-pairwise", "llm-pairwise-disguised", "llm-bfs"}
    assert expected <= set(asia)
    assert asia["llm-pairwise"].shd == 0 and asia["llm-pairwise"].directed_f1 == 1.0
    assert asia["llm-pairwise-disguised"].directed_recall == 0.0
    assert asia["llm-pairwise"].queries == 8 * 7
    synth = {r.method for r in res.rows if r.dataset.startswith("synth-")}
    assert synth and not any(m.startswith(("llm-", "cea-llm")) for m in synth)
