"""Measured calibrations of the models the referee knows, from ``python benchmarks/judge.py``.

Keyed by (model name, names disguised). A model without a measurement borrows the embedded model's
calibration, and the run's notes say so: a larger model is usually at least as good a judge, and the
judge benchmark measures any ``--llm`` spec (``--llm SPEC``) for a user who wants its own numbers.
"""

from __future__ import annotations

from causal_ensemble.referee._judge import JudgeCalibration

EMBEDDED_MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"

# `python benchmarks/judge.py` (seed 0; 85 true edges and 85 non-adjacent pairs of sachs, bn-asia, bn-child,
# bn-insurance, bn-alarm; 1020 questions). Direction given adjacency was right on 68 % of the true edges with
# real and with disguised names, adjacency AUC 0.77 both ways; leave-one-network-out log loss of the maps
# 0.671 (direction) and 0.611 (adjacency) with names, against 0.693 for a coin.
_JUDGED = "the judge benchmark: 85 true edges, 85 non-adjacent pairs of 5 networks"
MEASURED: dict[tuple[str, bool], JudgeCalibration] = {
    (EMBEDDED_MODEL, False): JudgeCalibration(1.021, 0.000, 2.380, _JUDGED),
    (EMBEDDED_MODEL, True): JudgeCalibration(1.563, 0.165, 2.232, _JUDGED + ", names disguised"),
}


def calibration_for(model: str, disguised: bool) -> tuple[JudgeCalibration, str | None]:
    """The calibration to use and, when it was borrowed, a note saying so."""
    own = MEASURED.get((model, disguised))
    if own is not None:
        return own, None
    borrowed = MEASURED.get((EMBEDDED_MODEL, disguised), JudgeCalibration())
    return borrowed, (
        f"LLM referee: no judge measurement for {model}; its readings are trusted as much as the embedded "
        f"model's ({borrowed.measured_on}); `python benchmarks/judge.py --llm SPEC` measures it"
    )
