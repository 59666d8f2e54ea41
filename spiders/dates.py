"""Dates announced by sitemaps and feeds, and the `since`/`until` window applied before requesting."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime

_URL_DATE = re.compile(r"/(20\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?=[/-])")


def parse_date(value: str | None) -> datetime | None:
    """ISO 8601 (sitemaps, Atom) or RFC 822 (RSS) text to a datetime; None when absent or unreadable.

    Naive values keep no zone: the window compares calendar dates as the outlet wrote them.
    """
    if not value or not (text := value.strip()):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def parse_bound(value: str | date | None, *, end: bool = False) -> datetime | date | None:
    """A `since`/`until` argument: a date (a whole day) or an ISO datetime; ValueError if unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        which = "until" if end else "since"
        raise ValueError(f"{which}: expected an ISO date such as 2026-11-01, got {value!r}") from None


def url_date(url: str) -> date | None:
    """The publication date many news URLs carry (/read/2026/11/20/..., /20261120/...), if any."""
    match = _URL_DATE.search(url)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class DateWindow:
    """Inclusive window; date bounds compare the article's own calendar date, datetime bounds the instant."""

    since: datetime | date | None = None
    until: datetime | date | None = None

    @classmethod
    def from_args(cls, since: str | date | None, until: str | date | None) -> DateWindow:
        window = cls(parse_bound(since), parse_bound(until, end=True))
        if window.since and window.until and _start(window.since) > _end(window.until):
            raise ValueError(f"since ({since}) is after until ({until})")
        return window

    @property
    def active(self) -> bool:
        return self.since is not None or self.until is not None

    def contains(self, when: datetime | date | None) -> bool:
        """True when `when` is inside the window; an unknown date is kept (we cannot tell)."""
        if when is None or not self.active:
            return True
        return self._after_since(when) and self._before_until(when)

    def may_contain_since(self, last_modified: datetime | date | None) -> bool:
        """False for a sitemap last modified before `since`: it cannot hold anything newer."""
        return last_modified is None or self.since is None or self._after_since(last_modified)

    def _after_since(self, when: datetime | date) -> bool:
        if self.since is None:
            return True
        if isinstance(self.since, datetime):
            return (_aware(when) if isinstance(when, datetime) else _end(when)) >= _aware(self.since)
        return _as_day(when) >= self.since

    def _before_until(self, when: datetime | date) -> bool:
        if self.until is None:
            return True
        if isinstance(self.until, datetime):
            return _start(when) <= _aware(self.until)
        return _as_day(when) <= self.until


def _as_day(when: datetime | date) -> date:
    return when.date() if isinstance(when, datetime) else when


def _start(bound: datetime | date) -> datetime:
    return _aware(bound) if isinstance(bound, datetime) else datetime.combine(bound, time(), UTC)


def _end(bound: datetime | date) -> datetime:
    return _aware(bound) if isinstance(bound, datetime) else datetime.combine(bound, time.max, UTC)


def iso(when: datetime | date | None) -> str | None:
    return when.isoformat() if when is not None else None
