"""A hostile local news site: every crawl-side fault of issue 7 at once, on five loopback hosts, two sites.

Site 1 is 127.0.0.1 (four hosts, one port each, sharing one in-flight Meter, since they are one site for the
crawl's per-site limit); site 2 is 127.0.0.2. Host `main` lists in its robots.txt sitemaps on itself and on
`busy` (robots.txt answers 503), `gone` (robots.txt: connection closed unanswered) and `open` (robots.txt
404: everything allowed). Its sitemaps and homepage carry:

- plain articles, also in its RSS feed (stored once each);
- HTML served as image/jpeg (a page: stored) and a JPEG served as text/html (a binary body: never stored);
- a chunked body cut short, a 404, and a path disallowed by robots.txt (listed and linked);
- a pagination that never ends (stitched to 20 pages, then cut with a notice);
- a copy whose canonical points to the genuine article on site 2 (both stored);
- two sitemaps over a 1 MB DOWNLOAD_MAXSIZE, one gzipped, each with one new article among
  BIG_OLD_ENTRIES archive entries out of the date window (never requested);
- an article linked only from the homepage (found by the link crawl of `sources=sitemaps,feeds,links`).

Expected results are data here (`expected_stored`, `never_requested`), as URLs.
"""

from __future__ import annotations

import gzip
from contextlib import ExitStack
from dataclasses import replace
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

from . import pages
from .content import BY_KEY, Article
from .hosts import Route, StaticHost
from .recording import Meter

#: Archive entries (2020) in each big sitemap, around 1.3 MB of XML.
BIG_OLD_ENTRIES = 12_000
#: Pages of the endless pagination that are stitched.
TRAP_PAGES = 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 16
_XML = "application/xml"


def _article(key: str, n: int, slug: str, title: str | None = None) -> Article:
    base = BY_KEY[key]
    return replace(base, path=f"/read/2026/11/2{n % 2}/{900 + n}/{slug}", kind="", title=title or base.title)


#: name -> the article it serves (its body is a real corpus body; each has its own title and canonical)
ARTICLES = {
    "plain1": _article("menhub", 1, "tarif-pesawat-turun-menjelang-libur"),
    "plain2": _article("film", 2, "festival-film-pendek-dibuka"),
    "html_as_jpeg": _article("broadband", 3, "jaringan-broadband-desa-diperluas"),
    "trap": _article("cipulir", 5, "halaman-yang-tidak-pernah-habis"),
    "copy": _article("nikel", 6, "salinan-berita-tambang", title="Salinan: KPK dan Izin Tambang Raja Ampat"),
    "linked": _article("joey", 7, "pianis-cilik-tampil-di-konser"),
    "big_plain": _article("lombok", 8, "penerbangan-lombok-kembali-normal"),
    "big_gz": _article("marcella", 9, "promosi-wisata-lewat-layar-lebar"),
    "open": _article("bisnis", 10, "bisnis-kecil-dengan-risiko-rendah"),
    "genuine": _article("nikel", 11, "kpk-tak-temukan-surat-pencabutan-iup"),
}
JPEG_AS_HTML = "/read/2026/11/20/904/foto-yang-dikirim-sebagai-halaman"
CUT = "/read/2026/11/20/912/transfer-putus-di-tengah-jalan"
MISSING = "/read/2026/11/20/913/berita-yang-sudah-dihapus"
PRIVATE = "/private/read/2026/11/20/914/draf-yang-belum-terbit"
ON_BUSY = "/read/2026/11/20/915/berita-di-host-sibuk"
ON_GONE = "/read/2026/11/20/916/berita-di-host-hilang"


class HostileSite:
    """Start with `with HostileSite() as site:`; crawl `site.roots()`; compare with the expectations."""

    def __init__(self, latency: float = 0.02) -> None:
        self.site1, self.site2 = Meter(), Meter()
        self.main = StaticHost(latency=latency, meter=self.site1)
        self.busy = StaticHost(latency=latency, meter=self.site1)
        self.gone = StaticHost(latency=latency, meter=self.site1)
        self.open = StaticHost(latency=latency, meter=self.site1)
        self.other = StaticHost(host="127.0.0.2", latency=latency, meter=self.site2)
        self.hosts = {"main": self.main, "busy": self.busy, "gone": self.gone, "open": self.open}
        self.hosts["other"] = self.other
        self._stack = ExitStack()

    def __enter__(self) -> HostileSite:
        for host in self.hosts.values():
            self._stack.enter_context(host)
        self._routes()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stack.close()

    def roots(self) -> list[str]:
        return [self.main.url("/"), self.other.url("/")]

    def url(self, name: str) -> str:
        host = {"open": self.open, "genuine": self.other}.get(name, self.main)
        return host.url(ARTICLES[name].path)

    @property
    def expected_stored(self) -> set[str]:
        return {self.url(name) for name in ARTICLES}

    @property
    def never_requested(self) -> dict[str, set[str]]:
        """Paths per host a polite crawl must not request (robots.txt, date window)."""
        return {"main": {PRIVATE}, "busy": {"/sitemap.xml", ON_BUSY}, "gone": {"/sitemap.xml", ON_GONE}}

    # --- routes ---------------------------------------------------------------------------------------------

    def _page(self, name: str, host: StaticHost) -> str:
        return pages.article_page(ARTICLES[name], host.base_url)

    def _routes(self) -> None:
        main, other = self.main, self.other
        sitemaps = "".join(
            f"Sitemap: {h.url('/sitemap.xml')}\n" for h in (main, self.busy, self.gone, self.open)
        )
        main.routes["/robots.txt"] = Route(
            200, f"User-agent: *\nDisallow: /private/\n{sitemaps}", "text/plain"
        )
        self.busy.routes["/robots.txt"] = Route(503, "Service Temporarily Unavailable", "text/plain")
        self.gone.routes["/robots.txt"] = Route(action="drop")
        other.routes["/robots.txt"] = Route(200, f"User-agent: *\nSitemap: {other.url('/sitemap.xml')}\n")
        for host, path in ((self.busy, ON_BUSY), (self.gone, ON_GONE)):
            host.routes["/sitemap.xml"] = Route(200, _urlset(host.url(path)), _XML)
            host.routes[path] = Route(
                200, pages.article_page(replace(BY_KEY["pns"], path=path), host.base_url)
            )
        self.open.routes["/sitemap.xml"] = Route(200, _urlset(self.url("open")), _XML)
        self.open.routes[ARTICLES["open"].path] = Route(200, self._page("open", self.open))
        other.routes["/sitemap.xml"] = Route(200, _urlset(self.url("genuine")), _XML)
        other.routes[ARTICLES["genuine"].path] = Route(200, self._page("genuine", other))
        other.routes["/"] = Route(200, pages.listing_page(other.base_url, "Situs Lain", "/", [], feeds=False))

        listed = ["plain1", "plain2", "html_as_jpeg", "trap", "copy"]
        urls = [self.url(n) for n in listed] + [main.url(p) for p in (JPEG_AS_HTML, CUT, MISSING, PRIVATE)]
        big = [main.url(p) for p in ("/sitemap-besar.xml", "/sitemap-besar.xml.gz")]
        index = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in [main.url("/sitemap-berita.xml"), *big])
        main.routes["/sitemap.xml"] = Route(200, f"<sitemapindex>{index}</sitemapindex>", _XML)
        main.routes["/sitemap-berita.xml"] = Route(200, _urlset(*urls), _XML)
        main.routes["/sitemap-besar.xml"] = Route(
            200, _big_sitemap(main.base_url, self.url("big_plain")), _XML
        )
        zipped = gzip.compress(_big_sitemap(main.base_url, self.url("big_gz")), mtime=0)
        main.routes["/sitemap-besar.xml.gz"] = Route(200, zipped, "application/x-gzip")
        rss = "".join(f"<item><link>{self.url(n)}</link></item>" for n in ("plain1", "plain2"))
        main.routes["/rss"] = Route(200, f"<rss><channel>{rss}</channel></rss>", "application/rss+xml")
        atom = '<feed xmlns="http://www.w3.org/2005/Atom"/>'
        main.routes["/atom.xml"] = Route(200, atom, "application/atom+xml")
        home = [(ARTICLES["linked"].path, "Tautan"), (ARTICLES["plain1"].path, "Satu"), (PRIVATE, "Rahasia")]
        main.routes["/"] = Route(200, pages.listing_page(main.base_url, "Beranda Berbahaya", "/", home))

        for name in ("plain1", "plain2", "linked", "big_plain", "big_gz"):
            main.routes[ARTICLES[name].path] = Route(200, self._page(name, main))
        main.routes[ARTICLES["html_as_jpeg"].path] = Route(
            200, self._page("html_as_jpeg", main), "image/jpeg"
        )
        main.routes[JPEG_AS_HTML] = Route(200, JPEG, "text/html; charset=utf-8")
        main.routes[CUT] = Route(200, self._page("plain1", main), action="cut")
        copy = self._page("copy", main).replace(self.url("copy"), self.url("genuine"))  # canonical, og:url
        main.routes[ARTICLES["copy"].path] = Route(200, copy)
        main.routes[ARTICLES["trap"].path] = self._trap
        main.routes[PRIVATE] = Route(200, self._page("plain2", main))

    def _trap(self, path: str) -> Route:
        n = int(parse_qs(urlsplit(path).query).get("page", ["1"])[0])
        page = self._page("trap", self.main)
        link = f'<link rel="next" href="{self.url("trap")}?page={n + 1}">'
        return Route(200, page.replace("</head>", link + "</head>", 1))


def _urlset(*urls: str) -> str:
    return "<urlset>" + "".join(f"<url><loc>{u}</loc></url>" for u in urls) + "</urlset>"


def _big_sitemap(base: str, fresh: str) -> bytes:
    rows = [f"<url><loc>{fresh}</loc><lastmod>2026-11-20</lastmod></url>"]
    rows += [
        f"<url><loc>{base}/read/2020/01/01/{n}/arsip-lama-nomor-{n}</loc><lastmod>2020-01-01</lastmod></url>"
        for n in range(BIG_OLD_ENTRIES)
    ]
    return ("<urlset>" + "".join(rows) + "</urlset>").encode()
