"""Scrapy's downloader with its per-site concurrency limit enforced, measured at the server.

Why: on Scrapy 2.19 with the asyncio reactor (the default, and ours) a slot with no download delay starts
every request queued in it at once. `Downloader._process_queue` admits requests while
`slot.free_transfer_slots() > 0`, but a request only enters `slot.transferring` when its download task first
runs, and `_schedule_coro` starts that task on a later turn of the event loop (`loop.create_task`); so the
admission check never sees the requests it just admitted and the queue is drained. A 20-line spider with
CONCURRENT_REQUESTS_PER_DOMAIN=1 and DOWNLOAD_DELAY=0 had 11 requests in flight at the server (16, the global
cap, with a limit of 2); with the plain Twisted reactor, where the task starts synchronously, it had 1. A
non-zero delay hides the fault (one request per call, then a timer), which is why AutoThrottle and
DOWNLOAD_DELAY crawls looked polite; a jitter over 1 floors some delays at 0 and brings it back.

The fix claims the transfer slot when the request is admitted. Scrapy adds the request to `transferring` again
when the task starts (a set: no effect) and removes it when the download ends, as before.

Slots are also keyed by site (registrable domain, `scraper.sites`), not by host name: subdomains of one outlet
share one limit, and a request redirected to another host is counted on that host's site, not on the slot its
`download_slot` meta was copied from by the redirect. `DOWNLOAD_SLOTS` entries are therefore keyed by site.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.core.downloader import Downloader, Slot

from scraper.sites import site_of

if TYPE_CHECKING:
    from collections.abc import Coroutine

    from scrapy import Request
    from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

#: The private hook the fix relies on; if a Scrapy release renames it the fix would silently vanish.
_HOOK = "_wait_for_download"


class PoliteDownloader(Downloader):
    """`DOWNLOADER = "scraper.downloader.PoliteDownloader"`: per-site slots whose concurrency limit holds."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        if not hasattr(Downloader, _HOOK):
            logger.error(
                "Scrapy's Downloader has no %s(): per-site concurrency may overshoot with no download delay",
                _HOOK,
            )

    def get_slot_key(self, request: Request) -> str:
        """The request's site; a `download_slot` copied from another host by a redirect is not trusted."""
        return site_of(request.url) or super().get_slot_key(request)

    def _wait_for_download(  # type: ignore[override]
        self, slot: Slot, request: Request, queue_dfd: Deferred[Any]
    ) -> Coroutine[Any, Any, None]:
        # Called synchronously by _process_queue's admission loop: take the transfer slot now, so the loop's
        # next free_transfer_slots() check counts this request even though its task has not started yet.
        slot.transferring.add(request)
        return super()._wait_for_download(slot, request, queue_dfd)
