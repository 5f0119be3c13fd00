"""Loading and validating the data table.

Validation happens once, here, so that every later stage can trust the table: each failure raises a
:class:`DataError` with one line naming the file and the column at fault. What we accept without the user
editing the file (rows with missing values dropped, only when asked; constant columns kept) is recorded in
``Dataset.notes`` so that the report can say what was changed.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import logging
import math
import os
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from causal_ensemble._errors import DataError, InputError
from causal_ensemble.data._descriptions import _suggest, validate_descriptions

__all__ = ["Dataset", "MissingPolicy", "VariableType", "from_frame", "load_table"]

logger = logging.getLogger(__name__)

MissingPolicy = Literal["error", "drop"]

_CSV_SUFFIXES = (".csv", ".tsv", ".txt")
_PARQUET_SUFFIXES = (".parquet", ".pq")
# Cells that mean "no value". "none" is deliberately absent: it is a common category label
# (smoking: none / light / heavy), and in a numeric column it is reported as text anyway.
_MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "-nan", "null", "#n/a", "<na>"})
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


class VariableType(StrEnum):
    """How a variable is modelled; experts choose their tests and scores from it."""

    CONTINUOUS = "continuous"
    DISCRETE = "discrete"


@dataclass(frozen=True, eq=False)
class Dataset:
    """A validated table that every later stage can trust without checking again.

    ``frame`` holds float64 columns (continuous) and int64 codes ``0..k-1`` (discrete); the original
    labels of discrete columns are kept in ``categories`` (index = code) so that reports can show them.
    """

    frame: pd.DataFrame
    types: Mapping[str, VariableType]
    descriptions: Mapping[str, str] = field(default_factory=dict)
    source: str = "<frame>"
    categories: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # A hand-built Dataset that lacks a type would only fail much later, deep inside an expert.
        names = [str(c) for c in self.frame.columns]
        missing = [n for n in names if n not in self.types]
        extra = [n for n in self.types if n not in names]
        if missing or extra:
            raise DataError(
                f"{self.source}: Dataset types do not match the columns "
                f"(no type for {_quote_all(missing) or 'none'}; unknown {_quote_all(extra) or 'none'})"
            )

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
        """A fresh float64 copy, so that an expert cannot alter the data another expert sees."""
        return self.frame.to_numpy(dtype=np.float64, copy=True)

    @property
    def discrete_mask(self) -> npt.NDArray[np.bool_]:
        return np.array([self.types[n] is VariableType.DISCRETE for n in self.names], dtype=bool)

    @property
    def kind(self) -> Literal["continuous", "discrete", "mixed"]:
        mask = self.discrete_mask
        if mask.all():
            return "discrete"
        return "continuous" if not mask.any() else "mixed"

    def with_descriptions(self, descriptions: Mapping[str, object]) -> Dataset:
        """Attach descriptions, checked against this table so that a typo in a name is caught."""
        checked = validate_descriptions(descriptions, self.names, self.source)
        return replace(self, descriptions=checked)

    @property
    def constant_columns(self) -> tuple[str, ...]:
        """Columns with a single value, in table order.

        They carry no information for causal discovery, and they break the experts (a singular
        correlation matrix, a one-level contingency table), so the pipeline fits the experts on
        :meth:`informative` and adds these back as isolated variables. Computed from the data rather than
        stored, so that a hand-built Dataset is treated the same way as a loaded one, and never stale.
        """
        distinct = self.frame.nunique(dropna=False)
        return tuple(str(name) for name, k in distinct.items() if int(k) < 2)

    def informative(self) -> Dataset:
        """This table without its constant columns: what the experts may be shown.

        Notes stay whole because they describe the run (the one about constant columns included), not a
        column. Returns ``self`` when nothing is constant, so that callers can compare by identity.
        """
        constant = self.constant_columns
        if not constant:
            return self
        _check_informative(constant, self.names, self.source)
        dropped = set(constant)
        kept = [n for n in self.names if n not in dropped]
        return replace(
            self,
            frame=self.frame.loc[:, kept],
            types={n: self.types[n] for n in kept},
            descriptions={n: d for n, d in self.descriptions.items() if n not in dropped},
            categories={n: c for n, c in self.categories.items() if n not in dropped},
        )


# --------------------------------------------------------------------------------------------- reading


COPY_CORRELATION = 1.0 - 1e-9
"""|correlation| at or above which two continuous columns count as copies (up to scale and shift)."""


def _copy_notes(table: npt.NDArray[np.float64], columns: Sequence[_Column], constant: set[str]) -> list[str]:
    """Notes naming each column that copies an earlier one: continuous columns with correlation +-1
    (the same values up to scale and shift), discrete columns that split the rows into the same groups.

    Why: a deterministic copy breaks the experts' assumptions rather than their inputs: PC and FCI stop on a
    singular correlation matrix (the run reports them failed), and the searches place the copy between
    its original and the original's effects. The user should know before reading the graph which column is
    to blame, and usually drops one of the two; the table is left as given.
    """
    notes: list[str] = []
    cont = [k for k, c in enumerate(columns) if c.kind is VariableType.CONTINUOUS and c.name not in constant]
    if len(cont) >= 2:
        Z = table[:, cont] - table[:, cont].mean(axis=0)
        Z /= np.sqrt((Z**2).sum(axis=0))
        R = np.abs(Z.T @ Z)
        for b in range(1, len(cont)):
            a = int(np.argmax(R[:b, b]))
            if R[a, b] >= COPY_CORRELATION:
                notes.append(
                    _copy_note(columns[cont[b]].name, columns[cont[a]].name, "up to scale and shift")
                )
    seen: dict[bytes, str] = {}
    for k, c in enumerate(columns):
        if c.kind is not VariableType.DISCRETE or c.name in constant:
            continue
        codes_k, groups = pd.factorize(table[:, k], sort=False)
        if 2 * len(groups) > len(table):  # an identifier (every value nearly unique): no copy to speak of
            continue
        codes = codes_k.astype(np.int64).tobytes()
        if codes in seen:
            notes.append(_copy_note(c.name, seen[codes], "up to the names of its categories"))
        else:
            seen[codes] = c.name
    return notes


def _copy_note(copy: str, original: str, how: str) -> str:
    return (
        f"column {copy!r} copies {original!r} ({how}): a deterministic copy breaks the experts' tests "
        "and scores (PC and FCI stop on a singular correlation matrix); drop one of them"
    )


def load_table(
    path: str | os.PathLike[str],
    *,
    types: Mapping[str, VariableType | str] | None = None,
    source: str | None = None,
    missing: MissingPolicy = "error",
    max_categories: int = 10,
    min_rows: int = 10,
) -> Dataset:
    """Read a CSV/TSV/TXT or Parquet table and validate it with :func:`from_frame`.

    The header is read here rather than by pandas because pandas silently renames duplicate names
    (``x``, ``x.1``), which would hide a real mistake in the file.
    """
    p = Path(path)
    src = str(p) if source is None else source
    if not p.exists():
        raise DataError(f"{src}: no such file")
    if p.is_dir():
        raise DataError(f"{src}: is a directory, not a data file")
    suffix = p.suffix.lower()
    if suffix not in _CSV_SUFFIXES + _PARQUET_SUFFIXES:
        raise DataError(
            f"{src}: unsupported file type {suffix or '(no extension)'!r}; "
            "use .csv, .tsv, .txt, .parquet or .pq"
        )
    if p.stat().st_size == 0:
        raise DataError(f"{src}: the file is empty (no header, no rows)")
    frame = _read_text_table(p, src) if suffix in _CSV_SUFFIXES else _read_parquet(p, src)
    return from_frame(
        frame, types=types, source=src, missing=missing, max_categories=max_categories, min_rows=min_rows
    )


def _read_parquet(path: Path, source: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many unrelated types for a damaged file
        raise DataError(f"{source}: cannot read the Parquet file ({_one_line(exc)})") from exc


def _read_text_table(path: Path, source: str) -> pd.DataFrame:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header_line = next((line for line in fh if line.strip()), None)
            if header_line is None:
                raise DataError(f"{source}: the file is empty (no header, no rows)")
            delimiter = _guess_delimiter(header_line, path.suffix.lower())
            if delimiter is None:  # whitespace-separated .txt
                header = header_line.split()
            else:
                # Read on from the file, not from the first line alone: a quoted name may span lines, and
                # the names must be split as pandas splits them (skipinitialspace) or the counts differ.
                lines = itertools.chain([header_line], fh)
                header = next(csv.reader(lines, delimiter=delimiter, skipinitialspace=True))
    except UnicodeDecodeError as exc:
        raise DataError(f"{source}: not a UTF-8 text file ({exc.reason} at byte {exc.start})") from exc
    except csv.Error as exc:
        raise DataError(f"{source}: cannot parse the header ({_one_line(exc)})") from exc
    sep = r"\s+" if delimiter is None else delimiter
    header = [h.strip() for h in header]
    _check_names(header, source)
    try:
        with warnings.catch_warnings():
            # With index_col=False pandas drops the fields beyond the header in the first rows and only
            # warns; a row with an extra field is a broken file, as it is further down.
            warnings.filterwarnings("error", message="Length of header", category=pd.errors.ParserWarning)
            frame = pd.read_csv(
                path,
                sep=sep,
                header=0,
                index_col=False,
                keep_default_na=False,
                na_values=sorted(_MISSING_TOKENS | {t.upper() for t in _MISSING_TOKENS} | {"NaN", "N/A"}),
                skip_blank_lines=True,
                skipinitialspace=True,
                encoding="utf-8-sig",
                low_memory=False,
            )
    except pd.errors.ParserWarning:
        raise DataError(_too_many_fields(path, delimiter, len(header), source)) from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{source}: not a UTF-8 text file ({exc.reason} at byte {exc.start})") from exc
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise DataError(f"{source}: cannot parse the table ({_one_line(exc)})") from exc
    if frame.shape[1] != len(header):  # cannot happen with a sane parser; guard the rename below
        raise DataError(
            f"{source}: the header has {_count(len(header), 'name')} but rows have "
            f"{_count(frame.shape[1], 'field')}"
        )
    frame.columns = pd.Index(header)
    return frame


def _too_many_fields(path: Path, delimiter: str | None, width: int, source: str) -> str:
    """The message for a row longer than the header, naming its line as pandas does further down."""
    numbered: list[tuple[int, list[str]]] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        if delimiter is None:
            rows = ((number, line.split()) for number, line in enumerate(fh, start=1))
            numbered = [(number, fields) for number, fields in rows if fields]
        else:
            reader = csv.reader(fh, delimiter=delimiter, skipinitialspace=True)
            with contextlib.suppress(csv.Error):  # pandas read it; the generic message will do
                numbered.extend((reader.line_num, fields) for fields in reader if fields)
    long = next(((number, len(fields)) for number, fields in numbered[1:] if len(fields) > width), None)
    if long is None:
        return f"{source}: some rows have more fields than the {_count(width, 'name')} in the header"
    return f"{source}: line {long[0]} has {long[1]} fields but the header has {_count(width, 'name')}"


def _guess_delimiter(header_line: str, suffix: str) -> str | None:
    """The delimiter from the header line; ``None`` means runs of whitespace.

    Looking at the header only is deterministic, unlike ``csv.Sniffer``, and enough in practice: the
    header of a table with at least two columns contains its delimiter.
    """
    if suffix == ".tsv":
        return "\t"
    candidates = (",", ";", "\t", "|")
    found = next((d for d in candidates if d in header_line), None)
    if found is not None:
        return found
    return "," if suffix == ".csv" else None


# ---------------------------------------------------------------------------------------- validating


def from_frame(
    frame: pd.DataFrame,
    *,
    types: Mapping[str, VariableType | str] | None = None,
    source: str = "<frame>",
    missing: MissingPolicy = "error",
    max_categories: int = 10,
    min_rows: int = 10,
) -> Dataset:
    """Validate a table and encode it: float64 continuous columns, int64-coded discrete columns.

    Type detection: bool or text columns are discrete; integer-valued numeric columns with at most
    ``max_categories`` distinct values are discrete; everything else is continuous. ``types`` overrides
    the detection per column.
    """
    if missing not in ("error", "drop"):
        raise InputError(f"{source}: missing must be 'error' or 'drop', got {missing!r}")
    if max_categories < 0:
        raise InputError(f"{source}: max_categories must be >= 0, got {max_categories}")
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"{source}: expected a pandas DataFrame, got {type(frame).__name__}")

    names = [_column_name(c) for c in frame.columns]
    _check_names(names, source)
    if len(names) < 2:
        found = f" ({names[0]!r})" if names else ""
        raise DataError(f"{source}: needs at least 2 columns (variables), found {len(names)}{found}")
    n = len(frame)
    if n == 0:
        raise DataError(f"{source}: has a header but no data rows")
    if n == 1:
        raise DataError(f"{source}: has a single data row; at least {max(min_rows, 2)} are needed")
    if n < min_rows:
        raise DataError(f"{source}: has {n} data rows; at least {min_rows} are needed")
    forced = _parse_types(types, names, source)

    columns: list[_Column] = []
    for pos, name in enumerate(names):
        series = frame.iloc[:, pos].reset_index(drop=True)
        columns.append(_convert(series, name, source, forced.get(name), max_categories))

    table = np.column_stack([c.values for c in columns])
    present = ~np.isnan(table)
    empty = [c.name for k, c in enumerate(columns) if not present[:, k].any()]
    if empty:
        raise DataError(
            f"{source}: {_noun(len(empty), 'column')} {_quote_all(empty)} "
            f"{'has' if len(empty) == 1 else 'have'} no values at all"
        )
    notes: list[str] = []
    keep = present.all(axis=1)
    if not keep.all():
        counts = [(c.name, int((~present[:, k]).sum())) for k, c in enumerate(columns)]
        hit = [(name, m) for name, m in counts if m > 0]
        where = f"{_noun(len(hit), 'column')} " + ", ".join(
            f"{name!r} ({_count(m, 'row')})" for name, m in hit
        )
        first_row = int(np.flatnonzero(~keep)[0]) + 1
        n_bad = int((~keep).sum())
        if missing == "error":
            raise DataError(
                f"{source}: missing values (NaN or empty cells) in {where}, first in row {first_row}; "
                'use missing="drop" (CLI --drop-missing) to drop those rows'
            )
        notes.append(f"dropped {n_bad} of {n} rows with missing values in {where}")
        table = table[keep]
        if len(table) < min_rows:
            raise DataError(
                f"{source}: only {len(table)} rows are left after dropping {n_bad} with missing values; "
                f"at least {min_rows} are needed"
            )

    constant = [c.name for k, c in enumerate(columns) if np.unique(table[:, k]).size < 2]
    for k, col in enumerate(columns):
        if col.kind is VariableType.CONTINUOUS and col.name not in constant:
            _check_scale(table[:, k], col.name, source)
    if constant:
        _check_informative(constant, names, source)
        one = len(constant) == 1
        notes.append(
            f"{_noun(len(constant), 'column')} {_quote_all(constant)} {'is' if one else 'are'} constant: "
            f"kept as {'an isolated variable' if one else 'isolated variables'}, "
            f"no expert sees {'it' if one else 'them'}"
        )

    notes.extend(_copy_notes(table, columns, set(constant)))

    data: dict[str, pd.Series] = {}
    kinds: dict[str, VariableType] = {}
    categories: dict[str, tuple[str, ...]] = {}
    for k, col in enumerate(columns):
        kinds[col.name] = col.kind
        if col.kind is VariableType.DISCRETE:
            codes, labels, unused = _compact(table[:, k], col.labels)
            if unused:
                notes.append(
                    f"column {col.name!r}: {_noun(len(unused), 'category', 'categories')} "
                    f"{_quote_all(unused)} only occurred in dropped rows"
                )
            data[col.name] = pd.Series(codes, dtype=np.int64)
            categories[col.name] = labels
        else:
            data[col.name] = pd.Series(table[:, k], dtype=np.float64)
    for note in notes:
        logger.info("%s: %s", source, note)
    return Dataset(pd.DataFrame(data), kinds, {}, source, categories, tuple(notes))


def _check_informative(constant: Sequence[str], names: Sequence[str], source: str) -> None:
    """Refuse a table whose non-constant columns are too few for any causal graph to be learned."""
    informative = [n for n in names if n not in set(constant)]
    if len(informative) >= 2:
        return
    left = f" ({_quote_all(informative)})" if informative else ""
    raise DataError(
        f"{source}: {len(constant)} of {_count(len(names), 'column')} "
        f"{'is' if len(constant) == 1 else 'are'} constant ({_quote_all(constant)}), leaving "
        f"{len(informative)} informative{left}; at least 2 non-constant columns are needed"
    )


def _check_scale(values: npt.NDArray[np.float64], name: str, source: str) -> None:
    """Refuse a continuous column whose spread float64 statistics cannot hold.

    Every expert sums squares and cross-products of centred columns; near 1e300 those overflow to inf,
    near 1e-300 they underflow to 0, and either way the experts see NaN correlations and return a graph
    without saying that it means nothing.
    """
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        centred = values - values.mean()
        sum_sq = float(np.sum(centred * centred))
    if math.isfinite(sum_sq) and sum_sq >= np.finfo(np.float64).tiny:
        return
    problem = "has values too large" if not math.isfinite(sum_sq) else "varies too little"
    largest = float(np.max(np.abs(values)))
    raise DataError(
        f"{source}: column {name!r} {problem} for float64 statistics (largest |value| {largest:.3g}); "
        "rescale it, e.g. change its unit"
    )


@dataclass(frozen=True)
class _Column:
    """One converted column: numbers with NaN for missing; for discrete columns, codes into labels."""

    name: str
    values: npt.NDArray[np.float64]
    kind: VariableType
    labels: tuple[str, ...] = ()


def _column_name(name: object) -> str:
    # Integer column names (a frame built from a numpy array) are fine as text; a missing name is not.
    if name is None or (isinstance(name, float) and math.isnan(name)):
        return ""
    return name if isinstance(name, str) else str(name)


def _check_names(names: Sequence[str], source: str) -> None:
    # A name that spans lines cannot be shown in a one-line message, a graph file or a report cell.
    broken = [(pos, name) for pos, name in enumerate(names, start=1) if "\n" in name or "\r" in name]
    if broken:
        pos, name = broken[0]
        raise DataError(f"{source}: the name of column {pos} ({name!r}) contains a line break")
    blank = [pos for pos, name in enumerate(names, start=1) if not name.strip()]
    if blank:
        hint = " (a row index written by pandas? save with index=False)" if blank == [1] else ""
        positions = ", ".join(str(b) for b in blank)
        raise DataError(
            f"{source}: {_noun(len(blank), 'column')} {positions} "
            f"{'has an empty name' if len(blank) == 1 else 'have empty names'}{hint}"
        )
    seen: set[str] = set()
    dupes: list[str] = []
    for name in names:
        if name in seen and name not in dupes:
            dupes.append(name)
        seen.add(name)
    if dupes:
        raise DataError(f"{source}: duplicate column {_noun(len(dupes), 'name')} {_quote_all(dupes)}")


def _parse_types(
    types: Mapping[str, VariableType | str] | None, names: Sequence[str], source: str
) -> dict[str, VariableType]:
    if not types:
        return {}
    unknown = [str(n) for n in types if n not in names]
    if unknown:
        raise DataError(
            f"{source}: types given for {_noun(len(unknown), 'column')} not in the table: "
            f"{_suggest(unknown, names)}"
        )
    out: dict[str, VariableType] = {}
    for name, value in types.items():
        try:
            out[name] = VariableType(str(value).strip().lower())
        except ValueError:
            raise DataError(
                f"{source}: column {name!r} has type {str(value)!r}; use 'continuous' or 'discrete'"
            ) from None
    return out


def _convert(
    series: pd.Series, name: str, source: str, forced: VariableType | None, max_categories: int
) -> _Column:
    dtype = series.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        raise DataError(
            f"{source}: column {name!r} holds dates or times; convert them to numbers or remove the column"
        )
    if pd.api.types.is_complex_dtype(dtype):
        raise DataError(f"{source}: column {name!r} holds complex numbers; only real numbers are supported")
    if pd.api.types.is_bool_dtype(dtype):
        values: npt.NDArray[np.float64] = np.asarray(
            series.astype(np.float64).to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64
        )
        if forced is VariableType.CONTINUOUS:
            return _Column(name, values, VariableType.CONTINUOUS)
        return _Column(name, values, VariableType.DISCRETE, ("False", "True"))
    if pd.api.types.is_numeric_dtype(dtype):
        values = np.asarray(series.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
        return _numeric(values, name, source, forced, max_categories)
    return _text(series.tolist(), name, source, forced, max_categories)


def _text(
    cells: list[object], name: str, source: str, forced: VariableType | None, max_categories: int
) -> _Column:
    """A column pandas did not read as numbers: numbers with typos, or a categorical column."""
    numbers = np.full(len(cells), np.nan)
    labels: list[str | None] = []
    bad: list[int] = []  # row positions of non-numeric text
    for i, cell in enumerate(cells):
        if cell is None or cell is pd.NA or cell is pd.NaT or (isinstance(cell, float) and math.isnan(cell)):
            labels.append(None)
            continue
        if isinstance(cell, bool | np.bool_):
            labels.append(str(bool(cell)))
            bad.append(i)
            continue
        text = str(cell).strip()
        if text.lower() in _MISSING_TOKENS:
            labels.append(None)
            continue
        labels.append(text)
        try:
            numbers[i] = float(text)
        except ValueError:
            bad.append(i)
    if not bad:
        return _numeric(numbers, name, source, forced, max_categories)
    n_present = sum(label is not None for label in labels)
    first = bad[0]
    if forced is VariableType.CONTINUOUS:
        raise DataError(
            f"{source}: column {name!r} is declared continuous but has text {labels[first]!r} "
            f"in row {first + 1}"
        )
    if forced is None:
        if 2 * len(bad) <= n_present:  # mostly numbers: the text is a typo, not a category
            raise DataError(
                f"{source}: column {name!r} has non-numeric text {labels[first]!r} in row {first + 1} "
                f"({_count(len(bad), 'such value')}); fix or blank it, or declare the column discrete"
            )
        bad_text = [labels[i] for i in bad]
        if all(_DECIMAL_COMMA.match(t or "") for t in bad_text):
            raise DataError(
                f"{source}: column {name!r} has numbers with a decimal comma ({labels[first]!r} in row "
                f"{first + 1}); write them with a decimal point"
            )
    distinct = {label for label in labels if label is not None}
    if forced is None and len(distinct) == n_present and n_present > max(max_categories, 2):
        raise DataError(
            f"{source}: column {name!r} has a different text value in every row (an identifier?); "
            "remove it, or declare it discrete in types"
        )
    ordered = tuple(sorted(distinct, key=_label_order))
    index = {label: code for code, label in enumerate(ordered)}
    codes = np.array([np.nan if label is None else index[label] for label in labels], dtype=np.float64)
    return _Column(name, codes, VariableType.DISCRETE, ordered)


def _label_order(label: str) -> tuple[int, float, str]:
    # Numbers first in numeric order (so "2" < "10"), then text in alphabetical order.
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


def _numeric(
    values: npt.NDArray[np.float64],
    name: str,
    source: str,
    forced: VariableType | None,
    max_categories: int,
) -> _Column:
    infinite = np.isinf(values)
    if infinite.any():
        row = int(np.flatnonzero(infinite)[0]) + 1
        raise DataError(
            f"{source}: column {name!r} has an infinite value in row {row} "
            f"({_count(int(infinite.sum()), 'such value')}); infinities cannot be dropped or modelled"
        )
    finite = values[~np.isnan(values)]
    distinct = np.unique(finite)
    if forced is None:
        integer_valued = bool(np.all(distinct == np.round(distinct)))
        small = distinct.size <= max_categories
        kind = VariableType.DISCRETE if integer_valued and small else VariableType.CONTINUOUS
    else:
        kind = forced
    if kind is VariableType.CONTINUOUS:
        return _Column(name, values, kind)
    codes = np.full(values.shape, np.nan)
    mask = ~np.isnan(values)
    codes[mask] = np.searchsorted(distinct, values[mask])
    return _Column(name, codes, kind, tuple(_number_label(v) for v in distinct.tolist()))


def _number_label(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _compact(
    codes: npt.NDArray[np.float64], labels: tuple[str, ...]
) -> tuple[npt.NDArray[np.int64], tuple[str, ...], list[str]]:
    """Renumber codes to 0..k-1 after rows were dropped, so that every code occurs in the data."""
    as_int = codes.astype(np.int64)
    used = np.unique(as_int)
    if used.size == len(labels):
        return as_int, labels, []
    kept = tuple(labels[u] for u in used.tolist())
    used_set = set(used.tolist())
    unused = [label for k, label in enumerate(labels) if k not in used_set]
    return np.searchsorted(used, as_int).astype(np.int64), kept, unused


# ------------------------------------------------------------------------------------------- messages


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {_noun(n, singular, plural)}"


def _noun(n: int, singular: str, plural: str | None = None) -> str:
    return singular if n == 1 else (plural or singular + "s")


def _quote_all(items: Sequence[str]) -> str:
    return ", ".join(repr(i) for i in items)
