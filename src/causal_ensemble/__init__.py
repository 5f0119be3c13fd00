"""causal-ensemble: the Causal Ensemble Agent.

Several causal-discovery experts run on the data and on bootstrap resamples; their beliefs about each
pair of variables are pooled at the adjacency, orientation and ancestral levels; decisions near the
threshold are contested and may be settled by a referee; the result is an acyclic graph in which every
edge carries a probability and its provenance.

Importing the package is cheap: the names below other than the errors load their modules on first use (PEP
562), so that a worker process that only fits experts, or ``cea --help``, does not pay for scikit-learn,
pandas and the report (about 3 s on 2 cores: a tenth of a small run, paid by every worker).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from causal_ensemble._pipeline import Ensemble, PanelFit, discover
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
    from causal_ensemble.data import (
        Dataset,
        Knowledge,
        from_frame,
        load_descriptions,
        load_knowledge,
        load_table,
    )
    from causal_ensemble.experts import Expert, FitStatus, available_experts, make_expert
    from causal_ensemble.pooling import Level
    from causal_ensemble.referee import Referee, RefereeKind
    from causal_ensemble.report import write_outputs

# public name -> the module that defines it, imported on first use
_LAZY: dict[str, str] = {
    "AssemblyAction": "causal_ensemble.assemble",
    "ContestedRecord": "causal_ensemble._result",
    "Dataset": "causal_ensemble.data",
    "DecisionRecord": "causal_ensemble._result",
    "Edge": "causal_ensemble._result",
    "EdgeType": "causal_ensemble.assemble",
    "Ensemble": "causal_ensemble._pipeline",
    "EnsembleResult": "causal_ensemble._result",
    "Expert": "causal_ensemble.experts",
    "ExpertOpinion": "causal_ensemble._result",
    "ExpertReport": "causal_ensemble._result",
    "FitStatus": "causal_ensemble.experts",
    "Knowledge": "causal_ensemble.data",
    "Level": "causal_ensemble.pooling",
    "PanelFit": "causal_ensemble._pipeline",
    "Referee": "causal_ensemble.referee",
    "RefereeKind": "causal_ensemble.referee",
    "RefereeReport": "causal_ensemble._result",
    "RefereeVerdictRecord": "causal_ensemble._result",
    "SettledBy": "causal_ensemble.assemble",
    "Variable": "causal_ensemble._result",
    "available_experts": "causal_ensemble.experts",
    "discover": "causal_ensemble._pipeline",
    "from_frame": "causal_ensemble.data",
    "load_descriptions": "causal_ensemble.data",
    "load_knowledge": "causal_ensemble.data",
    "load_table": "causal_ensemble.data",
    "make_expert": "causal_ensemble.experts",
    "read_result": "causal_ensemble._result_load",
    "write_outputs": "causal_ensemble.report",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from causal_ensemble._version import package_version

        value: Any = package_version()
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'causal_ensemble' has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


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
