"""Variable descriptions: JSON, YAML or CSV; unknown names and malformed files fail naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from causal_ensemble import DescriptionsError
from causal_ensemble.data import load_descriptions, validate_descriptions

NAMES = ("age", "income", "no", "007")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _fails(path: Path, *words: str) -> None:
    with pytest.raises(DescriptionsError) as exc:
        load_descriptions(path, NAMES)
    message = str(exc.value)
    assert "\n" not in message and path.name in message
    for word in words:
        assert word in message, (word, message)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("d.json", '{"income": "yearly income in dollars", "age": " in years "}'),
        ("d.yaml", "income: yearly income in dollars\nage: in years\n"),
        ("d.yml", "# comment\nage: in years\nincome: >-\n  yearly income\n  in dollars\n"),
        ("d.csv", 'name,description\nincome,"yearly income in dollars"\nage,in years\n'),
        ("d.csv", "\ufeffName , Description\n\nage,in years\nincome,yearly income in dollars\n"),
    ],
)
def test_formats(tmp_path: Path, name: str, text: str) -> None:
    got = load_descriptions(_write(tmp_path, name, text), NAMES)
    assert got == {"age": "in years", "income": "yearly income in dollars"}
    assert list(got) == ["age", "income"]  # column order, not file order


def test_yaml_names_stay_text(tmp_path: Path) -> None:
    # Plain YAML would read `no` as False and `007` as 7, matching no column.
    got = load_descriptions(_write(tmp_path, "d.yaml", "no: a flag\n007: an agent\n"), NAMES)
    assert got == {"no": "a flag", "007": "an agent"}


def test_csv_with_a_quoted_comma(tmp_path: Path) -> None:
    path = _write(tmp_path, "d.csv", 'name,description\nincome,"dollars, per year"\n')
    assert load_descriptions(path, NAMES) == {"income": "dollars, per year"}


def test_partial_and_empty_mapping_are_fine(tmp_path: Path) -> None:
    assert load_descriptions(_write(tmp_path, "d.json", "{}"), NAMES) == {}
    assert load_descriptions(_write(tmp_path, "d.csv", "name,description\n"), NAMES) == {}


def test_unknown_names_are_all_listed(tmp_path: Path) -> None:
    path = _write(tmp_path, "d.json", '{"agee": "x", "age": "y", "height": "z"}')
    _fails(path, "not data columns", "'agee'", "did you mean 'age'", "'height'")


def test_unknown_name_in_csv(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "d.csv", "name,description\nweight,kg\n"), "'weight'")


def test_missing_file(tmp_path: Path) -> None:
    _fails(tmp_path / "d.json", "no such descriptions file")


def test_unsupported_extension(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "d.txt", "age: x\n"), "unsupported", "'.txt'")


def test_empty_file(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "d.yaml", "  \n"), "empty")
    _fails(_write(tmp_path, "d.yaml", "# only a comment\n"), "empty")


def test_malformed_json(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "d.json", '{"age": "x",\n'), "not valid JSON", "line")


def test_malformed_yaml(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "d.yaml", "age: [unclosed\n"), "not valid YAML", "line")


def test_duplicate_keys(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "d.json", '{"age": "x", "age": "y"}'), "duplicate key 'age'")
    _fails(_write(tmp_path, "d.yaml", "age: x\nage: y\n"), "duplicate key 'age'", "line 2")
    _fails(_write(tmp_path, "d.csv", "name,description\nage,x\nage,y\n"), "'age'", "twice", "line 3")


def test_not_a_mapping(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "d.json", '["age", "income"]'), "mapping", "list")
    _fails(_write(tmp_path, "d.yaml", "just some text\n"), "mapping")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"age": 3}', ("'age'", "must be text", "int")),
        ('{"age": ["a"]}', ("'age'", "must be text")),
        ('{"age": "   "}', ("'age'", "empty")),
        ('{"age": null}', ("'age'", "empty")),
    ],
)
def test_values_must_be_non_empty_text(tmp_path: Path, text: str, words: tuple[str, ...]) -> None:
    _fails(_write(tmp_path, "d.json", text), *words)


def test_yaml_empty_value(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "d.yaml", "age:\n"), "'age'", "empty")


def test_csv_without_the_right_header(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "d.csv", "variable,text\nage,x\n"), "name,description")


def test_csv_row_with_extra_fields(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "d.csv", "name,description\nincome,dollars, per year\n"), "line 2", "3 fields")


def test_csv_row_without_name(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "d.csv", "name,description\n ,something\n"), "line 2", "no name")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_bytes(b'{"age": "\xff"}')
    _fails(path, "UTF-8")


def test_validate_descriptions_directly() -> None:
    assert validate_descriptions({"income": " x ", "age": "y"}, NAMES, "mine") == {"age": "y", "income": "x"}
    with pytest.raises(DescriptionsError, match=r"^mine: .*'zz'"):
        validate_descriptions({"zz": "x"}, NAMES, "mine")
    with pytest.raises(DescriptionsError, match=r"^mine: .*mapping"):
        validate_descriptions(["age"], NAMES, "mine")  # type: ignore[arg-type]
    with pytest.raises(DescriptionsError, match="twice"):
        validate_descriptions({"age": "x", " age ": "y"}, NAMES, "mine")
    with pytest.raises(DescriptionsError, match="empty variable name"):
        validate_descriptions({" ": "x"}, NAMES, "mine")
