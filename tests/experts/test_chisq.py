"""The fast chi-square / G-square tests give causal-learn's p-values, and PC/FCI the same graphs."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from causallearn.search.ConstraintBased.FCI import fci
from causallearn.search.ConstraintBased.PC import pc
from causallearn.utils.cit import Chisq_or_Gsq

from causal_ensemble.data import from_frame
from causal_ensemble.data.datasets import load_dataset
from causal_ensemble.experts import make_expert
from causal_ensemble.experts._causallearn import from_causallearn
from causal_ensemble.experts._chisq import FastChisq, FastGsq


def _child(n: int = 400, d: int = 12) -> npt.NDArray[Any]:
    return np.asarray(from_frame(load_dataset("bn-child", n=n, seed=0).frame).values[:, :d]).astype(np.int64)


@pytest.mark.parametrize(("method", "fast"), [("chisq", FastChisq), ("gsq", FastGsq)])
def test_p_values_equal_causallearn_for_every_conditioning_size(method: str, fast: type[Any]) -> None:
    x = _child()
    ours, theirs = fast(x), Chisq_or_Gsq(x, method_name=method)
    rng = np.random.default_rng(2)
    for size in range(0, 5):
        for _ in range(20):
            a, b, *cond = (int(v) for v in rng.choice(x.shape[1], size=2 + size, replace=False))
            assert ours(a, b, cond) == theirs(a, b, cond), (a, b, cond)
    assert ours.pvalue_cache.keys() == theirs.pvalue_cache.keys()


def test_many_configurations_take_causallearns_unique_path() -> None:
    """Conditioning sets whose joint cardinality passes 1e5 are re-indexed by np.unique, as there."""
    rng = np.random.default_rng(4)
    x = rng.integers(0, 12, size=(300, 7))
    x[:, 1] = (x[:, 0] + rng.integers(0, 2, size=300)) % 12
    ours, theirs = FastChisq(x), Chisq_or_Gsq(x, method_name="chisq")
    for a, b, cond in ((0, 1, [2, 3, 4, 5]), (2, 3, [0, 1, 4, 5, 6]), (0, 6, [1])):
        assert ours(a, b, cond) == theirs(a, b, cond)


@pytest.mark.parametrize("test", ["chisq", "gsq"])
def test_pc_and_fci_graphs_match_causallearn(test: str) -> None:
    x = _child(n=600, d=14)
    flags = np.ones(x.shape[1], dtype=bool)
    expected = pc(x, alpha=0.05, indep_test=test, stable=True, show_progress=False).G.graph
    got = make_expert("pc", ci_test=test).fit(x, discrete=flags).graph_
    np.testing.assert_array_equal(got.marks, from_causallearn(expected).marks)
    g, _ = fci(x, independence_test_method=test, alpha=0.05, show_progress=False, verbose=False)
    got = make_expert("fci", ci_test=test).fit(x, discrete=flags).graph_
    np.testing.assert_array_equal(got.marks, from_causallearn(g.graph).marks)
