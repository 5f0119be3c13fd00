from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from sklearn.metrics import average_precision_score

from causal_ensemble._errors import InputError
from causal_ensemble.evaluate import (
    adjustment_distances,
    average_precision,
    brier_score,
    cpdag,
    directed_prf,
    expected_calibration_error,
    graph_scores,
    hard_probabilities,
    orientation_accuracy,
    probability_scores,
    shd,
    shd_cpdag,
    skeleton_prf,
    structure_scores,
)


def _example() -> tuple[npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any]]:
    # truth: 0->1, 1->2, 2->3 ; predicted: 0->1 (right), 2->1 (reversed), 2-3 (undirected), 0->3 (extra)
    T = np.zeros((4, 4), dtype=bool)
    T[0, 1] = T[1, 2] = T[2, 3] = True
    D = np.zeros((4, 4), dtype=bool)
    D[0, 1] = D[2, 1] = D[0, 3] = True
    U = np.zeros((4, 4), dtype=bool)
    U[2, 3] = True
    return D, U, T


def test_hand_worked_example() -> None:
    D, U, T = _example()
    s = structure_scores(D, U, T)
    assert s.shd == 3  # reversed 1-2, undirected 2-3, extra 0-3
    assert s.skeleton_precision == pytest.approx(3 / 4) and s.skeleton_recall == 1.0
    assert s.directed_precision == pytest.approx(1.5 / 4) and s.directed_recall == pytest.approx(1.5 / 3)
    strict = structure_scores(D, U, T, strict=True)
    assert strict.directed_recall == pytest.approx(1 / 3)


def test_plain_functions_agree_with_hand_counts() -> None:
    D, U, T = _example()
    assert shd(D, U, T) == 3
    assert skeleton_prf(D, U, T) == pytest.approx((0.75, 1.0, 2 * 0.75 / 1.75))
    p, r, f = directed_prf(D, U, T)
    assert (p, r) == pytest.approx((1.5 / 4, 1.5 / 3)) and f == pytest.approx(2 * p * r / (p + r))
    assert directed_prf(D, U, T, strict=True)[:2] == pytest.approx((1 / 4, 1 / 3))
    # true edges found adjacent: 0-1 right (1), 1-2 reversed (0), 2-3 undirected (1/2 or 0)
    assert orientation_accuracy(D, U, T) == pytest.approx(1.5 / 3)
    assert orientation_accuracy(D, U, T, strict=True) == pytest.approx(1 / 3)


def test_reversed_edge_costs_one_and_two_way_marks_are_undirected() -> None:
    T = np.zeros((2, 2), dtype=bool)
    T[0, 1] = True
    assert shd(T.T, np.zeros_like(T), T) == 1
    both = np.ones((2, 2), dtype=bool) & ~np.eye(2, dtype=bool)
    # i -> j and j -> i together read as undecided: one mistake, half a directed match
    assert shd(both, np.zeros_like(T), T) == 1
    assert directed_prf(both, np.zeros_like(T), T)[0] == pytest.approx(0.5)


def test_perfect_and_empty() -> None:
    T = np.zeros((3, 3), dtype=bool)
    T[0, 1] = True
    assert structure_scores(T, np.zeros_like(T), T).shd == 0
    empty = structure_scores(np.zeros_like(T), np.zeros_like(T), T)
    assert empty.shd == 1 and empty.directed_f1 == 0.0
    assert math.isnan(orientation_accuracy(np.zeros_like(T), np.zeros_like(T), T))


def test_sid_of_a_reversed_chain_edge() -> None:
    # truth 0 -> 1 -> 2; guess 1 -> 0, 1 -> 2. Wrong adjustment for (0,1), (0,2) (guess adjusts for 1)
    # and (1,0) (guess sees no parent of 1 to block 1 <- 0); right for the other three pairs.
    T = np.zeros((3, 3), dtype=bool)
    T[0, 1] = T[1, 2] = True
    G = np.zeros((3, 3), dtype=bool)
    G[1, 0] = G[1, 2] = True
    aid, sid = adjustment_distances(G, np.zeros_like(G), T)
    assert sid == 3.0
    assert 0.0 < aid <= 1.0
    assert adjustment_distances(T, np.zeros_like(T), T) == (0.0, 0.0)


def test_adjustment_distances_of_cyclic_guess_are_nan() -> None:
    T = np.zeros((3, 3), dtype=bool)
    T[0, 1] = True
    G = np.zeros((3, 3), dtype=bool)
    G[0, 1] = G[1, 2] = G[2, 0] = True
    aid, sid = adjustment_distances(G, np.zeros_like(G), T)
    assert math.isnan(aid) and math.isnan(sid)


def test_cpdag_guess_is_accepted() -> None:
    T = np.zeros((3, 3), dtype=bool)
    T[0, 1] = T[1, 2] = True
    U = np.zeros((3, 3), dtype=bool)
    U[0, 1] = U[1, 2] = True  # the chain's CPDAG: 0 - 1 - 2
    aid, sid = adjustment_distances(np.zeros_like(U), U, T)
    assert 0.0 <= aid <= 1.0 and sid >= 0


def test_probability_scores_hand_worked() -> None:
    # truth 0 -> 1; beliefs P(0->1)=0.8, P(1->0)=0.2, P(1->2)=0.4, every other ordered pair 0
    T = np.zeros((3, 3), dtype=bool)
    T[0, 1] = True
    P = np.zeros((3, 3))
    P[0, 1], P[1, 0], P[1, 2] = 0.8, 0.2, 0.4
    # squared errors over the 6 ordered pairs: 0.04 + 0.04 + 0.16
    assert brier_score(P, T) == pytest.approx(0.24 / 6)
    # bins: {0,0,0} exact, {0.2}: 0.2 off, {0.4}: 0.4 off, {0.8}: 0.2 off (it is a true edge)
    assert expected_calibration_error(P, T) == pytest.approx(0.8 / 6)
    s = probability_scores(P, T)
    assert s.auprc_directed == pytest.approx(1.0)  # the only true edge has the top belief
    assert s.auprc_skeleton == pytest.approx(1.0)  # pair 0-1 has adjacency belief 1.0, the top one


def test_average_precision_with_ties_matches_hand_and_sklearn() -> None:
    scores = [0.9, 0.8, 0.3, 0.3, 0.1]
    labels = [0, 1, 1, 0, 0]
    # thresholds: 0.9 -> P 0, R 0; 0.8 -> P 1/2, R 1/2; 0.3 (tie) -> P 2/4, R 1. AP = 1/2·1/2 + 1/2·1/2
    assert average_precision(scores, labels) == pytest.approx(0.5)
    assert average_precision(scores, labels) == pytest.approx(average_precision_score(labels, scores))
    assert math.isnan(average_precision([0.1, 0.2], [0, 0]))


def test_probabilities_must_be_valid() -> None:
    T = np.zeros((2, 2), dtype=bool)
    with pytest.raises(InputError):
        brier_score(np.full((2, 2), 1.5), T)


def test_graph_scores_bundle() -> None:
    D, U, T = _example()
    g = graph_scores(D, U, T, hard_probabilities(D, U))
    assert g.shd == 3 and g.n_undirected == 1 and g.n_predicted == 4 and g.n_true == 3
    assert g.directed_f1_strict < g.directed_f1
    assert 0 <= g.brier <= 1 and 0 <= g.ece <= 1
    no_probs = graph_scores(D, U, T)
    assert math.isnan(no_probs.brier)


def test_cpdag_of_chains_colliders_and_meek_rules() -> None:
    # a -> b -> c: one equivalence class with no compelled edge
    chain = np.zeros((3, 3), dtype=bool)
    chain[0, 1] = chain[1, 2] = True
    D, U = cpdag(chain)
    assert not D.any() and U[0, 1] and U[1, 2] and not U[0, 2]
    # a -> c <- b, c -> d: the collider is compelled, and Meek R1 compels c -> d
    col = np.zeros((4, 4), dtype=bool)
    col[0, 2] = col[1, 2] = col[2, 3] = True
    D, U = cpdag(col)
    assert D[0, 2] and D[1, 2] and D[2, 3] and not U.any()
    # a shielded triangle has no v-structure: its whole class is undirected
    tri = np.zeros((3, 3), dtype=bool)
    tri[0, 1] = tri[1, 2] = tri[0, 2] = True
    D, U = cpdag(tri)
    assert not D.any() and int(np.triu(U).sum()) == 3
    with pytest.raises(InputError):
        cpdag(np.ones((2, 2), dtype=bool))


def test_shd_against_the_cpdag_does_not_count_unorientable_edges() -> None:
    chain = np.zeros((3, 3), dtype=bool)
    chain[0, 1] = chain[1, 2] = True
    undirected = chain | chain.T
    none = np.zeros((3, 3), dtype=bool)
    assert shd(none, undirected, chain) == 2  # against the DAG both undirected edges are errors
    assert shd_cpdag(none, undirected, chain) == 0  # against its class they are exactly right
    assert shd_cpdag(chain, none, chain) == 2  # orienting an unorientable edge is an error there
    col = np.zeros((3, 3), dtype=bool)
    col[0, 2] = col[1, 2] = True
    assert shd_cpdag(col, none, col) == 0 and shd_cpdag(none, col | col.T, col) == 2
