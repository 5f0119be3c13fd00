"""Exception tree of causal-ensemble.

Every error the library raises on purpose derives from :class:`CausalEnsembleError`, and each class also
subclasses the built-in exception a caller would naturally catch (``ValueError`` for bad input, ...), so
``except ValueError`` keeps working for code that does not know this library.
"""

from __future__ import annotations


class CausalEnsembleError(Exception):
    """Root of every error raised on purpose by causal-ensemble."""


class InputError(CausalEnsembleError, ValueError):
    """A user-supplied file, column or parameter is unusable; the message names it."""


class DataError(InputError):
    """The data table itself is unusable (empty, non-numeric text, NaN, constant column, ...)."""


class DescriptionsError(InputError):
    """The variable-descriptions file is malformed or names unknown variables."""


class KnowledgeError(InputError):
    """The background-knowledge file is malformed or contradicts itself."""


class UnknownNameError(InputError, KeyError):
    """A name (expert, dataset, referee, ...) is not one the library knows."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable.
        return str(self.args[0]) if self.args else ""


class ParameterError(InputError):
    """A parameter of the library (``Ensemble(n_bootstrap=-1)``) is out of range or of the wrong kind.

    ``parameter`` is the Python name; the command line maps it to its flag (``--bootstrap``), so each
    interface names the option in the user's own words.
    """

    def __init__(self, parameter: str, problem: str) -> None:
        super().__init__(f"{parameter} {problem}")
        self.parameter = parameter
        self.problem = problem


class UnsupportedDataError(InputError):
    """An expert cannot be used on this kind of data (e.g. LiNGAM on discrete columns)."""


class ExpertError(CausalEnsembleError, RuntimeError):
    """An expert failed while fitting; the ensemble records it and goes on."""


class ExpertTimeoutError(ExpertError, TimeoutError):
    """An expert ran past its time limit."""


class LLMError(CausalEnsembleError, RuntimeError):
    """A model call failed; the referee falls back to the statistical referee for that decision."""


class LLMTransientError(LLMError):
    """Worth retrying: HTTP 429, 5xx, a dropped connection."""


class LLMTimeoutError(LLMError, TimeoutError):
    """A call ran past its time limit."""


class LLMBudgetError(LLMError):
    """The per-run query budget is spent; no further model calls are made in this run."""


class ModelNotInstalledError(InputError):
    """The weights of the requested model are not installed; the message names the pip command."""
