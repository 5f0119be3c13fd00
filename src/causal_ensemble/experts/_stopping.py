"""When an expert needs no more resamples: its adjacency beliefs have stopped moving.

An expert's beliefs are the frequencies of each pair's adjacency over its resample graphs. Each new graph
moves a frequency by ``(x − p) / (m + 1)``: an expert whose graphs agree (a stable expert, or easy data)
stops moving at once, a noisy one keeps moving by about ``1 / m`` per graph. Resampling an expert stops
once no pair's frequency has moved by more than ``tolerance`` at any of the last ``window`` graphs (and
at least ``min_resamples`` were fitted), so time goes to the experts whose beliefs are still unsettled.
The default tolerance, 0.05, is half the default contested margin: movements below it cannot carry a
decision across the band a referee would be asked about.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from causal_ensemble._errors import ParameterError
from causal_ensemble.experts._graph import EndpointGraph


@dataclass(frozen=True)
class EarlyStopping:
    """The convergence rule (see the module docstring); ``None`` in its place resamples to the end."""

    tolerance: float = 0.05
    window: int = 3
    min_resamples: int = 5

    def __post_init__(self) -> None:
        if not 0.0 < self.tolerance < 1.0:
            raise ParameterError("early_stopping.tolerance", f"must be in (0, 1), got {self.tolerance}")
        if self.window < 1:
            raise ParameterError("early_stopping.window", f"must be >= 1, got {self.window}")
        if self.min_resamples < 1:
            raise ParameterError("early_stopping.min_resamples", f"must be >= 1, got {self.min_resamples}")


@dataclass
class ConvergenceMonitor:
    """Running adjacency frequencies of one expert, fed its resample graphs in resample order."""

    rule: EarlyStopping
    _sum: npt.NDArray[np.float64] | None = None
    _count: int = 0
    _moves: list[float] = field(default_factory=list)

    @property
    def count(self) -> int:
        return self._count

    def add(self, graph: EndpointGraph | None) -> None:
        """A failed fit (None) adds nothing: it neither settles nor unsettles the beliefs."""
        if graph is None:
            return
        adj = graph.adjacency().astype(np.float64)
        if self._sum is None:
            self._sum = np.zeros_like(adj)
        before = self._sum / self._count if self._count else None
        self._sum += adj
        self._count += 1
        if before is not None:
            self._moves.append(float(np.max(np.abs(self._sum / self._count - before))))

    @property
    def converged(self) -> bool:
        recent = self._moves[-self.rule.window :]
        return (
            self._count >= self.rule.min_resamples
            and len(recent) == self.rule.window
            and max(recent) <= self.rule.tolerance
        )
