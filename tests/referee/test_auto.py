"""``--referee auto``: the embedded LLM where llama.cpp and its model are installed, else the statistical
referee; the run's notes say which ran and why."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

import causal_ensemble.llm as llm_pkg
from causal_ensemble import discover
from causal_ensemble.llm import ModelNotInstalledError
from causal_ensemble.referee import LLMReferee, RefereeKind, StatsReferee, make_referee, resolve_auto
from causal_ensemble.referee._make import AUTO_LLM_QUESTIONS, readable

from ..conftest import chain_collider_fork

_real_find_spec = importlib.util.find_spec


def _without_llama(monkeypatch: pytest.MonkeyPatch) -> None:
    def find_spec(name: str, *args: Any) -> Any:
        return None if name == "llama_cpp" else _real_find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


def _with_llama(monkeypatch: pytest.MonkeyPatch) -> None:
    def find_spec(name: str, *args: Any) -> Any:
        return _real_find_spec("json") if name == "llama_cpp" else _real_find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


def _model_missing() -> Path:
    raise ModelNotInstalledError("not installed")


def _model_installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """llama.cpp and an (empty) embedded model file "installed": what ``auto`` checks."""
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"")
    _with_llama(monkeypatch)
    monkeypatch.setattr(llm_pkg, "embedded_model_path", lambda: fake)
    monkeypatch.setattr("causal_ensemble.llm._weights.embedded_model_path", lambda: fake)


def test_auto_is_stats_without_llama_cpp(monkeypatch: pytest.MonkeyPatch) -> None:
    _without_llama(monkeypatch)
    kind, why = resolve_auto()
    assert kind is RefereeKind.STATS and "llama-cpp-python" in why
    assert isinstance(make_referee("auto"), StatsReferee)


def test_auto_is_stats_without_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    _with_llama(monkeypatch)
    monkeypatch.setattr(llm_pkg, "embedded_model_path", _model_missing)
    kind, why = resolve_auto()
    assert kind is RefereeKind.STATS and "model is not installed" in why


def test_auto_is_the_embedded_llm_with_a_bounded_budget_when_installed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _model_installed(monkeypatch, tmp_path)
    kind, why = resolve_auto()
    assert kind is RefereeKind.LLM and "embedded LLM ran" in why
    ref = make_referee("auto", llm_budget=500)
    assert isinstance(ref, LLMReferee) and ref.session.settings.max_queries == AUTO_LLM_QUESTIONS


def test_the_result_says_which_referee_auto_ran(monkeypatch: pytest.MonkeyPatch) -> None:
    _without_llama(monkeypatch)
    frame, _ = chain_collider_fork(400, 1)
    result = discover(frame, experts=["pc", "ges"], n_bootstrap=2, n_jobs=1)
    assert result.referee.kind == "stats"
    assert any(n.startswith("referee auto: the statistical referee ran") for n in result.notes)
    assert "referee auto" in result.to_json()


@pytest.mark.parametrize(
    ("names", "descriptions", "expected"),
    [
        (["X1", "X2", "X3"], None, False),
        (["V1", "v_2", "var 3", "Unnamed: 0", "A"], None, False),
        (["X1", "X2"], {"X1": "age in years"}, True),
        (["X1", "X2"], {"X1": "  "}, False),
        (["praf", "pmek"], None, True),
        (["X1", "age"], None, True),
        ([], None, True),
    ],
)
def test_readable_variables(names: list[str], descriptions: dict[str, str] | None, expected: bool) -> None:
    assert readable(names, descriptions) is expected


def test_auto_is_stats_where_the_variables_cannot_be_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _model_installed(monkeypatch, tmp_path)
    kind, why = resolve_auto(["X1", "X2", "X3"])
    assert kind is RefereeKind.STATS and "--descriptions" in why
    assert isinstance(make_referee("auto", names=["X1", "X2"]), StatsReferee)
    assert resolve_auto(["X1", "X2"], {"X2": "blood pressure"})[0] is RefereeKind.LLM
    assert resolve_auto(["smoking", "cancer"])[0] is RefereeKind.LLM


def test_the_run_reads_its_own_variables_for_auto(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The pipeline hands the table's names and descriptions to ``auto``: an X1..Xd table gets stats even
    where the model is installed, and the note says why."""
    _model_installed(monkeypatch, tmp_path)
    frame, _ = chain_collider_fork(300, 2)
    frame.columns = [f"X{k + 1}" for k in range(frame.shape[1])]
    result = discover(frame, experts=["pc"], n_bootstrap=0, n_jobs=1)
    assert result.referee.kind == "stats"
    assert any("letters and an index" in n for n in result.notes)
