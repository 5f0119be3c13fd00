"""Benchmark outputs: ``runs.csv`` (every row), ``results.md`` (mean ± sd over seeds), SVG plots and a
self-contained ``report.html`` that inlines them.

Summaries are per dataset (mean ± sd over its seeds) and per family (synthetic mechanism/graph, each real
dataset): the family mean is over datasets and seeds. The comparison table checks the product's claim —
CEA (stats) against the best single expert of each family by mean directed F1 (its SHD is that expert's).
"""

from __future__ import annotations

import csv
import html
import io
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from causal_ensemble.benchmarks._harness import ROW_FIELDS, BenchmarkResults, RunRow

TABLE_METRICS: tuple[tuple[str, str, int], ...] = (
    ("shd", "SHD", 1),
    ("shd_cpdag", "SHD cpdag", 1),
    ("directed_f1", "dirF1", 2),
    ("directed_f1_strict", "dirF1 strict", 2),
    ("skeleton_f1", "skelF1", 2),
    ("orientation_accuracy", "orient acc", 2),
    ("aid", "AID", 2),
    ("sid", "SID", 0),
    ("brier", "Brier", 3),
    ("ece", "ECE", 3),
    ("auprc_directed", "AUPRC dir", 2),
    ("seconds", "seconds", 1),
)
_LEGEND = (
    "Cells are mean ± sd over seeds (ok runs only; `seeds` = ok/total). dirF1 counts an undirected edge "
    "on a true adjacency as half a match; `strict` as none. AID: ancestor adjustment identification "
    "distance (normalised); SID: structural intervention distance (count). Brier/ECE over ordered pairs "
    "of P(i→j). seconds: single-worker compute of the fits a method needs plus its own pooling and assembly."
)
SINGLE_EXCLUDE_PREFIXES = ("bagged-", "cea-", "llm-", "vote")


@dataclass(frozen=True)
class Stat:
    mean: float
    sd: float
    count: int

    def text(self, digits: int) -> str:
        if self.count == 0 or math.isnan(self.mean):
            return "–"
        if self.count == 1 or math.isnan(self.sd):
            return f"{self.mean:.{digits}f}"
        return f"{self.mean:.{digits}f} ± {self.sd:.{digits}f}"


def _b(n_bootstrap: int | None) -> str:
    return "planned within the default budget" if n_bootstrap is None else str(n_bootstrap)


def _stat(values: Iterable[float]) -> Stat:
    v = np.array([x for x in values if not math.isnan(x)], dtype=np.float64)
    if v.size == 0:
        return Stat(math.nan, math.nan, 0)
    return Stat(float(v.mean()), float(v.std(ddof=1)) if v.size > 1 else math.nan, int(v.size))


def is_single_expert(method: str) -> bool:
    return not method.startswith(SINGLE_EXCLUDE_PREFIXES)


def _ordered_methods(rows: Sequence[RunRow]) -> list[str]:
    seen = list(dict.fromkeys(r.method for r in rows))
    singles = [m for m in seen if is_single_expert(m)]
    return singles + [m for m in seen if not is_single_expert(m)]


def write_csv(rows: Sequence[RunRow], path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(ROW_FIELDS)
        for r in rows:
            w.writerow(["" if isinstance(v, float) and math.isnan(v) else v for v in asdict(r).values()])
    return path


def _group(rows: Sequence[RunRow], key: str) -> dict[tuple[str, str], list[RunRow]]:
    out: dict[tuple[str, str], list[RunRow]] = defaultdict(list)
    for r in rows:
        out[(str(getattr(r, key)), r.method)].append(r)
    return out


def _metric(rows: Sequence[RunRow], field: str) -> Stat:
    return _stat(float(getattr(r, field)) for r in rows)


def dataset_table(rows: Sequence[RunRow]) -> list[list[str]]:
    """Header + one line per (dataset, method): mean ± sd over seeds of each table metric."""
    groups = _group(rows, "dataset")
    datasets = list(dict.fromkeys(r.dataset for r in rows))
    head = ["dataset", "method", "seeds", *(label for _, label, _ in TABLE_METRICS)]
    lines = [head]
    for ds in datasets:
        for m in _ordered_methods([r for r in rows if r.dataset == ds]):
            rs = groups[(ds, m)]
            ok = [r for r in rs if r.status == "ok"]
            cells = [_metric(ok, f).text(dg) for f, _, dg in TABLE_METRICS]
            seeds = f"{len(ok)}/{len(rs)}"
            lines.append([ds, m, seeds, *cells])
    return lines


@dataclass(frozen=True)
class Comparison:
    family: str
    best_single: str
    best_f1: Stat
    best_shd: Stat
    cea_f1: Stat
    cea_shd: Stat

    @property
    def meets_target(self) -> bool:
        return self.cea_f1.mean >= self.best_f1.mean and self.cea_shd.mean <= self.best_shd.mean


def compare_with_best_single(rows: Sequence[RunRow], cea: str = "cea-stats") -> list[Comparison]:
    """Per family: the single expert with the best mean directed F1, against CEA's mean F1 and SHD."""
    out = []
    for fam in dict.fromkeys(r.family for r in rows):
        fam_rows = [r for r in rows if r.family == fam and r.status == "ok"]
        singles = {m for m in (r.method for r in fam_rows) if is_single_expert(m)}
        cea_rows = [r for r in fam_rows if r.method == cea]
        if not singles or not cea_rows:
            continue
        best = max(
            sorted(singles), key=lambda m: _metric([r for r in fam_rows if r.method == m], "directed_f1").mean
        )
        best_rows = [r for r in fam_rows if r.method == best]
        out.append(
            Comparison(
                fam,
                best,
                _metric(best_rows, "directed_f1"),
                _metric(best_rows, "shd"),
                _metric(cea_rows, "directed_f1"),
                _metric(cea_rows, "shd"),
            )
        )
    return out


def varsortability_table(rows: Sequence[RunRow]) -> list[list[str]]:
    lines = [["dataset", "d", "n", "varsortability (as fed)", "varsortability (raw draw)"]]
    seen: dict[str, list[RunRow]] = defaultdict(list)
    for r in rows:
        seen[r.dataset].append(r)
    for ds, rs in seen.items():
        by_seed = {r.seed: r for r in rs}
        lines.append(
            [
                ds,
                str(rs[0].d),
                str(rs[0].n),
                _stat(r.varsortability for r in by_seed.values()).text(2),
                _stat(r.varsortability_raw for r in by_seed.values()).text(2),
            ]
        )
    return lines


def _markdown(lines: Sequence[Sequence[str]]) -> str:
    def esc(x: str) -> str:
        return x.replace("|", "\\|")

    head, *body = lines
    out = ["| " + " | ".join(map(esc, head)) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(map(esc, row)) + " |" for row in body]
    return "\n".join(out)


def comparison_lines(comps: Sequence[Comparison]) -> list[list[str]]:
    lines = [
        [
            "family",
            "best single (by dirF1)",
            "its dirF1",
            "its SHD",
            "CEA stats dirF1",
            "CEA stats SHD",
            "target met",
        ]
    ]
    for c in comps:
        lines.append(
            [
                c.family,
                c.best_single,
                c.best_f1.text(2),
                c.best_shd.text(1),
                c.cea_f1.text(2),
                c.cea_shd.text(1),
                "yes" if c.meets_target else "no",
            ]
        )
    return lines


def markdown_report(results: BenchmarkResults) -> str:
    rows = results.rows
    parts = [
        f"# Benchmark `{results.suite.name}`",
        "",
        results.suite.description + f"; B = {_b(results.suite.n_bootstrap)}.",
        "",
        _LEGEND,
        "",
        "## CEA (stats) against the best single expert",
        "",
        _markdown(comparison_lines(compare_with_best_single(rows))),
        "",
        "## Every method on every dataset",
        "",
        _markdown(dataset_table(rows)),
        "",
        "## Varsortability",
        "",
        _markdown(varsortability_table(rows)),
        "",
    ]
    failed = [r for r in rows if r.status != "ok"]
    if failed:
        parts += ["## Failed runs", ""]
        parts += [f"- {r.dataset} seed {r.seed} {r.method}: {r.error}" for r in failed]
        parts.append("")
    return "\n".join(parts)


def _svg(fig: object) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")  # type: ignore[attr-defined]
    text = buf.getvalue()
    return text[text.index("<svg") :]


def plots(rows: Sequence[RunRow]) -> dict[str, str]:
    """SVG text of: directed F1 and SHD per method per family (bars), seconds against d (lines)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = [r for r in rows if r.status == "ok"]
    families = list(dict.fromkeys(r.family for r in ok))
    methods = _ordered_methods(ok)
    out: dict[str, str] = {}
    for field, label in (("directed_f1", "directed F1 (lenient)"), ("shd", "SHD")):
        fig, ax = plt.subplots(figsize=(max(6.0, 1.2 * len(families) + 3), 4.0))
        width = 0.8 / max(len(methods), 1)
        x = np.arange(len(families))
        for k, m in enumerate(methods):
            means = [
                _metric([r for r in ok if r.family == f and r.method == m], field).mean for f in families
            ]
            ax.bar(x + k * width - 0.4 + width / 2, means, width, label=m)
        ax.set_xticks(x)
        ax.set_xticklabels(families, rotation=30, ha="right", fontsize=8)
        ax.set_ylabel(label)
        ax.set_title(f"{label} per method (mean over datasets and seeds)")
        ax.legend(fontsize=7, ncol=2, bbox_to_anchor=(1.01, 1), loc="upper left")
        out[field] = _svg(fig)
        plt.close(fig)
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    synth = [r for r in ok if r.dataset.startswith("synth-")]
    for m in methods:
        by_d: dict[int, list[float]] = defaultdict(list)
        for r in synth:
            if r.method == m:
                by_d[r.d].append(r.seconds)
        if by_d:
            ds = sorted(by_d)
            ax.plot(ds, [float(np.mean(by_d[d])) for d in ds], marker="o", label=m)
    ax.set_xlabel("d (synthetic datasets)")
    ax.set_ylabel("seconds (single worker)")
    ax.set_yscale("log")
    ax.set_title("runtime against the number of variables")
    if synth:
        ax.legend(fontsize=7, ncol=2, bbox_to_anchor=(1.01, 1), loc="upper left")
    out["runtime"] = _svg(fig)
    plt.close(fig)
    return out


def _html_table(lines: Sequence[Sequence[str]]) -> str:
    head, *body = lines
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    trs = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in body)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>"


def html_report(results: BenchmarkResults, svgs: dict[str, str]) -> str:
    rows = results.rows
    title = html.escape(f"causal-ensemble benchmark: {results.suite.name}")
    figs = "".join(f"<figure>{svg}</figure>" for svg in svgs.values())
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title><style>body{{font-family:sans-serif;margin:2em}}"
        "table{border-collapse:collapse;font-size:0.85em}td,th{border:1px solid #ccc;padding:2px 6px}"
        "figure{margin:1em 0}</style></head><body>"
        f"<h1>{title}</h1><p>{html.escape(results.suite.description)}; "
        f"B = {_b(results.suite.n_bootstrap)}.</p>"
        "<h2>CEA (stats) against the best single expert</h2>"
        f"{_html_table(comparison_lines(compare_with_best_single(rows)))}"
        f"<h2>Plots</h2>{figs}"
        f"<h2>Every method on every dataset</h2>{_html_table(dataset_table(rows))}"
        f"<h2>Varsortability</h2>{_html_table(varsortability_table(rows))}"
        "</body></html>\n"
    )


def write_results(results: BenchmarkResults) -> list[Path]:
    """Write runs.csv, results.md, plots/*.svg and report.html into the results folder; return the paths."""
    out = results.out_dir
    (out / "plots").mkdir(parents=True, exist_ok=True)
    paths = [write_csv(results.rows, out / "runs.csv")]
    md = out / "results.md"
    md.write_text(markdown_report(results), encoding="utf-8")
    paths.append(md)
    svgs = plots(results.rows)
    for name, svg in svgs.items():
        p = out / "plots" / f"{name}.svg"
        p.write_text(svg, encoding="utf-8")
        paths.append(p)
    page = out / "report.html"
    page.write_text(html_report(results, svgs), encoding="utf-8")
    paths.append(page)
    return paths
