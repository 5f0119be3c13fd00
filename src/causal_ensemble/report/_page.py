"""A self-contained HTML page: the frame every report page shares (the run report, a benchmark page).

Offline by construction: no external resource is referenced, and a Content-Security-Policy allows no
network access and runs only the page's own script (by its hash), so even a string that escaped escaping
could not load or run anything. Callers pass bodies whose user-supplied parts went through :func:`esc`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape
from typing import Any

BASE_CSS = """
:root{--fg:#1f2328;--muted:#636c76;--line:#d0d7de;--bg2:#f6f8fa;--accent:#0b4f9c}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:var(--fg);background:#fff}
header{padding:1.2em 2em;background:var(--bg2);border-bottom:1px solid var(--line)}
header h1{margin:0 0 .3em;font-size:1.5em}header p{margin:.2em 0;color:var(--muted)}
main{padding:0 2em 2em;max-width:1500px}
section{margin-top:1.6em}h2{font-size:1.2em;border-bottom:1px solid var(--line);padding-bottom:.3em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
td,th{border:1px solid var(--line);padding:3px 7px;text-align:left;vertical-align:top}
th{background:var(--bg2)}table.sortable th{cursor:pointer;user-select:none}
table.sortable th:hover{background:#eaeef2}
th.asc::after{content:" \\25B2";font-size:.7em}th.desc::after{content:" \\25BC";font-size:.7em}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.muted{color:var(--muted)}.bad{color:#b42318}.small{font-size:.85em}
.bar{display:inline-block;height:8px;background:var(--accent);vertical-align:middle;margin-left:4px}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85em}
pre{background:var(--bg2);padding:.6em;overflow:auto;max-height:30em}
.grid{display:flex;flex-wrap:wrap;gap:2em;align-items:flex-start}
"""


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute (quotes included)."""
    return escape(str(value), quote=True)


def json_island(element_id: str, obj: Any) -> str:
    """Data for scripts, as ``<script type="application/json">``: never executed, and ``<``, ``>``, ``&``
    are written as JSON escapes so no string inside can close the element."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{esc(element_id)}">{text}</script>'


def html_page(title: str, body: str, *, script: str = "", extra_css: str = "", subtitle: str = "") -> str:
    """A complete page. ``title`` and ``subtitle`` are escaped here; ``body`` must already be safe HTML."""
    csp = ["default-src 'none'", "style-src 'unsafe-inline'", "img-src data:"]
    script_tag = ""
    if script:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        csp.append(f"script-src 'sha256-{digest}'")
        script_tag = f"<script>{script}</script>"
    sub = f"<p>{esc(subtitle)}</p>" if subtitle else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{"; ".join(csp)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{BASE_CSS}{extra_css}</style></head>\n<body>"
        f"<header><h1>{esc(title)}</h1>{sub}</header>\n<main>{body}</main>\n{script_tag}\n</body></html>\n"
    )


SORT_SCRIPT = """
(function(){
  function key(td){var v=td.getAttribute('data-v');return v===null?td.textContent.trim():v;}
  function cmp(a,b){var x=parseFloat(a),y=parseFloat(b);
    if(!isNaN(x)&&!isNaN(y)&&String(x)===a.trim()&&String(y)===b.trim())return x-y;
    if(!isNaN(x)&&!isNaN(y)&&/^-?[0-9.eE+-]+$/.test(a)&&/^-?[0-9.eE+-]+$/.test(b))return x-y;
    return a.localeCompare(b);}
  document.querySelectorAll('table.sortable').forEach(function(t){
    var ths=t.tHead?t.tHead.rows[0].cells:[];
    Array.prototype.forEach.call(ths,function(th,i){
      th.addEventListener('click',function(){
        var asc=!th.classList.contains('asc');
        Array.prototype.forEach.call(ths,function(h){h.classList.remove('asc','desc');});
        th.classList.add(asc?'asc':'desc');
        var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows);
        rows.sort(function(r1,r2){var c=cmp(key(r1.cells[i]),key(r2.cells[i]));return asc?c:-c;});
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
})();
"""


def embed_png(data: bytes, alt: str, *, width: int | None = None) -> str:
    """An ``<img>`` holding a PNG inline as a data URI (the only image source the page's CSP allows)."""
    w = f' width="{int(width)}"' if width else ""
    return f'<img alt="{esc(alt)}"{w} src="data:image/png;base64,{base64.b64encode(data).decode("ascii")}">'
