"""Output-cache keys for the .ics files: what each calendar is made from.

Settings, plugin code and the libraries fastbuild fingerprints (icalendar included) are covered
by CACHE_PATH, so a key holds the content: the calendar's path, title and seed, and a digest of
each event in it (its revision, the source of DTSTAMP, included). The time-zone data behind
VTIMEZONE (not in that fingerprint) is added too, with where every calendar's VTIMEZONE for the
zone begins (the era of its history holding the earliest time any event of the site holds in it).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from fastbuild import make_key

from .model import Event, content_digest
from .timezones import ZoneDataError, zone, zone_file


def _zone_data(tzid: str) -> str:
    """A hash of the zone file VTIMEZONE is made from (timezones.zone_file)."""
    try:
        return hashlib.blake2b(zone_file(tzid), digest_size=8).hexdigest()
    except ZoneDataError:
        return "unknown"


def _first_needed(tzid: str, since: datetime | None) -> str:
    """Where the zone's VTIMEZONE begins (the same for any time in one era of its history)."""
    try:
        return str(zone(tzid).first_needed(since)) if since else ""
    except ZoneDataError:
        return "unknown"


class CalendarKeys:
    """Keys for one build's calendars; each event's digest and zone data are computed once."""

    def __init__(self, starts: dict[str, datetime]) -> None:
        self._starts = starts
        self._events: dict[str, str] = {}
        self._zones: dict[str, str] = {}

    def _event(self, event: Event) -> str:
        # By slug: slugs are unique among a build's events (duplicates stop the build).
        if event.slug not in self._events:
            self._events[event.slug] = content_digest(event)
        return self._events[event.slug]

    def _zone(self, tzid: str) -> str:
        if tzid not in self._zones:
            since = self._starts.get(tzid)
            self._zones[tzid] = f"{_zone_data(tzid)}@{_first_needed(tzid, since)}"
        return self._zones[tzid]

    def key(self, relpath: str, title: str, seed: str, events: list[Event]) -> str:
        zones = sorted({e.timezone for e in events if e.timezone})
        return make_key(relpath, title, seed, *(f"{tzid}={self._zone(tzid)}" for tzid in zones),
                        *sorted(self._event(e) for e in events))
