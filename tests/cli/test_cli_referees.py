"""``--referee human|knowledge|llm`` on the command line: piped answers, option errors exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from causal_ensemble.cli import app

from ..conftest import chain_collider_fork

runner = CliRunner()


def _data(tmp_path: Path) -> Path:
    frame, _ = chain_collider_fork(500, 2)
    data = tmp_path / "data.csv"
    frame.to_csv(data, index=False)
    return data


def test_human_referee_reads_piped_answers(tmp_path: Path) -> None:
    data = _data(tmp_path)
    args = ["discover", str(data), "--out", str(tmp_path / "o"), "--experts", "pc,ges", "--bootstrap", "2"]
    result = runner.invoke(
        app, [*args, "--margin", "0.45", "--referee", "human", "--quiet"], input="3\n" * 20
    )
    assert result.exit_code == 0, result.output
    graph = json.loads((tmp_path / "o" / "graph.json").read_text())
    assert graph["referee"]["kind"] == "human" and graph["referee"]["queries"] > 0
    assert "answer [1-4]:" in result.output


def test_referee_option_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    data = _data(tmp_path)
    base = ["discover", str(data), "--out", str(tmp_path / "o"), "--experts", "pc", "--bootstrap", "0"]
    for extra, needle in (
        (["--referee", "knowledge"], "--knowledge"),
        (["--referee", "llm", "--llm", "gopher://x"], "--llm"),
        (["--referee", "llm", "--llm-budget", "-1"], "--llm-budget"),
        (["--referee", "stats", "--llm", "local"], "--llm"),
    ):
        result = runner.invoke(app, [*base, *extra])
        assert result.exit_code == 2, (extra, result.output)
        assert needle in result.stderr and result.stderr.count("\n") == 1
