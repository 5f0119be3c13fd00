"""Random malformed tables: the loader and ``cea discover`` answer with a user error, never a traceback.

The hand-written cases in ``test_cli_errors.py`` cover the mistakes we thought of; these properties
throw odd headers, mixed cells, NaN and infinities, extreme magnitudes and degenerate shapes at the same
code, so that a mistake nobody thought of still gets exit code 2 and one line naming it.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import traceback
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from causal_ensemble import InputError
from causal_ensemble.cli._app import app
from causal_ensemble.data import Dataset, load_table

runner = CliRunner()

# ----------------------------------------------------------------------------------------- strategies

_EXTREME = ["1e300", "-1e300", "1e-300", "-1e-300", "1.7976931348623157e308", "5e-324", "-0.0", "0"]
_ORDINARY = st.floats(-1e3, 1e3).map(repr)
_WILD = st.one_of(st.floats(allow_nan=False, allow_infinity=False).map(repr), st.sampled_from(_EXTREME))
_NUMBER = st.one_of(
    _ORDINARY, _WILD, st.integers(-3, 3).map(str), st.sampled_from(["nan", "NaN", "inf", "-inf", "1e400"])
)
_SMALL_INT = st.integers(0, 3).map(str)
_LABEL = st.sampled_from(["low", "mid", "high", "none", "名前", "é", "[b]", "1,5"])
_WORDS = ["abc", "yes", "no", "NA", "n/a", "null", "", " ", "-", "0x10", "1_000", "[/]", "\\"]
_TEXT = st.one_of(_LABEL, st.sampled_from(_WORDS), st.text(st.characters(codec="utf-8"), max_size=4))
_BOOL = st.sampled_from(["True", "False", "true", "false"])
_CELL = st.one_of(_NUMBER, _SMALL_INT, _TEXT, _BOOL)

_NAMES = ["x", "y", "z", "", " ", "\t", "  x ", "é", "名前", "1", "2.5", "nan", "NA", "#", "a b"]
_NAMES += ["[b]", "[/]", "x[/]"]
_HEADER_NAME = st.one_of(st.sampled_from(_NAMES), st.text(st.characters(codec="utf-8"), max_size=5))


@st.composite
def _clean_column(draw: st.DrawFn, n_rows: int) -> list[str]:
    """A column of one well-formed kind: most reach the experts, the extreme ones the magnitude check."""
    flavour = draw(st.sampled_from(["float", "float", "small-int", "label", "bool", "constant", "extreme"]))
    if flavour == "constant":
        return [draw(st.one_of(_ORDINARY, _WILD, _LABEL, _BOOL))] * n_rows
    if flavour == "extreme":  # every cell huge or tiny, or any finite float
        cell = st.one_of(st.sampled_from(_EXTREME[:4]), _WILD)
    else:
        cell = {"float": _ORDINARY, "small-int": _SMALL_INT, "label": _LABEL, "bool": _BOOL}[flavour]
    return draw(st.lists(cell, min_size=n_rows, max_size=n_rows))


@st.composite
def _messy_column(draw: st.DrawFn, n_rows: int) -> list[str]:
    """A column of a single flavour, so that typed columns with a stray cell are common."""
    flavour = draw(st.sampled_from(["number", "text", "any", "constant", "typo"]))
    if flavour == "constant":
        return [draw(_CELL)] * n_rows
    if flavour == "typo":  # a numeric column with one bad cell
        cells = draw(st.lists(_NUMBER, min_size=n_rows, max_size=n_rows))
        if cells:
            cells[draw(st.integers(0, n_rows - 1))] = draw(_TEXT)
        return cells
    cell = {"number": _NUMBER, "text": _TEXT, "any": _CELL}[flavour]
    return draw(st.lists(cell, min_size=n_rows, max_size=n_rows))


@st.composite
def _table_text(draw: st.DrawFn) -> str:
    """A CSV file's text: half the time a table the loader accepts, else a malformed or degenerate one.

    Two shapes found bugs once and stay in on purpose: column names with rich markup (``[/]``), which the
    CLI printed as markup, and identical columns on which every fit fails (the error then came with a
    warning line before it).
    """
    shape = draw(st.sampled_from(["clean"] * 5 + ["messy"] * 3 + ["empty", "blank", "header-only"]))
    if shape == "empty":
        return ""
    if shape == "blank":
        return draw(st.sampled_from(["\n", "  \n\n", "\ufeff", "\ufeff\n"]))
    names = _HEADER_NAME
    if shape == "clean":
        header = draw(st.lists(names.map(str.strip).filter(bool), min_size=2, max_size=4, unique=True))
        n_rows = draw(st.integers(10, 25))
        columns = [draw(_clean_column(n_rows)) for _ in header]
    else:
        n_cols = draw(st.integers(1, 4))
        header = draw(st.lists(names, min_size=n_cols, max_size=n_cols))
        if draw(st.booleans()):  # plain distinct names, so that the rows get validated too
            header = [f"v{k}" for k in range(n_cols)]
        if n_cols > 1 and draw(st.integers(0, 4)) == 0:
            header[-1] = header[0]
        n_rows = 0 if shape == "header-only" else draw(st.one_of(st.integers(1, 3), st.integers(10, 25)))
        columns = [draw(_messy_column(n_rows)) for _ in header]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(zip(*columns, strict=True) if n_rows else [])
    return buffer.getvalue()


def _write(directory: str, text: str) -> Path:
    path = Path(directory) / "data.csv"
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------ properties


def _check_dataset(ds: Dataset) -> None:
    # What every later stage trusts without checking again.
    values = ds.values
    assert ds.n_vars >= 2 and ds.n_rows >= 10
    assert np.isfinite(values).all(), values
    inner = ds.informative()
    assert inner.n_vars == ds.n_vars - len(ds.constant_columns) >= 2 and not inner.constant_columns
    assert len(set(ds.names)) == ds.n_vars and all(name.strip() for name in ds.names)
    for name in ds.names:
        assert ds.frame[name].dtype in (np.float64, np.int64)
        if name in ds.categories:
            codes = ds.frame[name].to_numpy()
            assert codes.min() >= 0 and codes.max() < len(ds.categories[name])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(text=_table_text())
def test_loader_returns_a_dataset_or_an_input_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(tmp, text)
        try:
            ds = load_table(path)
        except InputError as exc:
            message = str(exc)
            assert message and "\n" not in message, repr(message)
            return
        _check_dataset(ds)


def _traceback(result: object) -> str:
    exc_info = getattr(result, "exc_info", None)
    return "".join(traceback.format_exception(*exc_info)) if exc_info else ""


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(text=_table_text())
def test_discover_exits_0_or_2_with_one_error_line(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(tmp, text)
        out = Path(tmp) / "out"
        args = ["discover", str(path), "--out", str(out), "--experts", "pc", "--bootstrap", "2"]
        result = runner.invoke(app, [*args, "--no-cache", "--quiet", "--referee", "none"])
        stderr = result.stderr
        assert result.exit_code in (0, 2), f"exit {result.exit_code}\n{stderr}\n{_traceback(result)}"
        assert "Traceback" not in stderr, stderr
        if result.exit_code == 2:
            # one error line; before it, only the notes printed on reading the table (they come before
            # the fits, so a run that fails in the experts has printed them already)
            lines = [line for line in stderr.splitlines() if line.strip()]
            errors = [k for k, line in enumerate(lines) if line.startswith("cea: error:")]
            assert errors == [len(lines) - 1], stderr
            assert len(lines) == 1 or lines[0].startswith("note:"), stderr  # notes wrap at the width
        else:  # constant columns too: the experts skip them, the graph keeps them as isolated variables
            graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
            assert tuple(v["name"] for v in graph["variables"]) == load_table(path).names


@pytest.mark.parametrize("text", ["", "x,y\n", "x,x\n1,2\n", "\ufeff"])
def test_the_degenerate_files_are_refused(text: str, tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_table(_write(str(tmp_path), text))
