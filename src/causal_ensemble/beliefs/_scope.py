"""How far the experts' orientations are believed: as they drew them, or only up to equivalence.

An expert that returns a DAG (LiNGAM, NOTEARS, DAGMA, CAM) orients every edge; where its identifying
assumption fails, the orientations its Markov equivalence class leaves open are conventions of its
search. Under ``OrientationScope.CPDAG`` each such DAG is read as its equivalence class (the CPDAG:
skeleton, v-structures and the arrows they compel), so that it speaks at the orientation level only
where conditional independences alone would. ``AUTO`` chooses CPDAG when the table is consistent with a
joint Gaussian (``data.check_gaussianity``), the case where the equivalence class is all the data can
identify, and keeps the experts' own orientations otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from causal_ensemble._errors import ParameterError
from causal_ensemble.beliefs._levels import ExpertBeliefs, beliefs_from_graphs
from causal_ensemble.data._gaussianity import GaussianityCheck, check_gaussianity
from causal_ensemble.experts._causallearn import from_causallearn
from causal_ensemble.experts._execution import BootstrapResult
from causal_ensemble.experts._graph import EndpointGraph
from causal_ensemble.experts._search import dag_to_cpdag


class OrientationScope(StrEnum):
    """``--orientations``: ``auto`` (CPDAG on Gaussian-looking tables), ``cpdag`` or ``dag``."""

    AUTO = "auto"
    CPDAG = "cpdag"
    DAG = "dag"


def parse_orientation_scope(value: str | OrientationScope) -> OrientationScope:
    try:
        return OrientationScope(value)
    except ValueError:
        choices = ", ".join(s.value for s in OrientationScope)
        raise ParameterError("orientations", f"must be one of {choices}, got {value!r}") from None


def equivalence_class(graph: EndpointGraph) -> EndpointGraph:
    """The CPDAG of a DAG; any other graph (already partly undirected, a PAG, or cyclic) unchanged."""
    directed = graph.directed()
    adjacency = graph.adjacency()
    if not np.any(adjacency) or np.any(adjacency != (directed | directed.T)):
        return graph
    d = graph.n_nodes
    cl = np.zeros((d, d), dtype=np.int64)  # causal-learn's encoding: cl[j, i] = 1, cl[i, j] = -1 for i -> j
    src, dst = np.nonzero(directed)
    cl[dst, src] = 1
    cl[src, dst] = -1
    try:
        return from_causallearn(dag_to_cpdag(cl))
    except ValueError:  # a cycle: no equivalence class to speak of
        return graph


@dataclass(frozen=True)
class PanelBeliefs:
    """Every expert's beliefs (``None`` for one without graphs), the scope they were read in, and the
    check behind an ``auto`` choice (``None`` when the scope was given)."""

    beliefs: list[ExpertBeliefs | None]
    scope: OrientationScope
    check: GaussianityCheck | None

    def note(self) -> str | None:
        """A line for the run's notes when ``auto`` reduced the experts' DAGs to equivalence classes."""
        if self.check is None or self.scope is not OrientationScope.CPDAG:
            return None
        return (
            f"orientations: the table is consistent with a joint Gaussian ({self.check.reason}), where "
            "only the Markov equivalence class is identifiable; every expert's DAG was read as its CPDAG "
            "(--orientations dag keeps their own orientations)"
        )


def panel_beliefs(
    runs: Sequence[BootstrapResult],
    X: npt.NDArray[np.float64],
    discrete: npt.NDArray[np.bool_],
    scope: OrientationScope | str = OrientationScope.AUTO,
    names: Sequence[str] | None = None,
) -> PanelBeliefs:
    """The panel's beliefs in the orientation scope ``scope`` (``auto`` resolved on ``X``)."""
    scope = parse_orientation_scope(scope)
    check = None
    if scope is OrientationScope.AUTO:
        check = check_gaussianity(X, discrete, names=names)
        scope = OrientationScope.CPDAG if check.gaussian else OrientationScope.DAG
    beliefs: list[ExpertBeliefs | None] = []
    for r in runs:
        if not r.graphs:
            beliefs.append(None)
            continue
        graphs = r.graphs
        if scope is OrientationScope.CPDAG:
            graphs = [equivalence_class(g) for g in graphs]
        beliefs.append(beliefs_from_graphs(r.name, graphs))
    return PanelBeliefs(beliefs, scope, check)
