"""Every bad input gets exit code 2 and one line on stderr naming the file, column or option."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from causal_ensemble.cli import app

runner = CliRunner()


def _run(args: list[str]) -> tuple[int, str]:
    result = runner.invoke(app, args)
    return result.exit_code, result.stderr


def _good_frame(n: int = 50) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"x": rng.normal(size=n), "y": rng.normal(size=n), "z": rng.normal(size=n)})


def _assert_user_error(code: int, stderr: str, *needles: str) -> None:
    assert code == 2, stderr
    lines = [ln for ln in stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("cea: error: ")
    assert "Traceback" not in stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        ("", ["bad.csv"]),
        ("x,y,z\n", ["bad.csv"]),
        ("x,y,z\n1,2,3\n", ["bad.csv"]),
        ("x,y,z\n" + "".join(f"{i},{i * 2 % 7},{i % 3}\n" for i in range(5)), ["bad.csv", "rows"]),
        (
            "x,y,z\n" + "".join(f"{i},{'abc' if i == 7 else i % 5},{i % 3}.5\n" for i in range(40)),
            ["'y'", "abc"],
        ),
        (
            "x,y,z\n" + "".join(f"{i},{'' if i == 3 else f'{i % 5}.5'},{i % 3}.5\n" for i in range(40)),
            ["'y'", "missing"],
        ),
        (
            "x,y,z\n" + "".join(f"{i},{'inf' if i == 3 else f'{i % 5}.5'},{i % 3}.5\n" for i in range(40)),
            ["'y'", "infinite"],
        ),
        ("x,y,z\n" + "".join(f"{i}.5,1.0,2.0\n" for i in range(40)), ["'y'", "'z'", "constant"]),
        ("x,y,x\n" + "".join(f"{i}.5,{i % 4}.5,{i % 3}.5\n" for i in range(40)), ["'x'"]),
        ("x,,z\n" + "".join(f"{i}.5,{i % 4}.5,{i % 3}.5\n" for i in range(40)), ["bad.csv"]),
    ],
    ids=[
        "empty",
        "header-only",
        "single-row",
        "too-few-rows",
        "text-in-numeric",
        "nan",
        "inf",
        "constant",
        "duplicate-name",
        "empty-name",
    ],
)
def test_bad_data_files(tmp_path: Path, content: str, needles: list[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    code, stderr = _run(
        ["discover", str(path), "--out", str(tmp_path / "out"), "--bootstrap", "0", "--quiet"]
    )
    _assert_user_error(code, stderr, *needles)
    assert not (tmp_path / "out" / "graph.json").exists()


def test_missing_file(tmp_path: Path) -> None:
    code, stderr = _run(["discover", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o")])
    _assert_user_error(code, stderr, "nope.csv")


@pytest.mark.parametrize(
    ("extra", "needles"),
    [
        (["--experts", "pc,bogus"], ["bogus"]),
        (["--margin", "0.8"], ["--margin"]),
        (["--threshold", "1.5"], ["--threshold"]),
        (["--bootstrap", "-1"], ["--bootstrap"]),
        (["--jobs", "0"], ["--jobs"]),
        (["--referee", "oracle"], ["--referee"]),
        (["--experts", "directlingam", "--types", "x=discrete,y=discrete,z=discrete"], ["directlingam"]),
        (["--types", "w=discrete"], ["'w'"]),
    ],
    ids=[
        "unknown-expert",
        "margin",
        "threshold",
        "bootstrap",
        "jobs",
        "referee",
        "unsupported-expert",
        "types",
    ],
)
def test_bad_options(tmp_path: Path, extra: list[str], needles: list[str]) -> None:
    path = tmp_path / "data.csv"
    _good_frame().to_csv(path, index=False)
    code, stderr = _run(
        ["discover", str(path), "--out", str(tmp_path / "o"), "--bootstrap", "0", "--quiet", *extra]
    )
    _assert_user_error(code, stderr, *needles)


def test_descriptions_naming_unknown_columns(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    _good_frame().to_csv(path, index=False)
    desc = tmp_path / "desc.json"
    desc.write_text('{"x": "first", "ghost": "not a column", "phantom": "nor this"}')
    code, stderr = _run(["discover", str(path), "--out", str(tmp_path / "o"), "--descriptions", str(desc)])
    _assert_user_error(code, stderr, "ghost", "phantom")


def test_knowledge_naming_unknown_variable(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    _good_frame().to_csv(path, index=False)
    know = tmp_path / "k.yaml"
    know.write_text("tiers:\n  - [x]\n  - [y, nobody]\n")
    code, stderr = _run(["discover", str(path), "--out", str(tmp_path / "o"), "--knowledge", str(know)])
    _assert_user_error(code, stderr, "nobody", "k.yaml")


def test_console_script_prints_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n")
    proc = subprocess.run(
        [sys.executable, "-m", "causal_ensemble", "discover", str(path), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("cea: error: ")
