"""A self-contained HTML summary of a run (no network, no scripts): edge table and expert panel.

Everything user-supplied (names, descriptions, rationales, error messages) goes through ``html.escape``.
"""

from __future__ import annotations

from html import escape

from causal_ensemble.assemble import EdgeType, EnsembleResult

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
th{background:#f3f3f3}.num{text-align:right;font-variant-numeric:tabular-nums}
.bar{display:inline-block;height:8px;background:#3a6ea5;vertical-align:middle}
.failed{color:#b00}.ref{background:#fff4e0}
"""

_ARROW = {EdgeType.DIRECTED: "&rarr;", EdgeType.UNDIRECTED: "&mdash;", EdgeType.BIDIRECTED: "&harr;"}


def to_html(result: EnsembleResult) -> str:
    e_ = escape
    rows = []
    for e in sorted(result.edges, key=lambda x: -x.probability):
        experts = ", ".join(
            f"{e_(k)} {v.adjacency:.2f}" + ("" if v.orientation is None else f"/{v.orientation:.2f}")
            for k, v in e.experts.items()
        )
        ref = "; ".join(
            f"{e_(r.by)} ({e_(r.level)}): {r.before:.2f}&rarr;{r.after:.2f} {e_(r.rationale)}"
            for r in e.referee
        )
        orient = "" if e.orientation is None else f"{e.orientation:.2f}"
        rows.append(
            f"<tr class='{'ref' if e.referee else ''}'><td>{e_(e.source)}</td><td>{_ARROW[e.type]}</td>"
            f"<td>{e_(e.target)}</td><td class='num'>{e.probability:.2f} "
            f"<span class='bar' style='width:{int(60 * e.probability)}px'></span></td>"
            f"<td class='num'>{e.adjacency:.2f}</td><td class='num'>{orient}</td>"
            f"<td>{e_(e.settled_by)}</td><td>{experts}</td><td>{ref}</td></tr>"
        )
    experts_rows = [
        f"<tr><td>{e_(x.name)}</td><td>{e_(x.family)}</td><td class='num'>{x.weight:.3f}</td>"
        f"<td class='num'>{x.stability:.2f}</td><td class='num'>{x.fit_gain:.3f}</td>"
        f"<td class='{'failed' if x.status != 'ok' else ''}'>{e_(x.status)}</td>"
        f"<td class='num'>{x.seconds:.1f}</td><td>{x.n_ok}/{x.n_fits}</td><td>{e_(x.error or '')}</td></tr>"
        for x in result.experts
    ]
    variables = "".join(
        f"<tr><td>{e_(v.name)}</td><td>{e_(v.type)}</td><td>{e_(v.description or '')}</td></tr>"
        for v in result.variables
    )
    settings = "".join(
        f"<tr><th>{e_(str(k))}</th><td>{e_(str(v))}</td></tr>" for k, v in result.settings.items()
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>causal-ensemble report</title><style>{_CSS}</style></head>
<body>
<h1>Causal Ensemble Agent result</h1>
<p>{len(result.variables)} variables, {len(result.directed_edges())} directed and
{len(result.undirected_edges())} undirected edges; {len(result.contested)} contested decisions;
referee: {e_(result.referee.kind)}. causal-ensemble {e_(result.version)}, seed {result.seed}.</p>
<h2>Edges</h2>
<table id="edges"><thead><tr><th>source</th><th></th><th>target</th><th>probability</th><th>adjacency</th>
<th>orientation</th><th>settled by</th><th>experts (adjacency/orientation)</th><th>referee</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h2>Expert panel</h2>
<table id="experts"><thead><tr><th>expert</th><th>family</th><th>weight</th><th>stability</th>
<th>fit gain</th><th>status</th><th>seconds</th><th>fits ok</th><th>error</th></tr></thead>
<tbody>{"".join(experts_rows)}</tbody></table>
<h2>Variables</h2><table><thead><tr><th>name</th><th>type</th><th>description</th></tr></thead>
<tbody>{variables}</tbody></table>
<h2>Settings</h2><table>{settings}</table>
</body></html>
"""
