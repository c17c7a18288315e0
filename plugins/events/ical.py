"""iCalendar files (RFC 5545 + RFC 7986) built with icalendar 7.x.

Output must be byte-identical between builds: UIDs come from SITE_ID and the slug, DTSTAMP and
LAST-MODIFIED from the event's revision (its `updated:` or its file's last change), and
components are added in a fixed order.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterable

from icalendar import Calendar, Timezone, vRecur, vText
from icalendar import Event as VEvent
from icalendar.prop.conference import Conference

from . import timezones, timing
from .model import Event
from .plaintext import plain_text


def absolute(siteurl: str, url: str) -> str:
    return f"{siteurl}/{url}"


def plain_description(event: Event, siteurl: str) -> str:
    """Plain text for DESCRIPTION: the reader's summary and notes, ending with the event page."""
    notes = (plain_text(event.description_html, siteurl) if event.description_html
             else event.description)
    parts = [event.summary, notes]
    if event.organizer:
        parts.append(f"Organised by {event.organizer}.")
    if event.online_url:
        parts.append(f"Join online: {event.online_url}")
    if event.url_more:
        parts.append(f"More information: {event.url_more}")
    parts.append(absolute(siteurl, event.url))
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def vevent(event: Event, siteurl: str) -> VEvent:
    revision = event.revision
    if revision is None:
        raise ValueError(f"{event.source_path}: no revision time (set `updated:`)")
    start, end = event.start, event.exclusive_end
    if not event.recurrence and any(isinstance(moment, datetime) and timing.clock_change(moment)
                                    for moment in (start, end)):
        # A time the clocks pass twice: RFC 5545 reads a TZID time as the first, but ical.js,
        # node-ical and khal take the second. In UTC every client reads the same moment.
        start, end = start.astimezone(timezone.utc), end.astimezone(timezone.utc)
    component = VEvent.new(
        uid=event.uid,
        # A published calendar (no METHOD): DTSTAMP is when the event was last revised.
        stamp=revision.astimezone(timezone.utc),
        start=start,
        # Without an end, DTEND is the start: what RFC 5545 reads into a missing DTEND, stated
        # rather than left to each client's default length for an event.
        end=end,
        summary=event.title,
        description=plain_description(event, siteurl),
        location=event.location_text or event.online_url or None,
        url=absolute(siteurl, event.url),
        status=event.status.upper(),
        categories=list(event.tags) or None,
        sequence=event.sequence,
        last_modified=revision.astimezone(timezone.utc),
        conferences=[Conference(event.online_url, feature="VIDEO", label="Join online")]
        if event.online_url else None,
    )
    if event.lat is not None and event.lon is not None:
        component.add("GEO", (event.lat, event.lon))
    if event.recurrence:
        component.add("RRULE", vRecur.from_ical(event.recurrence))
    if event.exdates:
        component.add("EXDATE", list(event.exdates))
    return component


class ZoneDefinitions:
    """A build's VTIMEZONE components (timezones.py), shared by its calendars: one per zone,
    from the earliest time any event of the site holds in it (``starts``,
    ``timezones.zone_starts``), so every calendar gives a zone the same definition. Clients keep
    the first definition they meet for a TZID (vobject, Radicale's server): one trimmed to a
    later calendar's events would give an older event's times the wrong offset."""

    def __init__(self, starts: dict[str, datetime]) -> None:
        self._starts = starts
        self._made: dict[str, Timezone] = {}

    def get(self, tzid: str) -> Timezone:
        if tzid not in self._made:
            self._made[tzid] = timezones.vtimezone(tzid, self._starts.get(tzid, _EARLIEST))
        return self._made[tzid]


_EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)


def calendar(events: Iterable[Event], *, name: str, description: str, source_url: str,
             prodid: str, refresh: timedelta, refresh_text: str, siteurl: str,
             zones: ZoneDefinitions | None = None, components: dict | None = None) -> Calendar:
    """One VCALENDAR; ``zones`` and ``components`` (VEVENTs) are shared by a build's calendars:
    most calendars repeat the same zones and events.

    No UID on the VCALENDAR: some clients (vdirsyncer) take it for every event in it."""
    events = sorted(events, key=lambda e: (str(e.start), e.slug))
    zones = ZoneDefinitions(timezones.zone_starts(events)) if zones is None else zones
    components = {} if components is None else components
    cal = Calendar.new(
        prodid=prodid,
        name=name,
        description=description,
        url=source_url,
        source=source_url,
        refresh_interval=refresh,
    )
    del cal["UID"]  # Calendar.new() always adds one
    cal["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    cal.add("X-PUBLISHED-TTL", vText(refresh_text))
    for event in events:
        # An event sits in several calendars (all, its own, group, tags): build its VEVENT once.
        key = (event.slug, siteurl)
        if key not in components:
            components[key] = vevent(event, siteurl)
        cal.add_component(components[key])
    # Sorted so the file does not depend on set order (hash seeds differ between runs).
    for position, tzid in enumerate(sorted(cal.get_missing_tzids())):
        cal.subcomponents.insert(position, zones.get(tzid))
    return cal


def to_bytes(cal: Calendar, memo: dict | None = None) -> bytes:
    """Serialise; with ``memo`` (shared by a build's calendars) each subcomponent (VTIMEZONE,
    VEVENT) is serialised once and spliced in: most calendars repeat the same ones."""
    parts = list(cal.subcomponents)
    if memo is None or not parts:
        return cal.to_ical()
    cal.subcomponents = []
    try:
        body = cal.to_ical()
    finally:
        cal.subcomponents = parts
    for part in parts:
        if id(part) not in memo:
            memo[id(part)] = (part, part.to_ical())  # keep the part alive so its id stays unique
    cut = body.rindex(b"END:VCALENDAR")
    return body[:cut] + b"".join(memo[id(p)][1] for p in parts) + body[cut:]
