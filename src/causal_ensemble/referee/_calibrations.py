"""Measured calibrations of the models the referee knows, from ``python benchmarks/judge.py``.

Keyed by (model name, names disguised). A model without a measurement borrows the embedded model's
calibration, and the run's notes say so: a larger model is usually at least as good a judge, and the
judge benchmark measures any ``--llm`` spec (``--llm SPEC``) for a user who wants its own numbers.
"""

from __future__ import annotations

from causal_ensemble.referee._judge import JudgeCalibration

EMBEDDED_MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"

MEASURED: dict[tuple[str, bool], JudgeCalibration] = {}


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
