"""LLM methods of the benchmark, written against a minimal "ask an LLM a yes/no causal question" protocol.

The real client lives in ``causal_ensemble.llm`` (built separately); anything with ``name`` and
``ask(question) -> bool | None`` plugs in. :class:`FakeOracle` answers from a known graph, deterministically,
for tests. Three methods use an oracle:

* :func:`llm_pairwise` — the plain LLM-only baseline: both directions of every pair, ``d(d-1)`` queries;
* :func:`llm_breadth_first` — after Jiralerspong et al. 2024 ("Efficient Causal Graph Discovery Using Large
  Language Models"): find the variables nothing causes, then expand breadth-first from them, only asking
  about candidate children that would not close a cycle. The paper asks for all children of a node in one
  prompt (a linear number of queries); with a yes/no protocol each candidate child is one query, so the
  count is quadratic in the worst case but stays below the pairwise baseline (reported per run);
* :class:`OracleReferee` — CEA's referee slot: on a contested decision it asks the oracle and multiplies
  the weights of the experts whose belief agrees with the answer by :data:`AGREE_FACTOR`.

The memorisation check runs each of them again with the variable names replaced by ``V1..Vd`` while the
descriptions are kept (``disguise=True``): what is lost then came from the names, not the descriptions.
"""

from __future__ import annotations

import logging
import zlib
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from causal_ensemble.pooling import Contested, Level
from causal_ensemble.referee import RefereeContext, RefereeSummary, Verdict

logger = logging.getLogger(__name__)

AGREE_FACTOR = 3.0  # weight multiplier of experts that agree with the oracle's answer


class QuestionKind(StrEnum):
    DIRECT_CAUSE = "direct-cause"  # does `cause` directly cause `effect`?
    HAS_NO_CAUSE = "has-no-cause"  # is `cause` caused by none of the other variables?


@dataclass(frozen=True)
class CausalQuestion:
    """One yes/no question. ``cause``/``effect`` are the names shown to the model (disguised or not);
    ``others`` lists every shown name, for questions about a variable among the rest."""

    kind: QuestionKind
    cause: str
    effect: str | None
    cause_description: str | None
    effect_description: str | None
    others: tuple[str, ...] = ()

    @property
    def prompt(self) -> str:
        def named(name: str, desc: str | None) -> str:
            return f"{name} ({desc})" if desc else name

        a = named(self.cause, self.cause_description)
        if self.kind is QuestionKind.HAS_NO_CAUSE:
            return (
                f"Among the variables {', '.join(self.others)}: is {a} caused by none of the other "
                "variables? Answer yes or no."
            )
        b = named(self.effect or "", self.effect_description)
        return f"Does {a} directly cause {b}? Answer yes or no."


@runtime_checkable
class YesNoOracle(Protocol):
    """Anything that answers a causal yes/no question; None means no usable answer (a failed call)."""

    name: str

    def ask(self, question: CausalQuestion) -> bool | None: ...


@dataclass
class FakeOracle:
    """A deterministic stand-in for an LLM that "knows" a graph by variable *names*.

    Each answer is right with probability ``accuracy``; which ones are wrong is a fixed function of
    ``seed`` and the question (no global random state). Names it does not know (disguised ones) get
    "no", as a model that only memorised the benchmark would answer.
    """

    edges: frozenset[tuple[str, str]]
    accuracy: float = 1.0
    seed: int = 0
    name: str = "fake"
    queries: int = field(default=0, init=False)

    def ask(self, question: CausalQuestion) -> bool | None:
        self.queries += 1
        known = {v for e in self.edges for v in e}
        if question.kind is QuestionKind.HAS_NO_CAUSE:
            if question.cause not in known:
                return False
            truth = not any(t == question.cause and s in question.others for s, t in self.edges)
        else:
            if question.cause not in known or question.effect not in known:
                return False
            truth = (question.cause, question.effect or "") in self.edges
        key = f"{self.seed}|{question.kind}|{question.cause}|{question.effect}".encode()
        u = zlib.crc32(key) / 2**32
        return truth if u < self.accuracy else not truth


@dataclass(frozen=True)
class Vocabulary:
    """Names and descriptions as the oracle is shown them (index-aligned with the data columns)."""

    shown: tuple[str, ...]
    descriptions: tuple[str | None, ...]

    @classmethod
    def of(cls, names: Sequence[str], descriptions: Mapping[str, str], *, disguise: bool) -> Vocabulary:
        shown = tuple(f"V{k + 1}" for k in range(len(names))) if disguise else tuple(names)
        return cls(shown, tuple(descriptions.get(n) for n in names))

    def direct(self, i: int, j: int) -> CausalQuestion:
        return CausalQuestion(
            QuestionKind.DIRECT_CAUSE,
            self.shown[i],
            self.shown[j],
            self.descriptions[i],
            self.descriptions[j],
        )

    def root(self, i: int) -> CausalQuestion:
        return CausalQuestion(
            QuestionKind.HAS_NO_CAUSE, self.shown[i], None, self.descriptions[i], None, self.shown
        )


@dataclass
class OracleTally:
    """Queries asked and failed (None answers or exceptions) by one method on one dataset."""

    queries: int = 0
    failures: int = 0

    def ask(self, oracle: YesNoOracle, question: CausalQuestion) -> bool | None:
        self.queries += 1
        try:
            answer = oracle.ask(question)
        except Exception as exc:  # one failing call never sinks a run
            logger.warning("oracle %s failed on %r: %s", oracle.name, question.prompt, exc)
            answer = None
        if answer is None:
            self.failures += 1
        return answer


BoolMatrix = npt.NDArray[np.bool_]


def llm_pairwise(oracle: YesNoOracle, vocab: Vocabulary, tally: OracleTally) -> tuple[BoolMatrix, BoolMatrix]:
    """Both directions of every pair: yes one way is a directed edge, yes both ways an undirected one."""
    d = len(vocab.shown)
    yes = np.zeros((d, d), dtype=bool)
    for i in range(d):
        for j in range(d):
            if i != j:
                yes[i, j] = bool(tally.ask(oracle, vocab.direct(i, j)))
    both = yes & yes.T
    return yes & ~both, both


def llm_breadth_first(
    oracle: YesNoOracle, vocab: Vocabulary, tally: OracleTally
) -> tuple[BoolMatrix, BoolMatrix]:
    """Breadth-first expansion from the variables nothing causes; acyclic by construction.

    A node is expanded once; its candidate children are the nodes that are not already its ancestors.
    When the oracle names no root, the expansion starts from every node (still acyclic).
    """
    d = len(vocab.shown)
    D = np.zeros((d, d), dtype=bool)
    roots = [i for i in range(d) if tally.ask(oracle, vocab.root(i))]
    queue = deque(roots if roots else range(d))
    seen = set(queue)
    reach = np.eye(d, dtype=bool)  # reach[a, b]: a path a -> ... -> b (reflexive)
    while queue:
        u = queue.popleft()
        for v in range(d):
            if v == u or reach[v, u] or D[u, v]:
                continue
            if tally.ask(oracle, vocab.direct(u, v)):
                D[u, v] = True
                reach |= np.outer(reach[:, u], reach[v, :])
                if v not in seen:
                    seen.add(v)
                    queue.append(v)
    return D, np.zeros((d, d), dtype=bool)


@dataclass
class OracleReferee:
    """CEA's referee slot filled by a yes/no oracle (see the module docstring for the weighting)."""

    oracle: YesNoOracle
    vocab: Vocabulary
    kind: str = "llm-oracle"
    tally: OracleTally = field(default_factory=OracleTally)
    model: str | None = field(init=False)
    summary: RefereeSummary = field(init=False)

    def __post_init__(self) -> None:
        self.model = self.oracle.name
        self.summary = RefereeSummary(kind=self.kind, model=self.model)

    def referee(self, contested: Sequence[Contested], context: RefereeContext) -> list[Verdict]:
        verdicts = []
        base = context.pool.weights.as_dict()
        for c in contested:
            opinions = context.pool.expert_opinions(c.i, c.j)
            if c.level is Level.ADJACENCY:
                fwd = self.tally.ask(self.oracle, self.vocab.direct(c.i, c.j))
                bwd = self.tally.ask(self.oracle, self.vocab.direct(c.j, c.i))
                if fwd is None and bwd is None:
                    continue
                answer = bool(fwd) or bool(bwd)
                agrees = {n: (a >= 0.5) == answer for n, (a, _) in opinions.items()}
                why = f"oracle: {'a direct causal link' if answer else 'no direct causal link'}"
            else:
                fwd = self.tally.ask(self.oracle, self.vocab.direct(c.i, c.j))
                if fwd:
                    agrees = {n: o > 0.5 for n, (_, o) in opinions.items()}
                    why = f"oracle: {self.vocab.shown[c.i]} causes {self.vocab.shown[c.j]}"
                else:
                    bwd = self.tally.ask(self.oracle, self.vocab.direct(c.j, c.i))
                    if not bwd:
                        continue
                    agrees = {n: o < 0.5 for n, (_, o) in opinions.items()}
                    why = f"oracle: {self.vocab.shown[c.j]} causes {self.vocab.shown[c.i]}"
            weights = {n: base[n] * (AGREE_FACTOR if agrees[n] else 1.0) for n in base}
            verdicts.append(Verdict(c, weights, why, self.kind))
        self.summary.queries = self.tally.queries
        self.summary.failures = (
            [f"{self.tally.failures} oracle calls gave no answer"] if self.tally.failures else []
        )
        return verdicts

    def report(self) -> RefereeSummary:
        return self.summary
