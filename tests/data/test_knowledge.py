"""Background knowledge: file formats, matrices, and contradictions refused naming the file and item."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from causal_ensemble import KnowledgeError
from causal_ensemble.data import Knowledge, load_knowledge, validate_knowledge

NAMES = ("a", "b", "c", "d")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _fails(path: Path, *words: str) -> None:
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(path, NAMES)
    message = str(exc.value)
    assert "\n" not in message and path.name in message
    for word in words:
        assert word in message, (word, message)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("k.yaml", "tiers: [[a], [b, c]]\nrequired: [[a, b]]\nforbidden:\n  - [c, b]\n"),
        ("k.yml", "tiers:\n  - [a]\n  - [b, c]\nrequired: [[a, b], [a, b]]\nforbidden: [[c, b]]\n"),
        ("k.json", '{"tiers": [["a"], ["b", "c"]], "required": [["a", "b"]], "forbidden": [["c", "b"]]}'),
    ],
)
def test_formats(tmp_path: Path, name: str, text: str) -> None:
    know = load_knowledge(_write(tmp_path, name, text), NAMES)
    assert know == Knowledge(tiers=(("a",), ("b", "c")), required=(("a", "b"),), forbidden=(("c", "b"),))
    assert not know.is_empty


def test_all_keys_are_optional(tmp_path: Path) -> None:
    assert load_knowledge(_write(tmp_path, "k.json", "{}"), NAMES).is_empty
    assert load_knowledge(_write(tmp_path, "k.yaml", "tiers:\nrequired: []\n"), NAMES).is_empty
    assert Knowledge().is_empty


def test_matrices_and_tiers() -> None:
    know = Knowledge(tiers=(("a",), ("b", "c")), required=(("b", "c"),), forbidden=(("a", "c"),))
    f = know.forbidden_matrix(NAMES)
    expected = np.zeros((4, 4), dtype=bool)
    expected[1, 0] = expected[2, 0] = True  # later tier -> earlier tier
    expected[0, 2] = True  # explicit
    assert f.dtype == np.bool_ and (f == expected).all()  # 'd' is in no tier: unconstrained
    r = know.required_matrix(NAMES)
    assert r.dtype == np.bool_ and r.sum() == 1 and r[1, 2]
    assert (know.tier_of("a"), know.tier_of("c"), know.tier_of("d")) == (0, 1, None)


def test_matrices_follow_the_given_order() -> None:
    know = Knowledge(tiers=(("a",), ("b",)))
    assert know.forbidden_matrix(["b", "a"])[0, 1]


def test_matrices_refuse_names_not_in_the_data() -> None:
    know = Knowledge(required=(("a", "zz"),))
    with pytest.raises(KnowledgeError, match="'zz'"):
        know.required_matrix(NAMES)
    with pytest.raises(KnowledgeError, match="'zz'"):
        know.forbidden_matrix(NAMES)


def test_hand_built_lists_become_tuples() -> None:
    know = Knowledge(tiers=[["a"], ["b"]], required=[["a", "b"]])  # type: ignore[arg-type]
    assert know.tiers == (("a",), ("b",)) and know.required == (("a", "b"),)
    hash(know)
    with pytest.raises(KnowledgeError, match="not a pair"):
        Knowledge(required=(("a", "b", "c"),))  # type: ignore[arg-type]
    with pytest.raises(KnowledgeError, match="'ab'"):
        Knowledge(required=("ab", "cd"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("colour: [a]\n", ("unknown key 'colour'", "tiers, required, forbidden")),
        ("tiers: [[a], [zz]]\n", ("tier 2", "unknown variable 'zz'")),
        ("tiers: [[a, b], [c, a]]\n", ("'a'", "tier 1 and tier 2")),
        ("tiers: [[a, a]]\n", ("'a'", "twice in tier 1")),
        ("tiers: [a, b]\n", ("tier 1", "list of variable names")),
        ("tiers: a\n", ("'tiers'", "list of lists")),
        ("required: [[a, zz]]\n", ("'required'", "unknown variable 'zz'")),
        ("forbidden: [[cc, a]]\n", ("'forbidden'", "unknown variable 'cc'", "did you mean 'c'")),
        ("required: [[a]]\n", ("'required' entry 1", "not a pair")),
        ("required: [[a, b], [a, b, c]]\n", ("'required' entry 2", "not a pair")),
        ("forbidden: [a, b]\n", ("'forbidden' entry 1", "not a pair")),
        ("forbidden: [[a, [b]]]\n", ("'forbidden' entry 1", "not a pair")),
        ("required: a -> b\n", ("'required'", "list of [source, target] pairs")),
        ("forbidden: [[a, a]]\n", ("'forbidden'", "['a', 'a']", "self-edge")),
        ("required: [[a, b]]\nforbidden: [[a, b]]\n", ("['a', 'b']", "both required and forbidden")),
        ("tiers: [[a], [b]]\nrequired: [[b, a]]\n", ("required edge ['b', 'a']", "later tier")),
        ("required: [[a, b], [b, c], [c, a]]\n", ("cycle",)),
        ("- [a, b]\n", ("mapping",)),
    ],
)
def test_errors_name_the_file_and_item(tmp_path: Path, text: str, words: tuple[str, ...]) -> None:
    _fails(_write(tmp_path, "k.yaml", text), *words)


def test_json_errors(tmp_path: Path) -> None:
    _fails(_write(tmp_path, "k.json", '{"required": [["a", "b"]'), "not valid JSON")
    _fails(_write(tmp_path, "k.json", '{"required": [["a", "b"]], "required": []}'), "duplicate key")
    _fails(_write(tmp_path, "k.json", '{"tiers": [["a", 1]]}'), "tier 1", "1")


def test_file_errors(tmp_path: Path) -> None:
    _fails(tmp_path / "k.yaml", "no such knowledge file")
    _fails(_write(tmp_path, "k.txt", "tiers: [[a]]\n"), "unsupported", "'.txt'")
    _fails(_write(tmp_path, "k.yaml", ""), "empty")
    _fails(_write(tmp_path, "k.yaml", "tiers: [[a]\n"), "not valid YAML")


def test_yaml_names_stay_text(tmp_path: Path) -> None:
    names = ["yes", "no", "1"]
    know = load_knowledge(_write(tmp_path, "k.yaml", "tiers: [[yes, 1], [no]]\n"), names)
    assert know.tiers == (("yes", "1"), ("no",))


def test_validate_knowledge_directly() -> None:
    know = validate_knowledge({"tiers": (("a",), ("b",)), "forbidden": [("c", "d")]}, NAMES, "mine")
    assert know.tiers == (("a",), ("b",)) and know.forbidden == (("c", "d"),)
    with pytest.raises(KnowledgeError, match=r"^mine: .*'zz'"):
        validate_knowledge({"required": [["a", "zz"]]}, NAMES, "mine")
    with pytest.raises(KnowledgeError, match=r"^mine: .*mapping"):
        validate_knowledge([["a", "b"]], NAMES, "mine")  # type: ignore[arg-type]
