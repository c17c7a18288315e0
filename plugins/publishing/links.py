"""Resolve Pelican link syntax ({static}, {attach}, {filename}) found in metadata such as Image."""

from __future__ import annotations

import re

_LINK = re.compile(r"^\{(static|attach|filename)\}/?(?P<path>.+)$")


def resolve(value: str, siteurl: str, static_content: dict | None = None,
            generated_content: dict | None = None) -> str:
    """URL for a metadata link; ``siteurl`` "" gives a root-relative URL."""
    if not value:
        return ""
    match = _LINK.match(value.strip())
    if not match:
        return value
    path = match.group("path")
    for mapping in (static_content or {}, generated_content or {}):
        item = mapping.get(path)
        if item is not None and getattr(item, "url", None):
            return f"{siteurl}/{item.url}"
    # Static files are saved under their own path (STATIC_SAVE_AS = "{path}").
    return f"{siteurl}/{path}"
