"""Output-cache keys for the .ics files: what each calendar is made from.

Settings, plugin code and the libraries fastbuild fingerprints (icalendar included) are covered
by CACHE_PATH, so a key holds the content: the calendar's path, title and seed, and a digest of
each event in it. The time-zone data behind VTIMEZONE (not in that fingerprint) and the span of
years the definitions cover are added too.

DTSTAMP is the event's ``updated:`` or else the build's "now", so a calendar with an event
without ``updated:`` is keyed by "now" too: a warm build writes what a cold one would (with
SOURCE_DATE_EPOCH fixed, it is reused).
"""

from __future__ import annotations

import hashlib
import os
import zoneinfo
from datetime import date, datetime
from importlib import resources

from fastbuild.outputcache import make_key

from .model import Event, content_digest


def _zone_data(tzid: str) -> str:
    """A hash of the zone file zoneinfo reads for ``tzid`` (system database first, then tzdata)."""
    for folder in zoneinfo.TZPATH:
        path = os.path.join(folder, tzid)
        if os.path.isfile(path):
            with open(path, "rb") as handle:
                return hashlib.blake2b(handle.read(), digest_size=8).hexdigest()
    try:
        package, _, name = f"tzdata.zoneinfo.{tzid}".replace("/", ".").rpartition(".")
        return hashlib.blake2b(resources.files(package).joinpath(name).read_bytes(),
                               digest_size=8).hexdigest()
    except (ImportError, OSError, ValueError):
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

    def key(self, relpath: str, title: str, seed: str, events: list[Event],
            zone_span: tuple[date, date], stamp: datetime) -> str:
        """``zone_span``: the years the build's VTIMEZONE definitions cover (ical.span_of);
        ``stamp``: the build's "now"."""
        zones = sorted({e.timezone for e in events if e.timezone})
        stamped = stamp.isoformat() if any(e.updated is None for e in events) else ""
        return make_key(relpath, title, seed, stamped, *(str(day) for day in zone_span),
                        *(f"{tzid}={self._zone(tzid)}" for tzid in zones),
                        *sorted(self._event(e) for e in events))
