"""The fast Fisher-z test agrees with causal-learn's, and PC/FCI give the same graphs with it."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from causallearn.search.ConstraintBased.FCI import fci
from causallearn.search.ConstraintBased.PC import pc
from causallearn.utils.cit import FisherZ

from causal_ensemble.experts import make_expert
from causal_ensemble.experts._causallearn import from_causallearn
from causal_ensemble.experts._fisherz import FAST_FISHERZ, FastFisherZ


def _chain_data(n: int = 400, d: int = 8, seed: int = 0) -> npt.NDArray[Any]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    for j in range(1, d):
        x[:, j] += 0.6 * x[:, j - 1]
    x[:, d - 1] += 0.5 * x[:, 0]
    return x


def test_p_values_match_causallearn_for_every_conditioning_size() -> None:
    x = _chain_data()
    ours, theirs = FastFisherZ(x), FisherZ(x)
    rng = np.random.default_rng(1)
    checked = 0
    for size in range(0, 5):
        for _ in range(25):
            a, b, *cond = (int(v) for v in rng.choice(x.shape[1], size=2 + size, replace=False))
            assert ours(a, b, cond) == pytest.approx(theirs(a, b, cond), rel=1e-9, abs=1e-12)
            checked += 1
    assert checked == 125
    assert ours.pvalue_cache  # answers are cached under causal-learn's keys


def test_collinear_conditioning_set_behaves_like_causallearn() -> None:
    x = _chain_data()
    x[:, 3] = x[:, 2]  # an exact copy: {2, 3} is singular, and 2 given 3 has no partial correlation
    x[:, 5] = 0.0
    x[:5, 5] = 1.0
    x[:, 6] = x[:, 5]
    for a, b, cond in ((0, 1, [2, 3]), (0, 2, [3]), (0, 1, [5, 6]), (0, 5, [6])):
        try:
            expected: float | None = FisherZ(x)(a, b, cond)
        except ValueError:
            expected = None
        if expected is None:
            with pytest.raises(ValueError, match="singular"):
                FastFisherZ(x)(a, b, cond)
        else:
            assert FastFisherZ(x)(a, b, cond) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pc_and_fci_graphs_are_unchanged(seed: int) -> None:
    x = _chain_data(seed=seed)

    def run_pc(test: str) -> Any:
        return pc(x, 0.05, test, show_progress=False).G.graph

    def run_fci(test: str) -> Any:
        return fci(x, test, 0.05, show_progress=False, verbose=False)[0].graph

    for name, run in (("pc", run_pc), ("fci", run_fci)):
        expected = from_causallearn(run("fisherz")).marks
        assert (from_causallearn(run(FAST_FISHERZ)).marks == expected).all(), name
        assert (make_expert(name).fit(x).graph_.marks == expected).all(), name
