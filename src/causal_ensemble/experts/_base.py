"""The expert contract shared by every causal-discovery algorithm in the ensemble.

Experts follow scikit-learn's estimator conventions so that the ensemble can clone them per bootstrap
resample and key caches on their parameters: ``__init__`` only stores its arguments, :meth:`Expert.fit`
validates the input and returns ``self``, and learned state ends in ``_`` (``graph_``, ``seconds_``).
"""

from __future__ import annotations

import contextlib
import inspect
import io
import logging
import random
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Self, TextIO

import numpy as np
import numpy.typing as npt

from causal_ensemble._errors import ExpertError, InputError, UnsupportedDataError
from causal_ensemble.experts._graph import EndpointGraph, Mark

logger = logging.getLogger(__name__)

FloatMatrix = npt.NDArray[np.float64]
BoolMatrix = npt.NDArray[np.bool_]


class DataKind(StrEnum):
    """What kind of columns a table holds, which decides the tests and scores an expert may use."""

    CONTINUOUS = "continuous"
    DISCRETE = "discrete"
    MIXED = "mixed"


class Family(StrEnum):
    CONSTRAINT = "constraint-based"
    SCORE = "score-based"
    PERMUTATION = "permutation-based"
    FUNCTIONAL = "functional (LiNGAM)"
    ADDITIVE_NOISE = "additive noise (nonlinear)"
    CONTINUOUS_OPTIMISATION = "continuous optimisation"


@dataclass(frozen=True)
class KnowledgeMasks:
    """Background knowledge as index masks, so experts need not know variable names.

    ``forbidden[i, j]`` forbids the directed edge i -> j (tiers included); ``required[i, j]`` requires it;
    ``no_path[i, j]`` rules out any directed path i -> j, which only tiers imply (a single forbidden edge
    does not), and which path-based methods such as LiNGAM can use natively.
    """

    forbidden: BoolMatrix
    required: BoolMatrix
    no_path: BoolMatrix | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.forbidden.any() or self.required.any())

    @classmethod
    def none(cls, d: int) -> KnowledgeMasks:
        z = np.zeros((d, d), dtype=bool)
        return cls(z, z.copy())


def data_kind(discrete: npt.NDArray[np.bool_]) -> DataKind:
    if discrete.all():
        return DataKind.DISCRETE
    if not discrete.any():
        return DataKind.CONTINUOUS
    return DataKind.MIXED


def standardise_continuous(X: FloatMatrix, discrete: npt.NDArray[np.bool_]) -> FloatMatrix:
    """A copy of ``X`` whose continuous columns are centred and scaled to unit (population) variance.

    Experts whose loss is not scale-invariant (least squares) orient edges from lower- to higher-variance
    variables, so on raw columns recording one variable in km instead of m could reverse edges; they
    call this first so that units and offsets cannot change their graph. Discrete columns hold category
    codes, whose spacing is a coding convention rather than a unit, and are left as they are. A constant
    column is only centred.
    """
    out = np.array(X, dtype=np.float64)
    cont = ~np.asarray(discrete, dtype=bool)
    if not cont.any():
        return out
    cols = out[:, cont]
    centred = cols - cols.mean(axis=0)
    sd = centred.std(axis=0)
    out[:, cont] = centred / np.where(sd > 0, sd, 1.0)
    return out


class Expert(ABC):
    """A causal-discovery algorithm turned into a panel member.

    Subclasses declare who they are (``name``, ``family``, the ``assumptions`` a referee should weigh,
    the data kinds they ``supports``, whether they take background knowledge natively) and implement
    :meth:`_fit`, which returns an :class:`EndpointGraph`. Knowledge an expert cannot take natively is
    enforced on its output afterwards, so every expert's graph respects it.
    """

    name: ClassVar[str]
    family: ClassVar[Family]
    assumptions: ClassVar[tuple[str, ...]]
    supports: ClassVar[frozenset[DataKind]]
    native_knowledge: ClassVar[bool] = False

    random_state: int | None

    # -- scikit-learn style parameter handling -------------------------------------------------------
    # These follow sklearn.base.BaseEstimator's semantics (``deep``, ``name__sub`` keys) without
    # inheriting from it, so that ``sklearn.base.clone`` and sklearn's model-selection tools work on
    # experts while the contract here stays independent of sklearn's tags and HTML repr machinery.
    @classmethod
    def _param_names(cls) -> list[str]:
        """The constructor's arguments, which are exactly the parameters (sklearn's rule)."""
        sig = inspect.signature(cls.__init__)
        names = []
        for p in sig.parameters.values():
            if p.name == "self":
                continue
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise TypeError(
                    f"{cls.__name__}.__init__ takes *args or **kwargs; experts must name every parameter "
                    "so that get_params, clone and the fit cache see them"
                )
            names.append(p.name)
        return names

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Constructor arguments by name; with ``deep``, a parameter that is itself an estimator also
        contributes its own parameters as ``name__sub`` (sklearn's convention)."""
        out: dict[str, Any] = {}
        for name in self._param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{k}", v) for k, v in value.get_params().items())
            out[name] = value
        return out

    def set_params(self, **params: Any) -> Self:
        """Set parameters (``name__sub`` reaches into a nested estimator); learned state is left alone,
        as in sklearn, so call :meth:`fit` again afterwards."""
        if not params:
            return self
        valid = self.get_params(deep=True)
        nested: dict[str, dict[str, Any]] = {}
        for full_key, value in params.items():
            key, delim, sub_key = full_key.partition("__")
            if key not in valid:
                raise InputError(
                    f"expert {self.name!r} has no parameter {key!r}; parameters: {self._param_names()}"
                )
            if delim:
                if not hasattr(valid[key], "set_params"):
                    raise InputError(
                        f"expert {self.name!r}: parameter {key!r} is not an estimator, so "
                        f"{full_key!r} names nothing"
                    )
                nested.setdefault(key, {})[sub_key] = value
            else:
                setattr(self, key, value)
                valid[key] = value
        for key, sub_params in nested.items():
            valid[key].set_params(**sub_params)
        return self

    def clone(self, **overrides: Any) -> Self:
        """A fresh, unfitted copy with the same parameters (and ``overrides``).

        Unlike ``sklearn.base.clone`` the parameter values are shared, not deep-copied: they are
        scalars and strings here, and the bootstrap makes one clone per resample.
        """
        params = self.get_params(deep=False)
        unknown = set(overrides) - set(params)
        if unknown:
            raise InputError(
                f"expert {self.name!r} has no parameter {sorted(unknown)[0]!r}; "
                f"parameters: {self._param_names()}"
            )
        params.update(overrides)
        return type(self)(**params)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params(deep=False).items())
        return f"{type(self).__name__}({args})"

    # -- fitting --------------------------------------------------------------------------------------
    def check_supported(self, kind: DataKind) -> None:
        if kind not in self.supports:
            allowed = ", ".join(sorted(k.value for k in self.supports))
            raise UnsupportedDataError(
                f"expert {self.name!r} cannot be used on {kind.value} data (it supports: {allowed})"
            )

    def fit(
        self,
        X: npt.ArrayLike,
        *,
        discrete: npt.ArrayLike | None = None,
        knowledge: KnowledgeMasks | None = None,
    ) -> Self:
        """Learn a graph from ``X`` (rows = samples); discrete columns hold integer codes 0..k-1."""
        data = np.asarray(X, dtype=np.float64)
        if data.ndim != 2 or data.shape[1] < 2:
            raise InputError(f"X must be a 2-D array with at least 2 columns, got shape {data.shape}")
        if data.shape[0] < 3:
            raise InputError(f"X must have at least 3 rows, got {data.shape[0]}")
        if not np.isfinite(data).all():
            raise InputError("X contains NaN or infinite values")
        d = data.shape[1]
        disc = np.zeros(d, dtype=bool) if discrete is None else np.asarray(discrete, dtype=bool)
        if disc.shape != (d,):
            raise InputError(f"discrete must have one flag per column ({d}), got shape {disc.shape}")
        masks = knowledge if knowledge is not None else KnowledgeMasks.none(d)
        if masks.forbidden.shape != (d, d) or masks.required.shape != (d, d):
            raise InputError(f"knowledge masks must have shape ({d}, {d})")
        kind = data_kind(disc)
        self.check_supported(kind)
        start = time.perf_counter()
        try:
            with _quiet():
                graph = self._fit(data, disc, kind, masks)
        except (InputError, TimeoutError):
            raise
        except Exception as exc:
            raise ExpertError(f"expert {self.name!r} failed: {type(exc).__name__}: {exc}") from exc
        self.graph_ = enforce_knowledge(graph, masks)
        self.seconds_ = time.perf_counter() - start
        self.n_features_in_ = d
        return self

    @abstractmethod
    def _fit(
        self, X: FloatMatrix, discrete: npt.NDArray[np.bool_], kind: DataKind, knowledge: KnowledgeMasks
    ) -> EndpointGraph:
        """Run the algorithm; validation, timing and knowledge enforcement are done by :meth:`fit`."""


def enforce_knowledge(graph: EndpointGraph, knowledge: KnowledgeMasks) -> EndpointGraph:
    """Make a graph respect background knowledge after the fact.

    A forbidden direction on an edge the data supports is turned around (the adjacency is evidence; the
    direction is not allowed) unless both directions are forbidden, in which case the edge goes. Required
    edges are added as directed edges.
    """
    if knowledge.is_empty:
        return graph
    m = graph.marks.copy()
    f = knowledge.forbidden
    d = m.shape[0]
    for i in range(d):
        for j in range(i + 1, d):
            if m[i, j] == Mark.NONE:
                continue
            if f[i, j] and f[j, i]:
                m[i, j] = m[j, i] = Mark.NONE
            elif f[i, j] and not (m[j, i] == Mark.ARROW and m[i, j] == Mark.TAIL):
                m[j, i], m[i, j] = Mark.ARROW, Mark.TAIL  # j -> i
            elif f[j, i] and not (m[i, j] == Mark.ARROW and m[j, i] == Mark.TAIL):
                m[i, j], m[j, i] = Mark.ARROW, Mark.TAIL  # i -> j
    req = np.argwhere(knowledge.required)
    for i, j in req:
        m[i, j], m[j, i] = Mark.ARROW, Mark.TAIL
    return EndpointGraph(m)


class _Discard(io.TextIOBase):
    """A stdout that drops what is written, without growing like a StringIO would."""

    def write(self, s: str) -> int:
        return len(s)


class _Silencer:
    """Process-wide, reference-counted redirection of ``sys.stdout``.

    ``contextlib.redirect_stdout`` is not thread-safe: when two fits overlap in a Dask worker's threads,
    the one that ends last restores the *other* fit's redirect and stdout stays swallowed for good. Here
    the first fit to start swaps stdout out and the last one to finish puts it back.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._saved: TextIO | None = None

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._saved = sys.stdout
                sys.stdout = _Discard()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and self._saved is not None:
                    sys.stdout = self._saved
                    self._saved = None


_quiet = _Silencer()
"""Silence third-party algorithms that print progress to stdout (causal-learn does)."""

# Re-entrant, so an expert whose search calls another seeded search in the same thread cannot deadlock.
_GLOBAL_RNG_LOCK = threading.RLock()


@contextlib.contextmanager
def seeded_global_rng(seed: int | None) -> Iterator[None]:
    """Seed the global ``random``/``numpy.random`` state for a library that only uses the global state.

    Our own code never uses global random state; some third-party algorithms (causal-learn's GRaSP and
    BOSS shuffle with ``random``) give us no other way to be reproducible. The global state is shared by
    every thread of the process, so the block holds a process-wide lock: two such fits in one Dask
    worker's threads run one after the other instead of drawing from each other's stream. The previous
    state is restored on exit so callers see no side effect.
    """
    with _GLOBAL_RNG_LOCK:
        py_state = random.getstate()
        np_state = np.random.get_state()
        try:
            if seed is not None:
                random.seed(seed)
                np.random.seed(seed % (2**32))
            yield
        finally:
            random.setstate(py_state)
            np.random.set_state(np_state)


def check_in_range(name: str, value: float, low: float, high: float, *, expert: str) -> None:
    if not (low <= value <= high):
        raise InputError(f"expert {expert!r}: parameter {name}={value!r} must be in [{low}, {high}]")


def check_choice(name: str, value: str, choices: Sequence[str], *, expert: str) -> None:
    if value not in choices:
        raise InputError(f"expert {expert!r}: parameter {name}={value!r} must be one of {list(choices)}")
