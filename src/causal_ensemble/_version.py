"""The installed package's version, in a module light enough for the package namespace to read."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def package_version() -> str:
    try:
        return version("causal-ensemble")
    except PackageNotFoundError:  # running from a source tree
        return "0+unknown"
