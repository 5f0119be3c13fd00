"""Loading and validating the data table.

Validation happens once, here, so that every later stage can trust the table: each failure raises a
:class:`DataError` with one line naming the file and the column at fault. Fixes we are allowed to make
(dropping rows with missing values, on request) are recorded in ``Dataset.notes`` and reported.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from causal_ensemble._errors import DataError, InputError

MissingPolicy = Literal["error", "drop"]
_CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
_PARQUET_SUFFIXES = {".parquet", ".pq"}


class VariableType(StrEnum):
    CONTINUOUS = "continuous"
    DISCRETE = "discrete"


@dataclass(frozen=True)
class Dataset:
    """A validated table: numeric float64 (continuous) or int64 codes 0..k-1 (discrete) columns."""

    frame: pd.DataFrame
    types: Mapping[str, VariableType]
    descriptions: Mapping[str, str] = field(default_factory=dict)
    source: str = "<frame>"
    categories: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(str(c) for c in self.frame.columns)

    @property
    def n_rows(self) -> int:
        return int(self.frame.shape[0])

    @property
    def n_vars(self) -> int:
        return int(self.frame.shape[1])

    @property
    def values(self) -> npt.NDArray[np.float64]:
        return self.frame.to_numpy(dtype=np.float64)

    @property
    def discrete_mask(self) -> npt.NDArray[np.bool_]:
        return np.array([self.types[n] is VariableType.DISCRETE for n in self.names], dtype=bool)

    @property
    def kind(self) -> Literal["continuous", "discrete", "mixed"]:
        m = self.discrete_mask
        return "discrete" if m.all() else "continuous" if not m.any() else "mixed"

    def with_descriptions(self, descriptions: Mapping[str, object]) -> Dataset:
        from causal_ensemble.data._descriptions import validate_descriptions

        return replace(self, descriptions=validate_descriptions(descriptions, self.names, "descriptions"))


def _parse_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


_MISSING_TOKENS = {"", "na", "nan", "null", "none", "n/a", "#n/a"}


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not a UTF-8 text file ({exc.reason})") from exc
    if not raw.strip():
        raise DataError(f"{path}: the file is empty")
    sample = raw[:4096]
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    if path.suffix.lower() == ".txt":
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t ").delimiter
        except csv.Error:
            delimiter = ","
    rows = list(csv.reader(raw.splitlines(), delimiter=delimiter))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    header = [h.strip() for h in rows[0]]
    body = rows[1:]
    for k, row in enumerate(body, start=1):
        if len(row) != len(header):
            raise DataError(f"{path}: data row {k} has {len(row)} fields, the header has {len(header)}")
    frame = pd.DataFrame(body, columns=pd.Index(range(len(header))), dtype=object)
    frame.columns = pd.Index(header)
    return frame


def _check_header(names: Sequence[object], source: str) -> None:
    for pos, name in enumerate(names, start=1):
        if not isinstance(name, str) or not name.strip():
            raise DataError(f"{source}: column {pos} has an empty name")
    seen: dict[str, int] = {}
    dupes = []
    for name in names:
        key = str(name)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] == 2:
            dupes.append(key)
    if dupes:
        raise DataError(f"{source}: duplicate column names: {', '.join(repr(d) for d in dupes)}")


def load_table(
    path: str | os.PathLike[str],
    *,
    types: Mapping[str, VariableType | str] | None = None,
    missing: MissingPolicy = "error",
    max_categories: int = 10,
    min_rows: int = 10,
) -> Dataset:
    """Read a CSV/TSV/Parquet table and validate it (see :func:`from_frame`)."""
    p = Path(path)
    if not p.exists():
        raise DataError(f"{p}: no such file")
    if p.is_dir():
        raise DataError(f"{p}: is a directory, not a data file")
    suffix = p.suffix.lower()
    if suffix in _CSV_SUFFIXES:
        frame = _read_csv(p)
    elif suffix in _PARQUET_SUFFIXES:
        try:
            frame = pd.read_parquet(p)
        except Exception as exc:
            raise DataError(f"{p}: cannot read Parquet file ({type(exc).__name__}: {exc})") from exc
    else:
        raise DataError(f"{p}: unsupported file type {suffix!r}; use .csv, .tsv, .txt or .parquet")
    return from_frame(
        frame, types=types, source=str(p), missing=missing, max_categories=max_categories, min_rows=min_rows
    )


def _column(
    series: pd.Series,
    name: str,
    source: str,
    forced: VariableType | None,
    max_categories: int,
) -> tuple[pd.Series, VariableType, tuple[str, ...]]:
    """Convert one column to numbers; return (values with NaN for missing, type, category labels)."""
    if pd.api.types.is_bool_dtype(series):
        values = series.astype(float)
        return _finish(values, name, source, forced or VariableType.DISCRETE, max_categories, None)
    if pd.api.types.is_numeric_dtype(series):
        return _finish(series.astype(float), name, source, forced, max_categories, None)
    text = series.astype(object)
    parsed: list[float] = []
    bad: list[tuple[int, str]] = []
    labels: list[str | None] = []
    for row, cell in enumerate(text.tolist(), start=1):
        if cell is None or (isinstance(cell, float) and math.isnan(cell)):
            parsed.append(math.nan)
            labels.append(None)
            continue
        s = str(cell).strip()
        if s.lower() in _MISSING_TOKENS:
            parsed.append(math.nan)
            labels.append(None)
            continue
        num = _parse_number(s)
        if num is None:
            bad.append((row, s))
            parsed.append(math.nan)
        else:
            parsed.append(num)
        labels.append(s)
    n_present = sum(lab is not None for lab in labels)
    if bad and len(bad) < n_present and len(bad) <= max(0.5 * n_present, 0):
        row, value = bad[0]
        raise DataError(
            f"{source}: column {name!r} has non-numeric text {value!r} in row {row} "
            f"({len(bad)} such value{'s' if len(bad) > 1 else ''}); fix it or mark it missing"
        )
    if bad:  # mostly text: a categorical column
        if forced is VariableType.CONTINUOUS:
            row, value = bad[0]
            raise DataError(
                f"{source}: column {name!r} is declared continuous but has text {value!r} in row {row}"
            )
        cats = tuple(sorted({lab for lab in labels if lab is not None}))
        index = {c: k for k, c in enumerate(cats)}
        codes = pd.Series(
            [math.nan if lab is None else float(index[lab]) for lab in labels], index=series.index
        )
        return codes, VariableType.DISCRETE, cats
    return _finish(pd.Series(parsed, index=series.index), name, source, forced, max_categories, None)


def _finish(
    values: pd.Series,
    name: str,
    source: str,
    forced: VariableType | None,
    max_categories: int,
    cats: tuple[str, ...] | None,
) -> tuple[pd.Series, VariableType, tuple[str, ...]]:
    arr = values.to_numpy(dtype=float)
    if np.isinf(arr).any():
        row = int(np.flatnonzero(np.isinf(arr))[0]) + 1
        raise DataError(f"{source}: column {name!r} has an infinite value in row {row}")
    finite = arr[~np.isnan(arr)]
    uniq = np.unique(finite)
    integer_valued = bool(np.all(finite == np.round(finite)))
    if forced is None:
        kind = (
            VariableType.DISCRETE
            if integer_valued and len(uniq) <= max_categories
            else VariableType.CONTINUOUS
        )
    else:
        kind = forced
    if kind is VariableType.DISCRETE:
        index = {v: k for k, v in enumerate(uniq.tolist())}
        labels = tuple(_fmt(v) for v in uniq.tolist())
        codes = pd.Series([math.nan if math.isnan(v) else float(index[v]) for v in arr], index=values.index)
        return codes, kind, labels
    return pd.Series(arr, index=values.index), kind, ()


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _parse_types(
    types: Mapping[str, VariableType | str] | None, names: Sequence[str], source: str
) -> dict[str, VariableType]:
    if not types:
        return {}
    unknown = [n for n in types if n not in names]
    if unknown:
        raise InputError(f"--types names columns not in {source}: {', '.join(repr(u) for u in unknown)}")
    out = {}
    for n, t in types.items():
        try:
            out[n] = VariableType(str(t).strip().lower())
        except ValueError:
            raise InputError(f"--types: column {n!r} has type {t!r}; use continuous or discrete") from None
    return out


def from_frame(
    frame: pd.DataFrame,
    *,
    types: Mapping[str, VariableType | str] | None = None,
    source: str = "<frame>",
    missing: MissingPolicy = "error",
    max_categories: int = 10,
    min_rows: int = 10,
) -> Dataset:
    """Validate a table and encode it: numeric continuous columns, integer-coded discrete columns."""
    if missing not in ("error", "drop"):
        raise InputError(f"missing must be 'error' or 'drop', got {missing!r}")
    if max_categories < 2:
        raise InputError(f"max_categories must be >= 2, got {max_categories}")
    names = list(frame.columns)
    _check_header(names, source)
    names = [str(n) for n in names]
    if len(names) < 2:
        raise DataError(f"{source}: needs at least 2 columns, found {len(names)}")
    if len(frame) == 0:
        raise DataError(f"{source}: has a header but no data rows")
    if len(frame) == 1:
        raise DataError(f"{source}: has a single data row; causal discovery needs at least {min_rows}")
    forced = _parse_types(types, names, source)
    cols: dict[str, pd.Series] = {}
    kinds: dict[str, VariableType] = {}
    categories: dict[str, tuple[str, ...]] = {}
    for pos, name in enumerate(names):
        series = frame.iloc[:, pos]
        values, kind, cats = _column(
            series.reset_index(drop=True), name, source, forced.get(name), max_categories
        )
        cols[name], kinds[name] = values, kind
        if kind is VariableType.DISCRETE:
            categories[name] = cats
    table = pd.DataFrame(cols)
    notes: list[str] = []
    na = table.isna()
    if na.to_numpy().any():
        counts = na.sum()
        worst = [f"{n!r} ({int(c)} rows)" for n, c in counts.items() if c > 0]
        if missing == "error":
            raise DataError(
                f"{source}: missing values in column {', '.join(worst)}; "
                "use --drop-missing (missing='drop') to drop those rows"
            )
        before = len(table)
        table = table.dropna().reset_index(drop=True)
        notes.append(
            f"dropped {before - len(table)} of {before} rows with missing values in {', '.join(worst)}"
        )
    if len(table) < min_rows:
        raise DataError(f"{source}: has {len(table)} usable rows; at least {min_rows} are needed")
    constant = [n for n in names if table[n].nunique() <= 1]
    if constant:
        raise DataError(
            f"{source}: constant column {', '.join(repr(c) for c in constant)} carries no information; "
            "remove it"
        )
    for n in names:
        table[n] = (
            table[n].astype(np.int64) if kinds[n] is VariableType.DISCRETE else table[n].astype(np.float64)
        )
    return Dataset(table, kinds, {}, source, categories, tuple(notes))
