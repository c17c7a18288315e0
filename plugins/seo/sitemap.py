"""sitemap.xml: every published URL with the date its content last changed.

The list is computed from the Pelican context (the same objects the templates render), so drafts,
hidden pages and the 404 page never appear, and pagination matches what Pelican writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable, Mapping
from xml.etree import ElementTree as ET

from pelican.paginator import Paginator

from fastbuild import make_key

from .settings import SeoSettings

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Direct templates that are not content a search engine should list.
_NOT_LISTED = {"404"}


@dataclass(frozen=True)
class Entry:
    loc: str
    lastmod: datetime | date | None


def changed(item: Any) -> datetime | None:
    """When a post or page last changed: Modified, else Date, else unknown."""
    return getattr(item, "modified", None) or getattr(item, "date", None)


def _newest(items: Iterable[Any]) -> datetime | None:
    dates = [d for d in (changed(item) for item in items) if d is not None]
    return max(dates) if dates else None


def _pairs(value: Any) -> list:
    return list(value.items()) if isinstance(value, Mapping) else list(value or [])


def _paginated(name: str, save_as: str, url: str, items: list, settings: Mapping) -> list[str]:
    """URLs of every page Pelican writes for a (possibly) paginated list."""
    paginated = settings.get("PAGINATED_TEMPLATES", {})
    if name not in paginated:
        return [url]
    per_page = paginated[name] or settings.get("DEFAULT_PAGINATION")
    paginator = Paginator(save_as, url, items, settings, per_page or None)
    return [paginator.page(n).url for n in range(1, paginator.num_pages + 1)]


def sitemap_entries(context: Mapping[str, Any], config: SeoSettings) -> list[Entry]:
    """Every published URL, home first then sorted by address, each listed once."""
    settings = context
    articles = list(context.get("articles") or [])
    newest = _newest(articles)
    found: dict[str, datetime | date | None] = {}

    def add(url: str | None, lastmod: datetime | date | None) -> None:
        if url is None:
            return
        loc = config.absolute(url)
        if loc not in found or (lastmod and (found[loc] is None or lastmod > found[loc])):
            found[loc] = lastmod

    for template in settings.get("DIRECT_TEMPLATES", []):
        if template in _NOT_LISTED:
            continue
        save_as = settings.get(f"{template.upper()}_SAVE_AS", f"{template}.html")
        url = settings.get(f"{template.upper()}_URL", f"{template}.html")
        if not save_as:
            continue
        lastmod = None if template == "search" else newest
        for page_url in _paginated(template, save_as, url, articles, settings):
            add(page_url, lastmod)

    for article in articles:
        if getattr(article, "status", "published") == "published" and article.save_as:
            add(article.url, changed(article))
    for page in context.get("pages") or []:
        if getattr(page, "status", "published") == "published" and page.save_as:
            add(page.url, changed(page))

    for kind in ("category", "tag", "author"):
        for thing, items in _pairs(context.get(f"{kind}s" if kind != "category" else "categories")):
            if not thing.save_as:
                continue
            lastmod = _newest(items)
            for page_url in _paginated(kind, thing.save_as, thing.url, list(items), settings):
                add(page_url, lastmod)

    for archive in (context.get("period_archives") or {}).get("year", []):
        if archive.get("save_as"):
            add(archive["url"], _newest(archive["articles"]))

    _add_events(context, config, add)
    _add_groups(context, config, add)
    # Files other plugins publish for machines to find (site paths), e.g. Murmurations profiles.
    for url in context.get("sitemap_extra_urls") or ():
        add(url, None)

    ordered = sorted(found.items(), key=lambda item: (item[0] != config.absolute(""), item[0]))
    return [Entry(loc, lastmod) for loc, lastmod in ordered]


def _add_events(context: Mapping[str, Any], config: SeoSettings, add) -> None:
    if "events" not in context:
        return
    events = list(context.get("events") or [])
    updates = [e.updated for e in events if getattr(e, "updated", None)]
    add(config.events_url, max(updates) if updates else None)
    for event in events:
        add(event.url, getattr(event, "updated", None))


def _add_groups(context: Mapping[str, Any], config: SeoSettings, add) -> None:
    if "working_groups" not in context:
        return
    add(config.working_groups_url, None)
    for group in list(context.get("working_groups") or []) + list(
            context.get("archived_working_groups") or []):
        add(group.url, None)


def w3c_datetime(value: datetime | date) -> str:
    """W3C datetime (RFC 3339 profile) as sitemaps expect."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def sitemap_key(entries: Iterable[Entry]) -> str:
    """The cache key of sitemap.xml (fastbuild.outputcache): exactly what it lists."""
    return make_key(*(part for entry in entries for part in
                      (entry.loc, "" if entry.lastmod is None else w3c_datetime(entry.lastmod))))


def render_sitemap(entries: Iterable[Entry]) -> bytes:
    urlset = ET.Element(f"{{{NS}}}urlset")
    for entry in entries:
        url = ET.SubElement(urlset, f"{{{NS}}}url")
        ET.SubElement(url, f"{{{NS}}}loc").text = entry.loc
        if entry.lastmod is not None:
            ET.SubElement(url, f"{{{NS}}}lastmod").text = w3c_datetime(entry.lastmod)
    ET.indent(urlset)
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True, default_namespace=NS) + b"\n"
