"""One module per `newsclean` subcommand, each with `add_arguments(parser)` and `run(args) -> int`."""

from __future__ import annotations
