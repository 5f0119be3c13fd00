"""The ``cea`` command line: parses flags, calls the library, prints; user errors exit 2 in one line."""

from causal_ensemble.cli._app import app, main

__all__ = ["app", "main"]
