"""Scrapy settings for newsclean: polite by default, incremental through the article database.

Every value here can be overridden per run with `newsclean crawl -s NAME=VALUE` (or `scrapy crawl -s`).
See https://docs.scrapy.org/en/latest/topics/settings.html for Scrapy's own settings.
"""

from __future__ import annotations

BOT_NAME = "newsclean"

SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Identify ourselves so site operators can reach us instead of blocking us.
USER_AGENT = "newsclean/0.1 (+https://github.com/newsclean/newsclean; research crawler; obeys robots.txt)"

# --- politeness -------------------------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# --- bad responses: bounded, retried, logged, counted; the crawl goes on -----------------------------------
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 5

# Stay on the target's domains: spiders set `allowed_domains`, the offsite middleware enforces it.
# (OffsiteMiddleware is on by default in Scrapy; listed here so the intent is visible.)
DOWNLOADER_MIDDLEWARES = {
    # Runs before robots.txt and the download: stored articles are never requested again.
    "scraper.middlewares.SkipStoredMiddleware": 50,
}

# Clean (in the bounded worker pool), then drop duplicates (by canonical URL and title, which cleaning reads),
# then store and hand the export record to feeds.
ITEM_PIPELINES = {
    "scraper.pipelines.CleanPipeline": 300,
    "scraper.pipelines.DedupPipeline": 400,
    "scraper.pipelines.StorePipeline": 500,
}

EXTENSIONS = {
    "scraper.extensions.CrawlProgress": 500,
}

# --- newsclean ---------------------------------------------------------------------------------------------
#: The SQLite article database: the source of truth of every crawl.
NEWSCLEAN_DB = "output/newsclean.sqlite"
#: Revisit stored articles older than this many days (None: never refetch).
NEWSCLEAN_REFETCH_AFTER_DAYS = None
#: Print a live progress line on stderr (only when stderr is a terminal).
NEWSCLEAN_PROGRESS = True
#: `newsclean crawl`: seconds the first SIGINT/SIGTERM waits for articles in flight (their cleaning gets
#: half of it) before the crawl is stopped at once; a second signal stops it at once.
NEWSCLEAN_SHUTDOWN_TIMEOUT = 20.0
#: Clean articles in the pipeline; False stores raw HTML only (reclean later, or benchmark the crawl alone).
CLEANER_ENABLED = True
#: Worker processes that clean off the reactor thread (0: one per CPU).
CLEANER_WORKERS = 0
#: Seconds one article may take to clean, per page; over it, its worker is killed and replaced and the
#: article is stored with status `error` (raw HTML kept for `newsclean reclean`). 0: no limit.
CLEANER_TIMEOUT = 60.0
#: Resident memory (MB) one cleaning worker may use; over it, the same. 0: no limit.
CLEANER_MEMORY_MB = 1024
#: Extra `cleaners.CleanOptions` fields, e.g. {"strip_dateline": True}.
CLEANER_OPTIONS: dict[str, object] = {}

# --- output and runtime ------------------------------------------------------------------------------------
FEED_EXPORT_ENCODING = "utf-8"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"
