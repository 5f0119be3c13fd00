from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from causal_ensemble import ParameterError
from causal_ensemble.beliefs import (
    FULL_SHARE,
    OrientationScope,
    equivalence_class,
    panel_beliefs,
    parse_orientation_scope,
)
from causal_ensemble.beliefs._scope import linear_model_check
from causal_ensemble.experts import EndpointGraph, Mark
from causal_ensemble.experts._execution import BootstrapResult, FitRecord, FitStatus
from causal_ensemble.experts._registry import make_expert


def _dag(d: int, edges: list[tuple[int, int]]) -> EndpointGraph:
    a = np.zeros((d, d), dtype=int)
    for i, j in edges:
        a[i, j] = 1
    return EndpointGraph.from_dag(a)


def test_a_chain_dag_becomes_undirected_and_a_collider_stays() -> None:
    chain = equivalence_class(_dag(3, [(0, 1), (1, 2)]))
    assert chain.adjacency().sum() == 4
    assert not chain.directed().any()
    collider = equivalence_class(_dag(3, [(0, 2), (1, 2)]))
    assert collider.directed()[0, 2] and collider.directed()[1, 2]
    # a compelled edge below a collider stays directed too (Meek's first rule)
    longer = equivalence_class(_dag(4, [(0, 2), (1, 2), (2, 3)]))
    assert longer.directed()[2, 3]


def test_graphs_that_are_not_dags_are_left_alone() -> None:
    m = np.zeros((3, 3), dtype=np.int8)
    m[0, 1], m[1, 0] = Mark.CIRCLE, Mark.ARROW  # a PAG edge 1 o-> 0 ... kept as it is
    pag = EndpointGraph(m)
    assert equivalence_class(pag) is pag
    cyclic = _dag(3, [(0, 1), (1, 2)]).with_edge(2, 0, Mark.TAIL, Mark.ARROW)
    assert equivalence_class(cyclic) is cyclic
    empty = EndpointGraph.empty(3)
    assert equivalence_class(empty) is empty


def _run(graph: EndpointGraph) -> BootstrapResult:
    rec = FitRecord("directlingam", -1, FitStatus.OK, 0.0, graph)
    return BootstrapResult(make_expert("directlingam"), rec, (rec,))


def _table(noise: str) -> npt.NDArray[np.float64]:
    rng = np.random.default_rng(0)
    n = 2000

    def e() -> npt.NDArray[np.float64]:
        return rng.standard_normal(n) if noise == "gaussian" else rng.uniform(-1, 1, n)

    x0 = e()
    x1 = x0 + e()
    return np.column_stack([x0, x1, x1 + e()])


def test_auto_reads_dags_as_equivalence_classes_only_on_gaussian_tables() -> None:
    run = _run(_dag(3, [(0, 1), (1, 2)]))
    cont = np.zeros(3, dtype=bool)
    gauss = panel_beliefs([run], _table("gaussian"), cont)
    assert gauss.scope is OrientationScope.CPDAG
    b = gauss.beliefs[0]
    assert b is not None and b.orientation[0, 1] == 0.5 and b.adjacency[0, 1] == 1.0
    assert any("--orientations dag" in n for n in gauss.notes())
    uniform = panel_beliefs([run], _table("uniform"), cont)
    assert uniform.scope is OrientationScope.DAG and uniform.notes() == () and not uniform.misfit
    assert uniform.beliefs[0] is not None and uniform.beliefs[0].orientation[0, 1] == 1.0


def test_a_chosen_scope_is_used_without_testing() -> None:
    run = _run(_dag(3, [(0, 1), (1, 2)]))
    cont = np.zeros(3, dtype=bool)
    kept = panel_beliefs([run], _table("gaussian"), cont, "dag")
    assert kept.check is None and kept.beliefs[0] is not None and kept.beliefs[0].orientation[0, 1] == 1.0
    reduced = panel_beliefs([run], _table("uniform"), cont, OrientationScope.CPDAG)
    assert reduced.beliefs[0] is not None and reduced.beliefs[0].orientation[0, 1] == 0.5
    assert reduced.notes() == ()  # chosen by the user: nothing to explain


def test_an_expert_without_graphs_has_no_beliefs() -> None:
    failed = BootstrapResult(make_expert("pc"), FitRecord("pc", -1, FitStatus.FAILED, 0.0, None, "boom"))
    assert panel_beliefs([failed], _table("gaussian"), np.zeros(3, dtype=bool)).beliefs == [None]


def test_unknown_scope_names_the_parameter() -> None:
    with pytest.raises(ParameterError, match="orientations"):
        parse_orientation_scope("sideways")


def _nonlinear(heteroscedastic: bool) -> npt.NDArray[np.float64]:
    rng = np.random.default_rng(1)
    n = 2000
    x0 = rng.uniform(-2, 2, n)
    if heteroscedastic:
        x1 = 0.8 * x0 + (0.2 + np.abs(x0)) * rng.uniform(-1, 1, n)
    else:
        x1 = np.tanh(2 * x0) + 0.3 * rng.uniform(-1, 1, n)
    return np.column_stack([x0, x1, x1 + 0.5 * rng.uniform(-1, 1, n)])


def test_the_linear_model_check_sees_curves_and_changing_spread() -> None:
    chain = _dag(3, [(0, 1), (1, 2)])
    assert linear_model_check(chain, _table("uniform"))[0] > 0.05
    p, node = linear_model_check(chain, _nonlinear(heteroscedastic=False))
    assert p < 1e-6 and node == 1
    assert linear_model_check(chain, _nonlinear(heteroscedastic=True))[0] < 1e-6
    assert linear_model_check(EndpointGraph.empty(3), _table("uniform")) == (1.0, -1)


def test_auto_reads_a_linear_expert_as_a_cpdag_where_its_model_fails_on_its_graph() -> None:
    run = _run(_dag(3, [(0, 1), (1, 2)]))
    read = panel_beliefs([run], _nonlinear(heteroscedastic=False), np.zeros(3, dtype=bool), names="abc")
    assert read.scope is OrientationScope.DAG  # not Gaussian, but directlingam's model fails
    assert set(read.misfit) == {"directlingam"} and "'b'" in read.misfit["directlingam"]
    b = read.beliefs[0]
    assert b is not None and b.orientation[0, 1] == 0.5
    assert any("linear model does not fit" in n for n in read.notes())
    # a chosen 'dag' checks nothing
    kept = panel_beliefs([run], _nonlinear(heteroscedastic=False), np.zeros(3, dtype=bool), "dag")
    assert not kept.misfit and kept.beliefs[0] is not None and kept.beliefs[0].orientation[0, 1] == 1.0


def _resampled(full: EndpointGraph, resamples: list[EndpointGraph]) -> BootstrapResult:
    recs = tuple(FitRecord("pc", b, FitStatus.OK, 0.0, g) for b, g in enumerate(resamples))
    return BootstrapResult(make_expert("pc"), FitRecord("pc", -1, FitStatus.OK, 0.0, full), recs)


@pytest.mark.parametrize("B", [2, 4, 20])
def test_the_full_data_fit_is_a_third_of_the_beliefs_whatever_the_number_of_resamples(B: int) -> None:
    """An edge of the full fit that no resample found keeps FULL_SHARE of the belief; one every
    resample found but the full fit missed gets the rest, at every B."""
    full = _dag(3, [(0, 1)])
    rest = _dag(3, [(1, 2)])
    b = panel_beliefs([_resampled(full, [rest] * B)], _table("uniform"), np.zeros(3, dtype=bool), "dag")
    beliefs = b.beliefs[0]
    assert beliefs is not None
    assert beliefs.adjacency[0, 1] == pytest.approx(FULL_SHARE)
    assert beliefs.adjacency[1, 2] == pytest.approx(1.0 - FULL_SHARE)
    assert beliefs.orientation[0, 1] == 1.0 and beliefs.orientation[1, 2] == 1.0
    # the resampling ablation: the resamples alone
    alone = panel_beliefs(
        [_resampled(full, [rest] * B)], _table("uniform"), np.zeros(3, dtype=bool), "dag", include_full=False
    ).beliefs[0]
    assert alone is not None and alone.adjacency[0, 1] == 0.0 and alone.adjacency[1, 2] == 1.0


def test_an_expert_with_only_a_full_fit_believes_it_entirely() -> None:
    only = _resampled(_dag(3, [(0, 1)]), [])
    b = panel_beliefs([only], _table("uniform"), np.zeros(3, dtype=bool), "dag").beliefs[0]
    assert b is not None and b.adjacency[0, 1] == 1.0


def test_undirected_marks_abstain_only_where_the_table_can_orient_them() -> None:
    """A PC-like CPDAG on a non-Gaussian continuous table abstains on directions; on a Gaussian table
    (equivalence class only) and on a discrete one an undirected mark stays a vote for 1/2."""
    m = np.zeros((3, 3), dtype=np.int8)
    m[0, 1] = m[1, 0] = Mark.TAIL
    cpdag = _resampled(EndpointGraph(m), [EndpointGraph(m)] * 3)
    cont = np.zeros(3, dtype=bool)
    uniform = panel_beliefs([cpdag], _table("uniform"), cont).beliefs[0]
    assert uniform is not None and uniform.decided is not None and uniform.decided[0, 1] == 0.0
    gauss = panel_beliefs([cpdag], _table("gaussian"), cont).beliefs[0]
    assert gauss is not None and gauss.decided is None
    codes = np.random.default_rng(0).integers(0, 3, size=(500, 3)).astype(np.float64)
    discrete = panel_beliefs([cpdag], codes, np.ones(3, dtype=bool)).beliefs[0]
    assert discrete is not None and discrete.decided is None
