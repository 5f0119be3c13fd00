"""The pool at its edges: ties, all-zero weights, verdicts that silence everyone, the contested band."""

from __future__ import annotations

import numpy as np
import pytest

from causal_ensemble import ParameterError
from causal_ensemble.pooling import (
    Contested,
    ExpertWeights,
    Level,
    Pool,
    PoolSettings,
    Verdict,
    apply_verdicts,
    find_contested,
)

from ._fixtures import pair_beliefs


def _weights(names: list[str], values: list[float]) -> ExpertWeights:
    ones = np.ones(len(names))
    return ExpertWeights(tuple(names), np.array(values, dtype=float), ones, ones, "test")


def test_two_experts_in_a_tie_pool_to_exactly_the_threshold_and_only_adjacency_is_contested() -> None:
    """The expert that does not see the edge has no say on its direction, so the direction is not in doubt."""
    pool = Pool([pair_beliefs("a", 1.0, 1.0), pair_beliefs("b", 0.0, 0.5)], _weights(["a", "b"], [0.5, 0.5]))
    pooled = pool.pooled()
    assert pooled.adjacency[0, 1] == pytest.approx(0.5)
    contested = find_contested(pooled, PoolSettings(0.5, 0.1))
    assert [(c.i, c.j, c.level) for c in contested] == [(0, 1, Level.ADJACENCY)]
    assert pooled.orientation[0, 1] == pytest.approx(1.0)


def test_opposite_directions_with_equal_weight_leave_the_orientation_undecided() -> None:
    pool = Pool([pair_beliefs("a", 1.0, 1.0), pair_beliefs("b", 1.0, 0.0)], _weights(["a", "b"], [0.5, 0.5]))
    pooled = pool.pooled()
    assert pooled.adjacency[0, 1] == 1.0 and pooled.orientation[0, 1] == pytest.approx(0.5)
    assert pooled.orientation[0, 1] + pooled.orientation[1, 0] == pytest.approx(1.0)


def test_all_zero_weights_fall_back_to_uniform_when_subset() -> None:
    w = _weights(["a", "b", "c"], [0.0, 0.0, 0.0]).subset([0, 2])
    assert w.names == ("a", "c") and np.allclose(w.values, [0.5, 0.5])
    assert np.allclose(w.orientation, [0.5, 0.5])


def test_a_verdict_that_silences_every_expert_changes_nothing() -> None:
    pool = Pool([pair_beliefs("a", 1.0, 1.0), pair_beliefs("b", 0.0, 0.5)], _weights(["a", "b"], [0.5, 0.5]))
    pooled = pool.pooled()
    c = Contested(0, 1, Level.ADJACENCY, 0.5, 0.5)
    final, records = apply_verdicts(pool, pooled, [Verdict(c, {"a": 0.0, "b": 0.0}, "nobody", "test")])
    assert np.array_equal(final.adjacency, pooled.adjacency) and records == {}


def test_a_verdict_cannot_create_an_edge_no_expert_proposed() -> None:
    pool = Pool([pair_beliefs("a", 1.0, 1.0), pair_beliefs("b", 0.0, 0.5)], _weights(["a", "b"], [0.5, 0.5]))
    pooled = pool.pooled()
    c = Contested(0, 2, Level.ADJACENCY, 0.0, 0.5)  # no expert sees 0 - 2
    final, _ = apply_verdicts(pool, pooled, [Verdict(c, {"a": 100.0, "b": 1.0}, "insists", "test")])
    assert final.adjacency[0, 2] == 0.0


@pytest.mark.parametrize(
    ("threshold", "margin"), [(0.5, 0.0), (0.5, 0.5), (0.2, 0.2), (0.9, 0.1), (0.0, 0.1), (1.0, 0.1)]
)
def test_settings_outside_the_valid_band_name_the_parameter(threshold: float, margin: float) -> None:
    with pytest.raises(ParameterError) as err:
        PoolSettings(threshold, margin)
    assert err.value.parameter in {"threshold", "margin"}


def test_a_pair_no_expert_sees_is_never_contested() -> None:
    pool = Pool([pair_beliefs("a", 1.0, 1.0), pair_beliefs("b", 0.9, 1.0)], _weights(["a", "b"], [0.5, 0.5]))
    contested = find_contested(pool.pooled(), PoolSettings(0.5, 0.45))
    assert all({c.i, c.j} == {0, 1} for c in contested)
