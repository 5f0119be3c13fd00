"""The graph drawn as inline SVG, laid out in Python (no JavaScript layout, no network).

Positions come from networkx's Kamada-Kawai layout (deterministic: it starts from a circle), edges are
clipped to the node boxes, and arrowheads are explicit polygons so the drawing needs no SVG markers.
Each edge is one ``<g class="edge">`` element; edges only in the truth are ``<g class="truth-missing">``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from causal_ensemble._result import Edge
from causal_ensemble.assemble import EdgeType
from causal_ensemble.report._page import esc

FONT_PX = 13
CHAR_PX = 7.6
NODE_H = 26.0
TRUTH_COLOURS = {
    "correct": "#1a7f37",
    "reversed": "#8250df",
    "extra": "#cf222e",
    "unoriented": "#bf8700",
    "missing": "#cf222e",
}
TRUTH_BADGE = {"correct": "\u2713", "reversed": "\u21c4", "extra": "+", "unoriented": "~"}
REFEREE_COLOUR = "#fb8f44"
KK_MAX_NODES = 120


def prob_colour(p: float) -> str:
    """Light grey-blue for weak edges to dark blue for certain ones (p below 0.3 looks like 0.3)."""
    t = min(1.0, max(0.0, (p - 0.3) / 0.7))
    lo, hi = (176, 192, 214), (8, 48, 107)
    r, g, b = (round(a + (c - a) * t) for a, c in zip(lo, hi, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    hw: float
    hh: float

    def clip(self, dx: float, dy: float, pad: float = 2.0) -> tuple[float, float]:
        """The point where a ray from the centre in direction (dx, dy) leaves the box (plus ``pad``)."""
        n = math.hypot(dx, dy) or 1.0
        ux, uy = dx / n, dy / n
        tx = (self.hw + pad) / abs(ux) if ux else math.inf
        ty = (self.hh + pad) / abs(uy) if uy else math.inf
        t = min(tx, ty)
        return self.x + ux * t, self.y + uy * t


def layout(
    nodes: Sequence[str], pairs: Sequence[tuple[str, str]], width: float, height: float, margin: float
) -> dict[str, tuple[float, float]]:
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from(pairs)
    if len(nodes) == 1:
        raw = {nodes[0]: (0.0, 0.0)}
    elif len(nodes) == 2:
        raw = {nodes[0]: (-1.0, 0.0), nodes[1]: (1.0, 0.0)}
    else:
        try:
            # Kamada-Kawai reads best but its cost grows with n^2 per step: large graphs get a seeded spring.
            pos = nx.kamada_kawai_layout(g) if len(nodes) <= KK_MAX_NODES else nx.spring_layout(g, seed=0)
        except (nx.NetworkXException, ValueError, ImportError):  # pragma: no cover - scipy missing
            pos = nx.spring_layout(g, seed=0)
        raw = {n: (float(p[0]), float(p[1])) for n, p in pos.items()}
    xs = [p[0] for p in raw.values()] or [0.0]
    ys = [p[1] for p in raw.values()] or [0.0]
    sx = (max(xs) - min(xs)) or 1.0
    sy = (max(ys) - min(ys)) or 1.0
    return {
        n: (
            margin + (x - min(xs)) / sx * (width - 2 * margin),
            margin + (y - min(ys)) / sy * (height - 2 * margin),
        )
        for n, (x, y) in raw.items()
    }


def _arrow(tip: tuple[float, float], ux: float, uy: float, length: float, half: float) -> str:
    bx, by = tip[0] - ux * length, tip[1] - uy * length
    pts = [tip, (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)]
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)


def edge_id(source: str, target: str) -> str:
    """A stable id shared by an edge's SVG element and its table row (pairs are unordered)."""
    a, b = sorted((source, target))
    return f"{a}\u0000{b}"


def draw_graph(
    nodes: Sequence[str],
    edges: Sequence[Edge],
    descriptions: Mapping[str, str | None],
    *,
    truth_status: Mapping[str, str] | None = None,
    missing: Sequence[tuple[str, str, bool]] = (),
) -> str:
    """The SVG; ``truth_status`` maps :func:`edge_id` to correct/reversed/extra/unoriented, ``missing``
    lists truth edges absent from the graph as (source, target, directed)."""
    n = len(nodes)
    width = max(640.0, min(1300.0, 260.0 * math.sqrt(max(n, 1)) + 260))
    height = max(420.0, min(900.0, 0.62 * width))
    longest = max((len(s) for s in nodes), default=4)
    margin = min(width / 3, 20 + CHAR_PX * min(longest, 40) / 2)
    pairs = [(e.source, e.target) for e in edges] + [(s, t) for s, t, _ in missing]
    pos = layout(list(nodes), pairs, width, height, margin)
    boxes = {v: _Box(pos[v][0], pos[v][1], 8 + CHAR_PX * min(len(v), 40) / 2, NODE_H / 2) for v in nodes}
    parts: list[str] = []
    for s, t, directed in missing:
        if s not in boxes or t not in boxes:
            continue
        a, b = boxes[s], boxes[t]
        dx, dy = b.x - a.x, b.y - a.y
        p0, p1 = a.clip(dx, dy), b.clip(-dx, -dy, pad=3.0)
        n_ = math.hypot(dx, dy) or 1.0
        head = ""
        if directed:
            head = (
                f'<polygon points="{_arrow(p1, dx / n_, dy / n_, 10, 5)}" fill="none" '
                f'stroke="{TRUTH_COLOURS["missing"]}" stroke-width="1.2"/>'
            )
            p1 = (p1[0] - dx / n_ * 10, p1[1] - dy / n_ * 10)
        label = f"missing (in the truth, not in the graph): {s} {'->' if directed else '--'} {t}"
        parts.append(
            f'<g class="truth-missing" data-source="{esc(s)}" data-target="{esc(t)}">'
            f"<title>{esc(label)}</title>"
            f'<line x1="{p0[0]:.1f}" y1="{p0[1]:.1f}" x2="{p1[0]:.1f}" y2="{p1[1]:.1f}" '
            f'stroke="{TRUTH_COLOURS["missing"]}" stroke-width="1.5" stroke-dasharray="6 4"/>{head}</g>'
        )
    for e in sorted(edges, key=lambda x: x.probability):
        a, b = boxes[e.source], boxes[e.target]
        dx, dy = b.x - a.x, b.y - a.y
        n_ = math.hypot(dx, dy) or 1.0
        ux, uy = dx / n_, dy / n_
        w = 1.0 + 4.0 * max(0.0, min(1.0, e.probability))
        colour = prob_colour(e.probability)
        p0, p1 = a.clip(dx, dy), b.clip(-dx, -dy)
        length, half = 8.0 + 1.6 * w, 3.5 + 0.9 * w
        heads = []
        if e.type is EdgeType.DIRECTED:
            heads.append(_arrow(p1, ux, uy, length, half))
            p1 = (p1[0] - ux * length * 0.9, p1[1] - uy * length * 0.9)
        dash = {
            EdgeType.DIRECTED: "",
            EdgeType.UNDIRECTED: ' stroke-dasharray="7 4"',
        }[e.type]
        mark = {EdgeType.DIRECTED: "->", EdgeType.UNDIRECTED: "--"}[e.type]
        status = (truth_status or {}).get(edge_id(e.source, e.target))
        tip = f"{e.source} {mark} {e.target}: probability {e.probability:.2f}, adjacency {e.adjacency:.2f}"
        if e.orientation is not None:
            tip += f", orientation {e.orientation:.2f}"
        if e.referee:
            tip += f"; refereed by {e.referee[0].by}: {e.referee[0].rationale}"
        if status:
            tip += f"; truth: {status}"
        cls = "edge" + (" refereed" if e.referee else "") + (f" truth-{status}" if status else "")
        line = f'x1="{p0[0]:.1f}" y1="{p0[1]:.1f}" x2="{p1[0]:.1f}" y2="{p1[1]:.1f}"'
        halo = ""
        if e.referee:
            halo = (
                f'<line {line} stroke="{REFEREE_COLOUR}" stroke-opacity="0.55" '
                f'stroke-width="{w + 7:.1f}" stroke-linecap="round"/>'
            )
        badge = ""
        mx, my = (p0[0] + p1[0]) / 2, (p0[1] + p1[1]) / 2
        if status:
            c = TRUTH_COLOURS[status]
            badge = (
                f'<circle cx="{mx:.1f}" cy="{my:.1f}" r="8" fill="#fff" stroke="{c}" stroke-width="1.5"/>'
                f'<text x="{mx:.1f}" y="{my + 4:.1f}" text-anchor="middle" font-size="11" fill="{c}">'
                f"{TRUTH_BADGE[status]}</text>"
            )
        label = (
            f'<text class="plabel" x="{mx - uy * 11:.1f}" y="{my + ux * 11 + 4:.1f}" '
            f'text-anchor="middle" font-size="10">{e.probability:.2f}</text>'
        )
        parts.append(
            f'<g class="{cls}" data-id="{esc(edge_id(e.source, e.target))}" data-source="{esc(e.source)}" '
            f'data-target="{esc(e.target)}" data-type="{e.type.value}" data-p="{e.probability:.4f}">'
            f"<title>{esc(tip)}</title>{halo}"
            f'<line {line} stroke="{colour}" stroke-width="{w:.1f}"{dash}/>'
            + "".join(f'<polygon points="{h}" fill="{colour}"/>' for h in heads)
            + badge
            + label
            + "</g>"
        )
    for v in nodes:
        bx = boxes[v]
        shown = v if len(v) <= 40 else v[:39] + "\u2026"
        desc = descriptions.get(v)
        title = f"{v}: {desc}" if desc else v
        parts.append(
            f'<g class="node" data-name="{esc(v)}"><title>{esc(title)}</title>'
            f'<rect x="{bx.x - bx.hw:.1f}" y="{bx.y - bx.hh:.1f}" width="{2 * bx.hw:.1f}" '
            f'height="{2 * bx.hh:.1f}" rx="7" fill="#fff" stroke="#57606a" stroke-width="1.2"/>'
            f'<text x="{bx.x:.1f}" y="{bx.y + 4.5:.1f}" text-anchor="middle" font-size="{FONT_PX}">'
            f"{esc(shown)}</text></g>"
        )
    return (
        f'<svg id="graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="causal graph" '
        f'font-family="system-ui,sans-serif">{"".join(parts)}</svg>'
    )


def draw_heatmap(names: Sequence[str], values: Mapping[str, Mapping[str, float]]) -> str:
    """Expert-by-expert agreement as coloured cells with the value printed in each."""
    cell = 44.0
    label_w = 20 + CHAR_PX * max((len(x) for x in names), default=4)
    top = 20 + 0.75 * CHAR_PX * max((len(x) for x in names), default=4)
    size_w = label_w + cell * len(names) + top
    size_h = top + cell * len(names) + 10
    finite = [v for row in values.values() for v in row.values() if not math.isnan(v)]
    lo = min(0.5, min(finite, default=0.5))
    parts = []
    for i, a in enumerate(names):
        y = top + i * cell
        parts.append(
            f'<text x="{label_w - 6:.1f}" y="{y + cell / 2 + 4:.1f}" text-anchor="end" '
            f'font-size="12">{esc(a)}</text>'
        )
        x0 = label_w + i * cell + cell / 2
        parts.append(
            f'<text transform="translate({x0:.1f},{top - 6:.1f}) rotate(-45)" font-size="12">{esc(a)}</text>'
        )
        for j, b in enumerate(names):
            v = float(values.get(a, {}).get(b, float("nan")))
            x = label_w + j * cell
            if math.isnan(v):
                fill, txt, fg = "#eee", "", "#000"
            else:
                t = max(0.0, min(1.0, (v - lo) / (1.0 - lo)))
                shade = round(255 - 200 * t)
                fill = f"#{shade:02x}{min(255, shade + 20):02x}ff"
                txt, fg = f"{v:.2f}", "#fff" if t > 0.6 else "#000"
            parts.append(
                f'<g class="hm-cell"><title>{esc(a)} vs {esc(b)}: {txt}</title>'
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell - 2:.1f}" height="{cell - 2:.1f}" '
                f'fill="{fill}"/>'
                f'<text x="{x + cell / 2 - 1:.1f}" y="{y + cell / 2 + 3:.1f}" text-anchor="middle" '
                f'font-size="11" fill="{fg}">{txt}</text></g>'
            )
    return (
        f'<svg id="agreement" xmlns="http://www.w3.org/2000/svg" width="{size_w:.0f}" height="{size_h:.0f}" '
        f'font-family="system-ui,sans-serif">{"".join(parts)}</svg>'
    )
