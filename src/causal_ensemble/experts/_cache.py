"""An on-disk cache of single expert fits, so that rerunning with another referee, margin or threshold
(or resuming an interrupted run) recomputes no expert.

A fit is a pure function of the data, the expert's class and parameters (its seed included), the resample's
row indices, the knowledge masks and the code that runs it, so the key hashes exactly those. Entries are
small JSON files written to a temporary name and renamed (a crash never leaves half an entry under the
final name) and carry a checksum of their payload, so a corrupt or truncated entry is detected, logged,
removed and recomputed instead of being trusted.

Only outcomes that are a property of the inputs are cached: successful fits and ordinary failures. Time
outs and memory exhaustion depend on the limits and the machine, so they are tried again next time.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import importlib.util
import json
import logging
import os
import sys
import tempfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, packages_distributions, version
from pathlib import Path

import numpy as np
import numpy.typing as npt

from causal_ensemble.experts._base import Expert, KnowledgeMasks
from causal_ensemble.experts._graph import EndpointGraph
from causal_ensemble.experts._seeds import expert_params

logger = logging.getLogger(__name__)

CACHE_ENV = "CEA_CACHE_DIR"
FORMAT = 1  # bump when the entry layout changes
_PACKAGE = "causal_ensemble"
# Used under the hood by every expert (directly or through causal-learn and lingam), imported or not.
_BASE_LIBRARIES = ("numpy", "scipy", "scikit-learn")


def default_cache_dir() -> Path:
    """``$CEA_CACHE_DIR`` if set, else the platform's user cache directory."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("causal-ensemble")) / "fits"


def data_digest(X: npt.NDArray[np.float64], discrete: npt.NDArray[np.bool_]) -> str:
    """Hash of the table's values and column kinds (computed once per run, not per fit)."""
    h = hashlib.sha256()
    arr = np.ascontiguousarray(X, dtype=np.float64)
    h.update(repr(arr.shape).encode())
    h.update(arr.tobytes())
    h.update(np.ascontiguousarray(discrete, dtype=bool).tobytes())
    return h.hexdigest()


def masks_digest(masks: KnowledgeMasks) -> str:
    h = hashlib.sha256()
    for m in (masks.forbidden, masks.required, masks.no_path):
        h.update(b"-" if m is None else np.ascontiguousarray(m, dtype=bool).tobytes())
    return h.hexdigest()


def rows_digest(rows: npt.NDArray[np.int64] | None) -> str:
    if rows is None:
        return "full"
    return hashlib.sha256(np.ascontiguousarray(rows, dtype=np.int64).tobytes()).hexdigest()


def _module_path(name: str) -> Path | None:
    """Where a module's Python source lives, found without importing anything new."""
    module = sys.modules.get(name)
    origin = getattr(module, "__file__", None) if module is not None else None
    if origin is None and name.split(".")[0] == _PACKAGE:
        origin = _package_file(name)
    if origin is None:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            return None
        origin = spec.origin if spec is not None and spec.has_location else None
    if origin is None or not origin.endswith(".py"):
        return None
    return Path(origin)


_PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # src/causal_ensemble, without importing the package


@functools.lru_cache(maxsize=1024)
def _package_file(name: str) -> str | None:
    """The file of a module of this package, if ``name`` is one (and not a name defined in one)."""
    base = _PACKAGE_ROOT.joinpath(*name.split(".")[1:])
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return str(candidate)
    return None


def _module_source(name: str) -> str | None:
    """Source text of a module (``None`` when it has none we can read); every hashed byte comes from here."""
    path = _module_path(name)
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _imports(name: str, source: str) -> tuple[set[str], set[str]]:
    """Modules of this package, and top-level names of other packages, that ``source`` imports anywhere.

    Imports inside functions count: experts import their solvers lazily (PC's fit imports ``_fisherz``).
    ``from pkg import x`` names module ``pkg.x`` when that is a module of ours, else ``pkg`` itself.
    """
    ours: set[str] = set()
    theirs: set[str] = set()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ours, theirs
    path = _module_path(name)
    package = name if path is not None and path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top == _PACKAGE:
                    ours.add(alias.name)
                else:
                    theirs.add(top)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{node.module}" if node.module else anchor
            else:
                base = node.module or ""
            if base.split(".")[0] != _PACKAGE:
                if not node.level and base:
                    theirs.add(base.split(".")[0])
                continue
            submodules = {f"{base}.{a.name}" for a in node.names if _package_file(f"{base}.{a.name}")}
            ours |= submodules
            if len(submodules) < len(node.names):
                ours.add(base)
    return ours, theirs


def _module_closure(roots: tuple[str, ...]) -> tuple[list[str], set[str]]:
    """Every module of this package that ``roots`` import, transitively, and the third-party names."""
    seen: set[str] = set()
    third_party: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        source = _module_source(name)
        if source is None:
            continue
        ours, theirs = _imports(name, source)
        third_party |= theirs
        todo.extend(ours - seen)
    return sorted(seen), third_party - set(sys.stdlib_module_names) - {"__future__"}


@functools.lru_cache(maxsize=1)
def _distributions() -> dict[str, list[str]]:
    return dict(packages_distributions())


def _library_versions(import_names: set[str]) -> str:
    dists = set(_BASE_LIBRARIES)
    for top in import_names:
        dists.update(_distributions().get(top, []))
    parts = []
    for dist in sorted(dists, key=str.lower):
        try:
            parts.append(f"{dist}={version(dist)}")
        except PackageNotFoundError:
            parts.append(f"{dist}=?")
    return ";".join(parts)


@functools.lru_cache(maxsize=256)
def module_code_version(roots: tuple[str, ...]) -> str:
    """Digest of the modules ``roots`` (an expert class's modules) run, and their libraries' versions.

    Memoised because the walk reads and parses sources, too slow to repeat for every fit; a process
    does not run code edited after it imported it anyway.
    """
    modules, third_party = _module_closure(roots)
    h = hashlib.sha256()
    for name in modules:
        source = _module_source(name)
        h.update(f"{name}\0".encode())
        h.update(b"unknown" if source is None else source.encode("utf-8"))
        h.update(b"\0")
    return ";".join([h.hexdigest()[:32], _library_versions(third_party), f"format={FORMAT}"])


def code_version(expert: Expert) -> str:
    """The code a fit depends on: every module of this package that the expert's class imports,
    transitively (its solvers, the shared contract), and the versions of the libraries they use.

    Hashing the sources (rather than trusting the package version) means an edited expert or solver
    never serves stale fits during development.
    """
    roots = (cls.__module__ for cls in type(expert).__mro__ if cls.__module__ not in ("builtins", "abc"))
    return module_code_version(tuple(dict.fromkeys(roots)))


def fit_key(expert: Expert, data_hash: str, rows: npt.NDArray[np.int64] | None, masks_hash: str) -> str:
    """Key of one fit; ``expert`` is the per-job clone, so its parameters include the job's seed."""
    spec = {
        "data": data_hash,
        "expert": f"{type(expert).__module__}.{type(expert).__qualname__}",
        "name": expert.name,
        "params": expert_params(expert),
        "rows": rows_digest(rows),
        "knowledge": masks_hash,
        "code": code_version(expert),
    }
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class CachedFit:
    """What a cache entry holds: the outcome of one fit (a graph, or the error of a failed fit)."""

    ok: bool
    seconds: float
    graph: EndpointGraph | None
    error: str | None


class FitCache:
    """A directory of cache entries, two-level fan-out by key prefix."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.hits = 0
        self.misses = 0
        self.recovered = 0

    def __repr__(self) -> str:
        return f"FitCache({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> CachedFit | None:
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        except OSError as exc:
            logger.warning("fit cache: cannot read %s (%s); recomputing", path, exc)
            self.misses += 1
            return None
        entry = self._decode(raw, key)
        if entry is None:
            logger.warning("fit cache: entry %s is corrupt or partial; removing it and recomputing", path)
            self.recovered += 1
            self.misses += 1
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        self.hits += 1
        return entry

    @staticmethod
    def _decode(raw: bytes, key: str) -> CachedFit | None:
        try:
            envelope = json.loads(raw)
            payload = envelope["payload"]
            if hashlib.sha256(payload.encode()).hexdigest() != envelope["sha256"]:
                return None
            body = json.loads(payload)
            if body["key"] != key:
                return None
            graph = None
            if body["marks"] is not None:
                graph = EndpointGraph(np.asarray(body["marks"], dtype=np.int8))
            if bool(body["ok"]) != (graph is not None):
                return None
            return CachedFit(bool(body["ok"]), float(body["seconds"]), graph, body["error"])
        except (ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, fit: CachedFit) -> None:
        """Write an entry atomically; a cache that cannot be written is logged, never fatal."""
        body = {
            "key": key,
            "ok": fit.ok,
            "seconds": fit.seconds,
            "error": fit.error,
            "marks": None if fit.graph is None else fit.graph.marks.astype(int).tolist(),
        }
        payload = json.dumps(body, separators=(",", ":"))
        text = json.dumps(
            {"format": FORMAT, "sha256": hashlib.sha256(payload.encode()).hexdigest(), "payload": payload}
        )
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(text)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            logger.warning("fit cache: cannot write %s (%s); continuing without caching it", path, exc)


def resolve_cache(cache: FitCache | str | Path | bool | None) -> FitCache | None:
    """``None``/``False``: no cache; ``True``: the default directory; a path or a :class:`FitCache`."""
    if cache is None or cache is False:
        return None
    if cache is True:
        return FitCache(default_cache_dir())
    if isinstance(cache, FitCache):
        return cache
    return FitCache(cache)
