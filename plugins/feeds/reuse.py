"""Cache keys of feed files, so a warm build reuses every feed whose entries did not change.

The previous build's file is reused (fastbuild.outputcache) when its key matches. Settings,
plugin code and the library versions (feedgen and lxml included) already select the cache folder
(plugins/fastbuild), so a key covers what the feed shows: its own title, links and type, its
<updated>, and every entry in order, each entry with all it shows, its full HTML included.
"""

from __future__ import annotations

from dataclasses import fields

from fastbuild import make_key

from .entries import Entry, article_source, feed_updated, finish_entry
from .selection import Feed
from .settings import FeedSettings


def entry_key(entry: Entry) -> str:
    """A key of every field of ``entry`` (its HTML as Pelican rendered it, or as cleaned)."""
    return make_key(*(getattr(entry, f.name) for f in fields(entry)))


class PostEntries:
    """Each post's entry and key, made once per build however many feeds list the post; its HTML
    is cleaned (the costly part) only when a feed listing it is written."""

    def __init__(self, cfg: FeedSettings, content_root: str) -> None:
        self._cfg = cfg
        self._root = content_root
        self._sources: dict[int, tuple[Entry, str]] = {}
        self._finished: dict[int, Entry] = {}

    def _source(self, article) -> tuple[Entry, str]:
        if id(article) not in self._sources:
            source = article_source(article, self._cfg, self._root)
            self._sources[id(article)] = (source, entry_key(source))
        return self._sources[id(article)]

    def sources(self, articles: list) -> list[Entry]:
        return [self._source(a)[0] for a in articles]

    def keys(self, articles: list) -> list[str]:
        return [self._source(a)[1] for a in articles]

    def finished(self, articles: list) -> list[Entry]:
        for article in articles:
            if id(article) not in self._finished:
                self._finished[id(article)] = finish_entry(self._source(article)[0])
        return [self._finished[id(a)] for a in articles]


class FeedKeys:
    """The key of each feed file of one build."""

    def __init__(self, cfg: FeedSettings) -> None:
        self._cfg = cfg

    def key(self, feed: Feed, fmt: str, entries: list[Entry], entry_keys: list[str]) -> str:
        """``entries`` as the feed will show their dates; ``entry_keys`` cover all they show."""
        return make_key(feed.path(self._cfg.feeds_path, fmt), feed.kind,
                        feed.slug, feed.title, feed.subtitle, feed.page_url, feed.podcast,
                        feed_updated(entries), *entry_keys)
