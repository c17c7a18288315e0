"""The header fields each kind of source file may have. Pelican keeps any ``Key: value`` line
as metadata and ignores those nothing reads, so a mistyped field (``Tgas:``, ``Author:``) would
publish a post without its tags or authors, without a word."""

from __future__ import annotations

import difflib
from typing import Iterable, Iterator

from .header import Finding

# CONTRIBUTING.md's tables. No Lang, Translation, Template, Save_as or Url on posts: the site
# publishes in one language at the addresses its URL settings give.
POST = frozenset({"title", "date", "modified", "category", "tags", "authors", "summary", "slug",
                  "status", "image", "image_alt", "group", "audio", "audio_length", "video",
                  "video_length", "duration", "feed_id"})
# A page may take another page's place (the home page is a page saved as index.html).
PAGE = frozenset({"title", "slug", "status", "summary", "image", "image_alt", "save_as", "url",
                  "template"})
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
