"""Output-cache keys for the .ics files: what each calendar is made from.

Settings, plugin code and the libraries fastbuild fingerprints (icalendar included) are covered
by CACHE_PATH, so a key holds the content: the calendar's path, title and seed, and a digest of
each event in it (its revision, the source of DTSTAMP, included). The time-zone data behind
VTIMEZONE (not in that fingerprint) is added too; which part of a zone's history a VTIMEZONE
lists follows from the events' start times, already in their digests.
"""

from __future__ import annotations

import hashlib

from fastbuild import make_key

from .model import Event, content_digest
from .timezones import ZoneDataError, zone_file


def _zone_data(tzid: str) -> str:
    """A hash of the zone file VTIMEZONE is made from (timezones.zone_file)."""
    try:
        return hashlib.blake2b(zone_file(tzid), digest_size=8).hexdigest()
    except ZoneDataError:
        return "unknown"


class CalendarKeys:
    """Keys for one build's calendars; each event's digest and zone data are computed once."""

    def __init__(self) -> None:
        self._events: dict[str, str] = {}
        self._zones: dict[str, str] = {}

    def _event(self, event: Event) -> str:
        # By slug: slugs are unique among a build's events (duplicates stop the build).
        if event.slug not in self._events:
            self._events[event.slug] = content_digest(event)
        return self._events[event.slug]

    def _zone(self, tzid: str) -> str:
        if tzid not in self._zones:
            self._zones[tzid] = _zone_data(tzid)
        return self._zones[tzid]

    def key(self, relpath: str, title: str, seed: str, events: list[Event]) -> str:
        zones = sorted({e.timezone for e in events if e.timezone})
        return make_key(relpath, title, seed, *(f"{tzid}={self._zone(tzid)}" for tzid in zones),
                        *sorted(self._event(e) for e in events))
