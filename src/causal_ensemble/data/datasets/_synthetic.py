"""Seeded synthetic structural equation models, and the varsortability diagnostic.

Raw linear SEMs with unit noise let methods read the causal order off the marginal variances (Reisach et
al., NeurIPS 2021), so the registry standardises synthetic data by default and reports :func:`varsortability`
of the raw draw. Every random choice flows from one ``numpy.random.Generator``, never global random state.

Conventions (``A[i, j]`` true means an edge ``i -> j``):

* ``er``: Erdős–Rényi DAG with ``edges_per_node * d`` expected edges (NOTEARS' "ER-k"), i.e. each pair below
  a random order is joined with probability ``2k / (d - 1)`` (capped at 1).
* ``sf``: Barabási–Albert preferential attachment: node t (in a random order) draws ``min(k, t)`` distinct
  earlier nodes with probability proportional to degree + 1 and points to them, as in NOTEARS/DAGMA's
  ``simulate_dag``; hubs therefore collect many parents.
* Both shuffle the node order afterwards, so neither column order nor index reveals the causal order.
* Linear weights are uniform on ±[0.5, 2.0]. Noise has unit variance: Gaussian for ``linear-gaussian`` and
  ``nonlinear``, uniform on ±√3 for ``linear-nongaussian``.
* ``nonlinear`` is an additive noise model ``x_j = Σ_{i ∈ pa(j)} f_ij(x_i) + ε_j`` in which each ``f_ij`` is a
  random one-hidden-layer tanh network with 3 units (input and output weights on ±[0.5, 2.0], biases on
  [-1, 1]); being bounded, it keeps variances from exploding along long paths while staying non-monotone.
"""

from __future__ import annotations

import logging
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

from causal_ensemble._errors import InputError

__all__ = [
    "GraphKind",
    "Mechanism",
    "NoiseKind",
    "simulate_dag",
    "simulate_sem",
    "standardize_columns",
    "varsortability",
]

logger = logging.getLogger(__name__)

GraphKind = Literal["er", "sf"]
Mechanism = Literal["linear-gaussian", "linear-nongaussian", "nonlinear"]
NoiseKind = Literal["gaussian", "uniform", "laplace", "exponential"]

GRAPH_KINDS: tuple[str, ...] = get_args(GraphKind)
MECHANISMS: tuple[str, ...] = get_args(Mechanism)
NOISE_KINDS: tuple[str, ...] = get_args(NoiseKind)

WEIGHT_RANGE: tuple[float, float] = (0.5, 2.0)
_HIDDEN_UNITS = 3
_DEFAULT_NOISE: dict[str, NoiseKind] = {
    "linear-gaussian": "gaussian",
    "linear-nongaussian": "uniform",
    "nonlinear": "gaussian",
}

BoolMatrix = npt.NDArray[np.bool_]
FloatMatrix = npt.NDArray[np.float64]


def _generator(seed: int | np.random.Generator) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def simulate_dag(
    d: int,
    graph: GraphKind = "er",
    *,
    edges_per_node: float = 2.0,
    seed: int | np.random.Generator = 0,
) -> BoolMatrix:
    """A random DAG on ``d`` nodes as a boolean adjacency matrix (``A[i, j]``: edge ``i -> j``).

    ``edges_per_node`` is k in ER-k / SF-k: about ``k * d`` edges in expectation for ER, and ``k`` (rounded,
    at least 1) edges per newly attached node for SF.
    """
    if isinstance(d, bool) or not isinstance(d, int | np.integer) or d < 2:
        raise InputError(f"a synthetic DAG needs d >= 2 nodes, got {d!r}")
    if not edges_per_node > 0:
        raise InputError(f"edges_per_node must be > 0, got {edges_per_node!r}")
    rng = _generator(seed)
    d = int(d)
    # ordered[a, b]: edge from the node at position a to the node at position b of a hidden order.
    ordered: BoolMatrix
    if graph == "er":
        p = min(1.0, 2.0 * edges_per_node / (d - 1))
        ordered = np.triu(rng.random((d, d)) < p, k=1)
    elif graph == "sf":
        m = max(1, round(edges_per_node))
        ordered = np.zeros((d, d), dtype=bool)
        degree = np.zeros(d)
        for t in range(1, d):
            weights = degree[:t] + 1.0
            targets = rng.choice(t, size=min(m, t), replace=False, p=weights / weights.sum())
            ordered[t, targets] = True  # the new node points at the nodes it attached to
            degree[targets] += 1.0
            degree[t] += targets.size
    else:
        raise InputError(f"unknown graph kind {graph!r}; known: {', '.join(GRAPH_KINDS)}")
    perm = rng.permutation(d)
    adjacency = np.zeros((d, d), dtype=bool)
    adjacency[np.ix_(perm, perm)] = ordered
    return adjacency


def _check_dag(adjacency: npt.ArrayLike) -> tuple[BoolMatrix, list[int]]:
    A = np.asarray(adjacency)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise InputError(f"adjacency must be a square matrix, got shape {A.shape}")
    A = A != 0
    indegree = A.sum(axis=0)
    order: list[int] = []
    frontier = sorted(np.flatnonzero(indegree == 0).tolist())
    while frontier:
        v = frontier.pop(0)
        order.append(v)
        for c in np.flatnonzero(A[v]).tolist():
            indegree[c] -= 1
            if indegree[c] == 0:
                frontier.append(c)
    if len(order) != A.shape[0]:
        raise InputError("adjacency contains a directed cycle; a structural equation model needs a DAG")
    return A, order


def _signed_uniform(rng: np.random.Generator, size: int | tuple[int, ...]) -> FloatMatrix:
    low, high = WEIGHT_RANGE
    magnitude = rng.uniform(low, high, size)
    sign = np.where(rng.random(size) < 0.5, -1.0, 1.0)
    return np.asarray(magnitude * sign, dtype=np.float64)


def _noise(rng: np.random.Generator, kind: NoiseKind, size: tuple[int, int]) -> FloatMatrix:
    """Unit-variance, zero-mean noise of the requested family."""
    if kind == "gaussian":
        return rng.standard_normal(size)
    if kind == "uniform":
        return rng.uniform(-np.sqrt(3.0), np.sqrt(3.0), size)
    if kind == "laplace":
        return rng.laplace(0.0, 1.0 / np.sqrt(2.0), size)
    if kind == "exponential":
        return rng.exponential(1.0, size) - 1.0
    raise InputError(f"unknown noise kind {kind!r}; known: {', '.join(NOISE_KINDS)}")


def simulate_sem(
    adjacency: npt.ArrayLike,
    n: int,
    mechanism: Mechanism = "linear-gaussian",
    *,
    noise: NoiseKind | None = None,
    seed: int | np.random.Generator = 0,
) -> FloatMatrix:
    """Draw ``n`` rows (raw scale, shape ``(n, d)``) from a random SEM on the given DAG.

    All mechanism parameters are drawn before any noise, so for a given seed the SEM is the same whatever
    ``n`` is: a larger sample is a sample from the same model. ``noise`` overrides the mechanism's default
    noise family (see the module docstring).
    """
    if mechanism not in MECHANISMS:
        raise InputError(f"unknown mechanism {mechanism!r}; known: {', '.join(MECHANISMS)}")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise InputError(f"n must be a positive integer, got {n!r}")
    A, order = _check_dag(adjacency)
    noise_kind = _DEFAULT_NOISE[mechanism] if noise is None else noise
    if noise_kind not in NOISE_KINDS:
        raise InputError(f"unknown noise kind {noise_kind!r}; known: {', '.join(NOISE_KINDS)}")
    rng = _generator(seed)
    d = A.shape[0]
    sources, targets = np.nonzero(A)
    n_edges = sources.size
    if mechanism == "nonlinear":
        w_in = _signed_uniform(rng, (n_edges, _HIDDEN_UNITS))
        bias = rng.uniform(-1.0, 1.0, (n_edges, _HIDDEN_UNITS))
        w_out = _signed_uniform(rng, (n_edges, _HIDDEN_UNITS))
    else:
        weights = np.zeros((d, d))
        weights[sources, targets] = _signed_uniform(rng, n_edges)
    X = _noise(rng, noise_kind, (int(n), d))
    edge_index = {(int(s), int(t)): e for e, (s, t) in enumerate(zip(sources, targets, strict=True))}
    for j in order:
        parents = np.flatnonzero(A[:, j])
        if parents.size == 0:
            continue
        if mechanism == "nonlinear":
            for i in parents.tolist():
                e = edge_index[(i, j)]
                hidden = np.tanh(np.outer(X[:, i], w_in[e]) + bias[e])
                X[:, j] += hidden @ w_out[e]
        else:
            X[:, j] += X[:, parents] @ weights[parents, j]
    return X


def standardize_columns(X: npt.ArrayLike) -> FloatMatrix:
    """Z-score each column (population sd); constant columns are only centred."""
    Z = np.asarray(X, dtype=np.float64)
    sd = Z.std(axis=0)
    return (Z - Z.mean(axis=0)) / np.where(sd > 0, sd, 1.0)


def varsortability(X: npt.ArrayLike, adjacency: npt.ArrayLike, *, tol: float = 1e-9) -> float:
    """Fraction of causally ordered pairs along which marginal variance strictly increases (ties count 1/2).

    Follows Reisach, Seiler & Weichwald (NeurIPS 2021) and their reference implementation: for each path
    length k = 1..d-1, every pair (i, j) joined by a directed path of length k counts once, and scores 1 if
    var(x_j) > var(x_i), 1/2 if equal within ``tol`` (relative), else 0. Near 1 means sorting by variance
    recovers the causal order; about 0.5 is what real data or standardised data give. Returns NaN for a graph
    without edges, where the quantity is undefined.
    """
    data = np.asarray(X, dtype=np.float64)
    A, _ = _check_dag(adjacency)
    if data.ndim != 2 or data.shape[1] != A.shape[0]:
        raise InputError(f"X has shape {data.shape} but the adjacency is {A.shape[0]} x {A.shape[0]}")
    var = data.var(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = var[None, :] / var[:, None]  # ratio[i, j] = var_j / var_i
    step = A.astype(np.float64)
    reach = step.copy()
    n_paths = 0.0
    n_sorted = 0.0
    for _ in range(A.shape[0] - 1):
        mask = reach > 0
        if not mask.any():
            break
        r = ratio[mask]
        n_paths += mask.sum()
        n_sorted += np.count_nonzero(r > 1 + tol) + 0.5 * np.count_nonzero((r <= 1 + tol) & (r > 1 - tol))
        reach = np.minimum(reach @ step, 1.0)
    if n_paths == 0:
        return float("nan")
    return float(n_sorted / n_paths)
