"""Feeds from small fixture sites: escaping, absolute links, limits, summary mode, stable ids,
and clear errors for bad media metadata."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from lxml import etree

from conftest import FixtureSite
from feeds_support import ATOM, CONTENT, check_content_html, check_feed_file, feed_files

SITE = "https://open.coop"
NASTY_TITLE = "A & B <script>x</script>"
NASTY_BODY = """\
Read [the about page](/about/) and [this post]({filename}/posts/plain.md) or [a relative one](../x/).

![A picture](/images/pic.png)

<script>alert("body")</script>
<p onclick="steal()">Click &amp; <a href="javascript:alert(1)">run</a></p>
<iframe src="https://evil.example/"></iframe>
<img src="/images/local.png" alt="local" onerror="alert(2)">
"""


# Posts moved from other sites, with the guid their old RSS feeds gave them.
MOVED = {"moved": "4711", "from-drupal": "123 at https://old.example.org"}


def _entries(path: Path):
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo
    return parsed.entries


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> FixtureSite:
    site = FixtureSite(tmp_path_factory.mktemp("feeds"))
    site.post("plain", title="Plain", date="2020-01-01 09:00")
    site.post("nasty", title=NASTY_TITLE, date="2020-02-01 09:00", body=NASTY_BODY,
              summary="Tom &amp; Jerry <em>summary</em>")
    site.post("episode", title="Episode", date="2020-03-01 09:00", category="Audio",
              tags="podcast", extra="Audio: https://media.example.org/ep1.mp3\nAudio_length: 1234\n"
              "Duration: 00:12:00")
    site.post("clip", title="Clip", date="2020-04-01 09:00", category="Video",
              extra="Video: /media/clip.webm")
    site.post("edited", title="Edited", date="2020-05-01 09:00",
              extra="Modified: 2021-06-01 10:30\nFeed_id: urn:uuid:6f1b0a5e-2a54-4b8e-9d6f-0b0a7c1d2e3f")
    for slug, old in MOVED.items():
        site.post(slug, date="2019-06-01 09:00", extra=f"Feed_id: {old}")
    site.page("about", "About")
    site.file("images/pic.png", "not really a picture")
    site.file("images/local.png", "not really a picture")
    # The feeds must neutralise hostile markup on their own, so the content lint is off here.
    result = site.build(overrides={"CONTENT_SECURITY_LINT": False})
    assert result.ok, result.stderr
    return site


def test_every_fixture_feed_is_valid(fixture_site):
    files = feed_files(fixture_site.output)
    assert len(files) >= 10
    for path in files:
        check_feed_file(fixture_site.output, path, SITE)
    # The events plugin is on, so even a site without events has an (empty, valid) events feed
    # that the events page announces.
    assert (fixture_site.output / "feeds/events.atom.xml").exists()


def test_title_and_body_arrive_escaped_and_inert(fixture_site):
    for fmt in ("atom", "rss"):
        entry = next(e for e in _entries(fixture_site.output / f"feeds/all.{fmt}.xml")
                     if e.link.endswith("/nasty/"))
        assert entry.title == NASTY_TITLE
        body = entry.content[0].value
        doc = check_content_html(body, fmt)
        assert doc.find("script") is None and "alert" not in body
        assert "Click & run" in doc.get_text()
        assert doc.find("a", string="run").get("href") is None
        assert doc.find("img", alt="local")["src"] == f"{SITE}/images/local.png"
        hrefs = {a.get_text(): a.get("href") for a in doc.find_all("a")}
        assert hrefs["the about page"] == f"{SITE}/about/"
        assert hrefs["this post"] == f"{SITE}/blog/2020/01/plain/"
        assert hrefs["a relative one"] == f"{SITE}/blog/2020/02/x/"
        assert doc.find("img", alt="A picture")["src"] == f"{SITE}/images/pic.png"
    # The raw XML escapes the markup (no CDATA tricks, no literal <script> element).
    raw = (fixture_site.output / "feeds/all.atom.xml").read_text(encoding="utf-8")
    root = etree.fromstring(raw.encode())
    assert not list(root.iter("script", "{http://www.w3.org/1999/xhtml}script"))
    assert "<title>A &amp; B &lt;script&gt;x&lt;/script&gt;</title>" in raw


def test_the_title_is_escaped_on_the_html_page_too(fixture_site):
    html = (fixture_site.output / "blog/2020/02/nasty/index.html").read_text(encoding="utf-8")
    doc = BeautifulSoup(html, "html.parser")
    assert doc.h1.get_text(strip=True) == NASTY_TITLE
    assert "<script>x</script>" not in html


def test_enclosures_from_audio_and_video_metadata(fixture_site):
    for fmt in ("atom", "rss"):
        entries = {e.title: e for e in _entries(fixture_site.output / f"feeds/all.{fmt}.xml")}
        (audio,) = entries["Episode"].enclosures
        assert (audio.href, int(audio.length), audio.type) == (
            "https://media.example.org/ep1.mp3", 1234, "audio/mpeg")
        (video,) = entries["Clip"].enclosures
        # A site-relative media path becomes absolute; unknown size is 0 (RSS best practice).
        assert (video.href, int(video.length), video.type) == (
            f"{SITE}/media/clip.webm", 0, "video/webm")
        assert not entries["Plain"].get("enclosures")


def test_modified_and_explicit_feed_id(fixture_site):
    entry = next(e for e in _entries(fixture_site.output / "feeds/all.atom.xml") if e.title == "Edited")
    assert entry.id == "urn:uuid:6f1b0a5e-2a54-4b8e-9d6f-0b0a7c1d2e3f"
    assert entry.published == "2020-05-01T09:00:00+01:00"
    assert entry.updated == "2021-06-01T10:30:00+01:00"
    root = etree.parse(str(fixture_site.output / "feeds/all.atom.xml")).getroot()
    assert root.findtext(f"{ATOM}updated") == "2021-06-01T10:30:00+01:00"


def test_a_feed_id_from_another_site_is_kept_where_each_format_allows(fixture_site):
    # Readers' apps know a moved post by the guid its old feed gave it: an RSS guid and a JSON
    # Feed id may be any text, so they keep it; an Atom id must be an IRI, so a value that is
    # not one gets a tag: URI there (an old Atom feed's id already was one, and is kept).
    output = fixture_site.output
    rss = {e.link.rsplit("/", 2)[-2]: e.id for e in _entries(output / "feeds/all.rss.xml")}
    atom = {e.link.rsplit("/", 2)[-2]: e.id for e in _entries(output / "feeds/all.atom.xml")}
    items = json.loads((output / "feeds/all.json").read_text(encoding="utf-8"))["items"]
    jsonfeed = {item["url"].rsplit("/", 2)[-2]: item["id"] for item in items}
    for slug, old in MOVED.items():
        assert rss[slug] == jsonfeed[slug] == old
        assert atom[slug].startswith("tag:open.coop,") and " " not in atom[slug]
    assert atom["moved"] != atom["from-drupal"]
    assert rss["edited"] == atom["edited"] == jsonfeed["edited"] == (
        "urn:uuid:6f1b0a5e-2a54-4b8e-9d6f-0b0a7c1d2e3f")
    assert rss["plain"] == atom["plain"] == jsonfeed["plain"]


def test_items_are_bounded_and_newest_first(tmp_path):
    site = FixtureSite(tmp_path)
    for day in range(1, 6):
        site.post(f"post-{day}", date=f"2021-03-0{day} 12:00", tags="shared")
    result = site.build(overrides={"FEED_MAX_ITEMS": 3, "FEED_CONTENT": "summary"})
    assert result.ok, result.stderr
    for path in feed_files(site.output):
        check_feed_file(site.output, path, SITE)
        entries = _entries(path)
        assert len(entries) <= 3
    for name in ("all", "tag/shared", "category/commons", "author/ada-lovelace"):
        for fmt in ("atom", "rss"):
            titles = [e.title for e in _entries(site.output / f"feeds/{name}.{fmt}.xml")]
            assert titles == ["Post 5", "Post 4", "Post 3"], (name, fmt)
    # Summary only, in Atom and RSS alike.
    atom = etree.parse(str(site.output / "feeds/all.atom.xml")).getroot()
    for entry in atom.findall(f"{ATOM}entry"):
        assert entry.find(f"{ATOM}content") is None
        assert "A short summary." in entry.findtext(f"{ATOM}summary")
    rss = etree.parse(str(site.output / "feeds/all.rss.xml")).getroot()
    for item in rss.iter("item"):
        assert item.find(f"{CONTENT}encoded") is None
        assert "A short summary." in item.findtext("description")
        assert "Some text." not in item.findtext("description")


def test_ids_survive_a_new_date_slug_and_domain(tmp_path):
    site = FixtureSite(tmp_path)
    site.post("first-name", title="Moving post", date="2020-01-01 09:00")
    assert site.build().ok
    before = _entries(site.output / "feeds/all.atom.xml")[0]
    site.post("first-name", title="Moving post", date="2022-07-07 07:00").rename(
        site.content / "posts" / "first-name.md")
    text = (site.content / "posts" / "first-name.md").read_text().replace("Slug: first-name", "Slug: new-name")
    (site.content / "posts" / "first-name.md").write_text(text)
    result = site.build(env={"SITEURL": "https://coop.example"})
    assert result.ok, result.stderr
    for fmt in ("atom", "rss"):
        after = _entries(site.output / f"feeds/all.{fmt}.xml")[0]
        assert after.id == before.id == "tag:open.coop,2016:posts/first-name.md"
        assert after.link == "https://coop.example/blog/2022/07/new-name/"
    for path in feed_files(site.output):
        check_feed_file(site.output, path, "https://coop.example")


def test_bad_media_metadata_is_a_clear_error(tmp_path):
    site = FixtureSite(tmp_path)
    site.post("bad", category="Audio", extra="Audio: https://media.example.org/ep.mp3\nAudio_length: 12 MB")
    site.post("worse", category="Video", extra="Video: https://media.example.org/clip")
    result = site.build()
    assert not result.ok
    assert "bad.md:9: field 'audio_length': '12 MB' is not a size in bytes" in result.stderr
    assert "worse.md:8: field 'Video': cannot tell the video type" in result.stderr
    assert "Traceback" not in result.stderr
    assert not site.output.exists()
