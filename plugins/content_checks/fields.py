"""The header fields each kind of source file may have. Pelican keeps any ``Key: value`` line
as metadata and ignores those nothing reads, so a mistyped field (``Tgas:``, ``Author:``) would
publish a post without its tags or authors, without a word."""

from __future__ import annotations

import difflib
from typing import Iterable, Iterator

from .header import Finding
from .rules import quote

# CONTRIBUTING.md's tables. No Lang, Translation, Template, Save_as or Url on posts: the site
# publishes in one language at the addresses its URL settings give.
POST = frozenset({"title", "date", "modified", "category", "tags", "authors", "summary", "slug",
                  "status", "image", "image_alt", "group", "audio", "audio_length", "video",
                  "video_length", "duration", "feed_id"})
# A page's address comes from its slug, as every other page's does. An empty Save_as keeps a
# page's text off the site as a page of its own: the home page shows the hidden page "home"
# that way. Any other Save_as, Url or Template let one file replace the home page, a feed or
# the search index, or stop the build on a template that does not exist.
PAGE = frozenset({"title", "slug", "status", "summary", "image", "image_alt", "save_as"})
GROUP = frozenset({"title", "slug", "purpose", "status", "docs", "join", "chat", "contact",
                   "order", "image", "image_alt", "tags", "murmurations"})


def _written(key: str) -> str:
    return key[:1].upper() + key[1:]


def unknown(header: Iterable[tuple[str, int]], known: frozenset[str],
            kind: str) -> Iterator[Finding]:
    """A problem for each ``(key, line)`` of ``header`` that is not a field ``kind`` has."""
    for key, line in header:
        if key in known:
            continue
        close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
        hint = (f"did you mean '{_written(close[0])}:'?" if close else
                "expected one of: " + ", ".join(_written(name) for name in sorted(known)))
        yield line, key, f"is not a field a {kind} has ({hint})"


def page_value(key: str, value: str) -> str | None:
    """What is wrong with a page's ``key: value`` line that is a field a page has, or None."""
    if key == "save_as" and value.strip():
        return (f"{quote(value)}: a page's address comes from its Slug (expected 'Slug: name'; "
                "an empty 'Save_as:' only keeps the page's text off the site as a page of its "
                "own, as the home page's text is)")
    return None
