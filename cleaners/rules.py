"""The outlet registry: loading, validating and matching the files in `cleaners/rules/`.

Each `*.toml` file describes one outlet (matched by domain, subdomains included) or one profile (matched
by a page signal such as a WordPress generator tag); `_generic.toml` holds the rules that apply to every
page. An outlet's file holds both its cleaning rules and its crawl profile (`[crawl]`, parsed by
cleaners/crawl_profile.py), and `RuleRegistry.for_url` is the one domain match of cleaning and crawling
alike. Selectors are CSS (compiled to XPath once, at load time), text rules are regexes applied to whole
paragraphs. A broken file fails loudly, naming the file, instead of silently cleaning less.

A file holds: `domains` (outlets) or `[detect]` (profiles: CSS selectors, any match applies the file);
`[body]` article containers, most specific file first (every match of every selector is a candidate, and
each is validated against the page before it is believed: cleaners/choice.py); `[drop]` selectors pruned
before extraction; `[drop_tokens]` class/id token prefixes pruned the same way (a token that starts with
a prefix: `baca-juga` matches `baca-juga-box` and `baca-juga__list`, never `category-baca-juga`); the
generic file matches classes by whole tokens only (no `*=`, `^=`, `$=` on class or id), because a
substring of a class name is not evidence (`category-newsletter` on a WordPress `<article>`,
`has-caption` on a wrapper);
`[lines.drop|stop|tail|signoff|dateline]` case-insensitive regexes (named groups `editor`/`authors` in drop
and tail rules become metadata); `[meta]` result field -> CSS selectors read from the page's own tags
(`content`, `datetime` or text); `single_page`, the query that shows a multi-page article whole; and
`evidence`, where each rule and source comes from; `[crawl]`, where the outlet announces its articles
(sitemaps, feeds, index pages) and what its article URLs look like. `name`, if given, equals the file stem.
See cleaners/rules/README.md.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from cssselect import GenericTranslator, SelectorError, parse
from cssselect.parser import Attrib
from lxml import etree

from .crawl_profile import CrawlProfile, parse_crawl
from .result import RECORD_FIELDS

logger = logging.getLogger(__name__)

RULES_DIR = Path(__file__).with_name("rules")
GENERIC_NAME = "_generic"

_TRANSLATOR = GenericTranslator()
_LINE_SECTIONS = ("drop", "stop", "tail", "dateline", "signoff")
_TOP_KEYS = {
    "name",
    "domains",
    "detect",
    "description",
    "body",
    "drop",
    "drop_tokens",
    "lines",
    "meta",
    "single_page",
    "evidence",
    "crawl",
}
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$|^127\.0\.0\.1$|^localhost$")
_SINGLE_PAGE = re.compile(r"^[A-Za-z0-9_.-]+=[A-Za-z0-9_.-]*$")
#: Result fields an outlet's `[meta]` table may fill from its own tags (e.g. detik's `dtk:publishdate`): every
#: record field except those the cleaner itself computes.
META_FIELDS = frozenset(RECORD_FIELDS) - {
    "status",
    "error",
    "url",
    "canonical_url",
    "text",
    "dateline",
    "word_count",
    "outlet",
    "removed",
}


class RulesError(ValueError):
    """An outlet file is malformed (bad TOML, selector, regex or URL; a domain claimed twice), or unknown."""


@dataclass(frozen=True, slots=True)
class Selector:
    """A named CSS selector compiled to XPath."""

    name: str
    css: str
    xpath: etree.XPath


@dataclass(frozen=True, slots=True)
class TokenRule:
    """Class/id token prefixes, named: an element is dropped when one of its tokens starts with a prefix."""

    name: str
    prefixes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LinePattern:
    """A named regex matched against a whole paragraph."""

    name: str
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class SiteRules:
    """The rules of one file. Empty tuples mean "nothing to add to the generic rules"."""

    name: str
    path: Path
    domains: tuple[str, ...] = ()
    detect: tuple[Selector, ...] = ()
    body: tuple[Selector, ...] = ()
    drop: tuple[Selector, ...] = ()
    drop_tokens: tuple[TokenRule, ...] = ()
    drop_lines: tuple[LinePattern, ...] = ()
    stop_lines: tuple[LinePattern, ...] = ()
    tail_lines: tuple[LinePattern, ...] = ()
    dateline_lines: tuple[LinePattern, ...] = ()
    signoff_lines: tuple[LinePattern, ...] = ()
    meta: tuple[tuple[str, tuple[Selector, ...]], ...] = ()
    single_page: str | None = None
    #: The `[crawl]` table: None when the file has none (it cleans, but cannot be crawled by name).
    crawl: CrawlProfile | None = None

    @property
    def is_profile(self) -> bool:
        return bool(self.detect)


@dataclass(frozen=True)
class RuleSet:
    """The rules that apply to one page: generic first, then profiles, then the outlet's own.

    Each chain is computed once (`cached_property`): cleaning reads them for every paragraph of every page,
    and one rule set serves every page of its outlet (RuleRegistry caches them).
    """

    parts: tuple[SiteRules, ...] = field(default_factory=tuple)

    @cached_property
    def outlet(self) -> str | None:
        named = [p.name for p in self.parts if p.name != GENERIC_NAME]
        return named[-1] if named else None

    def _chain(self, attr: str) -> tuple:
        return tuple(item for part in self.parts for item in getattr(part, attr))

    @cached_property
    def body(self) -> tuple[Selector, ...]:
        # the most specific container wins: outlet rules before profile rules before generic ones
        return tuple(item for part in reversed(self.parts) for item in part.body)

    @cached_property
    def drop(self) -> tuple[Selector, ...]:
        return self._chain("drop")

    @cached_property
    def drop_tokens(self) -> tuple[TokenRule, ...]:
        return self._chain("drop_tokens")

    @cached_property
    def drop_lines(self) -> tuple[LinePattern, ...]:
        return self._chain("drop_lines")

    @cached_property
    def stop_lines(self) -> tuple[LinePattern, ...]:
        return self._chain("stop_lines")

    @cached_property
    def tail_lines(self) -> tuple[LinePattern, ...]:
        return self._chain("tail_lines")

    @cached_property
    def dateline_lines(self) -> tuple[LinePattern, ...]:
        return self._chain("dateline_lines")

    @cached_property
    def signoff_lines(self) -> tuple[LinePattern, ...]:
        return self._chain("signoff_lines")

    @cached_property
    def meta(self) -> tuple[tuple[str, tuple[Selector, ...]], ...]:
        # the outlet's own tags first: they are the most specific source
        return tuple(item for part in reversed(self.parts) for item in part.meta)

    @cached_property
    def single_page(self) -> str | None:
        found = [part.single_page for part in self.parts if part.single_page]
        return found[-1] if found else None


def _compile_css(path: Path, section: str, name: str, css: object) -> Selector:
    if not isinstance(css, str) or not css.strip():
        raise RulesError(f"{path}: [{section}] {name!r} must be a non-empty CSS selector string")
    try:
        xpath_src = _TRANSLATOR.css_to_xpath(css)
        return Selector(f"{path.stem}:{name}", css, etree.XPath(xpath_src))
    except (SelectorError, etree.XPathError) as exc:
        raise RulesError(f"{path}: [{section}] {name!r}: bad CSS selector {css!r}: {exc}") from exc


_TOKEN = re.compile(r"[A-Za-z][\w-]*")
#: Attribute operators that match part of a class or id: not allowed in the generic file.
_SUBSTRING_OPERATORS = ("*=", "^=", "$=")


def _compile_tokens(path: Path, data: dict) -> tuple[TokenRule, ...]:
    rules = []
    for name, prefixes in _table(path, data, "drop_tokens").items():
        if isinstance(prefixes, str):
            prefixes = [prefixes]
        if not isinstance(prefixes, list) or not prefixes:
            raise RulesError(f"{path}: [drop_tokens] {name!r} must be a class/id token or a list of them")
        for prefix in prefixes:
            if not isinstance(prefix, str) or not _TOKEN.fullmatch(prefix):
                raise RulesError(f"{path}: [drop_tokens] {name!r}: {prefix!r} is not a class or id token")
        rules.append(TokenRule(f"{path.stem}:{name}", tuple(prefixes)))
    return tuple(rules)


def _check_whole_tokens(path: Path, selector: Selector) -> None:
    """Generic selectors must not match part of a class or id (see the module docstring)."""
    for branch in parse(selector.css):
        stack: list[object] = [branch.parsed_tree]
        while stack:
            node = stack.pop()
            is_class = isinstance(node, Attrib) and node.attrib.lower() in ("class", "id")
            if is_class and node.operator in _SUBSTRING_OPERATORS:  # type: ignore[union-attr]
                raise RulesError(
                    f"{path}: [drop] {selector.name!r}: generic rules match whole class/id tokens; "
                    f"use .name, [{node.attrib}~=name] or [drop_tokens] instead of {node.operator}"  # type: ignore[union-attr]
                )
            stack.extend(
                child
                for attr in ("selector", "subselector")
                if (child := getattr(node, attr, None)) is not None
            )
            stack.extend(getattr(node, "selector_list", None) or ())


def _compile_regex(path: Path, section: str, name: str, pattern: object) -> LinePattern:
    if not isinstance(pattern, str) or not pattern:
        raise RulesError(f"{path}: [lines.{section}] {name!r} must be a non-empty regex string")
    try:
        return LinePattern(f"{path.stem}:{name}", re.compile(pattern, re.IGNORECASE))
    except re.error as exc:
        raise RulesError(f"{path}: [lines.{section}] {name!r}: bad regex {pattern!r}: {exc}") from exc


def _compile_meta(path: Path, data: dict) -> tuple[tuple[str, tuple[Selector, ...]], ...]:
    """`[meta]`: result field -> CSS selectors; the element gives `content`, `datetime` or its text."""
    table = _table(path, data, "meta")
    compiled = []
    for name, selectors in table.items():
        if name not in META_FIELDS:
            raise RulesError(f"{path}: [meta] {name!r} is not a result field; allowed: {sorted(META_FIELDS)}")
        if isinstance(selectors, str):
            selectors = [selectors]
        if not isinstance(selectors, list) or not selectors:
            raise RulesError(f"{path}: [meta] {name!r} must be a CSS selector or a list of them")
        compiled.append((name, tuple(_compile_css(path, "meta", name, css) for css in selectors)))
    return tuple(compiled)


def _table(path: Path, data: dict, key: str) -> dict[str, object]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise RulesError(f"{path}: [{key}] must be a table of name = value pairs")
    return value


def parse_rules_file(path: Path) -> SiteRules:
    """Load and validate one rule file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"{path}: cannot read rules: {exc}") from exc
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise RulesError(f"{path}: unknown keys {sorted(unknown)}; allowed: {sorted(_TOP_KEYS)}")
    name = data.get("name", path.stem)
    if name != path.stem:
        raise RulesError(f"{path}: 'name' must equal the file name stem {path.stem!r}, got {name!r}")
    domains = _domains(path, data)
    lines = _table(path, data, "lines")
    unknown_lines = set(lines) - set(_LINE_SECTIONS)
    if unknown_lines:
        raise RulesError(f"{path}: unknown [lines.*] sections {sorted(unknown_lines)}")
    compiled_lines: dict[str, tuple[LinePattern, ...]] = {}
    for section in _LINE_SECTIONS:
        table = lines.get(section, {})
        if not isinstance(table, dict):
            raise RulesError(f"{path}: [lines.{section}] must be a table of name = regex pairs")
        compiled_lines[section] = tuple(_compile_regex(path, section, n, p) for n, p in table.items())
    detect = data.get("detect", {})
    if not isinstance(detect, dict):
        raise RulesError(f"{path}: [detect] must be a table of name = CSS selector pairs")
    single_page = data.get("single_page")
    if single_page is not None and (not isinstance(single_page, str) or not _SINGLE_PAGE.match(single_page)):
        raise RulesError(f"{path}: 'single_page' must be a query like \"page=all\", got {single_page!r}")
    if not isinstance(data.get("evidence", ""), str):
        raise RulesError(f"{path}: 'evidence' must be a string")
    crawl = None
    if "crawl" in data:
        try:
            crawl = parse_crawl(data["crawl"], domains)
        except ValueError as exc:
            raise RulesError(f"{path}: {exc}") from None
    drop = tuple(_compile_css(path, "drop", n, c) for n, c in _table(path, data, "drop").items())
    if path.stem == GENERIC_NAME:
        for selector in drop:
            _check_whole_tokens(path, selector)
    return SiteRules(
        name=name,
        path=path,
        domains=domains,
        detect=tuple(_compile_css(path, "detect", n, c) for n, c in detect.items()),
        body=tuple(_compile_css(path, "body", n, c) for n, c in _table(path, data, "body").items()),
        drop=drop,
        drop_tokens=_compile_tokens(path, data),
        drop_lines=compiled_lines["drop"],
        stop_lines=compiled_lines["stop"],
        tail_lines=compiled_lines["tail"],
        dateline_lines=compiled_lines["dateline"],
        signoff_lines=compiled_lines["signoff"],
        meta=_compile_meta(path, data),
        single_page=single_page,
        crawl=crawl,
    )


def _domains(path: Path, data: dict) -> tuple[str, ...]:
    domains = data.get("domains", [])
    if not isinstance(domains, list) or not all(isinstance(d, str) and d for d in domains):
        raise RulesError(f"{path}: 'domains' must be a list of domain names")
    normalised = tuple(d.strip().lower().lstrip(".") for d in domains)
    for domain in normalised:
        if not _DOMAIN.match(domain):
            raise RulesError(f"{path}: {domain!r} is not a domain name")
    return normalised


class RuleRegistry:
    """All rule files of a directory, indexed by domain."""

    def __init__(self, rules: Iterable[SiteRules]) -> None:
        self.generic: SiteRules | None = None
        self.profiles: list[SiteRules] = []
        self.outlets: dict[str, SiteRules] = {}
        self._by_domain: dict[str, SiteRules] = {}
        self._rulesets: dict[tuple[int, ...], RuleSet] = {}
        self._generic_only: RuleRegistry | None = None
        for rule in rules:
            if rule.path.stem == GENERIC_NAME:
                self.generic = rule
                continue
            if rule.name in self.outlets or any(p.name == rule.name for p in self.profiles):
                raise RulesError(f"{rule.path}: rules name {rule.name!r} is used by another file")
            if rule.is_profile:
                self.profiles.append(rule)
            if rule.domains:
                self.outlets[rule.name] = rule
            elif not rule.is_profile:
                raise RulesError(f"{rule.path}: a rules file needs 'domains' or a [detect] table")
            for domain in rule.domains:
                other = self._by_domain.get(domain)
                if other is not None:
                    raise RulesError(f"{rule.path}: domain {domain!r} is already claimed by {other.path}")
                self._by_domain[domain] = rule

    @classmethod
    def load(cls, directory: Path = RULES_DIR) -> RuleRegistry:
        files = sorted(directory.glob("*.toml"))
        if not files:
            raise RulesError(f"{directory}: no rule files (*.toml) found")
        return cls(parse_rules_file(path) for path in files)

    def for_domain(self, host: str | None) -> SiteRules | None:
        """The outlet whose domain is `host` or a parent of it (longest match wins)."""
        if not host:
            return None
        labels = host.lower().rstrip(".").split(".")
        for start in range(len(labels) - 1):
            rule = self._by_domain.get(".".join(labels[start:]))
            if rule is not None:
                return rule
        return None

    def for_url(self, url: str | None) -> SiteRules | None:
        if not url:
            return None
        host = urlsplit(url if "//" in url else f"//{url}").hostname
        return self.for_domain(host)

    def ruleset(self, url: str | None, tree: etree._Element | None = None) -> RuleSet:
        """Generic rules, plus any profile whose signal the page shows, plus the outlet's rules."""
        parts: list[SiteRules] = [self.generic] if self.generic else []
        if tree is not None:
            parts.extend(p for p in self.profiles if not p.domains and _detected(p, tree))
        site = self.for_url(url)
        if site is not None:
            parts.append(site)
        key = tuple(id(part) for part in parts)
        ruleset = self._rulesets.get(key)
        if ruleset is None:
            ruleset = self._rulesets[key] = RuleSet(tuple(parts))
        return ruleset

    def __iter__(self) -> Iterator[SiteRules]:
        yield from self.outlets.values()

    def all_files(self) -> list[SiteRules]:
        """Every rule file: the generic one, the profiles, the outlets."""
        files = [self.generic] if self.generic else []
        return files + self.profiles + [o for o in self.outlets.values() if o not in self.profiles]

    def generic_only(self) -> RuleRegistry:
        """The same registry with the generic rules alone ("rules off"), as for an unknown site (built once:
        `eval --rules off` asks for it on every page)."""
        if self._generic_only is None:
            self._generic_only = RuleRegistry([self.generic] if self.generic else [])
        return self._generic_only

    def without_body(self, selector_names: Collection[str]) -> RuleRegistry:
        """The same registry with the named `[body]` selectors removed (leave-one-template-out)."""
        return RuleRegistry(
            replace(rule, body=tuple(s for s in rule.body if s.name not in selector_names))
            for rule in self.all_files()
        )


def _detected(profile: SiteRules, tree: etree._Element) -> bool:
    return any(bool(sel.xpath(tree)) for sel in profile.detect)


@lru_cache(maxsize=4)
def default_registry(directory: Path = RULES_DIR) -> RuleRegistry:
    """The registry of the packaged rule files, loaded once per process."""
    registry = RuleRegistry.load(directory)
    logger.debug("loaded %d outlet rule files from %s", len(registry.outlets), directory)
    return registry
