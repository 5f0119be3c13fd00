"""Background knowledge: tiers (temporal or logical order), required and forbidden edges.

Knowledge is applied as hard constraints by every expert, so a contradiction in it would make the search
impossible or silently favour one side; it is therefore refused up front, naming the item at fault.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from causal_ensemble._errors import KnowledgeError
from causal_ensemble.data._descriptions import _read_structured, _suggest

__all__ = ["Knowledge", "load_knowledge", "validate_knowledge"]

_KEYS = ("tiers", "required", "forbidden")
Edge = tuple[str, str]


@dataclass(frozen=True)
class Knowledge:
    """What the analyst knows for sure. Tiers: no edge from a later tier to an earlier one.

    Variables in no tier are unconstrained by the tiers. Build it with :func:`validate_knowledge` (or
    :func:`load_knowledge`) to have it checked against the data's variable names.
    """

    tiers: tuple[tuple[str, ...], ...] = ()
    required: tuple[Edge, ...] = ()
    forbidden: tuple[Edge, ...] = ()

    def __post_init__(self) -> None:
        # Accept lists from hand-written code, but store tuples so the object stays hashable.
        object.__setattr__(self, "tiers", tuple(tuple(_sequence(t, "tier")) for t in self.tiers))
        object.__setattr__(self, "required", tuple(_pair(e, "required") for e in self.required))
        object.__setattr__(self, "forbidden", tuple(_pair(e, "forbidden") for e in self.forbidden))

    @property
    def is_empty(self) -> bool:
        return not (self.tiers or self.required or self.forbidden)

    def tier_of(self, name: str) -> int | None:
        """The 0-based tier of ``name``, or ``None`` when it is in no tier."""
        for k, tier in enumerate(self.tiers):
            if name in tier:
                return k
        return None

    def forbidden_matrix(self, names: Sequence[str]) -> npt.NDArray[np.bool_]:
        """``F[i, j]`` is True when ``names[i] -> names[j]`` is forbidden, explicitly or by the tiers."""
        index = self._index(names)
        d = len(names)
        forbidden = np.zeros((d, d), dtype=bool)
        for s, t in self.forbidden:
            forbidden[index[s], index[t]] = True
        return forbidden | self.tier_matrix(names)

    def tier_matrix(self, names: Sequence[str]) -> npt.NDArray[np.bool_]:
        """``P[i, j]`` is True when the tiers put ``names[i]`` after ``names[j]``: then no edge and no
        directed path may lead from i to j (path-based experts such as LiNGAM can use this natively)."""
        self._index(names)
        tier = np.array([-1 if (k := self.tier_of(n)) is None else k for n in names], dtype=np.int64)
        placed = tier >= 0
        return (tier[:, None] > tier[None, :]) & placed[:, None] & placed[None, :]

    def required_matrix(self, names: Sequence[str]) -> npt.NDArray[np.bool_]:
        """``R[i, j]`` is True when ``names[i] -> names[j]`` is required."""
        index = self._index(names)
        d = len(names)
        required = np.zeros((d, d), dtype=bool)
        for s, t in self.required:
            required[index[s], index[t]] = True
        return required

    def _index(self, names: Sequence[str]) -> dict[str, int]:
        index = {n: k for k, n in enumerate(names)}
        mentioned = [n for tier in self.tiers for n in tier]
        mentioned += [n for edge in self.required + self.forbidden for n in edge]
        unknown = list(dict.fromkeys(n for n in mentioned if n not in index))
        if unknown:
            raise KnowledgeError(
                f"knowledge names {'a variable' if len(unknown) == 1 else 'variables'} not in the data: "
                f"{_suggest(unknown, names)}"
            )
        return index


def _sequence(obj: object, what: str) -> Sequence[object]:
    if isinstance(obj, str) or not isinstance(obj, Sequence):
        raise KnowledgeError(f"knowledge: a {what} must be a list of variable names, got {obj!r}")
    return obj


def _pair(obj: object, what: str) -> Edge:
    items = _sequence(obj, f"{what} edge")
    if len(items) != 2 or not all(isinstance(x, str) for x in items):
        raise KnowledgeError(f"knowledge: {what} edge {obj!r} is not a pair of two variable names")
    return (str(items[0]), str(items[1]))


def validate_knowledge(obj: Mapping[str, object], names: Sequence[str], source: str) -> Knowledge:
    """Check parsed knowledge (e.g. from YAML) against the variable names, refusing contradictions."""
    if not isinstance(obj, Mapping):
        raise KnowledgeError(
            f"{source}: knowledge must be a mapping with the optional keys {', '.join(_KEYS)}, "
            f"got {type(obj).__name__}"
        )
    unknown_keys = [str(k) for k in obj if k not in _KEYS]
    if unknown_keys:
        raise KnowledgeError(
            f"{source}: unknown {'key' if len(unknown_keys) == 1 else 'keys'} "
            f"{', '.join(repr(k) for k in unknown_keys)}; allowed: {', '.join(_KEYS)}"
        )
    known = set(names)
    tier_of: dict[str, int] = {}
    tiers = _tiers(obj.get("tiers"), names, known, tier_of, source)
    required = _edges(obj.get("required"), "required", names, known, source)
    forbidden = _edges(obj.get("forbidden"), "forbidden", names, known, source)

    clash = [e for e in required if e in set(forbidden)]
    if clash:
        s, t = clash[0]
        raise KnowledgeError(f"{source}: edge [{s!r}, {t!r}] is both required and forbidden")
    for s, t in required:
        if s in tier_of and t in tier_of and tier_of[s] > tier_of[t]:
            raise KnowledgeError(
                f"{source}: required edge [{s!r}, {t!r}] goes from a later tier ({tier_of[s] + 1}) "
                f"to an earlier one ({tier_of[t] + 1})"
            )
    knowledge = Knowledge(tiers, required, forbidden)
    _check_required_acyclic(knowledge, names, source)
    return knowledge


def _tiers(
    raw: object, names: Sequence[str], known: set[str], tier_of: dict[str, int], source: str
) -> tuple[tuple[str, ...], ...]:
    if raw is None:
        return ()
    if isinstance(raw, str) or not isinstance(raw, Sequence):
        raise KnowledgeError(f"{source}: 'tiers' must be a list of lists of variable names")
    tiers: list[tuple[str, ...]] = []
    for k, tier in enumerate(raw):
        label = f"tier {k + 1}"
        if isinstance(tier, str) or not isinstance(tier, Sequence):
            raise KnowledgeError(f"{source}: {label} must be a list of variable names, got {tier!r}")
        for name in tier:
            if not isinstance(name, str):
                raise KnowledgeError(f"{source}: {label} has {name!r}, which is not a variable name")
            if name not in known:
                raise KnowledgeError(f"{source}: {label} names unknown variable {_suggest([name], names)}")
            if name in tier_of:
                where = "twice in tier" if tier_of[name] == k else f"in tier {tier_of[name] + 1} and tier"
                raise KnowledgeError(f"{source}: variable {name!r} is {where} {k + 1}")
            tier_of[name] = k
        tiers.append(tuple(tier))
    return tuple(tiers)


def _edges(raw: object, key: str, names: Sequence[str], known: set[str], source: str) -> tuple[Edge, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str) or not isinstance(raw, Sequence):
        raise KnowledgeError(f"{source}: '{key}' must be a list of [source, target] pairs")
    edges: dict[Edge, None] = {}  # ordered set: a repeated edge is harmless
    for k, item in enumerate(raw, start=1):
        if (
            isinstance(item, str)
            or not isinstance(item, Sequence)
            or len(item) != 2
            or not all(isinstance(x, str) for x in item)
        ):
            raise KnowledgeError(
                f"{source}: '{key}' entry {k} ({item!r}) is not a pair of two variable names [source, target]"
            )
        s, t = str(item[0]), str(item[1])
        for name in (s, t):
            if name not in known:
                raise KnowledgeError(
                    f"{source}: '{key}' edge [{s!r}, {t!r}] names unknown variable {_suggest([name], names)}"
                )
        if s == t:
            raise KnowledgeError(f"{source}: '{key}' edge [{s!r}, {t!r}] is a self-edge")
        edges[(s, t)] = None
    return tuple(edges)


def _check_required_acyclic(knowledge: Knowledge, names: Sequence[str], source: str) -> None:
    """Required edges must fit in one DAG, else no expert can honour them all."""
    reach = knowledge.required_matrix(names)
    for k in range(len(names)):  # transitive closure (Warshall)
        reach |= np.outer(reach[:, k], reach[k, :])
    on_cycle = np.flatnonzero(np.diag(reach))
    if on_cycle.size:
        raise KnowledgeError(
            f"{source}: required edges form a directed cycle through {names[int(on_cycle[0])]!r}"
        )


def load_knowledge(path: str | os.PathLike[str], names: Sequence[str]) -> Knowledge:
    """Read knowledge from a YAML or JSON file with the optional keys tiers, required and forbidden."""
    p = Path(path)
    obj = _read_structured(p, "knowledge", KnowledgeError)
    if not isinstance(obj, Mapping):
        raise KnowledgeError(
            f"{p}: knowledge must be a mapping with the optional keys {', '.join(_KEYS)}, "
            f"got {type(obj).__name__}"
        )
    return validate_knowledge(obj, names, str(p))
