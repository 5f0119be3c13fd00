"""The command line's scale options: the fit cache, --no-cache, --scheduler and --memory-limit errors."""

from __future__ import annotations

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
