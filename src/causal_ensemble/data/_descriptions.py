"""Plain-language variable descriptions (read by referees and shown in reports).

Also home of the reader shared with the knowledge file: both are small JSON/YAML mappings of variable
names, and both must fail with one line that names the file.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import os
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode

from causal_ensemble._errors import DescriptionsError, InputError

__all__ = ["load_descriptions", "validate_descriptions"]

_JSON_SUFFIXES = (".json",)
_YAML_SUFFIXES = (".yaml", ".yml")


class _NamesLoader(yaml.SafeLoader):
    """YAML loader that keeps every plain scalar as text (only ``null``/empty stays ``None``).

    Variable names are text: the standard resolvers would turn a column called ``no`` or ``on`` into a
    boolean and ``007`` into the integer 7, which then matches no column. Duplicate keys are refused
    because YAML would otherwise keep the last one silently.
    """

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[Hashable] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, Hashable):
                if key in seen:
                    raise ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


_NamesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _DuplicateKeyError(ValueError):
    pass


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _read_text(path: Path, what: str, error: type[InputError], suffixes: Sequence[str]) -> str:
    """The file's text after the checks shared by every input file; errors name the file."""
    if not path.exists():
        raise error(f"{path}: no such {what} file")
    if path.is_dir():
        raise error(f"{path}: is a directory, not a {what} file")
    suffix = path.suffix.lower()
    if suffix not in suffixes:
        raise error(
            f"{path}: unsupported {what} file type {suffix or '(no extension)'!r}; use {', '.join(suffixes)}"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not a UTF-8 text file ({exc.reason} at byte {exc.start})") from exc
    if not text.strip():
        raise error(f"{path}: the {what} file is empty")
    return text


def _read_structured(path: Path, what: str, error: type[InputError]) -> object:
    """Parse a JSON (by extension) or YAML file; errors name the file and the line."""
    text = _read_text(path, what, error, _JSON_SUFFIXES + _YAML_SUFFIXES)
    if path.suffix.lower() in _JSON_SUFFIXES:
        try:
            return json.loads(text, object_pairs_hook=_json_object)
        except json.JSONDecodeError as exc:
            raise error(
                f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
            ) from exc
        except _DuplicateKeyError as exc:
            raise error(f"{path}: not valid JSON ({exc})") from exc
    try:
        obj = yaml.load(text, Loader=_NamesLoader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        where = f" at line {exc.problem_mark.line + 1}" if exc.problem_mark is not None else ""
        problem = " ".join(str(exc.problem or exc.context or "syntax error").split())
        raise error(f"{path}: not valid YAML ({problem}{where})") from exc
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML ({' '.join(str(exc).split())})") from exc
    if obj is None:
        raise error(f"{path}: the {what} file is empty (only comments)")
    return obj


def _suggest(unknown: Sequence[str], names: Sequence[str]) -> str:
    """Quote unknown names, each with the closest known name when one is close: most are typos."""
    parts = []
    for name in unknown:
        close = difflib.get_close_matches(name, list(names), n=1)
        parts.append(f"{name!r} (did you mean {close[0]!r}?)" if close else repr(name))
    return ", ".join(parts)


def validate_descriptions(mapping: Mapping[str, object], names: Sequence[str], source: str) -> dict[str, str]:
    """Check descriptions against the data columns; the result follows the column order.

    Columns without a description are fine (referees then see only the name), but a description for a
    name that is not a column is an error: it is almost always a typo that would silently drop it.
    """
    if not isinstance(mapping, Mapping):
        raise DescriptionsError(
            f"{source}: descriptions must be a mapping of name to description, got {_kind(mapping)}"
        )
    cleaned: dict[str, object] = {}
    for key, value in mapping.items():
        name = str(key).strip() if key is not None else ""
        if not name:
            raise DescriptionsError(f"{source}: a description has an empty variable name")
        if name in cleaned:
            raise DescriptionsError(f"{source}: variable {name!r} is described twice")
        cleaned[name] = value
    known = set(names)
    unknown = [n for n in cleaned if n not in known]
    if unknown:
        raise DescriptionsError(
            f"{source}: descriptions for {'a name' if len(unknown) == 1 else 'names'} that "
            f"{'is not a data column' if len(unknown) == 1 else 'are not data columns'}: "
            f"{_suggest(unknown, names)}"
        )
    out: dict[str, str] = {}
    for name, value in cleaned.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            raise DescriptionsError(f"{source}: the description of {name!r} is empty")
        if not isinstance(value, str):
            raise DescriptionsError(
                f"{source}: the description of {name!r} must be text, got {type(value).__name__}"
            )
        out[name] = value.strip()
    return {n: out[n] for n in names if n in out}


def load_descriptions(path: str | os.PathLike[str], names: Sequence[str]) -> dict[str, str]:
    """Read descriptions from JSON or YAML (``name: description``) or CSV (``name,description``)."""
    p = Path(path)
    if p.suffix.lower() == ".csv":
        text = _read_text(p, "descriptions", DescriptionsError, (".csv",))
        return validate_descriptions(_read_csv(p, text), names, str(p))
    obj = _read_structured(p, "descriptions", DescriptionsError)
    if not isinstance(obj, Mapping):
        raise DescriptionsError(
            f"{p}: descriptions must be a mapping of name to description, got {_kind(obj)}"
        )
    return validate_descriptions(obj, names, str(p))


def _read_csv(path: Path, text: str) -> dict[str, object]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise DescriptionsError(f"{path}: not valid CSV ({exc} at line {reader.line_num})") from exc
    header = [h.strip().lower() for h in rows[0][1]]
    if "name" not in header or "description" not in header:
        raise DescriptionsError(
            f"{path}: a descriptions CSV needs a header with the columns name,description; "
            f"got {','.join(header)}"
        )
    i_name, i_desc = header.index("name"), header.index("description")
    mapping: dict[str, object] = {}
    for line, row in rows[1:]:
        if len(row) != len(header):
            raise DescriptionsError(
                f"{path}: line {line} has {len(row)} fields, the header has {len(header)} "
                "(quote descriptions that contain commas)"
            )
        name = row[i_name].strip()
        if not name:
            raise DescriptionsError(f"{path}: line {line} has no name")
        if name in mapping:
            raise DescriptionsError(f"{path}: variable {name!r} is described twice (line {line})")
        mapping[name] = row[i_desc]
    return mapping


def _kind(obj: object) -> str:
    if isinstance(obj, list):
        return "a list"
    return "a single text" if isinstance(obj, str) else type(obj).__name__
