"""Plain feed entries built from Pelican articles and from events (the Event contract).

The writer only sees these objects, so what goes into a feed can be read and tested here.
"""

from __future__ import annotations

import mimetypes
import os
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from html import escape
from pathlib import PurePath
from urllib.parse import quote

from content_checks.rules import quote as quote_value
from publishing.clock import now

from .html import absolute_url, clean_html
from .settings import FeedSettings

# Metadata keys (Pelican lower-cases them) naming a media file, with the MIME family to expect.
MEDIA_FIELDS = (("audio", "audio"), ("video", "video"))
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
# Characters a tag: URI's specific part may hold unescaped (RFC 4151: pchar / "/" / "?").
TAG_SAFE = "/?:@!$&'()*+,;=-._~"
# An absolute IRI (RFC 3987): a scheme, then no space and none of the characters it excludes.
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class Enclosure:
    url: str
    length: int
    type: str


@dataclass
class Entry:
    id: str
    title: str
    link: str
    published: datetime
    updated: datetime
    summary_html: str
    content_html: str | None
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    enclosure: Enclosure | None = None
    duration: str | None = None
    extra: dict = field(default_factory=dict)
    guid: str | None = None  # the RSS guid and JSON Feed id, where it is not ``id``


def aware(value: datetime | date, zone) -> datetime:
    """An aware datetime: naive values are read in the site's TIMEZONE, dates at midnight."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    # Pelican's SafeDatetime and friends: feedgen wants a plain datetime.
    value = datetime(value.year, value.month, value.day, value.hour, value.minute, value.second,
                     value.microsecond, tzinfo=value.tzinfo)
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def tag_uri(cfg: FeedSettings, specific: str) -> str:
    return f"tag:{cfg.site_id}:{quote(specific, safe=TAG_SAFE)}"


def article_ids(article, cfg: FeedSettings, content_root: str) -> tuple[str, str]:
    """(Atom id, RSS guid and JSON Feed id) of a post: stable across date, slug and domain
    changes, from its source path, or its Feed_id when it came from another site. That value
    is kept as it is where the format allows: any text for a guid, an IRI only for an Atom id
    (a guid such as Drupal's "123 at https://..." gets a tag: URI there)."""
    explicit = str(article.metadata.get("feed_id") or "").strip()
    if explicit:
        return (explicit if _IRI.fullmatch(explicit) else tag_uri(cfg, explicit)), explicit
    relative = os.path.relpath(article.source_path, content_root)
    made = tag_uri(cfg, PurePath(relative).as_posix())
    return made, made


def media_type(url: str, family: str) -> str | None:
    guessed, _ = mimetypes.guess_type(url.split("?", 1)[0], strict=False)
    if guessed and guessed.split("/", 1)[0] == family:
        return guessed
    return None


def media_problems(article, podcast: str | None = None) -> list[tuple[str, str]]:
    """(field, message) for each Audio/Video metadata mistake in ``article``; a post in the
    ``podcast`` category (its slug) must give its episode's audio file."""
    problems = []
    category = getattr(article, "category", None)
    if (podcast and getattr(category, "slug", None) == podcast
            and not str(article.metadata.get("audio") or "").strip()):
        problems.append(("Audio", f"missing: the {category.name} category is the podcast, each "
                         "of its posts an episode (expected Audio: https://... the episode's "
                         "audio file, or another category)"))
    for key, family in MEDIA_FIELDS:
        url = str(article.metadata.get(key) or "").strip()
        if not url:
            continue
        if absolute_url(url, "https://example.org/") is None:
            problems.append((key.capitalize(), f"{quote_value(url)} is not a web address (expected "
                             "https://...)"))
        elif media_type(url, family) is None:
            problems.append((key.capitalize(), f"cannot tell the {family} type of {quote_value(url)} from its "
                             f"extension (expected e.g. .mp3, .m4a, .ogg for audio; .mp4, .webm for video)"))
        # Its <key>_length is checked with the other header fields by content_checks.
    return problems


def article_enclosure(article, cfg: FeedSettings, base: str) -> Enclosure | None:
    for key, family in MEDIA_FIELDS:
        url = str(article.metadata.get(key) or "").strip()
        if not url:
            continue
        length = str(article.metadata.get(f"{key}_length") or "0").strip()
        # RSS best practice: 0 when the size is unknown (Video posts often do not give one).
        return Enclosure(absolute_url(url, base) or url, int(length) if length.isdigit() else 0,
                         media_type(url, family) or f"{family}/mpeg")
    return None


def article_source(article, cfg: FeedSettings, content_root: str) -> Entry:
    """A post's feed entry with its HTML as Pelican renders it, before ``finish_entry`` cleans
    it: everything the entry will show, so it is also what the entry's cache key covers.
    Content is read now, after links are resolved."""
    link = f"{cfg.site_url}/{article.url}"
    published = aware(article.date, cfg.timezone)
    modified = getattr(article, "modified", None)
    updated = aware(modified, cfg.timezone) if modified else published
    authors = tuple(a.name for a in getattr(article, "authors", []) or [])
    categories = [article.category.name] if getattr(article, "category", None) else []
    categories += [t.name for t in getattr(article, "tags", []) or [] if t.name not in categories]
    atom_id, guid = article_ids(article, cfg, content_root)
    return Entry(
        id=atom_id,
        guid=guid,
        title=str(article.title),
        link=link,
        published=published,
        updated=max(updated, published),
        # get_content(siteurl) resolves {filename}/{static} links against the public address.
        summary_html=article.get_summary(cfg.site_url),
        content_html=article.get_content(cfg.site_url) if cfg.content == "full" else None,
        authors=authors,
        categories=tuple(categories),
        enclosure=article_enclosure(article, cfg, link),
        duration=str(article.metadata.get("duration") or "").strip() or None,
    )


def finish_entry(source: Entry) -> Entry:
    """``source`` with its HTML made safe and absolute for feed readers (the costly part)."""
    content = source.content_html
    return replace(source, summary_html=clean_html(source.summary_html, source.link),
                   content_html=None if content is None else clean_html(content, source.link))


def feed_updated(entries: list[Entry]) -> datetime:
    """The feed's <updated>: the latest change among its entries, never the wall clock (same
    content, same bytes), unless it has none."""
    return max((e.updated for e in entries), default=None) or now()


def human_date(value: datetime | date) -> str:
    """'5 January 2027', independent of the build machine's locale."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def _event_when(event) -> datetime | date:
    if getattr(event, "is_upcoming", False) and getattr(event, "next_start", None):
        return event.next_start
    return event.start


def _event_content(event, page: str, ics: str) -> str:
    when = _event_when(event)
    when_text = getattr(event, "when_text", "") or human_date(when)
    rows = [f"<p><strong>Date:</strong> {escape(when_text)}</p>"]
    if getattr(event, "timezone", None):
        rows.append(f"<p><strong>Time zone:</strong> {escape(event.timezone)}</p>")
    place = [p for p in (getattr(event, "location_name", None), getattr(event, "location_address", None)) if p]
    if place:
        rows.append(f"<p><strong>Place:</strong> {escape(', '.join(map(str, place)))}</p>")
    online = getattr(event, "online_url", None)
    if online and absolute_url(str(online), page):
        url = escape(absolute_url(str(online), page), quote=True)
        rows.append(f'<p><strong>Online:</strong> <a href="{url}">{url}</a></p>')
    status = getattr(event, "status", "confirmed")
    if status and status != "confirmed":
        rows.append(f"<p><strong>Status:</strong> {escape(status)}</p>")
    if getattr(event, "summary", ""):
        rows.append(f"<p>{escape(event.summary)}</p>")
    if getattr(event, "description_html", ""):
        rows.append(event.description_html)
    rows.append(f'<p><a href="{escape(page, quote=True)}">Event page</a> · '
                f'<a href="{escape(ics, quote=True)}">Add to calendar (.ics)</a></p>')
    return clean_html("\n".join(rows), page)


def event_entry(event, cfg: FeedSettings) -> Entry:
    """A feed entry for an event: dated title, when/where/links in the content."""
    page = f"{cfg.site_url}/{event.url}"
    ics = f"{cfg.site_url}/{event.ics_url}"
    when = _event_when(event)
    # Events carry no publication date: when the event was last revised (its `updated:` field or
    # its file's last change), so each entry says when its own information changed.
    revision = getattr(event, "revision", None) or getattr(event, "updated", None)
    updated = aware(revision, cfg.timezone) if revision else now()
    # A series' entry names its next occurrence: it changed when the one before ended.
    since = getattr(event, "next_since", None)
    if since is not None and aware(since, cfg.timezone) > updated:
        updated = aware(since, cfg.timezone)
    content = _event_content(event, page, ics)
    summary = escape(getattr(event, "summary", "") or "") or escape(f"{human_date(when)}: {event.title}")
    organizer = getattr(event, "organizer", None)
    status = getattr(event, "status", "confirmed")
    return Entry(
        id=tag_uri(cfg, f"events/{event.slug}"),
        title=f"{human_date(when)}: {'Cancelled: ' if status == 'cancelled' else ''}{event.title}",
        link=page,
        published=updated,
        updated=updated,
        summary_html=summary,
        content_html=content if cfg.content == "full" else None,
        authors=(str(organizer),) if isinstance(organizer, str) and organizer else (),
        categories=tuple(getattr(event, "tags", []) or []),
    )
