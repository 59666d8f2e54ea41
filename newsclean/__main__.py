"""`python -m newsclean` is the `newsclean` command."""

from __future__ import annotations

import sys

from newsclean.cli import main

sys.exit(main())
