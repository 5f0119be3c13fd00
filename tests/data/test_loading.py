"""Table loading, type detection, descriptions and knowledge files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from causal_ensemble import DataError, DescriptionsError, InputError, KnowledgeError
from causal_ensemble.data import (
    Knowledge,
    VariableType,
    from_frame,
    load_descriptions,
    load_knowledge,
    load_table,
)


def _frame(n: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "height": rng.normal(170, 10, n),
            "smoker": rng.choice(["yes", "no"], n),
            "visits": rng.integers(0, 4, n),
            "flag": rng.random(n) > 0.5,
        }
    )


def test_types_are_detected_and_discrete_columns_encoded(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    _frame().to_csv(path, index=False)
    ds = load_table(path)
    assert ds.types == {
        "height": VariableType.CONTINUOUS,
        "smoker": VariableType.DISCRETE,
        "visits": VariableType.DISCRETE,
        "flag": VariableType.DISCRETE,
    }
    assert ds.categories["smoker"] == ("no", "yes")
    assert set(ds.frame["smoker"].unique()) <= {0, 1}
    assert ds.kind == "mixed" and ds.values.dtype == np.float64
    forced = load_table(path, types={"visits": "continuous"})
    assert forced.types["visits"] is VariableType.CONTINUOUS


def test_parquet_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    _frame().to_parquet(path)
    assert load_table(path).names == ("height", "smoker", "visits", "flag")


def test_drop_missing_is_reported() -> None:
    frame = _frame()
    frame.loc[3, "height"] = np.nan
    with pytest.raises(DataError, match=r"'height'.*drop"):
        from_frame(frame)
    ds = from_frame(frame, missing="drop")
    assert ds.n_rows == 29 and "dropped 1 of 30 rows" in ds.notes[0]


def test_constant_columns_are_kept_and_can_be_left_out(tmp_path: Path) -> None:
    frame = _frame()
    frame["batch"] = 7
    frame["lab"] = "north"
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    ds = load_table(path)
    assert ds.n_vars == 6 and ds.constant_columns == ("batch", "lab")
    assert any("'batch', 'lab' are constant" in note for note in ds.notes)
    assert ds.informative().names == ("height", "smoker", "visits", "flag")
    frame[["height", "smoker", "visits"]] = 0
    frame.to_csv(path, index=False)
    with pytest.raises(DataError, match=r"5 of 6 columns are constant.*leaving 1 informative \('flag'\)"):
        load_table(path)


def test_type_override_errors() -> None:
    with pytest.raises(InputError, match="'nope'"):
        from_frame(_frame(), types={"nope": "discrete"})
    with pytest.raises(InputError, match="ordinal"):
        from_frame(_frame(), types={"height": "ordinal"})
    with pytest.raises(DataError, match="declared continuous"):
        from_frame(_frame(), types={"smoker": "continuous"})
    with pytest.raises(InputError, match="unsupported file type"):
        load_table(Path(__file__))


def test_descriptions_formats(tmp_path: Path) -> None:
    names = ["a", "b"]
    (tmp_path / "d.yaml").write_text("a: the first\n")
    (tmp_path / "d.csv").write_text("name,description\nb,the second\n")
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "empty.json").write_text('{"a": "  "}')
    assert load_descriptions(tmp_path / "d.yaml", names) == {"a": "the first"}
    assert load_descriptions(tmp_path / "d.csv", names) == {"b": "the second"}
    with pytest.raises(DescriptionsError, match=r"bad\.json.*JSON"):
        load_descriptions(tmp_path / "bad.json", names)
    with pytest.raises(DescriptionsError, match="'a'"):
        load_descriptions(tmp_path / "empty.json", names)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("colour: [a]\n", "unknown key 'colour'"),
        ("tiers: [[a], [a, b]]\n", "'a' is in tier 1 and tier 2"),
        ("required: [[a, zz]]\n", "unknown variable 'zz'"),
        ("required: [[a]]\n", "not a pair"),
        ("forbidden: [[a, a]]\n", "self-edge"),
        ("required: [[a, b]]\nforbidden: [[a, b]]\n", "both required and forbidden"),
        ("tiers: [[a], [b]]\nrequired: [[b, a]]\n", "later tier"),
        ("required: [[a, b], [b, c], [c, a]]\n", "cycle"),
    ],
)
def test_knowledge_errors_name_the_item(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "k.yaml"
    path.write_text(text)
    with pytest.raises(KnowledgeError, match=match) as info:
        load_knowledge(path, ["a", "b", "c"])
    assert "k.yaml" in str(info.value)


def test_knowledge_matrices() -> None:
    know = Knowledge(tiers=(("a",), ("b", "c")), required=(("b", "c"),), forbidden=(("a", "c"),))
    f = know.forbidden_matrix(["a", "b", "c"])
    assert f[1, 0] and f[2, 0] and f[0, 2] and not f[0, 1] and not f[1, 2]
    assert know.required_matrix(["a", "b", "c"])[1, 2]
    assert know.tier_of("c") == 1 and know.tier_of("zz") is None


def test_tier_matrix_is_the_tier_part_of_forbidden() -> None:
    know = Knowledge(tiers=(("a",), ("b", "c")), forbidden=(("a", "c"),))
    p = know.tier_matrix(["a", "b", "c"])
    assert p[1, 0] and p[2, 0] and not p[0, 1] and not p[1, 2] and not p[0, 2]
    assert (know.forbidden_matrix(["a", "b", "c"]) == (p | np.eye(3, k=2, dtype=bool))).all()
