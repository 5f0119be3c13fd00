from __future__ import annotations

import numpy as np
import pytest

from causal_ensemble.evaluate import structure_scores


def test_hand_worked_example() -> None:
    # truth: 0->1, 1->2, 2->3 ; predicted: 0->1 (right), 2->1 (reversed), 2-3 (undirected), 0->3 (extra)
    T = np.zeros((4, 4), dtype=bool)
    T[0, 1] = T[1, 2] = T[2, 3] = True
    D = np.zeros((4, 4), dtype=bool)
    D[0, 1] = D[2, 1] = D[0, 3] = True
    U = np.zeros((4, 4), dtype=bool)
    U[2, 3] = True
    s = structure_scores(D, U, T)
    assert s.shd == 3  # reversed 1-2, undirected 2-3, extra 0-3
    assert s.skeleton_precision == pytest.approx(3 / 4) and s.skeleton_recall == 1.0
    assert s.directed_precision == pytest.approx(1.5 / 4) and s.directed_recall == pytest.approx(1.5 / 3)
    strict = structure_scores(D, U, T, strict=True)
    assert strict.directed_recall == pytest.approx(1 / 3)


def test_perfect_and_empty() -> None:
    T = np.zeros((3, 3), dtype=bool)
    T[0, 1] = True
    assert structure_scores(T, np.zeros_like(T), T).shd == 0
    empty = structure_scores(np.zeros_like(T), np.zeros_like(T), T)
    assert empty.shd == 1 and empty.directed_f1 == 0.0
