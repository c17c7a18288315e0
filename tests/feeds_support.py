"""Strict, independent checks of Atom (RFC 4287) and RSS 2.0 documents, standing in for the
W3C feed validator: feedparser for "does a reader accept it", lxml for what the specs require."""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
from bs4 import BeautifulSoup
from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} "
                    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
                    r"\d{2}:\d{2}:\d{2} [+-]\d{4}$")


def feed_files(output: Path) -> list[Path]:
    return sorted((output / "feeds").rglob("*.xml"))


def is_absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def public_url(output: Path, path: Path, site: str) -> str:
    return f"{site}/{path.relative_to(output).as_posix()}"


def parse(path: Path):
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    return parsed


def _one(parent, tag: str, where: str):
    found = parent.findall(tag)
    assert len(found) == 1, f"{where}: expected exactly one {tag}, found {len(found)}"
    assert (found[0].text or "").strip() or found[0].get("href"), f"{where}: empty {tag}"
    return found[0]


def _rfc3339(text: str, where: str) -> None:
    assert RFC3339.match(text or ""), f"{where}: {text!r} is not an RFC 3339 date"


def _rfc822(text: str, where: str):
    assert RFC822.match(text or ""), f"{where}: {text!r} is not an RFC 822 date"
    value = parsedate_to_datetime(text)
    assert value.tzinfo is not None
    return value


def check_content_html(html: str, where: str) -> BeautifulSoup:
    doc = BeautifulSoup(html, "html.parser")
    assert not doc.find_all(["script", "iframe", "object", "embed"]), f"{where}: active content"
    for element in doc.find_all(True):
        assert not any(name.lower().startswith("on") for name in element.attrs), f"{where}: {element}"
    for element in doc.find_all(["a", "img", "source", "video", "audio"]):
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is not None and not value.startswith(("mailto:", "tel:", "data:image/")):
                assert is_absolute(value), f"{where}: relative {attribute}={value!r}"
    return doc


def check_atom(path: Path, expected_self: str) -> etree._Element:
    """Assert what RFC 4287 requires of a feed and its entries; returns the root element."""
    root = etree.parse(str(path)).getroot()
    where = str(path)
    assert root.tag == f"{ATOM}feed", where
    assert re.match(r"^[a-z][a-z0-9+.-]*:", _one(root, f"{ATOM}id", where).text), f"{where}: id is not an IRI"
    _one(root, f"{ATOM}title", where)
    _rfc3339(_one(root, f"{ATOM}updated", where).text, where)
    selves = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert [link.get("href") for link in selves] == [expected_self], where
    alternates = [link for link in root.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]
    assert len({(a.get("type"), a.get("hreflang")) for a in alternates}) == len(alternates), where
    assert all(is_absolute(link.get("href")) for link in root.findall(f"{ATOM}link")), where
    feed_author = any((a.findtext(f"{ATOM}name") or "").strip() for a in root.findall(f"{ATOM}author"))
    ids = []
    for index, entry in enumerate(root.findall(f"{ATOM}entry")):
        at = f"{where} entry {index}"
        ids.append(_one(entry, f"{ATOM}id", at).text)
        assert re.match(r"^[a-z][a-z0-9+.-]*:", ids[-1]), f"{at}: id is not an IRI"
        _one(entry, f"{ATOM}title", at)
        _rfc3339(_one(entry, f"{ATOM}updated", at).text, at)
        for published in entry.findall(f"{ATOM}published"):
            _rfc3339(published.text, at)
            updated = datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
            assert datetime.fromisoformat(published.text) <= updated, f"{at}: published after updated"
        links = entry.findall(f"{ATOM}link")
        assert all(is_absolute(link.get("href")) for link in links), at
        alternates = [link for link in links if link.get("rel", "alternate") == "alternate"]
        assert alternates, f"{at}: no alternate link"
        assert len({(a.get("type"), a.get("hreflang")) for a in alternates}) == len(alternates), at
        for enclosure in (link for link in links if link.get("rel") == "enclosure"):
            assert "/" in enclosure.get("type", "") and enclosure.get("length", "").isdigit(), at
        assert feed_author or any((a.findtext(f"{ATOM}name") or "").strip()
                                  for a in entry.findall(f"{ATOM}author")), f"{at}: no author"
        content = entry.find(f"{ATOM}content")
        if content is None:
            assert entry.find(f"{ATOM}summary") is not None, f"{at}: neither content nor summary"
        for text in (content, entry.find(f"{ATOM}summary")):
            if text is not None and text.get("type") == "html":
                check_content_html(text.text or "", at)
    assert len(ids) == len(set(ids)), f"{where}: duplicate entry ids"
    return root


def check_rss(path: Path, expected_self: str) -> etree._Element:
    """Assert what RSS 2.0 (and the RSS Advisory Board's profile) requires; returns <channel>."""
    root = etree.parse(str(path)).getroot()
    where = str(path)
    assert root.tag == "rss" and root.get("version") == "2.0", where
    channels = root.findall("channel")
    assert len(channels) == 1, where
    channel = channels[0]
    _one(channel, "title", where)
    assert is_absolute(_one(channel, "link", where).text), where
    _one(channel, "description", where)
    selves = [link.get("href") for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert selves == [expected_self], where
    for date in ("lastBuildDate", "pubDate"):
        if channel.find(date) is not None:
            _rfc822(channel.findtext(date), where)
    guids = []
    for index, item in enumerate(channel.findall("item")):
        at = f"{where} item {index}"
        assert (item.findtext("title") or item.findtext("description") or "").strip(), at
        guids.append(_one(item, "guid", at).text)
        _rfc822(_one(item, "pubDate", at).text, at)
        assert is_absolute(_one(item, "link", at).text), at
        for enclosure in item.findall("enclosure"):
            assert is_absolute(enclosure.get("url")), at
            assert (enclosure.get("length") or "").isdigit(), at
            assert "/" in (enclosure.get("type") or ""), at
        assert len(item.findall("enclosure")) <= 1, at
        for html in (item.findtext("description"), item.findtext(f"{CONTENT}encoded")):
            if html:
                check_content_html(html, at)
    assert len(guids) == len(set(guids)), f"{where}: duplicate guids"
    return channel


def check_feed_file(output: Path, path: Path, site: str):
    expected_self = public_url(output, path, site)
    parse(path)
    if path.name.endswith(".atom.xml"):
        return check_atom(path, expected_self)
    return check_rss(path, expected_self)
