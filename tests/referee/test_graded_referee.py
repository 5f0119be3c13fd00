"""The LLM referee's graded style: calibrated readings from (fake) log-probabilities re-weight the experts
on top of the statistical referee, by as much as the judge calibration says, and no more."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import pytest

from causal_ensemble.llm import DeterministicModel, LLMSession, Message, PromptStyle
from causal_ensemble.pooling import Contested, ExpertWeights, Level, Pool
from causal_ensemble.referee import LLMReferee, StatsReferee
from causal_ensemble.referee._judge import JudgeCalibration, fit_adjacency, fit_direction_slope
from causal_ensemble.referee._reading import graded_weights

from ._fixtures import beliefs, context, split_pool

SKILLED = JudgeCalibration(
    direction_slope=1.0, adjacency_intercept=0.0, adjacency_slope=1.0, measured_on="test"
)


def _pair(messages: Sequence[Message]) -> tuple[str, str, bool]:
    user = messages[-1].content
    a, b = re.findall(r'variable [AB]: name="([^"]*)"', user)
    return a, b, "direct causal link" in user


def _model(p_yes: dict[tuple[str, str, bool], float]) -> DeterministicModel:
    def logprobs(messages: Sequence[Message]) -> list[tuple[str, float]]:
        p = p_yes[_pair(messages)]
        return [("Yes", math.log(p)), ("No", math.log(1 - p))]

    return DeterministicModel(rule=lambda m, s: "Yes", logprobs=logprobs)


def _referee(model: DeterministicModel, cal: JudgeCalibration, disguise: bool = False) -> LLMReferee:
    return LLMReferee(LLMSession(model), style=PromptStyle.GRADED, calibration=cal, disguise_names=disguise)


def _pooled(pool: Pool, c: Contested, weights: dict[str, float]) -> tuple[float, float]:
    return pool.pair(c.i, c.j, np.array([weights[n] for n in pool.weights.names]))


def test_a_confident_link_reading_moves_weight_to_the_expert_that_saw_the_edge() -> None:
    pool = split_pool()
    ctx = context(pool)
    c = Contested(0, 1, Level.ADJACENCY, 0.5, 0.5)
    model = _model({("A", "B", True): 0.9})
    (v,) = _referee(model, SKILLED).referee([c], ctx)
    (s,) = StatsReferee().referee([c], ctx)
    assert v.by == "llm" and "directly linked 0.90" in v.rationale
    assert len(model.calls) == 1  # one link question for an adjacency decision
    # on top of the statistical referee: pc gains relative to ges by the calibrated likelihood ratio 9
    ratio_llm = v.weights["pc"] / v.weights["ges"]
    ratio_stats = s.weights["pc"] / s.weights["ges"]
    assert ratio_llm == pytest.approx(9 * ratio_stats)
    assert _pooled(pool, c, dict(v.weights))[0] > _pooled(pool, c, dict(s.weights))[0]


def test_an_orientation_reading_compares_the_two_directions() -> None:
    pool = Pool(
        [beliefs("pc", {(0, 1): (1.0, 0.9)}), beliefs("ges", {(0, 1): (1.0, 0.1)})],
        ExpertWeights.uniform(["pc", "ges"]),
    )
    c = Contested(0, 1, Level.ORIENTATION, 0.5, 0.5)
    # the model says "yes" to both, more to B -> A: its default "yes" cancels, the difference remains
    model = _model({("A", "B", False): 0.6, ("B", "A", False): 0.9})
    (v,) = _referee(model, SKILLED).referee([c], context(pool))
    assert len(model.calls) == 2 and v.by == "llm"
    assert v.weights["ges"] > v.weights["pc"]  # ges holds B -> A
    assert _pooled(pool, c, dict(v.weights))[1] < 0.5


def test_equal_readings_in_both_directions_move_nothing() -> None:
    pool = Pool(
        [beliefs("pc", {(0, 1): (1.0, 0.9)}), beliefs("ges", {(0, 1): (1.0, 0.1)})],
        ExpertWeights.uniform(["pc", "ges"]),
    )
    c = Contested(0, 1, Level.ORIENTATION, 0.5, 0.5)
    start = {"pc": 0.7, "ges": 0.3}
    same = graded_weights(c, 0.5, context(pool), start)
    assert same is not None
    assert _pooled(pool, c, same) == pytest.approx(_pooled(pool, c, start))


def test_a_chance_level_judge_is_not_asked_and_moves_no_weight() -> None:
    pool = split_pool()
    ctx = context(pool)
    c = Contested(0, 1, Level.ADJACENCY, 0.5, 0.5)
    model = _model({("A", "B", True): 0.99})
    (v,) = _referee(model, JudgeCalibration()).referee([c], ctx)
    (s,) = StatsReferee().referee([c], ctx)
    assert model.calls == [] and v.by == "stats" and "no skill" in v.rationale
    assert dict(v.weights) == pytest.approx(dict(s.weights))


def test_a_judge_at_chance_fits_slope_zero_and_a_good_one_does_not() -> None:
    rng = np.random.default_rng(3)
    assert fit_direction_slope(rng.normal(0.0, 1.0, 200)) == 0.0
    assert fit_direction_slope(rng.normal(1.0, 1.0, 200)) > 0.5
    assert fit_adjacency(rng.normal(0.0, 1.0, 300), rng.random(300) < 0.5) == (0.0, 0.0)
    labels = np.r_[np.ones(100, bool), np.zeros(200, bool)]
    _, slope = fit_adjacency(np.r_[rng.normal(1, 1, 100), rng.normal(-1, 1, 200)], labels)
    assert slope > 1.0


def test_disguised_names_are_not_shown_to_the_model() -> None:
    pool = split_pool()
    c = Contested(0, 1, Level.ADJACENCY, 0.5, 0.5)
    model = _model({("V1", "V2", True): 0.8})
    (v,) = _referee(model, SKILLED, disguise=True).referee([c], context(pool, {"A": "rain", "B": "wet soil"}))
    prompt = model.calls[0][-1].content
    assert 'name="V1"' in prompt and 'name="A"' not in prompt and "rain" in prompt
    assert v.by == "llm"


def test_a_failed_graded_question_falls_back_and_is_reported() -> None:
    pool = split_pool()
    c = Contested(0, 1, Level.ADJACENCY, 0.5, 0.5)
    no_logprobs = DeterministicModel(rule=lambda m, s: "Yes")  # like a server without logprobs
    ref = _referee(no_logprobs, SKILLED)
    (v,) = ref.referee([c], context(pool))
    assert v.by == "stats" and ref.report().fallbacks == 1
    assert "log-probabilities" in ref.report().failures[0]


def test_past_the_runs_deadline_decisions_stay_with_the_pool_and_are_counted() -> None:
    """A budget's end stops both referees before the next decision: no model call, no diagnostics."""
    import dataclasses
    import time

    pool = split_pool()
    late = dataclasses.replace(context(pool), deadline=time.monotonic() - 1.0)
    contested = [Contested(0, 1, Level.ADJACENCY, 0.5, 0.5), Contested(0, 1, Level.ORIENTATION, 0.6, 0.5)]
    model = _model({("A", "B", True): 0.9})
    llm = _referee(model, SKILLED)
    assert llm.referee(contested, late) == [] and not model.calls
    assert llm.report().unreviewed == 2
    stats = StatsReferee()
    assert stats.referee(contested, late) == [] and stats.report().unreviewed == 2
    # with time left, nothing is skipped
    on_time = dataclasses.replace(late, deadline=time.monotonic() + 60.0)
    assert len(StatsReferee().referee(contested, on_time)) == 2
