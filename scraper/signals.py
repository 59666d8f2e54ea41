"""Scrapy signals of newsclean's own, sent with `crawler.signals.send_catch_log(signal=...)`."""

from __future__ import annotations

#: Sent by `newsclean crawl` to every running crawler on the first SIGINT/SIGTERM, before it stops them
#: gracefully; handlers get `grace`, the seconds work in flight may still take (the clean pipeline bounds
#: its running and queued cleaning to it).
shutdown_requested = object()
