"""Graded answers: a probability over a closed set of one-word options, read from the first token's
log-probabilities.

A bare "yes" from a small model says little: it answers "yes" to both directions of many questions. The
probability it puts on "Yes" against "No" carries the strength of its reading, and comparing that
probability across two phrasings of a question (A causes B, B causes A) cancels the model's default answer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

YES_NO: tuple[str, str] = ("yes", "no")


def _normal(token: str) -> str:
    return token.strip().strip(".,:;!\"'*").lower()


def option_probabilities(
    alternatives: Iterable[tuple[str, float]], options: Sequence[str]
) -> dict[str, float] | None:
    """P(option) renormalised over ``options`` from (token, log-probability) pairs; None when no option is
    among the alternatives. Variants of one option (" Yes", "yes", "YES.") are summed."""
    mass = dict.fromkeys(options, 0.0)
    for token, logprob in alternatives:
        key = _normal(token)
        if key in mass and math.isfinite(logprob):
            mass[key] += math.exp(logprob)
    total = sum(mass.values())
    if total <= 0.0:
        return None
    return {k: v / total for k, v in mass.items()}


@dataclass(frozen=True)
class GradedAnswer:
    """P(each option) (summing to 1) and the share of the model's first-token mass the options held."""

    probabilities: dict[str, float]
    coverage: float
    text: str = ""

    def p(self, option: str) -> float:
        return self.probabilities[option]


def coverage_of(alternatives: Iterable[tuple[str, float]], options: Sequence[str]) -> float:
    wanted = set(options)
    return float(sum(math.exp(lp) for t, lp in alternatives if _normal(t) in wanted and math.isfinite(lp)))
