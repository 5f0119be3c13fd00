"""Command-line interface (``cea``)."""

from causal_ensemble.cli._app import app, main

__all__ = ["app", "main"]
