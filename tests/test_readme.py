"""The README's Python examples run as written (slow: they fit the full Sachs data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._markdown import run_python_blocks

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.slow
def test_readme_python_examples_run(tmp_path: Path) -> None:
    n_blocks, _ = run_python_blocks(README, tmp_path)
    assert n_blocks, "the README has Python examples"
    assert (tmp_path / "out" / "sachs-api" / "graph.json").is_file()
