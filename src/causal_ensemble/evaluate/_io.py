"""Reading graphs to evaluate: graph.json results, DOT files and ``source,target`` edge lists."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from causal_ensemble._errors import InputError
from causal_ensemble.evaluate._metrics import StructureScores, structure_scores


@dataclass(frozen=True)
class GraphSpec:
    """A graph by names: directed pairs and undirected pairs."""

    nodes: tuple[str, ...]
    directed: frozenset[tuple[str, str]]
    undirected: frozenset[frozenset[str]]


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
            for e in obj["edges"]:
                s, t = str(e["source"]), str(e["target"])
                if e.get("type", "directed") == "directed":
                    directed.add((s, t))
                else:
                    undirected.add(frozenset((s, t)))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{p}: not a causal-ensemble graph.json ({exc})") from exc
        names = set(nodes) | {x for pr in directed for x in pr} | {x for pr in undirected for x in pr}
        return GraphSpec(
            tuple(nodes) + tuple(sorted(names - set(nodes))), frozenset(directed), frozenset(undirected)
        )
    if suffix in {".dot", ".gv"}:
        return _read_dot(p, text)
    return _read_csv(p, text)


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


def score_against(pred: GraphSpec, truth: GraphSpec, *, strict: bool = False) -> StructureScores:
    """Scores over the union of both graphs' nodes (nodes missing from one side have no edges there)."""
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
    if truth.undirected:
        raise InputError("the truth graph must be fully directed")
    return structure_scores(D, U, T, strict=strict)
