"""Discrete bnlearn networks: a small BIF reader and a vectorised, seeded forward sampler.

The ``.bif.gz`` files come from pgmpy (pinned to 1.1.2, which bundles them), so nothing is downloaded. We
parse them ourselves rather than through ``pgmpy.readwrite.BIFReader`` because that parser takes about a
second per network, while the regular subset of BIF these files use parses in milliseconds; the test suite
cross-checks the result against pgmpy. pgmpy's own samplers draw from global random state, hence the sampler.

Samples are returned as **string state labels** (e.g. ``"TRUE"``, ``"LOW"``), one column per node, columns
in alphabetical order (bnlearn's node order, which carries no causal information). Labels that pandas' CSV
reader would turn into missing values (only ``"None"`` occurs) are lower-cased so exported data read back.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt
import pandas as pd

from causal_ensemble._errors import CausalEnsembleError

__all__ = [
    "BNLEARN_NETWORKS",
    "DiscreteNetwork",
    "network_citation",
    "network_descriptions",
    "read_network",
    "sample_network",
]

logger = logging.getLogger(__name__)

BNLEARN_NETWORKS: tuple[str, ...] = ("asia", "sachs", "child", "insurance", "alarm")

# pandas.read_csv's default missing-value strings (pandas._libs.parsers.STR_NA_VALUES, copied because it is
# private). A state spelled like one of these would come back from data.csv as NaN.
_CSV_NA_STRINGS = frozenset(
    {
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
        "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    }
)  # fmt: skip

_VARIABLE = re.compile(
    r"variable\s+(?P<name>[^\s{]+)\s*\{\s*type\s+discrete\s*\[\s*(?P<k>\d+)\s*\]\s*\{(?P<states>[^}]*)\}\s*;\s*\}"
)
_PROBABILITY = re.compile(
    r"probability\s*\(\s*(?P<child>[^|)\s]+)\s*(?:\|(?P<parents>[^)]*))?\)\s*\{(?P<body>[^}]*)\}"
)
_ROW = re.compile(r"\((?P<config>[^)]*)\)\s*(?P<probs>[^;]*);")
_TABLE = re.compile(r"table\s+(?P<probs>[^;]*);")


@dataclass(frozen=True)
class DiscreteNode:
    """One node: its states, parents, and conditional probability table.

    ``cpt[r, s]`` is P(node = states[s] | parents in configuration r), where r enumerates parent
    configurations in C order over ``parents`` (first parent most significant), as ``np.ravel_multi_index``.
    """

    name: str
    states: tuple[str, ...]
    parents: tuple[str, ...]
    parent_cards: tuple[int, ...]
    cpt: npt.NDArray[np.float64]


@dataclass(frozen=True)
class DiscreteNetwork:
    """A parsed network; ``nodes`` is in a topological order (parents before children)."""

    name: str
    nodes: tuple[DiscreteNode, ...]

    @property
    def arcs(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((p, node.name) for node in self.nodes for p in node.parents))

    @property
    def names(self) -> tuple[str, ...]:
        """Node names in bnlearn's (alphabetical) order, the column order of sampled frames."""
        return tuple(sorted((node.name for node in self.nodes), key=lambda s: (s.lower(), s)))


def _split(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def _parse_bif(name: str, text: str) -> DiscreteNetwork:
    def broken(why: str) -> CausalEnsembleError:
        return CausalEnsembleError(f"bnlearn network {name!r}: cannot read pgmpy's BIF file ({why})")

    states: dict[str, tuple[str, ...]] = {}
    for m in _VARIABLE.finditer(text):
        labels = tuple(_split(m["states"]))
        if len(labels) != int(m["k"]) or len(set(labels)) != len(labels):
            raise broken(f"variable {m['name']} declares {m['k']} states but lists {labels}")
        states[m["name"]] = labels
    if not states:
        raise broken("no variables")

    nodes: dict[str, DiscreteNode] = {}
    for m in _PROBABILITY.finditer(text):
        child = m["child"]
        parents = tuple(_split(m["parents"] or ""))
        if child not in states or any(p not in states for p in parents) or child in nodes:
            raise broken(f"bad probability block for {child}")
        k = len(states[child])
        shape = tuple(len(states[p]) for p in parents)
        n_rows = int(np.prod(shape, dtype=np.int64))
        cpt = np.full((n_rows, k), np.nan)
        body = m["body"]
        table = _TABLE.search(body)
        if table is not None:
            values = np.array(_split(table["probs"]), dtype=np.float64)
            if values.size != n_rows * k:
                raise broken(f"table of {child} has {values.size} entries, expected {n_rows * k}")
            # BIF 'table' lists the child's state as the slowest index, like pgmpy's TabularCPD values.
            cpt[:] = values.reshape(k, n_rows).T
        else:
            index = [{s: i for i, s in enumerate(states[p])} for p in parents]
            for row in _ROW.finditer(body):
                config = _split(row["config"])
                if len(config) != len(parents):
                    raise broken(f"row {config} of {child} does not match parents {parents}")
                try:
                    r = int(
                        np.ravel_multi_index(tuple(ix[s] for ix, s in zip(index, config, strict=True)), shape)
                    )
                except KeyError as exc:
                    raise broken(f"unknown state {exc} in a row of {child}") from None
                probs = np.array(_split(row["probs"]), dtype=np.float64)
                if probs.size != k:
                    raise broken(f"row {config} of {child} has {probs.size} probabilities, expected {k}")
                cpt[r] = probs
        if np.isnan(cpt).any() or (cpt < 0).any():
            raise broken(f"table of {child} is incomplete or negative")
        sums = cpt.sum(axis=1)
        if not np.allclose(sums, 1.0, atol=1e-3):
            raise broken(f"rows of {child}'s table do not sum to 1")
        cpt /= sums[:, None]
        cpt.flags.writeable = False
        nodes[child] = DiscreteNode(child, states[child], parents, shape, cpt)
    if set(nodes) != set(states):
        raise broken(f"no probability table for {sorted(set(states) - set(nodes))}")

    ordered: list[DiscreteNode] = []
    placed: set[str] = set()
    pending = sorted(nodes)
    while pending:
        ready = [v for v in pending if all(p in placed for p in nodes[v].parents)]
        if not ready:
            raise broken(f"cycle among {pending}")
        ordered.extend(nodes[v] for v in ready)
        placed.update(ready)
        pending = [v for v in pending if v not in placed]
    return DiscreteNetwork(name, tuple(ordered))


def _check_name(name: str) -> None:
    if name not in BNLEARN_NETWORKS:
        # The registry validates names first; this guards direct callers of this module.
        raise CausalEnsembleError(f"unknown bnlearn network {name!r}; known: {', '.join(BNLEARN_NETWORKS)}")


@cache
def read_network(name: str) -> DiscreteNetwork:
    """Parse pgmpy's bundled ``{name}.bif.gz`` (cached: networks are immutable)."""
    _check_name(name)
    ref = resources.files("pgmpy").joinpath("utils", "example_models", f"{name}.bif.gz")
    with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        text = fh.read()
    return _parse_bif(name, text)


@cache
def _resource(name: str) -> Mapping[str, object]:
    text = (
        resources.files("causal_ensemble").joinpath("data", "resources", f"bn-{name}.json").read_text("utf-8")
    )
    parsed: dict[str, object] = json.loads(text)
    return parsed


def network_descriptions(name: str) -> dict[str, str]:
    """Plain-language meaning of every node (what an LLM referee reads)."""
    _check_name(name)
    raw = _resource(name)["descriptions"]
    if not isinstance(raw, dict):
        raise CausalEnsembleError(f"resource bn-{name}.json has no 'descriptions' mapping")
    return {str(k): str(v) for k, v in raw.items()}


def network_citation(name: str) -> str:
    _check_name(name)
    return str(_resource(name)["citation"])


def _csv_safe(label: str) -> str:
    if label not in _CSV_NA_STRINGS:
        return label
    lowered = label.lower()
    return lowered if lowered not in _CSV_NA_STRINGS else f"{label}_"


def sample_network(network: DiscreteNetwork, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Draw ``n`` independent rows by ancestral sampling, as string state labels.

    One uniform per node and row, in the network's fixed topological order, so the output depends only on
    the generator's state. Each CPT row is inverted by a cumulative sum; scaling the uniform by the row total
    (rather than trusting the last cumulative value to be exactly 1) keeps zero-probability states out.
    """
    codes: dict[str, npt.NDArray[np.intp]] = {}
    for node in network.nodes:
        if node.parents:
            row = np.ravel_multi_index(tuple(codes[p] for p in node.parents), node.parent_cards)
            cum = np.cumsum(node.cpt[row], axis=1)
        else:
            cum = np.broadcast_to(np.cumsum(node.cpt[0]), (n, len(node.states)))
        u = rng.random(n) * cum[:, -1]
        codes[node.name] = np.count_nonzero(u[:, None] >= cum, axis=1).astype(np.intp)
    labels = {
        node.name: np.array([_csv_safe(s) for s in node.states], dtype=object) for node in network.nodes
    }
    frame = pd.DataFrame({name: pd.Series(labels[name][codes[name]], dtype="str") for name in network.names})
    logger.debug("sampled %d rows from bnlearn network %s", n, network.name)
    return frame
