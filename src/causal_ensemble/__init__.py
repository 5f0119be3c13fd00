"""causal-ensemble: the Causal Ensemble Agent.

Several causal-discovery experts run on the data and on bootstrap resamples; their beliefs about each
pair of variables are pooled at the adjacency, orientation and ancestral levels; decisions near the
threshold are contested and may be settled by a referee; the result is an acyclic graph in which every
edge carries a probability and its provenance.
"""

from causal_ensemble import _clock
from causal_ensemble._errors import (
    CausalEnsembleError,
    DataError,
    DescriptionsError,
    ExpertError,
    ExpertTimeoutError,
    InputError,
    KnowledgeError,
    LLMBudgetError,
    LLMError,
    LLMTimeoutError,
    LLMTransientError,
    ModelNotInstalledError,
    ParameterError,
    UnknownNameError,
    UnsupportedDataError,
)
from causal_ensemble._pipeline import Ensemble, PanelFit, discover, package_version
from causal_ensemble._result import (
    ContestedRecord,
    DecisionRecord,
    Edge,
    EnsembleResult,
    ExpertOpinion,
    ExpertReport,
    RefereeReport,
    RefereeVerdictRecord,
    Variable,
)
from causal_ensemble._result_load import read_result
from causal_ensemble.assemble import AssemblyAction, EdgeType, SettledBy
from causal_ensemble.data import Dataset, Knowledge, from_frame, load_descriptions, load_knowledge, load_table
from causal_ensemble.experts import Expert, FitStatus, available_experts, make_expert
from causal_ensemble.pooling import Level
from causal_ensemble.referee import Referee, RefereeKind
from causal_ensemble.report import write_outputs

__version__ = package_version()
_IMPORT_SECONDS = _clock.seconds_since_import()  # what importing the package took (see _clock)

__all__ = [
    "AssemblyAction",
    "CausalEnsembleError",
    "ContestedRecord",
    "DataError",
    "Dataset",
    "DecisionRecord",
    "DescriptionsError",
    "Edge",
    "EdgeType",
    "Ensemble",
    "EnsembleResult",
    "Expert",
    "ExpertError",
    "ExpertOpinion",
    "ExpertReport",
    "ExpertTimeoutError",
    "FitStatus",
    "InputError",
    "Knowledge",
    "KnowledgeError",
    "LLMBudgetError",
    "LLMError",
    "LLMTimeoutError",
    "LLMTransientError",
    "Level",
    "ModelNotInstalledError",
    "PanelFit",
    "ParameterError",
    "Referee",
    "RefereeKind",
    "RefereeReport",
    "RefereeVerdictRecord",
    "SettledBy",
    "UnknownNameError",
    "UnsupportedDataError",
    "Variable",
    "__version__",
    "available_experts",
    "discover",
    "from_frame",
    "load_descriptions",
    "load_knowledge",
    "load_table",
    "make_expert",
    "read_result",
    "write_outputs",
]
