"""Defaults for the working-groups plugin; a site overrides any of them in pelicanconf.py."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    # Folder under PATH holding one Markdown file per group.
    "WORKING_GROUPS_PATH": "working-groups",
    "WORKING_GROUPS_URL": "working-groups/",
    "WORKING_GROUPS_SAVE_AS": "working-groups/index.html",
    "WORKING_GROUP_URL": "working-groups/{slug}/",
    "WORKING_GROUP_SAVE_AS": "working-groups/{slug}/index.html",
    # Written only for groups with more posts than fit on the group page.
    "WORKING_GROUP_POSTS_URL": "working-groups/{slug}/posts/",
    "WORKING_GROUP_POSTS_SAVE_AS": "working-groups/{slug}/posts/index.html",
    # Listed in this order; archived groups are listed apart.
    "WORKING_GROUP_STATUSES": ("active", "forming", "paused", "archived"),
    "WORKING_GROUP_ARCHIVED_STATUSES": ("archived",),
    "WORKING_GROUP_RECENT_POSTS": 10,
}


def read_settings(settings: dict) -> dict[str, Any]:
    """The plugin's settings: the site's values merged over DEFAULTS."""
    return {key: settings.get(key, default) for key, default in DEFAULTS.items()}
