"""Serve the local news site until interrupted: `python -m tests.localsite [PORT]` from the repo root."""

from __future__ import annotations

import sys
import time

from .server import LocalNewsSite


def main() -> int:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    with LocalNewsSite(port=port) as site:
        print(f"local news site on {site.url('/')} (Ctrl-C to stop)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
