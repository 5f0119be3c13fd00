"""The human referee: the analyst answers at the terminal, one question per contested pair.

Prompts go to stderr so stdout stays clean; answers are read line by line from stdin, so the referee
works the same in a terminal and with piped answers (``printf '1\\n3\\n' | cea discover ...``). End of
input means "don't know" for every remaining pair.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from causal_ensemble.pooling import Contested, Verdict
from causal_ensemble.referee._base import RefereeContext, RefereeKind, RefereeSummary
from causal_ensemble.referee._reading import Reading, reading_weights

CHOICES = {"1": "a causes b", "2": "b causes a", "3": "no edge", "4": "don't know"}
ALIASES = {"a": "1", "b": "2", "n": "3", "none": "3", "d": "4", "?": "4", "": "4"}
MAX_TRIES = 3


class HumanReferee:
    kind: str = RefereeKind.HUMAN
    model: str | None = None

    def __init__(self, stdin: TextIO | None = None, stdout: TextIO | None = None) -> None:
        self._in = stdin
        self._out = stdout
        self.summary = RefereeSummary(kind=self.kind)

    def report(self) -> RefereeSummary:
        return self.summary

    def _ask(self, prompt: str) -> str | None:
        src = self._in if self._in is not None else sys.stdin
        out = self._out if self._out is not None else sys.stderr
        for _ in range(MAX_TRIES):
            out.write(prompt)
            out.flush()
            line = src.readline()
            if not line:
                return None  # end of input
            key = line.strip().lower()
            key = ALIASES.get(key, key)
            if key in CHOICES:
                return key
            out.write(f"please answer 1, 2, 3 or 4 (got {line.strip()!r})\n")
        return "4"

    def referee(self, contested: Sequence[Contested], context: RefereeContext) -> list[Verdict]:
        out = self._out if self._out is not None else sys.stderr
        names = context.names
        pairs: dict[tuple[int, int], list[Contested]] = {}
        for c in contested:
            pairs.setdefault((min(c.i, c.j), max(c.i, c.j)), []).append(c)
        verdicts: list[Verdict] = []
        ended = False
        for k, ((i, j), decisions) in enumerate(pairs.items(), start=1):
            if ended:
                break
            a, b = names[i], names[j]
            lines = [f"\n[{k}/{len(pairs)}] contested: {', '.join(c.level.value for c in decisions)}"]
            for label, idx in (("a", i), ("b", j)):
                desc = context.descriptions.get(names[idx])
                lines.append(f"  {label} = {names[idx]}" + (f": {desc}" if desc else ""))
            lines.append("  experts (P adjacent, P a -> b | adjacent):")
            for n, (adj, orient) in context.pool.expert_opinions(i, j).items():
                lines.append(f"    {n:<18} {adj:.2f}  {orient:.2f}")
            lines.append(f"  1) {a} causes {b}   2) {b} causes {a}   3) no edge   4) don't know")
            out.write("\n".join(lines) + "\n")
            answer = self._ask("answer [1-4]: ")
            self.summary.queries += 1
            if answer is None:
                ended = True
                continue
            reading = {
                "1": Reading(True, i, j),
                "2": Reading(True, j, i),
                "3": Reading(False, i, j),
                "4": Reading(None),
            }[answer]
            said = {"1": f"{a} causes {b}", "2": f"{b} causes {a}", "3": f"no edge between {a} and {b}"}
            for c in decisions:
                weights = reading_weights(c, reading, context)
                if weights is not None:
                    verdicts.append(Verdict(c, weights, f"analyst: {said[answer]}", "human"))
        return verdicts
