"""Scrapy settings for newsclean: polite by default, incremental through the article database.

Every value here can be overridden per run with `newsclean crawl -s NAME=VALUE` (or `scrapy crawl -s`).
See https://docs.scrapy.org/en/latest/topics/settings.html for Scrapy's own settings.
"""

from __future__ import annotations

from newsclean.bounds import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT  # one default for crawl, clean and reclean

BOT_NAME = "newsclean"

SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Identify ourselves so site operators can reach us instead of blocking us.
USER_AGENT = "newsclean/0.1 (+https://github.com/newsclean/newsclean; research crawler; obeys robots.txt)"

# --- politeness -------------------------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
#: Per site (registrable domain: subdomains share it), enforced at any delay (scraper/downloader.py says why).
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOADER = "scraper.downloader.PoliteDownloader"
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
# Scrapy stops sending requests while the responses in its scraper exceed this many bytes (default 5 MB): a
# 12 MB sitemap of 100,000 URLs held every download back until all its entries were scheduled (34 s here).
# Room for one sitemap at NEWSCLEAN_LISTING_MAXSIZE plus pages, so its first articles are fetched at once.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 64 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 5

# Stay on the target's domains: spiders set `allowed_domains`, the offsite middleware enforces it.
# (OffsiteMiddleware is on by default in Scrapy; listed here so the intent is visible.)
DOWNLOADER_MIDDLEWARES = {
    # Runs before robots.txt and the download: stored articles are never requested again.
    "scraper.middlewares.SkipStoredMiddleware": 50,
    # robots.txt as RFC 9309 says (5xx/unreachable: disallow all; 4xx: allow all), per host, once per crawl.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scraper.robots.RobotsPolicyMiddleware": 100,
}

SPIDER_MIDDLEWARES = {
    # Drops article requests for stored articles as the spiders yield them, before they are scheduled.
    "scraper.middlewares.SkipStoredSpiderMiddleware": 950,
}

# Clean (in the bounded worker pool), then drop duplicates (by canonical URL and title, which cleaning reads),
# then store and hand the export record to feeds.
ITEM_PIPELINES = {
    "scraper.pipelines.CleanPipeline": 300,
    "scraper.pipelines.DedupPipeline": 400,
    "scraper.pipelines.StorePipeline": 500,
}

EXTENSIONS = {
    "scraper.extensions.CrawlProgress": 510,
}

# --- newsclean ---------------------------------------------------------------------------------------------
#: The SQLite article database: the source of truth of every crawl.
NEWSCLEAN_DB = "output/newsclean.sqlite"
#: Revisit stored articles older than this many days (None: never refetch).
NEWSCLEAN_REFETCH_AFTER_DAYS = None
#: Show progress: a live line on stderr when it is a terminal, else a log line (cron, pipes, log files).
NEWSCLEAN_PROGRESS = True
#: Seconds between redraws of the live line, and between progress log lines.
NEWSCLEAN_PROGRESS_INTERVAL = 0.5
NEWSCLEAN_PROGRESS_LOG_INTERVAL = 60.0
#: Bytes a sitemap or feed may have, downloaded or decompressed (the sitemap protocol's 50 MB); every other
#: response keeps DOWNLOAD_MAXSIZE.
NEWSCLEAN_LISTING_MAXSIZE = 50 * 1024 * 1024
#: Log a line every this many entries read from one sitemap or feed.
NEWSCLEAN_LISTING_PROGRESS_EVERY = 10_000
#: Pages stitched into one article at most; a longer pagination is cut there with a warning.
NEWSCLEAN_ARTICLE_MAX_PAGES = 20
#: `newsclean crawl`: seconds the first SIGINT/SIGTERM waits for articles in flight (their cleaning gets
#: half of it) before the crawl is stopped at once; a second signal stops it at once.
NEWSCLEAN_SHUTDOWN_TIMEOUT = 20.0
#: Clean articles in the pipeline; False stores raw HTML only (reclean later, or benchmark the crawl alone).
CLEANER_ENABLED = True
#: Worker processes that clean off the reactor thread (0: one per CPU).
CLEANER_WORKERS = 0
#: Seconds one article may take to clean, per page; over it, its worker is killed and replaced and the
#: article is stored with status `error` (raw HTML kept for `newsclean reclean`). 0: no limit.
CLEANER_TIMEOUT = DEFAULT_TIMEOUT
#: Resident memory (MB) one cleaning worker may use; over it, the same. 0: no limit.
CLEANER_MEMORY_MB = DEFAULT_MEMORY_MB
#: Extra `cleaners.CleanOptions` fields, e.g. {"strip_dateline": True}.
CLEANER_OPTIONS: dict[str, object] = {}

# --- output and runtime ------------------------------------------------------------------------------------
FEED_EXPORT_ENCODING = "utf-8"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"
