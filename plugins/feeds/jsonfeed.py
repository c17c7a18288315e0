"""Render a planned feed as JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/).

The same entries as the Atom and RSS files of the feed, in the same order, with the same ids, so
a reader that follows both never shows a post twice.
"""

from __future__ import annotations

import json

from .entries import Entry
from .html import plain_text
from .selection import Feed
from .settings import FeedSettings

VERSION = "https://jsonfeed.org/version/1.1"


def _seconds(duration: str | None) -> int | None:
    """'HH:MM:SS' (or 'MM:SS', or seconds) as a whole number of seconds."""
    if not duration:
        return None
    parts = duration.split(":")
    if not all(part.isdigit() for part in parts) or len(parts) > 3:
        return None
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return seconds


def _item(entry: Entry) -> dict:
    item: dict = {
        "id": entry.guid or entry.id,
        "url": entry.link,
        "title": entry.title,
        # Summary-only feeds still need one of content_html/content_text.
        "content_html": entry.content_html if entry.content_html is not None else entry.summary_html,
    }
    summary = plain_text(entry.summary_html)
    if summary:
        item["summary"] = summary
    item["date_published"] = entry.published.isoformat()
    item["date_modified"] = entry.updated.isoformat()
    if entry.authors:
        item["authors"] = [{"name": name} for name in entry.authors]
    if entry.categories:
        item["tags"] = list(entry.categories)
    if entry.enclosure:
        attachment: dict = {"url": entry.enclosure.url, "mime_type": entry.enclosure.type}
        if entry.enclosure.length:
            attachment["size_in_bytes"] = entry.enclosure.length
        seconds = _seconds(entry.duration)
        if seconds is not None:
            attachment["duration_in_seconds"] = seconds
        item["attachments"] = [attachment]
    return item


def render_json(feed: Feed, entries: list[Entry], cfg: FeedSettings, icon: str) -> bytes:
    """The feed document as UTF-8 JSON; ``icon`` is the absolute URL of the feed's image."""
    document: dict = {
        "version": VERSION,
        "title": feed.title,
        "home_page_url": feed.page_url,
        "feed_url": f"{cfg.site_url}/{feed.path(cfg.feeds_path, 'json')}",
        "description": feed.subtitle,
        "icon": icon,
        "favicon": f"{cfg.site_url}/favicon.svg",
        "authors": [{"name": cfg.author, "url": f"{cfg.site_url}/"}],
        "language": cfg.language,
    }
    if cfg.websub_hub:
        document["hubs"] = [{"type": "WebSub", "url": cfg.websub_hub}]
    document["items"] = [_item(entry) for entry in entries]
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
