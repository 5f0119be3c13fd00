"""Background knowledge: tiers (temporal or logical order), required and forbidden edges."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from causal_ensemble._errors import KnowledgeError
from causal_ensemble.data._descriptions import _read_structured

_KEYS = ("tiers", "required", "forbidden")


@dataclass(frozen=True)
class Knowledge:
    """What the analyst knows for sure. Tiers: no edge from a later tier to an earlier one."""

    tiers: tuple[tuple[str, ...], ...] = ()
    required: tuple[tuple[str, str], ...] = ()
    forbidden: tuple[tuple[str, str], ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.tiers or self.required or self.forbidden)

    def tier_of(self, name: str) -> int | None:
        for k, tier in enumerate(self.tiers):
            if name in tier:
                return k
        return None

    def forbidden_matrix(self, names: Sequence[str]) -> npt.NDArray[np.bool_]:
        idx = {n: k for k, n in enumerate(names)}
        d = len(names)
        f = np.zeros((d, d), dtype=bool)
        for s, t in self.forbidden:
            f[idx[s], idx[t]] = True
        tiers = [self.tier_of(n) for n in names]
        for i, ti in enumerate(tiers):
            for j, tj in enumerate(tiers):
                if ti is not None and tj is not None and ti > tj:
                    f[i, j] = True
        return f

    def required_matrix(self, names: Sequence[str]) -> npt.NDArray[np.bool_]:
        idx = {n: k for k, n in enumerate(names)}
        d = len(names)
        r = np.zeros((d, d), dtype=bool)
        for s, t in self.required:
            r[idx[s], idx[t]] = True
        return r


def _edges(obj: object, key: str, names: Sequence[str], source: str) -> tuple[tuple[str, str], ...]:
    if obj is None:
        return ()
    if not isinstance(obj, list):
        raise KnowledgeError(f"{source}: '{key}' must be a list of [source, target] pairs")
    out = []
    for item in obj:
        if not isinstance(item, list | tuple) or len(item) != 2 or not all(isinstance(x, str) for x in item):
            raise KnowledgeError(f"{source}: '{key}' entry {item!r} is not a pair of two variable names")
        s, t = item
        for n in (s, t):
            if n not in names:
                raise KnowledgeError(f"{source}: '{key}' entry {item!r} names unknown variable {n!r}")
        if s == t:
            raise KnowledgeError(f"{source}: '{key}' entry {item!r} is a self-edge")
        out.append((s, t))
    return tuple(out)


def validate_knowledge(obj: Mapping[str, object], names: Sequence[str], source: str) -> Knowledge:
    if obj is None:
        return Knowledge()
    if not isinstance(obj, Mapping):
        raise KnowledgeError(f"{source}: knowledge must be a mapping with keys {', '.join(_KEYS)}")
    unknown = [k for k in obj if k not in _KEYS]
    if unknown:
        raise KnowledgeError(
            f"{source}: unknown key {', '.join(repr(u) for u in unknown)}; allowed: {', '.join(_KEYS)}"
        )
    raw_tiers = obj.get("tiers") or []
    if not isinstance(raw_tiers, list) or not all(isinstance(t, list) for t in raw_tiers):
        raise KnowledgeError(f"{source}: 'tiers' must be a list of lists of variable names")
    seen: dict[str, int] = {}
    tiers = []
    for k, tier in enumerate(raw_tiers):
        for n in tier:
            if not isinstance(n, str) or n not in names:
                raise KnowledgeError(f"{source}: tier {k + 1} names unknown variable {n!r}")
            if n in seen:
                raise KnowledgeError(f"{source}: variable {n!r} is in tier {seen[n] + 1} and tier {k + 1}")
            seen[n] = k
        tiers.append(tuple(tier))
    required = _edges(obj.get("required"), "required", names, source)
    forbidden = _edges(obj.get("forbidden"), "forbidden", names, source)
    clash = set(required) & set(forbidden)
    if clash:
        s, t = sorted(clash)[0]
        raise KnowledgeError(f"{source}: edge [{s!r}, {t!r}] is both required and forbidden")
    for s, t in required:
        if s in seen and t in seen and seen[s] > seen[t]:
            raise KnowledgeError(
                f"{source}: required edge [{s!r}, {t!r}] goes from a later tier to an earlier one"
            )
    know = Knowledge(tuple(tiers), required, forbidden)
    _check_required_acyclic(know, names, source)
    return know


def _check_required_acyclic(know: Knowledge, names: Sequence[str], source: str) -> None:
    r = know.required_matrix(names)
    reach = r.copy()
    for k in range(len(names)):
        reach |= np.outer(reach[:, k], reach[k, :])
    if np.any(np.diag(reach)):
        bad = names[int(np.flatnonzero(np.diag(reach))[0])]
        raise KnowledgeError(f"{source}: required edges form a directed cycle through {bad!r}")


def load_knowledge(path: str | os.PathLike[str], names: Sequence[str]) -> Knowledge:
    p = Path(path)
    obj = _read_structured(p, "knowledge", KnowledgeError)
    if not isinstance(obj, Mapping):
        raise KnowledgeError(f"{p}: knowledge must be a mapping with keys {', '.join(_KEYS)}")
    return validate_knowledge(obj, names, str(p))
