"""Sachs et al. (2005) flow-cytometry data, the standard real-data benchmark of causal discovery.

The bundled ``sachs.csv`` (7466 cells x 11 proteins) is cdt's ``cyto_full_data.csv``; see
``resources/sachs.md`` for provenance and licence. The values are kept on their measured scale: they are real
measurements, so there is no simulation artefact for standardisation to remove, and the published reference
results are computed on the raw values.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from causal_ensemble._errors import CausalEnsembleError, InputError

__all__ = [
    "SACHS_BNLEARN_NAMES",
    "SACHS_EDGES",
    "SACHS_ROWS",
    "load_sachs",
    "sachs_citation",
    "sachs_descriptions",
]

logger = logging.getLogger(__name__)

SACHS_ROWS = 7466

# bnlearn's node names -> the column names of the data file.
SACHS_BNLEARN_NAMES: dict[str, str] = {
    "Raf": "praf",
    "Mek": "pmek",
    "Plcg": "plcg",
    "PIP2": "PIP2",
    "PIP3": "PIP3",
    "Erk": "p44/42",
    "Akt": "pakts473",
    "PKA": "PKA",
    "PKC": "PKC",
    "P38": "P38",
    "Jnk": "pjnk",
}

# The 17-arc consensus network: the arcs of bnlearn's `sachs` network, renamed to the data's columns. Kept
# literal here (rather than read from the .bif) so the ground truth is visible in review; a test checks it
# against the .bif file.
SACHS_EDGES: tuple[tuple[str, str], ...] = (
    ("PKA", "P38"),
    ("PKA", "pakts473"),
    ("PKA", "p44/42"),
    ("PKA", "pjnk"),
    ("PKA", "pmek"),
    ("PKA", "praf"),
    ("PKC", "P38"),
    ("PKC", "PKA"),
    ("PKC", "pjnk"),
    ("PKC", "pmek"),
    ("PKC", "praf"),
    ("PIP3", "PIP2"),
    ("p44/42", "pakts473"),
    ("plcg", "PIP2"),
    ("plcg", "PIP3"),
    ("pmek", "p44/42"),
    ("praf", "pmek"),
)


def _resource_text(filename: str) -> str:
    return resources.files("causal_ensemble").joinpath("data", "resources", filename).read_text("utf-8")


@cache
def _metadata() -> dict[str, object]:
    parsed: dict[str, object] = json.loads(_resource_text("sachs.json"))
    return parsed


@cache
def _full_frame() -> pd.DataFrame:
    ref = resources.files("causal_ensemble").joinpath("data", "resources", "sachs.csv")
    with ref.open("rb") as fh:
        frame = pd.read_csv(fh)
    if frame.shape != (SACHS_ROWS, len(SACHS_BNLEARN_NAMES)):
        raise CausalEnsembleError(f"bundled sachs.csv has shape {frame.shape}, expected ({SACHS_ROWS}, 11)")
    return frame.astype(np.float64)


def sachs_descriptions() -> dict[str, str]:
    raw = _metadata()["descriptions"]
    if not isinstance(raw, dict):
        raise CausalEnsembleError("resource sachs.json has no 'descriptions' mapping")
    return {str(k): str(v) for k, v in raw.items()}


def sachs_citation() -> str:
    return str(_metadata()["citation"])


def load_sachs(n: int | None, rng: np.random.Generator) -> pd.DataFrame:
    """All 7466 rows in file order, or ``n`` rows drawn without replacement (kept in file order)."""
    full = _full_frame()
    if n is None:
        return full.copy()
    if n > SACHS_ROWS:
        raise InputError(f"dataset 'sachs' has {SACHS_ROWS} rows; cannot subsample n={n} without replacement")
    rows = np.sort(rng.choice(SACHS_ROWS, size=n, replace=False))
    logger.debug("subsampled %d of %d Sachs rows", n, SACHS_ROWS)
    return full.iloc[rows].reset_index(drop=True)
