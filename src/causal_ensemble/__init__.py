"""causal-ensemble: the Causal Ensemble Agent.

Several causal-discovery experts run on the data and on bootstrap resamples; their beliefs about each
pair of variables are pooled at the adjacency, orientation and ancestral levels; decisions near the
threshold are contested and may be settled by a referee; the result is an acyclic graph in which every
edge carries a probability and its provenance.
"""

from causal_ensemble._discover import RunSettings, discover, package_version
from causal_ensemble._errors import (
    CausalEnsembleError,
    DataError,
    DescriptionsError,
    ExpertError,
    ExpertTimeoutError,
    InputError,
    KnowledgeError,
    UnknownNameError,
    UnsupportedDataError,
)
from causal_ensemble.assemble import Edge, EdgeType, EnsembleResult
from causal_ensemble.data import Dataset, Knowledge, from_frame, load_descriptions, load_knowledge, load_table
from causal_ensemble.experts import Expert, available_experts, make_expert
from causal_ensemble.report import write_outputs

__version__ = package_version()

__all__ = [
    "CausalEnsembleError",
    "DataError",
    "Dataset",
    "DescriptionsError",
    "Edge",
    "EdgeType",
    "EnsembleResult",
    "Expert",
    "ExpertError",
    "ExpertTimeoutError",
    "InputError",
    "Knowledge",
    "KnowledgeError",
    "RunSettings",
    "UnknownNameError",
    "UnsupportedDataError",
    "__version__",
    "available_experts",
    "discover",
    "from_frame",
    "load_descriptions",
    "load_knowledge",
    "load_table",
    "make_expert",
    "write_outputs",
]
