"""Pruning the page tree by rule selectors, so that rules can only remove boilerplate, never the article.

Speed: most drop selectors are plain element tests (`.baca-juga`, `ins.adsbygoogle`, `#box_fly`). Run as
XPath one by one they cost about half a millisecond each on a big page (and one XPath OR-ing a hundred
`contains()` tests is slower still: libxml2 evaluates them one by one on every element). Here they become
Python tests behind one regex over each element's class and id strings, each distinct string searched once;
selectors with combinators or `:has()` still run as XPath.

Safety: a rule written for one page can match something else on the next page (a modifier class on the
article's wrapper, a teaser card's class on the article). Pruning therefore never removes a protected
element (an ancestor of a body candidate or of the headline, passed in by the caller) nor an element that
holds a large share of the page's paragraph text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

from cssselect import SelectorError, parse
from cssselect.parser import Attrib, Class, Element, Hash, Negation
from lxml import etree

from .dom import block_text, remove_element, text_length
from .result import Removed
from .rules import Selector, TokenRule

logger = logging.getLogger(__name__)

Test = Callable[[etree._Element], bool]
_KEEP = ("html", "body")
#: An element holding at least this share of the page's paragraph text is the article (or holds it).
ARTICLE_SHARE = 0.4
#: ...when that is at least this many characters: on a page with hardly any paragraphs nothing is protected.
ARTICLE_MIN_CHARS = 400


@dataclass(frozen=True, slots=True)
class _Simple:
    """A selector branch as a Python test, plus what an element must show to be worth testing."""

    name: str
    test: Test
    keys: tuple[str, ...] = ()  # substrings of class/id, one of which a match must contain
    tags: tuple[str, ...] = ()  # tags a match must have, when the branch names no class or id
    attrs: tuple[str, ...] = ()  # attributes a match must carry, when it names neither
    anything: bool = False  # none of these: every element is a candidate


@dataclass(slots=True)
class _Needs:
    keys: list[str]
    tags: list[str]
    attrs: list[str]


def _attrib_test(name: str, operator: str, value: str | None) -> Test:
    def get(element: etree._Element) -> str | None:
        return element.get(name)

    if operator == "exists":
        return lambda e: get(e) is not None
    assert value is not None
    checks: dict[str, Callable[[str], bool]] = {
        "=": lambda v: v == value,
        "!=": lambda v: v != value,
        "~=": lambda v: value in v.split(),
        "^=": lambda v: bool(value) and v.startswith(value),
        "$=": lambda v: bool(value) and v.endswith(value),
        "*=": lambda v: bool(value) and value in v,
        "|=": lambda v: v == value or v.startswith(value + "-"),
    }
    check = checks[operator]
    return lambda e: (v := get(e)) is not None and check(v)


def _compile(node: object, needs: _Needs) -> Test:
    """A Python test for a parsed compound selector; raises ValueError for what it cannot express."""
    if isinstance(node, Element):
        tag = node.element
        if not tag or tag == "*":
            return lambda e: True
        tag = tag.lower()
        needs.tags.append(tag)
        return lambda e: e.tag == tag
    if isinstance(node, Class):
        inner = _compile(node.selector, needs)
        needs.keys.append(node.class_name)
        return lambda e, c=node.class_name: c in (e.get("class") or "").split() and inner(e)
    if isinstance(node, Hash):
        inner = _compile(node.selector, needs)
        needs.keys.append(node.id)
        return lambda e, i=node.id: e.get("id") == i and inner(e)
    if isinstance(node, Attrib):
        if node.namespace:
            raise ValueError("namespaced attribute")
        inner = _compile(node.selector, needs)
        value = node.value.value if node.value is not None else None
        name = node.attrib.lower()
        if name in ("class", "id"):
            if value and node.operator not in ("!=", "exists"):
                needs.keys.append(value)
        elif node.operator != "!=" and re.fullmatch(r"[a-z][\w-]*", name):
            needs.attrs.append(name)
        test = _attrib_test(name, node.operator, value)
        return lambda e: test(e) and inner(e)
    if isinstance(node, Negation):
        inner = _compile(node.selector, needs)
        negated = _compile(node.subselector, _Needs([], [], []))
        return lambda e: inner(e) and not negated(e)
    raise ValueError(f"unsupported selector part {type(node).__name__}")


@lru_cache(maxsize=2048)
def _simple(selector: Selector) -> tuple[_Simple, ...] | None:
    """One `_Simple` per comma branch, or None when some branch needs XPath."""
    try:
        branches = parse(selector.css)
    except SelectorError:
        return None
    out = []
    for branch in branches:
        if branch.pseudo_element:
            return None
        needs = _Needs([], [], [])
        try:
            test = _compile(branch.parsed_tree, needs)
        except (ValueError, KeyError):
            return None
        # a class or id key is the sharpest filter: `div.video` must not make every div a candidate
        if needs.keys:
            out.append(_Simple(selector.name, test, keys=tuple(needs.keys[:1])))
        elif needs.attrs:
            out.append(_Simple(selector.name, test, attrs=tuple(needs.attrs[:1])))
        elif needs.tags:
            out.append(_Simple(selector.name, test, tags=tuple(needs.tags[:1])))
        else:
            out.append(_Simple(selector.name, test, anything=True))
    return tuple(out)


def _token_test(rule: TokenRule) -> Test:
    prefixes = rule.prefixes

    def test(element: etree._Element) -> bool:
        ident = element.get("id")
        if ident and ident.startswith(prefixes):
            return True
        classes = element.get("class")
        return bool(classes) and any(token.startswith(prefixes) for token in classes.split())

    return test


@dataclass(frozen=True, slots=True)
class _Plan:
    simple: tuple[_Simple, ...]
    key_regex: re.Pattern[str] | None
    tags: frozenset[str]
    attrs: tuple[str, ...]
    anything: bool
    xpath: tuple[Selector, ...]
    #: The elements worth a closer look, found in C: those with a class or id, a plain tag or attribute.
    prefilter: etree.XPath


@lru_cache(maxsize=256)
def _plan(selectors: tuple[Selector, ...], tokens: tuple[TokenRule, ...] = ()) -> _Plan:
    simple: list[_Simple] = []
    xpath: list[Selector] = []
    for selector in selectors:
        compiled = _simple(selector)
        if compiled is None:
            xpath.append(selector)
        else:
            simple.extend(compiled)
    simple.extend(_Simple(rule.name, _token_test(rule), keys=rule.prefixes) for rule in tokens)
    keys = sorted({k for s in simple for k in s.keys}, key=len, reverse=True)
    regex = re.compile("|".join(re.escape(k) for k in keys)) if keys else None
    tags = frozenset(t for s in simple for t in s.tags)
    attrs = tuple(sorted({a for s in simple for a in s.attrs}))
    anything = any(s.anything for s in simple)
    tests = [
        "@class",
        "@id",
        *(f"self::{t}" for t in sorted(tags) if re.fullmatch(r"[a-z][a-z0-9]*", t)),
        *(f"@{a}" for a in attrs),
    ]
    prefilter = etree.XPath(
        "descendant-or-self::*" if anything else f"descendant-or-self::*[{' or '.join(tests)}]"
    )
    return _Plan(tuple(simple), regex, tags, attrs, anything, tuple(xpath), prefilter)


def _candidates(tree: etree._Element, plan: _Plan) -> list[tuple[etree._Element, str]]:
    found: list[tuple[etree._Element, str]] = []
    if not plan.simple:
        return found
    tags, attrs = plan.tags, plan.attrs
    search = plan.key_regex.search if plan.key_regex is not None else None
    seen: dict[str | None, bool] = {None: False}  # pages repeat the same class strings: search each once
    for element in plan.prefilter(tree):
        if (
            not plan.anything
            and element.tag not in tags
            and not (attrs and any(element.get(a) is not None for a in attrs))
        ):
            if search is None:
                continue
            marks = element.get("class")
            hit = seen.get(marks)
            if hit is None:
                hit = seen[marks] = search(marks) is not None
            if not hit:
                ident = element.get("id")
                hit = seen.get(ident)
                if hit is None:
                    hit = seen[ident] = search(ident) is not None
                if not hit:
                    continue
        for simple in plan.simple:
            if simple.test(element):
                found.append((element, simple.name))
                break
    return found


class _Guard:
    """Decides whether an element may go: never a protected element, never the holder of the article."""

    def __init__(self, tree: etree._Element, protected: Collection[etree._Element]) -> None:
        self.tree = tree
        self.protected = protected
        self._page_chars: int | None = None
        self._readable: int | None = None

    def page_chars(self) -> int:
        if self._page_chars is None:
            self._page_chars = _paragraph_chars(self.tree)
        return self._page_chars

    def readable_chars(self) -> int:
        if self._readable is None:
            self._readable = _readable_chars(self.tree)
        return self._readable

    def holds_the_page(self, elements: list[etree._Element], rule: str) -> bool:
        """True when the rule's matches together hold a large share of the page's readable text."""
        if sum(text_length(e) for e in elements) < ARTICLE_MIN_CHARS:  # an upper bound, in C
            return False
        total = 0
        for element in elements:
            total += _readable_chars(element)
            if total >= ARTICLE_MIN_CHARS and total >= ARTICLE_SHARE * self.readable_chars():
                logger.debug(
                    "%s matches %d elements holding most of the page's text; skipped", rule, len(elements)
                )
                return True
        return False

    def allows(self, element: etree._Element, rule: str) -> bool:
        if element in self.protected:
            logger.debug("%s matched a body candidate or an ancestor of one; kept", rule)
            return False
        if text_length(element) < ARTICLE_MIN_CHARS:  # an upper bound, in C
            return True
        chars = _paragraph_chars(element)
        if chars >= ARTICLE_MIN_CHARS and chars >= ARTICLE_SHARE * self.page_chars():
            logger.debug("%s matched an element holding %d characters of paragraphs; kept", rule, chars)
            return False
        return True


def _readable_chars(element: etree._Element) -> int:
    """Characters of the element's text outside links (computed in C, links subtracted one by one)."""
    total = text_length(element)
    if total == 0:
        return 0
    links = sum(text_length(a) for a in element.iter("a"))
    return max(0, total - links)


def _paragraph_chars(element: etree._Element) -> int:
    return sum(len(p.text_content()) for p in element.iter("p"))


def prune(
    tree: etree._Element,
    selectors: Sequence[Selector],
    removed: list[Removed],
    *,
    tokens: Sequence[TokenRule] = (),
    protected: Collection[etree._Element] = frozenset(),
) -> None:
    """Remove every element a selector or token rule matches, unless it is protected or holds the article.

    A rule whose matches together hold a large share of the page's readable text is not boilerplate on this
    page (the "captions" of a photo gallery are its story) and is skipped. The text that went and the
    rule's name are recorded in `removed`.
    """
    plan = _plan(tuple(selectors), tuple(tokens))
    guard = _Guard(tree, protected)
    by_rule: dict[str, list[etree._Element]] = {}
    for element, name in _candidates(tree, plan):
        by_rule.setdefault(name, []).append(element)
    for selector in plan.xpath:
        try:
            matches = selector.xpath(tree)
        except etree.XPathError as exc:  # a selector valid at load time can still fail on odd trees
            logger.warning("selector %s failed: %s", selector.name, exc)
            continue
        by_rule.setdefault(selector.name, []).extend(e for e in matches if isinstance(e, etree._Element))
    root = tree.getroottree().getroot()
    for name, elements in by_rule.items():
        if guard.holds_the_page(elements, name):
            continue
        for element in elements:
            if element.tag in _KEEP or element.getparent() is None or _detached(element, root):
                continue
            if guard.allows(element, name):
                _drop(element, name, removed)


def _detached(element: etree._Element, root: etree._Element) -> bool:
    """True when an ancestor of `element` was already removed from the tree rooted at `root`."""
    top = element
    for top in element.iterancestors():  # noqa: B007 - the loop leaves the topmost ancestor in `top`
        pass
    return top is not root


def _drop(element: etree._Element, rule: str, removed: list[Removed]) -> None:
    text = block_text(element)
    if text:
        removed.append(Removed.of(rule, text))
    remove_element(element)
