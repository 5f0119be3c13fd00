"""Structure metrics as plain functions of a predicted graph and a true DAG.

Conventions (``shared/benchmarks.md``): a predicted undirected edge counts as a correct adjacency; in
directed precision/recall it counts as half a match ("lenient"; ``strict=True`` counts it as none). SHD
counts a missing edge, an extra edge and a wrongly or un-oriented edge once each (a reversed edge is 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from causal_ensemble._errors import InputError

BoolMatrix = npt.NDArray[np.bool_]


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


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def structure_scores(
    directed: npt.ArrayLike, undirected: npt.ArrayLike, truth: npt.ArrayLike, *, strict: bool = False
) -> StructureScores:
    """Scores of a prediction: ``directed[i, j]`` means i -> j, ``undirected`` may be symmetric or
    upper-triangular, ``truth[i, j]`` means i -> j in the true DAG."""
    D = np.asarray(directed, dtype=bool)
    U = np.asarray(undirected, dtype=bool)
    T = np.asarray(truth, dtype=bool)
    if not (D.shape == U.shape == T.shape) or D.ndim != 2 or D.shape[0] != D.shape[1]:
        raise InputError("directed, undirected and truth must be square matrices of the same shape")
    U = U | U.T
    pred_skel = np.triu(D | D.T | U, 1)
    true_skel = np.triu(T | T.T, 1)
    tp_skel = int(np.sum(pred_skel & true_skel))
    n_pred, n_true = int(pred_skel.sum()), int(true_skel.sum())
    sp = tp_skel / n_pred if n_pred else 0.0
    sr = tp_skel / n_true if n_true else 0.0
    tp_dir = float(np.sum(D & T))
    half = 0.0 if strict else 0.5 * float(np.sum(np.triu(U, 1) & true_skel))
    dp = (tp_dir + half) / n_pred if n_pred else 0.0
    dr = (tp_dir + half) / n_true if n_true else 0.0
    # SHD: pairs where the predicted mark differs from the truth.
    shd = 0
    d = T.shape[0]
    for i in range(d):
        for j in range(i + 1, d):
            p_state = (bool(D[i, j]), bool(D[j, i]), bool(U[i, j]))
            t_state = (bool(T[i, j]), bool(T[j, i]), False)
            if p_state != t_state:
                shd += 1
    return StructureScores(shd, sp, sr, _f1(sp, sr), dp, dr, _f1(dp, dr), n_true, n_pred)
