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
    # Header fields rendered as Markdown (Pelican's FORMATTED_FIELDS).
    formatted: tuple[str, ...] = ("summary",)
    # Refuse scripts, event handlers, javascript:/data: URLs and embeds from other hosts in
    # what contributors write. Off only for a site whose every writer is trusted.
    security_lint: bool = True
    # The heaviest picture a page may carry (bytes): a phone's photo as it comes is several.
    image_max_bytes: int = 1_000_000

    @property
    def lint_hosts(self) -> tuple[str, ...] | None:
        """The embed allow-list, or None when the security lint is off."""
        return self.embed_hosts if self.security_lint else None


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
    )
