"""Loading and validating data tables: every bad input fails with one line naming the file and column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

from causal_ensemble import DataError, InputError
from causal_ensemble.data import Dataset, VariableType, from_frame, load_table


def _good(n: int = 20) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "height": rng.normal(170.0, 10.0, n),
            "smoker": np.array(["no", "yes"])[np.arange(n) % 2],
            "visits": np.arange(n) % 4,
            "flag": np.arange(n) % 3 == 0,
        }
    )


def _csv(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _rows(n: int, make: Callable[[int], str]) -> str:
    return "".join(make(i) + "\n" for i in range(n))


def _one_line_error(exc: pytest.ExceptionInfo[BaseException], *words: str) -> None:
    message = str(exc.value)
    assert "\n" not in message
    for word in words:
        assert word in message, (word, message)


# ----------------------------------------------------------------------------------------- good input


def test_csv_types_codes_and_categories(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    _good().to_csv(path, index=False)
    ds = load_table(path)
    assert ds.names == ("height", "smoker", "visits", "flag")
    assert ds.source == str(path)
    assert dict(ds.types) == {
        "height": VariableType.CONTINUOUS,
        "smoker": VariableType.DISCRETE,
        "visits": VariableType.DISCRETE,
        "flag": VariableType.DISCRETE,
    }
    assert ds.categories == {
        "smoker": ("no", "yes"),
        "visits": ("0", "1", "2", "3"),
        "flag": ("False", "True"),
    }
    assert ds.frame["height"].dtype == np.float64
    for name in ("smoker", "visits", "flag"):
        assert ds.frame[name].dtype == np.int64
        assert sorted(ds.frame[name].unique()) == list(range(len(ds.categories[name])))
    assert ds.frame["smoker"].tolist()[:2] == [0, 1]  # "no" -> 0, "yes" -> 1
    assert (ds.n_rows, ds.n_vars, ds.kind) == (20, 4, "mixed")
    assert ds.values.dtype == np.float64 and ds.values.shape == (20, 4)
    assert ds.discrete_mask.tolist() == [False, True, True, True]
    assert ds.notes == () and dict(ds.descriptions) == {}


def test_values_is_a_copy() -> None:
    ds = from_frame(_good())
    ds.values[:] = 0.0
    assert ds.values[:, 0].std() > 0


def test_kind_continuous_and_discrete() -> None:
    frame = _good()
    assert from_frame(frame[["height", "visits"]], types={"visits": "continuous"}).kind == "continuous"
    assert from_frame(frame[["smoker", "visits"]]).kind == "discrete"


def test_integer_columns_beyond_max_categories_are_continuous() -> None:
    frame = pd.DataFrame({"a": np.arange(20), "b": np.arange(20) % 3})
    ds = from_frame(frame, max_categories=10)
    assert ds.types["a"] is VariableType.CONTINUOUS and ds.types["b"] is VariableType.DISCRETE
    assert from_frame(frame, max_categories=25).types["a"] is VariableType.DISCRETE


def test_discrete_codes_follow_sorted_values() -> None:
    frame = pd.DataFrame({"a": [10, -1, 3, 10] * 3, "b": np.arange(12.0) / 7})
    ds = from_frame(frame)
    assert ds.categories["a"] == ("-1", "3", "10")
    assert ds.frame["a"].tolist()[:4] == [2, 0, 1, 2]


def test_forced_discrete_mixes_numbers_and_labels_in_numeric_order() -> None:
    frame = pd.DataFrame({"a": ["10", "2", "unknown", "2"] * 3, "b": np.arange(12.0) / 7})
    ds = from_frame(frame, types={"a": VariableType.DISCRETE})
    assert ds.categories["a"] == ("2", "10", "unknown")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("data.tsv", "a\tb\tc\n" + _rows(12, lambda i: f"{i}\t{i % 3}\t{i * i}")),
        ("data.txt", "a  b c\n" + _rows(12, lambda i: f"{i}   {i % 3} {i * i}")),
        ("data.txt", "a;b;c\n" + _rows(12, lambda i: f"{i};{i % 3};{i * i}")),
        ("data.csv", "a;b;c\n" + _rows(12, lambda i: f"{i};{i % 3};{i * i}")),
        ("data.csv", '"a","b","c"\n\n' + _rows(12, lambda i: f"{i}, {i % 3} ,{i * i}")),
    ],
)
def test_delimiters(tmp_path: Path, name: str, text: str) -> None:
    ds = load_table(_csv(tmp_path, text, name))
    assert ds.names == ("a", "b", "c") and ds.n_rows == 12
    assert ds.types["b"] is VariableType.DISCRETE


def test_parquet(tmp_path: Path) -> None:
    for suffix in (".parquet", ".pq"):
        path = tmp_path / f"data{suffix}"
        _good().to_parquet(path)
        ds = load_table(path)
        assert ds.names == ("height", "smoker", "visits", "flag") and ds.categories["smoker"] == ("no", "yes")


def test_non_string_column_names_become_text() -> None:
    ds = from_frame(pd.DataFrame(np.random.default_rng(1).normal(size=(12, 3))))
    assert ds.names == ("0", "1", "2")


def test_nullable_dtypes() -> None:
    frame = pd.DataFrame(
        {
            "i": pd.array([1, 2, None, 1] * 3, dtype="Int64"),
            "b": pd.array([True, False, True, None] * 3, dtype="boolean"),
            "s": pd.array(["x", "y", "x", None] * 3, dtype="string"),
        }
    )
    ds = from_frame(frame, missing="drop", min_rows=3)
    assert ds.n_rows == 6
    assert ds.categories == {"i": ("1", "2"), "b": ("False", "True"), "s": ("x", "y")}


def test_drop_missing_records_a_note_and_recodes_categories(tmp_path: Path) -> None:
    text = "x,y,z\n" + _rows(12, lambda i: f"{i * 1.5},{i % 2},{'ab'[i % 2]}") + "1.0,,c\n2.5,1,\n"
    ds = load_table(_csv(tmp_path, text), missing="drop")
    assert ds.n_rows == 12
    assert ds.notes[0].startswith("dropped 2 of 14 rows with missing values in columns 'y' (1 row), 'z'")
    # 'c' only occurred in a dropped row: codes stay 0..k-1 and the unused label is gone.
    assert ds.categories["z"] == ("a", "b")
    assert any("'c' only occurred in dropped rows" in note for note in ds.notes)


def test_missing_tokens_are_missing(tmp_path: Path) -> None:
    text = "x,y\n" + _rows(12, lambda i: f"{i * 1.5},{i % 2}") + "NA,1\nnan,0\n#N/A,0\n"
    ds = load_table(_csv(tmp_path, text), missing="drop")
    assert ds.n_rows == 12 and "dropped 3 of 15 rows" in ds.notes[0]


def test_none_is_a_category_not_a_missing_value(tmp_path: Path) -> None:
    text = "x,smoking\n" + _rows(12, lambda i: f"{i * 1.5},{('none', 'light', 'heavy')[i % 3]}")
    assert load_table(_csv(tmp_path, text)).categories["smoking"] == ("heavy", "light", "none")


def test_type_overrides(tmp_path: Path) -> None:
    ds = from_frame(_good(), types={"visits": "continuous", "height": VariableType.DISCRETE})
    assert ds.types["visits"] is VariableType.CONTINUOUS and ds.frame["visits"].dtype == np.float64
    assert ds.types["height"] is VariableType.DISCRETE and ds.frame["height"].dtype == np.int64
    assert from_frame(_good(), types={"flag": " Continuous "}).types["flag"] is VariableType.CONTINUOUS


def test_with_descriptions_validates() -> None:
    ds = from_frame(_good())
    described = ds.with_descriptions({"height": " in cm "})
    assert dict(described.descriptions) == {"height": "in cm"} and described.frame is ds.frame
    with pytest.raises(InputError, match="'weight'"):
        ds.with_descriptions({"weight": "kg"})


def test_hand_built_dataset_must_type_every_column() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    with pytest.raises(DataError, match="'b'"):
        Dataset(frame, {"a": VariableType.CONTINUOUS})


# ------------------------------------------------------------------------------------------ bad files


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError) as exc:
        load_table(tmp_path / "nope.csv")
    _one_line_error(exc, "nope.csv", "no such file")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="directory"):
        load_table(tmp_path)


def test_unsupported_extension(tmp_path: Path) -> None:
    with pytest.raises(DataError) as exc:
        load_table(_csv(tmp_path, "a,b\n1,2\n", "data.xlsx"))
    _one_line_error(exc, "data.xlsx", "unsupported file type", ".xlsx")


@pytest.mark.parametrize("text", ["", "\n  \n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    with pytest.raises(DataError) as exc:
        load_table(_csv(tmp_path, text))
    _one_line_error(exc, "data.csv", "empty")


def test_header_without_rows(tmp_path: Path) -> None:
    with pytest.raises(DataError) as exc:
        load_table(_csv(tmp_path, "a,b\n"))
    _one_line_error(exc, "data.csv", "no data rows")


def test_single_row(tmp_path: Path) -> None:
    with pytest.raises(DataError) as exc:
        load_table(_csv(tmp_path, "a,b\n1,2\n"))
    _one_line_error(exc, "data.csv", "single data row", "at least 10")


def test_too_few_rows(tmp_path: Path) -> None:
    text = "a,b\n" + _rows(5, lambda i: f"{i},{i * i}")
    with pytest.raises(DataError) as exc:
        load_table(_csv(tmp_path, text))
    _one_line_error(exc, "data.csv", "5 data rows", "at least 10")
    assert load_table(_csv(tmp_path, text), min_rows=5).n_rows == 5


def test_too_few_rows_after_dropping() -> None:
    frame = _good(12)
    frame.loc[[1, 2, 3], "height"] = np.nan
    with pytest.raises(DataError) as exc:
        from_frame(frame, missing="drop")
    _one_line_error(exc, "<frame>", "only 9 rows", "at least 10")


def test_single_column(tmp_path: Path) -> None:
    with pytest.raises(DataError) as exc:
        load_table(_csv(tmp_path, "a\n" + _rows(12, str)))
    _one_line_error(exc, "data.csv", "at least 2 columns", "'a'")


def test_duplicate_column_names(tmp_path: Path) -> None:
    text = "a,b,a,c,b\n" + _rows(12, lambda i: f"{i},{i},{i},{i},{i}")
    with pytest.raises(DataError) as exc:
        load_table(_csv(tmp_path, text))
    _one_line_error(exc, "data.csv", "duplicate column names", "'a'", "'b'")


def test_duplicate_names_after_stripping_blanks(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="duplicate column name 'a'"):
        load_table(_csv(tmp_path, "a, a\n" + _rows(12, lambda i: f"{i},{i * 2}")))


def test_blank_column_names(tmp_path: Path) -> None:
    text = "a, ,c,\n" + _rows(12, lambda i: f"{i},{i},{i},{i}")
    with pytest.raises(DataError) as exc:
        load_table(_csv(tmp_path, text))
    _one_line_error(exc, "data.csv", "columns 2, 4", "empty names")


def test_pandas_index_column_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    _good().to_csv(path)  # index=True writes a first column without a name
    with pytest.raises(DataError) as exc:
        load_table(path)
    _one_line_error(exc, "data.csv", "column 1", "index=False")


def test_blank_name_in_a_frame() -> None:
    frame = _good().rename(columns={"visits": "  "})
    with pytest.raises(DataError, match="column 3 has an empty name"):
        from_frame(frame)


def test_row_with_too_many_fields(tmp_path: Path) -> None:
    text = "a,b\n" + _rows(12, lambda i: f"{i},{i * i}") + "1,2,3\n"
    with pytest.raises(DataError) as exc:
        load_table(_csv(tmp_path, text))
    _one_line_error(exc, "data.csv", "line 14")


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("data.csv", "a,b\n" + _rows(12, lambda i: f"{i},{i % 3},9"), ["line 2 has 3 fields", "2 names"]),
        ("data.csv", "a,b\n\n" + _rows(12, lambda i: f"{i},{i % 3}" + (",1" * (i == 2))), ["line 5"]),
        ("data.txt", "a b\n" + _rows(12, lambda i: f"{i} {i % 3}" + (" 7 8" * (i == 0))), ["line 2 has 4"]),
    ],
    ids=["every-row", "third-row", "whitespace"],
)
def test_extra_fields_in_the_first_rows_are_not_dropped(
    tmp_path: Path, name: str, text: str, words: list[str]
) -> None:
    # pandas drops them with only a warning when they come early; later rows already failed to parse.
    with pytest.raises(DataError) as exc:
        load_table(_csv(tmp_path, text, name))
    _one_line_error(exc, name, *words)


def test_quoted_names_are_split_as_the_rows_are(tmp_path: Path) -> None:
    text = 'a, "b,c" ,d\n' + _rows(12, lambda i: f'{i * 0.5}, "{i % 2}",{i % 3}')
    assert load_table(_csv(tmp_path, text)).names == ("a", "b,c", "d")


@pytest.mark.parametrize("header", ['"x\ny",z', 'z,"x\r\ny"'])
def test_a_name_with_a_line_break(tmp_path: Path, header: str) -> None:
    text = header + "\n" + _rows(12, lambda i: f"{i * 0.5},{i % 3}")
    with pytest.raises(DataError) as exc:
        load_table(_csv(tmp_path, text))
    _one_line_error(exc, "data.csv", "contains a line break")
    with pytest.raises(DataError, match=r"column 1 \('x\\ny'\) contains a line break"):
        from_frame(pd.DataFrame({"x\ny": np.arange(12.0), "z": np.arange(12) % 3}))


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n" + b"\xff\xfe,1\n" * 12)
    with pytest.raises(DataError, match=r"data\.csv.*UTF-8"):
        load_table(path)


def test_damaged_parquet(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(DataError) as exc:
        load_table(path)
    _one_line_error(exc, "data.parquet", "Parquet")


# ----------------------------------------------------------------------------------------- bad values


def test_non_numeric_text_in_numeric_column(tmp_path: Path) -> None:
    text = "x,age\n" + _rows(20, lambda i: f"{i * 0.5},{'abc' if i == 16 else 20 + i}")
    with pytest.raises(DataError) as exc:
        load_table(_csv(tmp_path, text))
    _one_line_error(exc, "data.csv", "column 'age'", "non-numeric text 'abc'", "row 17")


def test_text_column_is_categorical(tmp_path: Path) -> None:
    text = "x,colour\n" + _rows(20, lambda i: f"{i * 0.5},{('red', 'green', 'blue')[i % 3]}")
    ds = load_table(_csv(tmp_path, text))
    assert ds.types["colour"] is VariableType.DISCRETE
    assert ds.categories["colour"] == ("blue", "green", "red")


def test_decimal_comma(tmp_path: Path) -> None:
    text = "x;y\n" + _rows(12, lambda i: f"{i},5;{i}")
    with pytest.raises(DataError) as exc:
        load_table(_csv(tmp_path, text))
    _one_line_error(exc, "data.csv", "column 'x'", "decimal comma", "'0,5'", "row 1")


def test_identifier_column(tmp_path: Path) -> None:
    text = "x,id\n" + _rows(20, lambda i: f"{i * 0.5},P{i:03d}")
    with pytest.raises(DataError) as exc:
        load_table(_csv(tmp_path, text))
    _one_line_error(exc, "data.csv", "column 'id'", "identifier")
    assert load_table(_csv(tmp_path, text), types={"id": "discrete"}).n_rows == 20


def test_missing_values_are_an_error_by_default(tmp_path: Path) -> None:
    text = "x,y\n" + _rows(12, lambda i: f"{'' if i in (3, 7) else i * 0.5},{i % 3}")
    with pytest.raises(DataError) as exc:
        load_table(_csv(tmp_path, text))
    _one_line_error(exc, "data.csv", "column 'x' (2 rows)", "row 4", 'missing="drop"', "--drop-missing")


def test_nan_in_a_frame() -> None:
    frame = _good()
    frame.loc[5, "height"] = np.nan
    frame.loc[[6, 8], "smoker"] = None
    with pytest.raises(DataError) as exc:
        from_frame(frame)
    _one_line_error(exc, "<frame>", "'height' (1 row)", "'smoker' (2 rows)", "row 6")


def test_entirely_empty_column(tmp_path: Path) -> None:
    text = "x,y,z\n" + _rows(12, lambda i: f"{i * 0.5},,{i % 2}")
    with pytest.raises(DataError) as exc:
        load_table(_csv(tmp_path, text), missing="drop")
    _one_line_error(exc, "data.csv", "column 'y'", "no values")


@pytest.mark.parametrize("missing", ["error", "drop"])
def test_infinity_is_always_an_error(tmp_path: Path, missing: str) -> None:
    text = "x,y\n" + _rows(12, lambda i: f"{i * 0.5},{'-inf' if i == 4 else i}")
    with pytest.raises(DataError) as exc:
        load_table(_csv(tmp_path, text), missing=missing)  # type: ignore[arg-type]
    _one_line_error(exc, "data.csv", "column 'y'", "infinite", "row 5")


def test_infinity_in_a_frame() -> None:
    frame = _good()
    frame.loc[2, "height"] = np.inf
    with pytest.raises(DataError, match="'height' has an infinite value in row 3"):
        from_frame(frame, missing="drop")


def test_constant_columns_are_kept_with_a_note(tmp_path: Path) -> None:
    text = "a,b,c,d\n" + _rows(12, lambda i: f"{i * 0.5},1,{i % 2},same")
    ds = load_table(_csv(tmp_path, text))
    assert ds.names == ("a", "b", "c", "d") and ds.n_rows == 12
    assert ds.constant_columns == ("b", "d")
    assert ds.categories["b"] == ("1",) and ds.categories["d"] == ("same",)
    assert ds.frame["b"].tolist() == [0] * 12 and ds.frame["d"].tolist() == [0] * 12
    assert ds.notes == ("columns 'b', 'd' are constant: kept as isolated variables, no expert sees them",)


def test_a_single_constant_column_note_is_singular() -> None:
    frame = pd.DataFrame({"a": np.arange(12.0) / 3, "b": [2.5] * 12, "c": np.arange(12) % 2})
    ds = from_frame(frame)
    assert ds.constant_columns == ("b",) and ds.types["b"] is VariableType.CONTINUOUS
    assert ds.notes == ("column 'b' is constant: kept as an isolated variable, no expert sees it",)


def test_columns_that_copy_another_are_named_in_a_note() -> None:
    """A copy up to scale and shift (or sign), and a discrete copy under other labels, are named; a column
    that only correlates strongly is not. The table is left as given."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    frame = pd.DataFrame(
        {
            "x": x,
            "x_km": x / 1000.0 + 3.0,
            "minus_x": -2.0 * x,
            "near_x": x + 1e-3 * rng.normal(size=200),
            "g": np.where(x > 0, "hi", "lo"),
            "g2": np.where(x > 0, "up", "down"),
        }
    )
    ds = from_frame(frame)
    assert ds.names == tuple(frame.columns)
    copies = [note for note in ds.notes if "copies" in note]
    assert len(copies) == 3
    assert copies[0].startswith("column 'x_km' copies 'x' (up to scale and shift)")
    assert copies[1].startswith("column 'minus_x' copies 'x'")
    assert copies[2].startswith("column 'g2' copies 'g' (up to the names of its categories)")
    assert "drop one of them" in copies[0]


def test_column_constant_after_dropping() -> None:
    frame = pd.DataFrame({"a": np.arange(12.0) / 3, "b": [1.0] * 11 + [2.0], "c": np.arange(12) % 3})
    frame.loc[11, "a"] = np.nan
    ds = from_frame(frame, missing="drop", min_rows=5)
    assert ds.n_rows == 11 and ds.constant_columns == ("b",)
    assert ds.notes[0].startswith("dropped 1 of 12 rows")
    assert "column 'b' is constant: kept as an isolated variable, no expert sees it" in ds.notes
    assert ds.categories["b"] == ("1",)  # '2' only occurred in the dropped row


@pytest.mark.parametrize(
    ("frame", "words"),
    [
        (
            pd.DataFrame({"a": np.arange(12.0) / 3, "b": [1] * 12}),
            ["1 of 2 columns is constant ('b')", "leaving 1 informative ('a')", "at least 2"],
        ),
        (
            pd.DataFrame({"a": ["x"] * 12, "b": [1.5] * 12, "c": [True] * 12}),
            ["3 of 3 columns are constant ('a', 'b', 'c')", "leaving 0 informative;", "at least 2"],
        ),
        (
            pd.DataFrame({"a": [0] * 12, "b": np.arange(12) % 2, "c": [7.0] * 12, "d": ["u"] * 12}),
            ["3 of 4 columns are constant ('a', 'c', 'd')", "leaving 1 informative ('b')"],
        ),
    ],
    ids=["one-left", "none-left", "three-constant"],
)
def test_fewer_than_two_informative_columns(frame: pd.DataFrame, words: list[str]) -> None:
    with pytest.raises(DataError) as exc:
        from_frame(frame)
    _one_line_error(exc, "<frame>", *words)


def test_informative_drops_constant_columns_and_keeps_the_rest() -> None:
    frame = _good()
    frame.insert(1, "site", "A")
    frame["unit"] = 3.0
    ds = from_frame(frame).with_descriptions({"height": "in cm", "site": "where measured"})
    assert ds.constant_columns == ("site", "unit")
    inner = ds.informative()
    assert inner.names == ("height", "smoker", "visits", "flag")
    assert inner.constant_columns == () and inner.informative() is inner
    assert set(inner.types) == set(inner.names) and set(inner.categories) == {"smoker", "visits", "flag"}
    assert dict(inner.descriptions) == {"height": "in cm"}
    assert inner.notes == ds.notes and inner.source == ds.source
    assert (inner.values == ds.values[:, [0, 2, 3, 4]]).all()
    # The full table is unchanged, so that the pipeline can add the constant columns back.
    assert ds.names == ("height", "site", "smoker", "visits", "flag", "unit")


def test_informative_is_the_same_object_without_constant_columns() -> None:
    ds = from_frame(_good())
    assert ds.constant_columns == () and ds.informative() is ds


def test_hand_built_dataset_with_too_few_informative_columns() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4.0] * 3})
    ds = Dataset(frame, {"a": VariableType.CONTINUOUS, "b": VariableType.CONTINUOUS}, source="hand")
    assert ds.constant_columns == ("b",)
    with pytest.raises(DataError, match=r"^hand: 1 of 2 columns is constant \('b'\)"):
        ds.informative()


@pytest.mark.parametrize(
    ("values", "words"),
    [
        (np.linspace(-2, 2, 12) * 1e300, ["too large", "2e+300"]),
        (np.linspace(1.6, 1.7, 12) * 1e308, ["too large"]),
        (np.r_[np.linspace(-1, 1, 11) * 1e-300, 1e300], ["too large"]),
        (np.linspace(-3, 3, 12) * 1e-300, ["varies too little", "3e-300"]),
    ],
    ids=["huge", "mean-overflows", "mixed", "tiny"],
)
def test_magnitudes_beyond_float64_statistics(values: npt.NDArray[np.float64], words: list[str]) -> None:
    # Experts would get NaN correlations and still return a graph.
    frame = pd.DataFrame({"a": np.arange(12.0) / 3, "b": values})
    with pytest.raises(DataError) as exc:
        from_frame(frame)
    _one_line_error(exc, "<frame>", "column 'b'", "rescale", *words)


def test_huge_integers_with_few_values_are_categories() -> None:
    ds = from_frame(pd.DataFrame({"a": np.arange(12.0) / 3, "b": [1e300, -1e300, 2e300] * 4}))
    assert ds.types["b"] is VariableType.DISCRETE and ds.categories["b"][0].startswith("-1000")


def test_large_and_small_but_usable_magnitudes() -> None:
    frame = pd.DataFrame({"a": np.arange(12.0) * 1e150, "b": np.arange(12.0) * 1e-150, "c": [1e300] * 12})
    ds = from_frame(frame)
    assert ds.types["a"] is VariableType.CONTINUOUS and ds.types["b"] is VariableType.CONTINUOUS
    assert ds.constant_columns == ("c",)  # a constant is never used in a statistic


def test_dates_are_refused() -> None:
    frame = pd.DataFrame({"when": pd.date_range("2020-01-01", periods=12), "x": np.arange(12.0) / 5})
    with pytest.raises(DataError, match=r"'when'.*dates"):
        from_frame(frame)


# ------------------------------------------------------------------------------------------ bad types


def test_unknown_names_in_types_are_listed() -> None:
    with pytest.raises(DataError) as exc:
        from_frame(_good(), types={"heigth": "continuous", "zz": "discrete", "flag": "discrete"})
    _one_line_error(exc, "<frame>", "'heigth'", "did you mean 'height'", "'zz'")


def test_invalid_type_string(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    _good().to_csv(path, index=False)
    with pytest.raises(DataError) as exc:
        load_table(path, types={"visits": "ordinal"})
    _one_line_error(exc, "data.csv", "column 'visits'", "'ordinal'", "continuous", "discrete")


def test_text_forced_continuous(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    _good().to_csv(path, index=False)
    with pytest.raises(DataError) as exc:
        load_table(path, types={"smoker": "continuous"})
    _one_line_error(exc, "data.csv", "column 'smoker'", "declared continuous", "'no'", "row 1")


def test_bad_parameters() -> None:
    with pytest.raises(InputError, match="missing"):
        from_frame(_good(), missing="ignore")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="max_categories"):
        from_frame(_good(), max_categories=-1)
    with pytest.raises(DataError, match="DataFrame"):
        from_frame([[1, 2], [3, 4]])  # type: ignore[arg-type]


def test_source_names_the_frame_in_messages() -> None:
    frame = _good()
    frame.loc[0, "visits"] = np.nan
    with pytest.raises(DataError, match=r"^my table: .*'visits'"):
        from_frame(frame, source="my table")
