"""The embedded model as a judge: how often its graded readings are right, before the referee trusts them.

For every network with known structure and variable descriptions (sachs, bn-asia, bn-child,
bn-insurance, bn-alarm) it asks about up to ``--max-edges`` true edges (a seeded draw; 20 keeps a run
under an hour on two cores) and as many non-adjacent pairs, with
the referee's own prompts (``referee/_questions.py``): "does A directly cause B?" in both directions and
"is there a direct causal link between A and B?", each read as P(Yes) from the first token's
log-probabilities. Once with the real column names, once disguised as V1..Vd (descriptions kept). Prints,
per name mode and question form: accuracy of the direction given adjacency, AUC for adjacency,
calibration of the fitted maps (leave-one-network-out log loss, Brier and ECE), and seconds per question;
then the fitted calibration (``referee/_judge.py``) to paste into ``referee/_calibrations.py``.

    python benchmarks/judge.py [--llm local] [--networks sachs,bn-asia,...] [--seed 0] [--out results/judge]

Answers go to the referee's answer cache, so a rerun (or a referee run asking the same questions) is free.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from causal_ensemble.data.datasets import load_dataset
from causal_ensemble.llm import (
    AnswerCache,
    LLMError,
    LLMSession,
    SessionSettings,
    make_chat_model,
    parse_llm_spec,
)
from causal_ensemble.referee._judge import JudgeCalibration, fit_adjacency, fit_direction_slope, logit
from causal_ensemble.referee._llm import PROMPT_VERSION_GRADED
from causal_ensemble.referee._questions import QuestionForm, Shown, question

NETWORKS = ("sachs", "bn-asia", "bn-child", "bn-insurance", "bn-alarm")


@dataclass
class Pair:
    network: str
    a: str
    b: str
    adjacent: bool  # True: a -> b is a true edge
    disguised: bool
    p_ab: float = float("nan")  # P(yes) to "a causes b"
    p_ba: float = float("nan")
    p_link: float = float("nan")
    seconds: float = 0.0
    questions: int = 0


def _pairs(
    network: str, seed: int, max_edges: int
) -> tuple[list[tuple[str, str, bool]], dict[str, str], list[str]]:
    data = load_dataset(network, n=50, seed=seed)
    names = [str(c) for c in data.frame.columns]
    rng = np.random.default_rng(seed)
    every = sorted(data.truth or ())
    keep = sorted(int(k) for k in rng.choice(len(every), size=min(max_edges, len(every)), replace=False))
    truth = {every[k] for k in keep}
    adjacent = {frozenset(e) for e in every}
    non = [(a, b) for k, a in enumerate(names) for b in names[k + 1 :] if frozenset((a, b)) not in adjacent]
    pick = rng.choice(len(non), size=min(len(truth), len(non)), replace=False)
    out = [(a, b, True) for a, b in sorted(truth)]
    for k in sorted(int(x) for x in pick):
        a, b = non[k]
        out.append((a, b, False) if rng.random() < 0.5 else (b, a, False))
    return out, dict(data.descriptions), names


def ask_all(session: LLMSession, networks: list[str], seed: int, max_edges: int) -> list[Pair]:
    rows: list[Pair] = []
    for net in networks:
        pairs, desc, names = _pairs(net, seed, max_edges)
        alias = {n: f"V{k + 1}" for k, n in enumerate(names)}
        for disguised in (False, True):
            start = time.perf_counter()
            for a, b, adj in pairs:
                row = Pair(net, a, b, adj, disguised)
                sa = Shown(alias[a] if disguised else a, desc.get(a))
                sb = Shown(alias[b] if disguised else b, desc.get(b))
                before = session.stats.seconds
                try:
                    row.p_ab = session.ask_graded(
                        question(QuestionForm.CAUSES, sa, sb), ("yes", "no"), version=PROMPT_VERSION_GRADED
                    ).p("yes")
                    row.p_ba = session.ask_graded(
                        question(QuestionForm.CAUSES, sb, sa), ("yes", "no"), version=PROMPT_VERSION_GRADED
                    ).p("yes")
                    row.p_link = session.ask_graded(
                        question(QuestionForm.LINK, sa, sb), ("yes", "no"), version=PROMPT_VERSION_GRADED
                    ).p("yes")
                except LLMError as exc:
                    logging.warning("%s %s-%s: %s", net, a, b, exc)
                row.seconds = session.stats.seconds - before
                row.questions = 3
                rows.append(row)
            logging.info(
                "%s (%s): %d pairs in %.0f s",
                net,
                "disguised" if disguised else "names",
                len(pairs),
                time.perf_counter() - start,
            )
    return rows


def _auc(pos: npt.NDArray[np.float64], neg: npt.NDArray[np.float64]) -> float:
    if pos.size == 0 or neg.size == 0:
        return float("nan")
    diff = pos[:, None] - neg[None, :]
    return float(np.mean((diff > 0) + 0.5 * (diff == 0)))


def _ece(p: npt.NDArray[np.float64], y: npt.NDArray[np.float64], bins: int = 10) -> float:
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    return float(
        sum(
            abs(p[idx == k].mean() - y[idx == k].mean()) * np.mean(idx == k)
            for k in range(bins)
            if np.any(idx == k)
        )
    )


def _fit(rows: list[Pair]) -> JudgeCalibration:
    edges = [r for r in rows if r.adjacent and np.isfinite(r.p_ab)]
    slope = fit_direction_slope([logit(r.p_ab) - logit(r.p_ba) for r in edges])
    ok = [r for r in rows if np.isfinite(r.p_link)]
    b0, b1 = fit_adjacency([logit(r.p_link) for r in ok], [r.adjacent for r in ok])
    nets = sorted({r.network for r in rows})
    return JudgeCalibration(
        slope,
        b0,
        b1,
        f"{len(edges)} true edges and {len(ok) - len(edges)} non-adjacent pairs of {', '.join(nets)}",
    )


def _loo(rows: list[Pair]) -> dict[str, float]:
    """Leave-one-network-out: calibrated probabilities for each network from a map fitted on the others."""
    dir_p, dir_y, adj_p, adj_y = [], [], [], []
    for net in sorted({r.network for r in rows}):
        cal = _fit([r for r in rows if r.network != net])
        for r in rows:
            if r.network != net or not np.isfinite(r.p_link):
                continue
            if r.adjacent:
                q = cal.direction(r.p_ab, r.p_ba)  # presented as the true direction a -> b
                dir_p += [q, 1.0 - q]
                dir_y += [1.0, 0.0]
            adj_p.append(cal.adjacency(r.p_link))
            adj_y.append(1.0 if r.adjacent else 0.0)
    out: dict[str, float] = {}
    for key, p, y in (("direction", dir_p, dir_y), ("adjacency", adj_p, adj_y)):
        pa, ya = np.clip(np.array(p), 1e-6, 1 - 1e-6), np.array(y)
        out[f"{key}_logloss"] = float(-np.mean(ya * np.log(pa) + (1 - ya) * np.log(1 - pa)))
        out[f"{key}_brier"] = float(np.mean((pa - ya) ** 2))
        out[f"{key}_ece"] = _ece(pa, ya)
    return out


def table(rows: list[Pair]) -> str:
    lines = [
        "| names | network | true edges | direction accuracy (causes ×2) | bare answers right / decisive | "
        "adjacency AUC: link | adjacency AUC: max(causes) | s / question |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for disguised in (False, True):
        mode = [r for r in rows if r.disguised == disguised and np.isfinite(r.p_link)]
        for net in [*sorted({r.network for r in mode}), "all"]:
            rs = [r for r in mode if net in ("all", r.network)]
            e = [r for r in rs if r.adjacent]
            s = np.array([logit(r.p_ab) - logit(r.p_ba) for r in e])
            acc = float(np.mean((s > 0) + 0.5 * (s == 0))) if s.size else float("nan")
            decisive = [r for r in e if (r.p_ab > 0.5) != (r.p_ba > 0.5)]
            right = sum(1 for r in decisive if r.p_ab > 0.5)
            link_pos = np.array([logit(r.p_link) for r in e])
            link_neg = np.array([logit(r.p_link) for r in rs if not r.adjacent])
            mx_pos = np.array([max(r.p_ab, r.p_ba) for r in e])
            mx_neg = np.array([max(r.p_ab, r.p_ba) for r in rs if not r.adjacent])
            q = sum(r.questions for r in rs)
            sec = sum(r.seconds for r in rs) / q if q else float("nan")
            lines.append(
                f"| {'disguised' if disguised else 'real'} | {net} | {len(e)} | {acc:.2f} | {right} / "
                f"{len(decisive)} | {_auc(link_pos, link_neg):.2f} | {_auc(mx_pos, mx_neg):.2f} | {sec:.2f} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", default="local")
    parser.add_argument("--networks", default=",".join(NETWORKS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--max-edges", type=int, default=20, help="true edges asked per network (seeded draw)"
    )
    parser.add_argument("--out", type=Path, default=Path("results/judge"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    session = LLMSession(
        make_chat_model(parse_llm_spec(args.llm)),
        settings=SessionSettings(max_queries=1_000_000),
        cache=AnswerCache.default(),
    )
    rows = ask_all(session, args.networks.split(","), args.seed, args.max_edges)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "answers.json").write_text(json.dumps([asdict(r) for r in rows], indent=1))
    print(table(rows))
    print()
    print(
        "| names | fitted calibration | leave-one-network-out: direction log loss / Brier / ECE "
        "| adjacency log loss / Brier / ECE |"
    )
    print("|---|---|---|---|")
    fitted = {}
    for disguised in (False, True):
        mode = [r for r in rows if r.disguised == disguised]
        cal = _fit(mode)
        loo = _loo(mode)
        fitted["disguised" if disguised else "real"] = asdict(cal)
        print(
            f"| {'disguised' if disguised else 'real'} | direction slope {cal.direction_slope:.3f}; "
            "adjacency "
            f"{cal.adjacency_intercept:+.3f} + {cal.adjacency_slope:.3f}·logit | "
            f"{loo['direction_logloss']:.3f} / {loo['direction_brier']:.3f} / {loo['direction_ece']:.3f} | "
            f"{loo['adjacency_logloss']:.3f} / {loo['adjacency_brier']:.3f} / {loo['adjacency_ece']:.3f} |"
        )
    st = session.stats
    print(
        f"\n(chance: log loss {np.log(2):.3f}, Brier 0.250)  model: {session.label}; "
        f"{st.model_calls} model calls, {st.cache_hits} cache hits, {st.seconds:.0f} model-seconds"
    )
    (args.out / "calibration.json").write_text(json.dumps(fitted, indent=1))


if __name__ == "__main__":
    main()
