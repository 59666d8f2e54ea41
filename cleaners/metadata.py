"""Article metadata from the page tree: JSON-LD first, then meta tags, then markup.

Read before pruning (JSON-LD sits in scripts the pruning drops) and from the same tree, so no second parse.
"""

from __future__ import annotations

import html
import json
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import htmldate
from lxml import etree

from .rules import Selector

logger = logging.getLogger(__name__)

_ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenews",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "blogposting",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "liveblogposting",
}
_DATE_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M",
    "%a, %d %b %Y %H:%M:%S %z",
    "%a, %d %b %Y %H:%M:%S %Z",
)
_CREDIT_TAG = re.compile(
    r"^\s*(?P<label>editor|penulis|reporter|pewarta)\s*:\s*(?P<name>\S.{0,80}?)\s*$", re.I
)
_CREDIT_LABEL = re.compile(
    r"^\s*(?:(?:oleh|by|pewarta|penulis|reporter|editor|redaktur|author|writer)\b\s*)?[:：]?\s*",
    re.IGNORECASE,
)
MetaRules = tuple[tuple[str, tuple[Selector, ...]], ...]
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:•]\s+")


@dataclass(slots=True)
class Metadata:
    """What we know about an article besides its body."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    editor: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    description: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    site_name: str | None = None
    image: str | None = None
    is_article: bool = False
    #: Every description the page gives (JSON-LD, og:, meta, twitter:): evidence of the lead, not output.
    descriptions: tuple[str, ...] = ()
    #: The article text as JSON-LD `articleBody` states it, if the page has one.
    article_body: str | None = None


def normalise_date(value: object) -> str | None:
    """ISO 8601 form of a date string in any common news-site format, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip()
    candidate = raw.replace("Z", "+00:00") if raw.endswith("Z") else raw
    try:
        return datetime.fromisoformat(candidate).isoformat()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).isoformat()
        except ValueError:
            continue
    return None


def _clean(value: object) -> str | None:
    if isinstance(value, str):
        value = " ".join(value.split())
        return value or None
    return None


_BY_PREFIX = re.compile(r"^(?:by|oleh|von|par|por)\s+", re.IGNORECASE)
_NAME_SEPARATORS = re.compile(r"\s*(?:,|\band\b|\bdan\b|&)\s*", re.IGNORECASE)
_PLACEHOLDER_AUTHOR = re.compile(
    r"^(?:no\s+author|unknown|anonymous|admin(?:istrator)?|redaksi|redaction|editorial|staff)$", re.IGNORECASE
)
#: Second-level labels under a country code (kompas.co.id, bbc.co.uk): the brand is the label before them.
_SECOND_LEVEL = {"co", "com", "or", "go", "ac", "net", "org", "gov", "edu", "web", "sch", "my", "biz", "ne"}


def _squashed(text: str) -> str:
    """Lower-case letters and digits only, accents folded: "El Comercio Perú" -> "elcomercioperu"."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def _brand(url: str | None) -> str | None:
    """The site's brand from its host name: money.kompas.com -> "kompas", www.tempo.co -> "tempo"."""
    host = urlsplit(url).hostname if url else None
    labels = host.split(".")[:-1] if host else []
    if len(labels) > 1 and labels[-1] in _SECOND_LEVEL:
        labels = labels[:-1]
    brand = _squashed(labels[-1]) if labels else ""
    return brand if len(brand) >= 4 else None


def person_authors(authors: list[str], site_name: str | None, url: str | None) -> list[str]:
    """Authors minus the publisher posing as one ("Kompas Cyber Media", "24horas.cl") and placeholders.

    A name naming the site (its site name, or its host's brand) is the organisation, not a writer.
    """
    site = _squashed(site_name) if site_name else None
    brand = _brand(url)
    kept = []
    for name in authors:
        squashed = _squashed(name)
        if not squashed or _PLACEHOLDER_AUTHOR.match(name.strip()):
            continue
        if squashed == site or (brand and brand in squashed):
            continue
        kept.append(name)
    return kept


def _names(value: Any) -> list[str]:
    """Author names from the many shapes JSON-LD and meta tags use."""
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    if isinstance(value, dict):
        value = value.get("name")
    text = _clean(html.unescape(value) if isinstance(value, str) else value)
    if not text or text.startswith(("http://", "https://")):
        return []
    text = _BY_PREFIX.sub("", text)
    return [part.strip() for part in _NAME_SEPARATORS.split(text) if part.strip()]


def _first_text(value: Any) -> str | None:
    if isinstance(value, list):
        for item in value:
            found = _first_text(item)
            if found:
                return found
        return None
    if isinstance(value, dict):
        return _first_text(value.get("url") or value.get("name") or value.get("@id"))
    return _clean(value)


def _keywords(value: Any) -> list[str]:
    if isinstance(value, list):
        return [kw for item in value for kw in _keywords(item)]
    text = _clean(value)
    return [kw.strip() for kw in text.split(",") if kw.strip()] if text else []


def _json_ld_objects(tree: etree._Element) -> Iterator[dict[str, Any]]:
    for script in tree.iter("script"):  # lxml filters tags in C: faster than an XPath over every element
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):  # malformed, or a number over Python's 4,300-digit limit
            logger.debug("skipping malformed JSON-LD block")
            continue
        stack: list[Any] = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                yield item


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def _meta(tree: etree._Element) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        if element.get("content") is None:
            continue
        key = element.get("property") or element.get("name") or element.get("itemprop")
        content = _clean(element.get("content"))
        if key and content:
            found.setdefault(key.strip().lower(), []).append(content)
    return found


def _pick(meta: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        values = meta.get(key)
        if values:
            return values[0]
    return None


def _language(value: str | None) -> str | None:
    if not value:
        return None
    code = re.split(r"[-_]", value.strip().lower())[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def _title_from_head(tree: etree._Element, site_name: str | None) -> str | None:
    title = _clean("".join(tree.xpath("//head/title//text()")))
    if not title:
        return None
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1:
        # keep the longest part: site names and sections are the short ones
        title = max(parts, key=len)
    if site_name and title.lower() == site_name.lower():
        return None
    return title


def _element_value(element: object) -> str | None:
    if isinstance(element, str):  # an XPath attribute result
        return _clean(element)
    if not isinstance(element, etree._Element):
        return None
    for attribute in ("content", "datetime", "value"):
        value = _clean(element.get(attribute))
        if value:
            return value
    return _clean(element.text_content()) if hasattr(element, "text_content") else _clean(element.text)


def _outlet_value(tree: etree._Element, selectors: tuple[Selector, ...]) -> str | None:
    for selector in selectors:
        try:
            matches = selector.xpath(tree)
        except etree.XPathError:
            continue
        for element in matches:
            value = _element_value(element)
            if value:
                return value
    return None


def _apply_outlet_meta(md: Metadata, tree: etree._Element, rules: MetaRules) -> None:
    """The outlet's own tags (`[meta]` in its file) win over JSON-LD and standard tags when they have a value.

    They name what generic sources get wrong on that site, e.g. kompas's JSON-LD `author` holds the editor
    while `content_author` / `content_editor` hold the reporter and the editor.
    """
    for name, selectors in rules:
        value = _outlet_value(tree, selectors)
        if value is None:
            continue
        if name in ("authors", "editor"):
            value = strip_credit_label(value)
            if not value:
                continue
        if name == "authors":
            md.authors = _names(value) or md.authors
        elif name == "tags":
            md.tags = _keywords(value) or md.tags
        elif name in ("date_published", "date_modified"):
            # outlet date tags often lack a time zone: they only fill a gap, never replace a zoned date
            setattr(md, name, getattr(md, name) or normalise_date(value))
        elif name == "language":
            md.language = _language(value) or md.language
        else:
            setattr(md, name, value)


def _microdata_authors(tree: etree._Element) -> list[str]:
    """Names in `itemprop=author` markup (its `itemprop=name` when nested), minus a "Pewarta:" style label."""
    names: list[str] = []
    authors = [v.getparent() for v in _ITEMPROPS(tree) if v == "author" and v.getparent().tag != "meta"]
    for element in authors[:5]:
        inner = element.xpath(".//*[@itemprop='name']")
        value = _element_value(inner[0] if inner else element)
        names.extend(_names(strip_credit_label(value)))
    return list(dict.fromkeys(names))


def strip_credit_label(value: str | None) -> str | None:
    """'Pewarta: Nur Imansyah' -> 'Nur Imansyah'; ': Bayu Galih' -> 'Bayu Galih'."""
    if not value:
        return value
    return _CREDIT_LABEL.sub("", value).strip() or None


_URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>0?[1-9]|1[0-2])[/-](?P<d>0?[1-9]|[12]\d|3[01])(?:/|$|[-_])"
)
_ITEMPROPS = etree.XPath("//@itemprop")


def _date_from_markup(tree: etree._Element, url: str | None) -> str | None:
    """A `<time datetime>` in the body, or a /YYYY/MM/DD/ date in the URL: cheap, tried before htmldate."""
    stamps = [t.get("datetime") for t in tree.iter("time") if t.get("datetime")]
    for value in stamps[:3]:
        found = normalise_date(str(value))
        if found:
            return found
    match = _URL_DATE.search(urlsplit(url).path) if url else None
    if match:
        year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
        return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _date_from_page(tree: etree._Element) -> str | None:
    """Last resort when no JSON-LD or meta tag dates the article: htmldate's reading of the page (day only).

    Runs only on such pages (9 of the 22 corpus pages, 7 dated right, 2 left empty; 49 of the 138 snippet
    pages). Without extensive search it costs about 2 ms on those pages; extensive search found the last
    two corpus dates but cost about 39 ms a page, more than a whole extraction.
    """
    try:
        return htmldate.find_date(tree, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
    except (ValueError, TypeError, etree.LxmlError) as exc:  # a library quirk must not fail the page
        logger.debug("htmldate failed: %s", exc)
        return None


def _credits_from_tags(md: Metadata) -> None:
    """Some sites file credits as tags ("Editor:Iskandar"): make them metadata, not topics."""
    kept = []
    for tag in md.tags:
        match = _CREDIT_TAG.match(tag)
        if match is None:
            kept.append(tag)
        elif match.group("label").lower() == "editor":
            md.editor = md.editor or match.group("name")
        elif match.group("name") not in md.authors:
            md.authors.append(match.group("name"))
    md.tags = kept


def extract_metadata(tree: etree._Element, outlet_meta: MetaRules = (), url: str | None = None) -> Metadata:
    """Collect metadata: the first generic source that has a field wins, then the outlet's own tags."""
    md = Metadata()
    for obj in _json_ld_objects(tree):
        types = _types(obj)
        if types & _ARTICLE_TYPES:
            md.is_article = True
            md.title = md.title or _clean(obj.get("headline")) or _clean(obj.get("name"))
            md.authors = md.authors or _names(obj.get("author"))
            md.date_published = md.date_published or normalise_date(obj.get("datePublished"))
            md.date_modified = md.date_modified or normalise_date(obj.get("dateModified"))
            md.description = md.description or _clean(obj.get("description"))
            section = obj.get("articleSection")
            md.section = md.section or _first_text(section)
            md.tags = md.tags or _keywords(obj.get("keywords"))
            md.language = md.language or _language(_first_text(obj.get("inLanguage")))
            md.image = md.image or _first_text(obj.get("image"))
            publisher = obj.get("publisher")
            if isinstance(publisher, dict):
                md.site_name = md.site_name or _clean(publisher.get("name"))
            body = obj.get("articleBody")
            if isinstance(body, str) and body.strip() and len(body) > len(md.article_body or ""):
                md.article_body = html.unescape(body) if "&" in body else body
        elif "website" in types or "newsmediaorganization" in types or "organization" in types:
            md.site_name = md.site_name or _clean(obj.get("name"))

    meta = _meta(tree)
    if _pick(meta, "og:type") == "article":
        md.is_article = True
    md.site_name = md.site_name or _pick(meta, "og:site_name", "application-name")
    md.title = (
        md.title or _pick(meta, "og:title", "twitter:title", "title") or _title_from_head(tree, md.site_name)
    )
    if not md.title:
        h1 = tree.xpath("//h1")
        md.title = _clean(h1[0].text_content()) if h1 else None
    md.authors = md.authors or _names(_pick(meta, "author", "article:author", "parsely-author", "dc.creator"))
    md.authors = md.authors or _microdata_authors(tree)
    md.date_published = md.date_published or normalise_date(
        _pick(
            meta,
            "article:published_time",
            "og:published_time",
            "datepublished",
            "pubdate",
            "publishdate",
            "dc.date.issued",
            "dc.date",
            "date",
            "parsely-pub-date",
            "sailthru.date",
        )
    )
    md.date_modified = md.date_modified or normalise_date(
        _pick(meta, "article:modified_time", "og:updated_time", "datemodified", "last-modified")
    )
    md.description = md.description or _pick(meta, "og:description", "description", "twitter:description")
    found = [
        md.description,
        *(v for k in ("og:description", "description", "twitter:description") for v in meta.get(k, ())),
    ]
    md.descriptions = tuple(dict.fromkeys(d for d in found if d))
    md.section = md.section or _pick(meta, "article:section", "parsely-section", "section")
    md.tags = md.tags or [t for tag in meta.get("article:tag", []) for t in _keywords(tag)]
    md.tags = md.tags or _keywords(_pick(meta, "news_keywords", "keywords"))
    md.image = md.image or _pick(meta, "og:image", "og:image:url", "twitter:image")
    lang_attr = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    md.language = (
        md.language
        or _language(lang_attr)
        or _language(_pick(meta, "content-language", "og:locale", "language"))
    )
    if not md.language:
        equiv = tree.xpath(
            "//meta[translate(@http-equiv,'CONTENT-LANGUAGE','content-language')='content-language']/@content"
        )
        md.language = _language(equiv[0]) if equiv else None
    _credits_from_tags(md)
    _apply_outlet_meta(md, tree, outlet_meta)
    md.date_published = md.date_published or _date_from_markup(tree, url) or _date_from_page(tree)
    md.tags = list(dict.fromkeys(md.tags))
    md.authors = list(dict.fromkeys(md.authors))
    return md
