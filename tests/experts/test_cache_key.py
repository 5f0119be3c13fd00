"""The fit-cache key covers all the code a fit runs: the expert's solvers too, and their libraries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from causal_ensemble.experts import DAGMA, NOTEARS, PC, DirectLiNGAM, FitCache, FitRecord, _cache, run_panel
from causal_ensemble.experts._cache import _module_closure, code_version, module_code_version

from ..conftest import chain_collider_fork


@pytest.fixture(autouse=True)
def _fresh_code_versions() -> Iterator[None]:
    """Code versions are memoised per process; a test that fakes an edit must not leak it."""
    module_code_version.cache_clear()
    yield
    module_code_version.cache_clear()


def test_the_key_walks_the_imports_of_the_experts_module_transitively() -> None:
    pc, _ = _module_closure(("causal_ensemble.experts._causallearn",))
    # _fisherz is imported lazily inside a function; _errors only through _base
    for module in ("_causallearn", "_fisherz", "_base", "_graph"):
        assert f"causal_ensemble.experts.{module}" in pc
    assert "causal_ensemble._errors" in pc
    assert not any(m.endswith(("_execution", "_cache", "_notears")) for m in pc)
    continuous, third_party = _module_closure(("causal_ensemble.experts._continuous",))
    assert {"causal_ensemble.experts._notears", "causal_ensemble.experts._dagma"} <= set(continuous)
    assert "numpy" in third_party


def test_the_key_names_the_libraries_the_expert_uses() -> None:
    assert "causal-learn=" in code_version(PC()) and "numpy=" in code_version(PC())
    assert "lingam=" in code_version(DirectLiNGAM())
    assert "scipy=" in code_version(NOTEARS())


def _edit(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    real = _cache._module_source

    def edited(name: str) -> str | None:
        source = real(name)
        return source + "\n# edited\n" if name == module and source is not None else source

    monkeypatch.setattr(_cache, "_module_source", edited)
    module_code_version.cache_clear()


@pytest.mark.parametrize(
    ("module", "expert", "misses"),
    [
        ("causal_ensemble.experts._fisherz", PC(), True),
        ("causal_ensemble.experts._dagma", DAGMA(), True),
        ("causal_ensemble.experts._dagma", PC(), False),  # not code PC runs
    ],
)
def test_editing_a_solver_module_misses_the_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, module: str, expert: Any, misses: bool
) -> None:
    X = chain_collider_fork(200, 0)[0].to_numpy(float)
    before = code_version(expert)
    run_panel([expert], X, n_bootstrap=1, seed=0, cache=FitCache(tmp_path))
    _edit(monkeypatch, module)
    assert (code_version(expert) != before) is misses
    seen: list[FitRecord] = []
    run_panel([expert], X, n_bootstrap=1, seed=0, cache=FitCache(tmp_path), on_fit=seen.append)
    assert len(seen) == 2
    assert all(r.cached is not misses for r in seen)
