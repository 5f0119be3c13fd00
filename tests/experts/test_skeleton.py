"""PC through our skeleton search gives causal-learn's graphs and separating sets."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from causallearn.search.ConstraintBased.PC import pc

from causal_ensemble.data import from_frame
from causal_ensemble.data.datasets import load_dataset
from causal_ensemble.experts import make_expert
from causal_ensemble.experts._base import KnowledgeMasks
from causal_ensemble.experts._causallearn import _background_knowledge, from_causallearn
from causal_ensemble.experts._chisq import FAST_CHISQ
from causal_ensemble.experts._fisherz import FAST_FISHERZ
from causal_ensemble.experts._skeleton import pc_search


def _table(name: str, n: int, seed: int) -> Any:
    return np.asarray(from_frame(load_dataset(name, n=n, seed=seed).frame).values)


def _knowledge(d: int) -> Any:
    forbidden = np.zeros((d, d), dtype=bool)
    forbidden[0, 1] = forbidden[1, 0] = True  # the edge 0 - 1 is banned outright
    forbidden[2, 3] = True
    required = np.zeros((d, d), dtype=bool)
    required[4, 5] = True
    return _background_knowledge(KnowledgeMasks(forbidden, required))


@pytest.mark.parametrize("stable", [True, False])
@pytest.mark.parametrize("with_knowledge", [False, True])
@pytest.mark.parametrize(
    ("name", "test"), [("synth-linear-gaussian-er-d30", FAST_FISHERZ), ("bn-child", FAST_CHISQ)]
)
def test_pc_matches_causallearn(name: str, test: str, stable: bool, with_knowledge: bool) -> None:
    X = _table(name, 600, 1)
    if test == FAST_CHISQ:
        X = X.astype(np.int64)
    bk = _knowledge(X.shape[1]) if with_knowledge else None
    ours = pc_search(X, 0.05, test, stable, background_knowledge=bk)
    theirs = pc(X, 0.05, test, stable, background_knowledge=bk, show_progress=False)
    np.testing.assert_array_equal(ours.G.graph, theirs.G.graph)
    assert ours.sepset.tolist() == theirs.sepset.tolist()


def test_the_expert_gives_causallearns_graph() -> None:
    X = _table("synth-linear-gaussian-er-d20", 800, 2)
    expected = pc(X, 0.05, FAST_FISHERZ, True, show_progress=False).G.graph
    np.testing.assert_array_equal(make_expert("pc").fit(X).graph_.marks, from_causallearn(expected).marks)
