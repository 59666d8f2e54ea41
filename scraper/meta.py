"""The `Request.meta` keys newsclean's spiders set and its middlewares read, in one place.

A spider of your own (`newsclean crawl spider:NAME`) follows the same contract: mark article requests with
`ARTICLE` and `URL` so stored articles are skipped before they are requested, and next-page requests of an
article with `CONTINUATION` so they never are (scraper/items.py describes the item side).
"""

from __future__ import annotations

#: True on the request for an article's first page: the skip-stored middleware may drop it.
ARTICLE = "newsclean_article"
#: The URL as discovered (sitemap, feed, link), before any single-page query or redirect.
URL = "newsclean_url"
#: True on the request for page 2+ of an article being fetched: never skipped, never an article of its own.
CONTINUATION = "newsclean_continuation"
#: How the article was found: "sitemap", "feed", "links" or "start".
SOURCE = "newsclean_source"
#: Publication date (ISO 8601) and title announced by the sitemap or feed.
PUBLISHED = "newsclean_published"
TITLE = "newsclean_title"
#: The outlet's single-page query (e.g. "page=all") the request URL carries.
SINGLE_PAGE = "newsclean_single_page"
#: Link depth of a page reached by the link crawl (0: its start page); absent on sitemap/feed articles.
DEPTH = "newsclean_depth"
#: Name of the discovery callback of a sitemap/feed/robots/homepage request.
DISCOVERY = "newsclean_discovery"
#: The site root a discovery request works for in the sitemaps -> feeds -> links cascade.
CASCADE = "newsclean_cascade"
#: How deep in sitemap indexes a sitemap request is (0: a sitemap given or listed by robots.txt).
NESTING = "newsclean_nesting"
