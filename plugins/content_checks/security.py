"""Content-security lint: markup in a contributor's text that could run script in a reader's
browser or embed another site's page. Pull requests can come from anyone, and the site's
Content-Security-Policy (theme/templates/base.html) is the second line of defence, not the first.

Works on raw text lines (Markdown with inline HTML, or an event description), after HTML
character references are decoded, so ``&#106;avascript:`` is found as well. What it finds there
is then looked for in the HTML the text becomes, when the caller can give it: markup shown as
code (`` `<script>` `` in a code span, an indented block, ``&lt;meta&gt;``) is text on the page,
not an element, while the same markup inside a raw HTML block, where Markdown leaves code spans
alone, is an element and stays refused.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Callable, Iterable, Iterator
from urllib.parse import urlsplit

from .rules import quote

_TAG = re.compile(r"<\s*([a-zA-Z][a-zA-Z0-9-]*)\b([^>]*)>?", re.DOTALL)
_HANDLER = re.compile(r"(?:^|[\s/\"'])(on[a-z]+)\s*=", re.IGNORECASE)
_SRC = re.compile(r"""\b(?:src|data)\s*=\s*(["']?)([^"'\s>]*)\1""", re.IGNORECASE)
# A URL value in an attribute, a Markdown link or image, or a reference definition.
_URL = re.compile(r"""(?:\b[a-z-]+\s*=\s*["']?|\]\(\s*<?|^\s*\[[^\]]*\]:\s*<?)\s*([a-z][a-z0-9+.-]*)\s*:""",
                  re.IGNORECASE)
_BAD_SCHEMES = ("javascript", "vbscript", "data")
_EMBEDS = ("iframe", "object", "embed", "frame", "frameset", "applet")
# Elements that act on the whole page rather than where they stand: a <meta http-equiv=refresh>
# sends readers to another site (no Content-Security-Policy governs it), a <style> restyles or
# hides every page the text is shown on (a summary is on the home page), <base> and <link>
# change where the page's own links and styles come from.
_PAGE_WIDE = {"meta": "sends readers elsewhere or changes how the page is read",
              "style": "restyles every page the text appears on, the home page included",
              "base": "changes where every link of the page leads",
              "link": "loads a stylesheet or resource into the page"}
# Browsers drop these inside a URL scheme ("java\tscript:" is javascript:).
_INVISIBLE = re.compile(r"[\t\n\r\x00]")

# What every finding needs somewhere in the text: markup, a character reference, or a
# "script:"/"data:" scheme. Texts without any skip the line-by-line look.
_SCHEME_END = re.compile(r"(?:script|data)\s*:")

Finding = tuple[int, str, str]


def suspect(text: str) -> bool:
    """Whether ``text`` needs the line-by-line look at all (plain substring tests first: a
    case-insensitive pattern over every post costs more than the rest of the checks)."""
    if "<" in text or "&" in text:
        return True
    low = text.lower()
    return ("script" in low or "data" in low) and _SCHEME_END.search(low) is not None


def lint(lines: Iterable[tuple[int, str]], field: str, embed_hosts: tuple[str, ...],
         rendered: Callable[[], str] | None = None) -> list[Finding]:
    """``(line, field, message)`` for each unsafe construct in ``(line, text)`` pairs. With
    ``rendered`` (the HTML the whole text becomes, asked for only when something is found), a
    construct stands only where that HTML has it too."""
    found = list(_constructs(lines, field, embed_hosts))
    if found and rendered is not None:
        try:
            present = _present(rendered(), embed_hosts)
        except Exception:  # noqa: BLE001 - text Markdown cannot render: the source's findings stand
            present = None
        if present is not None:
            found = [finding for finding in found if finding[3] in present]
    return [(number, name, message) for number, name, message, _kind in found]


def _constructs(lines: Iterable[tuple[int, str]], field: str,
                embed_hosts: tuple[str, ...]) -> Iterator[tuple[int, str, str, str]]:
    """What ``lint`` finds in the source, each with its kind (what ``_present`` names it)."""
    for number, raw in lines:
        if not suspect(raw):
            continue
        text = _INVISIBLE.sub("", html.unescape(raw))
        for match in _TAG.finditer(text):
            name, attributes = match.group(1).lower(), match.group(2)
            if name == "script":
                yield number, field, ("contains a <script> element (expected no scripts in "
                                      "content; the site runs only its own)"), "script"
            elif name in _EMBEDS:
                for message in _embed(name, attributes, embed_hosts):
                    yield number, field, message, f"embed:{name}"
            elif name in _PAGE_WIDE:
                yield number, field, (f"contains a <{name}> element, which {_PAGE_WIDE[name]} "
                                      "(expected text, links and pictures; the theme styles "
                                      "the page)"), f"page:{name}"
            handler = _HANDLER.search(attributes)
            if handler:
                yield number, field, (f"<{name}> has an event handler attribute "
                                      f"{quote(handler.group(1))} (expected no scripts in "
                                      "content)"), "handler"
        for match in _URL.finditer(text):
            scheme = match.group(1).lower()
            if scheme in _BAD_SCHEMES:
                yield number, field, (f"links to a {scheme}: URL (expected an https:// address "
                                      "or a file under content/)"), f"scheme:{scheme}"


def _embed(name: str, attributes: str, hosts: tuple[str, ...]) -> Iterator[str]:
    source = _SRC.search(attributes)
    host = urlsplit(source.group(2)).hostname if source else None
    allowed = ", ".join(hosts) if hosts else "none are allowed (CONTENT_EMBED_HOSTS is empty)"
    if host is None or host.lower() not in hosts:
        where = f"from {quote(host)}" if host else "without an https:// source"
        yield f"embeds an <{name}> {where} (expected a host on the allow-list: {allowed})"


class _Elements(HTMLParser):
    """The kinds of unsafe construct an HTML text really has (``_constructs``' names)."""

    def __init__(self, hosts: tuple[str, ...]) -> None:
        super().__init__(convert_charrefs=True)
        self.hosts, self.kinds = hosts, set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self.kinds.add("script")
        elif tag in _EMBEDS:
            source = values.get("src") or values.get("data") or ""
            host = urlsplit(source).hostname
            if host is None or host.lower() not in self.hosts:
                self.kinds.add(f"embed:{tag}")
        elif tag in _PAGE_WIDE:
            self.kinds.add(f"page:{tag}")
        for name, value in attrs:
            if name.startswith("on"):
                self.kinds.add("handler")
            scheme = _INVISIBLE.sub("", value or "").strip().partition(":")
            if scheme[1] and scheme[0].lower() in _BAD_SCHEMES:
                self.kinds.add(f"scheme:{scheme[0].lower()}")

    handle_startendtag = handle_starttag


def _present(rendered: str, hosts: tuple[str, ...]) -> set[str]:
    parser = _Elements(hosts)
    parser.feed(rendered)
    parser.close()
    return parser.kinds
