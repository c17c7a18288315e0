"""The content checks' settings, merged once over their defaults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckSettings:
    categories: tuple[str, ...] = ()
    post_required: tuple[str, ...] = ("title", "date", "category")
    page_required: tuple[str, ...] = ("title",)
    # Hosts whose <iframe>, <object> or <embed> a post, page, group or event may include
    # (exact host names, e.g. "www.youtube-nocookie.com"); none by default.
    embed_hosts: tuple[str, ...] = ()


def read(settings: dict) -> CheckSettings:
    return CheckSettings(
        categories=tuple(settings.get("PUBLICATION_CATEGORIES") or ()),
        post_required=tuple(settings.get("POST_REQUIRED_FIELDS") or CheckSettings.post_required),
        page_required=tuple(settings.get("PAGE_REQUIRED_FIELDS") or CheckSettings.page_required),
        embed_hosts=tuple(str(h).lower() for h in settings.get("CONTENT_EMBED_HOSTS") or ()),
    )
