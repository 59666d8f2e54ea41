"""The spiders: sitemaps, feeds, link crawls and outlet profiles. They fetch; they never clean."""

from __future__ import annotations
