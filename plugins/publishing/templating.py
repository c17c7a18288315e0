"""Jinja filters shared by the theme (wired in pelicanconf.py via JINJA_FILTERS)."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from jinja2 import pass_context

from . import links


def popular_tags(tags: Iterable, limit: int = 12) -> list:
    """The most used tags as (tag, count), most used first, then by name for stable output."""
    counted = [(tag, len(articles)) for tag, articles in tags]
    counted.sort(key=lambda item: (-item[1], item[0].name.lower()))
    return counted[:limit]


def isodate(value: datetime) -> str:
    """RFC 3339 timestamp for <time datetime> and metadata."""
    return value.isoformat(timespec="seconds")


def by_year(articles: Iterable) -> list:
    """Group posts (newest first) into [(year, [posts])] for the archives."""
    groups: dict[int, list] = {}
    for article in articles:
        groups.setdefault(article.date.year, []).append(article)
    return sorted(groups.items(), key=lambda item: item[0], reverse=True)


@pass_context
def link_url(context, value: str) -> str:
    """Resolve ``{static}/images/x.svg`` metadata (Image:) to the URL the file is published at."""
    return links.resolve(value, context.get("SITEURL", ""), context.get("static_content"),
                         context.get("generated_content"))
