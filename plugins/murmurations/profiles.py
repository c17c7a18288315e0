"""The profiles as plain dicts, in the fields of the MurmurationsLibrary's organisations schema.

Empty fields are left out rather than sent empty: the library's schemas refuse an empty tag
list and an address of "".
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from .settings import MurmurationsSettings

# Relationship predicates (the library asks for URLs defining them).
SUB_ORGANIZATION = "https://schema.org/subOrganization"
PARENT_ORGANIZATION = "https://schema.org/parentOrganization"
GROUP_LINKS = (("docs", "Working documents"), ("join", "Join the working group"),
               ("chat", "Chat"))


def _text(value: Any) -> str:
    """Plain text of a field that may hold Markdown-rendered HTML, spaces collapsed."""
    return " ".join(Markup(str(value or "")).striptags().split())


def _unique(values) -> list[str]:
    seen: list[str] = []
    for value in values:
        value = str(value).strip()
        if value and value not in seen:
            seen.append(value)
    return seen


def network_profile(cfg: MurmurationsSettings, groups: list, rss: str | None) -> dict:
    """The network as an organisation; ``groups`` are the working groups it lists."""
    profile: dict[str, Any] = {
        "linked_schemas": [cfg.schema],
        "name": cfg.name,
        "primary_url": cfg.absolute("/"),
    }
    if cfg.tags:
        profile["tags"] = _unique(cfg.tags)
    if cfg.description:
        profile["description"] = _text(cfg.description)
    if cfg.mission:
        profile["mission"] = _text(cfg.mission)
    profile["status"] = "active"
    if cfg.address:
        profile["full_address"] = cfg.address
    if cfg.country:
        profile["country_iso_3166"] = cfg.country
    if cfg.geolocation:
        profile["geolocation"] = {"lat": cfg.geolocation[0], "lon": cfg.geolocation[1]}
    if cfg.geographic_scope:
        profile["geographic_scope"] = cfg.geographic_scope
    if cfg.image:
        profile["image"] = cfg.absolute(cfg.image)
    urls = [{"name": name, "url": url} for name, url in cfg.social
            if url.startswith(("http://", "https://"))]
    if urls:
        profile["urls"] = urls
    if rss:
        profile["rss"] = rss
    contact = {}
    if cfg.email:
        contact["email"] = cfg.email
    if cfg.contact_url:
        contact["contact_form"] = cfg.absolute(cfg.contact_url)
    if contact:
        profile["contact_details"] = contact
    relationships = [{"predicate_url": SUB_ORGANIZATION, "object_url": cfg.absolute(group.url)}
                     for group in groups]
    if relationships:
        profile["relationships"] = relationships
    return profile


def group_profile(cfg: MurmurationsSettings, group: Any, tags: list[str], image: str | None,
                  rss: str | None) -> dict:
    """One working group; ``image`` is its absolute image URL (or None for the network's)."""
    profile: dict[str, Any] = {
        "linked_schemas": [cfg.group_schema],
        "name": str(group.title),
        "primary_url": cfg.absolute(group.url),
    }
    all_tags = _unique([*cfg.group_tags, *tags])
    if all_tags:
        profile["tags"] = all_tags
    if group.purpose:
        profile["description"] = _text(group.purpose)
    status = dict(cfg.group_statuses).get(group.status)
    if status:
        profile["status"] = status
    if image or cfg.image:
        profile["image"] = image or cfg.absolute(cfg.image)
    urls = [{"name": label, "url": getattr(group, field)} for field, label in GROUP_LINKS
            if getattr(group, field, None)]
    if urls:
        profile["urls"] = urls
    if rss:
        profile["rss"] = rss
    if group.contact:
        profile["contact_details"] = {"email": group.contact}
    profile["relationships"] = [{"predicate_url": PARENT_ORGANIZATION,
                                 "object_url": cfg.absolute("/")}]
    return profile


def dumps(profile: dict) -> bytes:
    """The profile file's bytes: UTF-8 JSON, keys in the order built."""
    return (json.dumps(profile, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
