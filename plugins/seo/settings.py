"""Defaults for the seo plugin; a site overrides any of them in pelicanconf.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

DEFAULTS: dict[str, Any] = {
    # Shown by social cards and used as the publisher's logo when a page has no image of its own.
    "SEO_DEFAULT_IMAGE": "images/logo.svg",
    "SEO_DEFAULT_IMAGE_ALT": "",  # empty: "<SITENAME> logo"
    # Social cards (Open Graph, X/Twitter) show raster pictures only: a page whose own picture is
    # an SVG, or that has none, gets this one (1200 x 630 pixels, the size they crop to).
    "SEO_CARD_IMAGE": "images/social-card.png",
    "SEO_CARD_IMAGE_ALT": "",  # empty: "<SITENAME>: <SITESUBTITLE>"
    "SEO_SITEMAP_SAVE_AS": "sitemap.xml",
    "SEO_ROBOTS_SAVE_AS": "robots.txt",
    # Paths crawlers should skip; the Pagefind bundle is for the search page's script only.
    "SEO_ROBOTS_DISALLOW": ["/pagefind/"],
    "SEARCH_URL": "search/",
    "EVENTS_URL": "events/",
    "WORKING_GROUPS_URL": "working-groups/",
}


@dataclass(frozen=True)
class SeoSettings:
    siteurl: str
    sitename: str
    description: str
    default_image: str
    default_image_alt: str
    card_image: str
    card_image_alt: str
    sitemap_save_as: str
    robots_save_as: str
    robots_disallow: tuple[str, ...]
    search_url: str
    blog_url: str
    events_url: str
    working_groups_url: str

    def absolute(self, path: str) -> str:
        """An absolute URL on the public site for a root-relative or site-relative path."""
        if not path:
            return self.siteurl + "/"
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.siteurl}/{path.lstrip('/')}"


def read(settings: Mapping[str, Any]) -> SeoSettings:
    """Merge the site's settings over DEFAULTS once, into an immutable object."""
    merged = {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS}}
    siteurl = str(settings.get("PUBLIC_SITEURL") or settings.get("SITEURL") or "").rstrip("/")
    sitename = str(settings.get("SITENAME", ""))
    return SeoSettings(
        siteurl=siteurl,
        sitename=sitename,
        description=str(settings.get("SITE_DESCRIPTION", "")),
        default_image=merged["SEO_DEFAULT_IMAGE"],
        default_image_alt=merged["SEO_DEFAULT_IMAGE_ALT"] or f"{sitename} logo",
        card_image=merged["SEO_CARD_IMAGE"],
        card_image_alt=merged["SEO_CARD_IMAGE_ALT"] or ": ".join(
            filter(None, (sitename, str(settings.get("SITESUBTITLE") or "")))),
        sitemap_save_as=merged["SEO_SITEMAP_SAVE_AS"],
        robots_save_as=merged["SEO_ROBOTS_SAVE_AS"],
        robots_disallow=tuple(merged["SEO_ROBOTS_DISALLOW"]),
        search_url=merged["SEARCH_URL"],
        blog_url=str(settings.get("BLOG_URL", "blog/")),
        events_url=merged["EVENTS_URL"],
        working_groups_url=merged["WORKING_GROUPS_URL"],
    )
