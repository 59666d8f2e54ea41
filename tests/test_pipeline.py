"""The crawl components: the item pipelines (clean with the same cleaning as `newsclean clean` in the bounded
worker pool, dedup, store: stored once, nothing lost), the skip-stored middleware and the progress line."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import DropItem, IgnoreRequest, NotConfigured
from scrapy.pipelines import ItemPipelineManager
from scrapy.utils.test import get_crawler

from cleaners import CleanOptions, CleanResult, clean_html
from scraper.cleaning import clean_pages, merge_pages
from scraper.extensions import CrawlProgress
from scraper.items import RawArticle
from scraper.middlewares import SkipStoredMiddleware
from scraper.outcome import crawl_ran, summary
from scraper.settings import ITEM_PIPELINES
from scraper.storage import EXPORT_FIELDS, ArticleStore

CORPUS = Path(__file__).parent / "fixtures" / "id-news"
KOMPAS = CORPUS / "anpandu_kompas-singlepage.html"
KOMPAS_URL = "https://regional.kompas.com/read/2015/11/05/komeng"


def _article(url: str, body: bytes, **fields: Any) -> RawArticle:
    return RawArticle(url=url, bodies=[body], pages=[url], fetched_at="2026-11-20T08:00:00Z", **fields)


class _Run:
    """The project's item pipelines (ITEM_PIPELINES), built and driven by Scrapy's own pipeline manager on an
    asyncio loop, as a crawl drives them, on their own database."""

    def __init__(self, db: Path, **settings: Any) -> None:
        self.crawler = get_crawler(
            settings_dict={
                "NEWSCLEAN_DB": str(db),
                "CLEANER_WORKERS": 2,
                "ITEM_PIPELINES": ITEM_PIPELINES,
                **settings,
            }
        )
        self.manager = ItemPipelineManager.from_crawler(self.crawler)
        self.db = db
        self.loop = asyncio.new_event_loop()

    def open(self) -> None:
        self.loop.run_until_complete(self.manager.open_spider_async())

    def close(self) -> None:
        self.loop.run_until_complete(self.manager.close_spider_async())
        self.loop.close()

    def process(self, *items: RawArticle) -> list[Any]:
        async def drive() -> list[Any]:
            outcomes: list[Any] = []
            for item in items:
                try:
                    outcomes.append(await self.manager.process_item_async(item))
                except DropItem as exc:
                    outcomes.append(exc)
            return outcomes

        return self.loop.run_until_complete(drive())

    def stat(self, event: str) -> int:
        return self.crawler.stats.get_value(f"newsclean/{event}", 0)


@pytest.fixture
def run(tmp_path: Path) -> Iterator[_Run]:
    opened: list[_Run] = []

    def make(**settings: Any) -> _Run:
        run = _Run(tmp_path / "news.sqlite", **settings)
        run.open()
        opened.append(run)
        return run

    yield make  # type: ignore[misc]
    for run in opened:
        run.close()


def test_clean_pages_is_the_cli_cleaning() -> None:
    html = KOMPAS.read_bytes()
    assert clean_pages([html], [KOMPAS_URL]) == clean_html(html, url=KOMPAS_URL).to_dict()


def test_merge_joins_page_bodies_in_order_with_first_page_metadata() -> None:
    pages = [
        CleanResult(title="Judul", authors=["Ani"], text="Satu dua tiga.\nEmpat lima.", word_count=5),
        CleanResult(
            title="Judul (2)", authors=["Budi"], text="Enam tujuh.", status="not_article", word_count=2
        ),
        CleanResult(title="Judul (3)", text="Delapan sembilan sepuluh.", status="not_article", word_count=3),
    ]
    merged = merge_pages(pages, CleanOptions(min_words=8))
    assert merged.text == "Satu dua tiga.\nEmpat lima.\nEnam tujuh.\nDelapan sembilan sepuluh."
    assert (merged.title, merged.authors, merged.word_count, merged.status) == (
        "Judul",
        ["Ani", "Budi"],
        10,
        "ok",
    )
    assert pages[0].authors == ["Ani"], "merging must not mutate the first page's result"


def test_merge_reports_a_short_whole_article_as_not_article() -> None:
    pages = [CleanResult(text="Satu.", status="not_article"), CleanResult(text="Dua.", status="not_article")]
    merged = merge_pages(pages, CleanOptions(min_words=20))
    assert merged.status == "not_article" and "2 words" in merged.error


def test_pipeline_stores_the_clean_record_and_returns_it_for_feeds(run: Any) -> None:
    pipe = run()
    (record,) = pipe.process(_article(KOMPAS_URL, KOMPAS.read_bytes(), requested_url=KOMPAS_URL + "?src=rss"))
    assert list(record) == list(EXPORT_FIELDS)
    json.dumps(record)  # plain data only: no raw bytes in a feed
    assert record["status"] == "ok" and record["text"] == clean_html(KOMPAS.read_bytes(), url=KOMPAS_URL).text
    assert pipe.stat("stored") == 1
    assert record["body_source"] == "outlet:kompas:kcm-read-text"
    assert pipe.stat("body/outlet:kompas:kcm-read-text") == 1
    with ArticleStore(pipe.db) as store:
        assert store.record(KOMPAS_URL)["text"] == record["text"]
        assert store.record(KOMPAS_URL)["checks"] == record["checks"] != []
        assert store.raw_pages(KOMPAS_URL).bodies == [KOMPAS.read_bytes()]
        assert store.find(KOMPAS_URL + "?src=rss") is not None


def test_duplicate_in_one_run_is_dropped_with_a_reason_and_remembered(run: Any) -> None:
    pipe = run()
    html = KOMPAS.read_bytes()
    first, second = pipe.process(
        _article(KOMPAS_URL, html, requested_url=KOMPAS_URL),
        _article(KOMPAS_URL, html, requested_url="https://regional.kompas.com/redirect/komeng"),
    )
    assert first["status"] == "ok"
    assert isinstance(second, DropItem) and "duplicate" in str(second)
    assert (pipe.stat("stored"), pipe.stat("duplicate")) == (1, 1)
    with ArticleStore(pipe.db) as store:
        assert len(store) == 1
        assert store.find("https://regional.kompas.com/redirect/komeng") is not None


def test_unusable_pages_are_stored_with_their_error_and_the_batch_goes_on(run: Any) -> None:
    pipe = run()
    outcomes = pipe.process(
        _article("https://a.test/kosong", b""),
        _article("https://a.test/biner", bytes(range(256)) * 50),
        _article("https://a.test/pendek", b"<html><body><p>Hanya satu kalimat.</p></body></html>"),
        _article(KOMPAS_URL, KOMPAS.read_bytes()),
    )
    assert [o["status"] for o in outcomes] == ["empty", "error", "not_article", "ok"]
    assert all(o["error"] for o in outcomes[:3])
    assert (pipe.stat("stored"), pipe.stat("clean_error"), pipe.stat("not_article")) == (4, 2, 1)
    with ArticleStore(pipe.db) as store:
        assert store.status_counts() == {"empty": 1, "error": 1, "not_article": 1, "ok": 1}


def test_cleaning_off_stores_raw_only(run: Any) -> None:
    pipe = run(CLEANER_ENABLED=False)
    assert [type(p).__name__ for p in pipe.manager.middlewares] == ["DedupPipeline", "StorePipeline"]
    (record,) = pipe.process(_article(KOMPAS_URL, KOMPAS.read_bytes(), outlet="kompas"))
    assert (record["status"], record["text"], record["title"], record["outlet"]) == (
        "raw",
        "",
        None,
        "kompas",
    )
    with ArticleStore(pipe.db) as store:
        assert store.raw_pages(KOMPAS_URL).bodies == [KOMPAS.read_bytes()]


def test_items_other_than_articles_pass_through(run: Any) -> None:
    pipe = run()
    assert pipe.process({"something": "else"}) == [{"something": "else"}]


def test_merge_drops_the_headline_repeated_at_the_top_of_later_pages() -> None:
    pages = [
        CleanResult(title="Judul Berita", text="Judul Berita\nParagraf satu."),
        CleanResult(title="Judul Berita (Halaman 2)", text="Judul Berita (Halaman 2)\nParagraf dua."),
    ]
    merged = merge_pages(pages, CleanOptions(min_words=1))
    assert merged.text == "Judul Berita\nParagraf satu.\nParagraf dua."
    assert [r.rule for r in merged.removed] == ["multipage:repeated-title"]


def _page(title: str, canonical: str, corpus: str) -> bytes:
    body = (CORPUS / f"{corpus}.body.txt").read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{line}</p>" for line in body.splitlines() if line.strip())
    return (
        f'<html><head><title>{title}</title><link rel="canonical" href="{canonical}"></head>'
        f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    ).encode()


def test_same_canonical_and_title_is_a_duplicate_even_across_runs(run: Any) -> None:
    page = _page("Judul Sama", "https://a.test/berita/1", "anpandu_tempo-singlepage")
    first = run()
    first.process(_article("https://a.test/berita/1", page))
    second = run()
    (outcome,) = second.process(_article("https://a.test/berita/1?utm_source=rss", page))
    assert isinstance(outcome, DropItem) and "canonical" in str(outcome)
    with ArticleStore(second.db) as store:
        assert store.urls() == ["https://a.test/berita/1"]
        assert store.find("https://a.test/berita/1?utm_source=rss") is not None


def test_a_canonical_shared_by_different_articles_is_not_a_duplicate(run: Any) -> None:
    pipe = run()
    outcomes = pipe.process(
        _article("https://a.test/satu", _page("Berita Satu", "https://a.test/", "anpandu_tempo-singlepage")),
        _article("https://a.test/dua", _page("Berita Dua", "https://a.test/", "anpandu_viva-singlepage")),
    )
    assert [o["status"] for o in outcomes] == ["ok", "ok"]
    assert pipe.stat("stored") == 2 and pipe.stat("duplicate") == 0


# --- the skip-stored middleware and the progress line ---


def _middleware(db: Path, **settings: Any) -> tuple[SkipStoredMiddleware, Any]:
    crawler = get_crawler(settings_dict={"NEWSCLEAN_DB": str(db), **settings})
    return SkipStoredMiddleware.from_crawler(crawler), crawler


def _request(url: str, **meta: Any) -> Request:
    return Request(url, meta={"newsclean_article": True, "newsclean_url": url, **meta})


@pytest.fixture
def stored_db(tmp_path: Path) -> Path:
    db = tmp_path / "news.sqlite"
    with ArticleStore(db) as store:
        record = {"url": "https://a.test/final", "fetched_at": "2026-01-01T00:00:00Z", "status": "ok"}
        store.save(record, [b"<html></html>"], requested_url="https://a.test/go")
    return db


def test_stored_article_requests_are_dropped_before_download(stored_db: Path) -> None:
    middleware, crawler = _middleware(stored_db)
    for url in ("https://a.test/final", "https://a.test/go"):
        with pytest.raises(IgnoreRequest):
            middleware.process_request(_request(url))
    # A redirect hop to a stored article: remembered, so the next run skips the first URL at once.
    with pytest.raises(IgnoreRequest):
        middleware.process_request(
            _request(
                "https://a.test/final",
                newsclean_url="https://a.test/short",
                redirect_urls=["https://a.test/short"],
            )
        )
    assert crawler.stats.get_value("newsclean/skipped_stored") == 3
    with pytest.raises(IgnoreRequest):
        middleware.process_request(_request("https://a.test/short"))


def test_new_pages_continuations_and_listings_pass(stored_db: Path) -> None:
    middleware, _ = _middleware(stored_db)
    assert middleware.process_request(_request("https://a.test/new")) is None
    assert middleware.process_request(_request("https://a.test/final", newsclean_continuation=True)) is None
    assert middleware.process_request(Request("https://a.test/final")) is None  # not an article request


def test_refetch_after_lets_stale_articles_through(stored_db: Path) -> None:
    middleware, crawler = _middleware(stored_db, NEWSCLEAN_REFETCH_AFTER_DAYS=30)
    assert middleware.process_request(_request("https://a.test/final")) is None
    assert crawler.stats.get_value("newsclean/refetched") == 1
    fresh, _ = _middleware(stored_db, NEWSCLEAN_REFETCH_AFTER_DAYS=100_000)
    with pytest.raises(IgnoreRequest):
        fresh.process_request(_request("https://a.test/final"))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_summary_and_exit_status_come_from_the_crawls_own_stats(tmp_path: Path) -> None:
    """Pipeline counters, the skip middleware's, the spiders' refusals and Scrapy's downloader stats: a
    retried 500 that then succeeded is no fetch error, robots.txt is not a page, a skip is no failure."""
    stats = {
        "newsclean/stored": 5,
        "newsclean/skipped_stored": 7,
        "newsclean/not_article": 1,
        "newsclean/spider/not_html": 1,
        "newsclean/spider/binary_body": 1,  # a JPEG where a page should be
        "newsclean/clean_error": 2,
        "newsclean/clean_timeout": 1,
        "downloader/request_count": 20,
        "downloader/response_status_count/200": 12,
        "downloader/response_status_count/301": 1,
        "downloader/response_status_count/404": 2,  # robots.txt and one article
        "downloader/response_status_count/500": 2,  # retried once each: one then 200, one then a timeout
        "robotstxt/response_status_count/404": 1,
        "retry/count": 2,
        "downloader/exception_count": 4,  # the final timeout and three skips
        "downloader/exception_type_count/scrapy.exceptions.IgnoreRequest": 3,
    }
    counts = summary(stats)
    assert (counts["stored"], counts["skipped as already stored"], counts["not articles"]) == (5, 7, 2)
    assert (counts["cleaning errors"], counts["over a cleaning limit"]) == (2, 1)
    assert (counts["fetch errors"], counts["requests"]) == (3, 20)
    assert crawl_ran(stats)
    assert crawl_ran({"newsclean/skipped_stored": 3})  # nothing new: the feeds only listed stored articles
    assert crawl_ran({"downloader/response_status_count/200": 2, "robotstxt/response_status_count/200": 1})
    down = {"downloader/response_status_count/200": 1, "robotstxt/response_status_count/200": 1}
    assert not crawl_ran(down) and not crawl_ran({"downloader/exception_count": 3})


def test_progress_line_is_drawn_from_the_stats_and_only_on_a_terminal(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"NEWSCLEAN_DB": str(tmp_path / "x.sqlite")})
    for key, value in {
        "newsclean/stored": 5,
        "newsclean/skipped_stored": 7,
        "newsclean/not_article": 2,
        "newsclean/clean_error": 1,
        "downloader/exception_count": 1,
        "downloader/request_count": 20,
    }.items():
        crawler.stats.set_value(key, value)
    terminal = _Terminal()
    progress = CrawlProgress(crawler, stream=terminal)
    assert progress.draw
    progress.redraw()
    assert terminal.getvalue().startswith(
        "\rcrawl: 5 stored · 7 skipped · 2 not articles · 2 errors · 20 requests"
    )
    assert not CrawlProgress(crawler, stream=io.StringIO()).draw
    off = get_crawler(settings_dict={"NEWSCLEAN_DB": str(tmp_path / "x.sqlite"), "NEWSCLEAN_PROGRESS": False})
    with pytest.raises(NotConfigured):  # nothing to draw: the extension is not even built
        CrawlProgress.from_crawler(off)


def test_a_rejected_outlet_container_is_counted_as_an_alarm(run: Any) -> None:
    """A kompas page whose kompas containers all fail their checks (here: its body class renamed, a teaser
    card given the class instead) is cleaned generically and counted under container_rejected/kompas."""
    html = KOMPAS.read_text(encoding="utf-8")
    html = html.replace('class="kcm-read-text"', 'class="kcm-read-text-2026"')
    teaser = (
        '<div class="kcm-read-text"><p>Warga Lhokseumawe mengeluhkan jalan rusak di perbatasan kota '
        "menjelang "
        "musim hujan, sementara pemerintah daerah belum memastikan jadwal perbaikan jalan tersebut.</p></div>"
    )
    html = html.replace("<body", "<body><x", 1).replace("<x", teaser + "<x", 1).replace("<x", "", 1)
    pipe = run()
    (record,) = pipe.process(_article(KOMPAS_URL, html.encode("utf-8")))
    assert record["status"] == "ok"
    assert not record["body_source"].startswith("outlet:")
    assert pipe.stat("container_rejected/kompas") == 1
