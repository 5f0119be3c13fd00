"""Drawing the resamples (row indices) that every expert of a panel is fitted on.

Every expert sees the *same* resamples: common random numbers make the experts' fits comparable and
their out-of-bag scores paired. The resamples derive from the run seed alone, so they do not depend on
the panel, on ``n_jobs`` or on scheduling.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

import numpy as np
import numpy.typing as npt

from causal_ensemble._errors import InputError

SUBSAMPLE_FRACTION = 0.632


class ResamplingScheme(StrEnum):
    """How rows are drawn; the value is what graph.json records under ``settings.resampling``."""

    SUBSAMPLE = "subsample"
    BOOTSTRAP = "bootstrap"


DEFAULT_SCHEME = ResamplingScheme.SUBSAMPLE
# What callers may pass: the enum, or its value as graph.json and older code spell it.
SchemeLike = ResamplingScheme | Literal["subsample", "bootstrap"]


def resampling_scheme(discrete: npt.ArrayLike | None) -> ResamplingScheme:
    """The default scheme for a table: subsampling without replacement, whatever the column kinds.

    ``discrete`` is kept so callers need not change when the choice depends on the columns again.
    Duplicated rows make every test and score see more evidence than the data hold: χ² tests and BDeu on
    discrete columns, and Fisher-z and BIC on continuous ones (see :func:`resample_indices`).
    """
    del discrete
    return DEFAULT_SCHEME


def _as_scheme(scheme: SchemeLike) -> ResamplingScheme:
    try:
        return ResamplingScheme(scheme)
    except ValueError:
        allowed = ", ".join(repr(s.value) for s in ResamplingScheme)
        raise InputError(f"resampling scheme must be one of {allowed}, got {scheme!r}") from None


def resample_indices(
    n_rows: int, n_bootstrap: int, seed: int, *, scheme: SchemeLike = DEFAULT_SCHEME
) -> list[npt.NDArray[np.int64]]:
    """Row indices of each resample, shared by all experts.

    ``"subsample"`` (the default) draws ⌊0.632·n⌉ distinct rows: the expected number of distinct rows in
    a bootstrap sample, so the out-of-bag share stays that of the bootstrap while no row is counted
    twice. ``"bootstrap"`` draws n rows with replacement, for users who want the classical bootstrap.
    Duplicated rows inflate the evidence every test and score sees: on bnlearn child (discrete, n =
    2000) PC finds 47–49 edges on bootstrap resamples against 24 on the full data and 22–25 on
    subsamples, with 25 true edges; on independent Gaussian columns (n = 1000) a Fisher-z test at
    α = 0.05 rejects about 16 % of the time on a bootstrap resample and at the nominal 5 % on a
    subsample (tests/experts/test_resampling.py).
    """
    kind = _as_scheme(scheme)
    if n_bootstrap < 0:
        raise InputError(f"--bootstrap must be >= 0, got {n_bootstrap}")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xB007]))
    if kind is ResamplingScheme.BOOTSTRAP:
        return [rng.integers(0, n_rows, size=n_rows) for _ in range(n_bootstrap)]
    m = max(2, round(SUBSAMPLE_FRACTION * n_rows))
    return [np.sort(rng.choice(n_rows, size=m, replace=False)).astype(np.int64) for _ in range(n_bootstrap)]
