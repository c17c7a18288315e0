"""Strict feed checks beyond feedparser (which accepts an Atom entry with no id or a bad date):
the required elements of RFC 4287 (Atom 1.0) and RSS 2.0, RFC 3339 and RFC 822 dates."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
DAYS = "Mon|Tue|Wed|Thu|Fri|Sat|Sun"
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
RFC822 = re.compile(rf"(?:({DAYS}), )?\d{{1,2}} ({MONTHS}) \d{{4}} \d{{2}}:\d{{2}}(:\d{{2}})? "
                    r"([+-]\d{4}|GMT|UT|[ECMP][SD]T|Z)")


def feed_format(root: ET.Element) -> str | None:
    if root.tag == f"{ATOM}feed":
        return "atom"
    if root.tag == "rss":
        return "rss"
    return None


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def rfc3339_problem(value: str) -> str | None:
    if not RFC3339.fullmatch(value):
        return f"'{value}' is not an RFC 3339 date-time"
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        return f"'{value}': {error}"
    return None


def rfc822_problem(value: str) -> str | None:
    match = RFC822.fullmatch(value)
    if not match:
        return f"'{value}' is not an RFC 822 date"
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError) as error:
        return f"'{value}': {error}"
    if parsed.tzinfo is None:
        return f"'{value}' has no time zone"
    if match.group(1) and parsed.strftime("%a") != match.group(1):
        return f"'{value}': the date is a {parsed.strftime('%a')}"
    return None


def _is_iri(value: str) -> bool:
    return bool(urlsplit(value).scheme)


def atom_problems(root: ET.Element) -> list[str]:
    problems = []
    for name in ("id", "title", "updated"):
        if len(root.findall(f"{ATOM}{name}")) != 1:
            problems.append(f"feed: needs exactly one atom:{name}")
    if _text(root.find(f"{ATOM}id")) and not _is_iri(_text(root.find(f"{ATOM}id"))):
        problems.append(f"feed: id '{_text(root.find(f'{ATOM}id'))}' is not an IRI")
    if root.find(f"{ATOM}updated") is not None:
        problem = rfc3339_problem(_text(root.find(f"{ATOM}updated")))
        if problem:
            problems.append(f"feed updated: {problem}")
    if not any(link.get("rel") == "self" and link.get("href") for link in root.findall(f"{ATOM}link")):
        problems.append("feed: no atom:link rel='self'")
    feed_author = any(_text(a.find(f"{ATOM}name")) for a in root.findall(f"{ATOM}author"))
    ids = set()
    for number, entry in enumerate(root.findall(f"{ATOM}entry"), 1):
        where = f"entry {number} ({_text(entry.find(f'{ATOM}title'))[:40]!r})"
        for name in ("id", "title", "updated"):
            if len(entry.findall(f"{ATOM}{name}")) != 1:
                problems.append(f"{where}: needs exactly one atom:{name}")
        entry_id = _text(entry.find(f"{ATOM}id"))
        if entry_id and not _is_iri(entry_id):
            problems.append(f"{where}: id '{entry_id}' is not an IRI")
        if entry_id in ids:
            problems.append(f"{where}: duplicate id '{entry_id}'")
        ids.add(entry_id)
        for name in ("updated", "published"):
            element = entry.find(f"{ATOM}{name}")
            if element is not None and (problem := rfc3339_problem(_text(element))):
                problems.append(f"{where} {name}: {problem}")
        if not any(link.get("href") for link in entry.findall(f"{ATOM}link")):
            problems.append(f"{where}: no atom:link")
        has_author = any(_text(a.find(f"{ATOM}name")) for a in entry.findall(f"{ATOM}author"))
        if not (feed_author or has_author):
            problems.append(f"{where}: no author (and none on the feed)")
    return problems


def rss_problems(root: ET.Element) -> list[str]:
    if root.get("version") != "2.0":
        return [f"rss version is {root.get('version')!r}, not '2.0'"]
    channels = root.findall("channel")
    if len(channels) != 1:
        return ["rss: needs exactly one channel"]
    channel = channels[0]
    problems = [f"channel: no {name}" for name in ("title", "link", "description")
                if channel.find(name) is None or (name != "description" and not _text(channel.find(name)))]
    for name in ("pubDate", "lastBuildDate"):
        if channel.find(name) is not None and (problem := rfc822_problem(_text(channel.find(name)))):
            problems.append(f"channel {name}: {problem}")
    guids = set()
    for number, item in enumerate(channel.findall("item"), 1):
        where = f"item {number} ({_text(item.find('title'))[:40]!r})"
        if not (_text(item.find("title")) or _text(item.find("description"))):
            problems.append(f"{where}: needs a title or a description")
        guid = _text(item.find("guid"))
        if not guid:
            problems.append(f"{where}: no guid")
        elif guid in guids:
            problems.append(f"{where}: duplicate guid '{guid}'")
        elif item.find("guid").get("isPermaLink", "true") == "true" and not _is_iri(guid):
            problems.append(f"{where}: permalink guid '{guid}' is not a URL")
        guids.add(guid)
        if item.find("pubDate") is None:
            problems.append(f"{where}: no pubDate")
        elif problem := rfc822_problem(_text(item.find("pubDate"))):
            problems.append(f"{where} pubDate: {problem}")
    return problems


JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
_STRINGS = ("home_page_url", "feed_url", "description", "user_comment", "next_url", "icon",
            "favicon", "language")
_ITEM_STRINGS = ("url", "external_url", "title", "content_html", "content_text", "summary",
                 "image", "banner_image", "language")


def _authors_problems(value, where: str) -> list[str]:
    if not isinstance(value, list):
        return [f"{where}: authors is not an array"]
    problems = []
    for author in value:
        if not isinstance(author, dict) or not any(
                isinstance(author.get(key), str) for key in ("name", "url", "avatar")):
            problems.append(f"{where}: an author has none of name, url, avatar")
    return problems


def json_feed_problems(doc) -> list[str]:
    """What JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) requires of a feed and its
    items: required fields, types, RFC 3339 dates, unique ids."""
    if not isinstance(doc, dict):
        return ["the feed is not a JSON object"]
    problems = []
    if doc.get("version") != JSON_FEED_VERSION:
        problems.append(f"version is {doc.get('version')!r}, not {JSON_FEED_VERSION!r}")
    if not isinstance(doc.get("title"), str) or not doc["title"].strip():
        problems.append("feed: no title")
    problems += [f"feed: {key} is not a string" for key in _STRINGS
                 if key in doc and not isinstance(doc[key], str)]
    if "expired" in doc and not isinstance(doc["expired"], bool):
        problems.append("feed: expired is not a boolean")
    if "authors" in doc:
        problems += _authors_problems(doc["authors"], "feed")
    for hub in doc.get("hubs", []) if isinstance(doc.get("hubs", []), list) else [None]:
        if not (isinstance(hub, dict) and isinstance(hub.get("type"), str)
                and isinstance(hub.get("url"), str)):
            problems.append(f"feed: hub {hub!r} needs a type and a url")
    items = doc.get("items")
    if not isinstance(items, list):
        return problems + ["feed: items is not an array"]
    ids = set()
    for number, item in enumerate(items, 1):
        where = f"item {number}"
        if not isinstance(item, dict):
            problems.append(f"{where}: not an object")
            continue
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"{where}: no id (a string)")
        elif item["id"] in ids:
            problems.append(f"{where}: duplicate id '{item['id']}'")
        ids.add(item.get("id"))
        problems += [f"{where}: {key} is not a string" for key in _ITEM_STRINGS
                     if key in item and not isinstance(item[key], str)]
        if "content_html" not in item and "content_text" not in item:
            problems.append(f"{where}: neither content_html nor content_text")
        for key in ("date_published", "date_modified"):
            if key in item and (problem := rfc3339_problem(str(item[key]))):
                problems.append(f"{where} {key}: {problem}")
        if "authors" in item:
            problems += _authors_problems(item["authors"], where)
        if "tags" in item and not (isinstance(item["tags"], list)
                                   and all(isinstance(t, str) for t in item["tags"])):
            problems.append(f"{where}: tags is not an array of strings")
        for attachment in item.get("attachments", []):
            if not (isinstance(attachment.get("url"), str)
                    and isinstance(attachment.get("mime_type"), str)):
                problems.append(f"{where}: an attachment needs a url and a mime_type")
            for key in ("size_in_bytes", "duration_in_seconds"):
                if key in attachment and (not isinstance(attachment[key], (int, float))
                                          or isinstance(attachment[key], bool)):
                    problems.append(f"{where}: attachment {key} is not a number")
    return problems
