"""Running a Markdown page's Python examples as written, shared by the README and docs tests."""

from __future__ import annotations

import os
import re
from pathlib import Path


def run_python_blocks(page: Path, workdir: Path) -> tuple[int, dict[str, object]]:
    """Execute every ```python block of ``page`` in order, in ``workdir``; return the count and namespace."""
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(), flags=re.S)
    namespace: dict[str, object] = {}
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        for code in blocks:
            exec(compile(code, str(page), "exec"), namespace)
    finally:
        os.chdir(cwd)
    return len(blocks), namespace
