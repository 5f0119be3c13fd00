"""Benchmark datasets with known causal graphs: real (Sachs), bnlearn networks, and synthetic SEMs.

``load_dataset(name)`` returns a :class:`BenchmarkData` (data frame, variable descriptions, true edges,
citation); ``export_dataset`` writes it as the files ``cea discover`` and ``cea evaluate`` read. Synthetic
data are standardised by default because raw simulated data leak the causal order through the variances
(see :func:`varsortability`).
"""

from causal_ensemble.data.datasets._registry import (
    BenchmarkData,
    DatasetInfo,
    export_dataset,
    list_datasets,
    load_dataset,
)
from causal_ensemble.data.datasets._synthetic import (
    GraphKind,
    Mechanism,
    NoiseKind,
    simulate_dag,
    simulate_sem,
    standardize_columns,
    varsortability,
)

__all__ = [
    "BenchmarkData",
    "DatasetInfo",
    "GraphKind",
    "Mechanism",
    "NoiseKind",
    "export_dataset",
    "list_datasets",
    "load_dataset",
    "simulate_dag",
    "simulate_sem",
    "standardize_columns",
    "varsortability",
]
