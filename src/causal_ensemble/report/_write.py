"""Writing a result's files; each file is written to a temporary name and renamed, so an interrupted
run never leaves a half-written graph.json behind."""

from __future__ import annotations

import os
from pathlib import Path

from causal_ensemble._errors import InputError
from causal_ensemble._result import EnsembleResult
from causal_ensemble.report._dot import to_dot
from causal_ensemble.report._html import to_html


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_text_atomic(path: str | Path, text: str, *, option: str = "--out") -> Path:
    """Write one file atomically; a missing parent directory is created, an unwritable path is an
    InputError naming ``option``."""
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{option} {p}: is a directory, expected a file name")
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(p, text)
    except OSError as exc:
        raise InputError(f"{option} {p}: cannot write ({exc.strerror})") from exc
    return p


def write_outputs(result: EnsembleResult, out_dir: str | Path) -> list[Path]:
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out {out}: cannot create directory ({exc.strerror})") from exc
    files = {"graph.json": result.to_json(), "graph.dot": to_dot(result), "report.html": to_html(result)}
    paths = []
    for name, text in files.items():
        p = out / name
        _atomic_write(p, text)
        paths.append(p)
    return paths
