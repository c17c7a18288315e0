"""Feeds gate: every feed under output/feeds is well-formed for feedparser and has every element
RFC 4287 (Atom) or RSS 2.0 requires, with RFC 3339 / RFC 822 dates; every JSON Feed has what
JSON Feed 1.1 requires."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from .feeds_check import atom_problems, feed_format, json_feed_problems, rss_problems
from .gates_support import missing

CHECKS = {"atom": atom_problems, "rss": rss_problems}


def _feeds(output: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {"atom": [], "rss": [], None: []}
    for path in sorted((output / "feeds").rglob("*.xml")):
        try:
            kind = feed_format(ET.parse(path).getroot())
        except ET.ParseError:
            kind = None
        found[kind].append(path)
    return found


def test_every_feed_file_is_atom_or_rss(real_site):
    unknown = [str(p.relative_to(real_site)) for p in _feeds(real_site)[None]]
    assert not unknown, f"not Atom or RSS 2.0 (or not XML): {unknown}"


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_every_feed_meets_its_standard(fmt, real_site):
    feeds = _feeds(real_site)[fmt]
    if not feeds:
        missing(f"{fmt} feeds under /feeds/ (the site must publish feeds)")
    assert (real_site / "feeds" / f"all.{fmt}.xml") in feeds, f"no /feeds/all.{fmt}.xml"
    problems = []
    for path in feeds:
        name = path.relative_to(real_site).as_posix()
        parsed = feedparser.parse(path.read_bytes())
        if parsed.bozo:
            problems.append(f"{name}: feedparser: {parsed.bozo_exception}")
        expected_version = "atom10" if fmt == "atom" else "rss20"
        if parsed.version != expected_version:
            problems.append(f"{name}: feedparser reads it as {parsed.version!r}")
        problems += [f"{name}: {p}" for p in CHECKS[fmt](ET.parse(path).getroot())]
    assert not problems, f"{len(problems)} problems in {len(feeds)} {fmt} feeds:\n" + "\n".join(problems)


def test_every_json_feed_meets_json_feed_1_1(real_site):
    feeds = sorted((real_site / "feeds").rglob("*.json"))
    if not feeds:
        missing("JSON Feeds under /feeds/ (the site must publish feeds)")
    assert (real_site / "feeds" / "all.json") in feeds, "no /feeds/all.json"
    problems = []
    for path in feeds:
        name = path.relative_to(real_site).as_posix()
        try:
            doc = json.loads(path.read_bytes())
        except ValueError as error:
            problems.append(f"{name}: not JSON: {error}")
            continue
        problems += [f"{name}: {p}" for p in json_feed_problems(doc)]
    assert not problems, f"{len(problems)} problems in {len(feeds)} JSON Feeds:\n" + "\n".join(problems)


def test_json_feed_check_catches_what_the_spec_forbids():
    bad = {"version": "https://jsonfeed.org/version/1", "items": [
        {"id": 1, "content_html": "<p>x</p>"}, {"id": "b", "date_published": "2026-11-23 12:00"},
        {"id": "c", "content_text": "t", "tags": "one", "attachments": [{"url": "https://x/a"}]}]}
    problems = json_feed_problems(bad)
    assert any(p.startswith("version is") for p in problems), problems
    assert "feed: no title" in problems
    assert any("item 1: no id" in p for p in problems), problems
    assert any("item 2: neither content_html" in p for p in problems), problems
    assert any("item 2 date_published" in p and "RFC 3339" in p for p in problems), problems
    assert any("item 3: tags" in p for p in problems), problems
    assert any("item 3: an attachment needs" in p for p in problems), problems


ATOM_BAD = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>https://x.org/</id><title>T</title>
<updated>2026-11-23 12:00</updated>
<entry><title>E</title><updated>2026-11-23T12:00:00Z</updated></entry></feed>"""
RSS_BAD = """<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://x.org/</link>
<description>d</description><item><title>I</title><pubDate>Tue, 23 Nov 2026 12:00:00</pubDate></item>
</channel></rss>"""


def test_checks_catch_what_feedparser_accepts():
    assert not feedparser.parse(ATOM_BAD).bozo
    atom = atom_problems(ET.fromstring(ATOM_BAD))
    assert any("updated" in p and "RFC 3339" in p for p in atom), atom
    assert any("rel='self'" in p for p in atom), atom
    assert any("atom:id" in p for p in atom), atom
    assert any("no author" in p for p in atom), atom
    rss = rss_problems(ET.fromstring(RSS_BAD))
    assert any("no guid" in p for p in rss), rss
    assert any("pubDate" in p for p in rss), rss
