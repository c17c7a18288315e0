"""Plan the feeds once everything is read; write them when the site is written."""

from __future__ import annotations

import logging

from pelican.generators import Generator

from publishing.problems import header_line, report

from .discovery import FeedIndex
from .entries import article_entry, event_entry, media_problems
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
        for article in self.context.get("articles") or []:
            for field, message in media_problems(article):
                report(self.context, article.source_path, header_line(article.source_path, field),
                       field, message)
        if problems:
            return
        self.cfg = feed_settings(self.settings)
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
        from .writer import write_cover, write_feed

        write_cover(self.cfg, self.output_path)
        feeds = self.feeds()
        # A post appears in up to five feeds (all, category, tags, authors, group): clean and
        # absolutise its HTML once per build, not once per feed.
        made: dict[int, object] = {}

        def entry_for(article):
            if id(article) not in made:
                made[id(article)] = article_entry(article, self.cfg, self.settings["PATH"])
            return made[id(article)]

        for feed in feeds:
            if feed.kind == "events":
                entries = [event_entry(event, self.cfg) for event in feed.items]
            else:
                entries = [entry_for(a) for a in feed.items]
            write_feed(feed, entries, self.cfg, self.output_path)
        logger.info("Wrote %d feeds (Atom and RSS)", len(feeds))


def get_generators(pelican) -> type:
    return FeedsGenerator


def plan(generators: list) -> None:
    for generator in generators:
        if isinstance(generator, FeedsGenerator):
            generator.prepare()
