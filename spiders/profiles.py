"""Outlet crawl profiles: where an outlet announces its articles and what its article URLs look like.

One TOML file per outlet in spiders/profiles/ (named like its cleaning rules in cleaners/rules/), validated on
load with errors that name the file. Site knowledge for crawling lives here as data, never in spider code.

    name = "kompas"                      # = file stem = cleaners/rules/kompas.toml
    domains = ["kompas.com"]             # subdomains included; the crawl stays on these
    sitemaps = ["https://..."]           # sitemap or sitemap index URLs
    feeds = ["https://..."]              # RSS/Atom feed URLs
    index_pages = ["https://..."]        # listing pages to crawl links from (depth-limited)
    article_patterns = ['/read/\\d{4}/'] # regexes on path+query; articles match one (default: generic shapes)
    exclude_patterns = ['/tag/']         # regexes on path+query never requested
    single_page = "page=all"             # query that shows a multi-page article on one page
    evidence = "..."                     # where the facts come from
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"
_LIST_KEYS = ("domains", "sitemaps", "feeds", "index_pages", "article_patterns", "exclude_patterns")
_KEYS = {"name", "single_page", "evidence", *_LIST_KEYS}
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$|^127\.0\.0\.1$|^localhost$")
_SINGLE_PAGE = re.compile(r"^[A-Za-z0-9_.-]+=[A-Za-z0-9_.-]*$")


class ProfileError(ValueError):
    """A crawl profile file is invalid; the message names the file."""


@dataclass(frozen=True)
class Profile:
    name: str
    domains: tuple[str, ...]
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    index_pages: tuple[str, ...] = ()
    article_patterns: tuple[re.Pattern[str], ...] = ()
    exclude_patterns: tuple[re.Pattern[str], ...] = ()
    single_page: str | None = None
    path: Path | None = None

    def owns(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.domains)


def _str_list(data: dict, key: str, where: Path) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ProfileError(f"{where}: '{key}' must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _urls(data: dict, key: str, where: Path) -> tuple[str, ...]:
    urls = _str_list(data, key, where)
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ProfileError(f"{where}: '{key}' has {url!r}, not an http(s) URL")
    return urls


def _patterns(data: dict, key: str, where: Path) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for text in _str_list(data, key, where):
        try:
            compiled.append(re.compile(text))
        except re.error as exc:
            raise ProfileError(f"{where}: '{key}' has a bad regex {text!r}: {exc}") from None
    return tuple(compiled)


def parse_profile(data: dict, where: Path) -> Profile:
    """Validate one profile's TOML data; raises ProfileError naming `where`."""
    unknown = set(data) - _KEYS
    if unknown:
        raise ProfileError(f"{where}: unknown keys {sorted(unknown)} (allowed: {sorted(_KEYS)})")
    name = data.get("name", where.stem)
    if not isinstance(name, str) or name != where.stem:
        raise ProfileError(f"{where}: 'name' must equal the file name stem {where.stem!r}, got {name!r}")
    domains = tuple(d.lower().lstrip(".") for d in _str_list(data, "domains", where))
    if not domains:
        raise ProfileError(f"{where}: 'domains' must list at least one domain")
    for domain in domains:
        if not _DOMAIN.match(domain):
            raise ProfileError(f"{where}: {domain!r} is not a domain name")
    single_page = data.get("single_page")
    if single_page is not None and (not isinstance(single_page, str) or not _SINGLE_PAGE.match(single_page)):
        raise ProfileError(f"{where}: 'single_page' must be a query like \"page=all\", got {single_page!r}")
    if not isinstance(data.get("evidence", ""), str):
        raise ProfileError(f"{where}: 'evidence' must be a string")
    profile = Profile(
        name=name,
        domains=domains,
        sitemaps=_urls(data, "sitemaps", where),
        feeds=_urls(data, "feeds", where),
        index_pages=_urls(data, "index_pages", where),
        article_patterns=_patterns(data, "article_patterns", where),
        exclude_patterns=_patterns(data, "exclude_patterns", where),
        single_page=single_page,
        path=where,
    )
    if not (profile.sitemaps or profile.feeds or profile.index_pages):
        raise ProfileError(f"{where}: needs at least one of 'sitemaps', 'feeds', 'index_pages'")
    for url in (*profile.sitemaps, *profile.feeds, *profile.index_pages):
        if not profile.owns(url):
            raise ProfileError(f"{where}: {url!r} is outside the profile's domains {list(domains)}")
    return profile


def load_profile_file(path: str | Path) -> Profile:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: invalid TOML: {exc}") from None
    return parse_profile(data, path)


def load_profiles(directory: Path = PROFILE_DIR) -> dict[str, Profile]:
    """Every profile in `directory`, by name; a domain claimed twice is an error naming both files."""
    profiles: dict[str, Profile] = {}
    owners: dict[str, Path] = {}
    for path in sorted(directory.glob("*.toml")):
        profile = load_profile_file(path)
        for domain in profile.domains:
            if domain in owners:
                raise ProfileError(f"{path}: domain {domain!r} is already claimed by {owners[domain]}")
            owners[domain] = path
        profiles[profile.name] = profile
    return profiles


@cache
def bundled_profiles() -> dict[str, Profile]:
    """The profiles shipped in spiders/profiles/, loaded once."""
    return load_profiles(PROFILE_DIR)


def profile_for_url(url: str) -> Profile | None:
    """The bundled profile whose domains cover this URL's host (the longest matching domain wins)."""
    host = (urlsplit(url).hostname or "").lower()
    best: tuple[int, Profile] | None = None
    for profile in bundled_profiles().values():
        for domain in profile.domains:
            if (host == domain or host.endswith("." + domain)) and (best is None or len(domain) > best[0]):
                best = (len(domain), profile)
    return best[1] if best else None


def get_profile(name_or_path: str) -> Profile:
    """A bundled profile by name, or a profile file by path; ProfileError listing known names otherwise."""
    if name_or_path.endswith(".toml"):
        return load_profile_file(name_or_path)
    profiles = bundled_profiles()
    if name_or_path not in profiles:
        raise ProfileError(f"unknown outlet {name_or_path!r}; known: {', '.join(sorted(profiles))}")
    return profiles[name_or_path]
