"""Data: loading and validating tables, variable descriptions and background knowledge."""

from causal_ensemble.data._descriptions import load_descriptions, validate_descriptions
from causal_ensemble.data._gaussianity import GaussianityCheck, check_gaussianity
from causal_ensemble.data._knowledge import Knowledge, load_knowledge, validate_knowledge
from causal_ensemble.data._table import Dataset, VariableType, from_frame, load_table

__all__ = [
    "Dataset",
    "GaussianityCheck",
    "Knowledge",
    "VariableType",
    "check_gaussianity",
    "from_frame",
    "load_descriptions",
    "load_knowledge",
    "load_table",
    "validate_descriptions",
    "validate_knowledge",
]
