"""report.html: one self-contained page about a run (works offline; renderable from graph.json alone).

Sections: the graph (SVG), a sortable edge table, the expert panel, an expert-agreement heatmap, data
diagnostics, run settings and versions, and graph.json itself as a JSON island. With a truth graph the
same page marks correct, reversed, extra and missing edges. Every user-supplied string (variable names,
descriptions, expert errors, referee rationales, settings) goes through ``esc``; the page's
Content-Security-Policy runs only its own script as a second line of defence.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from causal_ensemble._result import Edge, EnsembleResult
from causal_ensemble.assemble import EdgeType
from causal_ensemble.report._agreement import agreement_for_report
from causal_ensemble.report._page import SORT_SCRIPT, esc, html_page, json_island
from causal_ensemble.report._svg import (
    REFEREE_COLOUR,
    TRUTH_BADGE,
    TRUTH_COLOURS,
    draw_graph,
    draw_heatmap,
    edge_id,
    prob_colour,
)

_ARROW = {EdgeType.DIRECTED: "\u2192", EdgeType.UNDIRECTED: "\u2014"}

_CSS = """
#graph{width:100%;max-width:1300px;height:auto;border:1px solid var(--line);border-radius:6px;background:#fff}
#graph .edge:hover line,#graph .edge.hl line{stroke:#fb8f44}
#graph .plabel{fill:#57606a}
tr.refereed td:first-child{box-shadow:inset 4px 0 0 #fb8f44}
tr.hl{background:#fff8c5}
.legend{display:flex;flex-wrap:wrap;gap:1.2em;font-size:.85em;color:var(--muted);align-items:center}
.legend svg{vertical-align:middle}
.truth-correct{color:#1a7f37}.truth-reversed{color:#8250df}.truth-extra{color:#cf222e}
.truth-unoriented{color:#bf8700}.truth-missing{color:#cf222e}
td.rationale{min-width:16em;max-width:28em;font-size:.85em}
.scroll{overflow-x:auto;max-width:100%}
"""

_HILITE_SCRIPT = """
(function(){
  function sel(id){return document.querySelectorAll('[data-id="'+CSS.escape(id)+'"]');}
  document.querySelectorAll('#edges tbody tr').forEach(function(tr){
    var id=tr.getAttribute('data-id');
    tr.addEventListener('mouseenter',function(){sel(id).forEach(function(x){x.classList.add('hl');});});
    tr.addEventListener('mouseleave',function(){sel(id).forEach(function(x){x.classList.remove('hl');});});
  });
})();
"""


@dataclass(frozen=True)
class TruthOverlay:
    """A known graph to compare with: directed pairs and undirected pairs by name."""

    nodes: tuple[str, ...]
    directed: frozenset[tuple[str, str]]
    undirected: frozenset[frozenset[str]]
    source: str = "truth"


def _truth_status(e: Edge, truth: TruthOverlay) -> str:
    if (e.source, e.target) in truth.directed or (e.target, e.source) in truth.directed:
        if e.type is not EdgeType.DIRECTED:
            return "unoriented"
        return "correct" if (e.source, e.target) in truth.directed else "reversed"
    if frozenset((e.source, e.target)) in truth.undirected:
        return "correct" if e.type is EdgeType.UNDIRECTED else "unoriented"
    return "extra"


def _missing(result: EnsembleResult, truth: TruthOverlay) -> list[tuple[str, str, bool]]:
    have = {frozenset((e.source, e.target)) for e in result.edges}
    out = [(s, t, True) for s, t in sorted(truth.directed) if frozenset((s, t)) not in have]
    out += [(min(p), max(p), False) for p in truth.undirected if p not in have]
    return out


def _num(x: float | None, digits: int = 2) -> str:
    return "" if x is None else f"{x:.{digits}f}"


def _legend(with_truth: bool) -> str:
    def swatch(colour: str, dash: str = "", head: bool = True, width: float = 3.0) -> str:
        arrow = f'<polygon points="40,6 31,1.5 31,10.5" fill="{colour}"/>' if head else ""
        d = f' stroke-dasharray="{dash}"' if dash else ""
        return (
            f'<svg width="44" height="12"><line x1="2" y1="6" x2="{32 if head else 42}" y2="6" '
            f'stroke="{colour}" stroke-width="{width}"{d}/>{arrow}</svg>'
        )

    items = [
        f"{swatch(prob_colour(0.5), width=2.5)} p = 0.5",
        f"{swatch(prob_colour(0.75), width=4)} p = 0.75",
        f"{swatch(prob_colour(1.0), width=5)} p = 1 (width and colour: probability)",
        f"{swatch(prob_colour(0.9))} directed",
        f"{swatch(prob_colour(0.9), '7 4', head=False)} undirected (orientation undecided)",
        f'<svg width="44" height="12"><line x1="2" y1="6" x2="42" y2="6" stroke="{REFEREE_COLOUR}" '
        'stroke-opacity="0.55" stroke-width="10" stroke-linecap="round"/></svg> settled by a referee',
    ]
    if with_truth:
        for k, badge in TRUTH_BADGE.items():
            items.append(f'<span class="truth-{k}"><b>{badge}</b> {k}</span>')
        items.append(f"{swatch(TRUTH_COLOURS['missing'], '6 4', width=1.5)} missing (in the truth only)")
    return '<div class="legend">' + "".join(f"<span>{i}</span>" for i in items) + "</div>"


def _edge_table(result: EnsembleResult, truth: TruthOverlay | None) -> str:
    # Experts that failed everywhere hold no beliefs to show; the columns keep the panel's order.
    experts = [x.name for x in result.experts if any(x.name in e.experts for e in result.edges)]
    head = ["source", "", "target", "probability", "adjacency", "orientation", "settled by"]
    head += [f"{n}" for n in experts]
    head += ["referee", "rationale"]
    if truth is not None:
        head.append("truth")
    rows = []
    for e in sorted(result.edges, key=lambda x: -x.probability):
        cells = [
            f"<td>{esc(e.source)}</td>",
            f'<td data-v="{e.type.value}" title="{e.type.value}">{_ARROW[e.type]}</td>',
            f"<td>{esc(e.target)}</td>",
            f'<td class="num" data-v="{e.probability:.6f}">{e.probability:.2f}'
            f'<span class="bar" style="width:{int(50 * e.probability)}px"></span></td>',
            f'<td class="num" data-v="{e.adjacency:.6f}">{e.adjacency:.2f}</td>',
            f'<td class="num" data-v="{"" if e.orientation is None else f"{e.orientation:.6f}"}">'
            f"{_num(e.orientation)}</td>",
            f"<td>{esc(e.settled_by)}</td>",
        ]
        for n in experts:
            op = e.experts.get(n)
            if op is None:
                cells.append('<td class="num muted" data-v="">–</td>')
            else:
                o = "" if op.orientation is None else f" / {op.orientation:.2f}"
                cells.append(
                    f'<td class="num" data-v="{op.adjacency:.6f}" '
                    f'title="adjacency / orientation">{op.adjacency:.2f}{o}</td>'
                )
        if e.referee:
            verdicts = "<br>".join(
                f"{esc(r.by)} ({esc(r.level)}): {r.before:.2f} \u2192 {r.after:.2f}" for r in e.referee
            )
            rationale = "<br>".join(esc(r.rationale) for r in e.referee)
            cells += [f"<td>{verdicts}</td>", f'<td class="rationale">{rationale}</td>']
        else:
            cells += ['<td class="muted"></td>', '<td class="rationale"></td>']
        if truth is not None:
            st = _truth_status(e, truth)
            cells.append(f'<td class="truth-{st}" data-v="{st}">{TRUTH_BADGE[st]} {st}</td>')
        cls = "refereed" if e.referee else ""
        rows.append(
            f'<tr class="{cls}" data-id="{esc(edge_id(e.source, e.target))}" '
            f'data-source="{esc(e.source)}" data-target="{esc(e.target)}">{"".join(cells)}</tr>'
        )
    ths = "".join(f"<th>{esc(h)}</th>" for h in head)
    note = (
        '<p class="small muted">Click a column to sort. Expert columns: that expert\'s adjacency belief '
        "/ orientation belief (P(source \u2192 target | adjacent)); \u2013 means no belief recorded.</p>"
    )
    return (
        f'{note}<div class="scroll"><table id="edges" class="sortable"><thead><tr>{ths}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _expert_table(result: EnsembleResult) -> str:
    after: dict[str, list[float]] = {}
    for e in result.edges:
        for r in e.referee:
            for k, w in r.weights.items():
                after.setdefault(k, []).append(w)
    rule = str(result.settings.get("weights_rule") or "see the settings")
    rows = []
    for x in result.experts:
        ws = after.get(x.name)
        aft = f"{sum(ws) / len(ws):.3f} <span class='muted'>({len(ws)})</span>" if ws else "–"
        bad = "" if x.status == "ok" else " bad"
        rows.append(
            f"<tr><td>{esc(x.name)}</td><td>{esc(x.family)}</td>"
            f'<td class="num" data-v="{x.weight:.6f}">{x.weight:.3f}</td>'
            f'<td class="num" data-v="{sum(ws) / len(ws) if ws else ""}">{aft}</td>'
            f'<td class="num">{x.stability:.2f}</td><td class="num">{x.fit_gain:.3f}</td>'
            f'<td class="{bad.strip()}">{esc(x.status)}</td>'
            f'<td class="num" data-v="{x.seconds:.3f}">{x.seconds:.1f}</td>'
            f'<td class="num">{x.n_ok}/{x.n_fits}</td><td class="small">{esc(x.error or "")}</td></tr>'
        )
    head = [
        "expert",
        "family",
        "weight (pool)",
        "weight after refereeing (decisions)",
        "stability",
        "fit gain",
        "status",
        "seconds",
        "fits ok",
        "error",
    ]
    ths = "".join(f"<th>{h}</th>" for h in head)
    return (
        f'<table id="experts" class="sortable"><thead><tr>{ths}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        f'<p class="small muted">Weight (pool): the starting weight ({esc(rule)}). '
        "After refereeing: the mean weight the referee gave the expert in the decisions it settled.</p>"
    )


def _kv_table(items: Mapping[str, Any], table_id: str) -> str:
    rows = []
    for k, v in items.items():
        text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)
        rows.append(f"<tr><th>{esc(k)}</th><td><code>{esc(text)}</code></td></tr>")
    return f'<table id="{table_id}">{"".join(rows)}</table>'


def _diagnostics(result: EnsembleResult) -> str:
    s = result.settings
    kinds: dict[str, int] = {}
    for v in result.variables:
        kinds[v.type] = kinds.get(v.type, 0) + 1
    facts = {
        "data": s.get("data", "–"),
        "rows": s.get("n_rows", "–"),
        "variables": len(result.variables),
        "column types": ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())),
        "data kind": s.get("data_kind", "–"),
    }
    variables = "".join(
        f"<tr><td>{esc(v.name)}</td><td>{esc(v.type)}</td><td>{esc(v.description or '')}</td></tr>"
        for v in result.variables
    )
    notes = (
        ("<ul>" + "".join(f"<li>{esc(n)}</li>" for n in result.notes) + "</ul>")
        if result.notes
        else '<p class="muted">No notes from data loading.</p>'
    )
    refereed = {edge_id(e.source, e.target): e for e in result.edges if e.referee}
    kept = {edge_id(e.source, e.target) for e in result.edges}
    contested_rows = []
    for c in result.contested:
        k = edge_id(c.source, c.target)
        outcome = "in graph" if k in kept else "not in graph"
        by = f", settled by {esc(refereed[k].referee[0].by)}" if k in refereed else ""
        contested_rows.append(
            f"<tr><td>{esc(c.source)}</td><td>{esc(c.target)}</td><td>{esc(c.level)}</td>"
            f'<td class="num">{c.pooled:.3f}</td><td class="num">{c.threshold:.2f}</td>'
            f"<td>{outcome}{by}</td></tr>"
        )
    contested = (
        '<table id="contested" class="sortable"><thead><tr><th>source</th><th>target</th><th>level</th>'
        "<th>pooled</th><th>threshold</th><th>outcome</th></tr></thead><tbody>"
        + "".join(contested_rows)
        + "</tbody></table>"
        if contested_rows
        else '<p class="muted">No contested decisions.</p>'
    )
    decisions = (
        "<table><thead><tr><th>source</th><th>target</th><th>action</th><th>reason</th></tr></thead><tbody>"
        + "".join(
            f"<tr><td>{esc(d.source)}</td><td>{esc(d.target)}</td>"
            f"<td>{esc(d.action)}</td><td>{esc(d.reason)}</td></tr>"
            for d in result.decisions
        )
        + "</tbody></table>"
        if result.decisions
        else '<p class="muted">No assembly decisions (no cycle had to be broken).</p>'
    )
    return (
        f'{_kv_table(facts, "data-facts")}<h3>Variables</h3><table id="variables"><thead><tr><th>name</th>'
        f"<th>type</th><th>description</th></tr></thead><tbody>{variables}</tbody></table>"
        f"<h3>Notes</h3>{notes}<h3>Contested decisions ({len(result.contested)})</h3>{contested}"
        f"<h3>Assembly decisions</h3>{decisions}"
    )


def _truth_summary(result: EnsembleResult, truth: TruthOverlay, missing: list[tuple[str, str, bool]]) -> str:
    counts: dict[str, int] = {k: 0 for k in TRUTH_BADGE}
    for e in result.edges:
        counts[_truth_status(e, truth)] += 1
    n_true = len(truth.directed) + len(truth.undirected)
    items = "".join(
        f'<tr><td class="truth-{k}">{TRUTH_BADGE[k]} {k}</td><td class="num">{v}</td></tr>'
        for k, v in counts.items()
    )
    items += f'<tr><td class="truth-missing">- - missing</td><td class="num">{len(missing)}</td></tr>'
    miss = "".join(
        f"<tr><td>{esc(s)}</td><td>{'→' if d else '—'}</td><td>{esc(t)}</td></tr>" for s, t, d in missing
    )
    return (
        f"<p>Compared with <code>{esc(truth.source)}</code> ({n_true} true edges).</p>"
        f'<div class="grid"><table id="truth-counts"><tbody>{items}</tbody></table>'
        f'<table id="missing"><thead><tr><th colspan="3">missing edges</th></tr></thead>'
        f"<tbody>{miss}</tbody></table></div>"
    )


def render_report(
    result: EnsembleResult, *, truth: TruthOverlay | None = None, title: str | None = None
) -> str:
    """The whole report.html as a string (see the module docstring)."""
    missing = _missing(result, truth) if truth is not None else []
    status = {edge_id(e.source, e.target): _truth_status(e, truth) for e in result.edges} if truth else None
    nodes = list(result.names)
    if truth is not None:
        nodes += [n for n in truth.nodes if n not in nodes]
    svg = draw_graph(
        nodes,
        result.edges,
        {v.name: v.description for v in result.variables},
        truth_status=status,
        missing=missing,
    )
    n_dir = sum(e.type is EdgeType.DIRECTED for e in result.edges)
    n_und = len(result.edges) - n_dir
    n_ref = sum(bool(e.referee) for e in result.edges)
    ok = sum(x.status == "ok" for x in result.experts)
    subtitle = (
        f"{len(result.variables)} variables, {len(result.edges)} edges "
        f"({n_dir} directed, {n_und} undirected), {n_ref} settled by a referee; "
        f"{ok}/{len(result.experts)} experts ok; "
        f"{len(result.contested)} contested decisions; referee: {result.referee.kind}; "
        f"causal-ensemble {result.version}, seed {result.seed}"
    )
    agreement, over = agreement_for_report(result)
    names = list(agreement)
    ref = result.referee
    referee_facts = {
        "kind": ref.kind,
        "model": ref.model or "–",
        "queries": ref.queries,
        "cache hits": ref.cache_hits,
        "seconds": round(ref.seconds, 3),
    }
    failures = "".join(f"<li>{esc(f)}</li>" for f in ref.failures)
    versions = {
        "causal-ensemble (run)": result.version,
        "causal-ensemble (this page)": _renderer_version(),
        "schema": "causal-ensemble/graph@1",
        "seed": result.seed,
    }
    sections = [
        ("graph-section", "Graph", _legend(truth is not None) + svg),
    ]
    if truth is not None:
        sections.append(("truth", "Against the truth", _truth_summary(result, truth, missing)))
    sections += [
        ("edge-table", f"Edges ({len(result.edges)})", _edge_table(result, truth)),
        ("panel", "Expert panel", _expert_table(result)),
        (
            "agreement-section",
            "Expert agreement",
            (draw_heatmap(names, agreement) if names else '<p class="muted">No expert produced a graph.</p>')
            + '<p class="small muted">1 − mean |difference| of two experts\' adjacency beliefs, '
            f"over {esc(over)}.</p>",
        ),
        ("diagnostics", "Data diagnostics", _diagnostics(result)),
        (
            "referee",
            "Referee",
            _kv_table(referee_facts, "referee-facts") + (f"<ul>{failures}</ul>" if failures else ""),
        ),
        (
            "settings",
            "Run settings and versions",
            _kv_table(dict(result.settings), "settings-table") + _kv_table(versions, "versions"),
        ),
    ]
    body = "".join(f'<section id="{sid}"><h2>{h}</h2>{content}</section>' for sid, h, content in sections)
    body += json_island("cea-graph", result.to_dict())
    return html_page(
        title or ("Causal Ensemble report" + (" (with truth overlay)" if truth is not None else "")),
        body,
        script=SORT_SCRIPT + _HILITE_SCRIPT,
        extra_css=_CSS,
        subtitle=subtitle,
    )


def _renderer_version() -> str:
    try:
        return version("causal-ensemble")
    except PackageNotFoundError:  # running from a source tree
        return "0+unknown"


def to_html(result: EnsembleResult) -> str:
    """report.html for a result (kept for callers of the first version of this module)."""
    return render_report(result)
