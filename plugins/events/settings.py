"""The events plugin's settings, with defaults; read once per build."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

DEFAULTS: dict[str, Any] = {
    # Folder under PATH holding one .yaml/.yml file per event.
    "EVENTS_PATH": "events",
    # Zone for timed events that name none; None makes `timezone:` required.
    "EVENTS_DEFAULT_TIMEZONE": None,
    # Calendar display name; None means "<SITENAME> events".
    "EVENTS_CALENDAR_NAME": None,
    "EVENTS_CALENDAR_DESCRIPTION": None,
    # How often subscribers should re-fetch (RFC 7986 REFRESH-INTERVAL, ISO 8601 duration).
    "EVENTS_REFRESH": "P1D",
    # How many upcoming events the home page shows.
    "EVENTS_HOME_COUNT": 3,
}


def read(settings: dict) -> dict[str, Any]:
    """DEFAULTS overlaid with the site's settings, plus the values derived from them."""
    options = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    sitename = settings.get("SITENAME", "")
    options["EVENTS_CALENDAR_NAME"] = options["EVENTS_CALENDAR_NAME"] or f"{sitename} events"
    options["EVENTS_CALENDAR_DESCRIPTION"] = (options["EVENTS_CALENDAR_DESCRIPTION"]
                                              or f"Events from {sitename}")
    options["PUBLIC_SITEURL"] = str(settings.get("PUBLIC_SITEURL")
                                    or settings.get("SITEURL", "")).rstrip("/")
    options["SITE_ID"] = str(settings.get("SITE_ID") or options["PUBLIC_SITEURL"])
    options["SITENAME"] = sitename
    options["TIMEZONE"] = settings.get("TIMEZONE") or "UTC"
    return options


def parse_duration(text: str) -> timedelta:
    """The subset of ISO 8601 durations a refresh interval needs: PnD, PTnH, PTnM, PnW."""
    import re

    match = re.fullmatch(r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?", str(text))
    if not match or not any(match.groups()):
        raise ValueError(f"EVENTS_REFRESH {text!r} is not an ISO 8601 duration such as P1D or PT12H")
    weeks, days, hours, minutes = (int(g or 0) for g in match.groups())
    return timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes)
