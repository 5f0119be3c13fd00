"""The knowledge referee: settles contested decisions from the ``--knowledge`` file alone.

Required edges read "source causes target"; an edge forbidden both ways (explicitly or by tiers) reads
"no edge"; one direction forbidden reads the other direction for orientation decisions. Assembly
already enforces required/forbidden edges on the final graph; the referee additionally moves the
pooled beliefs — and so the reported probabilities — towards the experts that agree with the file.
"""

from __future__ import annotations

from collections.abc import Sequence

from causal_ensemble._errors import InputError
from causal_ensemble.pooling import Contested, Level, Verdict
from causal_ensemble.referee._base import RefereeContext, RefereeKind, RefereeSummary
from causal_ensemble.referee._reading import Reading, reading_weights


class KnowledgeReferee:
    kind: str = RefereeKind.KNOWLEDGE
    model: str | None = None

    def __init__(self) -> None:
        self.summary = RefereeSummary(kind=self.kind)

    def report(self) -> RefereeSummary:
        return self.summary

    def referee(self, contested: Sequence[Contested], context: RefereeContext) -> list[Verdict]:
        know = context.knowledge
        if know is None or know.is_empty:
            raise InputError("--referee knowledge needs a non-empty --knowledge FILE")
        names = list(context.names)
        required = know.required_matrix(names)
        forbidden = know.forbidden_matrix(names)
        verdicts = []
        for c in contested:
            i, j = c.i, c.j
            self.summary.queries += 1
            if required[i, j] or required[j, i]:
                src, tgt = (i, j) if required[i, j] else (j, i)
                reading, why = Reading(True, src, tgt), f"required: {names[src]} -> {names[tgt]}"
            elif forbidden[i, j] and forbidden[j, i]:
                reading, why = Reading(False, i, j), "both directions forbidden"
            elif c.level is Level.ORIENTATION and (forbidden[i, j] or forbidden[j, i]):
                src, tgt = (j, i) if forbidden[i, j] else (i, j)
                reading, why = Reading(True, src, tgt), f"{names[tgt]} -> {names[src]} forbidden"
            else:
                continue
            weights = reading_weights(c, reading, context)
            if weights is not None:
                verdicts.append(Verdict(c, weights, f"knowledge file: {why}", "knowledge"))
        return verdicts
