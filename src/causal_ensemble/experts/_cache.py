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

import contextlib
import functools
import hashlib
import inspect
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from causal_ensemble.experts._base import Expert, KnowledgeMasks
from causal_ensemble.experts._graph import EndpointGraph

logger = logging.getLogger(__name__)

CACHE_ENV = "CEA_CACHE_DIR"
FORMAT = 1  # bump when the entry layout changes
_LIBRARIES = ("causal-learn", "lingam", "numpy", "scipy", "scikit-learn")


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


@functools.lru_cache(maxsize=64)
def _file_digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
    except OSError:
        return "unknown"


@functools.lru_cache(maxsize=1)
def _library_versions() -> str:
    parts = []
    for name in _LIBRARIES:
        try:
            parts.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name}=?")
    return ";".join(parts)


def code_version(expert: Expert) -> str:
    """The code a fit depends on: the expert's own module, the shared contract and the libraries.

    Hashing the source files (rather than trusting the package version) means an edited expert never
    serves stale fits during development.
    """
    from causal_ensemble.experts import _base, _graph

    files = [inspect.getsourcefile(type(expert)), inspect.getsourcefile(_base), inspect.getsourcefile(_graph)]
    return ";".join([*(_file_digest(f) for f in files if f), _library_versions(), f"format={FORMAT}"])


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in sorted(value.items())}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def fit_key(expert: Expert, data_hash: str, rows: npt.NDArray[np.int64] | None, masks_hash: str) -> str:
    """Key of one fit; ``expert`` is the per-job clone, so its parameters include the job's seed."""
    spec = {
        "data": data_hash,
        "expert": f"{type(expert).__module__}.{type(expert).__qualname__}",
        "name": expert.name,
        "params": _jsonable(expert.get_params()),
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
