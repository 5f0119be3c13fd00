"""Names of the benchmark datasets, loading by name, and export to the files ``cea`` reads.

Names:

* ``sachs`` — real flow-cytometry data (Sachs et al. 2005), 7466 rows x 11 proteins, 17-arc consensus truth.
  ``n=None`` returns every row in file order; ``n`` draws that many rows without replacement (seeded).
  Returned on the measured scale: ``standardize`` does not apply to real data.
* ``bn-asia``, ``bn-sachs``, ``bn-child``, ``bn-insurance``, ``bn-alarm`` — samples of the bnlearn networks
  drawn from their CPTs (default n=5000), string state labels; ``standardize`` does not apply to them.
* ``synth-{mechanism}-{graph}-d{D}[-k{K}]`` — a synthetic SEM (default n=2000), mechanism one of
  ``linear-gaussian``, ``linear-nongaussian``, ``nonlinear``; graph ``er`` (Erdős–Rényi) or ``sf``
  (scale-free); any D >= 2; K edges per node (default 2, see ``_synthetic``). Columns ``X1..XD`` are
  z-scored unless ``standardize=False``. The seed fixes the graph (whatever n and the mechanism) and the data.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from causal_ensemble._errors import InputError, UnknownNameError
from causal_ensemble.data.datasets import _bnlearn, _sachs, _synthetic

__all__ = ["BenchmarkData", "DatasetInfo", "export_dataset", "list_datasets", "load_dataset"]

logger = logging.getLogger(__name__)

DatasetKind = Literal["real", "bnlearn", "synthetic"]

BNLEARN_DEFAULT_N = 5000
SYNTHETIC_DEFAULT_N = 2000
SYNTHETIC_DEFAULT_EDGES_PER_NODE = 2.0
LISTED_SYNTHETIC_D: tuple[int, ...] = (10, 20, 50, 100)

_SYNTH_NAME = re.compile(
    r"synth-(?P<mechanism>linear-gaussian|linear-nongaussian|nonlinear)-(?P<graph>er|sf)-d(?P<d>\d+)"
    r"(?:-k(?P<k>\d+(?:\.\d+)?))?"
)
_SYNTH_PATTERN = "synth-{linear-gaussian|linear-nongaussian|nonlinear}-{er|sf}-d{D}[-k{K}] (D >= 2)"

_BN_SUMMARY: dict[str, str] = {
    "asia": "lung disease, smoking and a visit to Asia (Lauritzen & Spiegelhalter 1988)",
    "sachs": "protein signalling, discretised to 3 levels (Sachs et al. 2005)",
    "child": "diagnosing congenital heart disease in newborns (Spiegelhalter et al. 1993)",
    "insurance": "car-insurance risk and claim costs (Binder et al. 1997)",
    "alarm": "patient monitoring in anaesthesia (Beinlich et al. 1989)",
}
_MECHANISM_SUMMARY: dict[str, str] = {
    "linear-gaussian": "linear SEM, Gaussian noise",
    "linear-nongaussian": "linear SEM, uniform noise",
    "nonlinear": "additive nonlinear (random tanh nets) SEM, Gaussian noise",
}
_GRAPH_SUMMARY: dict[str, str] = {"er": "Erdős–Rényi DAG", "sf": "scale-free (Barabási–Albert) DAG"}


@dataclass(frozen=True)
class DatasetInfo:
    """One entry of :func:`list_datasets`; ``n_default`` is the row count returned when ``n`` is None."""

    name: str
    kind: DatasetKind
    summary: str
    n_default: int | None


@dataclass(frozen=True, eq=False)
class BenchmarkData:
    """A loaded benchmark: data, what each variable means, and the true graph where known.

    ``meta`` records how the data were produced (seed, n, generator settings and, for synthetic data, the
    varsortability of the raw draw, which standardised data no longer reveal). Equality is identity
    (``eq=False``): a generated ``==`` would compare data frames element-wise and raise.
    """

    name: str
    frame: pd.DataFrame
    descriptions: Mapping[str, str]
    truth: tuple[tuple[str, str], ...] | None
    citation: str
    meta: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        columns = [str(c) for c in self.frame.columns]
        known = set(columns)
        if len(known) != len(columns):
            raise InputError(f"dataset {self.name!r} has duplicate column names")
        stray = sorted(set(self.descriptions) - known)
        if stray:
            raise InputError(f"dataset {self.name!r}: descriptions name unknown variables {stray}")
        if self.truth is not None:
            bad = sorted({v for edge in self.truth for v in edge} - known)
            if bad:
                raise InputError(f"dataset {self.name!r}: true graph names unknown variables {bad}")
        # Read-only views (a frozen dataclass should not hand out mutable mappings); descriptions in column
        # order, so descriptions.json lists variables as data.csv does.
        ordered = {c: str(self.descriptions[c]) for c in columns if c in self.descriptions}
        object.__setattr__(self, "descriptions", MappingProxyType(ordered))
        object.__setattr__(self, "meta", MappingProxyType(dict(self.meta)))

    def truth_matrix(self) -> npt.NDArray[np.bool_]:
        """``T[i, j]`` is True iff ``columns[i] -> columns[j]`` is a true edge (frame column order)."""
        if self.truth is None:
            raise InputError(f"dataset {self.name!r} has no known true graph")
        index = {str(c): i for i, c in enumerate(self.frame.columns)}
        T = np.zeros((len(index), len(index)), dtype=bool)
        for source, target in self.truth:
            T[index[source], index[target]] = True
        return T


def list_datasets() -> list[DatasetInfo]:
    """Every named dataset; synthetic names are listed for D in 10, 20, 50, 100 but any D >= 2 loads."""
    infos = [
        DatasetInfo(
            "sachs",
            "real",
            f"Sachs et al. 2005 flow cytometry: 11 signalling proteins, {_sachs.SACHS_ROWS} cells, "
            "17-arc consensus graph",
            _sachs.SACHS_ROWS,
        )
    ]
    for net in _bnlearn.BNLEARN_NETWORKS:
        infos.append(
            DatasetInfo(f"bn-{net}", "bnlearn", f"bnlearn {net}: {_BN_SUMMARY[net]}", BNLEARN_DEFAULT_N)
        )
    k = SYNTHETIC_DEFAULT_EDGES_PER_NODE
    for mechanism in _synthetic.MECHANISMS:
        for graph in _synthetic.GRAPH_KINDS:
            for d in LISTED_SYNTHETIC_D:
                summary = (
                    f"{_MECHANISM_SUMMARY[mechanism]}, {_GRAPH_SUMMARY[graph]} with {k:g} edges/node, "
                    f"d={d}, standardised"
                )
                infos.append(
                    DatasetInfo(f"synth-{mechanism}-{graph}-d{d}", "synthetic", summary, SYNTHETIC_DEFAULT_N)
                )
    return infos


def _known_names() -> str:
    fixed = ["sachs", *(f"bn-{net}" for net in _bnlearn.BNLEARN_NETWORKS)]
    return f"{', '.join(fixed)}, or {_SYNTH_PATTERN}"


def _check_int(value: object, what: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or int(value) < minimum:
        raise InputError(f"{what} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def load_dataset(
    name: str, *, n: int | None = None, seed: int = 0, standardize: bool = True
) -> BenchmarkData:
    """Load or generate the dataset called ``name`` (see the module docstring for names and conventions).

    ``n`` is the number of rows (None: the dataset's default); ``seed`` makes the result reproducible (same
    seed, same frame); ``standardize`` z-scores synthetic columns and is ignored for real and discrete data.
    """
    if not isinstance(name, str):
        raise InputError(f"dataset name must be a string, got {name!r}")
    key = name.strip().lower()
    rows = None if n is None else _check_int(n, "n", 1)
    seed = _check_int(seed, "seed", 0)
    rng = np.random.default_rng(seed)

    if key == "sachs":
        frame = _sachs.load_sachs(rows, rng)
        return BenchmarkData(
            name="sachs",
            frame=frame,
            descriptions=_sachs.sachs_descriptions(),
            truth=_sachs.SACHS_EDGES,
            citation=_sachs.sachs_citation(),
            meta={
                "kind": "real",
                "n": len(frame),
                "seed": seed,
                "subsampled": rows is not None,
                "scale": "raw",
            },
        )

    if key.startswith("bn-") and key[3:] in _bnlearn.BNLEARN_NETWORKS:
        net_name = key[3:]
        network = _bnlearn.read_network(net_name)
        count = BNLEARN_DEFAULT_N if rows is None else rows
        frame = _bnlearn.sample_network(network, count, rng)
        return BenchmarkData(
            name=key,
            frame=frame,
            descriptions=_bnlearn.network_descriptions(net_name),
            truth=network.arcs,
            citation=_bnlearn.network_citation(net_name),
            meta={
                "kind": "bnlearn",
                "network": net_name,
                "n": count,
                "seed": seed,
                "encoding": "state labels",
            },
        )

    match = _SYNTH_NAME.fullmatch(key)
    if match is not None:
        return _load_synthetic(key, match, rows, seed, standardize)

    raise UnknownNameError(f"unknown dataset {name!r}; known datasets: {_known_names()}")


def _load_synthetic(
    key: str, match: re.Match[str], rows: int | None, seed: int, standardize: bool
) -> BenchmarkData:
    d = int(match["d"])
    if d < 2:
        raise InputError(f"dataset {key!r}: a synthetic graph needs d >= 2 variables")
    k = SYNTHETIC_DEFAULT_EDGES_PER_NODE if match["k"] is None else float(match["k"])
    if k <= 0:
        raise InputError(f"dataset {key!r}: edges per node must be > 0")
    mechanism = cast(_synthetic.Mechanism, match["mechanism"])
    graph = cast(_synthetic.GraphKind, match["graph"])
    count = SYNTHETIC_DEFAULT_N if rows is None else rows
    # Separate streams, so the graph depends on the seed alone and not on n or the mechanism.
    graph_seq, sem_seq = np.random.SeedSequence(seed).spawn(2)
    adjacency = _synthetic.simulate_dag(d, graph, edges_per_node=k, seed=np.random.default_rng(graph_seq))
    raw = _synthetic.simulate_sem(adjacency, count, mechanism, seed=np.random.default_rng(sem_seq))
    raw_vs = _synthetic.varsortability(raw, adjacency)
    values = _synthetic.standardize_columns(raw) if standardize else raw
    names = [f"X{i + 1}" for i in range(d)]
    sources, targets = np.nonzero(adjacency)
    truth = tuple((names[s], names[t]) for s, t in zip(sources.tolist(), targets.tolist(), strict=True))
    settings = f"{_MECHANISM_SUMMARY[mechanism]}, {_GRAPH_SUMMARY[graph]} with {k:g} expected edges per node"
    logger.debug("generated %s: n=%d, %d edges, raw varsortability %.3f", key, count, len(truth), raw_vs)
    return BenchmarkData(
        name=key,
        frame=pd.DataFrame(values, columns=names),
        descriptions={v: f"Synthetic variable {v} (no real-world meaning)." for v in names},
        truth=truth,
        citation=f"Synthetic data generated by causal-ensemble: {settings}, seed {seed}.",
        meta={
            "kind": "synthetic",
            "mechanism": mechanism,
            "graph": graph,
            "d": d,
            "edges_per_node": k,
            "n": count,
            "seed": seed,
            "standardized": standardize,
            "varsortability_raw": raw_vs,
        },
    )


def export_dataset(data: BenchmarkData, out_dir: Path) -> list[Path]:
    """Write ``data.csv``, ``descriptions.json`` and, when the truth is known, ``truth.csv`` (source,target).

    These are the inputs of ``cea discover --descriptions`` and ``cea evaluate --truth``. Returns the paths
    written, in that order.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    written = []

    data_path = out / "data.csv"
    data.frame.to_csv(data_path, index=False)
    written.append(data_path)

    desc_path = out / "descriptions.json"
    desc_path.write_text(
        json.dumps(dict(data.descriptions), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    written.append(desc_path)

    if data.truth is not None:
        truth_path = out / "truth.csv"
        with truth_path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(["source", "target"])
            writer.writerows(data.truth)
        written.append(truth_path)
    logger.info("exported dataset %s to %s", data.name, out)
    return written
