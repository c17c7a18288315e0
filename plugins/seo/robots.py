"""robots.txt: let crawlers in and tell them where the sitemap is."""

from __future__ import annotations

from .settings import SeoSettings


def render_robots(config: SeoSettings) -> str:
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in config.robots_disallow] or ["Disallow:"]
    lines += ["", f"Sitemap: {config.absolute(config.sitemap_save_as)}", ""]
    return "\n".join(lines)
