"""One contract test for every expert: the scikit-learn conventions and the ensemble's expectations."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

from causal_ensemble import ExpertError, InputError, UnsupportedDataError
from causal_ensemble.experts import (
    EXPERTS,
    DataKind,
    EndpointGraph,
    Expert,
    KnowledgeMasks,
    Mark,
    make_expert,
)

ALL = sorted(EXPERTS)


def _data(
    kind: DataKind, small_continuous: pd.DataFrame, small_discrete: pd.DataFrame
) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    if kind is DataKind.DISCRETE:
        X = small_discrete.to_numpy(dtype=float)
        return X, np.ones(X.shape[1], dtype=bool)
    X = small_continuous.to_numpy(dtype=float)
    disc = np.zeros(X.shape[1], dtype=bool)
    if kind is DataKind.MIXED:
        X = X.copy()
        X[:, 0] = (X[:, 0] > 0).astype(float)
        disc[0] = True
    return X, disc


@pytest.mark.parametrize("name", ALL)
def test_init_only_stores_parameters(name: str) -> None:
    cls = EXPERTS[name]
    expert = cls()
    params = expert.get_params()
    sig = inspect.signature(cls.__init__)
    assert set(params) == {p for p in sig.parameters if p != "self"}
    assert "random_state" in params
    assert not [a for a in vars(expert) if a.endswith("_")], "no learned state before fit"
    assert expert.clone().get_params() == params
    assert expert.clone(random_state=7).random_state == 7
    with pytest.raises(InputError, match="no parameter"):
        expert.set_params(not_a_parameter=1)


@pytest.mark.parametrize("name", ALL)
def test_fit_returns_self_and_a_graph_on_every_supported_kind(
    name: str, small_continuous: pd.DataFrame, small_discrete: pd.DataFrame
) -> None:
    for kind in DataKind:
        X, disc = _data(kind, small_continuous, small_discrete)
        expert = make_expert(name, random_state=0)
        if kind not in expert.supports:
            with pytest.raises(UnsupportedDataError, match=name):
                expert.fit(X, discrete=disc)
            continue
        before = X.copy()
        assert expert.fit(X, discrete=disc) is expert
        assert isinstance(expert.graph_, EndpointGraph)
        assert expert.graph_.n_nodes == X.shape[1]
        assert expert.seconds_ >= 0
        np.testing.assert_array_equal(X, before)


@pytest.mark.parametrize("name", ALL)
def test_same_random_state_same_graph(
    name: str, small_continuous: pd.DataFrame, small_discrete: pd.DataFrame
) -> None:
    expert = make_expert(name, random_state=3)
    kind = DataKind.CONTINUOUS if DataKind.CONTINUOUS in expert.supports else DataKind.DISCRETE
    X, disc = _data(kind, small_continuous, small_discrete)
    g1 = expert.clone().fit(X, discrete=disc).graph_.marks
    g2 = expert.clone().fit(X, discrete=disc).graph_.marks
    np.testing.assert_array_equal(g1, g2)


@pytest.mark.parametrize("name", ALL)
def test_background_knowledge_is_respected(
    name: str, small_continuous: pd.DataFrame, small_discrete: pd.DataFrame
) -> None:
    expert = make_expert(name, random_state=0)
    kind = DataKind.CONTINUOUS if DataKind.CONTINUOUS in expert.supports else DataKind.DISCRETE
    X, disc = _data(kind, small_continuous, small_discrete)
    d = X.shape[1]
    forbidden = np.zeros((d, d), dtype=bool)
    required = np.zeros((d, d), dtype=bool)
    forbidden[1, 0] = True  # B -> A forbidden
    forbidden[0, 2] = forbidden[2, 0] = True  # A and C never adjacent
    required[0, 3] = True  # A -> D required
    g = expert.fit(X, discrete=disc, knowledge=KnowledgeMasks(forbidden, required)).graph_
    assert not g.directed()[1, 0]
    if g.adjacency()[0, 1]:
        assert g.directed()[0, 1], "the only allowed direction of A-B is A -> B"
    assert not g.adjacency()[0, 2]
    assert g.directed()[0, 3]


@pytest.mark.parametrize("name", ALL)
def test_bad_input_is_refused_with_a_clear_error(name: str) -> None:
    expert = make_expert(name)
    with pytest.raises(InputError, match="2-D"):
        expert.fit(np.zeros(10))
    with pytest.raises(InputError, match="NaN"):
        expert.fit(np.array([[1.0, np.nan]] * 5))
    with pytest.raises(InputError, match="discrete"):
        expert.fit(np.random.default_rng(0).normal(size=(20, 3)), discrete=[True])


def test_every_expert_declares_family_and_assumptions() -> None:
    for cls in EXPERTS.values():
        assert issubclass(cls, Expert)
        assert cls.assumptions and all(isinstance(a, str) and a for a in cls.assumptions)
        assert cls.supports


def test_a_failing_algorithm_becomes_an_expert_error() -> None:
    pc = make_expert("pc", alpha=0.05)

    class Broken(type(pc)):  # type: ignore[misc]
        def _fit(self, *args: object) -> EndpointGraph:
            raise ZeroDivisionError("boom")

    with pytest.raises(ExpertError, match="boom"):
        Broken().fit(np.random.default_rng(0).normal(size=(50, 3)))


def test_endpoint_marks_keep_undirected_distinct_from_both_directions() -> None:
    m = np.zeros((3, 3), dtype=np.int8)
    m[0, 1] = m[1, 0] = Mark.TAIL  # 0 - 1 undirected
    m[1, 2] = m[2, 1] = Mark.ARROW  # 1 <-> 2 bidirected
    g = EndpointGraph(m)
    assert g.undirected()[0, 1] and not g.directed()[0, 1] and not g.directed()[1, 0]
    assert g.bidirected()[1, 2] and not g.directed()[1, 2]
    with pytest.raises(InputError):
        EndpointGraph(np.array([[0, 2], [0, 0]], dtype=np.int8))
