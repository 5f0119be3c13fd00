"""When the package began to import: the first module ``causal_ensemble/__init__`` imports.

A ``cea`` command's ``--budget`` counts what importing the package took (about 3 s: scikit-learn, scipy,
pandas), since its user waits for that too; the package records it once, at import.
"""

from __future__ import annotations

import time

IMPORT_BEGAN = time.perf_counter()


def seconds_since_import() -> float:
    return time.perf_counter() - IMPORT_BEGAN
