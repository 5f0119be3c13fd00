"""How many copies of itself an expert has in the panel: the divisor that keeps repeated opinions from
counting twice.

PC and FCI run the same conditional-independence tests, GES, GRaSP and BOSS optimise the same score, and
NOTEARS and DAGMA the same least-squares loss; a pool that counts each of them fully lets a family
outvote a better expert by sheer number (and a user who lists an expert twice would double its say). Two
experts are copies when their *errors* agree, not their answers: two experts that both find the truth
agree everywhere and are not redundant in any way that matters. Each rule supplies residuals against its
own best reference (a latent truth, a simulated truth, or the panel's consensus). Correlated errors are
hard to see when the correlated experts are the majority (they then *define* the reference), so the
experts' declared algorithmic families count as copies too.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

FloatVector = npt.NDArray[np.float64]

SHRINK = 0.05
"""Residual variance, as a share of the largest expert's, added before correlating: an expert that makes
almost no errors correlates with nobody instead of with everyone through noise."""


def multiplicity(residuals: npt.NDArray[np.float64], alive: npt.NDArray[np.bool_]) -> FloatVector:
    """Per expert, ``1 + Σ_{f ≠ e} max(0, ρ_ef)²`` over the other live experts, with ``ρ`` the (shrunk)
    correlation of the two experts' residual vectors (rows of ``residuals``).

    An exact copy has ρ = 1 and so two copies count 2 each: dividing their weights by 2 gives the pair the
    say one of them would have alone. Squaring leaves experts whose errors are only mildly correlated (as
    any two experts' are on the hard pairs) close to a full say.
    """
    k = residuals.shape[0]
    out = np.ones(k)
    if residuals.shape[1] == 0 or alive.sum() < 2:
        return out
    R = residuals - residuals.mean(axis=1, keepdims=True)
    var = np.einsum("ij,ij->i", R, R) / R.shape[1]
    tau = SHRINK * float(var[alive].max()) + 1e-12
    cov = R @ R.T / R.shape[1]
    rho = cov / np.sqrt(np.outer(var + tau, var + tau))
    for e in np.flatnonzero(alive):
        others = [f for f in np.flatnonzero(alive) if f != e]
        out[e] = 1.0 + float(np.sum(np.clip(rho[e, others], 0.0, None) ** 2))
    return out


def family_copies(families: Sequence[str], alive: npt.NDArray[np.bool_]) -> FloatVector:
    """Per expert, how many live experts share its algorithmic family (constraint-based, score-based,
    continuous optimisation, ...): experts of one family run the same tests or optimise the same score, so
    their errors agree for reasons the data cannot show on one table."""
    live = [f for f, a in zip(families, alive, strict=True) if a]
    return np.array(
        [float(max(live.count(f), 1)) if a else 1.0 for f, a in zip(families, alive, strict=True)]
    )


def copies(
    families: Sequence[str], residuals: npt.NDArray[np.float64] | None, alive: npt.NDArray[np.bool_]
) -> FloatVector:
    """The divisor of each expert's weight: its family's size, or its measured multiplicity when that is
    larger (a user's duplicate of an expert of a one-member family)."""
    fam = family_copies(families, alive)
    if residuals is None:
        return fam
    return np.maximum(fam, multiplicity(residuals, alive))
