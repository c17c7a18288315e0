"""The content checks' settings, merged once over their defaults."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class CheckSettings:
    categories: tuple[str, ...] = ()
    post_required: tuple[str, ...] = ("title", "date", "category")
    page_required: tuple[str, ...] = ("title",)
    # Hosts whose <iframe>, <object> or <embed> a post, page, group or event may include
    # (exact host names, e.g. "www.youtube-nocookie.com"); none by default.
    embed_hosts: tuple[str, ...] = ()
    # Header fields rendered as Markdown (Pelican's FORMATTED_FIELDS).
    formatted: tuple[str, ...] = ("summary",)
    # Refuse scripts, event handlers, javascript:/data: URLs and embeds from other hosts in
    # what contributors write. Off only for a site whose every writer is trusted.
    security_lint: bool = True
    # The heaviest picture a page may carry (bytes): a phone's photo as it comes is several.
    image_max_bytes: int = 1_000_000
    # The site's MARKDOWN setting as JSON ("" when it is not JSON): the security lint renders
    # what it finds suspect with it, to tell markup shown as code from markup.
    markdown: str = ""

    @property
    def lint_hosts(self) -> tuple[str, ...] | None:
        """The embed allow-list, or None when the security lint is off."""
        return self.embed_hosts if self.security_lint else None

    @property
    def render(self) -> Callable[[str], str] | None:
        """Markdown text -> the HTML the site makes of it; None without a usable MARKDOWN."""
        return functools.partial(_render, self.markdown) if self.markdown else None


@functools.lru_cache(maxsize=4)
def _markdown(config: str):
    from markdown import Markdown  # noqa: PLC0415 - only when something looks suspect

    return Markdown(**json.loads(config))


def _render(config: str, text: str) -> str:
    return _markdown(config).reset().convert(text)


def _json(value: object) -> str:
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return ""


def read(settings: dict) -> CheckSettings:
    return CheckSettings(
        categories=tuple(settings.get("PUBLICATION_CATEGORIES") or ()),
        post_required=tuple(settings.get("POST_REQUIRED_FIELDS") or CheckSettings.post_required),
        page_required=tuple(settings.get("PAGE_REQUIRED_FIELDS") or CheckSettings.page_required),
        embed_hosts=tuple(str(h).lower() for h in settings.get("CONTENT_EMBED_HOSTS") or ()),
        security_lint=bool(settings.get("CONTENT_SECURITY_LINT", True)),
        formatted=tuple(str(f).lower() for f in settings.get("FORMATTED_FIELDS") or ("summary",)),
        image_max_bytes=int(settings.get("CONTENT_IMAGE_MAX_BYTES")
                            or CheckSettings.image_max_bytes),
        markdown=_json(settings.get("MARKDOWN") or {}),
    )
