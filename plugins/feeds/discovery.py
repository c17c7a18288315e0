"""``feed_for(kind, slug)`` for templates: the feed of what a page shows, if it is written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .selection import Feed


@dataclass(frozen=True)
class FeedLinks:
    atom: str
    rss: str
    title: str
    json: str


class FeedIndex:
    """Callable put in the context as ``feed_for``; one per build, built from that build's plan."""

    def __init__(self, plan: Callable[[], list[Feed]], feeds_path: str, siteurl: str):
        # The plan is read on first call, when every generator and plugin has filled the context.
        self._plan = plan
        self._feeds_path = feeds_path
        # SITEURL is "" in local builds, so links are root-relative and resolve there too.
        self._prefix = siteurl.rstrip("/")
        self._links: dict | None = None

    def _index(self) -> dict:
        if self._links is None:
            self._links = {
                (feed.kind, feed.slug): FeedLinks(
                    self._url(feed, "atom"), self._url(feed, "rss"), feed.title,
                    self._url(feed, "json"))
                for feed in self._plan()
            }
        return self._links

    def _url(self, feed: Feed, fmt: str) -> str:
        return f"{self._prefix}/{feed.path(self._feeds_path, fmt)}"

    def __cache_key__(self) -> dict:
        """What pages using ``feed_for`` depend on (see parallel_writes/digest.py)."""
        return self._index()

    def __call__(self, kind: str, slug: str | None = "") -> FeedLinks | None:
        if kind in ("all", "events"):
            slug = ""
        return self._index().get((kind, str(slug or "")))
