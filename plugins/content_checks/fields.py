"""The header fields each kind of source file may have. Pelican keeps any ``Key: value`` line
as metadata and ignores those nothing reads, so a mistyped field (``Tgas:``, ``Author:``) would
publish a post without its tags or authors, without a word."""

from __future__ import annotations

import difflib
from typing import Iterable, Iterator, Mapping

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
KNOWN = {"post": POST, "page": PAGE, "working group": GROUP}


def _written(key: str) -> str:
    return key[:1].upper() + key[1:]


def problems(header: Iterable[tuple[str, int]], values: Mapping[str, object],
             kind: str) -> Iterator[Finding]:
    """A problem for each ``(key, line)`` of ``header`` that is not a field a ``kind`` has, then
    for each value of a field it has that it refuses (``values``: the header's, by key)."""
    header = list(header)
    known = KNOWN[kind]
    for key, line in header:
        if key in known:
            continue
        close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
        hint = (f"did you mean '{_written(close[0])}:'?" if close else
                "expected one of: " + ", ".join(_written(name) for name in sorted(known)))
        yield line, key, f"is not a field a {kind} has ({hint})"
    for key, line in header:
        if kind == "page" and key == "save_as" and str(values.get(key) or "").strip():
            yield line, key, (f"{quote(str(values[key]))}: a page's address comes from its Slug "
                              "(expected 'Slug: name'; an empty 'Save_as:' only keeps the "
                              "page's text off the site as a page of its own, as the home "
                              "page's text is)")
