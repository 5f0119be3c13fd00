"""Is a continuous table consistent with one multivariate Gaussian?

Why it matters: when the joint distribution is Gaussian, every conditional is linear with Gaussian noise,
and the data identify a causal graph only up to its Markov equivalence class (the CPDAG). An expert that
returns a full DAG there (LiNGAM, NOTEARS, DAGMA, CAM) orients the edges the class leaves open by its own
conventions, not by evidence, and a panel of such experts agreeing on a direction is agreement on a guess.
Measured on the cached development panels (``python benchmarks/tune_pool.py compare``): on linear-Gaussian
tables the pool reversed up to 7 of the edges that GRaSP rightly left undirected, because the DAG experts
pulled them out of the undecided band and Meek propagation carried one wrong arrow further.

The check needs no graph: under a joint Gaussian every column is Gaussian and so is its residual on all
other columns. So each column and each such residual gets D'Agostino and Pearson's omnibus test of
skewness and kurtosis, and the table passes when none rejects at ``alpha`` after a Bonferroni correction
over the ``2 d`` tests. Absence of evidence, not proof: on a small table mild non-Gaussianity goes
unseen, and then the orientations beyond the equivalence class are not trusted either, which is the
honest reading of such a table. Linear non-Gaussian, nonlinear and real tables (Sachs) reject with
p-values below 1e-100 at n = 2000 and 7466; the linear-Gaussian ones gave corrected p-values of .19 to 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from causal_ensemble._errors import ParameterError

MIN_ROWS = 20  # the kurtosis part of the omnibus test needs n >= 20 to be valid


@dataclass(frozen=True)
class GaussianityCheck:
    """The outcome: ``p_value`` is the smallest per-test p-value times the number of tests (capped at 1);
    ``gaussian`` is ``p_value >= alpha``; ``reason`` says in a sentence what was found."""

    p_value: float
    alpha: float
    n_tests: int
    gaussian: bool
    reason: str


def check_gaussianity(
    X: npt.NDArray[np.float64],
    discrete: npt.NDArray[np.bool_],
    *,
    alpha: float = 0.05,
    names: Sequence[str] | None = None,
) -> GaussianityCheck:
    """Test whether the table ``X`` could come from a multivariate Gaussian (see the module docstring).

    A table with a discrete column, fewer than ``MIN_ROWS`` rows or no variation is reported as not
    Gaussian, since then the check has nothing to say and the experts' orientations are kept.
    """
    from scipy import stats

    if not 0.0 < alpha < 1.0:
        raise ParameterError("alpha", f"must be in (0, 1), got {alpha}")
    n, d = X.shape
    label = list(names) if names is not None else [f"column {j}" for j in range(d)]
    if np.any(discrete):
        return GaussianityCheck(0.0, alpha, 0, False, "the table has discrete columns")
    if n < MIN_ROWS or d == 0:
        return GaussianityCheck(0.0, alpha, 0, False, f"{n} rows are too few to test Gaussianity")
    sd = X.std(axis=0)
    if np.any(sd == 0):
        return GaussianityCheck(0.0, alpha, 0, False, "a column is constant")
    Z = (X - X.mean(axis=0)) / sd
    samples = [Z[:, j] for j in range(d)]
    if d > 1 and n > d + MIN_ROWS:
        # residuals on all other columns, from one least-squares solve per column
        for j in range(d):
            others = np.delete(Z, j, axis=1)
            beta, *_ = np.linalg.lstsq(others, Z[:, j], rcond=None)
            samples.append(Z[:, j] - others @ beta)
    p = np.array([stats.normaltest(s).pvalue for s in samples], dtype=np.float64)
    p = np.nan_to_num(p, nan=0.0)
    worst = int(np.argmin(p))
    corrected = float(min(p[worst] * len(p), 1.0))
    gaussian = corrected >= alpha
    what = repr(label[worst]) if worst < d else f"the residual of {label[worst - d]!r} on the others"
    reason = (
        f"no column or residual departs from a Gaussian (smallest corrected p = {corrected:.2g} over "
        f"{len(p)} tests)"
        if gaussian
        else f"{what} departs from a Gaussian (corrected p = {corrected:.2g})"
    )
    return GaussianityCheck(corrected, alpha, len(p), gaussian, reason)
