"""JSON-LD objects (schema.org) for posts, the home page and breadcrumbs.

Builders return plain dicts; only ``publishing.jsonld`` turns them into <script> elements, so a
title containing ``</script>`` cannot end the block.
"""

from __future__ import annotations

from typing import Any, Iterable

from markupsafe import Markup

from .settings import SeoSettings

SCHEMA = "https://schema.org"


def plain(value: Any) -> str:
    """Text of an HTML fragment (summaries are rendered Markdown), entities decoded."""
    if not value:
        return ""
    return Markup(str(value)).striptags()


def _iso(value: Any) -> str:
    return value.isoformat(timespec="seconds") if hasattr(value, "hour") else value.isoformat()


def organization(config: SeoSettings) -> dict:
    return {
        "@type": "Organization",
        "name": config.sitename,
        "url": config.absolute(""),
        "logo": {"@type": "ImageObject", "url": config.absolute(config.default_image)},
    }


def blog_posting(article: Any, config: SeoSettings, image_url: str = "") -> dict:
    """BlogPosting for a post; ``image_url`` is the post's own image (absolute) or ""."""
    url = config.absolute(article.url)
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "BlogPosting",
        "headline": str(article.title),
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": _iso(article.date),
        "dateModified": _iso(getattr(article, "modified", None) or article.date),
        "author": [{"@type": "Person", "name": author.name, "url": config.absolute(author.url)}
                   for author in getattr(article, "authors", None) or []],
        "publisher": organization(config),
        "description": plain(getattr(article, "summary", "")),
    }
    if image_url:
        data["image"] = image_url
    category = getattr(article, "category", None)
    if category is not None:
        data["articleSection"] = category.name
    tags = getattr(article, "tags", None) or []
    if tags:
        data["keywords"] = [tag.name for tag in tags]
    return data


def website(config: SeoSettings) -> dict:
    """WebSite with a SearchAction pointing at the site's own search page."""
    search = config.absolute(config.search_url)
    return {
        "@context": SCHEMA,
        "@type": "WebSite",
        "name": config.sitename,
        "url": config.absolute(""),
        "description": config.description,
        "publisher": organization(config),
        "potentialAction": {
            "@type": "SearchAction",
            "target": f"{search}?q={{search_term_string}}",
            "query-input": "required name=search_term_string",
        },
    }


def breadcrumbs(trail: Iterable[tuple[str, str]]) -> dict:
    """BreadcrumbList from (name, absolute URL) pairs, outermost first."""
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def post_trail(article: Any, config: SeoSettings) -> list[tuple[str, str]]:
    trail = [("Home", config.absolute("")), ("Blog", config.absolute(config.blog_url))]
    category = getattr(article, "category", None)
    if category is not None:
        trail.append((category.name, config.absolute(category.url)))
    trail.append((str(article.title), config.absolute(article.url)))
    return trail


def event_trail(event: Any, config: SeoSettings) -> list[tuple[str, str]]:
    return [("Home", config.absolute("")), ("Events", config.absolute(config.events_url)),
            (str(event.title), config.absolute(event.url))]
