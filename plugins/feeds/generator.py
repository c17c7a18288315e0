"""Plan the feeds once everything is read; write them when the site is written."""

from __future__ import annotations

import logging

from pelican.generators import Generator

from fastbuild import OutputCache, beside_pages
from publishing.problems import header_line, report

from .discovery import FeedIndex
from .entries import event_entry, media_problems
from .reuse import FeedKeys, PostEntries, entry_key
from .selection import plan_feeds
from .settings import feed_settings, setting_problems

logger = logging.getLogger(__name__)


class FeedsGenerator(Generator):
    """Writes /feeds/**.xml. Planned in ``all_generators_finalized``, written in generate_output,
    when every post's links can be resolved (content is never read before that)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cfg = None
        self._feeds = None

    def generate_context(self) -> None:
        # Nothing to read: feeds are made from what the other generators read.
        pass

    def prepare(self) -> None:
        """Validate settings and media metadata; publish ``feed_for`` when feeds will be written."""
        self.context["feed_for"] = FeedIndex(list, "", "")
        problems = setting_problems(self.settings)
        for name, message in problems:
            report(self.context, "settings", None, name, message)
        self.cfg = None if problems else feed_settings(self.settings)
        podcast = self.cfg.podcast_slug if self.cfg else None
        for article in self.context.get("articles") or []:
            for field, message in media_problems(article, podcast):
                # A field left out: the line that asks for it (the category's).
                line = (header_line(article.source_path, field)
                        or header_line(article.source_path, "category"))
                report(self.context, article.source_path, line, field, message)
        if problems:
            return
        self.context["feed_for"] = FeedIndex(self.feeds, self.cfg.feeds_path,
                                             self.settings.get("SITEURL", ""))

    def feeds(self) -> list:
        """The plan, made on first use: by then other plugins' finalized handlers have run,
        whatever order the signal called them in."""
        if self._feeds is None:
            self._feeds = plan_feeds(self.context, self.cfg)
        return self._feeds

    def generate_output(self, writer) -> None:
        if self.cfg is None:
            return
        beside_pages(writer, self._write_feeds)

    def _write_feeds(self) -> None:
        from .writer import FORMATS, write_cover, write_feed

        write_cover(self.cfg, self.output_path)
        feeds = self.feeds()
        cache = OutputCache(self.settings, "feeds", self.output_path)
        keys = FeedKeys(self.cfg)
        # A post appears in up to five feeds (all, category, tags, authors, group): its entry
        # is made, and its HTML cleaned, once per build, not once per feed.
        posts = PostEntries(self.cfg, self.settings["PATH"])
        for feed in feeds:
            if feed.kind == "events":
                entries = [event_entry(event, self.cfg) for event in feed.items]
                entry_keys = [entry_key(entry) for entry in entries]
            else:
                entries, entry_keys = posts.sources(feed.items), posts.keys(feed.items)
            for fmt in FORMATS:
                key = keys.key(feed, fmt, entries, entry_keys)
                if cache.reuse(feed.path(self.cfg.feeds_path, fmt), key):
                    continue
                shown = entries if feed.kind == "events" else posts.finished(feed.items)
                cache.record(write_feed(feed, fmt, shown, self.cfg, self.output_path), key)
        cache.save()
        logger.info("Wrote %d feeds (Atom, RSS and JSON Feed), %d files reused from the "
                    "previous build", len(feeds), cache.reused)


def get_generators(pelican) -> type:
    return FeedsGenerator


def plan(generators: list) -> None:
    for generator in generators:
        if isinstance(generator, FeedsGenerator):
            generator.prepare()
