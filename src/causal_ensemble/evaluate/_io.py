"""Reading graphs to evaluate: graph.json results, DOT files and ``source,target`` edge lists."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np

from causal_ensemble._errors import InputError
from causal_ensemble._result_load import read_pair_beliefs
from causal_ensemble.evaluate._metrics import (
    BoolMatrix,
    GraphScores,
    StructureScores,
    graph_scores,
    hard_probabilities,
    structure_scores,
)


@dataclass(frozen=True)
class GraphSpec:
    """A graph by names: directed pairs and undirected pairs.

    ``probabilities`` maps an ordered pair to the belief in ``source -> target`` where the file carries
    beliefs (graph.json); pairs it does not list have belief 0 (graph.json omits dropped edges).
    """

    nodes: tuple[str, ...]
    directed: frozenset[tuple[str, str]]
    undirected: frozenset[frozenset[str]]
    probabilities: Mapping[tuple[str, str], float] = field(default_factory=lambda: MappingProxyType({}))


_DOT_EDGE = re.compile(
    r'^\s*("(?:[^"\\]|\\.)*"|[\w./]+)\s*(->|--)\s*("(?:[^"\\]|\\.)*"|[\w./]+)\s*(\[[^\]]*\])?'
)
_DOT_NODE = re.compile(r'^\s*("(?:[^"\\]|\\.)*"|[\w./]+)\s*(\[[^\]]*\])?\s*;?\s*$')


def _unq(tok: str) -> str:
    return tok[1:-1].replace('\\"', '"').replace("\\\\", "\\") if tok.startswith('"') else tok


def load_graph_file(path: str | Path) -> GraphSpec:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    text = p.read_text(encoding="utf-8")
    suffix = p.suffix.lower()
    if suffix == ".json":
        try:
            obj = json.loads(text)
            nodes = tuple(v["name"] for v in obj.get("variables", []))
            directed, undirected = set(), set()
            probs: dict[tuple[str, str], float] = {}
            for e in obj["edges"]:
                s, t = str(e["source"]), str(e["target"])
                if e.get("type", "directed") == "directed":
                    directed.add((s, t))
                else:
                    undirected.add(frozenset((s, t)))
                probs.update(_edge_beliefs(e, s, t))
            probs.update(_pair_beliefs(obj.get("pair_beliefs")))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{p}: not a causal-ensemble graph.json ({exc})") from exc
        names = set(nodes) | {x for pr in directed for x in pr} | {x for pr in undirected for x in pr}
        return GraphSpec(
            tuple(nodes) + tuple(sorted(names - set(nodes))),
            frozenset(directed),
            frozenset(undirected),
            MappingProxyType(probs),
        )
    if suffix in {".dot", ".gv"}:
        return _read_dot(p, text)
    return _read_csv(p, text)


def _pair_beliefs(block: object) -> dict[tuple[str, str], float]:
    """Directed beliefs of every pair from graph.json's ``pair_beliefs`` block, the final pooled beliefs
    of all pairs (not only of the kept edges), so calibration is scored over every pair."""
    if not isinstance(block, Mapping):
        return {}
    out: dict[tuple[str, str], float] = {}
    for p in read_pair_beliefs(block):
        a = min(max(p.adjacency, 0.0), 1.0)
        o = min(max(p.orientation, 0.0), 1.0)
        out[(p.source, p.target)], out[(p.target, p.source)] = a * o, a * (1.0 - o)
    return out


def _edge_beliefs(edge: Mapping[str, object], s: str, t: str) -> dict[tuple[str, str], float]:
    """Directed beliefs of one graph.json edge: ``adjacency × orientation`` each way; an edge without
    an orientation (undirected) splits its adjacency belief evenly. Missing numbers mean no beliefs."""
    adj = edge.get("adjacency", edge.get("probability"))
    if not isinstance(adj, int | float):
        return {}
    orient = edge.get("orientation")
    o = float(orient) if isinstance(orient, int | float) else 0.5
    a = min(max(float(adj), 0.0), 1.0)
    o = min(max(o, 0.0), 1.0)
    return {(s, t): a * o, (t, s): a * (1.0 - o)}


def _read_dot(p: Path, text: str) -> GraphSpec:
    nodes: list[str] = []
    directed, undirected = set(), set()
    for line in text.splitlines():
        m = _DOT_EDGE.match(line)
        if m:
            s, t = _unq(m.group(1)), _unq(m.group(3))
            attrs = m.group(4) or ""
            for x in (s, t):
                if x not in nodes:
                    nodes.append(x)
            if m.group(2) == "--" or "dir=none" in attrs.replace(" ", ""):
                undirected.add(frozenset((s, t)))
            else:
                directed.add((s, t))
            continue
        n = _DOT_NODE.match(line)
        if n and not line.strip().startswith(("digraph", "graph", "node", "edge", "rankdir", "}", "{")):
            name = _unq(n.group(1))
            if name not in nodes:
                nodes.append(name)
    if not directed and not undirected and not nodes:
        raise InputError(f"{p}: no nodes or edges found in DOT file")
    return GraphSpec(tuple(nodes), frozenset(directed), frozenset(undirected))


def _read_csv(p: Path, text: str) -> GraphSpec:
    rows = list(csv.reader(text.splitlines()))
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["source", "target"]:
        raise InputError(f"{p}: an edge list needs a header row 'source,target'")
    directed, nodes = set(), []
    for k, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise InputError(f"{p}: line {k} is not a 'source,target' pair")
        s, t = row[0].strip(), row[1].strip()
        directed.add((s, t))
        nodes += [x for x in (s, t) if x not in nodes]
    return GraphSpec(tuple(nodes), frozenset(directed), frozenset())


def _matrices(pred: GraphSpec, truth: GraphSpec) -> tuple[list[str], BoolMatrix, BoolMatrix, BoolMatrix]:
    if truth.undirected:
        raise InputError("the truth graph must be fully directed")
    names = list(truth.nodes) + [n for n in pred.nodes if n not in truth.nodes]
    idx = {n: k for k, n in enumerate(names)}
    d = len(names)
    D, U, T = (np.zeros((d, d), dtype=bool) for _ in range(3))
    for s, t in pred.directed:
        D[idx[s], idx[t]] = True
    for pair in pred.undirected:
        a, b = sorted(pair)
        U[idx[a], idx[b]] = U[idx[b], idx[a]] = True
    for s, t in truth.directed:
        T[idx[s], idx[t]] = True
    return names, D, U, T


def evaluate_graph(pred: GraphSpec, truth: GraphSpec) -> GraphScores:
    """Every metric of ``pred`` against ``truth`` over the union of their nodes. Edge beliefs come from the
    file when it has them (graph.json) and are the hard 0 / 1/2 / 1 of the graph otherwise."""
    names, D, U, T = _matrices(pred, truth)
    idx = {n: k for k, n in enumerate(names)}
    if pred.probabilities:
        P = np.zeros(D.shape)
        for (s, t), p in pred.probabilities.items():
            P[idx[s], idx[t]] = p
    else:
        P = hard_probabilities(D, U)
    return graph_scores(D, U, T, P)


def score_against(pred: GraphSpec, truth: GraphSpec, *, strict: bool = False) -> StructureScores:
    """Scores over the union of both graphs' nodes (nodes missing from one side have no edges there)."""
    _, D, U, T = _matrices(pred, truth)
    return structure_scores(D, U, T, strict=strict)
