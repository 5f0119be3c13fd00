"""Endpoint-mark graphs: the one representation every expert's output is converted to.

A graph over ``d`` variables is a ``(d, d)`` int8 matrix ``marks`` where ``marks[i, j]`` is the mark at
``j``'s end of the edge between ``i`` and ``j`` (``Mark.NONE`` on both ends when there is no edge). It covers
DAGs, CPDAGs (tail-tail = undirected) and PAGs (circles, bidirected) without ever confusing "undirected"
with "both directions".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from causal_ensemble._errors import InputError


class Mark(IntEnum):
    """Endpoint mark at one end of an edge."""

    NONE = 0
    TAIL = 1
    ARROW = 2
    CIRCLE = 3


MarkMatrix = npt.NDArray[np.int8]


@dataclass(frozen=True)
class EndpointGraph:
    """An immutable mixed graph given by its endpoint-mark matrix (see module docstring)."""

    marks: MarkMatrix

    def __post_init__(self) -> None:
        m = self.marks
        if m.ndim != 2 or m.shape[0] != m.shape[1]:
            raise InputError(f"marks must be a square matrix, got shape {m.shape}")
        present = m != Mark.NONE
        if np.any(present != present.T):
            raise InputError("marks must have a mark on both ends of every edge")
        if np.any(np.diag(m) != Mark.NONE):
            raise InputError("marks must have no self-loops")

    @property
    def n_nodes(self) -> int:
        return int(self.marks.shape[0])

    @classmethod
    def empty(cls, d: int) -> EndpointGraph:
        return cls(np.zeros((d, d), dtype=np.int8))

    @classmethod
    def from_dag(cls, adjacency: npt.ArrayLike) -> EndpointGraph:
        """From a 0/1 (or weighted) matrix with ``A[i, j] != 0`` meaning ``i -> j``."""
        a = np.asarray(adjacency) != 0
        np.fill_diagonal(a, False)
        if np.any(a & a.T):
            raise InputError("a DAG adjacency matrix cannot have edges in both directions")
        m = np.zeros(a.shape, dtype=np.int8)
        m[a] = Mark.ARROW
        m[a.T] = Mark.TAIL
        return cls(m)

    def adjacency(self) -> npt.NDArray[np.bool_]:
        return self.marks != Mark.NONE

    def directed(self) -> npt.NDArray[np.bool_]:
        """``D[i, j]`` is True for a fully directed edge ``i -> j`` (tail at i, arrow at j)."""
        m = self.marks
        return (m == Mark.ARROW) & (m.T == Mark.TAIL)

    def undirected(self) -> npt.NDArray[np.bool_]:
        m = self.marks
        return (m == Mark.TAIL) & (m.T == Mark.TAIL)

    def bidirected(self) -> npt.NDArray[np.bool_]:
        m = self.marks
        return (m == Mark.ARROW) & (m.T == Mark.ARROW)

    def with_edge(self, i: int, j: int, mark_at_i: Mark, mark_at_j: Mark) -> EndpointGraph:
        m = self.marks.copy()
        m[j, i] = mark_at_i
        m[i, j] = mark_at_j
        return EndpointGraph(m)
