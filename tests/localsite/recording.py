"""Threaded HTTP servers on loopback that record what a crawl asked for and how many requests were in flight.

Every request path is recorded (thread-safe), so tests can assert what a crawl did and did not fetch. Requests
in flight are counted from the request line read to the last byte of the response written (or the client
hanging up), with the peak kept, so politeness is measured where it matters: at the server. Servers of one
site can share a `Meter`, to measure the peak per site rather than per host.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit


class Meter:
    """Requests in flight and their peak, shared by the servers that pass the same Meter."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight = 0
        self._peak = 0

    def begin(self) -> None:
        with self._lock:
            self._in_flight += 1
            self._peak = max(self._peak, self._in_flight)

    def end(self) -> None:
        with self._lock:
            self._in_flight -= 1

    @property
    def peak(self) -> int:
        with self._lock:
            return self._peak

    def reset(self) -> None:
        with self._lock:
            self._peak = self._in_flight


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    owner: RecordingServer

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up (size limit, killed crawl) is expected: no traceback on stderr."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class RecordingHandler(BaseHTTPRequestHandler):
    """Counts the request in flight, records it, waits the server's latency, then `respond()`s."""

    server: QuietServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests read .requests instead
        pass

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        owner = self.server.owner
        owner.begin(self.headers.get("User-Agent", ""))
        try:
            seen = owner.record(self.path)
            if owner.latency:
                time.sleep(owner.latency)
            self.respond(seen)
        finally:
            owner.end()

    def respond(self, seen: int) -> None:
        """Answer the request; `seen`: how often its path (query ignored) was requested, this one included."""
        raise NotImplementedError

    def send(
        self,
        status: int,
        content_type: str,
        body: str | bytes,
        location: str | None = None,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        if location:
            self.send_header("Location", location)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            # The client may give up mid-body (download size limit): expected, not an error.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)


class RecordingServer:
    """A server on `host` (loopback) with an ephemeral port, used as a context manager."""

    def __init__(
        self,
        handler: type[RecordingHandler],
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        meter: Meter | None = None,
    ) -> None:
        self.latency = latency
        self.meter = meter or Meter()
        self._server = QuietServer((host, port), handler)
        self._server.owner = self
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._requests: list[str] = []
        self._counts: Counter[str] = Counter()
        self._agents: Counter[str] = Counter()
        bound_host, bound_port = self._server.server_address[:2]
        self.base_url = f"http://{bound_host}:{bound_port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def record(self, path: str) -> int:
        """Log one request; return how often its path (query ignored) was requested, this one included."""
        with self._lock:
            self._requests.append(path)
            key = urlsplit(path).path
            self._counts[key] += 1
            return self._counts[key]

    def begin(self, user_agent: str) -> None:
        """A request arrived: one more in flight."""
        self.meter.begin()
        with self._lock:
            self._agents[user_agent] += 1

    def end(self) -> None:
        """A response was written (or the client went away): one fewer in flight."""
        self.meter.end()

    @property
    def peak_in_flight(self) -> int:
        """The most requests in flight at one moment since start (or `clear_log`), on this server or on
        every server sharing its Meter."""
        return self.meter.peak

    @property
    def user_agents(self) -> Counter[str]:
        """User-Agent header values seen, with how many requests sent each."""
        with self._lock:
            return Counter(self._agents)

    @property
    def requests(self) -> list[str]:
        """Every requested path (with query string), in arrival order."""
        with self._lock:
            return list(self._requests)

    def count(self, path: str) -> int:
        """How many times exactly this path (with query string, if given) was requested."""
        return self.requests.count(path)

    def clear_log(self) -> None:
        """Forget recorded requests, per-path counters, the peak of requests in flight and the User-Agents."""
        with self._lock:
            self._requests.clear()
            self._counts.clear()
            self._agents.clear()
        self.meter.reset()

    def start(self) -> Self:
        # a short poll interval: stop() returns within 0.05 s instead of 0.5 s (tests start many servers)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="localsite", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
