"""Feeds of the real site: every file valid and complete, podcast tags, enclosures, discovery."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime

import feedparser
import pytest
from lxml import etree

from conftest import source_header, ROOT, html_files, page_at, soup
from feeds_support import ATOM, ITUNES, check_feed_file, feed_files

SITE = "https://open.coop"
POSTS = sorted((ROOT / "content" / "posts").rglob("*.md"))




PUBLISHED = {p: source_header(p) for p in POSTS if source_header(p).get("status", "published") == "published"}


def test_every_feed_is_valid_atom_or_rss(real_site):
    files = feed_files(real_site)
    names = {f.relative_to(real_site).as_posix() for f in files}
    assert {"feeds/all.atom.xml", "feeds/all.rss.xml"} <= names
    for category in ("audio", "video", "commons", "legal-structures"):
        assert f"feeds/category/{category}.atom.xml" in names
        assert f"feeds/category/{category}.rss.xml" in names
    assert any(n.startswith("feeds/tag/") for n in names)
    assert any(n.startswith("feeds/author/") for n in names)
    assert "feeds/group/coop-cloud.atom.xml" in names
    # Each Atom feed has its RSS twin.
    assert {n.replace(".atom.", ".rss.") for n in names if ".atom." in n} == {n for n in names if ".rss." in n}
    for path in files:
        check_feed_file(real_site, path, SITE)


def test_site_feed_holds_newest_posts_first_with_stable_ids(real_site):
    parsed = feedparser.parse((real_site / "feeds/all.atom.xml").read_bytes())
    assert len(parsed.entries) == min(20, len(PUBLISHED))
    published = [datetime(*e.published_parsed[:6]) for e in parsed.entries]
    assert published == sorted(published, reverse=True)
    newest = sorted(PUBLISHED.items(), key=lambda kv: kv[1]["date"], reverse=True)[0]
    first = parsed.entries[0]
    assert first.title == newest[1]["title"]
    rel = newest[0].relative_to(ROOT / "content").as_posix()
    assert first.id == f"tag:open.coop,2016:{rel}"
    assert first.link == f"{SITE}/blog/{newest[1]['date'][:4]}/{newest[1]['date'][5:7]}/{newest[1]['slug']}/"
    # Feed's updated is the newest entry's, not the build time.
    root = etree.parse(str(real_site / "feeds/all.atom.xml")).getroot()
    entry_updated = [datetime.fromisoformat(u.text) for u in root.iter(f"{ATOM}updated")][1:]
    assert datetime.fromisoformat(root.findtext(f"{ATOM}updated")) == max(entry_updated)
    rss = etree.parse(str(real_site / "feeds/all.rss.xml")).getroot()
    assert parsedate_to_datetime(rss.findtext("channel/lastBuildDate")) == max(entry_updated)


def test_modified_posts_carry_published_and_updated(real_site):
    path, meta = next((p, m) for p, m in PUBLISHED.items() if p.stem == "choosing-a-legal-form")
    rel = path.relative_to(ROOT / "content").as_posix()
    parsed = feedparser.parse((real_site / "feeds/category/legal-structures.atom.xml").read_bytes())
    entry = next(e for e in parsed.entries if e.id == f"tag:open.coop,2016:{rel}")
    assert entry.published.startswith("2024-03-18T09:00:00")
    assert entry.updated.startswith("2024-04-02T10:15:00")
    assert {t.term for t in entry.tags} >= {"Legal Structures", "legal structures"}
    assert [a.name for a in entry.authors] == ["Rhiannon Pryce"]
    # {filename} links in the post became absolute links to the public site.
    assert f'href="{SITE}/blog/2020/' in entry.content[0].value


@pytest.mark.parametrize("category, field", [("audio", "audio"), ("video", "video")])
def test_media_posts_have_enclosures(real_site, category, field):
    expected = {m["title"]: m for m in PUBLISHED.values() if m.get("category", "").lower() == category}
    assert expected
    for fmt in ("atom", "rss"):
        parsed = feedparser.parse((real_site / f"feeds/category/{category}.{fmt}.xml").read_bytes())
        assert {e.title for e in parsed.entries} == set(expected)
        for entry in parsed.entries:
            meta = expected[entry.title]
            (enclosure,) = entry.enclosures
            assert enclosure.href == meta[field]
            assert enclosure.type == ("audio/mpeg" if field == "audio" else "video/mp4")
            assert int(enclosure.length) == int(meta.get(f"{field}_length", 0))


def test_audio_rss_is_a_podcast(real_site):
    channel = etree.parse(str(real_site / "feeds/category/audio.rss.xml")).getroot().find("channel")
    assert channel.findtext(f"{ITUNES}author") == "The Open Co-op"
    assert channel.find(f"{ITUNES}category").get("text")
    # Apple's current spec: "true" or "false" (the W3C validator rejects "no"/"yes"/"clean").
    assert channel.findtext(f"{ITUNES}explicit") == "false"
    assert channel.findtext(f"{ITUNES}type") == "episodic"
    owner = channel.find(f"{ITUNES}owner")
    assert owner.findtext(f"{ITUNES}name") == "The Open Co-op"
    assert owner.findtext(f"{ITUNES}email") == "hello@open.coop"
    image = channel.find(f"{ITUNES}image").get("href")
    assert image.startswith(SITE + "/") and image.endswith((".png", ".jpg"))
    assert (real_site / image[len(SITE) + 1:]).is_file()
    items = channel.findall("item")
    assert items and all(item.findtext(f"{ITUNES}duration") for item in items)
    assert {item.findtext(f"{ITUNES}episodeType") for item in items} == {"full"}
    # Only the audio feed is a podcast.
    other = etree.parse(str(real_site / "feeds/category/video.rss.xml")).getroot()
    assert other.find(f"channel/{ITUNES}author") is None


def test_autodiscovery_links_resolve_on_every_page(real_site):
    for path in html_files(real_site):
        doc = soup(path)
        feeds = doc.find_all("link", rel="alternate", type=["application/atom+xml", "application/rss+xml"])
        hrefs = [link["href"] for link in feeds]
        assert "/feeds/all.atom.xml" in hrefs and "/feeds/all.rss.xml" in hrefs, path
        for link in feeds:
            assert link.get("title"), path
            assert page_at(real_site, link["href"]).is_file(), f"{path}: {link['href']}"


@pytest.mark.parametrize("url, feed", [
    ("/category/audio/", "/feeds/category/audio"),
    ("/tag/podcast/", "/feeds/tag/podcast"),
    ("/author/kwame-asante/", "/feeds/author/kwame-asante"),
    ("/blog/2019/10/podcast-what-is-a-platform-co-op/", "/feeds/category/audio"),
    ("/blog/2023/05/co-op-cloud-in-ten-minutes/", "/feeds/group/coop-cloud"),
])
def test_pages_announce_the_feed_of_what_they_show(real_site, url, feed):
    doc = soup(page_at(real_site, url))
    hrefs = {link["href"] for link in doc.find_all("link", rel="alternate")}
    assert {f"{feed}.atom.xml", f"{feed}.rss.xml"} <= hrefs


@pytest.mark.parametrize("url, feed", [
    ("/blog/", "/feeds/all"),
    ("/category/commons/", "/feeds/category/commons"),
    ("/tag/podcast/", "/feeds/tag/podcast"),
    ("/author/kwame-asante/", "/feeds/author/kwame-asante"),
])
def test_list_pages_show_a_subscribe_link(real_site, url, feed):
    doc = soup(page_at(real_site, url))
    main = doc.find("main")
    links = {a["href"]: a.get_text(" ", strip=True) for a in main.select("p.subscribe a")}
    assert links.get(f"{feed}.atom.xml") == "Subscribe"
    assert f"{feed}.rss.xml" in links
    assert page_at(real_site, f"{feed}.atom.xml").is_file()
