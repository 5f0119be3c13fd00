"""One contract test for every expert: the scikit-learn conventions and the ensemble's expectations."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from sklearn.base import clone as sklearn_clone

from causal_ensemble import ExpertError, InputError, UnsupportedDataError
from causal_ensemble.experts import (
    DEFAULT_PANELS,
    EXPERTS,
    DataKind,
    EndpointGraph,
    Expert,
    Family,
    KnowledgeMasks,
    Mark,
    describe_experts,
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


_FITTED = ("graph_", "seconds_", "n_features_in_")


def _learned(expert: Expert) -> list[str]:
    return [a for a in vars(expert) if a.endswith("_") and not a.startswith("__")]


@pytest.mark.parametrize("name", ALL)
def test_init_only_stores_parameters(name: str) -> None:
    cls = EXPERTS[name]
    expert = cls()
    params = expert.get_params()
    sig = inspect.signature(cls.__init__)
    assert list(params) == [p for p in sig.parameters if p != "self"]
    assert all(p.default is not p.empty for p in sig.parameters.values() if p.name != "self")
    assert "random_state" in params
    assert vars(expert) == params, "__init__ stores its arguments as they are, and nothing else"
    assert _learned(expert) == [], "no learned state before fit"
    for attr in _FITTED:
        assert not hasattr(expert, attr)


@pytest.mark.parametrize("name", ALL)
def test_parameters_follow_scikit_learn(name: str) -> None:
    expert = make_expert(name, random_state=5)
    params = expert.get_params(deep=True)
    assert expert.get_params(deep=False) == params  # no parameter is itself an estimator
    assert expert.get_params() == params
    assert expert.set_params() is expert
    assert expert.set_params(random_state=11) is expert and expert.random_state == 11
    assert expert.get_params() == {**params, "random_state": 11}
    with pytest.raises(InputError, match="no parameter 'not_a_parameter'"):
        expert.set_params(not_a_parameter=1)
    with pytest.raises(ValueError):  # what sklearn's search tools catch
        expert.set_params(not_a_parameter=1)
    with pytest.raises(InputError, match="not an estimator"):
        expert.set_params(random_state__seed=1)
    assert expert.get_params() == {**params, "random_state": 11}, "a refused call changes nothing"
    assert repr(expert).startswith(f"{type(expert).__name__}(") and "random_state=11" in repr(expert)


@pytest.mark.parametrize("name", ALL)
def test_sklearn_clone_gives_an_unfitted_copy_with_equal_parameters(
    name: str, small_continuous: pd.DataFrame, small_discrete: pd.DataFrame
) -> None:
    expert = make_expert(name, random_state=4)
    kind = DataKind.CONTINUOUS if DataKind.CONTINUOUS in expert.supports else DataKind.DISCRETE
    X, disc = _data(kind, small_continuous, small_discrete)
    expert.fit(X, discrete=disc)
    for copy in (sklearn_clone(expert), expert.clone()):
        assert type(copy) is type(expert) and copy is not expert
        assert copy.get_params() == expert.get_params()
        assert _learned(copy) == []
    assert expert.clone(random_state=7).get_params() == {**expert.get_params(), "random_state": 7}
    with pytest.raises(InputError, match="no parameter"):
        expert.clone(not_a_parameter=1)
    # a clone refits to the same graph as the original
    np.testing.assert_array_equal(
        sklearn_clone(expert).fit(X, discrete=disc).graph_.marks, expert.graph_.marks
    )


@pytest.mark.parametrize("name", ALL)
def test_fit_returns_self_and_a_graph_on_every_supported_kind(
    name: str, small_continuous: pd.DataFrame, small_discrete: pd.DataFrame
) -> None:
    valid_marks = {int(m) for m in Mark}
    for kind in DataKind:
        X, disc = _data(kind, small_continuous, small_discrete)
        expert = make_expert(name, random_state=0)
        if kind not in expert.supports:
            with pytest.raises(UnsupportedDataError, match=name):
                expert.fit(X, discrete=disc)
            assert _learned(expert) == [], "a refused fit leaves no learned state"
            continue
        before = X.copy()
        params = expert.get_params()
        assert expert.fit(X, discrete=disc) is expert
        d = X.shape[1]
        assert isinstance(expert.graph_, EndpointGraph)
        assert expert.graph_.marks.shape == (d, d)
        assert expert.graph_.marks.dtype == np.int8
        assert set(np.unique(expert.graph_.marks).tolist()) <= valid_marks
        assert expert.graph_.adjacency().any(), (
            f"{name} found no edge on {kind.value} data with clear effects"
        )
        assert 0 < expert.seconds_ < 120
        assert expert.n_features_in_ == d
        assert sorted(_learned(expert)) == sorted(_FITTED)
        assert expert.get_params() == params, "fit does not change parameters"
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
    for key, cls in EXPERTS.items():
        assert issubclass(cls, Expert)
        assert cls.name == key == key.lower()
        assert isinstance(cls.family, Family)
        assert cls.assumptions and all(isinstance(a, str) and a.strip() == a and a for a in cls.assumptions)
        assert len(set(cls.assumptions)) == len(cls.assumptions)
        assert cls.supports and cls.supports <= set(DataKind)
        assert isinstance(cls.native_knowledge, bool)


def test_describe_experts_reads_each_experts_own_declarations() -> None:
    infos = describe_experts()
    assert [i.name for i in infos] == ALL
    for info in infos:
        cls = EXPERTS[info.name]
        expert = cls()
        accepted = []
        for kind in DataKind:
            try:
                expert.check_supported(kind)
            except UnsupportedDataError:
                continue
            accepted.append(kind)
        assert list(info.data_kinds) == accepted
        assert info.family is cls.family and info.assumptions == cls.assumptions
        assert info.native_knowledge is cls.native_knowledge
        assert list(info.default_panels) == [k for k in DataKind if info.name in DEFAULT_PANELS[k]]
        assert set(info.default_panels) <= set(info.data_kinds), "a default panel only holds valid experts"
    with pytest.raises(dataclasses.FrozenInstanceError):
        infos[0].name = "changed"  # type: ignore[misc]
    assert {"pc", "directlingam"} <= {i.name for i in infos if DataKind.CONTINUOUS in i.data_kinds}
    assert "directlingam" not in {i.name for i in infos if DataKind.DISCRETE in i.data_kinds}


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
