"""The benchmark harness behind ``cea benchmark``: suites, the method registry, cached cells and reports.

Methods run in one harness on the same data; the experts are fitted once per dataset and seed and every
panel method (single experts, vote, bagging, CEA with each referee) is derived from those fits. LLM
methods use any object with the :class:`YesNoOracle` protocol.
"""

from causal_ensemble.benchmarks._harness import BenchmarkResults, Cell, RunRow, plan_cells, run_benchmark
from causal_ensemble.benchmarks._methods import DEFAULT_METHODS, METHODS, MethodSpec, parse_methods
from causal_ensemble.benchmarks._oracle import (
    AGREE_FACTOR,
    CausalQuestion,
    FakeOracle,
    OracleReferee,
    QuestionKind,
    Vocabulary,
    YesNoOracle,
    llm_breadth_first,
    llm_pairwise,
)
from causal_ensemble.benchmarks._report import compare_with_best_single, markdown_report, write_results
from causal_ensemble.benchmarks._suites import SUITES, DatasetSpec, SuiteName, SuiteSpec, get_suite

__all__ = [
    "AGREE_FACTOR",
    "DEFAULT_METHODS",
    "METHODS",
    "SUITES",
    "BenchmarkResults",
    "CausalQuestion",
    "Cell",
    "DatasetSpec",
    "FakeOracle",
    "MethodSpec",
    "OracleReferee",
    "QuestionKind",
    "RunRow",
    "SuiteName",
    "SuiteSpec",
    "Vocabulary",
    "YesNoOracle",
    "compare_with_best_single",
    "get_suite",
    "llm_breadth_first",
    "llm_pairwise",
    "markdown_report",
    "parse_methods",
    "plan_cells",
    "run_benchmark",
    "write_results",
]
