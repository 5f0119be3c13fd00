"""The command line's scale options: the fit cache, --no-cache, --scheduler and --memory-limit errors."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from causal_ensemble.cli import app

from ..conftest import chain_collider_fork

runner = CliRunner()


def _args(tmp_path: Path, out: str, *extra: str) -> list[str]:
    frame, _ = chain_collider_fork(300, 2)
    data = tmp_path / "data.csv"
    if not data.exists():
        frame.to_csv(data, index=False)
    return [
        "discover",
        str(data),
        "--out",
        str(tmp_path / out),
        "--experts",
        "pc,grasp",
        "--bootstrap",
        "2",
        "--cache-dir",
        str(tmp_path / "cache"),
        *extra,
    ]


def test_rerun_with_another_referee_reuses_every_fit(tmp_path: Path) -> None:
    first = runner.invoke(app, _args(tmp_path, "a"))
    assert first.exit_code == 0, first.stderr
    assert "0 fits reused, 6 computed" in " ".join(first.stderr.split())  # rich wraps lines
    second = runner.invoke(app, _args(tmp_path, "b", "--referee", "stats", "--margin", "0.3"))
    assert second.exit_code == 0, second.stderr
    assert "6 fits reused, 0 computed" in " ".join(second.stderr.split())
    off = runner.invoke(app, _args(tmp_path, "c", "--no-cache"))
    assert off.exit_code == 0 and "fits reused" not in off.stderr


def test_unreachable_scheduler_exits_2_naming_the_option(tmp_path: Path) -> None:
    result = runner.invoke(app, _args(tmp_path, "a", "--scheduler", "tcp://127.0.0.1:9", "--quiet"))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--scheduler" in lines[0]


def test_bad_memory_limit_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, _args(tmp_path, "a", "--memory-limit", "0", "--quiet"))
    assert result.exit_code == 2 and "--memory-limit" in result.stderr


def test_ctrl_c_leaves_no_output_and_the_rerun_resumes_from_the_cache(tmp_path: Path) -> None:
    """A real SIGINT to a `cea discover` process: exit 130, no partial files, the rerun reuses the fits."""
    frame, _ = chain_collider_fork(400, 5)
    frame.to_csv(tmp_path / "data.csv", index=False)
    cache, out = tmp_path / "cache", tmp_path / "out"
    cmd = [sys.executable, "-m", "causal_ensemble", "discover", str(tmp_path / "data.csv"), "--out", str(out)]
    cmd += ["--experts", "dagma", "--bootstrap", "6", "--jobs", "1", "--cache-dir", str(cache)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(list(cache.rglob("*.json"))) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted; nothing was written" in stderr and str(cache) in " ".join(stderr.split())
    assert not out.exists()
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".tmp-")]
    done = {p: p.stat().st_mtime_ns for p in cache.rglob("*.json")}
    assert 2 <= len(done) < 7

    again = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert again.returncode == 0, again.stderr
    assert f"{len(done)} fits reused, {7 - len(done)} computed" in " ".join(again.stderr.split())
    assert all(p.stat().st_mtime_ns == t for p, t in done.items())
    assert (out / "graph.json").is_file()
