"""The package's layout shows the flow: no stage imports a later one, and every module names its job.

Read from the source with ``ast`` (every import, at module level or inside a function), so a lazy import
that would close a circle at call time is caught too.
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import causal_ensemble

ROOT = Path(causal_ensemble.__file__).parent

# The flow, earliest first. A module may import its own sub-package and any earlier one, never a later one.
# ``_errors`` is the exception tree every stage raises from; the top-level ``_result`` (the run's result)
# sits after assembly, the pipeline after every stage it composes, and the benchmark and CLI on top.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("_errors", "_version"),
    ("data",),
    ("experts",),
    ("beliefs",),
    ("scoring",),
    ("pooling", "llm"),
    ("referee",),
    ("assemble",),
    ("_result", "_result_load", "_result_views"),
    ("evaluate",),
    ("report",),
    ("_pipeline",),
    ("benchmarks",),
    ("cli", "__main__"),
)
RANK = {name: k for k, layer in enumerate(LAYERS) for name in layer}


def _unit(module: str) -> str:
    """The stage a dotted module path belongs to (``causal_ensemble.pooling._pool`` -> ``pooling``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        out.append((".".join(rel.parts), path))
    return out


def _imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("causal_ensemble")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            if name == "causal_ensemble":  # `from causal_ensemble import x` is the whole public API
                found |= {f"causal_ensemble.{a.name}" for a in node.names}
            elif name.startswith("causal_ensemble"):
                found.add(name)
    return found


def test_every_module_belongs_to_a_known_stage() -> None:
    unknown = {_unit(m) for m, _ in _modules()} - set(RANK) - {"__init__"}
    assert not unknown, f"add these sub-packages to LAYERS: {sorted(unknown)}"


def test_no_stage_imports_a_later_stage() -> None:
    violations = []
    for module, path in _modules():
        unit = _unit(module)
        if unit == "__init__":
            continue  # the public API re-exports everything
        for imported in _imports(path, module):
            target = _unit(imported)
            if target == "__init__" or target not in RANK:
                violations.append(f"{module} imports {imported} (the package root pulls in every stage)")
            elif RANK[target] > RANK[unit]:
                violations.append(f"{module} imports {imported}: {target} comes after {unit}")
    assert not violations, "\n".join(violations)


def test_every_module_has_a_docstring_naming_its_job() -> None:
    missing = []
    for module, path in _modules():
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        if not doc or len(doc.split()) < 4:
            missing.append(module)
    assert not missing, f"modules without a docstring that says their job: {missing}"


@pytest.mark.parametrize("unit", sorted({_unit(m) for m, _ in _modules()} - {"__init__", "__main__"}))
def test_each_stage_imports_alone_in_a_fresh_interpreter(unit: str) -> None:
    """Importing one stage first (before anything else of the package) must work: a circle among
    sub-packages shows up here as an ImportError for a partially initialised module."""
    name = f"causal_ensemble.{unit}"
    importlib.util.find_spec(name)  # fail fast on a typo in LAYERS
    code = f"import {name}"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]


def test_the_lazy_namespace_serves_every_public_name() -> None:
    """``causal_ensemble.__getattr__`` loads names from a hand-kept map: every name in ``__all__`` must
    resolve, and importing the package alone must not load the pipeline (what keeps workers light)."""
    for name in causal_ensemble.__all__:
        assert getattr(causal_ensemble, name) is not None, name
    assert sorted(dir(causal_ensemble)) == sorted(causal_ensemble.__all__)
    code = "import sys, causal_ensemble; print('causal_ensemble._pipeline' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
