"""Model scoring: how well an expert's graph, read as a model, fits rows it did not see.

A separate stage between the experts and the pool, so that the pool only combines beliefs and the rule
that turns scores into weights can be swapped without touching either.
"""

from causal_ensemble.scoring._extension import consistent_extension, dag_parents, topological_order
from causal_ensemble.scoring._likelihood import (
    HeldOutSplit,
    HeldOutSplits,
    additive_rows,
    bic_penalty,
    gaussian_rows,
    heldout_gain,
    multinomial_rows,
    node_rows,
    oob_gains,
    residual_loglik,
)

__all__ = [
    "HeldOutSplit",
    "HeldOutSplits",
    "additive_rows",
    "bic_penalty",
    "consistent_extension",
    "dag_parents",
    "gaussian_rows",
    "heldout_gain",
    "multinomial_rows",
    "node_rows",
    "oob_gains",
    "residual_loglik",
    "topological_order",
]
