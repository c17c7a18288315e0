"""Helpers for the seo and search tests: read post headers and the built site's metadata."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from conftest import source_header

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
LONDON = ZoneInfo("Europe/London")


header = source_header  # a Markdown source's `Key: value` header, keys lower-cased


def body(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("\n\n", 1)[1] if "\n\n" in text else ""


def local_time(value: str) -> datetime:
    """A header date such as "2019-03-14 09:30" in the site's time zone."""
    return datetime.fromisoformat(value).replace(tzinfo=LONDON)


def post_path(meta: dict[str, str]) -> str:
    return f"/blog/{meta['date'][:4]}/{meta['date'][5:7]}/{meta['slug']}/"


def sitemap(output: Path) -> dict[str, str | None]:
    """loc -> lastmod (None when absent), parsed with ElementTree."""
    root = ET.parse(output / "sitemap.xml").getroot()
    assert root.tag == "{%s}urlset" % SITEMAP_NS["sm"]
    entries = {}
    for url in root.findall("sm:url", SITEMAP_NS):
        loc = url.findtext("sm:loc", namespaces=SITEMAP_NS)
        assert loc not in entries, f"{loc} listed twice"
        entries[loc] = url.findtext("sm:lastmod", namespaces=SITEMAP_NS)
    return entries


def url_of(output: Path, path: Path) -> str:
    """The root-relative URL a static server gives an output file."""
    relative = path.relative_to(output).as_posix()
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + relative[: -len("index.html")]
    return "/" + relative


def jsonld_blocks(doc) -> list[dict]:
    """Every JSON-LD block on a page, parsed with json.loads (fails loudly if one does not parse)."""
    return [json.loads(tag.string or "") for tag in doc.find_all("script", type="application/ld+json")]


def meta_content(doc, key: str) -> list[str]:
    tags = doc.find_all("meta", attrs={"property": key}) or doc.find_all("meta", attrs={"name": key})
    return [tag["content"] for tag in tags]
