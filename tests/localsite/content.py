"""What the local news site publishes: articles built from real corpus bodies, and where each one is listed.

Every article body is a gold body from tests/fixtures/id-news (real Indonesian news text), so a crawl of this
site gives the cleaning stage real prose to work on; the markup around it (promos, editor line, related rail)
is ours. Dates are moved into November 2026 so date-window tests have a fixed calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "id-news"

#: Pages of the multi-page article (page 1 is the bare URL, then ?page=2, ?page=3).
MULTIPAGE_PARTS = 3


@dataclass(frozen=True)
class Article:
    """One published article: its URL path, the corpus page its body comes from, and its listings."""

    key: str
    path: str
    corpus: str
    title: str
    published: str
    section: str
    #: Where it is listed: news (Google News sitemap), archive (gzipped sitemap), broken (malformed sitemap),
    #: rss, atom, home (homepage links), nasional / ekonomi (section index pages).
    listed: frozenset[str]
    #: Behaviour of the route: "" (plain), "multipage", "retry" (500 then 200), "slow", "missing" (404),
    #: "oversized" (3 MB), "pdf" (served as application/pdf), "private" (disallowed by robots.txt).
    kind: str = ""

    def body_lines(self) -> list[str]:
        text = (CORPUS / f"{self.corpus}.body.txt").read_text(encoding="utf-8")
        return [line for line in text.splitlines() if line.strip()]

    def parts(self) -> list[list[str]]:
        """Body paragraphs split into pages (one part unless the article is multi-page)."""
        lines = self.body_lines()
        if self.kind != "multipage":
            return [lines]
        size = -(-len(lines) // MULTIPAGE_PARTS)
        return [lines[i : i + size] for i in range(0, len(lines), size)]


def _a(
    key: str, path: str, corpus: str, title: str, published: str, section: str, listed: str, kind: str = ""
):
    return Article(key, path, corpus, title, published, section, frozenset(listed.split()), kind)


ARTICLES: tuple[Article, ...] = (
    _a(
        "menhub",
        "/read/2026/11/20/213419026/menhub-bocorkan-penyebab-harga-tiket-pesawat-masih-mahal",
        "htmldate_money.kompas.com-Menhub",
        "Menhub Bocorkan Penyebab Harga Tiket Pesawat Masih Mahal",
        "2026-11-20T21:34:19+07:00",
        "ekonomi",
        "news rss home",
    ),
    _a(
        "film",
        "/read/2026/11/19/546640/turki-selenggarakan-kontes-film-pendek-internasional",
        "anpandu_antara-singlepage3",
        "Bantu Pulihkan Perdamaian Dunia, Turki Selenggarakan Kontes Film Pendek",
        "2026-11-19T14:39:00+07:00",
        "internasional",
        "news rss home",
    ),
    _a(
        "broadband",
        "/read/2026/11/18/2436773/tri-indonesia-broadband-dorong-ekosistem-digital-dalam-negeri",
        "anpandu_liputan6-singlepage",
        "Tri Indonesia Broadband Dorong Ekosistem Digital Dalam Negeri",
        "2026-11-18T09:10:00+07:00",
        "ekonomi",
        "news rss home",
    ),
    _a(
        "setpiece",
        "/read/2026/11/17/120035/pelatih-set-piece-jadi-tren-baru-klub-eropa",
        "tisorlawan_detik_4",
        "Pelatih Set-Piece Jadi Tren Baru di Klub-klub Eropa",
        "2026-11-17T12:00:35+07:00",
        "olahraga",
        "news rss home",
        "multipage",
    ),
    _a(
        "bisnis",
        "/read/2026/11/16/320/2243366/6-rekomendasi-bisnis-dengan-tingkat-kerugian-kecil",
        "ogs_okezone",
        "6 Rekomendasi Bisnis dengan Tingkat Kerugian Kecil, Tertarik Mencoba?",
        "2026-11-16T10:00:00+07:00",
        "ekonomi",
        "news atom home",
        "retry",
    ),
    _a(
        "malas",
        "/read/2026/11/15/060716092/ini-7-alasan-mengapa-orang-malas-bergerak",
        "anpandu_tempo-singlepage",
        "Ini 7 Alasan Mengapa Orang Malas Bergerak",
        "2026-11-15T11:13:00+07:00",
        "gaya",
        "news atom home",
        "slow",
    ),
    _a(
        "nikel",
        "/read/2026/11/14/822959/kpk-tak-temukan-surat-pencabutan-iup-nikel-raja-ampat",
        "fundus_MediaIndonesia_2025_10_22",
        "KPK tak Temukan Surat Pencabutan IUP Nikel Raja Ampat",
        "2026-11-14T08:00:00+07:00",
        "ekonomi",
        "archive atom",
    ),
    _a(
        "joey",
        "/read/2026/11/12/736460/taylor-swift-standing-ovation-untuk-pianis-cilik-indonesia",
        "anpandu_viva-singlepage",
        "Taylor Swift Standing Ovation untuk Pianis Cilik Indonesia",
        "2026-11-12T13:01:00+07:00",
        "hiburan",
        "broken atom ekonomi",
    ),
    _a(
        "pns",
        "/read/2026/11/05/14382361/menteri-yuddy-ancam-pns-yang-rankingnya-terendah-akan-dipangkas",
        "anpandu_kompas-singlepage2",
        "Menteri Yuddy Ancam PNS yang Rankingnya Terendah Akan Dipangkas",
        "2026-11-05T14:38:23+07:00",
        "nasional",
        "news nasional",
    ),
    _a(
        "cipulir",
        "/read/2026/11/03/131956/polisi-dalami-cekcok-pemotor-dan-pemobil-di-cipulir",
        "tisorlawan_detik_1",
        "Polisi Dalami Cekcok Pemotor dan Pemobil Berpistol di Cipulir",
        "2026-11-03T13:19:56+07:00",
        "nasional",
        "news nasional",
    ),
    _a(
        "lombok",
        "/read/2026/10/28/527615/29-penerbangan-bandara-internasional-lombok-dibatalkan",
        "anpandu_antara-singlepage",
        "29 Penerbangan Bandara Internasional Lombok Dibatalkan",
        "2026-10-28T14:56:00+07:00",
        "nasional",
        "archive nasional",
    ),
    _a(
        "marcella",
        "/read/2026/10/25/o2l07x284/marcella-zalianty-promo-pariwisata-indonesia-lewat-film",
        "anpandu_republika-singlepage",
        "Marcella Zalianty Promo Pariwisata Indonesia Lewat Film",
        "2026-10-25T16:15:00+07:00",
        "hiburan",
        "archive ekonomi",
    ),
    # Routes that must never become stored articles.
    _a(
        "missing",
        "/read/2026/10/20/404404/berita-yang-sudah-dihapus-redaksi",
        "anpandu_okezone-singlepage",
        "Berita yang Sudah Dihapus Redaksi",
        "2026-10-20T10:00:00+07:00",
        "nasional",
        "archive ekonomi",
        "missing",
    ),
    _a(
        "huge",
        "/read/2026/10/15/300300/laporan-lengkap-rapat-paripurna-dpr-beserta-lampiran",
        "anpandu_kompas-singlepage",
        "Laporan Lengkap Rapat Paripurna DPR beserta Lampiran",
        "2026-10-15T10:00:00+07:00",
        "nasional",
        "archive ekonomi",
        "oversized",
    ),
    _a(
        "rahasia",
        "/private/read/2026/11/13/777777/draf-internal-redaksi-belum-terbit",
        "anpandu_kompas-singlepage3",
        "Draf Internal Redaksi yang Belum Terbit",
        "2026-11-13T10:00:00+07:00",
        "nasional",
        "archive home",
        "private",
    ),
)

BY_KEY = {a.key: a for a in ARTICLES}

#: Redirect: listed in the Google News sitemap, the RSS feed and on the homepage; 301 to an article that is
#: also listed directly (archive sitemap, Atom feed).
REDIRECT_PATH = "/go/kpk-nikel-raja-ampat"
REDIRECT_TARGET = BY_KEY["nikel"]
REDIRECT_PUBLISHED = "2026-11-14T08:00:00+07:00"

#: A PDF at an ordinary download path (archive sitemap, homepage).
PDF_PATH = "/unduh/laporan-apbn-2026.pdf"
#: Pages that are not articles (og:type=website): listed in the archive sitemap / linked from the homepage.
ABOUT_PATH = "/redaksi/tentang-kami"
SECTION_PATHS = {"nasional": "/kanal/nasional", "ekonomi": "/kanal/ekonomi"}
MULTIPAGE = BY_KEY["setpiece"]
#: Continuation pages of the multi-page article; page 2 is also listed in the archive sitemap on purpose.
CONTINUATION_PATHS = tuple(f"{MULTIPAGE.path}?page={n}" for n in range(2, MULTIPAGE_PARTS + 1))
SLOW_DELAY = 2.0
OVERSIZED_BYTES = 3 * 1024 * 1024


def _paths(*keys: str) -> frozenset[str]:
    return frozenset(BY_KEY[k].path for k in keys)


_STORED = ("menhub", "film", "broadband", "setpiece", "bisnis", "malas", "nikel", "joey", "pns", "cipulir")

#: Articles a full crawl stores (sitemap, site and link modes), as URL paths after redirects, with
#: DOWNLOAD_MAXSIZE below OVERSIZED_BYTES. "joey" is only in the malformed sitemap (salvaged from it).
EXPECTED_ARTICLES: frozenset[str] = _paths(*_STORED, "lombok", "marcella")
#: Articles reachable from the RSS and Atom feeds.
EXPECTED_FEED_ARTICLES: frozenset[str] = _paths(
    "menhub", "film", "broadband", "setpiece", "bisnis", "malas", "nikel", "joey"
)
#: Articles the Google News sitemap announces, with their publication dates.
NEWS_SITEMAP_ARTICLES: tuple[Article, ...] = tuple(a for a in ARTICLES if "news" in a.listed)
#: Article paths that must never be requested (robots.txt Disallow).
DISALLOWED_PATHS: frozenset[str] = _paths("rahasia")
#: Article-looking routes that fail or are not stored: 404, oversized body.
FAILING_PATHS: frozenset[str] = _paths("missing", "huge")


def articles_in(listing: str) -> list[Article]:
    return [a for a in ARTICLES if listing in a.listed]
