"""The seed of each single fit, derived from what the fit *is* rather than where it sits in a panel.

A seed built from the expert's position would change every later expert's fits (and cache keys) when
an expert is added to or removed from a panel. Hashing the run seed, the expert's name, its parameters
and the resample index instead keeps a fit's seed a property of that fit alone. The hash is blake2b
over a canonical JSON text, not Python's ``hash()``, which is salted per process.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

from causal_ensemble.experts._base import Expert

SEED_BYTES = 4  # seeds stay below 2**32, which every library we wrap accepts


def jsonable(value: Any) -> Any:
    """A canonical JSON-able form of a parameter value, so equal parameters hash equally."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in sorted(value.items())}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def expert_params(expert: Expert, *, with_seed: bool = True) -> dict[str, Any]:
    """The expert's parameters in canonical form; ``with_seed=False`` drops ``random_state``."""
    params = expert.get_params()
    if not with_seed:
        params.pop("random_state", None)
    out: dict[str, Any] = jsonable(params)
    return out


def job_seed(seed: int, expert: Expert, resample: int) -> int:
    """Seed of ``expert``'s fit on resample ``resample`` (-1: the full data) in a run seeded ``seed``."""
    spec = {
        "seed": int(seed),
        "expert": expert.name,
        "params": expert_params(expert, with_seed=False),
        "resample": int(resample),
    }
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    digest = hashlib.blake2b(text.encode(), digest_size=SEED_BYTES, person=b"cea-job-seed").digest()
    return int.from_bytes(digest, "big")
