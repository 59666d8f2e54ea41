"""A loopback host serving a table of routes, for tests that need several hosts with their own behaviour
(robots.txt answering 503 or not at all, a body cut short, a pagination that never ends).

    with StaticHost() as host:
        host.routes["/robots.txt"] = Route(503, "busy", "text/plain")
        host.routes["/trap"] = lambda path: Route(body=page_for(path))   # computed per request

A path with a query is looked up as given, then without its query; unknown paths answer 404. Hosts of one site
pass the same `Meter`, so the peak of requests in flight is measured per site.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from .recording import Meter, RecordingHandler, RecordingServer


@dataclass(frozen=True)
class Route:
    """One answer. `action`: "" answers; "drop" closes the connection without answering; "cut" sends a chunked
    body and closes the connection before its last chunk (a transfer that fails mid-body)."""

    status: int = 200
    body: str | bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None
    action: str = ""


NOT_FOUND = Route(404, "<html><body><h1>404</h1></body></html>")
Answer = Route | Callable[[str], Route]


class _Handler(RecordingHandler):
    def respond(self, seen: int) -> None:
        host: StaticHost = self.server.owner  # type: ignore[assignment]
        answer = host.routes.get(self.path) or host.routes.get(urlsplit(self.path).path) or NOT_FOUND
        route = answer if isinstance(answer, Route) else answer(self.path)
        if route.action == "drop":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
        elif route.action == "cut":
            self._cut(route)
        else:
            location = route.location
            if location and location.startswith("/"):
                location = host.url(location)
            self.send(route.status, route.content_type, route.body, location=location)

    def _cut(self, route: Route) -> None:
        data = route.body.encode("utf-8") if isinstance(route.body, str) else route.body
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        half = data[: len(data) // 2]
        with contextlib.suppress(OSError):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), half))  # announces the whole, sends half
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        self.close_connection = True


class StaticHost(RecordingServer):
    """A host answering from `routes` (mutable: fill it after start, once `base_url` is known)."""

    def __init__(
        self,
        routes: dict[str, Answer] | None = None,
        host: str = "127.0.0.1",
        latency: float = 0.0,
        meter: Meter | None = None,
    ) -> None:
        super().__init__(_Handler, host, 0, latency, meter)
        self.routes: dict[str, Answer] = dict(routes or {})
