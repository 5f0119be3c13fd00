"""Structure and probability metrics as plain functions of a predicted graph and a true DAG.

Conventions (stated once here; explained for users in ``docs/benchmarks.md``):

* A prediction is a pair of boolean matrices: ``directed[i, j]`` for ``i -> j`` and ``undirected`` (symmetric
  or one triangle) for an edge with undecided direction (CPDAG ``i - j``; PAG marks other than a tail-arrow
  edge are read as undecided too). The truth is a DAG, ``truth[i, j]`` for ``i -> j``.
* A predicted undirected edge is a correct *adjacency*. In directed precision/recall it counts as half a
  match when lenient (the default) and as none when ``strict``. Predicted edges are counted once per pair.
* SHD counts each pair whose state (absent, ``i -> j``, ``j -> i``, undirected) differs from the truth once:
  a missing, an extra, a reversed and an undirected-but-true edge each cost 1. ``shd_cpdag`` compares
  with the true DAG's CPDAG (its Markov equivalence class) instead: an edge the data cannot orient is
  undirected there, so leaving it undirected is not an error, and orienting it either way is one.
* Orientation accuracy is measured on the true edges the prediction finds adjacent: 1 for the right
  direction, 1/2 (lenient) or 0 (strict) for undirected, 0 for reversed; NaN when no true edge was found.
* Edge probabilities are scored over *ordered* pairs ``i != j`` for directed beliefs ``P(i -> j)`` (label:
  the true edge ``i -> j``), and over *unordered* pairs for adjacency beliefs (label: adjacent in the truth).
  Brier score and expected calibration error use the directed beliefs; area under the precision-recall
  curve (average precision, the step-wise sum of precision × recall increment) is reported for both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from causal_ensemble._errors import InputError

BoolMatrix = npt.NDArray[np.bool_]
FloatMatrix = npt.NDArray[np.float64]

ECE_BINS = 10


@dataclass(frozen=True)
class StructureScores:
    shd: int
    skeleton_precision: float
    skeleton_recall: float
    skeleton_f1: float
    directed_precision: float
    directed_recall: float
    directed_f1: float
    n_true: int
    n_predicted: int


@dataclass(frozen=True)
class ProbabilityScores:
    """Quality of per-pair edge beliefs (see the module docstring for the pairs each one is taken over)."""

    brier: float
    ece: float
    auprc_directed: float
    auprc_skeleton: float


def cpdag(truth: npt.ArrayLike) -> tuple[BoolMatrix, BoolMatrix]:
    """The CPDAG of a DAG as (directed, undirected) matrices: its v-structures, closed under Meek's rules
    R1-R3 (which are complete for a DAG's equivalence class, Meek 1995)."""
    T = np.asarray(truth, dtype=bool)
    if T.ndim != 2 or T.shape[0] != T.shape[1] or np.any(T & T.T) or not _is_acyclic(T):
        raise InputError("cpdag() needs the adjacency matrix of a DAG")
    d = T.shape[0]
    adj = T | T.T
    D = np.zeros((d, d), dtype=bool)
    for k in range(d):
        parents = np.flatnonzero(T[:, k])
        for a_pos, i in enumerate(parents):
            for j in parents[a_pos + 1 :]:
                if not adj[i, j]:
                    D[i, k] = D[j, k] = True
    changed = True
    while changed:
        changed = False
        U = adj & ~D & ~D.T
        for b in range(d):
            for c in np.flatnonzero(U[b]):
                if D[b, c] or D[c, b]:
                    continue
                into_b = np.flatnonzero(D[:, b])
                r1 = any(not adj[a, c] and a != c for a in into_b)  # a -> b - c, a, c not adjacent
                r2 = bool(np.any(D[b] & D[:, c]))  # b -> x -> c with b - c
                und_b = np.flatnonzero(U[b])
                into_c_und = [x for x in und_b if D[x, c] and x != c]  # b - x -> c
                r3 = any(
                    not adj[x, y] for i, x in enumerate(into_c_und) for y in into_c_und[i + 1 :]
                )  # b - x -> c <- y - b, x, y not adjacent
                if r1 or r2 or r3:
                    D[b, c] = True
                    changed = True
                    U[b, c] = U[c, b] = False
    return D, adj & ~D & ~D.T


def shd_cpdag(directed: npt.ArrayLike, undirected: npt.ArrayLike, truth: npt.ArrayLike) -> int:
    """SHD against the true DAG's CPDAG: a pair counts once when its state (absent, either direction,
    undirected) differs from the equivalence class's."""
    D, U, T = _as_prediction(directed, undirected, truth)
    CD, CU = cpdag(T)
    iu = np.triu_indices(T.shape[0], 1)
    differs = (D[iu] != CD[iu]) | (D.T[iu] != CD.T[iu]) | (U[iu] != CU[iu])
    return int(np.sum(differs))


@dataclass(frozen=True)
class GraphScores:
    """Every metric of one prediction; ``*_strict`` count undirected edges as no directed match.

    ``aid`` is the ancestor adjustment identification distance normalised to [0, 1]; ``sid`` the structural
    intervention distance as a count of wrongly identified (cause, effect) pairs (see
    :func:`adjustment_distances`); both NaN for a cyclic prediction.
    Probability scores are NaN when no beliefs were given. ``shd_cpdag`` is the SHD against the true CPDAG
    (NaN-free: the truth is always a DAG).
    """

    shd: int
    shd_cpdag: int
    skeleton_precision: float
    skeleton_recall: float
    skeleton_f1: float
    directed_precision: float
    directed_recall: float
    directed_f1: float
    directed_precision_strict: float
    directed_recall_strict: float
    directed_f1_strict: float
    orientation_accuracy: float
    orientation_accuracy_strict: float
    aid: float
    sid: float
    brier: float
    ece: float
    auprc_directed: float
    auprc_skeleton: float
    n_true: int
    n_predicted: int
    n_undirected: int


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _as_prediction(
    directed: npt.ArrayLike, undirected: npt.ArrayLike, truth: npt.ArrayLike
) -> tuple[BoolMatrix, BoolMatrix, BoolMatrix]:
    D = np.asarray(directed, dtype=bool)
    U = np.asarray(undirected, dtype=bool)
    T = np.asarray(truth, dtype=bool)
    if not (D.shape == U.shape == T.shape) or D.ndim != 2 or D.shape[0] != D.shape[1]:
        raise InputError("directed, undirected and truth must be square matrices of the same shape")
    if np.any(T & T.T):
        raise InputError("the truth must be a DAG: it has an edge in both directions")
    U = U | U.T
    # A pair marked both ways is undecided, whichever matrix says so.
    both = D & D.T
    U = U | both
    D = D & ~both & ~U
    return D, U, T


def shd(directed: npt.ArrayLike, undirected: npt.ArrayLike, truth: npt.ArrayLike) -> int:
    """Structural Hamming distance; a reversed edge and an undirected true edge cost 1 each."""
    D, U, T = _as_prediction(directed, undirected, truth)
    iu = np.triu_indices(T.shape[0], 1)
    p_fwd, p_bwd, p_und = D[iu], D.T[iu], U[iu]
    t_fwd, t_bwd = T[iu], T.T[iu]
    differs = (p_fwd != t_fwd) | (p_bwd != t_bwd) | p_und
    return int(np.sum(differs))


def skeleton_prf(
    directed: npt.ArrayLike, undirected: npt.ArrayLike, truth: npt.ArrayLike
) -> tuple[float, float, float]:
    """Precision, recall and F1 of the adjacencies (direction ignored)."""
    D, U, T = _as_prediction(directed, undirected, truth)
    pred = np.triu(D | D.T | U, 1)
    true = np.triu(T | T.T, 1)
    tp = int(np.sum(pred & true))
    p = tp / int(pred.sum()) if pred.any() else 0.0
    r = tp / int(true.sum()) if true.any() else 0.0
    return p, r, _f1(p, r)


def directed_prf(
    directed: npt.ArrayLike, undirected: npt.ArrayLike, truth: npt.ArrayLike, *, strict: bool = False
) -> tuple[float, float, float]:
    """Precision, recall and F1 of the directed edges; an undirected edge on a true adjacency is half a
    match (0 when ``strict``). Denominators: predicted edges (all marks) and true edges."""
    D, U, T = _as_prediction(directed, undirected, truth)
    true_skel = np.triu(T | T.T, 1)
    n_pred = int(np.sum(np.triu(D | D.T | U, 1)))
    n_true = int(true_skel.sum())
    tp = float(np.sum(D & T)) + (0.0 if strict else 0.5 * float(np.sum(np.triu(U, 1) & true_skel)))
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_true if n_true else 0.0
    return p, r, _f1(p, r)


def orientation_accuracy(
    directed: npt.ArrayLike, undirected: npt.ArrayLike, truth: npt.ArrayLike, *, strict: bool = False
) -> float:
    """Share of correctly oriented edges among the true edges the prediction finds adjacent."""
    D, U, T = _as_prediction(directed, undirected, truth)
    found = T & (D | D.T | U)
    n = int(found.sum())
    if n == 0:
        return math.nan
    right = float(np.sum(found & D)) + (0.0 if strict else 0.5 * float(np.sum(found & U)))
    return right / n


def structure_scores(
    directed: npt.ArrayLike, undirected: npt.ArrayLike, truth: npt.ArrayLike, *, strict: bool = False
) -> StructureScores:
    """SHD and skeleton/directed precision, recall, F1 in one record (kept for existing callers)."""
    D, U, T = _as_prediction(directed, undirected, truth)
    sp, sr, sf = skeleton_prf(D, U, T)
    dp, dr, df = directed_prf(D, U, T, strict=strict)
    n_pred = int(np.sum(np.triu(D | D.T | U, 1)))
    return StructureScores(shd(D, U, T), sp, sr, sf, dp, dr, df, int(T.sum()), n_pred)


def _is_acyclic(D: BoolMatrix) -> bool:
    reach = D.copy()
    for k in range(D.shape[0]):
        reach |= np.outer(reach[:, k], reach[k, :])
    return not bool(np.any(np.diag(reach)))


def adjustment_distances(
    directed: npt.ArrayLike, undirected: npt.ArrayLike, truth: npt.ArrayLike
) -> tuple[float, float]:
    """(ancestor AID normalised to [0, 1], SID as a count) from the ``gadjid`` library.

    SID is gadjid's ``sid`` when the prediction is a DAG and its parent AID (the same count, generalised
    to CPDAGs by Henckel, Würtzen & Weichwald 2024) when it has undirected edges; the prediction is then
    passed as a CPDAG (gadjid trusts it to be a valid one; a pooled PDAG is read as if it were). NaNs for
    a prediction with a directed cycle, which no adjustment distance is defined on.
    """
    import gadjid

    D, U, T = _as_prediction(directed, undirected, truth)
    if not _is_acyclic(D) or not _is_acyclic(T):
        return math.nan, math.nan
    guess = D.astype(np.int8)
    guess[np.triu(U, 1)] = 2
    true = T.astype(np.int8)
    rows = "from row to column"
    aid = float(gadjid.ancestor_aid(true, guess, edge_direction=rows)[0])
    if U.any():
        sid = float(gadjid.parent_aid(true, guess, edge_direction=rows)[1])
    else:
        sid = float(gadjid.sid(true, guess, edge_direction=rows)[1])
    return aid, sid


def _pair_vectors(prob: npt.ArrayLike, truth: BoolMatrix, *, ordered: bool) -> tuple[FloatMatrix, BoolMatrix]:
    P = np.asarray(prob, dtype=np.float64)
    if P.shape != truth.shape:
        raise InputError("edge probabilities and truth must be matrices of the same shape")
    if not np.all(np.isfinite(P)) or np.any(P < 0) or np.any(P > 1):
        raise InputError("edge probabilities must lie in [0, 1]")
    d = truth.shape[0]
    if ordered:
        mask = ~np.eye(d, dtype=bool)
        return P[mask], truth[mask]
    iu = np.triu_indices(d, 1)
    return np.maximum(P, P.T)[iu], (truth | truth.T)[iu]


def brier_score(prob: npt.ArrayLike, truth: npt.ArrayLike) -> float:
    """Mean squared error of ``P(i -> j)`` against the true edge indicator, over ordered pairs."""
    p, y = _pair_vectors(prob, np.asarray(truth, dtype=bool), ordered=True)
    return float(np.mean((p - y) ** 2)) if p.size else math.nan


def expected_calibration_error(prob: npt.ArrayLike, truth: npt.ArrayLike, *, n_bins: int = ECE_BINS) -> float:
    """ECE over ordered pairs: equal-width bins on [0, 1] (a probability of exactly 1 goes in the last),
    ``Σ_b (n_b / n) |mean p_b − share of true edges in b|``."""
    if n_bins < 1:
        raise InputError(f"n_bins must be >= 1, got {n_bins}")
    p, y = _pair_vectors(prob, np.asarray(truth, dtype=bool), ordered=True)
    if not p.size:
        return math.nan
    bins = np.minimum((p * n_bins).astype(int), n_bins - 1)
    total = 0.0
    for b in np.unique(bins):
        sel = bins == b
        total += float(sel.sum()) * abs(float(p[sel].mean()) - float(y[sel].mean()))
    return total / p.size


def average_precision(scores: npt.ArrayLike, labels: npt.ArrayLike) -> float:
    """Area under the precision-recall curve as average precision: pairs sorted by decreasing score, ties
    taken together, ``Σ_k (R_k − R_{k−1}) P_k`` (scikit-learn's definition). NaN without positives."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    n_pos = int(y.sum())
    if n_pos == 0:
        return math.nan
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    # Last index of each run of tied scores: the thresholds of the curve.
    ends = np.r_[np.flatnonzero(np.diff(s) != 0), s.size - 1]
    tp = np.cumsum(y)[ends].astype(np.float64)
    predicted = (ends + 1).astype(np.float64)
    precision = tp / predicted
    recall = tp / n_pos
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def probability_scores(prob_directed: npt.ArrayLike, truth: npt.ArrayLike) -> ProbabilityScores:
    """Brier, ECE and directed AUPRC of ``P(i -> j)``, and skeleton AUPRC of ``P(i - j)``, where the
    adjacency belief of a pair is taken as ``P(i -> j) + P(j -> i)`` (capped at 1)."""
    T = np.asarray(truth, dtype=bool)
    P = np.asarray(prob_directed, dtype=np.float64)
    p_dir, y_dir = _pair_vectors(P, T, ordered=True)
    adj = np.minimum(P + P.T, 1.0)
    p_adj, y_adj = _pair_vectors(adj, T, ordered=False)
    return ProbabilityScores(
        brier_score(P, T),
        expected_calibration_error(P, T),
        average_precision(p_dir, y_dir),
        average_precision(p_adj, y_adj),
    )


def hard_probabilities(directed: npt.ArrayLike, undirected: npt.ArrayLike) -> FloatMatrix:
    """Beliefs of a graph with no probabilities: 1 for ``i -> j``, 1/2 each way for an undirected edge."""
    D = np.asarray(directed, dtype=bool)
    U = np.asarray(undirected, dtype=bool)
    U = U | U.T
    return np.where(D & ~U, 1.0, 0.0) + np.where(U, 0.5, 0.0)


def graph_scores(
    directed: npt.ArrayLike,
    undirected: npt.ArrayLike,
    truth: npt.ArrayLike,
    prob_directed: npt.ArrayLike | None = None,
    *,
    with_aid: bool = True,
) -> GraphScores:
    """Every metric of a prediction; ``prob_directed[i, j]`` is the belief in ``i -> j`` (omit it for the
    probability metrics to be NaN). ``with_aid=False`` skips the adjustment distances (NaN)."""
    D, U, T = _as_prediction(directed, undirected, truth)
    sp, sr, sf = skeleton_prf(D, U, T)
    dp, dr, df = directed_prf(D, U, T)
    dps, drs, dfs = directed_prf(D, U, T, strict=True)
    aid, sid = adjustment_distances(D, U, T) if with_aid else (math.nan, math.nan)
    if prob_directed is None:
        probs = ProbabilityScores(math.nan, math.nan, math.nan, math.nan)
    else:
        probs = probability_scores(prob_directed, T)
    return GraphScores(
        shd=shd(D, U, T),
        shd_cpdag=shd_cpdag(D, U, T),
        skeleton_precision=sp,
        skeleton_recall=sr,
        skeleton_f1=sf,
        directed_precision=dp,
        directed_recall=dr,
        directed_f1=df,
        directed_precision_strict=dps,
        directed_recall_strict=drs,
        directed_f1_strict=dfs,
        orientation_accuracy=orientation_accuracy(D, U, T),
        orientation_accuracy_strict=orientation_accuracy(D, U, T, strict=True),
        aid=aid,
        sid=sid,
        brier=probs.brier,
        ece=probs.ece,
        auprc_directed=probs.auprc_directed,
        auprc_skeleton=probs.auprc_skeleton,
        n_true=int(T.sum()),
        n_predicted=int(np.sum(np.triu(D | D.T | U, 1))),
        n_undirected=int(np.sum(np.triu(U, 1))),
    )
