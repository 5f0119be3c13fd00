"""Plain-language variable descriptions (read by referees and shown in reports)."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from causal_ensemble._errors import DescriptionsError


def _read_structured(path: Path, what: str, error: type[Exception]) -> Any:
    """JSON or YAML by extension (YAML also accepts JSON); errors name the file."""
    if not path.is_file():
        raise error(f"{path}: no such {what} file")
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        raise error(f"{path}: the {what} file is empty")
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0]
        raise error(
            f"{path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'} ({first})"
        ) from exc


def validate_descriptions(mapping: Mapping[str, object], names: Sequence[str], source: str) -> dict[str, str]:
    if not isinstance(mapping, Mapping):
        raise DescriptionsError(f"{source}: descriptions must map variable names to text")
    unknown = [str(k) for k in mapping if str(k) not in names]
    if unknown:
        raise DescriptionsError(
            f"{source}: descriptions for names that are not data columns: "
            + ", ".join(repr(u) for u in unknown)
        )
    out: dict[str, str] = {}
    for key, value in mapping.items():
        if not isinstance(value, str) or not value.strip():
            raise DescriptionsError(f"{source}: the description of {str(key)!r} must be non-empty text")
        out[str(key)] = value.strip()
    return {n: out[n] for n in names if n in out}


def load_descriptions(path: str | os.PathLike[str], names: Sequence[str]) -> dict[str, str]:
    p = Path(path)
    if p.suffix.lower() == ".csv":
        if not p.is_file():
            raise DescriptionsError(f"{p}: no such descriptions file")
        rows = list(csv.DictReader(p.read_text(encoding="utf-8-sig").splitlines()))
        if not rows or not {"name", "description"} <= set(rows[0]):
            raise DescriptionsError(f"{p}: a descriptions CSV needs the columns name,description")
        mapping: dict[str, object] = {}
        for k, row in enumerate(rows, start=2):
            name = (row.get("name") or "").strip()
            if not name:
                raise DescriptionsError(f"{p}: line {k} has no name")
            mapping[name] = row.get("description") or ""
        return validate_descriptions(mapping, names, str(p))
    obj = _read_structured(p, "descriptions", DescriptionsError)
    if not isinstance(obj, Mapping):
        raise DescriptionsError(f"{p}: descriptions must be a mapping name -> description")
    return validate_descriptions(obj, names, str(p))
