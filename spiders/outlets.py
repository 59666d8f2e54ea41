"""The outlets a crawl can name: entries of the one outlet registry (`cleaners.rules`), or a file of your own.

An outlet is one file, `cleaners/rules/<outlet>.toml`: its cleaning rules and its `[crawl]` profile, loaded
and validated by `cleaners/rules.py` and matched by its one domain function (`RuleRegistry.for_url`), which
picks the outlet of a URL for the cleaner and the spiders alike. This module only adds what naming an
outlet for a crawl needs: a name or a path, and a clear error when the outlet cannot be crawled.
"""

from __future__ import annotations

from pathlib import Path

from cleaners.rules import RulesError, SiteRules, default_registry, parse_rules_file


def crawlable() -> dict[str, SiteRules]:
    """The packaged outlets that have a `[crawl]` table, by name."""
    return {name: site for name, site in default_registry().outlets.items() if site.crawl is not None}


def outlet_for_url(url: str) -> SiteRules | None:
    """The packaged outlet whose domains cover this URL's host (the longest matching domain wins)."""
    return default_registry().for_url(url)


def get_outlet(name_or_path: str) -> SiteRules:
    """A packaged outlet by name, or an outlet file by path, that can be crawled; RulesError if not."""
    if name_or_path.endswith(".toml"):
        path = Path(name_or_path)
        if not path.is_file():
            raise RulesError(f"{path}: outlet file not found")
        site = parse_rules_file(path)
        if not site.domains:
            raise RulesError(f"{path}: an outlet file needs 'domains' (the crawl stays on them)")
    else:
        found = default_registry().outlets.get(name_or_path)
        if found is None:
            raise RulesError(f"unknown outlet {name_or_path!r}; known: {', '.join(sorted(crawlable()))}")
        site = found
    if site.crawl is None:
        raise RulesError(
            f"{site.path}: no [crawl] table: say where the outlet announces its articles "
            "(sitemaps, feeds or index_pages)"
        )
    return site
