"""Microformats as IndieWeb tools read them (mf2py): post pages are h-entries, blog listings are
h-feeds of h-entries, event pages are h-events, each with the title, URL, date, authors and
categories the page shows, which are those of the source files."""

from __future__ import annotations

import re
from datetime import datetime

import mf2py
import pytest
import yaml

from conftest import ROOT, page_at, soup, source_header
from seo_support import local_time, post_path

SITE = "https://open.coop"
POSTS = {post_path(m): m for m in map(source_header, sorted((ROOT / "content/posts").rglob("*.md")))
         if m.get("status", "published") == "published"}


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def parsed(output, url: str) -> dict:
    return mf2py.parse(doc=page_at(output, url).read_text(encoding="utf-8"), url=SITE + url)


def _one(values: list, what: str):
    assert len(values) == 1, f"{what}: {values}"
    return values[0]


def check_entry(output, entry: dict, shows_authors: bool, shows_tags: bool, where: str) -> dict:
    """The h-entry says what the source header of the post it links to says."""
    props = entry["properties"]
    url = _one(props["url"], f"{where} url")
    meta = POSTS.get(url.removeprefix(SITE))
    assert meta is not None, f"{where}: {url} is not a published post"
    assert props["name"] == [meta["title"]], where
    published = datetime.fromisoformat(_one(props["published"], f"{where} published"))
    assert published == local_time(meta["date"]), where
    authors = [a["properties"]["name"][0] for a in props.get("author", [])]
    assert authors == (_split(meta["authors"]) if shows_authors else []), where
    for author in props.get("author", []):
        assert author["type"] == ["h-card"], where
        assert page_at(output, author["properties"]["url"][0].removeprefix(SITE)).is_file(), where
    categories = [meta["category"]] + (_split(meta.get("tags", "")) if shows_tags else [])
    if shows_authors:  # cards and post pages show the category; archive lines show no terms
        assert props["category"] == categories, where
    else:
        assert "category" not in props, where
    return meta


def test_every_post_page_is_an_h_entry(real_site):
    assert POSTS
    for url, meta in POSTS.items():
        items = parsed(real_site, url)["items"]
        entries = [item for item in items if item["type"] == ["h-entry"]]
        entry = _one(entries, url)
        assert entry["properties"]["url"] == [SITE + url]
        check_entry(real_site, entry, shows_authors=True, shows_tags=True, where=url)
        # The page's own title, and the whole post as its content.
        doc = soup(page_at(real_site, url))
        assert entry["properties"]["name"] == [doc.h1.get_text(strip=True)]
        content = _one(entry["properties"]["content"], f"{url} content")
        # Compared without white space: the two parsers space block elements differently.
        shown = "".join(doc.select_one(".prose").get_text().split())
        assert "".join(content["value"].split()) == shown, url
        assert "<p>" in content["html"]


@pytest.mark.parametrize("url", ["/", "/blog/", "/blog/page/2/", "/category/audio/", "/tag/podcast/",
                                 "/author/kwame-asante/", "/blog/archives/", "/blog/2022/"])
def test_listings_are_h_feeds_of_the_posts_they_show(real_site, url):
    doc = soup(page_at(real_site, url))
    feeds = [item for item in parsed(real_site, url)["items"] if item["type"] == ["h-feed"]]
    feed = _one(feeds, url)
    heading = doc.select_one(".h-feed .p-name").get_text(strip=True)
    assert feed["properties"]["name"] == [heading]
    archive = doc.select(".archive-list a")
    shown = [SITE + a["href"] for a in (archive or doc.select(".h-feed .card-title a"))]
    entries = feed.get("children", [])
    assert shown and [e["properties"]["url"][0] for e in entries] == shown, url
    for entry in entries:
        assert entry["type"] == ["h-entry"], url
        meta = check_entry(real_site, entry, shows_authors=not archive, shows_tags=False, where=url)
        if not archive:  # a card shows the post's summary, which readers' apps show as its gist
            summary = _one(entry["properties"]["summary"], url)
            # Its words (Markdown's marks and typographic quotes aside).
            assert re.findall(r"\w+", summary) == re.findall(r"\w+", meta["summary"]), url


def test_event_pages_are_h_events(real_site):
    events = sorted((ROOT / "content/events").glob("*.yaml"))
    assert events
    for path in events:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        url = f"/events/{data.get('slug') or path.stem}/"
        doc = soup(page_at(real_site, url))
        event = _one([i for i in parsed(real_site, url)["items"] if i["type"] == ["h-event"]], url)
        assert event["properties"]["name"] == [data["title"]] == [doc.h1.get_text(strip=True)]
        # Its own page (as in the listings), not the "More information" link.
        assert event["properties"]["url"] == [SITE + url], url
        start = doc.select_one("time.dt-start")["datetime"]
        found = _one(event["properties"]["start"], url)
        assert datetime.fromisoformat(found) == datetime.fromisoformat(start), url
        assert start.startswith(str(data["start"])[:10]), url
