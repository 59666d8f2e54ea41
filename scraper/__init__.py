"""The Scrapy project of newsclean: settings, items, pipelines, middlewares and extensions."""

from __future__ import annotations
