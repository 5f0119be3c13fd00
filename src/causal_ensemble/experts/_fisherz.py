"""A faster drop-in for causal-learn's Fisher-z CI test.

Profiling PC on d = 50, n = 2000 showed half of its time in ``scipy.stats.norm.cdf`` called on one
scalar per test (scipy's generic distribution machinery costs ~180 µs per call) and most of the rest in
``np.ix_`` and a matrix inverse even for the empty and one-variable conditioning sets that make up the
bulk of PC's and FCI's tests. This class keeps causal-learn's contract (same correlation matrix, same
p-value cache and cache keys, same error on a singular matrix) and computes the same statistic:

* the partial correlation in closed form for conditioning sets of size 0 and 1, by inversion beyond;
* the p-value with ``scipy.special.ndtr``, the function ``norm.cdf`` evaluates, so p-values agree
  with causal-learn's to rounding.

It is registered with causal-learn under :data:`FAST_FISHERZ`, and PC and FCI use it whenever they
would have used ``"fisherz"``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from causallearn.utils.cit import FisherZ, register_ci_test
from scipy.special import ndtr

FAST_FISHERZ = "cea_fisherz"

# a conditioning pair this close to collinear goes through the inverse, which raises as causal-learn does
_MIN_DENOMINATOR = 1e-12


class FastFisherZ(FisherZ):  # type: ignore[misc]  # causal-learn is untyped
    """Fisher-z test of X ⫫ Y | Z on the sample correlation matrix, computed once per fit."""

    def __call__(self, X: Any, Y: Any, condition_set: Any = None) -> float:
        xs, ys, cond, cache_key = self.get_formatted_XYZ_and_cachekey(X, Y, condition_set)
        cached = self.pvalue_cache.get(cache_key)
        if cached is not None:
            return float(cached)
        corr = self.correlation_matrix
        x, y = xs[0], ys[0]
        r: float | None = None
        if len(cond) == 0:
            r = float(corr[x, y])
        elif len(cond) == 1:
            z = cond[0]
            den = (1.0 - corr[x, z] ** 2) * (1.0 - corr[y, z] ** 2)
            if den > _MIN_DENOMINATOR:
                r = float((corr[x, y] - corr[x, z] * corr[y, z]) / math.sqrt(den))
        if r is None:
            var = [*xs, *ys, *cond]
            try:
                inv = np.linalg.inv(corr[np.ix_(var, var)])
            except np.linalg.LinAlgError:
                raise ValueError(
                    "Data correlation matrix is singular. Cannot run fisherz test. Please check your data."
                ) from None
            r = float(-inv[0, 1] / math.sqrt(abs(inv[0, 0] * inv[1, 1])))
        if abs(r) >= 1.0:  # a deterministic relation or a tiny sample
            r = (1.0 - np.finfo(float).eps) * math.copysign(1.0, r)
        z_stat = 0.5 * math.log((1.0 + r) / (1.0 - r))
        stat = math.sqrt(self.sample_size - len(cond) - 3) * abs(z_stat)
        p = float(2.0 * (1.0 - ndtr(stat)))
        self.pvalue_cache[cache_key] = p
        return p


register_ci_test(FAST_FISHERZ, FastFisherZ)
