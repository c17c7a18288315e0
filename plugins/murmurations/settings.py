"""Murmurations settings: defaults merged once with the site's, checked at start-up."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

DEFAULTS: dict[str, Any] = {
    # Where the profiles are written; the URLs are what you register with the index, so keep them.
    "MURMURATIONS_SAVE_AS": "murmurations/network.json",
    "MURMURATIONS_GROUP_SAVE_AS": "murmurations/group/{slug}.json",
    # Schemas of the MurmurationsLibrary each profile is checked against by the index. The library
    # has one schema for groups, projects and organisations; working groups use it too.
    "MURMURATIONS_SCHEMA": "organizations_schema-v1.0.0",
    "MURMURATIONS_GROUP_SCHEMA": "organizations_schema-v1.0.0",
    # Keywords the index's searches and maps filter on.
    "MURMURATIONS_TAGS": (),
    "MURMURATIONS_GROUP_TAGS": ("working group",),
    "MURMURATIONS_MISSION": "",
    "MURMURATIONS_IMAGE": "images/logo.svg",  # site path or https:// URL; a square logo
    "MURMURATIONS_EMAIL": "",
    "MURMURATIONS_CONTACT_URL": "",  # site path or https:// URL of a contact page
    # Where the network is: any of these may stay empty.
    "MURMURATIONS_ADDRESS": "",
    "MURMURATIONS_COUNTRY": "",  # ISO 3166-1 two-letter code, e.g. GB
    "MURMURATIONS_GEOLOCATION": None,  # (latitude, longitude)
    "MURMURATIONS_GEOGRAPHIC_SCOPE": "",  # local, regional, national or international
    # A working group's Status, as the index's status field says it.
    "MURMURATIONS_GROUP_STATUSES": {"active": "active", "forming": "in_planning",
                                    "paused": "on_hold", "archived": "completed"},
}

SCOPES = ("local", "regional", "national", "international")
STATUSES = ("active", "completed", "cancelled", "on_hold", "in_planning")
# What the library's linked_schemas field accepts.
SCHEMA_NAME = re.compile(r"^[a-z][a-z0-9_]{7,97}-v[0-9]+\.[0-9]+\.[0-9]+$")


@dataclass(frozen=True)
class MurmurationsSettings:
    site_url: str  # public absolute URL, no trailing slash
    name: str
    description: str
    save_as: str
    group_save_as: str
    schema: str
    group_schema: str
    tags: tuple[str, ...]
    group_tags: tuple[str, ...]
    mission: str
    image: str
    email: str
    contact_url: str
    address: str
    country: str
    geolocation: tuple[float, float] | None
    geographic_scope: str
    group_statuses: tuple[tuple[str, str], ...]
    social: tuple[tuple[str, str], ...]

    def absolute(self, path: str) -> str:
        """An absolute public URL for a site path or an absolute URL."""
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.site_url}/{path.lstrip('/')}"

    def group_path(self, slug: str) -> str:
        return self.group_save_as.format(slug=slug)


def _merged(settings: Mapping[str, Any]) -> dict[str, Any]:
    return {**DEFAULTS, **{key: settings[key] for key in DEFAULTS if key in settings}}


def read(settings: Mapping[str, Any]) -> MurmurationsSettings:
    merged = _merged(settings)
    location = merged["MURMURATIONS_GEOLOCATION"]
    return MurmurationsSettings(
        site_url=str(settings.get("PUBLIC_SITEURL") or settings.get("SITEURL") or "").rstrip("/"),
        name=str(settings.get("SITENAME", "")),
        description=str(settings.get("SITE_DESCRIPTION") or settings.get("SITESUBTITLE") or ""),
        save_as=merged["MURMURATIONS_SAVE_AS"],
        group_save_as=merged["MURMURATIONS_GROUP_SAVE_AS"],
        schema=merged["MURMURATIONS_SCHEMA"],
        group_schema=merged["MURMURATIONS_GROUP_SCHEMA"],
        tags=tuple(merged["MURMURATIONS_TAGS"]),
        group_tags=tuple(merged["MURMURATIONS_GROUP_TAGS"]),
        mission=str(merged["MURMURATIONS_MISSION"] or ""),
        image=str(merged["MURMURATIONS_IMAGE"] or ""),
        email=str(merged["MURMURATIONS_EMAIL"] or ""),
        contact_url=str(merged["MURMURATIONS_CONTACT_URL"] or ""),
        address=str(merged["MURMURATIONS_ADDRESS"] or ""),
        country=str(merged["MURMURATIONS_COUNTRY"] or ""),
        geolocation=(float(location[0]), float(location[1])) if location else None,
        geographic_scope=str(merged["MURMURATIONS_GEOGRAPHIC_SCOPE"] or ""),
        group_statuses=tuple(sorted(dict(merged["MURMURATIONS_GROUP_STATUSES"]).items())),
        social=tuple((str(name), str(url)) for name, url in settings.get("SOCIAL") or ()),
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def setting_problems(settings: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(setting name, message) for each Murmurations setting the index would refuse."""
    merged = _merged(settings)
    problems = []
    site_url = str(settings.get("PUBLIC_SITEURL") or settings.get("SITEURL") or "")
    if not site_url.startswith(("http://", "https://")):
        problems.append(("PUBLIC_SITEURL", "Murmurations profiles need the public absolute site "
                         "URL (expected e.g. https://example.org)"))
    for name in ("MURMURATIONS_SAVE_AS", "MURMURATIONS_GROUP_SAVE_AS"):
        if not str(merged[name]).endswith(".json"):
            problems.append((name, f"{merged[name]!r} does not end in .json"))
    if "{slug}" not in str(merged["MURMURATIONS_GROUP_SAVE_AS"]):
        problems.append(("MURMURATIONS_GROUP_SAVE_AS", "needs {slug}, so each group has its own file"))
    for name in ("MURMURATIONS_SCHEMA", "MURMURATIONS_GROUP_SCHEMA"):
        if not SCHEMA_NAME.match(str(merged[name])):
            problems.append((name, f"{merged[name]!r} is not a library schema name "
                             "(expected e.g. organizations_schema-v1.0.0)"))
    for name in ("MURMURATIONS_TAGS", "MURMURATIONS_GROUP_TAGS"):
        tags = merged[name]
        if isinstance(tags, str) or not all(isinstance(t, str) and t.strip() for t in tags):
            problems.append((name, "expected a list of words, e.g. ['co-operatives', 'commons']"))
        elif len(set(tags)) != len(tags):
            problems.append((name, "lists a tag twice"))
    country = str(merged["MURMURATIONS_COUNTRY"] or "")
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        problems.append(("MURMURATIONS_COUNTRY", f"{country!r} is not a two-letter ISO 3166-1 "
                         "code (expected e.g. GB)"))
    location = merged["MURMURATIONS_GEOLOCATION"]
    if location is not None and not (
            isinstance(location, (tuple, list)) and len(location) == 2
            and all(_is_number(v) for v in location)
            and -90 <= location[0] <= 90 and -180 <= location[1] <= 180):
        problems.append(("MURMURATIONS_GEOLOCATION", f"{location!r} is not (latitude, longitude) "
                         "(expected e.g. (53.4808, -2.2426))"))
    scope = merged["MURMURATIONS_GEOGRAPHIC_SCOPE"]
    if scope and scope not in SCOPES:
        problems.append(("MURMURATIONS_GEOGRAPHIC_SCOPE", f"unknown scope {scope!r} "
                         f"(expected one of: {', '.join(SCOPES)})"))
    for status, value in dict(merged["MURMURATIONS_GROUP_STATUSES"]).items():
        if value not in STATUSES:
            problems.append(("MURMURATIONS_GROUP_STATUSES", f"{status!r} maps to {value!r} "
                             f"(expected one of: {', '.join(STATUSES)})"))
    for name in ("MURMURATIONS_IMAGE", "MURMURATIONS_CONTACT_URL"):
        value = str(merged[name] or "")
        if "://" in value and not value.startswith(("http://", "https://")):
            problems.append((name, f"{value!r} is not a web address or a site path"))
    return problems
