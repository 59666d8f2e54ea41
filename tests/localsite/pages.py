"""Markup of the local news site: HTML pages with real-world boilerplate, sitemaps and feeds.

Article pages wrap a real body in what Indonesian outlets put around it: a "Baca juga:" promo paragraph inside
the body, an "Editor:" line at its end, a "Berita Terkait" rail, share bar, footer, og:type=article and a
JSON-LD NewsArticle, so the cleaning stage has boilerplate to remove.
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from email.utils import format_datetime
from html import escape

from .content import (
    ABOUT_PATH,
    BY_KEY,
    MULTIPAGE,
    OVERSIZED_BYTES,
    PDF_PATH,
    REDIRECT_PATH,
    REDIRECT_PUBLISHED,
    SECTION_PATHS,
    Article,
    articles_in,
)

SITE_NAME = "Warta Lokal"
_RAIL_KEYS = ("menhub", "pns", "lombok", "film", "marcella")


def _head(base: str, title: str, og_type: str, canonical: str, extra: str = "", feeds: bool = True) -> str:
    feed_links = (
        f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} RSS" href="{base}/rss">\n'
        f'<link rel="alternate" type="application/atom+xml" title="{SITE_NAME} Atom" href="{base}/atom.xml">'
    )
    return f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<title>{escape(title)} - {SITE_NAME}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="og:type" content="{og_type}">
<meta property="og:title" content="{escape(title)}">
<meta property="og:url" content="{canonical}">
<link rel="canonical" href="{canonical}">
{feed_links if feeds else ""}
{extra}
</head>
"""


def _header() -> str:
    sections = "".join(f'<li><a href="{p}">{name.title()}</a></li>' for name, p in SECTION_PATHS.items())
    return f"""<body>
<header class="site-header">
  <a class="logo" href="/">{SITE_NAME}</a>
  <nav><ul><li><a href="/">Beranda</a></li>{sections}
    <li><a href="{ABOUT_PATH}">Tentang Kami</a></li></ul></nav>
  <div class="ads-top">ADVERTISEMENT</div>
</header>
"""


_FOOTER = f"""<footer class="site-footer">
  <p>Copyright &copy; 2026 {SITE_NAME}. All rights reserved.</p>
  <p><a href="{ABOUT_PATH}">Tentang Kami</a> | <a href="/kanal/nasional">Pedoman Media Siber</a></p>
</footer>
</body>
</html>
"""


def _rail(current: Article) -> str:
    items = "".join(
        f'<li><a href="{BY_KEY[k].path}">{escape(BY_KEY[k].title)}</a></li>'
        for k in _RAIL_KEYS
        if k != current.key
    )
    return f"""<aside class="related-rail">
  <h3>Berita Terkait</h3>
  <ul>{items}</ul>
</aside>
"""


def _pagination(article: Article, page: int, total: int) -> str:
    links = []
    for n in range(1, total + 1):
        href = article.path if n == 1 else f"{article.path}?page={n}"
        cls = ' class="active"' if n == page else ""
        links.append(f'<a{cls} href="{href}">{n}</a>')
    nav = " ".join(links)
    if page < total:
        nav += f' <a class="next" href="{article.path}?page={page + 1}">Halaman selanjutnya</a>'
    return f'<div class="detail__long-nav">Halaman {page} dari {total}: {nav}</div>\n'


def article_page(article: Article, base: str, page: int | None = None) -> str:
    """One article page; `page` is 1..N for the multi-page article, None for its ?page=all view or others."""
    parts = article.parts()
    total = len(parts)
    paragraphs = parts[page - 1] if page else [line for part in parts for line in part]
    canonical = base + article.path
    page_url = canonical if not page or page == 1 else f"{canonical}?page={page}"
    links = ""
    if page and page < total:
        links += f'<link rel="next" href="{canonical}?page={page + 1}">\n'
    if page and page > 1:
        links += f'<link rel="prev" href="{canonical if page == 2 else f"{canonical}?page={page - 1}"}">\n'
    jsonld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.published,
        "author": {"@type": "Person", "name": "Tim Redaksi"},
        "publisher": {"@type": "Organization", "name": SITE_NAME},
        "mainEntityOfPage": page_url,
    }
    extra = (
        f'<meta property="article:published_time" content="{article.published}">\n{links}'
        f'<script type="application/ld+json">{json.dumps(jsonld, ensure_ascii=False)}</script>'
    )
    promo = BY_KEY["pns"] if article.key != "pns" else BY_KEY["menhub"]
    body = []
    for i, line in enumerate(paragraphs):
        body.append(f"<p>{escape(line)}</p>")
        if i == 1:
            body.append(
                f'<p><strong>Baca juga:</strong> <a href="{promo.path}">{escape(promo.title)}</a></p>'
            )
    if not page or page == total:
        body.append("<p>Editor: Rina Marlina</p>")
    pager = _pagination(article, page, total) if page else ""
    title = article.title if not page or page == 1 else f"{article.title} (Halaman {page})"
    return (
        _head(base, title, "article", page_url, extra)
        + _header()
        + f"""<main>
<div class="breadcrumb"><a href="/">Beranda</a> &rsaquo;
  <a href="/kanal/{article.section}">{article.section.title()}</a></div>
<article class="read">
  <h1 class="read__title">{escape(title)}</h1>
  <div class="read__time">Tim Redaksi - {article.published[:10]}</div>
  <div class="share-bar"><a href="#">Bagikan</a> <a href="#">Tweet</a> <a href="#">WhatsApp</a></div>
  <div class="read__content">
{chr(10).join(body)}
  </div>
  {pager}
  <div class="read__tags">Tag: <a href="/kanal/{article.section}">{article.section}</a></div>
</article>
{_rail(article)}
</main>
"""
        + _FOOTER
    )


def oversized_page(article: Article, base: str) -> bytes:
    """The article with a huge inline data blob after it, padded to OVERSIZED_BYTES."""
    page = article_page(article, base).encode("utf-8")
    filler = b"<!-- lampiran -->" + b"x" * (OVERSIZED_BYTES - len(page))
    return page.replace(b"</body>", filler + b"</body>", 1)


def listing_page(base: str, title: str, path: str, items: list[tuple[str, str]], feeds: bool = True) -> str:
    """Homepage or section index: a list of headlines, og:type=website."""
    lis = "".join(f'<li><a href="{href}">{escape(text)}</a></li>\n' for href, text in items)
    return (
        _head(base, title, "website", base + path, feeds=feeds)
        + _header()
        + f"""<main>
<h1>{escape(title)}</h1>
<ul class="latest-news">
{lis}</ul>
</main>
"""
        + _FOOTER
    )


def homepage(base: str, feeds: bool = True) -> str:
    """The homepage; `feeds=False` drops its feed <link>s (a site without feed autodiscovery)."""
    items = [(a.path, a.title) for a in articles_in("home")]
    items.insert(6, (REDIRECT_PATH, BY_KEY["nikel"].title))
    items.append((PDF_PATH, "Unduh Laporan APBN 2026 (PDF)"))
    return listing_page(base, f"{SITE_NAME} - Berita Terkini Hari Ini", "/", items, feeds)


def section_page(base: str, name: str) -> str:
    items = [(a.path, a.title) for a in articles_in(name)]
    return listing_page(base, f"Berita {name.title()} Terkini", SECTION_PATHS[name], items)


def about_page(base: str) -> str:
    return listing_page(
        base, f"Tentang Kami - {SITE_NAME}", ABOUT_PATH, [("/", "Redaksi, alamat dan pedoman pemberitaan")]
    )


def robots_txt(base: str, sitemaps: bool = True) -> str:
    """robots.txt; `sitemaps=False` leaves out the Sitemap: line (a site that announces none)."""
    sitemap_line = f"Sitemap: {base}/sitemap.xml\n" if sitemaps else ""
    return f"""User-agent: *
Disallow: /private/
Disallow: /cari?

{sitemap_line}"""


def sitemap_index(base: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{base}/sitemap-news.xml</loc><lastmod>2026-11-20T22:00:00+07:00</lastmod></sitemap>
  <sitemap><loc>{base}/sitemap-arsip.xml.gz</loc><lastmod>2026-10-31T23:00:00+07:00</lastmod></sitemap>
  <sitemap><loc>{base}/sitemap-rusak.xml</loc></sitemap>
</sitemapindex>
"""


def news_sitemap(base: str) -> str:
    entries = [(a.path, a.published, a.title) for a in articles_in("news")]
    entries.append((REDIRECT_PATH, REDIRECT_PUBLISHED, BY_KEY["nikel"].title))
    urls = "".join(
        f"""  <url>
    <loc>{base}{path}</loc>
    <news:news>
      <news:publication><news:name>{SITE_NAME}</news:name><news:language>id</news:language></news:publication>
      <news:publication_date>{published}</news:publication_date>
      <news:title>{escape(title)}</news:title>
    </news:news>
  </url>
"""
        for path, published, title in entries
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{urls}</urlset>
"""


def archive_sitemap_gz(base: str) -> bytes:
    """Plain sitemap, gzipped: older articles, failing routes, PDF, about page, a continuation page."""
    rows = [(a.path, a.published) for a in articles_in("archive")]
    rows += [(PDF_PATH, "2026-10-18T09:00:00+07:00"), (ABOUT_PATH, None)]
    rows.append((f"{MULTIPAGE.path}?page=2", MULTIPAGE.published))
    urls = "".join(
        f"  <url><loc>{base}{escape(path)}</loc>{f'<lastmod>{mod}</lastmod>' if mod else ''}</url>\n"
        for path, mod in rows
    )
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{urls}</urlset>
"""
    return gzip.compress(xml.encode("utf-8"), mtime=0)


def broken_sitemap(base: str) -> str:
    """Truncated mid-entry, as when the generator dies: one complete entry, then garbage."""
    joey = BY_KEY["joey"]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>{base}{joey.path}</loc><lastmod>{joey.published}</lastmod></url>
  <url><loc>{base}/read/2026/11/11/999999/artikel-terpot"""


def _rfc822(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso))


def rss_feed(base: str) -> str:
    entries = [(a.path, a.title, a.published) for a in articles_in("rss")]
    entries.append((REDIRECT_PATH, BY_KEY["nikel"].title, REDIRECT_PUBLISHED))
    items = "".join(
        f"""    <item>
      <title>{escape(title)}</title>
      <link>{base}{path}</link>
      <guid isPermaLink="true">{base}{path}</guid>
      <pubDate>{_rfc822(published)}</pubDate>
      <description>{escape(title)}</description>
    </item>
"""
        for path, title, published in entries
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>{SITE_NAME}</title>
    <link>{base}/</link>
    <description>Berita terkini</description>
    <language>id</language>
{items}  </channel>
</rss>
"""


def atom_feed(base: str) -> str:
    entries = "".join(
        f"""  <entry>
    <title>{escape(a.title)}</title>
    <link rel="alternate" type="text/html" href="{base}{a.path}"/>
    <id>{base}{a.path}</id>
    <published>{a.published}</published>
    <updated>{a.published}</updated>
  </entry>
"""
        for a in articles_in("atom")
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>{SITE_NAME}</title>
  <link rel="self" href="{base}/atom.xml"/>
  <id>{base}/</id>
  <updated>2026-11-20T22:00:00+07:00</updated>
{entries}</feed>
"""


BROKEN_FEED = b"<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"

#: A small but well-formed PDF (one empty page).
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
