"""The `newsclean` command-line interface (entry point: `newsclean.cli:main`)."""

from __future__ import annotations
