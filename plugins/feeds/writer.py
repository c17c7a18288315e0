"""Render a planned feed as Atom and RSS 2.0 with feedgen, reproducibly."""

from __future__ import annotations

import logging
from pathlib import Path

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseExtension
from feedgen.ext.podcast import PodcastExtension
from feedgen.ext.podcast_entry import PodcastEntryExtension
from feedgen.feed import FeedGenerator

from fastbuild import write_new

from .entries import Entry, feed_updated, tag_uri
from .html import plain_text
from .jsonfeed import render_json
from .selection import Feed
from .settings import FeedSettings

logger = logging.getLogger(__name__)

FORMATS = ("atom", "rss", "json")
ATOM_NS = "http://www.w3.org/2005/Atom"
GENERATOR = ("Open Co-op publishing (Pelican + feedgen)", None, None)
PODCAST_COVER = Path(__file__).with_name("static") / "podcast.png"


class _Entry(FeedEntry):
    """feedgen 1.0.0 writes entry <link>s without rel/type/length (it overwrites its loop
    variable), which would turn an enclosure into a second rel=alternate link: put them back."""

    def atom_entry(self, extensions: bool = True):
        entry = super().atom_entry(extensions)
        for element, data in zip(entry.findall("link"), self.link() or []):
            for key in ("rel", "type", "hreflang", "title", "length"):
                if data.get(key):
                    element.set(key, str(data[key]))
        return entry


class _WebSubRss(BaseExtension):
    """feedgen writes only the rel="self" atom:link into RSS; WebSub subscribers also look for
    rel="hub" beside it (the hub URL is set on the instance before rendering)."""

    hub: str | None = None

    def extend_ns(self) -> dict:
        return {"atom": ATOM_NS}

    def extend_rss(self, rss):
        if self.hub:
            channel = rss.find("channel")
            selves = [i for i, el in enumerate(channel) if el.tag == f"{{{ATOM_NS}}}link"]
            link = channel.makeelement(f"{{{ATOM_NS}}}link", {"href": self.hub, "rel": "hub"})
            channel.insert(selves[-1] + 1 if selves else len(channel), link)
        return rss


ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"


class _Podcast(PodcastExtension):
    """Apple's podcast spec (and the W3C validator) want itunes:explicit "true" or "false";
    feedgen 1.0.0 only writes the older "yes"/"no"/"clean"."""

    def extend_rss(self, rss_feed):
        rss_feed = super().extend_rss(rss_feed)
        for element in rss_feed.iter(f"{{{ITUNES_NS}}}explicit"):
            element.text = "true" if element.text == "yes" else "false"
        return rss_feed


def podcast_image_url(cfg: FeedSettings) -> str:
    if cfg.podcast_image:
        image = cfg.podcast_image
        return image if "://" in image else f"{cfg.site_url}/{image.lstrip('/')}"
    return f"{cfg.site_url}/{cfg.feeds_path}/{PODCAST_COVER.name}"


def _add_entry(fg: FeedGenerator, entry: Entry, fmt: str, podcast: bool) -> None:
    # feedgen prepends by default; append keeps the planned newest-first order.
    fe = fg.add_entry(_Entry(), order="append")
    # feedgen's id() and guid() each set both the Atom id and the RSS guid: one call, by format.
    if fmt == "rss":
        fe.guid(entry.guid or entry.id, permalink=False)
    else:
        fe.id(entry.id)
    fe.title(entry.title)
    fe.link(href=entry.link, rel="alternate", type="text/html")
    if entry.enclosure:
        enc = entry.enclosure
        fe.link(href=enc.url, rel="enclosure", type=enc.type, length=str(enc.length))
    fe.published(entry.published)
    fe.updated(entry.updated)
    # Each list in one call: feedgen rebuilds its RSS copy of the list at every call, so one
    # call per name would cost the square of a post's tags, in every feed the post is in.
    if entry.authors:
        if fmt == "atom":
            fe.author([{"name": name} for name in entry.authors])
        else:
            # RSS <author> must be an email address; dc:creator takes names.
            fe.dc.dc_creator(list(entry.authors))
    if entry.categories:
        fe.category([{"term": term} for term in entry.categories])
    if entry.content_html is not None:
        fe.content(entry.content_html, type="html")
    # Also the RSS <description>; content (when full) goes to content:encoded.
    fe.summary(entry.summary_html, type="html")
    if podcast:
        fe.podcast.itunes_summary(plain_text(entry.summary_html) or entry.title)
        if entry.duration:
            fe.podcast.itunes_duration(entry.duration)
        if entry.authors:
            fe.podcast.itunes_author(", ".join(entry.authors))
        fe.podcast.itunes_episode_type("full")


def render(feed: Feed, entries: list[Entry], fmt: str, cfg: FeedSettings) -> bytes:
    """The feed document in ``fmt`` ("atom", "rss" or "json") as UTF-8 bytes."""
    if fmt == "json":
        return render_json(feed, entries, cfg, podcast_image_url(cfg))
    fg = FeedGenerator()
    if fmt == "rss":
        fg.load_extension("dc", atom=False, rss=True)
    podcast = fmt == "rss" and feed.podcast
    if podcast:
        fg.register_extension("podcast", _Podcast, PodcastEntryExtension, atom=False, rss=True)
    self_url = f"{cfg.site_url}/{feed.path(cfg.feeds_path, fmt)}"
    fg.id(tag_uri(cfg, "/".join(["feed", feed.kind] + ([feed.slug] if feed.slug else []))))
    fg.title(feed.title)
    fg.subtitle(feed.subtitle)  # also the RSS channel description
    fg.author(name=cfg.author)
    fg.language(cfg.language)
    fg.generator(*GENERATOR)
    fg.icon(f"{cfg.site_url}/favicon.svg")
    fg.image(url=podcast_image_url(cfg), title=feed.title, link=feed.page_url)
    # RSS takes the last link as <link>: self first, the page last.
    fg.link(href=self_url, rel="self",
            type="application/atom+xml" if fmt == "atom" else "application/rss+xml")
    fg.link(href=feed.page_url, rel="alternate", type="text/html")
    if cfg.websub_hub and fmt == "atom":
        fg.link(href=cfg.websub_hub, rel="hub")
    elif cfg.websub_hub:
        fg.register_extension("websub", _WebSubRss, atom=False, rss=True)
        fg.websub.hub = cfg.websub_hub
    updated = feed_updated(entries)
    fg.updated(updated)
    fg.lastBuildDate(updated)
    if podcast:
        fg.podcast.itunes_author(cfg.podcast_author)
        category, sub = (list(cfg.podcast_category) + [None])[:2]
        fg.podcast.itunes_category(category, sub) if sub else fg.podcast.itunes_category(category)
        fg.podcast.itunes_explicit("yes" if cfg.podcast_explicit else "no")
        fg.podcast.itunes_image(podcast_image_url(cfg))
        fg.podcast.itunes_summary(feed.subtitle)
        fg.podcast.itunes_type("episodic")
        if cfg.podcast_owner_email:
            fg.podcast.itunes_owner(name=cfg.podcast_owner_name, email=cfg.podcast_owner_email)
    for entry in entries:
        _add_entry(fg, entry, fmt, podcast)
    if fmt == "atom":
        return fg.atom_str(pretty=True)
    return fg.rss_str(pretty=True)


def write_feed(feed: Feed, fmt: str, entries: list[Entry], cfg: FeedSettings,
               output_path: str) -> str:
    """Write the feed in ``fmt``; returns its path relative to the output folder."""
    relpath = feed.path(cfg.feeds_path, fmt)
    write_new(str(Path(output_path) / relpath), render(feed, entries, fmt, cfg))
    logger.debug("Wrote feed %s", relpath)
    return relpath


def write_cover(cfg: FeedSettings, output_path: str) -> None:
    """The default podcast/feed image, unless the site names its own."""
    if cfg.podcast_image:
        return
    write_new(str(Path(output_path) / cfg.feeds_path / PODCAST_COVER.name),
              PODCAST_COVER.read_bytes())

