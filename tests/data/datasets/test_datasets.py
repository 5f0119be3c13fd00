"""Benchmark datasets: names, shapes, true graphs, reproducibility, standardisation, export."""

from __future__ import annotations

import gzip
import json
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

from causal_ensemble._errors import InputError, UnknownNameError
from causal_ensemble.data.datasets import (
    BenchmarkData,
    DatasetInfo,
    _bnlearn,
    _sachs,
    export_dataset,
    list_datasets,
    load_dataset,
    simulate_dag,
    simulate_sem,
    varsortability,
)

# (rows, columns, true edges); edge counts are those of the bnlearn .bif files (checked against pgmpy below).
EXPECTED = {
    "sachs": (7466, 11, 17),
    "bn-asia": (5000, 8, 8),
    "bn-sachs": (5000, 11, 17),
    "bn-child": (5000, 20, 25),
    "bn-insurance": (5000, 27, 52),
    "bn-alarm": (5000, 37, 46),
}
BN_NAMES = [name for name in EXPECTED if name.startswith("bn-")]


def _is_dag(T: npt.NDArray[np.bool_]) -> bool:
    reach = T.astype(float)
    for _ in range(T.shape[0]):
        if np.trace(reach) > 0:
            return False
        reach = np.minimum(reach @ T, 1.0)
    return True


# --- registry ---------------------------------------------------------------------------------------------


def test_list_datasets_names_and_kinds() -> None:
    infos = list_datasets()
    names = [i.name for i in infos]
    assert len(names) == len(set(names)) == 6 + 3 * 2 * 4
    assert set(EXPECTED) <= set(names)
    assert "synth-linear-gaussian-er-d20" in names and "synth-nonlinear-sf-d100" in names
    kinds = {i.name: i.kind for i in infos}
    assert kinds["sachs"] == "real" and kinds["bn-alarm"] == "bnlearn"
    assert kinds["synth-linear-nongaussian-er-d10"] == "synthetic"
    assert all(i.summary for i in infos)


@pytest.mark.parametrize("info", list_datasets(), ids=lambda i: i.name)
def test_every_listed_dataset_loads(info: DatasetInfo) -> None:
    data = load_dataset(info.name)
    assert isinstance(data, BenchmarkData)
    assert data.frame.shape[0] == info.n_default
    assert data.truth is not None and len(set(data.truth)) == len(data.truth)
    assert list(data.descriptions) == [str(c) for c in data.frame.columns]
    assert data.citation
    T = data.truth_matrix()
    assert T.shape == (data.frame.shape[1],) * 2 and T.sum() == len(data.truth) and _is_dag(T)
    if info.name in EXPECTED:
        rows, cols, edges = EXPECTED[info.name]
        assert data.frame.shape == (rows, cols) and len(data.truth) == edges
    else:
        d = int(info.name.rsplit("-d", 1)[1])
        assert data.frame.shape == (2000, d)
        assert not data.frame.isna().any().any()


def test_unknown_name_lists_known_names() -> None:
    with pytest.raises(UnknownNameError) as err:
        load_dataset("bn-pigs")
    message = str(err.value)
    assert "bn-alarm" in message and "sachs" in message and "synth-" in message
    assert isinstance(err.value, KeyError) and isinstance(err.value, ValueError)
    with pytest.raises(UnknownNameError):
        load_dataset("synth-linear-gaussian-xx-d10")


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("bn-asia", {"n": 0}),
        ("bn-asia", {"n": -5}),
        ("bn-asia", {"n": True}),
        ("bn-asia", {"n": 2.5}),
        ("bn-asia", {"seed": -1}),
        ("sachs", {"n": 7467}),
        ("synth-linear-gaussian-er-d1", {}),
        ("synth-linear-gaussian-er-d10-k0", {}),
    ],
)
def test_bad_parameters_raise_input_error(name: str, kwargs: dict[str, object]) -> None:
    with pytest.raises(InputError):
        load_dataset(name, **kwargs)  # type: ignore[arg-type]


def test_names_are_case_and_space_insensitive() -> None:
    data = load_dataset("  BN-Asia ", n=10)
    assert data.name == "bn-asia"


def test_any_d_and_k_parse() -> None:
    data = load_dataset("synth-linear-gaussian-er-d3", n=50)
    assert data.frame.shape == (50, 3)
    dense = load_dataset("synth-linear-gaussian-er-d30-k4", n=20)
    sparse = load_dataset("synth-linear-gaussian-er-d30-k1", n=20)
    assert dense.truth is not None and sparse.truth is not None and len(dense.truth) > len(sparse.truth)


def test_truth_matrix_follows_column_order() -> None:
    data = load_dataset("sachs", n=100)
    T = data.truth_matrix()
    cols = list(data.frame.columns)
    assert T[cols.index("praf"), cols.index("pmek")] and not T[cols.index("pmek"), cols.index("praf")]
    assert T[cols.index("PKC"), cols.index("PKA")]


def test_benchmark_data_rejects_unknown_names() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 1.0]})
    with pytest.raises(InputError):
        BenchmarkData("x", frame, {"c": "?"}, None, "")
    with pytest.raises(InputError):
        BenchmarkData("x", frame, {}, (("a", "c"),), "")
    with pytest.raises(InputError):
        BenchmarkData("x", frame, {}, None, "").truth_matrix()


# --- reproducibility --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["sachs", "bn-asia", "bn-alarm", "synth-linear-gaussian-er-d10", "synth-nonlinear-sf-d10"]
)
def test_same_seed_same_frame_different_seed_different(name: str) -> None:
    a = load_dataset(name, n=300, seed=3)
    b = load_dataset(name, n=300, seed=3)
    c = load_dataset(name, n=300, seed=4)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert a.truth == b.truth
    assert not a.frame.equals(c.frame)


def test_synthetic_graph_depends_on_seed_only() -> None:
    small = load_dataset("synth-linear-gaussian-er-d20", n=100, seed=7)
    large = load_dataset("synth-linear-gaussian-er-d20", n=1000, seed=7)
    other_mechanism = load_dataset("synth-nonlinear-er-d20", n=100, seed=7)
    other_seed = load_dataset("synth-linear-gaussian-er-d20", n=100, seed=8)
    assert small.truth == large.truth == other_mechanism.truth
    assert small.truth != other_seed.truth


def test_column_order_does_not_reveal_causal_order() -> None:
    # With a random permutation some edges must point from a later column to an earlier one.
    for seed in range(3):
        T = load_dataset("synth-linear-gaussian-er-d20", n=10, seed=seed).truth_matrix()
        assert np.tril(T, k=-1).any() and np.triu(T, k=1).any()


# --- standardisation and varsortability -------------------------------------------------------------------


def test_synthetic_is_standardised_by_default() -> None:
    data = load_dataset("synth-linear-gaussian-er-d20", n=500, seed=1)
    values = data.frame.to_numpy()
    np.testing.assert_allclose(values.mean(axis=0), 0.0, atol=1e-10)
    np.testing.assert_allclose(values.std(axis=0), 1.0, atol=1e-10)
    assert data.meta["standardized"] is True


def test_raw_synthetic_is_varsortable_and_standardised_is_not() -> None:
    raw = load_dataset("synth-linear-gaussian-er-d20", n=2000, seed=0, standardize=False)
    z = load_dataset("synth-linear-gaussian-er-d20", n=2000, seed=0)
    assert raw.frame.to_numpy().std(axis=0).max() > 2.0
    vs_raw = varsortability(raw.frame.to_numpy(), raw.truth_matrix())
    assert vs_raw > 0.8
    assert raw.meta["varsortability_raw"] == pytest.approx(vs_raw)
    assert z.meta["varsortability_raw"] == pytest.approx(vs_raw)
    # z-scored columns all have variance 1: every comparison is a tie.
    assert varsortability(z.frame.to_numpy(), z.truth_matrix()) == pytest.approx(0.5)


def test_varsortability_hand_worked() -> None:
    # Chain X0 -> X1 -> X2 with variances 1, 4, 2.
    # Length-1 pairs: (0,1) increases (1), (1,2) decreases (0); length-2 pair: (0,2) increases (1). -> 2/3.
    X = np.array([[-1.0, -2.0, -np.sqrt(2.0)], [1.0, 2.0, np.sqrt(2.0)]])
    chain = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    assert varsortability(X, chain) == pytest.approx(2 / 3)
    # Fork X0 -> X1, X0 -> X2 with variances 1, 1, 4: a tie (1/2) and an increase (1). -> 3/4.
    Y = np.array([[-1.0, -1.0, -2.0], [1.0, 1.0, 2.0]])
    fork = np.array([[0, 1, 1], [0, 0, 0], [0, 0, 0]])
    assert varsortability(Y, fork) == pytest.approx(0.75)
    assert np.isnan(varsortability(Y, np.zeros((3, 3))))
    with pytest.raises(InputError):
        varsortability(Y, np.ones((3, 3)) - np.eye(3))  # cyclic
    with pytest.raises(InputError):
        varsortability(Y, np.zeros((2, 2)))


# --- generators -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("graph", ["er", "sf"])
def test_simulate_dag_is_acyclic_with_expected_density(graph: str) -> None:
    counts = []
    for seed in range(5):
        A = simulate_dag(50, graph, edges_per_node=2, seed=seed)  # type: ignore[arg-type]
        assert A.dtype == bool and A.shape == (50, 50) and not A.diagonal().any() and _is_dag(A)
        counts.append(A.sum())
    if graph == "er":
        assert 80 < np.mean(counts) < 120  # 2 * 50 expected
    else:
        assert counts == [2 * 49 - 1] * 5  # every new node attaches to 2 earlier ones (node 1 to just one)
    np.testing.assert_array_equal(simulate_dag(30, graph, seed=1), simulate_dag(30, graph, seed=1))  # type: ignore[arg-type]


def test_simulate_dag_rejects_bad_input() -> None:
    with pytest.raises(InputError):
        simulate_dag(1)
    with pytest.raises(InputError):
        simulate_dag(5, "xx")  # type: ignore[arg-type]


def test_linear_sem_has_unit_noise_and_stated_weights() -> None:
    A = simulate_dag(8, "er", seed=2)
    X = simulate_sem(A, 20000, "linear-gaussian", seed=3)
    for j in range(8):
        parents = np.flatnonzero(A[:, j])
        if parents.size == 0:
            assert X[:, j].var() == pytest.approx(1.0, rel=0.05)
            continue
        coef, *_ = np.linalg.lstsq(X[:, parents], X[:, j], rcond=None)
        assert np.all((np.abs(coef) > 0.45) & (np.abs(coef) < 2.05))
        assert (X[:, j] - X[:, parents] @ coef).var() == pytest.approx(1.0, rel=0.05)


@pytest.mark.parametrize("noise", ["gaussian", "uniform", "laplace", "exponential"])
def test_noise_kinds_have_unit_variance(noise: str) -> None:
    X = simulate_sem(np.zeros((3, 3)), 40000, noise=noise, seed=0)  # type: ignore[arg-type]
    np.testing.assert_allclose(X.var(axis=0), 1.0, rtol=0.06)
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=0.03)


def test_nonlinear_sem_is_not_linear() -> None:
    A = np.array([[0, 1], [0, 0]])
    X = simulate_sem(A, 5000, "nonlinear", seed=5)
    linear_fit = np.polyfit(X[:, 0], X[:, 1], 1)
    cubic_fit = np.polyfit(X[:, 0], X[:, 1], 5)
    resid_lin = (X[:, 1] - np.polyval(linear_fit, X[:, 0])).var()
    resid_poly = (X[:, 1] - np.polyval(cubic_fit, X[:, 0])).var()
    assert resid_poly < 0.95 * resid_lin


# --- real Sachs data --------------------------------------------------------------------------------------


def test_sachs_full_and_subsample() -> None:
    full = load_dataset("sachs")
    assert full.frame.shape == (7466, 11)
    assert list(full.frame.columns)[:3] == ["praf", "pmek", "plcg"]
    assert (full.frame.dtypes == np.float64).all()
    assert full.frame["PKA"].mean() > 100  # measured scale, not z-scored
    sub = load_dataset("sachs", n=500, seed=1)
    assert sub.frame.shape == (500, 11)
    merged = sub.frame.merge(full.frame.drop_duplicates(), how="left", indicator=True)
    assert (merged["_merge"] == "both").all()


def test_sachs_truth_is_bnlearn_sachs_renamed() -> None:
    arcs = _bnlearn.read_network("sachs").arcs
    renamed = {(_sachs.SACHS_BNLEARN_NAMES[a], _sachs.SACHS_BNLEARN_NAMES[b]) for a, b in arcs}
    assert renamed == set(_sachs.SACHS_EDGES) and len(renamed) == 17


# --- bnlearn networks -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BN_NAMES)
def test_every_bnlearn_variable_has_a_real_description(name: str) -> None:
    data = load_dataset(name, n=5)
    assert set(data.descriptions) == set(data.frame.columns)
    for var, text in data.descriptions.items():
        assert text.strip() and text.strip().lower() != var.lower()
        assert len(text) > len(var) + 15, (var, text)


def test_bnlearn_samples_are_state_labels_that_survive_csv(tmp_path: Path) -> None:
    data = load_dataset("bn-insurance", n=2000, seed=0)
    assert all(pd.api.types.is_string_dtype(dtype) for dtype in data.frame.dtypes)
    assert "none" in set(data.frame["Accident"]) and "None" not in set(data.frame["Accident"])
    export_dataset(data, tmp_path)
    back = pd.read_csv(tmp_path / "data.csv")
    assert not back.isna().any().any()
    assert list(back.columns) == list(data.frame.columns)


def test_asia_sampler_respects_the_cpts() -> None:
    frame = load_dataset("bn-asia", n=20000, seed=0).frame
    # 'either' is the logical OR of tub and lung (a deterministic CPT with permuted rows in the .bif).
    either = (frame["tub"] == "yes") | (frame["lung"] == "yes")
    assert ((frame["either"] == "yes") == either).all()
    assert (frame["smoke"] == "yes").mean() == pytest.approx(0.5, abs=0.02)
    smokers = frame[frame["smoke"] == "yes"]
    assert (smokers["bronc"] == "yes").mean() == pytest.approx(0.6, abs=0.03)
    assert (frame.loc[frame["either"] == "no", "xray"] == "yes").mean() == pytest.approx(0.05, abs=0.01)


def _pgmpy_matches(name: str) -> None:
    from pgmpy.readwrite import BIFReader

    ref = resources.files("pgmpy").joinpath("utils", "example_models", f"{name}.bif.gz")
    with ref.open("rb") as fh:
        model = BIFReader(string=gzip.decompress(fh.read()).decode("utf-8")).get_model()
    net = _bnlearn.read_network(name)
    assert set(net.arcs) == set(model.edges())
    states = {node.name: node.states for node in net.nodes}
    for node in net.nodes:
        cpd = model.get_cpds(node.name)
        evidence = list(cpd.variables[1:])
        assert all(tuple(cpd.state_names[v]) == states[v] for v in cpd.variables)
        values = cpd.get_values().reshape((len(node.states), *(len(states[e]) for e in evidence)))
        values = np.transpose(values, [0, *(1 + evidence.index(p) for p in node.parents)])
        np.testing.assert_allclose(values.reshape(len(node.states), -1).T, node.cpt, atol=1e-9)


def test_bif_reader_matches_pgmpy_asia() -> None:
    _pgmpy_matches("asia")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sachs", "child", "insurance", "alarm"])
def test_bif_reader_matches_pgmpy(name: str) -> None:
    _pgmpy_matches(name)


# --- export -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sachs", "bn-child", "synth-linear-nongaussian-sf-d10"])
def test_export_writes_the_three_files(name: str, tmp_path: Path) -> None:
    data = load_dataset(name, n=200, seed=2)
    out = tmp_path / "nested" / "dir"
    paths = export_dataset(data, out)
    assert [p.name for p in paths] == ["data.csv", "descriptions.json", "truth.csv"]
    frame = pd.read_csv(out / "data.csv")
    assert frame.shape == data.frame.shape and list(frame.columns) == list(data.frame.columns)
    descriptions = json.loads((out / "descriptions.json").read_text(encoding="utf-8"))
    assert list(descriptions) == list(data.frame.columns)
    truth = pd.read_csv(out / "truth.csv")
    assert list(truth.columns) == ["source", "target"]
    assert data.truth is not None
    assert set(map(tuple, truth.to_numpy().tolist())) == set(data.truth)


def test_export_without_truth_and_into_a_file(tmp_path: Path) -> None:
    data = BenchmarkData("x", pd.DataFrame({"a": [1.0, 2.0]}), {"a": "A thing"}, None, "")
    assert [p.name for p in export_dataset(data, tmp_path)] == ["data.csv", "descriptions.json"]
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError):
        export_dataset(data, blocker)
