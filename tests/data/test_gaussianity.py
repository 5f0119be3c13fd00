from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from causal_ensemble import ParameterError
from causal_ensemble.data import check_gaussianity


def _chain(n: int, noise: str, seed: int, nonlinear: bool = False) -> npt.NDArray[np.float64]:
    """x0 -> x1 -> x2 -> x3 with the given noise."""
    rng = np.random.default_rng(seed)

    def e() -> npt.NDArray[np.float64]:
        if noise == "uniform":
            return rng.uniform(-np.sqrt(3), np.sqrt(3), n)
        return rng.standard_normal(n)

    x = [e()]
    for _ in range(3):
        parent = np.tanh(2 * x[-1]) if nonlinear else x[-1]
        x.append(1.2 * parent + e())
    return np.column_stack(x)


CONT = np.zeros(4, dtype=bool)


def test_linear_gaussian_table_passes() -> None:
    check = check_gaussianity(_chain(2000, "gaussian", 0), CONT)
    assert check.gaussian
    assert check.n_tests == 8
    assert "no column" in check.reason


def test_non_gaussian_noise_is_seen_and_named() -> None:
    check = check_gaussianity(_chain(2000, "uniform", 0), CONT, names=["a", "b", "c", "d"])
    assert not check.gaussian
    assert check.p_value < 1e-6
    assert "'a'" in check.reason or "residual" in check.reason


def test_nonlinear_mechanism_with_gaussian_noise_is_seen() -> None:
    assert not check_gaussianity(_chain(2000, "gaussian", 0, nonlinear=True), CONT).gaussian


def test_false_alarm_rate_on_gaussian_tables_is_at_most_alpha() -> None:
    """Bonferroni over 2 d tests keeps the rate of wrongly calling a Gaussian table non-Gaussian <= alpha."""
    rejected = sum(not check_gaussianity(_chain(500, "gaussian", s), CONT).gaussian for s in range(60))
    assert rejected / 60 <= 0.1


def test_units_do_not_matter() -> None:
    X = _chain(1000, "uniform", 3)
    scaled = X * np.array([1e-3, 1.0, 250.0, 7e4]) + np.array([5.0, -2.0, 1e3, 0.0])
    assert check_gaussianity(X, CONT).p_value == pytest.approx(check_gaussianity(scaled, CONT).p_value)


def test_tables_it_cannot_judge_are_not_called_gaussian() -> None:
    X = _chain(2000, "gaussian", 1)
    disc = np.array([False, True, False, False])
    assert not check_gaussianity(X, disc).gaussian
    assert "discrete" in check_gaussianity(X, disc).reason
    assert not check_gaussianity(X[:10], CONT).gaussian
    X[:, 2] = 1.0
    assert "constant" in check_gaussianity(X, CONT).reason


def test_alpha_is_validated() -> None:
    with pytest.raises(ParameterError, match="alpha"):
        check_gaussianity(_chain(100, "gaussian", 0), CONT, alpha=1.5)
