"""JSON Feed beside every Atom/RSS feed: the same entries with the same ids, links, dates and full
content, the WebSub hub in all three formats, and discovery links for all three on every page."""

from __future__ import annotations

import json
from datetime import datetime

import feedparser
import pytest
from lxml import etree

from conftest import html_files, page_at, soup
from feeds_support import ATOM, feed_files

SITE = "https://open.coop"
HUB = "https://pubsubhubbub.appspot.com/"


def _atom_feeds(output):
    return [p for p in feed_files(output) if p.name.endswith(".atom.xml")]


def _json_twin(path):
    return path.with_name(path.name.replace(".atom.xml", ".json"))


def test_every_atom_feed_has_a_json_feed_with_the_same_entries(real_site):
    atoms = _atom_feeds(real_site)
    names = {p.relative_to(real_site).as_posix() for p in atoms}
    assert {"feeds/all.atom.xml", "feeds/events.atom.xml", "feeds/group/coop-cloud.atom.xml"} <= names
    assert any(n.startswith(("feeds/category/", "feeds/tag/", "feeds/author/")) for n in names)
    assert sorted((real_site / "feeds").rglob("*.json")) == sorted(map(_json_twin, atoms))
    for atom_path in atoms:
        where = atom_path.relative_to(real_site).as_posix()
        doc = json.loads(_json_twin(atom_path).read_text(encoding="utf-8"))
        root = etree.parse(str(atom_path)).getroot()
        rss = feedparser.parse(atom_path.with_name(atom_path.name.replace(".atom.", ".rss.")).read_bytes())
        entries = root.findall(f"{ATOM}entry")
        assert doc["title"] == root.findtext(f"{ATOM}title"), where
        assert doc["feed_url"] == f"{SITE}/{_json_twin(atom_path).relative_to(real_site).as_posix()}"
        page = [link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
        assert [doc["home_page_url"]] == page, where
        assert [item["id"] for item in doc["items"]] == [e.findtext(f"{ATOM}id") for e in entries]
        assert [item["id"] for item in doc["items"]] == [e.id for e in rss.entries], where
        for item, entry in zip(doc["items"], entries):
            at = f"{where} {item['id']}"
            assert item["title"] == entry.findtext(f"{ATOM}title"), at
            link = entry.find(f"{ATOM}link[@rel='alternate']")
            assert item["url"] == link.get("href"), at
            assert (datetime.fromisoformat(item["date_published"])
                    == datetime.fromisoformat(entry.findtext(f"{ATOM}published"))), at
            assert (datetime.fromisoformat(item["date_modified"])
                    == datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))), at
            # The full post, as the Atom entry carries it.
            assert item["content_html"] == entry.findtext(f"{ATOM}content"), at
            authors = [a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")]
            assert [a["name"] for a in item.get("authors", [])] == authors, at
            terms = [c.get("term") for c in entry.findall(f"{ATOM}category")]
            assert item.get("tags", []) == terms, at


def test_podcast_episodes_carry_their_audio_as_attachments(real_site):
    doc = json.loads((real_site / "feeds/category/audio.json").read_text(encoding="utf-8"))
    parsed = feedparser.parse((real_site / "feeds/category/audio.rss.xml").read_bytes())
    assert doc["items"]
    for item, entry in zip(doc["items"], parsed.entries):
        (attachment,) = item["attachments"]
        (enclosure,) = entry.enclosures
        assert attachment["url"] == enclosure.href
        assert attachment["mime_type"] == enclosure.type == "audio/mpeg"
        assert attachment["size_in_bytes"] == int(enclosure.length)
        hours, minutes, seconds = map(int, entry.itunes_duration.split(":"))
        assert attachment["duration_in_seconds"] == hours * 3600 + minutes * 60 + seconds


@pytest.mark.parametrize("name", ["all", "events", "category/audio", "group/coop-cloud"])
def test_every_format_names_the_websub_hub_beside_its_own_url(real_site, name):
    atom = etree.parse(str(real_site / f"feeds/{name}.atom.xml")).getroot()
    links = {link.get("rel"): link.get("href") for link in atom.findall(f"{ATOM}link")}
    assert links["hub"] == HUB and links["self"] == f"{SITE}/feeds/{name}.atom.xml"
    channel = etree.parse(str(real_site / f"feeds/{name}.rss.xml")).getroot().find("channel")
    links = {link.get("rel"): link.get("href") for link in channel.findall(f"{ATOM}link")}
    assert links["hub"] == HUB and links["self"] == f"{SITE}/feeds/{name}.rss.xml"
    doc = json.loads((real_site / f"feeds/{name}.json").read_text(encoding="utf-8"))
    assert doc["hubs"] == [{"type": "WebSub", "url": HUB}]
    assert doc["feed_url"] == f"{SITE}/feeds/{name}.json"


def test_every_page_announces_each_of_its_feeds_in_all_three_formats(real_site):
    for path in html_files(real_site):
        head = soup(path).head
        found = {kind: [link["href"] for link in head.find_all("link", rel="alternate", type=kind)]
                 for kind in ("application/atom+xml", "application/rss+xml", "application/feed+json")}
        atom = found["application/atom+xml"]
        assert "/feeds/all.atom.xml" in atom, path
        assert found["application/rss+xml"] == [h.replace(".atom.xml", ".rss.xml") for h in atom], path
        assert found["application/feed+json"] == [h.replace(".atom.xml", ".json") for h in atom], path
        for href in found["application/feed+json"]:
            assert page_at(real_site, href).is_file(), f"{path}: {href}"


@pytest.mark.parametrize("url, feed", [
    ("/category/audio/", "/feeds/category/audio.json"),
    ("/tag/podcast/", "/feeds/tag/podcast.json"),
    ("/author/kwame-asante/", "/feeds/author/kwame-asante.json"),
    ("/working-groups/coop-cloud/", "/feeds/group/coop-cloud.json"),
    ("/events/", "/feeds/events.json"),
])
def test_pages_announce_the_json_feed_of_what_they_show(real_site, url, feed):
    head = soup(page_at(real_site, url)).head
    links = {link["href"]: link.get("title", "") for link in
             head.find_all("link", rel="alternate", type="application/feed+json")}
    assert feed in links and links[feed].endswith("(JSON Feed)")
    title = json.loads(page_at(real_site, feed).read_text(encoding="utf-8"))["title"]
    assert links[feed] == f"{title} (JSON Feed)"


def test_a_warm_build_rewrites_the_json_feeds_of_an_edited_post_and_reuses_the_others(site):
    ada = site.post("ada-post", body="The first version of Ada's post.")
    site.post("grace-post", body="Grace's post.", category="Software", tags="code",
              authors="Grace Hopper", date="2020-04-01 10:00")
    assert site.build().ok
    feeds = site.output / "feeds"
    grace = {name: (feeds / f"{name}.json").stat().st_ino
             for name in ("category/software", "tag/code", "author/grace-hopper")}

    ada.write_text(ada.read_text().replace("The first version", "The SECOND version"))
    assert site.build().ok
    for name in ("all", "category/commons", "tag/commons", "author/ada-lovelace"):
        doc = json.loads((feeds / f"{name}.json").read_text(encoding="utf-8"))
        item = next(i for i in doc["items"] if i["url"] == f"{SITE}/blog/2020/05/ada-post/")
        assert "The SECOND version" in item["content_html"], name
    assert {name: (feeds / f"{name}.json").stat().st_ino for name in grace} == grace
