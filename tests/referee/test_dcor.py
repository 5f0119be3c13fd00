"""The statistical referee's distance correlation against values computed independently of it.

The additive-noise check compares ``dcor(cause, residual)`` both ways; a statistic that grows with a
variable's units would let the residuals' scales, not their dependence, decide the direction.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest

from causal_ensemble.referee._stats import _dcor

Vector = npt.NDArray[np.float64]


def _reference_dcor(x: list[float], y: list[float]) -> float:
    """Székely, Rizzo & Bakirov (2007), eq. 2.8-2.10, written out with plain loops over pairs."""
    n = len(x)

    def double_centred(v: list[float]) -> list[list[float]]:
        dist = [[abs(v[k] - v[m]) for m in range(n)] for k in range(n)]
        row = [sum(dist[k]) / n for k in range(n)]
        col = [sum(dist[k][m] for k in range(n)) / n for m in range(n)]
        grand = sum(row) / n
        return [[dist[k][m] - row[k] - col[m] + grand for m in range(n)] for k in range(n)]

    a, b = double_centred(x), double_centred(y)
    dcov2 = sum(a[k][m] * b[k][m] for k in range(n) for m in range(n)) / n**2
    dvar_x = sum(a[k][m] ** 2 for k in range(n) for m in range(n)) / n**2
    dvar_y = sum(b[k][m] ** 2 for k in range(n) for m in range(n)) / n**2
    return math.sqrt(dcov2 / math.sqrt(dvar_x * dvar_y))


def _gaussian_dcor(rho: float) -> float:
    """Population distance correlation of a bivariate normal with correlation ``rho`` (Székely et al.
    2007, Theorem 7)."""
    r = abs(rho)
    num = r * math.asin(r) + math.sqrt(1 - r**2) - r * math.asin(r / 2) - math.sqrt(4 - r**2) + 1
    return math.sqrt(num / (1 + math.pi / 3 - math.sqrt(3)))


@pytest.fixture(scope="module")
def pair() -> tuple[Vector, Vector]:
    rng = np.random.default_rng(12)
    x = rng.normal(size=40)
    y = x**2 + 0.5 * rng.normal(size=40)  # dependent, but nearly uncorrelated
    return x, y


def test_matches_a_hand_written_double_centring(pair: tuple[Vector, Vector]) -> None:
    x, y = pair
    expected = _reference_dcor(x.tolist(), y.tolist())
    assert 0.2 < expected < 0.9  # a value that a wrong normalisation would miss
    assert _dcor(x, y) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("factor", [1e-3, 0.1, 10.0, 100.0, 1e4])
def test_does_not_depend_on_units(pair: tuple[Vector, Vector], factor: float) -> None:
    x, y = pair
    base = _dcor(x, y)
    assert _dcor(x, y * factor) == pytest.approx(base, rel=1e-9)
    assert _dcor(x * factor + 3.0, y) == pytest.approx(base, rel=1e-9)
    assert _dcor(-x, y) == pytest.approx(base, rel=1e-9)


def test_an_affine_function_has_distance_correlation_one() -> None:
    x = np.random.default_rng(3).normal(size=200)
    assert _dcor(x, 2.0 * x + 1.0) == pytest.approx(1.0, abs=1e-12)
    assert _dcor(x, -0.01 * x + 7.0) == pytest.approx(1.0, abs=1e-12)


def test_constant_variable_is_independent_of_everything() -> None:
    x = np.random.default_rng(4).normal(size=50)
    assert _dcor(x, np.full(50, 2.5)) == 0.0


@pytest.mark.parametrize("rho", [0.3, 0.5, -0.9])
def test_agrees_with_the_bivariate_normal_closed_form(rho: float) -> None:
    rng = np.random.default_rng(int(abs(rho) * 10))
    n = 3000
    x = rng.normal(size=n)
    y = rho * x + math.sqrt(1 - rho**2) * rng.normal(size=n)
    # the tolerance covers the sampling error at n = 3000 (the wrong normalisation gave 0.5-0.9 here)
    assert _dcor(x, y, max_n=n) == pytest.approx(_gaussian_dcor(rho), abs=0.03)


def test_subsampling_uses_evenly_spaced_rows() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=1000)
    y = np.tanh(x) + 0.3 * rng.normal(size=1000)
    idx = np.linspace(0, 999, 120).astype(int)
    expected = _reference_dcor(x[idx].tolist(), y[idx].tolist())
    assert _dcor(x, y, max_n=120) == pytest.approx(expected, rel=1e-9)
