"""Assembly: pooled beliefs become one acyclic graph with per-edge probabilities."""

from causal_ensemble.assemble._assemble import (
    AssembledEdge,
    AssembledGraph,
    AssemblyDecision,
    EdgeType,
    assemble,
)

__all__ = ["AssembledEdge", "AssembledGraph", "AssemblyDecision", "EdgeType", "assemble"]

from causal_ensemble.assemble._result import (
    SCHEMA,
    ContestedRecord,
    Edge,
    EnsembleResult,
    ExpertOpinion,
    ExpertReport,
    RefereeReport,
    RefereeVerdictRecord,
    Variable,
)

__all__ += [
    "SCHEMA",
    "ContestedRecord",
    "Edge",
    "EnsembleResult",
    "ExpertOpinion",
    "ExpertReport",
    "RefereeReport",
    "RefereeVerdictRecord",
    "Variable",
]
