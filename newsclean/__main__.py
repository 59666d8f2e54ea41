"""`python -m newsclean` is the `newsclean` command."""

from __future__ import annotations

import sys

from newsclean.cli import main

# Guarded: worker processes started by spawn import the main module, and must not run the command again.
if __name__ == "__main__":
    sys.exit(main())
